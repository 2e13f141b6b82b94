/*
 * The test kernel's verdict exit (docs/power.md). QEMU's isa-debug-exit
 * device (port 0xF4; tools/qemu.py adds it unless given --no-debug-exit)
 * ends QEMU at once, inside the write, with status code * 2 + 1, so the
 * host reads a test verdict (0x10 passed: 33, 0x11 failed: 35) from the
 * status. Only build/flotilla-test.bin links this file (the Makefile's
 * link_kernel adds tests/boot/ to the production objects): the production
 * kernel powers off by ACPI S5 alone and has no method POWER_TEST_EXIT,
 * which it refuses as ERR_BAD_METHOD like any number that is no method.
 *
 * Two users: the boot-test runner's verdict (ktest.c, through
 * ktest_qemu_exit), and POWER_TEST_EXIT on a Power capability, the user
 * tests' verdict (usr/monitor's monitor_poweroff), a row of the Power type
 * that kernel/invoke.c finds through the weak invoke_test_table.
 */
#include <stddef.h>
#include "kernel/invoke.h"
#include "kernel/invoke_words.h"
#include "tests/boot/ktest.h"
#include "kernel/arch/x86_64/cpu.h"

#define DEBUG_EXIT_PORT		0xF4

/* Returns only where there is no exit device (QEMU without it, a PC). */
void ktest_qemu_exit(unsigned code)
{
	outb(DEBUG_EXIT_PORT, (uint8_t)code);
}

/* (code 1..127): 0 would be a verdict QEMU reports as 1, a power-off's
 * status where ACPI is off; above 127 the status would wrap. */
static err_t decode_test_exit(struct cte *c, const uint64_t a[5], union invoke_args *x)
{
	uint64_t code = power_test_exit_args(a).code;

	if (code == 0 || code > 0x7F)
		return ERR_INVALID_ARG;
	x->value.v[0] = code;
	return OK;
}

/* Late: only the write says whether the device is there; without it,
 * ERR_UNSUPPORTED and the machine stays on. */
static err_t perform_test_exit(struct cte *c, const union invoke_args *x, uint64_t *ret)
{
	ktest_qemu_exit((unsigned)x->value.v[0]);
	return ERR_UNSUPPORTED;
}

static bool is_power(unsigned type)
{
	return type == CAP_POWER;
}

static const struct invoke_method test_methods[] = {
	{ POWER_TEST_EXIT, decode_test_exit, NULL, perform_test_exit },
};
const struct invoke_table invoke_test_table =
	INVOKE_TABLE("Power, test kernel", power, is_power, test_methods);
