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
	uint64_t pa;

	if (cmdline_find(machine.cmdline, "trace", value, sizeof(value)) == OK &&
	    !strcmp(value, "off"))
		return;
	pa = pmem_alloc_contig(&c->pmem, KTRACE_PAGES);
	if (!pa)
		return;
	if (trace_ring_init(phys_to_virt(pa), KTRACE_PAGES * PAGE_SIZE) != OK)
		return;
	c->trace = phys_to_virt(pa);
	c->trace_pa = pa;
}
