/*
 * What every benchmark of `make bench` shares, on every system it runs on
 * (docs/benchmarks.md): inside Flotilla (flotilla/bench.h adds Flotilla's
 * own limits), in the Linux guest (bench/linux/lbench.h) and on the host.
 * One warm-up, one smaller N for the slow workloads, one ordered read of
 * the time-stamp counter and one format of a figure's line, so that a
 * figure means the same on both sides of the table by construction.
 */
#ifndef LIB_BENCH_H
#define LIB_BENCH_H

#include <stddef.h>
#include <stdint.h>

#define BENCH_WARMUP	1000	/* untimed iterations before the timed ones */

/*
 * The workloads that wake a halted core on every iteration (a blocking
 * round trip between cores, a TLB shootdown on every core) take
 * milliseconds each under TCG: they run bench_slow_n(N) timed iterations
 * after BENCH_SLOW_WARMUP untimed ones, and their lines say that n.
 */
#define BENCH_SLOW_DIVISOR	10
#define BENCH_SLOW_WARMUP	(BENCH_WARMUP / BENCH_SLOW_DIVISOR)

static inline size_t bench_slow_n(size_t n)
{
	return n / BENCH_SLOW_DIVISOR ? n / BENCH_SLOW_DIVISOR : 1;
}

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
/* Prints a figure's line (lib/bench.c) with printf, with ` pair=P` after
 * the name when pair is not NULL; tools/bench.py parses it:
 *	BENCH name=N [pair=P] unit=cycles n=.. min=.. median=.. p99=.. max=.. */
void bench_print(const char *name, const char *pair, const struct stats *st);

#endif
