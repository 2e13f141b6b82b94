/*
 * What the benchmarks on one core (bench.c) and between pairs of cores
 * (meshbench.c) share: the warm-up, the cap on N, the ordered time-stamp
 * counter and the one format of a figure's line. docs/benchmarks.md says
 * what the lines mean.
 */
#ifndef USR_MONITOR_BENCH_H
#define USR_MONITOR_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <kpi/errors.h>

#define BENCH_MAX_N	20000	/* 160 KB of samples in the 256 KiB heap */
#define BENCH_WARMUP	1000	/* untimed iterations before the timed ones */

/*
 * The time-stamp counter, ordered: the first lfence waits until every
 * earlier instruction has completed locally, so the timed operation's
 * start (or end) is not read early; the second keeps later instructions
 * from starting before the counter is read. The same read at both ends
 * means an empty timed region measures the fixed cost of the pair, which
 * the rdtsc_overhead line reports (it is not subtracted elsewhere).
 * rdtscp would order only one side and needs a CPUID check; lfence is
 * dispatch-serializing on Intel and on AMD as operating systems set it up.
 */
static inline uint64_t tsc_fenced(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi) : : "memory");
	return (uint64_t)hi << 32 | lo;
}

struct stats;
/* Prints a figure's line, with ` pair=P` after the name when pair is not
 * NULL:
 *	BENCH name=N [pair=P] unit=cycles n=.. min=.. median=.. p99=.. max=.. */
void bench_print(const char *name, const char *pair, const struct stats *st);

/* URPC between every pair of cores beside the cache-line floor
 * (meshbench.c), N timed iterations each; nonzero if one failed. */
int meshbench_pairs(size_t n);

#endif
