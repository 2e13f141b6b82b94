/*
 * Sorting and nearest-rank percentiles for measurements (definitions in
 * lib/stats.h). The sort is a heapsort: O(n log n) in the worst case, in
 * place, no recursion, so it suits a 100000-sample array on a 64 KiB user
 * stack as well as the host tests. Stability does not matter for plain
 * integers.
 */
#include "lib/stats.h"

/* Moves v[i] down the max-heap v[0..n-1] until both children are smaller. */
static void sift_down(uint64_t *v, size_t i, size_t n)
{
	uint64_t x = v[i];

	for (;;) {
		size_t child = 2 * i + 1;
		if (child >= n)
			break;
		if (child + 1 < n && v[child + 1] > v[child])
			child++;
		if (v[child] <= x)
			break;
		v[i] = v[child];
		i = child;
	}
	v[i] = x;
}

void stats_sort(uint64_t *v, size_t n)
{
	if (n < 2)
		return;
	for (size_t i = n / 2; i-- > 0; )
		sift_down(v, i, n);
	for (size_t end = n - 1; end > 0; end--) {
		uint64_t top = v[0];
		v[0] = v[end];
		v[end] = top;
		sift_down(v, 0, end);
	}
}

size_t stats_rank(size_t n, unsigned pct)
{
	if (n == 0)
		return 0;
	if (pct > 100)
		pct = 100;
	/* ceil(pct * n / 100) = pct * floor(n / 100) + ceil(pct * (n % 100) / 100),
	 * and neither term overflows. */
	size_t rank = (n / 100) * pct + ((n % 100) * pct + 99) / 100;
	return rank ? rank : 1;
}

uint64_t stats_percentile_sorted(const uint64_t *v, size_t n, unsigned pct)
{
	if (n == 0 || !v)
		return 0;
	return v[stats_rank(n, pct) - 1];
}

err_t stats_compute(uint64_t *v, size_t n, struct stats *out)
{
	if (out) {
		out->n = 0;
		out->min = out->median = out->p99 = out->max = 0;
	}
	if (!v || !out || n == 0)
		return ERR_INVALID_ARG;
	stats_sort(v, n);
	out->n = n;
	out->min = v[0];
	out->median = stats_percentile_sorted(v, n, 50);
	out->p99 = stats_percentile_sorted(v, n, 99);
	out->max = v[n - 1];
	return OK;
}
