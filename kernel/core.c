/*
 * Setting up a core's private state. Whichever core runs core_init() builds
 * its own struct core, kernel stack and fault stack from its own share of
 * memory: nothing here is allocated by one core for another. The struct is
 * reached through the direct map, and the core's GS base points at it, so
 * this_core() is one instruction.
 */
#include "kernel/trace.h"
#include "lib/string.h"
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/core.h"
#include "kernel/machine.h"

_Static_assert(__builtin_offsetof(struct core, user_rsp) == GS_USER_RSP, "entry.S");
_Static_assert(__builtin_offsetof(struct core, kstack_top) == GS_KSTACK_TOP, "entry.S");

#define PAGES(bytes)	((unsigned)(((bytes) + PAGE_SIZE - 1) / PAGE_SIZE))

struct core *core_init(unsigned id)
{
	struct pmem pmem;
	struct core *c;
	uint64_t pa;

	pmem_init(&pmem, &machine.share[id]);
	pa = pmem_alloc_contig(&pmem, PAGES(sizeof(struct core)));
	if (!pa)
		panic("core %u: share too small for struct core", id);
	c = phys_to_virt(pa);
	c->self = c;
	c->id = id;
	c->apic_id = machine.cores[id].apic_id;
	c->node = machine.share[id].node;
	c->start_tsc = arch_timestamp();

	pa = pmem_alloc_contig(&pmem, PAGES(KSTACK_SIZE));
	c->kstack_top = pa ? (uintptr_t)phys_to_virt(pa) + KSTACK_SIZE : 0;
	pa = pmem_alloc_contig(&pmem, PAGES(IST_STACK_SIZE));
	c->ist_top = pa ? (uintptr_t)phys_to_virt(pa) + IST_STACK_SIZE : 0;
	if (!c->kstack_top || !c->ist_top)
		panic("core %u: share too small for stacks", id);
	c->pmem = pmem;		/* from here on, allocate through c->pmem */
	ktrace_init(c);
	arch_set_this_core(c);
	return c;
}
