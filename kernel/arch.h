/*
 * The boundary between the portable CPU driver and the architecture. The
 * portable kernel calls only these; their x86-64 versions live in
 * kernel/arch/x86_64/.
 */
#ifndef KERNEL_ARCH_H
#define KERNEL_ARCH_H

#include <stdbool.h>
#include <stdint.h>
#include <kpi/errors.h>
#include "kernel/arch/x86_64/layout.h"

struct core;

/* The direct map: every physical byte the kernel may touch, at a fixed offset. */
static inline void *phys_to_virt(uint64_t pa)
{
	return (void *)(uintptr_t)(pa + PHYSMAP_BASE);
}

static inline uint64_t kernel_virt_to_phys(const void *va)
{
	return (uint64_t)(uintptr_t)va - KERNEL_VMA;
}

void arch_console_init(void);
/* Catch faults before a core has its own IDT: the bootstrap core builds
 * the early IDT (bootstrap = true), the others only load it. */
void arch_early_traps(bool bootstrap);		/* serial port, before anything prints */
void arch_console_putc(char c);

/* The bootstrap core: interrupt controllers to a known state, clocks measured. */
void arch_machine_init(void);
/* Makes `c` this core's struct core: this_core() returns it from now on. */
void arch_set_this_core(struct core *c);
/* Per core: descriptor tables, own page tables, GS, local APIC and timer. */
void arch_core_init(struct core *c);
/* Runs fn on a new stack; never returns. */
void arch_switch_stack(uintptr_t top, void (*fn)(void)) __attribute__((noreturn));
/* Extends the boot page tables' direct map to cover [0, top). */
err_t arch_boot_map_extend(uint64_t top);
/* Starts core `id` (INIT-SIPI-SIPI) at ap_entry(); OK once it checked in,
 * with the physical address of its boot channel in *chan_pa. */
err_t arch_start_core(unsigned id, uint64_t *chan_pa);

/* Has this core set up its struct core yet (is this_core() valid)? */
bool arch_has_core(void);
uint64_t arch_timestamp(void);		/* cycles (TSC) */
uint64_t arch_timestamp_hz(void);	/* calibrated at boot */
void arch_doorbell(unsigned core);	/* interrupt core `id` so it looks at its channels */
void arch_wait_for_interrupt(void);	/* halt until an interrupt arrives (enables them) */
void arch_halt_core(void) __attribute__((noreturn));	/* stop this core for good */
void arch_exit_qemu(int code) __attribute__((noreturn));	/* isa-debug-exit, or halt */

/* For boot tests that fault on purpose. */
void arch_fault_divide(void);
void arch_fault_page(void);
void arch_fault_invalid_opcode(void);

#endif
