/*
 * The fixtures of the capability tests: cap_fixture.h says what they are.
 */
#include <stdint.h>
#include <string.h>
#include "cap_fixture.h"
#include "cap_hooks.h"

struct cte boot[8];
struct cte S[NSLOTS];

struct cap mkcap(unsigned type, uint8_t rights, uint64_t base, uint64_t size)
{
	struct cap c = { .type = (uint8_t)type, .rights = rights, .base = base, .size = size };

	return c;
}

/* Zeroed arena and slots, and RAM [RAM_BASE, +RAM_SIZE) in boot[0]. */
struct cte *setup(void)
{
	struct cap ram = mkcap(CAP_RAM, CAP_RIGHTS_ALL, RAM_BASE, RAM_SIZE);

	cap_arena_reset();
	memset(boot, 0, sizeof(boot));
	memset(S, 0, sizeof(S));
	cap_install_root(&boot[0], &ram);
	return &boot[0];
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

/* Everything a failed operation must leave alone. */
bool setup_revoke_tree(void)
{
	struct cte *ram = setup();

	return cap_retype(ram, CAP_FRAME, 0, PG, 1, &S[0]) == OK &&
	       cap_retype(ram, CAP_FRAME, PG, PG, 1, &S[6]) == OK &&
	       cap_copy(&S[1], &S[0]) == OK && cap_copy(&S[2], &S[0]) == OK &&
	       cap_copy(&S[3], &S[1]) == OK &&
	       cap_mint(&S[4], &S[1], CAP_RIGHT_READ, 0) == OK && cap_copy(&S[5], &S[4]) == OK;
}

uint64_t world_hash(void)
{
	uint64_t h = 0xcbf29ce484222325ull;
	const uint64_t *a = (const uint64_t *)(cap_arena() + RAM_BASE);

	h = fnv(h, boot, sizeof(boot));
	h = fnv(h, S, sizeof(S));
	h = fnv(h, &cap_hook_counts, sizeof(cap_hook_counts));
	for (size_t i = 0; i < RAM_SIZE / 8; i++)
		h = (h ^ a[i]) * 0x100000001b3ull;
	return h;
}

unsigned nchildren(const struct cte *p)
{
	unsigned n = 0;

	for (const struct cte *k = p->first_child; k; k = k->next)
		n++;
	return n;
}

/* Local consistency of c's links: the invariant of lib/cap.h. */
bool links_ok(const struct cte *c)
{
	const struct cte *k;

	if (cap_is_empty(c))
		return !c->parent && !c->first_child && !c->next && !c->prev;
	if (c->next && (c->next->prev != c || c->next->parent != c->parent ||
			cap_is_empty(c->next)))
		return false;
	if (c->prev && (c->prev->next != c || c->prev->parent != c->parent ||
			cap_is_empty(c->prev)))
		return false;
	if (!c->prev && c->parent && c->parent->first_child != c)
		return false;
	if (c->first_child && c->first_child->prev)
		return false;
	for (k = c->first_child; k; k = k->next)
		if (k->parent != c || cap_is_empty(k))
			return false;
	return true;
}

bool all_links_ok(void)
{
	for (unsigned i = 0; i < NSLOTS; i++)
		if (!links_ok(&S[i]))
			return false;
	for (unsigned i = 0; i < 8; i++)
		if (!links_ok(&boot[i]))
			return false;
	return true;
}

bool zeroed(uint64_t pa, uint64_t len)
{
	const uint8_t *p = cap_phys_to_ptr(pa);

	for (uint64_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}
