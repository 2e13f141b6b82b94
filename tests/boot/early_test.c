/*
 * A fault before the bootstrap core has its own IDT must be reported, not
 * end in a triple fault and a reset. With `early_fault` on the command line
 * the test kernel touches an unmapped address right after discovering the
 * machine, while only the early IDT (trap.c) is loaded; tools/boottest.py
 * checks for the report.
 */
#include "kernel/machine.h"

void ktest_early(void);

void ktest_early(void)
{
	char buf[4];

	if (cmdline_get("early_fault", buf, sizeof(buf)))
		*(volatile int *)0x100000000000ull = 1;	/* not in the boot page tables */
}
