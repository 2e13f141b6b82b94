/*
 * The user programs' test runner (lib/test.h): every program's tests land
 * in its own "tests" section; utest_run walks it and prints one verdict a
 * test. The running test's verdict is this static: a program runs one
 * test at a time, on one core.
 */
#include <stdio.h>
#include "lib/test.h"

static struct test_state state;

struct test_state *test_state(void)
{
	return &state;
}

void utest_run(const char *prefix, const char *pattern, unsigned online, void (*after)(void),
	       struct test_counts *c)
{
	for (const struct test *t = __start_tests; t < __stop_tests; t++) {
		enum test_verdict v;

		if (!test_selected(t->name, pattern))
			continue;
		v = test_run(t, online);
		if (after)
			after();
		if (v == TEST_PASS) {
			printf("PASS %s/%s\n", prefix, t->name);
			c->passed++;
		} else if (v == TEST_SKIP) {
			printf("SKIP %s/%s: %s\n", prefix, t->name, state.msg);
			c->skipped++;
		} else {
			printf("FAIL %s/%s: %s\n", prefix, t->name, state.msg);
			c->failed++;
		}
	}
}
