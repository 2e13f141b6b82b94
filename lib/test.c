/*
 * What the three test runners share (lib/test.h): the verdict recorder,
 * running one test, and the pattern that selects tests. Built into the
 * kernel, the user C library and every host test binary; each provides
 * test_state(), which says where the running test's verdict lives.
 */
#include <stdarg.h>
#include "lib/fmt.h"
#include "lib/string.h"
#include "lib/test.h"

/* The first verdict stands: a test that failed and then finds it cannot
 * go on stays failed, and one that skipped stays skipped. */
static void record(enum test_verdict v, const char *prefix, const char *fmt, va_list ap)
{
	struct test_state *s = test_state();
	size_t n;

	if (s->verdict != TEST_PASS)
		return;
	s->verdict = v;
	fmt_snprintf(s->msg, sizeof(s->msg), "%s", prefix);
	n = strlen(s->msg);
	fmt_vsnprintf(s->msg + n, sizeof(s->msg) - n, fmt, ap);
}

void test_fail_at(const char *file, int line, const char *fmt, ...)
{
	char where[128];
	va_list ap;

	fmt_snprintf(where, sizeof(where), "%s:%d: ", file, line);
	va_start(ap, fmt);
	record(TEST_FAIL, where, fmt, ap);
	va_end(ap);
}

void test_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(TEST_SKIP, "", fmt, ap);
	va_end(ap);
}

bool test_failed(void)
{
	return test_state()->verdict == TEST_FAIL;
}

enum test_verdict test_call(const struct test *t)
{
	struct test_state *s = test_state();

	s->verdict = TEST_PASS;
	s->msg[0] = '\0';
	t->fn();
	return s->verdict;
}

enum test_verdict test_run(const struct test *t, unsigned online)
{
	struct test_state *s = test_state();

	if (online < t->min_cores) {
		s->verdict = TEST_SKIP;
		fmt_snprintf(s->msg, sizeof(s->msg), "needs %u cores, %u online", t->min_cores,
			     online);
		return TEST_SKIP;
	}
	return test_call(t);
}

bool test_selected(const char *name, const char *pattern)
{
	const char *p = pattern;

	if (!pattern[0] || strcmp(pattern, "all") == 0)
		return true;
	while (*p) {
		size_t n = 0;

		while (p[n] && p[n] != ',')
			n++;
		/* An empty part (",," or a trailing comma) selects nothing. */
		for (const char *s = name; n && *s; s++)
			if (strncmp(s, p, n) == 0)
				return true;
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}
