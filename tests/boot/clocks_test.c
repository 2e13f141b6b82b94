/*
 * Boot tests of the clock calibration (kernel/arch/x86_64/clocks.c,
 * docs/clocks.md): the source the kernel used is the first of the order
 * of preference that works on this machine; every other source this
 * machine has that is read as a counter (not the PIT, below), measured
 * now, agrees with it within a factor of two (a
 * wide bound on purpose: both are measured in this boot, and under TCG a
 * loaded host stretches them alike, but not exactly); and CPUID's leaves
 * 0x15 and 0x16 turn into rates as Intel's SDM says, on figures of real
 * CPUs (QEMU's TCG gives neither leaf, so this is how that path runs here).
 */
#include "kernel/core.h"
#include "tests/boot/ktest.h"
#include "kernel/machine.h"
#include "kernel/arch/x86_64/clocks.h"
#include "kernel/arch/x86_64/lapic.h"

TEST(clocks_source_is_the_first_that_works)
{
	struct clocks k;
	const char *why;
	unsigned used = machine.clock_source;

	if (!machine.tsc_hz || machine.lapic_timer_hz < TIMER_HZ)
		FAIL("TSC %llu Hz, APIC timer %llu Hz", (unsigned long long)machine.tsc_hz,
		     (unsigned long long)machine.lapic_timer_hz);
	for (unsigned s = CLOCK_CPUID; s < (used == CLOCK_NONE ? CLOCK_COUNT : used); s++) {
		bool ok = clocks_measure(s, &k, &why);

		lapic_timer_tick(this_core());
		if (ok)
			FAIL("%s works now (TSC %llu Hz), but the kernel used %s", clock_source_name[s],
			     (unsigned long long)k.tsc_hz, clock_source_name[used]);
	}
}

static bool within_2x(uint64_t a, uint64_t b)
{
	return a <= 2 * b && b <= 2 * a;
}

TEST(clocks_every_other_source_agrees_within_2x)
{
	struct clocks k;
	const char *why;
	unsigned compared = 0;

	if (machine.clock_source == CLOCK_NONE)
		SKIP("no clock source on this machine: the rates are a guess");
	for (unsigned s = CLOCK_CPUID; s < CLOCK_COUNT; s++) {
		bool ok = clocks_measure(s, &k, &why);

		lapic_timer_tick(this_core());
		/* The PIT is timed by watching for its OUT pin, so a late look
		 * (eight busy vCPUs on a 2-core host under TCG) stretches its
		 * interval: it gave 2.8 times the HPET's rate in one make test.
		 * The others are read as counters, beside the TSC. */
		if (!ok || s == machine.clock_source || s == CLOCK_PIT)
			continue;
		compared++;
		if (!within_2x(k.tsc_hz, machine.tsc_hz) || !within_2x(k.apic_hz, machine.lapic_timer_hz))
			FAIL("%s gives TSC %llu Hz, APIC timer %llu Hz; %s gave %llu Hz, %llu Hz",
			     clock_source_name[s], (unsigned long long)k.tsc_hz,
			     (unsigned long long)k.apic_hz, clock_source_name[machine.clock_source],
			     (unsigned long long)machine.tsc_hz, (unsigned long long)machine.lapic_timer_hz);
	}
	if (!compared)
		SKIP("%s is the only clock source on this machine", clock_source_name[machine.clock_source]);
}

TEST(clocks_cpuid_leaves_give_the_sdm_rates)
{
	struct clocks k = { 0 };
	const char *why = NULL;

	/* A 24 MHz crystal, TSC ratio 176/2 (a Skylake client's figures). */
	CHECK_EQ(clocks_from_cpuid_leaves(2, 176, 24000000, 2100, &k, &why), 0);
	CHECK_EQ(k.tsc_hz, 2112000000ull);
	CHECK_EQ(k.apic_hz, 1500000ull);	/* 24 MHz divided by 16 */
	CHECK_EQ(k.crystal_hz, 24000000ull);
	/* No crystal frequency: the TSC from leaf 0x16's base, the APIC
	 * timer left to be measured. */
	k = (struct clocks){ 0 };
	CHECK_EQ(clocks_from_cpuid_leaves(2, 176, 0, 2100, &k, &why), 1);
	CHECK_EQ(k.tsc_hz, 2100000000ull);
	CHECK_EQ(k.apic_hz, 0ull);
	CHECK_EQ(clocks_from_cpuid_leaves(2, 176, 0, 0, &k, &why), -1);
	CHECK(why != NULL);
	CHECK_EQ(clocks_from_cpuid_leaves(0, 176, 24000000, 2100, &k, &why), -1);
	CHECK_EQ(clocks_from_cpuid_leaves(2, 0, 24000000, 2100, &k, &why), -1);
}
