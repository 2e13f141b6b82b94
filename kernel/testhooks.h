/*
 * What the kernel calls in the test kernel only. build/flotilla-test.bin
 * links the boot tests and their runner (tests/boot/, ktest.c) on top of
 * the production kernel's objects; build/flotilla.bin has none of them,
 * so these are weak: NULL in the production kernel, which checks before
 * it calls (docs/testing.md, "Two images").
 */
#ifndef KERNEL_TESTHOOKS_H
#define KERNEL_TESTHOOKS_H

#include <stdbool.h>
#include <stdint.h>
#include <kpi/errors.h>

/* Runs the selected tests (bootstrap core) and exits QEMU with the verdict. */
void ktest_main(const char *pattern) __attribute__((weak, noreturn));
/* Serves a boot-channel request (kernel/kchan.h) that only the test
 * kernel knows, from the bootstrap core: run test number `arg` here
 * (KCHAN_RUN_TEST), or fault on purpose (KCHAN_FAULT, which does not
 * return). Fills *r, which says "unknown request" until then. */
struct ktest_reply {
	err_t status;
	uint64_t value;
	bool skipped;
	const char *msg;
};
void ktest_serve(uint32_t op, uint32_t arg, uint64_t addr, struct ktest_reply *r)
	__attribute__((weak));
/* The name of the test this core runs, for a fault report; NULL if none. */
const char *ktest_running(void) __attribute__((weak));
/* Runs while the bootstrap core still has only the early IDT, to test
 * that path (tests/boot/early_test.c). */
void ktest_early(void) __attribute__((weak));

#endif
