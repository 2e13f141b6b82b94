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

/*
 * Runs `op` warm + n times, each timed on its own; the first `warm`
 * samples are dropped, the rest go to s[0..n-1]. Warm-up runs the very
 * same code as the timed iterations, so its first timed pass finds that
 * code already cached (and, under TCG, already translated). `check` runs
 * after each timed read, outside the timed region. Both may use i_, the
 * iteration (warm-up included).
 */
#define TIME_EACH(s, warm, n, op, check) do {				\
	for (size_t i_ = 0; i_ < (warm) + (n); i_++) {			\
		uint64_t t0_ = tsc_fenced();				\
		op;							\
		uint64_t d_ = tsc_fenced() - t0_;			\
		check;							\
		if (i_ + 1 > (warm))	/* i_ >= warm, for a warm of 0 */ \
			(s)[i_ - (warm)] = d_;				\
	}								\
} while (0)

struct stats;
/* Prints a figure's line (lib/bench.c) with printf, with ` pair=P` after
 * the name when pair is not NULL; tools/bench.py parses it:
 *	BENCH name=N [pair=P] unit=cycles n=.. min=.. median=.. p99=.. max=.. */
void bench_print(const char *name, const char *pair, const struct stats *st);

/* Divides each of the n samples by `per` (the operations one timed
 * iteration holds), sorts them and prints their line; with no samples,
 * `BENCH error name=.. reason="no statistics: .."` instead. Nonzero then. */
int bench_report(const char *name, const char *pair, uint64_t *s, size_t n, unsigned per);

/* The same for a workload run at several core counts (make bench's
 * shootdown and the Linux guest's munmap at 2..SMP cores), with
 * ` protocol=P` after the name when protocol is not NULL and `extra`
 * (counts, "k=v ...") at the end when not NULL:
 *	BENCH name=N [protocol=P] cores=C unit=cycles n=.. min=.. median=..
 *		p99=.. max=.. [extra] */
int bench_report_cores(const char *name, const char *protocol, unsigned cores, uint64_t *s,
		       size_t n, const char *extra);

#endif
