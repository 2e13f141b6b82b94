/*
 * A core's physical frame allocator. It hands out 4 KiB frames from the
 * core's own share (struct memshare) and nothing else, so the memory a core
 * uses is memory no other core will ever be given. Frames are never
 * freed: the kernel allocates only at start-up, then hands the rest of the
 * share to its monitor as RAM capabilities, and every later kernel object
 * is retyped from RAM that a process holds.
 */
#ifndef KERNEL_PMEM_H
#define KERNEL_PMEM_H

#include <stdint.h>
#include <kpi/errors.h>
#include "lib/memshare.h"

struct pmem {
	struct memshare share;	/* copy of this core's share */
	unsigned cur;		/* range being allocated from */
	uint64_t next;		/* next free physical address in r[cur] */
	uint64_t used;		/* bytes handed out */
};

void pmem_init(struct pmem *p, const struct memshare *s);
/* One zeroed 4 KiB frame: its physical address, or 0 when the share is spent. */
uint64_t pmem_alloc(struct pmem *p);
/* `n` physically contiguous zeroed frames, or 0. */
uint64_t pmem_alloc_contig(struct pmem *p, unsigned n);
uint64_t pmem_free_bytes(const struct pmem *p);
/* Hands everything not yet allocated to the caller (up to `max` ranges,
 * page-aligned) and leaves the allocator empty: at the end of boot the rest
 * of the share becomes the monitor's RAM capabilities. */
unsigned pmem_take_rest(struct pmem *p, struct mem_range *out, unsigned max);

#endif
