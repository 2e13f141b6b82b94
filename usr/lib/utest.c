/*
 * The runner behind flotilla/utest.h: every program's UTEST()s land in its
 * own "utests" section; utest_run walks it and prints one verdict a test.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <flotilla/utest.h>
#include "lib/fmt.h"

extern const struct utest __start_utests[], __stop_utests[];
int utest_failed;
static char failure[256];

void utest_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (utest_failed)
		return;
	utest_failed = 1;
	n = fmt_snprintf(failure, sizeof(failure), "%s:%d: ", file, line);
	va_start(ap, fmt);
	fmt_vsnprintf(failure + n, sizeof(failure) - (size_t)n, fmt, ap);
	va_end(ap);
}

bool utest_selected(const char *name, const char *pattern)
{
	if (!pattern[0])
		return true;
	for (const char *p = name; *p; p++)
		if (strncmp(p, pattern, strlen(pattern)) == 0)
			return true;
	return false;
}

void utest_run(const char *prefix, const char *pattern, void (*after)(void),
	       int *passed, int *failed)
{
	for (const struct utest *t = __start_utests; t < __stop_utests; t++) {
		if (!utest_selected(t->name, pattern))
			continue;
		utest_failed = 0;
		t->fn();
		if (after)
			after();
		if (utest_failed) {
			printf("FAIL %s/%s: %s\n", prefix, t->name, failure);
			(*failed)++;
		} else {
			printf("PASS %s/%s\n", prefix, t->name);
			(*passed)++;
		}
	}
}
