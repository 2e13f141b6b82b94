/*
 * A minimal host unit-test framework. Each TEST() places a descriptor in the
 * "host_tests" linker section, so tests register themselves; test_main.c
 * walks the section, runs every test (or those whose name contains argv[1])
 * and prints one verdict line per test:
 *	PASS host/<suite>/<test>
 *	FAIL host/<suite>/<test>: <file>:<line>: <what>
 * Tests run in one process under AddressSanitizer and UBSan; a sanitizer
 * report aborts the binary, and the harness counts that as a failure.
 */
#ifndef TESTS_HOST_TEST_H
#define TESTS_HOST_TEST_H

#include <stdio.h>
#include <string.h>

struct host_test {
	const char *name;
	void (*fn)(void);
};

/* Set by CHECK when it fails; test_main.c prints the first failure. */
extern int test_failed;
extern char test_failure[512];

#define TEST(fn_name)							\
	static void fn_name(void);					\
	static const struct host_test test_desc_##fn_name		\
		__attribute__((used, section("host_tests"), aligned(8))) = \
		{ #fn_name, fn_name };					\
	static void fn_name(void)

void test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* CHECK records the first failure and returns from the test. */
#define CHECK(cond) do {						\
	if (!(cond)) { test_fail(__FILE__, __LINE__, "%s", #cond); return; } \
} while (0)

#define CHECK_EQ(a, b) do {						\
	unsigned long long ca_ = (unsigned long long)(a);		\
	unsigned long long cb_ = (unsigned long long)(b);		\
	if (ca_ != cb_) {						\
		test_fail(__FILE__, __LINE__, "%s == %s (0x%llx != 0x%llx)", \
			  #a, #b, ca_, cb_);				\
		return;							\
	}								\
} while (0)

#define CHECK_STR(a, b) do {						\
	const char *sa_ = (a), *sb_ = (b);				\
	if (strcmp(sa_, sb_) != 0) {					\
		test_fail(__FILE__, __LINE__, "%s == %s (\"%s\" != \"%s\")", \
			  #a, #b, sa_, sb_);				\
		return;							\
	}								\
} while (0)

#endif
