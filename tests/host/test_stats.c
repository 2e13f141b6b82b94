/*
 * Tests for lib/stats.c: the heapsort against the C library's qsort on
 * random, sorted, reversed, equal and extreme values (up to 100000 of
 * them), and the nearest-rank statistics on inputs whose answers are known
 * exactly: n = 1, 2, odd and even n, n = 100 and 1000 for p99, and the
 * rejection of an empty input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lib/test.h"
#include "lib/stats.h"

#define BIG	100000

static uint64_t a[BIG], ref[BIG];

static uint64_t rng_state;

static uint64_t rng(void)
{
	uint64_t x = rng_state;	/* xorshift64 */
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static int cmp_u64(const void *pa, const void *pb)
{
	uint64_t x = *(const uint64_t *)pa, y = *(const uint64_t *)pb;
	return x < y ? -1 : x > y;
}

/* Sorts a[0..n-1] with stats_sort and a copy with qsort; 1 if they agree. */
static int sorts_like_qsort(size_t n)
{
	memcpy(ref, a, n * sizeof(a[0]));
	qsort(ref, n, sizeof(ref[0]), cmp_u64);
	stats_sort(a, n);
	return memcmp(a, ref, n * sizeof(a[0])) == 0;
}

TEST(empty_input_is_rejected)
{
	struct stats s = { 7, 1, 2, 3, 4 };
	uint64_t one = 5;

	CHECK_EQ(stats_compute(a, 0, &s), ERR_INVALID_ARG);
	CHECK_EQ(s.n, 0);
	CHECK_EQ(s.min, 0);
	CHECK_EQ(s.median, 0);
	CHECK_EQ(s.p99, 0);
	CHECK_EQ(s.max, 0);
	CHECK_EQ(stats_compute(NULL, 1, &s), ERR_INVALID_ARG);
	CHECK_EQ(stats_compute(&one, 1, NULL), ERR_INVALID_ARG);
	CHECK_EQ(stats_percentile_sorted(a, 0, 50), 0);
	stats_sort(a, 0);	/* nothing to do, nothing touched */
}

TEST(one_sample_is_every_statistic)
{
	uint64_t v[1] = { 42 };
	struct stats s;

	CHECK_EQ(stats_compute(v, 1, &s), OK);
	CHECK_EQ(s.n, 1);
	CHECK_EQ(s.min, 42);
	CHECK_EQ(s.median, 42);
	CHECK_EQ(s.p99, 42);
	CHECK_EQ(s.max, 42);
}

TEST(two_samples_median_is_the_lower)
{
	uint64_t v[2] = { 9, 3 };
	struct stats s;

	CHECK_EQ(stats_compute(v, 2, &s), OK);
	CHECK_EQ(v[0], 3);
	CHECK_EQ(v[1], 9);
	CHECK_EQ(s.min, 3);
	CHECK_EQ(s.median, 3);	/* rank ceil(2/2) = 1 */
	CHECK_EQ(s.p99, 9);	/* rank ceil(1.98) = 2 */
	CHECK_EQ(s.max, 9);
}

TEST(odd_n_median_is_the_middle)
{
	uint64_t v[7] = { 70, 10, 50, 30, 60, 20, 40 };
	struct stats s;

	CHECK_EQ(stats_compute(v, 7, &s), OK);
	for (unsigned i = 0; i < 7; i++)
		CHECK_EQ(v[i], 10 * (i + 1));
	CHECK_EQ(s.min, 10);
	CHECK_EQ(s.median, 40);	/* rank 4 of 7 */
	CHECK_EQ(s.p99, 70);
	CHECK_EQ(s.max, 70);
}

TEST(even_n_median_is_the_lower_middle)
{
	uint64_t v[6] = { 600, 100, 500, 200, 400, 300 };
	struct stats s;

	CHECK_EQ(stats_compute(v, 6, &s), OK);
	CHECK_EQ(s.median, 300);	/* rank 3 of 6, not (300 + 400) / 2 */
	CHECK_EQ(s.min, 100);
	CHECK_EQ(s.max, 600);
}

TEST(p99_nearest_rank_on_100_samples)
{
	struct stats s;

	/* 1..100 shuffled by a fixed permutation (37 is prime to 100). */
	for (unsigned i = 0; i < 100; i++)
		a[i] = (i * 37) % 100 + 1;
	CHECK_EQ(stats_compute(a, 100, &s), OK);
	CHECK_EQ(s.min, 1);
	CHECK_EQ(s.median, 50);	/* rank 50 */
	CHECK_EQ(s.p99, 99);	/* rank 99: one sample above it */
	CHECK_EQ(s.max, 100);
}

TEST(p99_nearest_rank_on_1000_samples)
{
	struct stats s;

	/* 1000 distinct values 10, 20, ..., 10000, reversed. */
	for (unsigned i = 0; i < 1000; i++)
		a[i] = 10 * (1000 - i);
	CHECK_EQ(stats_compute(a, 1000, &s), OK);
	CHECK_EQ(s.min, 10);
	CHECK_EQ(s.median, 5000);	/* rank 500 */
	CHECK_EQ(s.p99, 9900);		/* rank 990: ten samples above it */
	CHECK_EQ(s.max, 10000);
}

TEST(p99_of_fewer_than_100_samples_is_the_maximum)
{
	for (size_t n = 1; n < 100; n++) {
		for (size_t i = 0; i < n; i++)
			a[i] = i;
		CHECK_EQ(stats_percentile_sorted(a, n, 99), n - 1);
	}
	for (size_t i = 0; i < 101; i++)
		a[i] = i;
	CHECK_EQ(stats_percentile_sorted(a, 100, 99), 98);	/* rank 99 of 100 */
	CHECK_EQ(stats_percentile_sorted(a, 101, 99), 99);	/* ceil(99.99) = 100 */
}

TEST(percentile_ranks_match_the_definition)
{
	for (size_t i = 0; i < 1000; i++)
		a[i] = i + 1;	/* the value is its own rank */
	for (size_t n = 1; n <= 1000; n += 37) {
		for (unsigned p = 1; p <= 100; p++) {
			size_t rank = (p * n + 99) / 100;	/* ceil(p n / 100), small n */
			CHECK_EQ(stats_percentile_sorted(a, n, p), rank);
		}
	}
	CHECK_EQ(stats_percentile_sorted(a, 10, 0), 1);
	CHECK_EQ(stats_percentile_sorted(a, 10, 250), 10);
}

TEST(percentile_rank_does_not_overflow)
{
	/* n whose 99 * n overflows: ceil(99 n / 100) = n - floor(n / 100). */
	size_t n = SIZE_MAX / 50;

	CHECK_EQ(stats_rank(n, 99), n - n / 100);
	CHECK_EQ(stats_rank(SIZE_MAX, 100), SIZE_MAX);
	CHECK_EQ(stats_rank(SIZE_MAX, 50), SIZE_MAX / 2 + 1);	/* SIZE_MAX is odd */
	CHECK_EQ(stats_rank(0, 50), 0);
	CHECK_EQ(stats_rank(1, 0), 1);
}

TEST(already_sorted_stays_sorted)
{
	for (size_t i = 0; i < 5000; i++)
		a[i] = i * 3;
	CHECK(sorts_like_qsort(5000));
}

TEST(reversed_is_sorted)
{
	for (size_t i = 0; i < 5001; i++)
		a[i] = 5001 - i;
	CHECK(sorts_like_qsort(5001));
	CHECK_EQ(a[0], 1);
	CHECK_EQ(a[5000], 5001);
}

TEST(all_equal_samples)
{
	struct stats s;

	for (size_t i = 0; i < 999; i++)
		a[i] = 1234;
	CHECK_EQ(stats_compute(a, 999, &s), OK);
	CHECK_EQ(s.min, 1234);
	CHECK_EQ(s.median, 1234);
	CHECK_EQ(s.p99, 1234);
	CHECK_EQ(s.max, 1234);
}

TEST(extreme_values_sort)
{
	a[0] = UINT64_MAX;
	a[1] = 0;
	a[2] = UINT64_MAX - 1;
	a[3] = 1;
	a[4] = 1ull << 63;
	CHECK(sorts_like_qsort(5));
	CHECK_EQ(a[0], 0);
	CHECK_EQ(a[4], UINT64_MAX);
}

TEST(random_inputs_match_qsort)
{
	rng_state = 0x9E3779B97F4A7C15ull;
	for (size_t n = 0; n < 300; n++) {
		for (size_t i = 0; i < n; i++)
			a[i] = rng() % (n + 1);	/* many duplicates */
		CHECK(sorts_like_qsort(n));
	}
	for (size_t i = 0; i < BIG; i++)
		a[i] = rng();
	CHECK(sorts_like_qsort(BIG));
}

TEST(random_statistics_match_a_reference)
{
	struct stats s;
	size_t n = 12345;

	rng_state = 12345;
	for (size_t i = 0; i < n; i++)
		a[i] = 1000 + rng() % 100000;
	memcpy(ref, a, n * sizeof(a[0]));
	qsort(ref, n, sizeof(ref[0]), cmp_u64);
	CHECK_EQ(stats_compute(a, n, &s), OK);
	CHECK_EQ(s.n, n);
	CHECK_EQ(s.min, ref[0]);
	CHECK_EQ(s.median, ref[6172]);	/* rank ceil(12345 / 2) = 6173 */
	CHECK_EQ(s.p99, ref[12221]);	/* rank ceil(12221.55) = 12222 */
	CHECK_EQ(s.max, ref[n - 1]);
	CHECK(memcmp(a, ref, n * sizeof(a[0])) == 0);
}
