/*
 * Measuring the clocks (docs/clocks.md), once, on the bootstrap core with
 * its local APIC on: the TSC's rate and the APIC timer's (divided by 16),
 * which every core then takes from `machine`. The sources, in order of
 * preference, each used only where the machine has it:
 *
 * 1. CPUID leaf 0x15: the TSC's ratio to the core crystal clock, and the
 *    crystal's frequency, which is also the APIC timer's input. Nothing to
 *    measure. Where the crystal's frequency is 0, leaf 0x16's base
 *    frequency gives the TSC's rate, and the APIC timer is measured
 *    against the TSC.
 * 2. The HPET (its ACPI table; the counter period, in femtoseconds, in its
 *    capabilities register), mapped uncached at HPET_VA.
 * 3. The ACPI PM timer (the FADT's PM_TMR_BLK): 3.579545 MHz, 24 or 32
 *    bits, in I/O space.
 * 4. The PIT's channel 2, gated through port 0x61 (some current platforms
 *    gate the PIT off; `nopit` on the command line acts as if it were).
 *
 * A counter that does not advance is given up after a deadline of TSC
 * cycles far above the CALIBRATE_MS a measurement takes, and the next
 * source is tried: the boot never hangs on a missing clock.
 */
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/machine.h"
#include "kernel/arch/x86_64/clocks.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/lapic.h"

#define CALIBRATE_MS	50u
/* 2^34 cycles: 1.7 s at 10 GHz, 17 s at 1 GHz; a measurement takes 50 ms. */
#define GIVE_UP_CYCLES	(1ull << 34)

#define PIT_HZ		1193182u
#define PM_TIMER_HZ	3579545u

#define HPET_CAP	0x000		/* capabilities and id */
#define HPET_CONFIG	0x010
#define HPET_COUNTER	0x0F0
#define HPET_CAP_64BIT	(1ull << 13)	/* COUNT_SIZE_CAP */
#define HPET_ENABLE	1ull		/* ENABLE_CNF: the main counter runs */
#define HPET_MAX_PERIOD_FS 100000000ull	/* the spec's limit: 100 ns */

/* A free-running counter to measure against. */
struct ref {
	uint64_t hz;
	uint64_t mask;		/* the counter's width */
	uint64_t (*read)(const struct ref *r);
	uint64_t where;		/* HPET: the counter's address; PM timer: its port */
};

const char *const clock_source_name[CLOCK_COUNT] = {
	[CLOCK_NONE] = "nothing (guessed)",
	[CLOCK_CPUID] = "CPUID",
	[CLOCK_HPET] = "the HPET",
	[CLOCK_PM_TIMER] = "the ACPI PM timer",
	[CLOCK_PIT] = "the PIT",
};

static uint64_t hpet_reg(uint32_t off)
{
	return *(volatile uint64_t *)(HPET_VA + (machine.acpi->hpet_pa & 0xFFF) + off);
}

static void hpet_set(uint32_t off, uint64_t v)
{
	*(volatile uint64_t *)(HPET_VA + (machine.acpi->hpet_pa & 0xFFF) + off) = v;
}

static uint64_t read_hpet(const struct ref *r)
{
	return *(volatile uint64_t *)(uintptr_t)r->where & r->mask;
}

static uint64_t read_pm_timer(const struct ref *r)
{
	return inl((uint16_t)r->where) & r->mask;
}

/* Counts TSC cycles and APIC timer ticks over CALIBRATE_MS of r's time.
 * False if r did not advance that far within GIVE_UP_CYCLES. */
static bool measure(const struct ref *r, uint64_t *tsc_hz, uint64_t *apic_hz)
{
	uint64_t want = r->hz * CALIBRATE_MS / 1000, r0, r1, t0, t1, ticks;
	uint32_t a0, a1;

	lapic_timer_free_run();
	r0 = r->read(r);
	t0 = rdtsc();
	a0 = lapic_timer_now();
	do {
		r1 = r->read(r);
		t1 = rdtsc();
		if (t1 - t0 > GIVE_UP_CYCLES) {
			lapic_timer_stop();
			return false;
		}
	} while (((r1 - r0) & r->mask) < want);
	a1 = lapic_timer_now();
	lapic_timer_stop();
	ticks = (r1 - r0) & r->mask;
	*tsc_hz = (t1 - t0) * r->hz / ticks;
	*apic_hz = (uint64_t)(a0 - a1) * r->hz / ticks;
	return true;
}

/* The PIT's channel 2 counts down once, in mode 0, from the count for
 * CALIBRATE_MS; port 0x61 bit 5 (OUT2) rises when it reaches 0. */
static bool measure_pit(uint64_t *tsc_hz, uint64_t *apic_hz)
{
	uint32_t count = PIT_HZ * CALIBRATE_MS / 1000;
	uint64_t t0, t1;
	uint32_t a0, a1;

	outb(0x61, (inb(0x61) & ~0x02) | 0x01);	/* gate on, speaker off */
	outb(0x43, 0xB0);			/* channel 2, lo/hi, mode 0 */
	outb(0x42, count & 0xFF);
	outb(0x42, count >> 8);
	lapic_timer_free_run();
	outb(0x61, inb(0x61) & ~0x01);		/* restart the count: gate low, high */
	outb(0x61, inb(0x61) | 0x01);
	t0 = rdtsc();
	a0 = lapic_timer_now();
	while (!(inb(0x61) & 0x20)) {
		if (rdtsc() - t0 > GIVE_UP_CYCLES) {
			lapic_timer_stop();
			return false;
		}
		cpu_relax();
	}
	a1 = lapic_timer_now();
	t1 = rdtsc();
	lapic_timer_stop();
	*tsc_hz = (t1 - t0) * 1000 / CALIBRATE_MS;
	*apic_hz = (uint64_t)(a0 - a1) * 1000 / CALIBRATE_MS;
	return true;
}

/* The APIC timer against the TSC, whose rate is known. */
static void measure_apic_by_tsc(uint64_t tsc_hz, uint64_t *apic_hz)
{
	uint64_t t0, span = tsc_hz / 1000 * CALIBRATE_MS;
	uint32_t a0, a1;

	lapic_timer_free_run();
	t0 = rdtsc();
	a0 = lapic_timer_now();
	while (rdtsc() - t0 < span)
		cpu_relax();
	a1 = lapic_timer_now();
	lapic_timer_stop();
	*apic_hz = (uint64_t)(a0 - a1) * 1000 / CALIBRATE_MS;
}

static void cpuid_leaf(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	uint32_t max, x;

	cpuid(0, 0, &max, &x, &x, &x);
	*a = *b = *c = *d = 0;
	if (max >= leaf)
		cpuid(leaf, 0, a, b, c, d);
}

/* Leaf 0x15: EAX, EBX = the TSC's ratio to the crystal (denominator,
 * numerator); ECX = the crystal's Hz, or 0. Leaf 0x16: EAX = base MHz. */
int clocks_from_cpuid_leaves(uint32_t den, uint32_t num, uint32_t crystal, uint32_t base_mhz,
			     struct clocks *k, const char **why)
{
	if (!den || !num) {
		*why = "CPUID leaf 0x15 gives no TSC/crystal ratio";
		return -1;
	}
	if (crystal) {
		k->tsc_hz = (uint64_t)crystal * num / den;
		k->apic_hz = crystal / 16;	/* the APIC timer runs on the crystal */
		k->crystal_hz = crystal;
		return 0;
	}
	if (!base_mhz) {
		*why = "CPUID leaf 0x15 gives no crystal frequency and leaf 0x16 no base frequency";
		return -1;
	}
	k->tsc_hz = (uint64_t)base_mhz * 1000000;
	return 1;
}

static bool from_cpuid(struct clocks *k, const char **why)
{
	uint32_t den, num, crystal, d, base_mhz;
	int r;

	cpuid_leaf(0x15, &den, &num, &crystal, &d);
	cpuid_leaf(0x16, &base_mhz, &d, &d, &d);
	r = clocks_from_cpuid_leaves(den, num, crystal, base_mhz, k, why);
	if (r == 1)
		measure_apic_by_tsc(k->tsc_hz, &k->apic_hz);
	return r >= 0;
}

static bool from_hpet(struct clocks *k, const char **why)
{
	struct ref r = { 0, ~0ull, read_hpet, HPET_VA };
	uint64_t cap, period;

	if (!machine.acpi || !machine.acpi->hpet_pa) {
		*why = "the ACPI tables name no HPET";
		return false;
	}
	cap = hpet_reg(HPET_CAP);
	period = cap >> 32;
	if (cap == ~0ull || !period || period > HPET_MAX_PERIOD_FS) {
		*why = "its capabilities register gives no valid counter period";
		return false;
	}
	if (!(hpet_reg(HPET_CONFIG) & HPET_ENABLE))
		hpet_set(HPET_CONFIG, hpet_reg(HPET_CONFIG) | HPET_ENABLE);
	r.hz = 1000000000000000ull / period;
	r.where = HPET_VA + (machine.acpi->hpet_pa & 0xFFF) + HPET_COUNTER;
	if (!(cap & HPET_CAP_64BIT))
		r.mask = 0xFFFFFFFFull;
	if (!measure(&r, &k->tsc_hz, &k->apic_hz)) {
		*why = "its counter did not advance";
		return false;
	}
	return true;
}

static bool from_pm_timer(struct clocks *k, const char **why)
{
	struct ref r = { PM_TIMER_HZ, 0xFFFFFF, read_pm_timer, 0 };

	if (!machine.acpi || !machine.acpi->pm_timer_port) {
		*why = "the FADT names no PM timer";
		return false;
	}
	r.where = machine.acpi->pm_timer_port;
	if (machine.acpi->pm_timer_bits == 32)
		r.mask = 0xFFFFFFFF;
	if (!measure(&r, &k->tsc_hz, &k->apic_hz)) {
		*why = "its counter did not advance";
		return false;
	}
	return true;
}

static bool from_pit(struct clocks *k, const char **why)
{
	if (cmdline_get("nopit", NULL, 0)) {
		*why = "nopit on the command line";
		return false;
	}
	if (!measure_pit(&k->tsc_hz, &k->apic_hz)) {
		*why = "its channel 2 never reached 0 (gated off?)";
		return false;
	}
	return true;
}

bool clocks_measure(enum clock_source s, struct clocks *k, const char **why)
{
	static bool (*const from[CLOCK_COUNT])(struct clocks *, const char **) = {
		[CLOCK_CPUID] = from_cpuid, [CLOCK_HPET] = from_hpet,
		[CLOCK_PM_TIMER] = from_pm_timer, [CLOCK_PIT] = from_pit,
	};

	*k = (struct clocks){ s, 0, 0, 0 };
	*why = "no such source";
	return s > CLOCK_NONE && s < CLOCK_COUNT && from[s](k, why);
}

void clocks_calibrate(void)
{
	struct clocks k;
	const char *why;
	enum clock_source s;

	for (s = CLOCK_CPUID; s < CLOCK_COUNT; s++) {
		bool ok = clocks_measure(s, &k, &why);

		if (ok && k.tsc_hz && k.apic_hz >= TIMER_HZ)
			break;
		if (ok)
			why = "its readings give a TSC rate of 0 or an APIC timer below the tick rate";
		kprintf("clocks: not from %s: %s\n", clock_source_name[s], why);
	}
	if (s == CLOCK_COUNT) {
		/* Timing is wrong, but the machine runs: say so. */
		k = (struct clocks){ CLOCK_NONE, 1000000000, 1000000, 0 };
		kprintf("clocks: no clock to measure against; guessing TSC 1000 MHz and APIC timer 1000 kHz (time runs wrong)\n");
	}
	machine.tsc_hz = k.tsc_hz;
	machine.lapic_timer_hz = k.apic_hz;
	machine.clock_source = k.source;
	if (k.source == CLOCK_CPUID && k.crystal_hz)
		kprintf("clocks: TSC %llu MHz, APIC timer %llu kHz (from CPUID leaf 0x15: crystal %llu Hz)\n",
			(unsigned long long)(k.tsc_hz / 1000000), (unsigned long long)(k.apic_hz / 1000),
			(unsigned long long)k.crystal_hz);
	else if (k.source == CLOCK_CPUID)
		kprintf("clocks: TSC %llu MHz, APIC timer %llu kHz (TSC from CPUID leaf 0x16, APIC timer measured against the TSC)\n",
			(unsigned long long)(k.tsc_hz / 1000000), (unsigned long long)(k.apic_hz / 1000));
	else if (k.source != CLOCK_NONE)
		kprintf("clocks: TSC %llu MHz, APIC timer %llu kHz (measured against %s)\n",
			(unsigned long long)(k.tsc_hz / 1000000), (unsigned long long)(k.apic_hz / 1000),
			clock_source_name[k.source]);
}
