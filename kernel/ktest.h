/*
 * Boot tests: code that runs inside the kernel under QEMU and prints one
 * verdict line per test. A test registers itself with KTEST(), which puts a
 * descriptor in the .ktests linker section; the kernel runs the tests when
 * the command line says `test` (all) or `test=PATTERN` (names containing
 * PATTERN; several patterns separated by commas).
 *
 *   KTEST(name, KTEST_BSP, min_cores)        runs once, on the bootstrap core
 *   KTEST(name, KTEST_EACH_CORE, min_cores)  runs on every online core; the
 *                                            bootstrap core asks the others
 *                                            over their boot channels
 *
 * A test reports with ktest_fail()/ktest_skip() and returns; returning
 * without either is a pass. A test that needs more cores than are online is
 * skipped with the reason.
 */
#ifndef KERNEL_KTEST_H
#define KERNEL_KTEST_H

#include <stdint.h>
#include <kpi/errors.h>

enum ktest_kind { KTEST_BSP, KTEST_EACH_CORE };

struct ktest {
	const char *name;
	void (*fn)(void);
	enum ktest_kind kind;
	unsigned min_cores;
};

#define KTEST(fn_name, kind_, min_cores_)				\
	static void fn_name(void);					\
	static const struct ktest ktest_desc_##fn_name			\
		__attribute__((used, section(".ktests"), aligned(8))) =	\
		{ #fn_name, fn_name, kind_, min_cores_ };		\
	static void fn_name(void)

void ktest_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ktest_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Runs the selected tests (bootstrap core) and exits QEMU with the verdict. */
void ktest_main(const char *pattern) __attribute__((noreturn));
/* Runs test number `index` on this core; used by the boot channel. */
err_t ktest_run_here(uint32_t index);

/* For tests: the number of cores that are online and not halted. */
unsigned ktest_cores_online(void);
/* For tests: waits (halting) until this core's timer has ticked `n` times,
 * or fails the test after `timeout_s` seconds of TSC time. */
err_t ktest_wait_ticks(unsigned n, unsigned timeout_s);

#endif
