/* The kernel's event trace (trace.h, docs/trace.md). */
#include "kernel/trace.h"
#include "kernel/arch.h"
#include "kernel/pmem.h"
#include "lib/memmap.h"
#include "lib/cmdline.h"
#include "lib/string.h"
#include "kernel/machine.h"

void ktrace_init(struct core *c)
{
	char value[8];
	unsigned order = KTRACE_ORDER_MAX;
	uint64_t pa, pages;

	if (cmdline_find(machine.cmdline, "trace", value, sizeof(value)) == OK &&
	    !strcmp(value, "off"))
		return;
	while (order > KTRACE_ORDER_MIN && TRACE_RING_BYTES(order) > c->pmem.share.total / 32)
		order--;
	pages = (TRACE_RING_BYTES(order) + PAGE_SIZE - 1) / PAGE_SIZE;
	pa = pmem_alloc_contig(&c->pmem, (unsigned)pages);
	if (!pa)
		return;
	if (trace_ring_init(phys_to_virt(pa), pages * PAGE_SIZE) != OK)
		return;
	c->trace = phys_to_virt(pa);
	c->trace_pa = pa;
	c->trace_bytes = pages * PAGE_SIZE;
}
