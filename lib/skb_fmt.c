/*
 * The System Knowledge Base's words (lib/skb.h): conflict kinds by name
 * and sets of cores as text. Apart from lib/skb.c so that a client that
 * only prints what the SKB answers (the shell) does not carry the store.
 */
#include "lib/fmt.h"
#include "lib/skb.h"

static const char *const kind_names[SKB_C_NKINDS] = {
	[SKB_C_APIC_MISMATCH] = "apic_mismatch",
	[SKB_C_NOT_IN_MADT] = "not_in_madt",
	[SKB_C_NO_CPUID] = "no_cpuid",
	[SKB_C_DUPLICATE_APIC] = "duplicate_apic",
	[SKB_C_CPUID] = "cpuid",
	[SKB_C_SRAT_UNKNOWN_APIC] = "srat_unknown_apic",
	[SKB_C_SRAT_DUPLICATE] = "srat_duplicate",
	[SKB_C_SRAT_MISSING_CORE] = "srat_missing_core",
	[SKB_C_SLIT_SIZE] = "slit_size",
	[SKB_C_SLIT_DIAGONAL] = "slit_diagonal",
	[SKB_C_SLIT_ASYMMETRIC] = "slit_asymmetric",
	[SKB_C_SLIT_RANGE] = "slit_range",
};

const char *skb_conflict_name(unsigned kind)
{
	return kind < SKB_C_NKINDS ? kind_names[kind] : "unknown";
}

int skb_fmt_cores(uint64_t cores, char *buf, size_t size)
{
	int len = 0;

	if (size)
		buf[0] = '\0';
	if (!cores)
		return fmt_snprintf(buf, size, "none");
	for (unsigned i = 0; i < SKB_MAX_CORES; i++) {
		if (!(cores >> i & 1))
			continue;
		unsigned j = i;
		while (j + 1 < SKB_MAX_CORES && cores >> (j + 1) & 1)
			j++;
		size_t at = (size_t)len < size ? (size_t)len : size;
		const char *sep = len ? "," : "";
		len += j == i ? fmt_snprintf(buf + at, size - at, "%s%u", sep, i) :
			j == i + 1 ? fmt_snprintf(buf + at, size - at, "%s%u,%u", sep, i, j) :
			fmt_snprintf(buf + at, size - at, "%s%u-%u", sep, i, j);
		i = j;
	}
	return len;
}
