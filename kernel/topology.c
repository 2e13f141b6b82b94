/*
 * INFO_TOPOLOGY: the machine as this kernel found it at boot (struct
 * kpi_topo, kpi/topology.h), for the System Knowledge Base. Only the
 * kernel read the ACPI tables, so only it can say what they held; it says
 * it as read, and the SKB judges (lib/skb.c). Everything comes from
 * `machine` and the tables it points at, which are read-only after boot,
 * so any core answers the same.
 *
 * The record is some 6 KiB, too big for a kernel stack: it is written
 * into the caller's buffer field by field. A buffer too small is refused
 * before anything is written (ERR_TRUNCATED); one that is not the
 * caller's writable memory gives ERR_BAD_ADDRESS, and what was written
 * into it before the bad page is to be ignored.
 */
#include <stddef.h>
#include <kpi/topology.h>
#include "kernel/machine.h"
#include "kernel/topology.h"
#include "kernel/vspace.h"

_Static_assert(TOPO_MAX_CORES == MAX_CORES, "every core fits");
_Static_assert(TOPO_MAX_APICS == ACPI_MAX_CORES, "every MADT and SRAT entry fits");
_Static_assert(TOPO_MAX_NODES == ACPI_MAX_NODES, "every node fits");
_Static_assert(TOPO_MAX_MEM == ACPI_MAX_MEMAFF, "every memory entry fits");

#define PUT(field, value)						\
	do {								\
		typeof(((struct kpi_topo *)0)->field) v_ = (value);	\
		err_t e_ = user_copy_out(u + offsetof(struct kpi_topo, field), &v_, sizeof(v_)); \
		if (e_)							\
			return e_;					\
	} while (0)

static err_t put_tables(uint64_t u, const struct acpi_info *a)
{
	uint32_t nnodes = a->has_srat ? a->nnodes : 0;

	PUT(nmadt, a->ncores);
	for (unsigned i = 0; i < a->ncores; i++)
		PUT(madt_apic[i], a->cores[i].apic_id);
	PUT(nnodes, nnodes);
	for (unsigned i = 0; i < nnodes; i++)
		PUT(node_domain[i], a->node_domain[i]);
	PUT(nsrat_cpus, a->has_srat ? a->nsrat_cpus : 0);
	for (unsigned i = 0; a->has_srat && i < a->nsrat_cpus; i++)
		PUT(srat_cpu[i], ((struct topo_srat_cpu){ a->srat_cpus[i].apic_id,
							  a->srat_cpus[i].node }));
	PUT(nmem, a->has_srat ? a->nmemaff : 0);
	for (unsigned i = 0; a->has_srat && i < a->nmemaff; i++)
		PUT(mem[i], ((struct topo_mem){ a->memaff[i].base, a->memaff[i].len,
						a->memaff[i].node, a->memaff[i].hotplug }));
	PUT(slit_localities, a->has_slit ? (uint32_t)a->slit_localities : 0);
	for (unsigned i = 0; i < TOPO_MAX_NODES; i++) {
		uint8_t row[TOPO_MAX_NODES];
		for (unsigned j = 0; j < TOPO_MAX_NODES; j++)
			row[j] = a->dist[i][j];
		err_t err = user_copy_out(u + offsetof(struct kpi_topo, dist[i]), row, sizeof(row));
		if (err)
			return err;
	}
	return OK;
}

err_t topology_copy_out(uint64_t u, uint64_t size)
{
	const struct acpi_info *a = machine.acpi;	/* NULL: no usable MADT */
	uint32_t flags = 0;
	err_t err;

	if (size < sizeof(struct kpi_topo))
		return ERR_TRUNCATED;
	/* Zeros first: every count and array the tables do not fill. */
	static const uint8_t zeros[512];
	for (size_t off = 0; off < sizeof(struct kpi_topo); off += sizeof(zeros)) {
		size_t n = sizeof(struct kpi_topo) - off;
		if ((err = user_copy_out(u + off, zeros, n < sizeof(zeros) ? n : sizeof(zeros))))
			return err;
	}
	if (a)
		flags = TOPO_ACPI | TOPO_MADT | (a->has_srat ? TOPO_SRAT : 0) |
			(a->has_slit ? TOPO_SLIT : 0);
	PUT(flags, flags);
	PUT(ncores, machine.ncores);
	PUT(ncores_found, machine.ncores_found);
	PUT(mem_usable, memmap_total(&machine.usable));
	for (unsigned i = 0; i < machine.ncores; i++)
		PUT(core_apic[i], machine.cores[i].apic_id);
	return a ? put_tables(u, a) : OK;
}
