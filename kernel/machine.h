/*
 * What the bootstrap core learned about the machine before starting the
 * other cores: the cores (from the ACPI MADT), their NUMA nodes (SRAT), the
 * usable memory (Multiboot map) and how it is split into one share per core,
 * the clock rates, the command line. The bootstrap core writes it once, in
 * machine_discover(); from the moment the first other core starts it is
 * read-only, and every core may read it (boot hand-off).
 */
#ifndef KERNEL_MACHINE_H
#define KERNEL_MACHINE_H

#include <stdbool.h>
#include <stdint.h>
#include <kpi/caps.h>
#include "kernel/config.h"
#include "lib/acpi.h"
#include "lib/memmap.h"
#include "lib/memshare.h"
#include "lib/multiboot.h"

struct core_desc {
	uint32_t apic_id;
	uint32_t node;
};

struct machine {
	unsigned ncores_found;		/* enabled cores in the MADT (M) */
	unsigned ncores;		/* cores this kernel will start */
	struct core_desc cores[MAX_CORES];	/* index = core id; 0 = bootstrap core */
	unsigned nnodes;
	const struct acpi_info *acpi;	/* the parsed tables (NULL without ACPI) */

	struct memmap raw;		/* the boot loader's map */
	struct memmap usable;		/* usable memory after reservations */
	struct memshare share[MAX_CORES];
	uint64_t phys_top;		/* end of the highest mapped physical range */

	uint64_t lapic_pa;
	uint64_t tsc_hz;
	uint64_t lapic_timer_hz;	/* local APIC timer input clock after divide */

	/* The monitors' channel mesh (boot_user_mesh_reserve): frames taken
	 * out of the usable memory before it is split, so no core's share
	 * holds them; every monitor maps them all. */
	struct mem_range mesh[MESH_MAX_FRAMES];
	unsigned nmesh;

	char cmdline[MB_CMDLINE_MAX];
	unsigned maxcores;		/* from maxcores=, else MAX_CORES */
};

extern struct machine machine;

/* Reads Multiboot and ACPI, decides how many cores to start and splits
 * memory. Returns only if the machine can boot (at least the bootstrap
 * core); otherwise it says why and halts. */
void machine_discover(uint32_t mb_magic, uint64_t mb_info_pa);

/* The value of `key=` on the command line (copied into buf), or false. */
bool cmdline_get(const char *key, char *buf, unsigned size);

#endif
