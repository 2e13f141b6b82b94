/*
 * The local APIC: each core's interrupt controller, timer and IPI sender.
 * It sits at the same physical address on every core but each core sees
 * its own, through its own uncached mapping at LAPIC_VA.
 *
 * The timer and TSC rates are measured once, by the bootstrap core, against
 * the PIT (channel 2, gated by port 0x61, so no interrupt is needed), and
 * handed to the other cores through `machine`. The legacy 8259 PICs are
 * remapped away from the exception vectors and masked: Flotilla uses only
 * APIC interrupts.
 */
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/core.h"
#include "kernel/machine.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/lapic.h"
#include "kernel/arch/x86_64/trap.h"

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

#define TIMER_PERIODIC	(1u << 17)
#define LVT_MASKED	(1u << 16)

#define PIT_HZ		1193182u
#define CALIBRATE_MS	50u

static volatile uint32_t *reg(uint32_t off)
{
	return (volatile uint32_t *)(LAPIC_VA + off);
}

static uint32_t rd(uint32_t off)
{
	return *reg(off);
}

static void wr(uint32_t off, uint32_t v)
{
	*reg(off) = v;
}

void lapic_eoi(void)
{
	wr(LAPIC_EOI, 0);
}

uint32_t lapic_id(void)
{
	return rd(LAPIC_ID) >> 24;
}

void lapic_send_ipi(uint32_t apic_id, uint32_t icr_low)
{
	uint64_t flags = irq_save();

	wr(LAPIC_ICR_HI, apic_id << 24);
	wr(LAPIC_ICR_LO, icr_low);
	for (unsigned i = 0; i < 1000000 && (rd(LAPIC_ICR_LO) & (1u << 12)); i++)
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

/* Measures the TSC and the APIC timer (divide by 16) over CALIBRATE_MS of
 * PIT time. Runs on the bootstrap core with its APIC enabled. */
static void calibrate(void)
{
	uint32_t count = PIT_HZ * CALIBRATE_MS / 1000;
	uint64_t t0, t1;
	uint32_t a0, a1;

	outb(0x61, (inb(0x61) & ~0x02) | 0x01);	/* gate on, speaker off */
	outb(0x43, 0xB0);			/* channel 2, lo/hi, mode 0 */
	outb(0x42, count & 0xFF);
	outb(0x42, count >> 8);
	wr(LAPIC_TIMER_DIV, 0x3);
	wr(LAPIC_LVT_TIMER, LVT_MASKED);
	outb(0x61, inb(0x61) & ~0x01);		/* restart the count: gate low, high */
	outb(0x61, inb(0x61) | 0x01);
	wr(LAPIC_TIMER_INIT, 0xFFFFFFFF);
	t0 = rdtsc();
	a0 = rd(LAPIC_TIMER_CUR);
	while (!(inb(0x61) & 0x20))
		cpu_relax();
	a1 = rd(LAPIC_TIMER_CUR);
	t1 = rdtsc();
	wr(LAPIC_TIMER_INIT, 0);
	machine.tsc_hz = (t1 - t0) * 1000 / CALIBRATE_MS;
	machine.lapic_timer_hz = (uint64_t)(a0 - a1) * 1000 / CALIBRATE_MS;
	if (machine.lapic_timer_hz < TIMER_HZ)
		machine.lapic_timer_hz = 1000000;	/* nonsense reading: assume 1 MHz */
	kprintf("clocks: TSC %llu MHz, APIC timer %llu kHz (measured against the PIT)\n",
		(unsigned long long)(machine.tsc_hz / 1000000),
		(unsigned long long)(machine.lapic_timer_hz / 1000));
}

void lapic_init_core(struct core *c)
{
	/* The firmware leaves the bootstrap core's LINT0 in ExtINT mode, so
	 * the legacy PIC (and the PIT ticking behind it) can reach it: silence
	 * the PIC before anything else. */
	if (c->id == 0)
		pic_disable();
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | (1u << 11));	/* global enable */
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
		calibrate();
	c->arch.lapic_timer_count = (uint32_t)(machine.lapic_timer_hz / TIMER_HZ);
	wr(LAPIC_TIMER_DIV, 0x3);
	wr(LAPIC_LVT_TIMER, VEC_TIMER | TIMER_PERIODIC);
	wr(LAPIC_TIMER_INIT, (uint32_t)c->arch.lapic_timer_count);
}
