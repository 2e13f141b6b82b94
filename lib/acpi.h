/*
 * ACPI tables that describe the machine's topology: RSDP, RSDT/XSDT, MADT
 * (the cores and I/O APICs), SRAT (which core and which memory belong to
 * which NUMA node) and SLIT (the distances between nodes). The parser reads
 * only through a struct boot_io and checks every length and checksum, so
 * garbage tables give errors, never wild reads.
 */
#ifndef LIB_ACPI_H
#define LIB_ACPI_H

#include <stdbool.h>
#include <stdint.h>
#include <kpi/errors.h>
#include "lib/bootio.h"

#define ACPI_MAX_CORES		256	/* the parser's limit; the kernel's may be lower */
#define ACPI_MAX_NODES		16
#define ACPI_MAX_MEMAFF		64
#define ACPI_MAX_IOAPICS	8

struct acpi_core {
	uint32_t apic_id;
	uint32_t uid;		/* ACPI processor UID */
	uint32_t node;		/* dense node index (0..nnodes-1); 0 without SRAT */
	bool x2apic;		/* came from a type 9 (x2APIC) MADT entry */
};

struct acpi_memaff {
	uint64_t base, len;
	uint32_t node;		/* dense node index */
	bool hotplug;
};

struct acpi_ioapic {
	uint32_t id;
	uint64_t pa;
	uint32_t gsi_base;
};

struct acpi_info {
	uint64_t rsdp_pa;
	uint8_t revision;	/* RSDP revision: 0 = ACPI 1.0 (RSDT only) */
	bool used_xsdt;

	bool has_madt;
	uint64_t lapic_pa;	/* local APIC base (MADT, or type 5 override) */
	unsigned ncores;	/* enabled cores recorded in cores[] */
	unsigned ncores_dropped;/* enabled cores beyond ACPI_MAX_CORES */
	unsigned ncores_disabled;/* entries present but not enabled (skipped) */
	struct acpi_core cores[ACPI_MAX_CORES];	/* MADT order */
	unsigned nioapic;
	struct acpi_ioapic ioapic[ACPI_MAX_IOAPICS];

	bool has_srat;
	unsigned nnodes;	/* >= 1 when has_srat, else 1 */
	uint32_t node_domain[ACPI_MAX_NODES];	/* proximity domain of each node */
	unsigned nmemaff;
	struct acpi_memaff memaff[ACPI_MAX_MEMAFF];	/* enabled entries only */

	bool has_slit;
	uint8_t dist[ACPI_MAX_NODES][ACPI_MAX_NODES];	/* by node index; 10 = local */
};

/*
 * Finds the RSDP the way a PC BIOS leaves it: the first KiB of the EBDA
 * (segment read from physical 0x40E), then 0xE0000-0xFFFFF, on 16-byte
 * boundaries; the 20-byte checksum must hold, and for revision >= 2 also
 * the extended checksum. ERR_NOT_FOUND if there is none.
 */
err_t acpi_find_rsdp(const struct boot_io *io, uint64_t *rsdp_pa);

/*
 * Reads the tables reached from the RSDP at `rsdp_pa` (the XSDT when the
 * revision is >= 2 and its address is non-zero, else the RSDT). A table with
 * a bad checksum or a length that runs past what is readable is skipped with
 * a warning. A missing MADT is not an error: has_madt stays false and ncores
 * 0, and the caller decides. Without a SRAT every core and all memory are
 * node 0 and nnodes is 1; without a SLIT, dist is 10 on the diagonal and 20
 * elsewhere. Errors: ERR_BAD_CHECKSUM / ERR_TRUNCATED for the RSDP or root
 * table itself.
 */
err_t acpi_parse(const struct boot_io *io, uint64_t rsdp_pa, struct acpi_info *out);

#endif
