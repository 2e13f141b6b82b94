/*
 * The table of contents of the CPU driver: one call per boot step.
 *
 * The bootstrap core enters kmain() from boot.S; every other core enters
 * ap_entry() from the trampoline, started by the bootstrap core. Both paths
 * end the same way: the core runs on its own stack, its own page tables,
 * its own descriptor tables and timer, all made from its own memory, and
 * then waits for work, halted between events. Read docs/boot.md alongside.
 */
#include <stdint.h>
#include "kernel/arch.h"
#include "kernel/boot_user.h"
#include "kernel/console.h"
#include "kernel/core.h"
#include "kernel/dispatch.h"
#include "kernel/kchan.h"
#include "kernel/testhooks.h"
#include "kernel/machine.h"
#include "kernel/screen.h"
#include "kernel/smp.h"

extern uint64_t boot_tsc;	/* boot.S: TSC at the kernel's first instruction */

static void bsp_main(void) __attribute__((noreturn));
static void ap_main(void) __attribute__((noreturn));

/* The bootstrap core, on the boot stack and boot page tables. */
void kmain(uint32_t mb_magic, uint32_t mb_info_pa)
{
	arch_console_init();			/* 1. a voice: the serial port */
	arch_early_traps(true);			/*    and a report if we fault */
	kprintf("\nFlotilla multikernel (x86-64)\n");
	machine_discover(mb_magic, mb_info_pa);	/* 2. memory map, cores, shares */
	if (ktest_early)
		ktest_early();
	struct core *c = core_init(0);		/* 3. own struct core and stacks */
	arch_switch_stack(c->kstack_top, bsp_main);
}

static void start_other_cores(void)
{
	unsigned online = 1;
	err_t err = arch_boot_map_extend(machine.phys_top);

	if (err)
		kprintf("smp: cannot map memory above 4 GiB for starting cores: %s\n",
			err_msg(err));
	for (unsigned id = 1; id < machine.ncores && !err; id++) {
		err_t e = smp_start_core(id);
		if (e)
			kprintf("smp: core %u (APIC id %u) did not start: %s\n", id,
				machine.cores[id].apic_id, err_msg(e));
		else
			online++;
	}
	uint64_t cycles = arch_timestamp() - boot_tsc;
	uint64_t hz = arch_timestamp_hz() ? arch_timestamp_hz() : 1;
	kprintf("cores online: %u/%u\n", online, machine.ncores_found);
	kprintf("boot: %llu.%03llu ms from the first kernel instruction to cores online (%llu TSC cycles)\n",
		(unsigned long long)(cycles * 1000 / hz),
		(unsigned long long)(cycles * 1000000 / hz % 1000), (unsigned long long)cycles);
}

static void bsp_main(void)
{
	struct core *c = this_core();
	char pattern[MB_CMDLINE_MAX];	/* holds any test= value: the other
					 * cores look only for the word */

	arch_core_init(c);			/* 4. GDT, IDT, own page tables, timer */
	screen_init();				/*    the boot log on the screen too */
	boot_user_mesh_clear();			/*    memory the monitors will share */
	start_other_cores();			/* 5. INIT-SIPI-SIPI, one at a time */
	arch_seal();				/*    the boot hand-off is read-only now */
	if (cmdline_get("test", pattern, sizeof(pattern))) {
		if (ktest_main)
			ktest_main(pattern);	/* 6a. kernel boot tests, then exit QEMU */
		kprintf("test: this kernel has no boot tests (build/flotilla-test.bin has them)\n");
	}
	boot_user_start();			/* 6b. this core's monitor */
	sched_run();				/* 7. run it; halt when idle */
}

/* Another core, from the trampoline: boot page tables, trampoline stack. */
void ap_entry(unsigned id)
{
	arch_early_traps(false);
	struct core *c = core_init(id);		/* own struct core and stacks */
	arch_switch_stack(c->kstack_top, ap_main);
}

static void ap_main(void)
{
	struct core *c = this_core();

	arch_core_init(c);			/* GDT, IDT, own page tables, timer */
	smp_check_in(c->id, kchan_create(arch_start_request_line()));	/* tell the bootstrap core */
	arch_seal();				/* write only its own memory from now on */
	if (ktest_main && cmdline_get("test", NULL, 0))
		kchan_serve();			/* kernel boot tests: serve them */
	boot_user_start();			/* this core's monitor */
	sched_run();				/* run it; halt when idle */
}
