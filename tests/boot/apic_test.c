/*
 * Boot tests: every core's local APIC runs in the mode the bootstrap core
 * picked (docs/clocks.md), and that mode is the one CPUID asks for:
 * x2APIC exactly where the CPU offers it. The APIC's own id register,
 * read through the mode's interface (an MSR in x2APIC mode, the memory
 * page in xAPIC mode), must name the core the kernel thinks it is on.
 */
#include "kernel/core.h"
#include "tests/boot/ktest.h"
#include "kernel/machine.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/lapic.h"

#define APIC_BASE_EXTD	(1ull << 10)
#define APIC_BASE_EN	(1ull << 11)

TEST(apic_mode_is_x2apic_exactly_where_cpuid_offers_it)
{
	bool has = lapic_cpu_has_x2apic();

	if (machine.x2apic != has)
		FAIL("the kernel runs the APIC in %s mode, but CPUID.1:ECX bit 21 is %s",
		     machine.x2apic ? "x2APIC" : "xAPIC", has ? "set" : "clear");
}

TEST_EACH_CORE(apic_on_in_the_picked_mode_with_the_right_id, 1)
{
	struct core *c = this_core();
	uint64_t base = rdmsr(MSR_APIC_BASE);

	if (!(base & APIC_BASE_EN))
		FAIL("core %u: its local APIC is not enabled (APIC_BASE 0x%llx)", c->id,
		     (unsigned long long)base);
	if (!!(base & APIC_BASE_EXTD) != machine.x2apic)
		FAIL("core %u: APIC_BASE 0x%llx says %s mode, the kernel picked %s", c->id,
		     (unsigned long long)base, base & APIC_BASE_EXTD ? "x2APIC" : "xAPIC",
		     machine.x2apic ? "x2APIC" : "xAPIC");
	if (lapic_id() != c->apic_id)
		FAIL("core %u: its APIC id register says %u, the kernel has %u", c->id,
		     lapic_id(), c->apic_id);
}
