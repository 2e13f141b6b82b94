/*
 * The Linux side of `make bench` (docs/benchmarks.md#the-linux-guest):
 * what the workloads of linuxbench share. Every workload is timed by the
 * code that times Flotilla's (lib/bench.h, built into both): BENCH_WARMUP
 * untimed iterations (10 n when n is below 100, so that a smoke test with
 * a tiny n is quick) through the very loop that then takes n timed ones
 * (TIME_EACH), one fenced rdtsc pair around each, lib/stats.c's
 * nearest-rank median and p99, and one line per workload in Flotilla's
 * format (bench_report); the pair workloads are Flotilla's own code
 * (lib/pairbench.c, pairs.c):
 *	BENCH name=N [pair=i-j] unit=cycles n=.. min=.. median=.. p99=.. max=..
 * Workers on other cores are processes (fork) or threads pinned with
 * sched_setaffinity; their shared state lives in MAP_SHARED memory.
 */
#ifndef BENCH_LINUX_LBENCH_H
#define BENCH_LINUX_LBENCH_H

#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>

#include "lib/bench.h"	/* BENCH_WARMUP, tsc_fenced, bench_print: Flotilla's own */

#define BENCH_QUIET_S	60	/* a spinning side gives up after this long */

/* What every workload gets: n timed iterations, room for n samples, and
 * the cores. */
struct bench {
	size_t n, warm;		/* timed and untimed iterations */
	uint64_t *s;
	int ncpus;		/* CPUs 0..ncpus-1 (the guest's -smp) */
};

/* The workloads that wake a halted CPU on every iteration (blocking round
 * trips between CPUs, a TLB shootdown on every CPU) take milliseconds each
 * under TCG on a busy host, so they run n / SLOW_DIVISOR timed iterations
 * (at least 1) after warm / SLOW_DIVISOR, with lib/bench.h's
 * BENCH_SLOW_DIVISOR, as Flotilla's do: the line says its n. */
struct bench bench_slow(const struct bench *b);

/* Prints `BENCH error name=.. reason="..."`; returns 1. */
int bench_fail(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prints `BENCH name=.. [pair=..] n/a reason="..."`; returns 0. */
int bench_na(const char *name, const char *pair, const char *reason);

/* Pins the calling thread to `cpu`; 0 or an errno. */
int pin_cpu(int cpu);
/* Memory shared with children forked after it (MAP_SHARED, zeroed). */
void *shared_alloc(size_t bytes);
/* Forks a child pinned to `cpu` that runs fn(arg) and exits with its
 * value; the child's pid, or -1. */
int spawn_on(int cpu, int (*fn)(void *), void *arg);
/* Waits for the child; 0 when it exited with 0. */
int reap(int pid);
/* Ends a child that is stuck (SIGKILL); reap() it afterwards. */
void kill_quietly(int pid);
/* Monotonic nanoseconds. */
uint64_t now_ns(void);
/* True once `deadline` (now_ns() based) has passed; reads the clock only
 * every 65536 calls, counted in *polls. */
int spin_expired(uint64_t *polls, uint64_t deadline);

/* One blocking round trip between a process on cpu_a (the caller, timed)
 * and a child on cpu_b (roundtrip.c): 8 bytes each way. */
enum rt_kind { RT_PIPE, RT_EVENTFD, RT_UNIX, RT_FUTEX };
int bench_roundtrip(struct bench *b, const char *name, const char *pair, enum rt_kind kind,
		    int cpu_a, int cpu_b);

/* The workloads, by file: each returns nonzero if one of its own failed. */
int bench_local(struct bench *b);	/* local.c: one core */
int bench_pairs(struct bench *b);	/* pairs.c: between two cores */
int bench_unmap(struct bench *b);	/* unmap.c: a page mapped on every core */
int bench_unmap_cores(struct bench *b);	/* and on 2, 3, .. cores */
int bench_updates(struct bench *b);	/* updates.c: Figure 3 (lib/updbench.c) */

#endif
