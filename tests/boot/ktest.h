/*
 * Boot tests: code that runs inside the kernel under QEMU and prints one
 * verdict line per test. Tests are written with lib/test.h (TEST,
 * TEST_CORES, TEST_EACH_CORE, CHECK..., FAIL, SKIP); this is the kernel's
 * runner, which runs them when the command line says `test` (all) or
 * `test=PATTERN` (names containing PATTERN; several patterns separated by
 * commas), and what boot tests may use besides.
 *
 *   TEST(name), TEST_CORES(name, n)   run once, on the bootstrap core
 *   TEST_EACH_CORE(name, n)           runs on every online core; the
 *                                     bootstrap core asks the others over
 *                                     their boot channels
 */
#ifndef TESTS_BOOT_KTEST_H
#define TESTS_BOOT_KTEST_H

#include <stdint.h>
#include <kpi/errors.h>
#include "lib/test.h"

/* The runner's entry points are declared in kernel/testhooks.h: the
 * production kernel has none of this. */
#include "kernel/testhooks.h"

/* For tests: the number of cores that are online and not halted. */
unsigned ktest_cores_online(void);
/* For tests: waits (halting) until this core's timer has ticked `n` times,
 * or fails the test after `timeout_s` seconds of TSC time. */
err_t ktest_wait_ticks(unsigned n, unsigned timeout_s);

/* The test kernel's verdict exit, QEMU's isa-debug-exit device
 * (tests/boot/test_exit.c, linked wherever this runner is; the production
 * kernel has neither and powers off by ACPI S5 alone: docs/power.md).
 * Returns only without the device. */
void ktest_qemu_exit(unsigned code);

#endif
