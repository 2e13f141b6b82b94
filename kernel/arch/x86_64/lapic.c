/*
 * The local APIC: each core's interrupt controller, timer and IPI sender.
 * It sits at the same physical address on every core but each core sees
 * its own, through its own uncached mapping at LAPIC_VA.
 *
 * Two register interfaces (Intel SDM vol. 3, "Extended XAPIC (x2APIC)"):
 * xAPIC, memory-mapped registers in the page at machine.lapic_pa, 8-bit
 * APIC ids, and an ICR written in two halves whose delivery status is
 * polled; and x2APIC, where register `off` is MSR 0x800 + off / 16, ids
 * are 32 bits, and the ICR is one 64-bit MSR (destination in bits 32..63)
 * with no delivery status to poll. The bootstrap core picks the mode once
 * (lapic_pick_mode: x2APIC wherever CPUID offers it, or where the firmware
 * left it on) and every core switches its own APIC to it in
 * lapic_init_core(), before its first use: the mode is per core.
 *
 * The timer and TSC rates are measured once, by the bootstrap core
 * (clocks.c: from CPUID, or against the HPET, the ACPI PM timer or the
 * PIT), and handed to the other cores through `machine`. The legacy 8259 PICs are
 * remapped away from the exception vectors and masked: Flotilla uses only
 * APIC interrupts.
 */
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/core.h"
#include "kernel/machine.h"
#include "kernel/arch/x86_64/clocks.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/lapic.h"
#include "kernel/arch/x86_64/trap.h"

/* Register offsets in the xAPIC page; x2APIC_MSR_BASE + off / 16 in x2APIC. */
#define LAPIC_ID	0x020
#define LAPIC_TPR	0x080
#define LAPIC_EOI	0x0B0
#define LAPIC_SVR	0x0F0
#define LAPIC_ICR_LO	0x300
#define LAPIC_ICR_HI	0x310
#define LAPIC_LVT_TIMER	0x320
#define LAPIC_LVT_LINT0	0x350
#define LAPIC_LVT_LINT1	0x360
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR	0x390
#define LAPIC_TIMER_DIV	0x3E0

#define X2APIC_MSR_BASE	0x800
#define X2APIC_MSR_ICR	0x830		/* the whole 64-bit ICR */

#define APIC_BASE_EXTD	(1ull << 10)	/* x2APIC mode, with EN */
#define APIC_BASE_EN	(1ull << 11)	/* the APIC is globally enabled */
#define CPUID1_ECX_X2APIC (1u << 21)
#define ICR_PENDING	(1u << 12)	/* xAPIC only: delivery status */

#define LVT_MASKED	(1u << 16)

static volatile uint32_t *reg(uint32_t off)
{
	return (volatile uint32_t *)(LAPIC_VA + off);
}

static uint32_t rd(uint32_t off)
{
	if (machine.x2apic)
		return (uint32_t)rdmsr(X2APIC_MSR_BASE + off / 16);
	return *reg(off);
}

static void wr(uint32_t off, uint32_t v)
{
	if (machine.x2apic)
		wrmsr(X2APIC_MSR_BASE + off / 16, v);
	else
		*reg(off) = v;
}

bool lapic_cpu_has_x2apic(void)
{
	uint32_t a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	return c & CPUID1_ECX_X2APIC;
}

/* The bootstrap core, before the cores are chosen: in x2APIC mode cores
 * with ids of 255 and above can be started, in xAPIC mode they cannot.
 * A firmware may hand over in x2APIC mode (OVMF does on machines with
 * such ids); the only way back to xAPIC is through the disabled state,
 * which loses the APIC's set-up, so the kernel stays in x2APIC then. */
uint32_t arch_pick_apic_mode(void)
{
	bool has = lapic_cpu_has_x2apic();

	if (rdmsr(MSR_APIC_BASE) & APIC_BASE_EXTD) {
		machine.x2apic = true;
		kprintf("apic: x2APIC (the firmware handed over with x2APIC on)\n");
	} else {
		machine.x2apic = has;
		kprintf("apic: %s (CPUID.1:ECX bit 21, x2APIC, is %s)\n",
			has ? "x2APIC" : "xAPIC", has ? "set" : "clear: the CPU has no x2APIC");
	}
	/* 0xFF and 0xFFFFFFFF are the broadcast destinations. */
	return machine.x2apic ? 0xFFFFFFFEu : 0xFEu;
}

void lapic_eoi(void)
{
	wr(LAPIC_EOI, 0);
}

uint32_t lapic_id(void)
{
	return machine.x2apic ? rd(LAPIC_ID) : rd(LAPIC_ID) >> 24;
}

void lapic_send_ipi(uint32_t apic_id, uint32_t icr_low)
{
	uint64_t flags;

	if (machine.x2apic) {
		/* A WRMSR to the x2APIC's registers is not serializing: without
		 * the fence, a doorbell could overtake the channel writes it
		 * announces (Intel SDM, "x2APIC Register Access"). */
		__asm__ volatile("mfence; lfence" ::: "memory");
		wrmsr(X2APIC_MSR_ICR, (uint64_t)apic_id << 32 | icr_low);
		return;
	}
	flags = irq_save();
	wr(LAPIC_ICR_HI, apic_id << 24);
	wr(LAPIC_ICR_LO, icr_low);
	for (unsigned i = 0; i < 1000000 && (rd(LAPIC_ICR_LO) & ICR_PENDING); i++)
		cpu_relax();	/* delivery pending */
	irq_restore(flags);
}

void arch_doorbell(unsigned core)
{
	lapic_send_ipi(machine.cores[core].apic_id, VEC_DOORBELL);
}

void arch_notify(unsigned core, unsigned slot)
{
	lapic_send_ipi(machine.cores[core].apic_id, VEC_NOTIFY_BASE + slot);
}

uint64_t arch_timestamp_hz(void)
{
	return machine.tsc_hz;
}

static void pic_disable(void)
{
	/* Remap to 0x20-0x2F (ICW1-4) so a stray PIC interrupt cannot look
	 * like an exception, then mask every line. */
	outb(0x20, 0x11); outb(0xA0, 0x11);
	outb(0x21, 0x20); outb(0xA1, 0x28);
	outb(0x21, 0x04); outb(0xA1, 0x02);
	outb(0x21, 0x01); outb(0xA1, 0x01);
	outb(0x21, 0xFF); outb(0xA1, 0xFF);
}

/* The APIC timer as a stopwatch for clocks.c: masked, divide by 16,
 * counting down from the top. */
void lapic_timer_free_run(void)
{
	wr(LAPIC_TIMER_DIV, 0x3);
	wr(LAPIC_LVT_TIMER, LVT_MASKED);
	wr(LAPIC_TIMER_INIT, 0xFFFFFFFF);
}

uint32_t lapic_timer_now(void)
{
	return rd(LAPIC_TIMER_CUR);
}

void lapic_timer_stop(void)
{
	wr(LAPIC_TIMER_INIT, 0);
}

/* This core's APIC on, in the mode the bootstrap core picked. Enabled
 * first, then switched to x2APIC: xAPIC to x2APIC is always a valid step
 * (disabled to x2APIC in one write is not on every CPU). Bits already set
 * (by the firmware, or kept across INIT) are left alone. */
static void apic_enable(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	if (!(base & APIC_BASE_EN))
		wrmsr(MSR_APIC_BASE, base |= APIC_BASE_EN);
	if (machine.x2apic && !(base & APIC_BASE_EXTD))
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_EXTD);
}

void lapic_init_core(struct core *c)
{
	/* The firmware leaves the bootstrap core's LINT0 in ExtINT mode, so
	 * the legacy PIC (and the PIT ticking behind it) can reach it: silence
	 * the PIC before anything else. */
	if (c->id == 0)
		pic_disable();
	apic_enable();
	wr(LAPIC_SVR, 0x100 | VEC_SPURIOUS);
	wr(LAPIC_LVT_LINT0, LVT_MASKED);
	wr(LAPIC_LVT_LINT1, LVT_MASKED);
	/* Written after LINT0 is masked, on purpose: an ExtINT request latched
	 * before the PIC went quiet must be dropped now, not delivered at the
	 * first `sti` with no vector behind it (QEMU's TCG then raised #GP with
	 * error code -14 on 3 of 15 loaded 1-core boots). Re-writing the TPR
	 * makes the APIC re-evaluate what is pending. */
	wr(LAPIC_TPR, 0);
	if (c->id == 0)
		clocks_calibrate();
	lapic_timer_tick(c);
}

/*
 * The tick: every core's is a point of one grid of global time. Tick k
 * is due at boot_tsc + k * TSC_HZ / TIMER_HZ, the TSC being one clock
 * for every core (an invariant TSC, as QEMU's is). The timer runs
 * one-shot, armed at each tick for the next point of the grid: every
 * core's ticks come at the same moments, which co-scheduling needs
 * (kernel/dispatch.c, gang windows), and a tick that comes late
 * (interrupts off, or a virtual core the host did not run) loses only
 * itself, never the grid; a periodic timer's ticks drift apart from one
 * core to the next. c->tick is the point this call is for (the nearest,
 * so that a timer that fires a little early is not taken for the tick
 * before).
 */
void lapic_timer_tick(struct core *c)
{
	extern uint64_t boot_tsc;	/* boot.S; read-only after boot */
	uint64_t per = machine.tsc_hz / TIMER_HZ, now = arch_timestamp() - boot_tsc;
	uint64_t k = (now + per / 2) / per;
	uint64_t count = ((k + 1) * per - now) * machine.lapic_timer_hz / machine.tsc_hz;

	c->tick = k;
	wr(LAPIC_TIMER_DIV, 0x3);
	wr(LAPIC_LVT_TIMER, VEC_TIMER);		/* one-shot */
	wr(LAPIC_TIMER_INIT, count == 0 ? 1 : count > 0xFFFFFFFFull ? 0xFFFFFFFFu : (uint32_t)count);
}
