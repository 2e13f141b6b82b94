/*
 * Summary statistics of a set of measurements (cycle counts), for the
 * benchmarks (bench/monitor/bench.c) and anything else that times itself.
 * Freestanding: no C library; linked into user programs and host tests.
 *
 * Definitions. The samples are sorted ascending into v[0..n-1]; ranks are
 * 1-based. The P-th percentile (0 < P <= 100) is the nearest-rank
 * percentile: the sample of rank ceil(P * n / 100), i.e. the smallest
 * sample such that at least P% of all samples are <= it. It is always one
 * of the measured values, never an interpolation. So:
 *   min     v[0]
 *   median  the 50th percentile by nearest rank: v[ceil(n/2) - 1], which
 *           for even n is the lower of the two middle samples
 *   p99     v[ceil(99n/100) - 1]: n=100 gives v[98], n=1000 gives v[989],
 *           and any n < 100 gives the maximum
 *   max     v[n-1]
 */
#ifndef LIB_STATS_H
#define LIB_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <kpi/errors.h>

struct stats {
	size_t n;
	uint64_t min, median, p99, max;
};

/* Sorts v[0..n-1] ascending in place: heapsort, O(n log n) time, no extra
 * memory, no recursion. */
void stats_sort(uint64_t *v, size_t n);

/* The 1-based nearest rank of the `pct`-th percentile of n samples:
 * ceil(pct * n / 100), computed without overflow for any n; pct above 100
 * counts as 100, and the rank is at least 1 (0 only when n is 0). */
size_t stats_rank(size_t n, unsigned pct);

/* The nearest-rank `pct`-th percentile of the sorted v[0..n-1], that is
 * v[stats_rank(n, pct) - 1]; 0 when n is 0. */
uint64_t stats_percentile_sorted(const uint64_t *v, size_t n, unsigned pct);

/* Sorts v[0..n-1] in place and fills *out. ERR_INVALID_ARG (and *out all
 * zero) when n is 0 or v or out is NULL: there is no median of nothing. */
err_t stats_compute(uint64_t *v, size_t n, struct stats *out);

#endif
