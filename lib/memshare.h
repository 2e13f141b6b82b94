/*
 * Splitting the machine's usable memory into one share per core. Every core
 * runs its own kernel on its own memory; this is where "its own" is decided.
 * Memory is split per NUMA node among the cores of that node, so each
 * core's share is local to it when ACPI describes the nodes.
 */
#ifndef LIB_MEMSHARE_H
#define LIB_MEMSHARE_H

#include <stdint.h>
#include <kpi/errors.h>
#include "lib/acpi.h"
#include "lib/memmap.h"

#define SHARE_MAX_RANGES	8

struct memshare {
	uint32_t node;		/* the node of the core that owns it */
	unsigned n;
	uint64_t total;		/* sum of r[].len */
	struct mem_range r[SHARE_MAX_RANGES];	/* sorted, disjoint, page-aligned, kind MEM_USABLE */
};

struct numa_view {
	unsigned nnodes;			/* >= 1 */
	const struct acpi_memaff *aff;		/* which node owns which range; may be NULL */
	unsigned naff;
	const uint8_t (*dist)[ACPI_MAX_NODES];	/* node distances; may be NULL */
};

/*
 * Splits `usable` (a list made by memmap_usable) into `ncores` shares.
 * core_node[i] is core i's node (< numa->nnodes). A byte belongs to the node
 * whose affinity range covers it; bytes no range covers, and the memory of a
 * node with no cores, go to the nearest node that has cores (smallest
 * distance, ties to the lowest index; without distances, the lowest-indexed
 * node with cores). Inside a node, memory is walked in address order and cut
 * into consecutive pieces as equal as page granularity allows (the first
 * `pages % cores` cores get one page more), cores taken in index order.
 * Afterwards the shares are pairwise disjoint and their union is exactly
 * `usable`. Errors: ERR_INVALID_ARG (ncores 0, a core_node out of range),
 * ERR_NO_MEMORY (some core would get no page), ERR_TOO_MANY (a share needs
 * more than SHARE_MAX_RANGES ranges).
 */
err_t memshare_split(const struct memmap *usable, const struct numa_view *numa,
		     const uint32_t *core_node, unsigned ncores, struct memshare *out);

/*
 * Checks what memshare_split promises: each share sorted, page-aligned,
 * non-empty, totals right, shares pairwise disjoint, union == usable.
 * OK, or ERR_OVERLAP (two shares overlap, or a share leaves `usable`), or
 * ERR_INVALID_ARG (usable memory not covered, misaligned or bad totals).
 */
err_t memshare_check(const struct memmap *usable, const struct memshare *s, unsigned n);

#endif
