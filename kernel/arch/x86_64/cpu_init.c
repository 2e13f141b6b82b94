/*
 * Per-core processor set-up on x86-64, run by each core on itself:
 * GS base, GDT and TSS, IDT, the x87/SSE/AVX registers for user code
 * (fpu.c), its own page tables, its local APIC. All the
 * tables live in the core's struct core (arch_core.h), in its own memory.
 */
#include "lib/string.h"
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/core.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/lapic.h"
#include "kernel/arch/x86_64/paging.h"
#include "kernel/arch/x86_64/trap.h"

/* Selectors (trap.h). The user slots are laid out for SYSCALL/SYSRET:
 * STAR wants user data at base+8 and user code at base+16. */
#define SEL_KCODE	KERNEL_CS
#define SEL_KDATA	KERNEL_DS
#define SEL_TSS		0x30

static void gdt_init(struct core *c)
{
	struct arch_core *a = &c->arch;
	uint64_t tss = (uint64_t)(uintptr_t)&a->tss;
	uint64_t limit = sizeof(a->tss) - 1;

	a->gdt[0] = 0;
	a->gdt[1] = 0x00AF9A000000FFFF;		/* kernel code, 64-bit */
	a->gdt[2] = 0x00CF92000000FFFF;		/* kernel data */
	a->gdt[3] = 0x00CFFA000000FFFF;		/* user code, 32-bit (unused) */
	a->gdt[4] = 0x00CFF2000000FFFF;		/* user data */
	a->gdt[5] = 0x00AFFA000000FFFF;		/* user code, 64-bit */
	a->gdt[6] = (limit & 0xFFFF) | ((tss & 0xFFFFFF) << 16) | (0x89ull << 40) |
		    (((limit >> 16) & 0xF) << 48) | (((tss >> 24) & 0xFF) << 56);
	a->gdt[7] = tss >> 32;

	memset(&a->tss, 0, sizeof(a->tss));
	a->tss.rsp[0] = c->kstack_top;
	a->tss.ist[0] = c->ist_top;
	a->tss.iopb_offset = sizeof(a->tss);	/* no I/O bitmap */

	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) gdtr = {
		sizeof(a->gdt) - 1, (uint64_t)(uintptr_t)a->gdt };
	__asm__ volatile(
		"lgdt %0\n\t"
		"mov %1, %%ds\n\t"
		"mov %1, %%es\n\t"
		"mov %1, %%ss\n\t"
		"pushq %2\n\t"
		"lea 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"ltr %w3"
		: : "m"(gdtr), "r"(SEL_KDATA), "i"(SEL_KCODE), "r"(SEL_TSS) : "rax", "memory");
}

/* GS holds the base of struct core. Loading %gs would clear the base, so
 * nothing loads a segment selector into gs after this. */
void arch_set_this_core(struct core *c)
{
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)c);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}

/*
 * SYSCALL enters at syscall_entry on kernel CS 0x08 (SS 0x10); SYSRET
 * returns to user CS 0x28|3, SS 0x20|3 (STAR's user base is 0x18: SYSRET
 * adds 16 for CS and 8 for SS). SFMASK clears IF, TF, DF, AC and NT, so
 * the kernel runs with interrupts off from the first instruction.
 */
static void syscall_init(void)
{
	extern char syscall_entry[];

	wrmsr(MSR_STAR, (0x18ull << 48) | ((uint64_t)KERNEL_CS << 32));
	wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)syscall_entry);
	wrmsr(MSR_SFMASK, 0x47700);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

void arch_core_init(struct core *c)
{
	gdt_init(c);
	syscall_init();
	trap_init_idt(&c->arch);
	arch_fpu_init_core(c);
	paging_init_core(c);
	lapic_init_core(c);
}

bool arch_has_core(void)
{
	return rdmsr(MSR_GS_BASE) != 0;
}

uint64_t arch_timestamp(void)
{
	return rdtsc();
}

static bool rdrand64(uint64_t *out)
{
	uint32_t a, b, c, d;
	uint8_t ok;

	cpuid(1, 0, &a, &b, &c, &d);
	if (!(c & (1u << 30)))
		return false;
	for (int tries = 0; tries < 10; tries++) {	/* Intel: retry a few times */
		__asm__ volatile("rdrand %0; setc %1" : "=r"(*out), "=qm"(ok));
		if (ok)
			return true;
	}
	return false;
}

uint64_t arch_random64(void)
{
	uint64_t r = 0;

	if (rdrand64(&r))
		return r;
	/* The low bits of the TSC jitter from reading to reading, more so
	 * between port reads; 64 of them, folded. */
	for (int i = 0; i < 64; i++) {
		(void)inb(0x80);
		r = (r << 1 | r >> 63) ^ rdtsc();
	}
	return r;
}

void arch_wait_for_interrupt(void)
{
	irq_enable_and_halt();
	irq_disable();
}

void arch_halt_core(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}
