/*
 * lib/test.c, the mechanism every test runs on, tested by running small
 * tests of its own through it: a test that needs more cores than are
 * online is skipped without being called; the first verdict stands (a
 * SKIP after a failure leaves it a FAIL, a failure after a SKIP leaves it
 * a SKIP); CHECK_ERR, CHECK_EQ and CHECK_STR say what was wrong; and the
 * pattern selects as every runner's does. The inner tests are not in the
 * "tests" section, so the runner does not run them itself; run_inner
 * keeps this test's own verdict out of their way.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "lib/test.h"

static char inner_msg[TEST_MSG_MAX];

/* Runs t with `online` cores; its message in inner_msg. */
static enum test_verdict run_inner(const struct test *t, unsigned online)
{
	struct test_state outer = *test_state();
	enum test_verdict v = test_run(t, online);

	snprintf(inner_msg, sizeof(inner_msg), "%s", test_state()->msg);
	*test_state() = outer;
	return v;
}

#define INNER(fn, cores) (&(const struct test){ #fn, fn, cores, false })

static int calls;
static void counts_its_calls(void)
{
	calls++;
}

TEST(a_test_needing_more_cores_than_online_is_skipped_not_called)
{
	calls = 0;
	CHECK_EQ(run_inner(INNER(counts_its_calls, 4), 2), TEST_SKIP);
	CHECK_STR(inner_msg, "needs 4 cores, 2 online");
	CHECK_EQ(calls, 0);
	CHECK_EQ(run_inner(INNER(counts_its_calls, 2), 1), TEST_SKIP);
	CHECK_STR(inner_msg, "needs 2 cores, 1 online");
	CHECK_EQ(calls, 0);
}

TEST(a_test_with_the_cores_it_needs_runs_and_passes)
{
	calls = 0;
	CHECK_EQ(run_inner(INNER(counts_its_calls, 2), 2), TEST_PASS);
	CHECK_EQ(run_inner(INNER(counts_its_calls, 1), 16), TEST_PASS);
	CHECK_EQ(calls, 2);
	CHECK_STR(inner_msg, "");
}

static bool reached;
static void check_fails(void)
{
	CHECK(1 + 1 == 3);
	reached = true;		/* CHECK returned before this */
}

/* A helper's CHECK returns from the helper; the test then skips. */
static void fails_then_skips(void)
{
	check_fails();
	SKIP("cannot go on");
}

static void skips_then_fails(void)
{
	test_skip("first the skip");
	test_fail_at("here.c", 7, "then a failure");
}

static void fails_twice(void)
{
	test_fail_at("here.c", 1, "first");
	test_fail_at("here.c", 2, "second");
}

TEST(the_first_verdict_stands)
{
	reached = false;
	CHECK_EQ(run_inner(INNER(fails_then_skips, 1), 1), TEST_FAIL);
	CHECK(strstr(inner_msg, "1 + 1 == 3") != NULL);
	CHECK(strncmp(inner_msg, __FILE__ ":", strlen(__FILE__) + 1) == 0);	/* where */
	CHECK(!reached);
	CHECK_EQ(run_inner(INNER(skips_then_fails, 1), 1), TEST_SKIP);
	CHECK_STR(inner_msg, "first the skip");
	CHECK_EQ(run_inner(INNER(fails_twice, 1), 1), TEST_FAIL);
	CHECK_STR(inner_msg, "here.c:1: first");
}

/* A test starts with a fresh verdict, whatever the one before it was. */
TEST(every_test_starts_passing)
{
	CHECK_EQ(run_inner(INNER(fails_twice, 1), 1), TEST_FAIL);
	CHECK_EQ(run_inner(INNER(counts_its_calls, 1), 1), TEST_PASS);
	CHECK_STR(inner_msg, "");
	CHECK_EQ(run_inner(INNER(skips_then_fails, 1), 1), TEST_SKIP);
	CHECK_EQ(run_inner(INNER(counts_its_calls, 1), 1), TEST_PASS);
}

static void check_err_fails(void)
{
	CHECK_ERR(ERR_NOT_FOUND, OK);
}

static void check_eq_fails(void)
{
	CHECK_EQ(2 + 2, 5);
}

static void check_str_fails(void)
{
	CHECK_STR("abc", "abd");
}

static void checks_pass(void)
{
	CHECK(true);
	CHECK_ERR(OK, OK);
	CHECK_EQ(4, 2 + 2);
	CHECK_STR("abc", "abc");
}

TEST(checks_say_what_was_wrong)
{
	CHECK_EQ(run_inner(INNER(check_err_fails, 1), 1), TEST_FAIL);
	CHECK(strstr(inner_msg, ": ERR_NOT_FOUND: got ERR_NOT_FOUND, want OK") != NULL);
	CHECK_EQ(run_inner(INNER(check_eq_fails, 1), 1), TEST_FAIL);
	CHECK(strstr(inner_msg, ": 2 + 2 == 5 (0x4 != 0x5)") != NULL);
	CHECK_EQ(run_inner(INNER(check_str_fails, 1), 1), TEST_FAIL);
	CHECK(strstr(inner_msg, ": \"abc\" == \"abd\" (\"abc\" != \"abd\")") != NULL);
	CHECK_EQ(run_inner(INNER(checks_pass, 1), 1), TEST_PASS);
}

TEST(patterns_select_by_comma_separated_substrings)
{
	CHECK(test_selected("timer_ticks", ""));
	CHECK(test_selected("timer_ticks", "all"));
	CHECK(test_selected("timer_ticks", "tick"));
	CHECK(test_selected("timer_ticks", "timer_ticks"));
	CHECK(!test_selected("timer_ticks", "timer_ticks_"));
	CHECK(!test_selected("timer_ticks", "fault"));
	CHECK(test_selected("timer_ticks", "fault,tick"));
	CHECK(test_selected("timer_ticks", "tim,fault"));
	CHECK(!test_selected("timer_ticks", "fault,map"));
	CHECK(!test_selected("timer_ticks", ","));		/* empty parts select nothing */
	CHECK(test_selected("timer_ticks", ",,ticks,"));
	CHECK(!test_selected("", "a"));
}
