/*
 * lib/bench.h and lib/bench.c, the timing loop and the line that every
 * benchmark of `make bench` uses inside Flotilla and in the Linux guest:
 * TIME_EACH keeps exactly the samples after the warm-up, bench_report
 * divides, sorts and prints the line tools/bench.py parses, and a
 * workload with no samples gets an error line, not a made-up figure.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <string.h>
#include "lib/bench.h"
#include "tests/host/capture.h"
#include "lib/test.h"

TEST(time_each_runs_warm_plus_n_and_keeps_the_last_n)
{
	uint64_t s[5];
	size_t ops = 0, checks = 0, seen[8] = { 0 };

	for (size_t k = 0; k < 5; k++)
		s[k] = UINT64_MAX;
	TIME_EACH(s, 3, 5, seen[i_] = ++ops, checks++);
	CHECK_EQ(ops, 8);
	CHECK_EQ(checks, 8);
	for (size_t k = 0; k < 8; k++)
		CHECK_EQ(seen[k], k + 1);	/* i_ counts the warm-up too */
	for (size_t k = 0; k < 5; k++)
		CHECK(s[k] != UINT64_MAX);	/* every kept slot written */
}

TEST(time_each_with_no_warm_up_keeps_every_sample)
{
	uint64_t s[3] = { UINT64_MAX, UINT64_MAX, UINT64_MAX };
	size_t ops = 0;

	TIME_EACH(s, 0, 3, ops++, (void)0);
	CHECK_EQ(ops, 3);
	CHECK(s[0] != UINT64_MAX && s[1] != UINT64_MAX && s[2] != UINT64_MAX);
}

static uint64_t samples[4];

static int report_two(void *arg)
{
	return bench_report("demo", arg, samples, 4, 2);
}

TEST(bench_report_divides_sorts_and_prints_one_line)
{
	char out[256];
	const uint64_t v[4] = { 80, 20, 60, 40 };

	memcpy(samples, v, sizeof(v));
	CHECK_EQ(captured(out, sizeof(out), report_two, NULL), 0);
	CHECK_STR(out, "BENCH name=demo unit=cycles n=4 min=10 median=20 p99=40 max=40\n");
	memcpy(samples, v, sizeof(v));
	CHECK_EQ(captured(out, sizeof(out), report_two, "0-3"), 0);
	CHECK_STR(out, "BENCH name=demo pair=0-3 unit=cycles n=4 min=10 median=20 p99=40 "
		       "max=40\n");
}

static int report_nothing(void *arg)
{
	return bench_report("empty", NULL, samples, 0, 1);
}

TEST(bench_report_of_no_samples_is_an_error_line)
{
	char out[256];

	CHECK_EQ(captured(out, sizeof(out), report_nothing, NULL), 1);
	CHECK_STR(out, "BENCH error name=empty reason=\"no statistics: ERR_INVALID_ARG: "
		       "invalid argument\"\n");
}

TEST(the_fenced_tsc_moves_forward)
{
	uint64_t a = tsc_fenced(), b = tsc_fenced();

	CHECK(b >= a);
}

TEST(the_slow_n_is_a_tenth_and_never_zero)
{
	CHECK_EQ(bench_slow_n(10000), 1000);
	CHECK_EQ(bench_slow_n(20), 2);
	CHECK_EQ(bench_slow_n(9), 1);
	CHECK_EQ(bench_slow_n(0), 1);
}
