/*
 * Per-type facts about capabilities: name, fixed object size and CT_*
 * flags, all generated from include/kpi/caps.def so that a new type cannot
 * be added to one table and forgotten in another. Freestanding and free of
 * state: the kernel, the host tests and user programs link it alike.
 * Out-of-range types get "UNKNOWN", size 0 and no flags.
 */
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
