/*
 * The sibling-list invariant of the capability tree, checked by both
 * capability fuzzers (fuzz_cap_check.c over lib/cap.c, fuzz_invoke_check.c
 * over the kernel's system calls): the copies of one object are adjacent
 * siblings (cap_is_last() relies on it), and different objects do not
 * overlap. Each caller turns a problem into its own kind of failure.
 */
#ifndef TESTS_FUZZ_CAP_SIBLINGS_H
#define TESTS_FUZZ_CAP_SIBLINGS_H

#include <stdint.h>
#include <stdlib.h>
#include "lib/cap.h"

struct cap_sibling {			/* one sibling, for sorting a list */
	uint64_t base, size;
	uint32_t idx;
	uint8_t type;
};

__attribute__((no_sanitize("coverage")))
static inline int cap_sibling_cmp(const void *a, const void *b)
{
	const struct cap_sibling *x = a, *y = b;

	if (x->base != y->base)
		return x->base < y->base ? -1 : 1;
	if (x->size != y->size)
		return x->size < y->size ? -1 : 1;
	return (int)x->type - (int)y->type;
}

/* NULL if the list from `head` holds, else what is wrong; `ents` has room
 * for every sibling of the list. */
__attribute__((no_sanitize("coverage")))
static inline const char *cap_siblings_problem(const struct cte *head, struct cap_sibling *ents)
{
	unsigned n = 0, g;
	uint64_t end = 0;

	for (const struct cte *c = head; c; c = c->next, n++)
		ents[n] = (struct cap_sibling){ c->cap.base, c->cap.size, n, c->cap.type };
	qsort(ents, n, sizeof(ents[0]), cap_sibling_cmp);
	for (unsigned i = 0; i < n; i = g) {
		uint32_t lo = ents[i].idx, hi = ents[i].idx;

		for (g = i + 1; g < n && !cap_sibling_cmp(&ents[g], &ents[i]); g++) {
			lo = ents[g].idx < lo ? ents[g].idx : lo;
			hi = ents[g].idx > hi ? ents[g].idx : hi;
		}
		if (hi - lo != g - i - 1)
			return "copies of one object are not adjacent siblings";
		if (ents[i].size && ents[i].base < end)
			return "siblings overlap";
		if (ents[i].base + ents[i].size > end)
			end = ents[i].base + ents[i].size;
	}
	return NULL;
}

#endif
