/*
 * What INFO_TOPOLOGY copies out (kpi/caps.h): the machine as the kernel
 * found it at boot, from the ACPI tables (MADT, SRAT, SLIT) and from its
 * own choices (which cores it started, in which order). Nothing here is
 * checked against anything else: the System Knowledge Base (usr/skb,
 * lib/skb.h) does that, against what each core says about itself (CPUID)
 * and table against table, and reports what disagrees (docs/skb.md).
 *
 * Nodes are dense indices 0..nnodes-1 in the order the SRAT first names
 * their proximity domains (node_domain[i] is node i's domain), as
 * lib/acpi.c numbers them; dist[][] is indexed by them, as read from the
 * SLIT where the SLIT covers both domains, 10 on the diagonal and 20
 * elsewhere otherwise.
 */
#ifndef KPI_TOPOLOGY_H
#define KPI_TOPOLOGY_H

#include <stdint.h>

#define TOPO_MAX_CORES		64	/* = MAX_CORES (kernel/config.h) */
#define TOPO_MAX_APICS		256	/* = ACPI_MAX_CORES (lib/acpi.h) */
#define TOPO_MAX_NODES		16	/* = ACPI_MAX_NODES */
#define TOPO_MAX_MEM		64	/* = ACPI_MAX_MEMAFF */

/* flags: which tables were there. */
#define TOPO_ACPI		0x1u	/* the kernel used ACPI: an RSDP, a root table
					 * and a MADT with at least one enabled core
					 * (without them it starts the bootstrap core
					 * alone, and nothing below is filled in) */
#define TOPO_MADT		0x2u	/* (always with TOPO_ACPI) */
#define TOPO_SRAT		0x4u
#define TOPO_SLIT		0x8u

/* An enabled SRAT processor entry: the APIC id it names and its node. */
struct topo_srat_cpu {
	uint32_t apic_id;
	uint32_t node;
};

/* An enabled SRAT memory entry. */
struct topo_mem {
	uint64_t base, len;
	uint32_t node;
	uint32_t hotplug;	/* 1: hot-pluggable */
};

struct kpi_topo {
	uint32_t flags;			/* TOPO_* */
	uint32_t ncores;		/* cores the kernel started: core ids 0..ncores-1 */
	uint32_t ncores_found;		/* enabled cores the MADT lists (M of "cores
					 * online: N/M"), the bootstrap core included */
	uint32_t reserved;		/* 0 */
	uint64_t mem_usable;		/* bytes of usable memory (the boot loader's
					 * map less what boot reserved) */
	uint32_t core_apic[TOPO_MAX_CORES];	/* the APIC id the kernel started
						 * each core with (core 0: CPUID's) */
	uint32_t nmadt;			/* enabled MADT entries in madt_apic[] */
	uint32_t madt_apic[TOPO_MAX_APICS];	/* MADT order */
	uint32_t nnodes;		/* proximity domains the SRAT names; 0 without */
	uint32_t node_domain[TOPO_MAX_NODES];
	uint32_t nsrat_cpus;		/* enabled SRAT processor entries in srat_cpu[] */
	struct topo_srat_cpu srat_cpu[TOPO_MAX_APICS];
	uint32_t nmem;			/* enabled SRAT memory entries in mem[] */
	struct topo_mem mem[TOPO_MAX_MEM];
	uint32_t slit_localities;	/* the SLIT's N (N x N); 0 without a SLIT */
	uint8_t dist[TOPO_MAX_NODES][TOPO_MAX_NODES];
};

#endif
