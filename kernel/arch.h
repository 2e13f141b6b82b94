/*
 * The boundary between the portable CPU driver and the architecture. The
 * portable kernel calls only these; their x86-64 versions live in
 * kernel/arch/x86_64/.
 */
#ifndef KERNEL_ARCH_H
#define KERNEL_ARCH_H

#include <stdbool.h>
#include <stdint.h>
#include <kpi/caps.h>
#include <kpi/errors.h>
#include <kpi/syscalls.h>
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

/* The bootstrap core, in machine_discover(): picks every core's interrupt
 * controller mode (x86-64: x2APIC where the CPU has it), says which, and
 * returns the highest APIC id that mode can start a core by. */
uint32_t arch_pick_apic_mode(void);
/* Makes `c` this core's struct core: this_core() returns it from now on. */
void arch_set_this_core(struct core *c);
/* Per core: descriptor tables, own page tables, GS, local APIC and timer. */
void arch_core_init(struct core *c);
/* Runs fn on a new stack; never returns. */
void arch_switch_stack(uintptr_t top, void (*fn)(void)) __attribute__((noreturn));
/* Extends the boot page tables' direct map to cover [0, top). */
err_t arch_boot_map_extend(uint64_t top);
/* Starts core `id` (INIT-SIPI-SIPI) at ap_entry(), handing it `req_pa`,
 * the physical address of the bootstrap core's request line to it; OK
 * once it checked in, with the physical address of its reply line in
 * *chan_pa. */
err_t arch_start_core(unsigned id, uint64_t req_pa, uint64_t *chan_pa);
/* On a starting core: the `req_pa` it was started with. */
uint64_t arch_start_request_line(void);
/* The physical pages the start-up sequence writes (trampoline, hand-off
 * block, first stack): below 1 MiB, page-aligned; len 0 if none. */
void arch_start_pages(uint64_t *base, uint64_t *len);
/* This core has booted (checked in, or started the others): its page
 * tables take their final permissions (kernel/memguard.h). */
void arch_seal(void);
/* A kernel pointer through which `pa` may be written, for a frame of
 * another core that the current process maps writable by capability:
 * valid until arch_write_window_close(); one at a time. */
void *arch_write_window(uint64_t pa);
void arch_write_window_close(void);

/* Has this core set up its struct core yet (is this_core() valid)? */
bool arch_has_core(void);
uint64_t arch_timestamp(void);		/* cycles (TSC) */
/* 64 bits from the CPU's random number generator where it has one, else
 * from the timestamp counter's low bits over many readings (weaker). */
uint64_t arch_random64(void);
uint64_t arch_timestamp_hz(void);	/* calibrated at boot */
void arch_doorbell(unsigned core);	/* interrupt core `id` so it looks at its channels */
void arch_notify(unsigned core, unsigned slot);	/* ring user doorbell `slot` of `core` */
void arch_wait_for_interrupt(void);	/* halt until an interrupt arrives (enables them) */
void arch_halt_core(void) __attribute__((noreturn));	/* stop this core for good */
/* Powers off (ACPI S5, kernel/arch/x86_64/poweroff.c); returns
 * ERR_UNSUPPORTED, after saying why, only if the machine is still on. */
err_t arch_poweroff(void);
/* Resets the machine (ACPI reset register, keyboard controller, triple
 * fault: kernel/arch/x86_64/reboot.c); if none works, says so and halts
 * this core. Never returns. */
void arch_reboot(void) __attribute__((noreturn));

/* ---- User space (kernel/arch/x86_64/user.c, entry.S) ---- */
struct trap_frame;

/* Fills a new top-level page table's kernel half from this core's tables. */
void arch_vspace_init(uint64_t pml4_pa);
void arch_vspace_switch(uint64_t pml4_pa);
/* A top-level table is going away: stop using it if it is loaded. */
void arch_vspace_destroyed(uint64_t pml4_pa);
/* Flushes every user translation of every address space on this core. */
void arch_tlb_flush(void);
/* Flushes the n pages from va of the address space at pml4_pa on this
 * core (loaded or not), and counts them for it (arch_tlb_flushed). */
void arch_tlb_flush_pages(uint64_t pml4_pa, uint64_t va, uint64_t n);
uint64_t arch_tlb_flushed(uint64_t pml4_pa);
/* PCIDs where the CPU has them (after arch_seal; the bootstrap core says
 * which at boot). */
void arch_tlb_init(void);
/* The 4 KiB page entry of user address va, or NULL where a table above it
 * is missing (the entry itself may be empty). */
uint64_t *arch_user_pte(uint64_t pml4_pa, uint64_t va);
/* Entries of a level-`level` table (3 = top) that user mappings may use. */
unsigned arch_vnode_user_entries(unsigned level);
uint64_t arch_pte_table(uint64_t pa);	/* an entry pointing at a lower table */
uint64_t arch_pte_page(uint64_t pa, unsigned rights, bool device);	/* a 4 KiB page */
uint64_t arch_pte_addr(uint64_t pte);
bool arch_pte_present(uint64_t pte);
/* Physical address of user address va in an address space, checking that
 * it is mapped for user access (and writable if `write`): ERR_BAD_ADDRESS. */
err_t arch_user_translate(uint64_t pml4_pa, uint64_t va, bool write, uint64_t *pa);
/* A dispatcher's first registers: run `entry` on `stack` with `arg`. */
void arch_regs_init_user(struct trap_frame *f, uint64_t entry, uint64_t stack, uint64_t arg);
bool arch_frame_from_user(const struct trap_frame *f);
/* Leaves the kernel into the user state `f`; the kernel stack is abandoned. */
void arch_resume(const struct trap_frame *f) __attribute__((noreturn));

/* ---- x87, SSE and AVX registers of user space (kernel/arch/x86_64/fpu.c) ---- */

/* Per core: lets user code use them (control registers, XCR0). */
void arch_fpu_init_core(struct core *c);
/* A new dispatcher's area (FPU_AREA_BYTES, 64-byte aligned): the default
 * state, every exception masked (MXCSR 0x1F80, x87 control word 0x37F). */
void arch_fpu_init_area(void *area);
void arch_fpu_save(void *area);		/* the registers into `area` */
void arch_fpu_restore(const void *area);	/* and back */
/* fpu=lazy: registers are loaded on first use (sched_fpu_trap), not on
 * every switch. */
bool arch_fpu_lazy(void);
/* Makes user code's next x87/SSE/AVX instruction trap (#NM), or not. */
void arch_fpu_trap_next(bool trap);

#endif
