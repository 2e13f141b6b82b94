/*
 * The host unit tests' runner (lib/test.h). Built into every
 * build/host/test_<suite> binary with -DSUITE="<suite>"; runs the tests
 * whose name or suite argv[1] selects (all without one) and prints
 *	PASS host/<suite>/<test>
 *	FAIL host/<suite>/<test>: <file>:<line>: <what>
 *	SKIP host/<suite>/<test>: <why>
 * The tests run one after another in one process under AddressSanitizer
 * and UBSan; a sanitizer report aborts the binary, and the harness counts
 * that as a failure. The cores online are the CPUs this process may run
 * on.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include "lib/test.h"

#ifndef SUITE
#error "build with -DSUITE=\"name\""
#endif

static struct test_state state;

struct test_state *test_state(void)
{
	return &state;
}

static unsigned cpus_online(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return 1;
	return (unsigned)CPU_COUNT(&set);
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : "";
	unsigned online = cpus_online();
	struct test_counts c = { 0 };

	for (const struct test *t = __start_tests; t < __stop_tests; t++) {
		if (!test_selected(t->name, filter) && !test_selected(SUITE, filter))
			continue;
		switch (test_run(t, online)) {
		case TEST_PASS:
			printf("PASS host/%s/%s\n", SUITE, t->name);
			c.passed++;
			break;
		case TEST_SKIP:
			printf("SKIP host/%s/%s: %s\n", SUITE, t->name, state.msg);
			c.skipped++;
			break;
		case TEST_FAIL:
			printf("FAIL host/%s/%s: %s\n", SUITE, t->name, state.msg);
			c.failed++;
			break;
		}
		fflush(stdout);
	}
	return c.failed ? 1 : 0;
}
