#ifndef ARCH_CLOCKS_H
#define ARCH_CLOCKS_H

#include <stdbool.h>
#include <stdint.h>

/* Where the TSC's and the APIC timer's rates came from (docs/clocks.md),
 * in order of preference. */
enum clock_source { CLOCK_NONE, CLOCK_CPUID, CLOCK_HPET, CLOCK_PM_TIMER, CLOCK_PIT, CLOCK_COUNT };
extern const char *const clock_source_name[CLOCK_COUNT];	/* "the HPET" */

struct clocks {
	enum clock_source source;
	uint64_t tsc_hz;
	uint64_t apic_hz;	/* the APIC timer's ticks, divided by 16 */
	uint64_t crystal_hz;	/* CPUID leaf 0x15's crystal; 0 if not given */
};

/* Bootstrap core, APIC on: the rates from the best source there is, into
 * machine.tsc_hz, lapic_timer_hz and clock_source; one line says which,
 * and one line each why better sources were passed over. */
void clocks_calibrate(void);
/* One source, for calibration and for tests that compare two: false,
 * with a sentence in *why, if the machine lacks it or it does not run
 * (the APIC timer is left stopped; the caller restarts it). */
bool clocks_measure(enum clock_source s, struct clocks *k, const char **why);
/* CPUID leaves 0x15 (den, num, crystal) and 0x16 (base_mhz) as rates:
 * 0 with both rates set, 1 with only the TSC's (the APIC timer must be
 * measured against it), -1 with a sentence in *why if they give neither. */
int clocks_from_cpuid_leaves(uint32_t den, uint32_t num, uint32_t crystal, uint32_t base_mhz,
			     struct clocks *k, const char **why);

#endif
