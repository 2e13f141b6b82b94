/*
 * What the kernel calls in the test kernel only. build/flotilla-test.bin
 * links the boot tests and their runner (tests/boot/, ktest.c) on top of
 * the production kernel's objects; build/flotilla.bin has none of them,
 * so these are weak: NULL in the production kernel, which checks before
 * it calls (docs/testing.md, "Two images").
 */
#ifndef KERNEL_TESTHOOKS_H
#define KERNEL_TESTHOOKS_H

#include <stdint.h>
#include <kpi/errors.h>

/* Runs the selected tests (bootstrap core) and exits QEMU with the verdict. */
void ktest_main(const char *pattern) __attribute__((weak, noreturn));
/* Runs test number `index` on this core, for the bootstrap core, which has
 * decided that it runs (boot channel); ERR_INVALID_ARG if it failed. Its
 * verdict's message in *msg, and *skipped if it was skipped. */
err_t ktest_run_here(uint32_t index, bool *skipped, const char **msg) __attribute__((weak));
/* The name of the test this core runs, for a fault report; NULL if none. */
const char *ktest_running(void) __attribute__((weak));
/* Runs while the bootstrap core still has only the early IDT, to test
 * that path (tests/boot/early_test.c). */
void ktest_early(void) __attribute__((weak));

#endif
