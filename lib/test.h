/*
 * Tests, one mechanism for all of Flotilla's: the kernel's boot tests
 * (tests/boot/, run by tests/boot/ktest.c), the user-space tests (the
 * monitor's in usr/monitor/ and usertest's, run by tests/lib/utest.c) and
 * the host unit tests of lib/ (tests/host/, run by test_main.c).
 * Freestanding: it compiles in the kernel, in user programs and on Linux.
 *
 * A test registers itself: the macro puts a descriptor in the "tests"
 * linker section of the binary that holds it, and that binary's runner
 * walks the section (__start_tests .. __stop_tests).
 *
 *   TEST(name)                 needs one core
 *   TEST_CORES(name, n)        needs n cores: with fewer online, the runner
 *                              prints `SKIP <name>: needs n cores, m online`
 *                              and does not call it
 *   TEST_EACH_CORE(name, n)    the kernel's: runs on every online core (the
 *                              bootstrap core asks the others); elsewhere
 *                              it runs once, like TEST_CORES
 *
 * Inside a test, CHECK, CHECK_EQ, CHECK_STR and CHECK_ERR record a failure
 * (file, line and what was wrong) and return; FAIL(fmt, ...) records one
 * and returns; SKIP(fmt, ...) records that the test cannot run here, and
 * why, and returns. test_fail() and test_skip() record without returning,
 * for helpers and for tests that report and go on. The first verdict
 * stands: a SKIP after a failure leaves it a FAIL, a failure after a SKIP
 * leaves it a SKIP. A test that returns with neither passes.
 *
 * Each runner prints one line per selected test,
 *	PASS <prefix><name>
 *	FAIL <prefix><name>: <why>
 *	SKIP <prefix><name>: <why>
 * and a summary of its own; the prefixes are "" in the kernel, "user/" in
 * the monitor, "init/usertest/" in usertest and "host/<suite>/" on the
 * host.
 */
#ifndef LIB_TEST_H
#define LIB_TEST_H

#include <stdbool.h>
#include <kpi/errors.h>

struct test {
	const char *name;
	void (*fn)(void);
	unsigned min_cores;	/* online cores it needs; fewer: SKIP */
	bool each_core;		/* the kernel runs it on every online core */
};

#define TEST_REGISTER(fn_name, cores_, each_)				\
	static void fn_name(void);					\
	static const struct test test_desc_##fn_name			\
		__attribute__((used, section("tests"), aligned(8))) =	\
		{ #fn_name, fn_name, cores_, each_ };			\
	static void fn_name(void)

#define TEST(fn_name)			TEST_REGISTER(fn_name, 1, false)
#define TEST_CORES(fn_name, n)		TEST_REGISTER(fn_name, n, false)
#define TEST_EACH_CORE(fn_name, n)	TEST_REGISTER(fn_name, n, true)

/* The section, in every binary that has tests (the kernel's and the user
 * programs' linker scripts define these; on the host the linker does). */
extern const struct test __start_tests[], __stop_tests[];

enum test_verdict { TEST_PASS, TEST_FAIL, TEST_SKIP };

/* The verdict of the test running now and why; TEST_MSG_MAX bytes with
 * the NUL. */
#define TEST_MSG_MAX	512
struct test_state {
	enum test_verdict verdict;
	char msg[TEST_MSG_MAX];
};

/* Where the state lives, provided by each environment: the kernel keeps
 * one per core in struct core (each core runs tests itself and the kernel
 * has no shared writable globals), user programs and the host a static. */
struct test_state *test_state(void);

/* The recorder: the first verdict stands. test_fail(fmt, ...) records a
 * failure whose message starts with "<file>:<line>: ", test_skip(fmt,
 * ...) the reason the test cannot run; both go on. */
void test_fail_at(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define test_fail(...)	test_fail_at(__FILE__, __LINE__, __VA_ARGS__)
void test_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Has the running test failed so far? */
bool test_failed(void);

#define FAIL(...) do {							\
	test_fail(__VA_ARGS__);						\
	return;								\
} while (0)

#define SKIP(...) do {							\
	test_skip(__VA_ARGS__);						\
	return;								\
} while (0)

#define CHECK(cond) do {						\
	if (!(cond))							\
		FAIL("%s", #cond);					\
} while (0)

#define CHECK_EQ(a, b) do {						\
	unsigned long long ca_ = (unsigned long long)(a);		\
	unsigned long long cb_ = (unsigned long long)(b);		\
	if (ca_ != cb_)							\
		FAIL("%s == %s (0x%llx != 0x%llx)", #a, #b, ca_, cb_);	\
} while (0)

#define CHECK_STR(a, b) do {						\
	const char *sa_ = (a), *sb_ = (b);				\
	if (__builtin_strcmp(sa_, sb_) != 0)				\
		FAIL("%s == %s (\"%s\" != \"%s\")", #a, #b, sa_, sb_);	\
} while (0)

/* The call must return exactly `want` (an err_t); names both on failure. */
#define CHECK_ERR(call, want) do {					\
	err_t got_ = (call), want_ = (want);				\
	if (got_ != want_)						\
		FAIL("%s: got %s, want %s", #call, err_name(got_), err_name(want_)); \
} while (0)

/* Runs test t here: SKIP without calling it when it needs more than
 * `online` cores, else as test_call. Returns its verdict; the reason is in
 * test_state()->msg. */
enum test_verdict test_run(const struct test *t, unsigned online);
/* Calls test t with a fresh state and returns its verdict. */
enum test_verdict test_call(const struct test *t);

/* Is `name` selected by `pattern`: "" and "all" select every name, else
 * any of its comma-separated parts must be a substring of `name`. */
bool test_selected(const char *name, const char *pattern);

/* The user programs' runner (tests/lib/utest.c): runs the tests of this
 * program that `pattern` selects, with `online` cores online, calling
 * after(), if any, after each; prints `PASS <prefix>/<name>` lines and
 * counts them into c. */
struct test_counts {
	int passed, failed, skipped;
};
void utest_run(const char *prefix, const char *pattern, unsigned online, void (*after)(void),
	       struct test_counts *c);

#endif
