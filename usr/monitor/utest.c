/*
 * The user-space test runner (run by the monitor on core 0 when the
 * command line says `utest` or `utest=PATTERN`) and the shared fixture:
 * a scratch CNode in level-1 slot SCRATCH_CN and RAM carved from the
 * monitor's first RAM capability. Every test starts with an empty scratch
 * CNode and leaves through revoking what it made.
 */
#include <stdarg.h>
#include <string.h>
#include <flotilla/caps.h>
#include "lib/fmt.h"
#include "usr/monitor/monitor.h"
#include "usr/monitor/utest.h"

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

static bool selected(const char *name, const char *pattern)
{
	if (!pattern[0])
		return true;
	for (const char *p = name; *p; p++)
		if (strncmp(p, pattern, strlen(pattern)) == 0)
			return true;
	return false;
}

int utest_main(const char *cmdline)
{
	char pattern[64];
	int passed = 0, failed = 0;

	cmdline_get(cmdline, "utest", pattern, sizeof(pattern));	/* "" for all */
	if (scratch_init()) {
		printf("FAIL user/fixture: cannot set up the scratch CNode and RAM\n");
		return 1;
	}
	for (const struct utest *t = __start_utests; t < __stop_utests; t++) {
		if (!selected(t->name, pattern))
			continue;
		utest_failed = 0;
		t->fn();
		scratch_reset();
		if (utest_failed) {
			printf("FAIL user/%s: %s\n", t->name, failure);
			failed++;
		} else {
			printf("PASS user/%s\n", t->name);
			passed++;
		}
	}
	printf("user tests: %d passed, %d failed\n", passed, failed);
	return failed;
}
