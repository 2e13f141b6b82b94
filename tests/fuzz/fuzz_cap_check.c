/*
 * The checker of the capability fuzzer (fuzz_cap.h). The hooks track which
 * objects and CNodes are alive, so destroyed CNodes are never scanned, an
 * object dies exactly when its last capability goes, no two live objects
 * share memory, and a slot with CAPF_REMOTE is only ever deleted as part of
 * emptying the CNode that holds it. After every operation every slot of
 * every live CNode is checked against the invariants of lib/cap.h.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "lib/cap.h"
#include "tests/host/cap_hooks.h"
#include "fuzz_cap.h"
#include "cap_siblings.h"

/* <stdlib.h> would bring glibc's capaddr_t (see cap_hooks.h). */
void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

#define UNITS		(RAM_BYTES / 64)	/* 64-byte units of the RAM */
#define MAX_SCAN	(UNITS + 2)
#define MAX_CNODES	(RAM_BYTES / 1024)
#define OBJ_BITS	16
#define OBJ_CAP		(1u << OBJ_BITS)

struct obj {
	uint64_t base, size;
	uint32_t gen;		/* == obj_gen: in use */
	uint32_t seen;		/* == epoch: named by a capability in this scan */
	uint8_t type;
};

struct cnode_rec {
	uint64_t base;
	uint32_t nslots;
};


static struct obj objs[OBJ_CAP];
static uint32_t obj_gen, epoch, stamp, nobj;
static uint8_t mem_used[UNITS];		/* units held by a live non-RAM object */
static uint32_t slot_stamp[UNITS];	/* == stamp: a slot of a live CNode */
static struct cnode_rec cnodes[MAX_CNODES];
static unsigned ncnodes;
static struct cte *scan[MAX_SCAN];
static unsigned nscan;
static struct cap_sibling ents[MAX_SCAN];
static uint64_t remote_gone[MAX_SCAN];	/* CNodes whose flagged slots went */
static unsigned nremote_gone;
unsigned remote_slots;


/* cap_is_empty() without the coverage instrumentation of lib/. */
CHECKER static bool empty(const struct cte *c)
{
	return c->cap.type == CAP_NULL;
}

/* ---- Live objects: open addressing with backward-shift deletion ---- */

CHECKER static uint32_t obj_hash(unsigned type, uint64_t base, uint64_t size)
{
	uint64_t h = base * 0x9E3779B97F4A7C15ull ^ size * 0xC2B2AE3D27D4EB4Full ^ type;

	h ^= h >> 31;
	return (uint32_t)((h * 0xBF58476D1CE4E5B9ull) >> (64 - OBJ_BITS));
}

CHECKER static bool obj_is(const struct obj *o, const struct cap *c)
{
	return o->type == c->type && o->base == c->base && o->size == c->size;
}

CHECKER static struct obj *obj_find(const struct cap *c)
{
	uint32_t i = obj_hash(c->type, c->base, c->size);

	for (; objs[i].gen == obj_gen; i = (i + 1) & (OBJ_CAP - 1))
		if (obj_is(&objs[i], c))
			return &objs[i];
	return NULL;
}

CHECKER void obj_add(const struct cap *c)
{
	uint32_t i = obj_hash(c->type, c->base, c->size);

	ASSERT(!obj_find(c) && nobj < OBJ_CAP / 2);
	while (objs[i].gen == obj_gen)
		i = (i + 1) & (OBJ_CAP - 1);
	objs[i] = (struct obj){ c->base, c->size, obj_gen, 0, c->type };
	nobj++;
}

CHECKER static void obj_remove(const struct cap *c)
{
	struct obj *o = obj_find(c);
	uint32_t i, j, k;

	ASSERT(o);
	i = j = (uint32_t)(o - objs);
	for (;;) {
		objs[i].gen = 0;
		do {
			j = (j + 1) & (OBJ_CAP - 1);
			if (objs[j].gen != obj_gen) {
				nobj--;
				return;
			}
			k = obj_hash(objs[j].type, objs[j].base, objs[j].size);
		} while (i <= j ? (i < k && k <= j) : (i < k || k <= j));
		objs[i] = objs[j];
		i = j;
	}
}

/* ---- What the hooks learn ---- */

CHECKER static bool has_memory(unsigned type)
{
	return (cap_type_flags(type) & CT_RETYPE) && type != CAP_RAM;
}

/* Marks (or, with `on` false, unmarks) a memory object's 64-byte units. */
CHECKER static void mark_memory(const struct cap *c, bool on)
{
	uint64_t u;

	ASSERT(c->base >= RAM_PA && c->size <= RAM_BYTES &&
	       c->base - RAM_PA <= RAM_BYTES - c->size);
	for (u = (c->base - RAM_PA) / 64; u < (c->base - RAM_PA + c->size) / 64; u++) {
		ASSERT(mem_used[u] == !on);
		mem_used[u] = on;
	}
}

CHECKER static void cnode_forget(const struct cap *c)
{
	for (unsigned i = 0; i < ncnodes; i++) {
		if (cnodes[i].base == c->base) {
			cnodes[i] = cnodes[--ncnodes];
			return;
		}
	}
	__builtin_trap();
}

/* Objects and slots are 64-byte multiples at 64-byte addresses. */
CHECKER static bool zero_bytes(const void *p, uint64_t n)
{
	const uint64_t *w = p;

	for (uint64_t i = 0; i < n / 8; i++)
		if (w[i])
			return false;
	return true;
}

/* Whole if small; the two ends of a big one (checking every byte of every
 * big retype would halve the speed of the fuzzer). */
CHECKER static bool zeroed_object(const struct cap *c)
{
	const uint8_t *p = cap_phys_to_ptr(c->base);

	if (c->size <= 16384)
		return zero_bytes(p, c->size);
	return zero_bytes(p, 8192) && zero_bytes(p + c->size - 8192, 8192);
}

CHECKER static void on_created(struct cte *c)
{
	ASSERT(c->cap.rights == CAP_RIGHTS_ALL && c->cap.flags == 0 && c->cap.word == 0);
	ASSERT(c->cap.type == CAP_RAM || zeroed_object(&c->cap));	/* RAM is zeroed when typed */
	obj_add(&c->cap);
	if (has_memory(c->cap.type))
		mark_memory(&c->cap, true);
	if (c->cap.type == CAP_CNODE) {
		ASSERT(ncnodes < MAX_CNODES);
		cnodes[ncnodes++] = (struct cnode_rec){ c->cap.base, cnode_nslots(&c->cap) };
	}
}

/* cap_is_last() by its definition, scanning (up to a bound) every sibling. */
CHECKER static bool last_by_scan(const struct cte *c)
{
	const struct cte *s;
	unsigned n = 0;

	if (c->parent && cap_same_object(&c->parent->cap, &c->cap))
		return false;
	if (c->cap.type != CAP_RAM && c->first_child)
		return false;
	for (s = c->prev; s && n < 256; s = s->prev, n++)
		if (cap_same_object(&s->cap, &c->cap))
			return false;
	for (s = c->next; s && n < 512; s = s->next, n++)
		if (cap_same_object(&s->cap, &c->cap))
			return false;
	return true;
}

CHECKER static void check_destroyed_cnode(const struct cte *c)
{
	const struct cte *s = cnode_slots(&c->cap);

	for (uint32_t i = 0; i < cnode_nslots(&c->cap); i++)
		ASSERT(empty(&s[i]) || (s[i].cap.flags & CAPF_ZOMBIE));
	cnode_forget(&c->cap);
}

/* A flagged slot leaves only when the CNode holding it is being emptied:
 * remember that CNode, which must be destroyed by the end of the operation
 * (remote_slots_gone()). Not a CHECKER, nor inlined into one: its coverage
 * tells the fuzzer that it reached this rare case, which lib/cap.c's
 * coverage cannot. */
__attribute__((noinline)) static void remote_leaves(const struct cte *c)
{
	uint64_t pa = (uintptr_t)c - (uintptr_t)cap_arena();

	for (unsigned i = 0; i < ncnodes; i++) {
		uint64_t off = pa - cnodes[i].base;	/* below the CNode wraps to huge */

		if (off < (uint64_t)cnodes[i].nslots * sizeof(*c)) {
			ASSERT(nremote_gone < MAX_SCAN);
			remote_gone[nremote_gone++] = cnodes[i].base;
			return;
		}
	}
	__builtin_trap();
}

CHECKER static void on_delete(struct cte *c, bool last)
{
	ASSERT(!empty(c) && c->cap.type < CAP_TYPE_COUNT);
	ASSERT(!(c->cap.flags & ~(CAPF_ZOMBIE | CAPF_REMOTE)));
	if (c->cap.flags & CAPF_REMOTE)
		remote_leaves(c);
	if (c->cap.flags & CAPF_ZOMBIE) {
		ASSERT(last && c->cap.type == CAP_CNODE && c->cap.word == 0);
		ASSERT(!c->parent && !c->first_child && !c->next && !c->prev);
	} else {
		ASSERT(last == last_by_scan(c));
	}
	if (!last) {
		ASSERT(obj_find(&c->cap));
		return;
	}
	obj_remove(&c->cap);
	if (has_memory(c->cap.type))
		mark_memory(&c->cap, false);
	if (c->cap.type == CAP_CNODE)
		check_destroyed_cnode(c);
}

CHECKER void check_reset(void)
{
	cap_hooks_reset();
	cap_hook_created_fn = on_created;
	cap_hook_delete_fn = on_delete;
	obj_gen++;
	nobj = ncnodes = 0;
	nremote_gone = 0;
	memset(mem_used, 0, sizeof(mem_used));
}

/* ---- The invariants, over every slot of every live CNode ---- */

CHECKER static void collect_slots(void)
{
	stamp++;
	nscan = 0;
	scan[nscan++] = &boot[0];
	scan[nscan++] = &boot[1];
	for (unsigned i = 0; i < ncnodes; i++) {
		struct cte *s = cap_phys_to_ptr(cnodes[i].base);

		for (uint32_t j = 0; j < cnodes[i].nslots; j++) {
			ASSERT(nscan < MAX_SCAN);
			scan[nscan++] = &s[j];
			slot_stamp[(cnodes[i].base - RAM_PA) / 64 + j] = stamp;
		}
	}
}

/* A non-empty slot that the scan covers. */
CHECKER static bool live(const struct cte *p)
{
	uint64_t off = (uintptr_t)p - (uintptr_t)cap_arena() - RAM_PA;

	if (p == &boot[0] || p == &boot[1])
		return !empty(p);
	if (off >= RAM_BYTES || off % 64)	/* below the RAM wraps to huge */
		return false;
	return slot_stamp[off / 64] == stamp && !empty(p);
}

CHECKER static void check_links(const struct cte *s)
{
	const struct cte *p = s->parent;

	ASSERT(!p || live(p));
	if (s->next)
		ASSERT(live(s->next) && s->next->prev == s && s->next->parent == p);
	if (s->prev)
		ASSERT(live(s->prev) && s->prev->next == s && s->prev->parent == p);
	else
		ASSERT(!p || p->first_child == s);
	if (s->first_child)
		ASSERT(live(s->first_child) && s->first_child->parent == s &&
		       !s->first_child->prev);
}

/* Copies name their parent's object with no more rights (and keep its
 * badge); retyped objects lie inside their parent RAM. */
CHECKER static void check_parent(const struct cte *s)
{
	const struct cap *p = s->parent ? &s->parent->cap : NULL, *c = &s->cap;

	if (!p)
		return;
	if (p->type == CAP_RAM) {
		ASSERT(c->base >= p->base && c->size <= p->size &&
		       c->base - p->base <= p->size - c->size);
		return;
	}
	ASSERT(cap_same_object(p, c) && !(c->rights & ~p->rights));
	ASSERT(p->type != CAP_ENDPOINT || !p->word || c->word == p->word);
}

CHECKER static void check_word(const struct cap *c)
{
	if (c->type == CAP_ENDPOINT)
		return;
	if (cap_type_flags(c->type) & CT_MAP)
		ASSERT(!c->word || maprec_valid(c->word));
	else
		ASSERT(c->word == 0);
}

/* Checks every scanned slot; returns the number of full ones, and in
 * *distinct the number of objects they name. */
CHECKER static unsigned check_slots(unsigned *distinct)
{
	unsigned full = 0;

	epoch++;
	remote_slots = 0;
	for (unsigned i = 0; i < nscan; i++) {
		const struct cte *s = scan[i];
		struct obj *o;

		if (empty(s)) {
			ASSERT(zero_bytes(s, sizeof(*s)));
			continue;
		}
		full++;
		ASSERT(s->cap.type < CAP_TYPE_COUNT && !(s->cap.flags & ~CAPF_REMOTE));
		if (s->cap.flags & CAPF_REMOTE)
			remote_slots++;
		ASSERT(!(s->cap.rights & ~CAP_RIGHTS_ALL));
		check_links(s);
		check_parent(s);
		check_word(&s->cap);
		o = obj_find(&s->cap);
		ASSERT(o);
		if (o->seen != epoch)
			(*distinct)++;
		o->seen = epoch;
	}
	return full;
}

/* Slots reachable from the roots by a walk along the links themselves:
 * equal to the number of full slots only if parents have no cycles. */
CHECKER static unsigned count_reachable(unsigned full)
{
	unsigned n = 0, steps = 0;

	for (unsigned i = 0; i < nscan; i++) {
		const struct cte *c = scan[i];

		if (empty(c) || c->parent)
			continue;
		while (c && ++steps <= 4 * full + 4) {
			n++;
			if (c->first_child) {
				c = c->first_child;
				continue;
			}
			while (c->parent && !c->next)
				c = c->parent;
			c = c->parent ? c->next : NULL;
		}
	}
	ASSERT(steps <= 4 * full + 4);
	return n;
}

/* One sibling list: the copies of one object are adjacent (cap_is_last()
 * relies on it), and different objects do not overlap. */
CHECKER static void check_list(const struct cte *head)
{
	ASSERT(!cap_siblings_problem(head, ents));
}

CHECKER unsigned check_world(void)
{
	unsigned full, distinct = 0;

	collect_slots();
	full = check_slots(&distinct);
	ASSERT(distinct == nobj);
	ASSERT(count_reachable(full) == full);
	for (unsigned i = 0; i < nscan; i++)
		if (!empty(scan[i]) && !scan[i]->prev)
			check_list(scan[i]);
	return full;
}

CHECKER uint64_t world_hash(void)
{
	uint64_t h = 0xcbf29ce484222325ull;

	collect_slots();
	for (unsigned i = 0; i < nscan; i++) {
		const uint64_t *w = (const uint64_t *)scan[i];

		for (unsigned j = 0; j < sizeof(struct cte) / 8; j++)
			h = (h ^ w[j]) * 0x100000001b3ull;
	}
	h ^= cap_hook_counts.deletes * 31 + cap_hook_counts.created;
	return h;
}

/* ---- CAPF_REMOTE ---- */

CHECKER bool remote_below_by_scan(const struct cte *c)
{
	for (unsigned i = 0; i < nscan; i++) {
		const struct cte *p = scan[i];
		unsigned steps = 0;

		if (empty(p) || !(p->cap.flags & CAPF_REMOTE))
			continue;
		for (p = p->parent; p; p = p->parent) {
			ASSERT(++steps <= nscan);
			if (p == c)
				return true;
		}
	}
	return false;
}

CHECKER unsigned remote_slots_gone(void)
{
	unsigned n = nremote_gone;

	for (unsigned i = 0; i < n; i++)
		for (unsigned j = 0; j < ncnodes; j++)
			ASSERT(cnodes[j].base != remote_gone[i]);
	nremote_gone = 0;
	return n;
}
