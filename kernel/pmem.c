/*
 * Per-core frame allocator: a bump pointer over the core's share. It runs
 * only on the core that owns the share, so it needs no lock. Frames are
 * zeroed through the direct map before they are handed out.
 */
#include "lib/string.h"
#include "kernel/arch.h"
#include "kernel/pmem.h"

void pmem_init(struct pmem *p, const struct memshare *s)
{
	p->share = *s;
	p->cur = 0;
	p->next = s->n ? s->r[0].base : 0;
	p->used = 0;
}

uint64_t pmem_alloc_contig(struct pmem *p, unsigned n)
{
	uint64_t bytes = (uint64_t)n * PAGE_SIZE;

	while (p->cur < p->share.n) {
		const struct mem_range *r = &p->share.r[p->cur];
		if (r->base + r->len - p->next >= bytes) {
			uint64_t pa = p->next;
			p->next += bytes;
			p->used += bytes;
			memset(phys_to_virt(pa), 0, bytes);
			return pa;
		}
		/* The rest of this range is too small: move on (its tail is
		 * lost to contiguous requests only; single frames rarely hit
		 * this because ranges are page multiples). */
		if (++p->cur < p->share.n)
			p->next = p->share.r[p->cur].base;
	}
	return 0;
}

uint64_t pmem_alloc(struct pmem *p)
{
	return pmem_alloc_contig(p, 1);
}

uint64_t pmem_free_bytes(const struct pmem *p)
{
	uint64_t free = 0;

	if (p->cur >= p->share.n)
		return 0;
	free = p->share.r[p->cur].base + p->share.r[p->cur].len - p->next;
	for (unsigned i = p->cur + 1; i < p->share.n; i++)
		free += p->share.r[i].len;
	return free;
}

unsigned pmem_take_rest(struct pmem *p, struct mem_range *out, unsigned max)
{
	unsigned n = 0;

	for (; p->cur < p->share.n && n < max; p->cur++) {
		const struct mem_range *r = &p->share.r[p->cur];
		uint64_t end = r->base + r->len;
		if (p->next < end) {
			out[n].base = p->next;
			out[n].len = end - p->next;
			out[n].kind = r->kind;
			n++;
		}
		if (p->cur + 1 < p->share.n)
			p->next = p->share.r[p->cur + 1].base;
	}
	p->cur = p->share.n;		/* nothing more to hand out */
	return n;
}
