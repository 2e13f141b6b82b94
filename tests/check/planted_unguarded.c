/*
 * A deliberate break of the multikernel invariant in hardware, for the
 * test that proves tests/boot/memguard_test.c catches one: this replaces
 * kernel/memguard.c in build/flotilla-unguarded.bin, a kernel whose
 * direct map is writable everywhere and whose boot hand-off stays
 * writable, as every kernel was before memguard. Never linked into a
 * kernel that boots for anything but that test.
 */
#include "kernel/core.h"
#include "kernel/machine.h"
#include "kernel/memguard.h"

unsigned memguard_writable(const struct core *c, bool booted, struct mem_range *out)
{
	out[0] = (struct mem_range){ .base = 0, .len = machine.phys_top, .kind = MEM_USABLE };
	return 1;
}

bool memguard_handoff_writable(const struct core *c, bool booted)
{
	return true;
}

bool memguard_owns(const struct core *c, uint64_t pa, uint64_t len)
{
	return true;
}
