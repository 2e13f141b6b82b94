/*
 * Per-type facts about capabilities: name, fixed object size and CT_*
 * flags, all generated from include/kpi/caps.def so that a new type cannot
 * be added to one table and forgotten in another. Freestanding and free of
 * state: the kernel, the host tests and user programs link it alike.
 * Out-of-range types get "UNKNOWN", size 0 and no flags.
 */
#include <stddef.h>
#include <stdint.h>
#include <kpi/caps.h>
#include "lib/cap.h"

static const char *const type_names[CAP_TYPE_COUNT] = {
#define CAP_TYPE(name, size, flags) #name,
#include <kpi/caps.def>
#undef CAP_TYPE
};

static const uint64_t type_sizes[CAP_TYPE_COUNT] = {
#define CAP_TYPE(name, size, flags) size,
#include <kpi/caps.def>
#undef CAP_TYPE
};

static const unsigned type_flags[CAP_TYPE_COUNT] = {
#define CAP_TYPE(name, size, flags) flags,
#include <kpi/caps.def>
#undef CAP_TYPE
};

const char *cap_type_name(unsigned type)
{
	return type < CAP_TYPE_COUNT ? type_names[type] : "UNKNOWN";
}

uint64_t cap_type_size(unsigned type)
{
	return type < CAP_TYPE_COUNT ? type_sizes[type] : 0;
}

unsigned cap_type_flags(unsigned type)
{
	return type < CAP_TYPE_COUNT ? type_flags[type] : 0;
}

/*
 * Which capabilities may go to another core (usr/monitor/rcap.c), one
 * entry per type with the reason; a type added to caps.def without an
 * entry here has no reason, and the host test type_crossing_rules fails.
 * The kernels share no state: another core's kernel can only make a
 * capability to what it can check without asking, which today is memory
 * in the owner's share proved by an export token (lib/token.h). The rest
 * is kept by the kernel of the core it was made on.
 */
static const struct crossing {
	err_t err;
	const char *why;
} crossings[CAP_TYPE_COUNT] = {
	[CAP_NULL] = { ERR_CAP_EMPTY, "an empty slot names nothing" },
	[CAP_RAM] = { OK, "given, not copied: its owner's monitor takes it and alone retypes it, for every holder" },
	[CAP_FRAME] = { OK, "memory any core can map: its owner's kernel mints a token for the import" },
	[CAP_DEVFRAME] = { ERR_UNSUPPORTED,
			   "device memory is in no core's share, so no kernel mints a token for it" },
	[CAP_CNODE] = { ERR_CAP_CORE_BOUND, "its slots are read and written by its own core's kernel only" },
	[CAP_PML4] = { ERR_CAP_CORE_BOUND, "a page table is walked by its core; spans use EXPORT_VROOT" },
	[CAP_PDPT] = { ERR_CAP_CORE_BOUND, "a page table is walked by its core; spans use EXPORT_VROOT" },
	[CAP_PDIR] = { ERR_CAP_CORE_BOUND, "a page table is walked by its core; spans use EXPORT_VROOT" },
	[CAP_PTABLE] = { ERR_CAP_CORE_BOUND, "a page table is walked by its core; spans use EXPORT_VROOT" },
	[CAP_DISPATCHER] = { ERR_CAP_CORE_BOUND, "a dispatcher is scheduled by its own core's kernel" },
	[CAP_ENDPOINT] = { ERR_CAP_CORE_BOUND, "an endpoint carries messages on its core; cores talk over URPC" },
	[CAP_IRQ] = { ERR_CAP_CORE_BOUND, "an interrupt is delivered to one core's local APIC" },
	[CAP_IOPORT] = { ERR_CAP_CORE_BOUND, "port access is granted by its core's kernel (its I/O bitmap)" },
	[CAP_INFO] = { ERR_CAP_CORE_BOUND, "authority over its core's kernel: each monitor has its own" },
	[CAP_NOTIFY] = { ERR_CAP_CORE_BOUND, "no token proves a doorbell: that core's monitor mints one where needed" },
	[CAP_POWER] = { ERR_CAP_CORE_BOUND, "authority over its core's kernel: each monitor has its own" },
	[CAP_DOORBELL] = { ERR_CAP_CORE_BOUND, "authority over its core's kernel: each monitor has its own" },
	[CAP_EXPORT] = { ERR_CAP_CORE_BOUND, "authority over its core's kernel: each monitor has its own" },
	[CAP_SPAN] = { ERR_CAP_CORE_BOUND, "authority over its core's kernel: each monitor has its own" },
	[CAP_CONSOLE] = { ERR_CAP_CORE_BOUND, "authority over its core's kernel: each monitor has its own" },
};

err_t cap_type_crosses(unsigned type)
{
	if (type >= CAP_TYPE_COUNT || !crossings[type].why)
		return ERR_CAP_WRONG_TYPE;
	return crossings[type].err;
}

const char *cap_type_crossing_why(unsigned type)
{
	return type < CAP_TYPE_COUNT ? crossings[type].why : NULL;
}
