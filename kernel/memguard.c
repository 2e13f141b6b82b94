/*
 * What a CPU driver may write (see memguard.h): its own share, and, while
 * cores start, the start-up pages. The page tables are built from this
 * (kernel/arch/x86_64/paging.c); tests/boot/memguard_test.c checks the
 * tables against the rule independently, and makes kernels write where
 * they must not.
 */
#include "kernel/arch.h"
#include "kernel/core.h"
#include "kernel/machine.h"
#include "kernel/memguard.h"

unsigned memguard_writable(const struct core *c, bool booted, struct mem_range *out)
{
	const struct memshare *s = &machine.share[c->id];
	unsigned n = 0;

	/* The core that starts the others keeps the start-up pages; a core
	 * being started needs them until it has checked in. They lie below
	 * 1 MiB, which no share reaches (lib/memmap.c), so they come first. */
	if (c->id == 0 || !booted) {
		arch_start_pages(&out[0].base, &out[0].len);
		out[0].kind = MEM_RESERVED;
		n = out[0].len != 0;
	}
	for (unsigned i = 0; i < s->n; i++)
		out[n++] = s->r[i];
	return n;
}

bool memguard_handoff_writable(const struct core *c, bool booted)
{
	return c->id == 0 && !booted;
}

bool memguard_owns(const struct core *c, uint64_t pa, uint64_t len)
{
	const struct memshare *s = &machine.share[c->id];

	for (unsigned i = 0; i < s->n; i++)
		if (pa >= s->r[i].base && len <= s->r[i].len && pa - s->r[i].base <= s->r[i].len - len)
			return true;
	return false;
}
