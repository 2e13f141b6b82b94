/*
 * Address-to-name lookup over the table tools/gensyms.py generates. The
 * table is sorted by address with one entry per address, so a binary search
 * finds the last symbol at or below the address. A symbol of size 0 has an
 * unknown end and is taken to reach the next symbol; one with a size covers
 * exactly [addr, addr + size). Read-only, so any core may call this at any
 * time, including from a fault handler.
 */
#include <stddef.h>
#include <stdint.h>
#include "lib/ksyms.h"

/* Index of the last entry with addr <= `addr`, or -1 if there is none. */
static int64_t last_at_or_below(const struct ksym_table *t, uint64_t addr)
{
	uint32_t lo = 0, hi = t->n;	/* answer is in [lo - 1, hi - 1] */

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (t->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (int64_t)lo - 1;
}

const char *ksym_lookup(const struct ksym_table *t, uint64_t addr, uint64_t *offset)
{
	const struct ksym *s;
	int64_t i;

	if (!t || t->n == 0)
		return NULL;
	i = last_at_or_below(t, addr);
	if (i < 0)
		return NULL;
	s = &t->syms[i];
	if (s->size != 0 && addr - s->addr >= s->size)
		return NULL;
	if (offset)
		*offset = addr - s->addr;
	return t->names + s->name;
}
