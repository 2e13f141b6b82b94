/*
 * Host versions of the three hooks lib/cap.c needs (see cap_hooks.h). The
 * arena is allocated once and never freed; a physical address outside it
 * is a bug in the caller, so it aborts rather than returning a pointer
 * that the sanitizers might not catch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/host/cap_hooks.h"

struct cap_hook_counts cap_hook_counts;
void (*cap_hook_delete_fn)(struct cte *c, bool last);
void (*cap_hook_created_fn)(struct cte *c);

static uint8_t *arena;

uint8_t *cap_arena(void)
{
	if (!arena) {
		arena = aligned_alloc(4096, CAP_ARENA_SIZE);
		if (!arena) {
			fprintf(stderr, "cap_hooks: cannot allocate the arena\n");
			abort();
		}
		memset(arena, 0, CAP_ARENA_SIZE);
	}
	return arena;
}

uint64_t cap_ptr_to_phys(const void *p)
{
	return (uint64_t)((const uint8_t *)p - cap_arena());
}

void cap_hooks_reset(void)
{
	memset(&cap_hook_counts, 0, sizeof(cap_hook_counts));
	cap_hook_delete_fn = NULL;
	cap_hook_created_fn = NULL;
}

void cap_arena_reset(void)
{
	cap_hooks_reset();
	memset(cap_arena(), 0, CAP_ARENA_SIZE);
}

void *cap_phys_to_ptr(uint64_t pa)
{
	if (pa >= CAP_ARENA_SIZE) {
		fprintf(stderr, "cap_phys_to_ptr: 0x%llx is outside the arena\n",
			(unsigned long long)pa);
		abort();
	}
	return cap_arena() + pa;
}

void cap_hook_delete(struct cte *c, bool last)
{
	cap_hook_counts.deletes++;
	if (last)
		cap_hook_counts.last_deletes++;
	if (cap_hook_delete_fn)
		cap_hook_delete_fn(c, last);
}

void cap_hook_created(struct cte *c)
{
	cap_hook_counts.created++;
	if (cap_hook_created_fn)
		cap_hook_created_fn(c);
}
