/*
 * User-space tests: UTEST(name) registers a test in the "utests" section
 * of the program that holds it, like the kernel's KTEST. A test fails with
 * UCHECK/UCHECK_ERR and returns; returning without failing passes.
 * utest_run (usr/lib/utest.c) prints one verdict line for each,
 *	PASS <prefix>/<name>
 *	FAIL <prefix>/<name>: <file>:<line>: <what>
 * The monitor's tests use the prefix "user", init's test programs
 * "init/<program>".
 */
#ifndef USR_UTEST_H
#define USR_UTEST_H

#include <stdbool.h>
#include <stdio.h>
#include <kpi/errors.h>

struct utest {
	const char *name;
	void (*fn)(void);
};

#define UTEST(fn_name)							\
	static void fn_name(void);					\
	static const struct utest utest_desc_##fn_name			\
		__attribute__((used, section("utests"), aligned(8))) =	\
		{ #fn_name, fn_name };					\
	static void fn_name(void)

void utest_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
extern int utest_failed;

/* Does `name` contain `pattern` ("" selects every name)? */
bool utest_selected(const char *name, const char *pattern);
/* Runs this program's tests whose names contain `pattern` ("" for all),
 * calling after(), if any, after each; counts into *passed and *failed. */
void utest_run(const char *prefix, const char *pattern, void (*after)(void),
	       int *passed, int *failed);

#define UCHECK(cond) do {						\
	if (!(cond)) { utest_fail(__FILE__, __LINE__, "%s", #cond); return; } \
} while (0)

/* The call must return exactly `want` (an err_t); names both on failure. */
#define UCHECK_ERR(call, want) do {					\
	err_t got_ = (call);						\
	if (got_ != (want)) {						\
		utest_fail(__FILE__, __LINE__, "%s: got %s, want %s", #call, \
			   err_name(got_), err_name(want));		\
		return;							\
	}								\
} while (0)

#endif
