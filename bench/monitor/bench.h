/*
 * The monitor's benchmarks (`make bench`): on one core (bench.c), between
 * pairs of cores (meshbench.c), and in programs it starts (procbench.c).
 * What they share with those programs is in flotilla/bench.h;
 * docs/benchmarks.md says what the lines mean.
 */
#ifndef BENCH_MONITOR_BENCH_H
#define BENCH_MONITOR_BENCH_H

#include <stddef.h>
#include <flotilla/bench.h>

/* The benchmarks (bench.c), run by the test image's monitor on core 0
 * with `bench`; returns nonzero if one failed. */
int bench_main(const char *cmdline);
/* The pairs benchmark's handler for mesh messages (meshbench.c): every
 * test-image monitor calls it after its bring-up; it does nothing
 * without the mesh. */
void meshbench_init(void);

/* URPC between every pair of cores beside the cache-line floor
 * (meshbench.c), N timed iterations each; nonzero if one failed. */
int meshbench_pairs(size_t n);
/* In processes (procbench.c), bench_slow_n(N) timed iterations: a
 * blocking URPC round trip between cores 0 and 1 (nothing on one core),
 * and unmapping a page of a process on every core; nonzero if it failed. */
int procbench_uchan(size_t n);
int procbench_unmap(size_t n);
int procbench_moncall(size_t n);
int procbench_shoot(size_t n, size_t warm);
/* Figure 3 (lib/updbench.h), in a process spanning every core:
 * bench_slow_n(N) timed updates per run; nonzero if it failed. */
int procbench_updates(size_t n);
/* One commit of the monitors' agreement, timed on core 0 (agreebench.c):
 * bench_slow_n(N) of them; nonzero if one failed. */
int agreebench_commit(size_t n);

#endif
