/*
 * Runner for the host unit tests: see test.h. Built into every
 * build/host/test_<suite> binary with -DSUITE="<suite>".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "test.h"

#ifndef SUITE
#error "build with -DSUITE=\"name\""
#endif

extern const struct host_test __start_host_tests[], __stop_host_tests[];

int test_failed;
char test_failure[512];

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (test_failed)
		return;
	test_failed = 1;
	n = snprintf(test_failure, sizeof(test_failure), "%s:%d: ", file, line);
	va_start(ap, fmt);
	vsnprintf(test_failure + n, sizeof(test_failure) - (size_t)n, fmt, ap);
	va_end(ap);
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	int passed = 0, failed = 0;

	for (const struct host_test *t = __start_host_tests; t < __stop_host_tests; t++) {
		if (filter && !strstr(t->name, filter) && !strstr(SUITE, filter))
			continue;
		test_failed = 0;
		t->fn();
		if (test_failed) {
			printf("FAIL host/%s/%s: %s\n", SUITE, t->name, test_failure);
			failed++;
		} else {
			printf("PASS host/%s/%s\n", SUITE, t->name);
			passed++;
		}
		fflush(stdout);
	}
	return failed ? 1 : 0;
}
