/*
 * Boot tests: each core's share of memory is its own (no two shares
 * overlap), the shares together are exactly the usable memory, and each core
 * really runs on its share: its struct core, its stack and the frames it
 * allocates all lie inside it, and they hold what is written to them.
 */
#include "lib/memshare.h"
#include "kernel/arch.h"
#include "kernel/core.h"
#include "tests/boot/ktest.h"
#include "kernel/machine.h"

TEST(memory_shares_disjoint_and_cover_usable)
{
	uint64_t sum = 0;
	err_t err = memshare_check(&machine.usable, machine.share, machine.ncores);

	if (err)
		FAIL("memshare_check: %s", err_name(err));
	/* Independently of the library: pairwise disjoint, totals add up. */
	for (unsigned a = 0; a < machine.ncores; a++) {
		sum += machine.share[a].total;
		for (unsigned b = a + 1; b < machine.ncores; b++)
			for (unsigned i = 0; i < machine.share[a].n; i++)
				for (unsigned j = 0; j < machine.share[b].n; j++) {
					const struct mem_range *x = &machine.share[a].r[i];
					const struct mem_range *y = &machine.share[b].r[j];
					if (x->base < y->base + y->len && y->base < x->base + x->len)
						FAIL("shares of cores %u and %u overlap at 0x%llx", a, b,
						     (unsigned long long)x->base);
				}
	}
	if (sum != memmap_total(&machine.usable))
		FAIL("shares hold %llu bytes, usable memory is %llu", (unsigned long long)sum,
		     (unsigned long long)memmap_total(&machine.usable));
}

static bool in_share(const struct memshare *s, uint64_t pa, uint64_t len)
{
	for (unsigned i = 0; i < s->n; i++)
		if (pa >= s->r[i].base && pa + len <= s->r[i].base + s->r[i].len)
			return true;
	return false;
}

TEST_EACH_CORE(each_core_uses_only_its_own_memory, 1)
{
	struct core *c = this_core();
	const struct memshare *s = &machine.share[c->id];
	uint64_t core_pa = (uint64_t)(uintptr_t)c - PHYSMAP_BASE;
	uint64_t stack_pa = c->kstack_top - KSTACK_SIZE - PHYSMAP_BASE;
	uint64_t frame = pmem_alloc(&c->pmem);

	if (!in_share(s, core_pa, sizeof(*c)))
		FAIL("core %u: struct core at 0x%llx is outside its share", c->id,
		     (unsigned long long)core_pa);
	else if (!in_share(s, stack_pa, KSTACK_SIZE))
		FAIL("core %u: kernel stack outside its share", c->id);
	else if (!in_share(s, c->pml4_pa, PAGE_SIZE))
		FAIL("core %u: page tables outside its share", c->id);
	else if (!frame || !in_share(s, frame, PAGE_SIZE))
		FAIL("core %u: allocated frame 0x%llx is outside its share", c->id,
		     (unsigned long long)frame);
	volatile uint64_t *p = phys_to_virt(frame);
	for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
		p[i] = frame ^ ((uint64_t)i * 0x9E3779B97F4A7C15ull) ^ c->id;
	for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
		if (p[i] != (frame ^ ((uint64_t)i * 0x9E3779B97F4A7C15ull) ^ c->id))
			FAIL("core %u: frame 0x%llx does not hold what was written", c->id,
			     (unsigned long long)frame);
}

/* With a SRAT, every byte of a core's share must lie in a memory range that
 * the SRAT gives to that core's node. */
TEST(memory_shares_are_on_their_cores_nodes)
{
	const struct acpi_info *a = machine.acpi;

	if (!a || !a->has_srat)
		SKIP("no SRAT: the machine has one NUMA node");
	for (unsigned i = 0; i < machine.ncores; i++) {
		const struct memshare *s = &machine.share[i];
		if (s->node != machine.cores[i].node)
			FAIL("core %u is on node %u but its share is on node %u", i,
			     machine.cores[i].node, s->node);
		for (unsigned j = 0; j < s->n; j++) {
			bool local = false;
			for (unsigned k = 0; k < a->nmemaff; k++) {
				const struct acpi_memaff *m = &a->memaff[k];
				if (m->node == s->node && s->r[j].base >= m->base &&
				    s->r[j].base + s->r[j].len <= m->base + m->len)
					local = true;
			}
			if (!local)
				FAIL("core %u: share range at 0x%llx is not on node %u", i,
				     (unsigned long long)s->r[j].base, s->node);
		}
	}
}
