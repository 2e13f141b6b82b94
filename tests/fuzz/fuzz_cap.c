/*
 * libFuzzer target for lib/cap.c. The input is a list of 10-byte
 * operations (retype, copy, mint, move, delete, revoke, lookup, "map",
 * and rarely an operation on the boot slots) on a small CSpace: a root
 * CNode and four level-2 CNodes retyped from a 512 KiB RAM capability,
 * installed with cap_install_root(), plus a second RAM capability and a
 * few objectless capabilities. Each result must equal what a reference
 * model of the contract expects; a failed operation must change nothing.
 *
 * After every operation every slot of every live CNode is checked against
 * the invariants of lib/cap.h. The hooks track which objects and CNodes are
 * alive, so destroyed CNodes are never scanned, an object dies exactly when
 * its last capability goes, and no two live objects share memory. Any
 * violation is a __builtin_trap().
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "lib/cap.h"
#include "tests/host/cap_hooks.h"

/* <stdlib.h> would bring glibc's capaddr_t (see cap_hooks.h). */
void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

#define ASSERT(c)	do { if (!(c)) __builtin_trap(); } while (0)
/* The checks run after every operation and would dominate the run time if
 * instrumented; coverage of lib/cap.c is what should guide the fuzzer. */
#define CHECKER		__attribute__((no_sanitize("coverage")))

#define RAM_PA		0x200000ull
#define RAM_BYTES	(512 * 1024ull)
#define UNITS		(RAM_BYTES / 64)	/* 64-byte units of the RAM */
#define MAX_SCAN	(UNITS + 2)
#define MAX_CNODES	(RAM_BYTES / 1024)
#define OBJ_BITS	16
#define OBJ_CAP		(1u << OBJ_BITS)
#define OP_BYTES	10
#define SKIPPED		(-1)	/* run_op(): the library was not called */
#define MAPPED		(-2)	/* run_op(): the harness changed a word */

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

struct entry {			/* one sibling, for sorting a list */
	uint64_t base, size;
	uint32_t idx;
	uint8_t type;
};

static struct cte boot[2];		/* RAM root, root CNode */
static struct obj objs[OBJ_CAP];
static uint32_t obj_gen, epoch, stamp, nobj;
static uint8_t mem_used[UNITS];		/* units held by a live non-RAM object */
static uint32_t slot_stamp[UNITS];	/* == stamp: a slot of a live CNode */
static struct cnode_rec cnodes[MAX_CNODES];
static unsigned ncnodes;
static struct cte *scan[MAX_SCAN];
static unsigned nscan;
static struct entry ents[MAX_SCAN];
static unsigned copies;			/* successful copies and mints */

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

CHECKER static void obj_add(const struct cap *c)
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

CHECKER static void on_delete(struct cte *c, bool last)
{
	ASSERT(!empty(c) && c->cap.type < CAP_TYPE_COUNT);
	if (c->cap.flags & CAPF_ZOMBIE) {
		ASSERT(last && c->cap.type == CAP_CNODE && c->cap.word == 0);
		ASSERT(!c->parent && !c->first_child && !c->next && !c->prev);
	} else {
		ASSERT(c->cap.flags == 0 && last == last_by_scan(c));
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
	for (unsigned i = 0; i < nscan; i++) {
		const struct cte *s = scan[i];
		struct obj *o;

		if (empty(s)) {
			ASSERT(zero_bytes(s, sizeof(*s)));
			continue;
		}
		full++;
		ASSERT(s->cap.type < CAP_TYPE_COUNT && s->cap.flags == 0);
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

CHECKER static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->base != y->base)
		return x->base < y->base ? -1 : 1;
	if (x->size != y->size)
		return x->size < y->size ? -1 : 1;
	return (int)x->type - (int)y->type;
}

/* One sibling list: the copies of one object are adjacent (cap_is_last()
 * relies on it), and different objects do not overlap. */
CHECKER static void check_list(const struct cte *head)
{
	unsigned n = 0, g;
	uint64_t end = 0;

	for (const struct cte *c = head; c; c = c->next, n++)
		ents[n] = (struct entry){ c->cap.base, c->cap.size, n, c->cap.type };
	qsort(ents, n, sizeof(ents[0]), cmp_entry);
	for (unsigned i = 0; i < n; i = g) {
		uint32_t lo = ents[i].idx, hi = ents[i].idx;

		for (g = i + 1; g < n && !cmp_entry(&ents[g], &ents[i]); g++) {
			lo = ents[g].idx < lo ? ents[g].idx : lo;
			hi = ents[g].idx > hi ? ents[g].idx : hi;
		}
		ASSERT(hi - lo == g - i - 1);
		ASSERT(!ents[i].size || ents[i].base >= end);
		if (ents[i].base + ents[i].size > end)
			end = ents[i].base + ents[i].size;
	}
}

CHECKER static unsigned check_world(void)
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

CHECKER static uint64_t world_hash(void)
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

/* ---- The reference model of each operation's result ---- */

static err_t expect_copy(const struct cte *dst, const struct cte *src)
{
	if (cap_is_empty(src))
		return ERR_CAP_EMPTY;
	if (!(cap_type_flags(src->cap.type) & CT_COPY))
		return ERR_CAP_NOT_COPYABLE;
	return cap_is_empty(dst) ? OK : ERR_CAP_SLOT_IN_USE;
}

static err_t expect_mint(const struct cte *dst, const struct cte *src, uint64_t badge)
{
	err_t e = expect_copy(dst, src);

	if (e == OK && src->cap.type == CAP_ENDPOINT && src->cap.word && badge &&
	    badge != src->cap.word)
		return ERR_INVALID_ARG;
	return e;
}

static err_t expect_move(const struct cte *dst, const struct cte *src)
{
	if (cap_is_empty(src))
		return ERR_CAP_EMPTY;
	return dst == src || cap_is_empty(dst) ? OK : ERR_CAP_SLOT_IN_USE;
}

/* Object size for the type, or 0 if objsize is not valid for it. */
static uint64_t model_size(unsigned type, uint64_t objsize)
{
	uint64_t n = objsize / CTE_SIZE;

	switch (type) {
	case CAP_RAM:
	case CAP_FRAME:
		return objsize % 4096 ? 0 : objsize;
	case CAP_CNODE:
		if (objsize % CTE_SIZE || n < CNODE_MIN_SLOTS || (n & (n - 1)))
			return 0;
		return objsize;
	case CAP_ENDPOINT:
		return 64;
	default:
		return 4096;
	}
}

static err_t expect_retype_args(const struct cte *src, unsigned type, unsigned count)
{
	if (cap_is_empty(src))
		return ERR_CAP_EMPTY;
	if (src->cap.type != CAP_RAM)
		return ERR_CAP_WRONG_TYPE;
	if (!(src->cap.rights & CAP_RIGHT_WRITE))
		return ERR_CAP_RIGHTS;
	if (type >= CAP_TYPE_COUNT || !(cap_type_flags(type) & CT_RETYPE))
		return ERR_RETYPE_TYPE;
	if (count < 1 || count > 4096)
		return ERR_INVALID_ARG;
	return OK;
}

static err_t expect_retype(const struct cte *src, unsigned type, uint64_t off,
			   uint64_t objsize, unsigned count, const struct cte *dst)
{
	err_t e = expect_retype_args(src, type, count);
	uint64_t size, align = type == CAP_ENDPOINT ? 64 : 4096, pa;
	unsigned __int128 end;

	if (e)
		return e;
	size = model_size(type, objsize);
	pa = src->cap.base + off;
	if (!size || pa % align || (count > 1 && size % align))
		return ERR_RETYPE_ALIGN;
	end = (unsigned __int128)off + (unsigned __int128)size * count;
	if (end > src->cap.size || (type == CAP_RAM && size == src->cap.size))
		return ERR_RETYPE_SIZE;
	for (const struct cte *k = src->first_child; k; k = k->next)
		if (k->cap.base < pa + size * count && pa < k->cap.base + k->cap.size)
			return ERR_RETYPE_OVERLAP;
	for (unsigned i = 0; i < count; i++)
		if (!cap_is_empty(&dst[i]))
			return ERR_CAP_SLOT_IN_USE;
	return OK;
}

static err_t expect_lookup(capaddr_t a, struct cte **out)
{
	const struct cap *root = &boot[1].cap;
	struct cte *l1;

	if (root->type != CAP_CNODE)
		return ERR_CAP_WRONG_TYPE;
	if (CADDR_L1(a) >= cnode_nslots(root))
		return ERR_CAP_RANGE;
	l1 = (struct cte *)cap_phys_to_ptr(root->base) + CADDR_L1(a);
	if (cap_is_empty(l1))
		return ERR_CAP_EMPTY;
	if (l1->cap.type != CAP_CNODE)
		return ERR_CAP_WRONG_TYPE;
	if (CADDR_L2(a) >= cnode_nslots(&l1->cap))
		return ERR_CAP_RANGE;
	*out = (struct cte *)cap_phys_to_ptr(l1->cap.base) + CADDR_L2(a);
	return OK;
}

/* ---- The world and the operations ---- */

static void install(capaddr_t a, unsigned type, uint8_t rights, uint64_t base, uint64_t size)
{
	struct cap c = { .type = (uint8_t)type, .rights = rights, .base = base, .size = size };
	struct cte *s;

	ASSERT(cap_lookup_slot(&boot[1].cap, a, &s) == OK);
	cap_install_root(s, &c);
	obj_add(&c);
}

static struct cte *at(capaddr_t a)
{
	struct cte *s;

	ASSERT(cap_lookup_slot(&boot[1].cap, a, &s) == OK);
	return s;
}

static void setup(void)
{
	struct cap ram = { .type = CAP_RAM, .rights = CAP_RIGHTS_ALL,
			   .base = RAM_PA, .size = RAM_BYTES };
	struct cte *l1;

	cap_hooks_reset();
	cap_hook_created_fn = on_created;
	cap_hook_delete_fn = on_delete;
	obj_gen++;
	nobj = ncnodes = 0;
	memset(mem_used, 0, sizeof(mem_used));
	memset(boot, 0, sizeof(boot));
	cap_install_root(&boot[0], &ram);
	obj_add(&ram);
	ASSERT(cap_retype(&boot[0], CAP_CNODE, 0, 16 * CTE_SIZE, 1, &boot[1]) == OK);
	l1 = cnode_slots(&boot[1].cap);
	ASSERT(cap_retype(&boot[0], CAP_CNODE, 4096, 64 * CTE_SIZE, 4, l1) == OK);
	ASSERT(cap_retype(&boot[0], CAP_RAM, 64 * 1024, RAM_BYTES - 64 * 1024, 1,
			  at(CADDR(1, 0))) == OK);
	ASSERT(cap_retype(at(CADDR(1, 0)), CAP_FRAME, 0, 4096, 1, at(CADDR(2, 0))) == OK);
	ASSERT(cap_retype(at(CADDR(1, 0)), CAP_ENDPOINT, 4096, 0, 1, at(CADDR(2, 1))) == OK);
	ASSERT(cap_copy(&l1[4], &boot[1]) == OK);	/* L1 slot 4: the root itself */
	install(CADDR(0, 1), CAP_KERNEL, CAP_RIGHTS_ALL, 0, 0);
	install(CADDR(0, 2), CAP_IRQ, CAP_RIGHTS_ALL, 5, 0);
	install(CADDR(0, 3), CAP_DEVFRAME, CAP_RIGHTS_ALL, 0x100000, 0x2000);
	install(CADDR(0, 5), CAP_IOPORT, CAP_RIGHT_READ, 0x3F8, 8);
	/* Read-only RAM past the fuzzed range: retype must refuse it. */
	install(CADDR(0, 6), CAP_RAM, CAP_RIGHT_READ, RAM_PA + RAM_BYTES, 64 * 1024);
}

struct op {
	uint8_t code, a[OP_BYTES - 1];
};

static capaddr_t addr_of(uint8_t l1, uint8_t l2)
{
	return CADDR(l1 % 20u, l2 % 72u);
}

/* The slot at (l1, l2), or NULL after checking the lookup's error. */
static struct cte *slot_of(uint8_t l1, uint8_t l2)
{
	capaddr_t a = addr_of(l1, l2);
	struct cte *s = NULL, *want = NULL;
	err_t e = cap_lookup_slot(&boot[1].cap, a, &s);

	ASSERT(e == expect_lookup(a, &want));
	ASSERT(e != OK || s == want);
	return e == OK ? s : NULL;
}

static uint64_t decode_offset(uint8_t lo, uint8_t hi)
{
	unsigned v = lo | (unsigned)hi << 8;

	switch (v >> 14) {
	case 0:
		return (uint64_t)(v & 0xFF) * 4096;
	case 1:
		return (uint64_t)(v & 0x3FFF) * 64;
	case 2:
		return v & 0x3FFF;
	default:
		return 0xFFFFFFFFFFFFF000ull - (uint64_t)(v & 0xFF) * 4096;
	}
}

static uint64_t decode_size(uint8_t s)
{
	switch (s >> 6) {
	case 0:
		return (uint64_t)(s & 0x3F) * 4096;
	case 1:
		return 1024ull << (s & 7);
	case 2:
		return (uint64_t)(s & 0x3F) * 64;
	default:
		return s & 1 ? 1ull << (s & 0x3F) : (uint64_t)s * s * 17;
	}
}

static unsigned decode_count(uint8_t c)
{
	static const unsigned odd[] = { 0, 4096, 4097, 0x80000000u, 65, 16 };

	if (c < 200)
		return 1 + c % 8;
	if (c < 250)
		return 1 + c % 64;
	return odd[c % 6];
}

/* dst[0..count) must lie in one CNode, unless count is invalid and so
 * never used; returns false if the operation would break that rule. */
static bool dst_fits(uint8_t l1, uint8_t l2, unsigned count)
{
	struct cte *c;

	if (count == 0 || count > 4096)
		return true;
	if (cnode_slot(&boot[1].cap, addr_of(l1, l2) >> CNODE_L2_BITS, &c) != OK)
		return false;
	return CADDR_L2(addr_of(l1, l2)) + count <= cnode_nslots(&c->cap);
}

static void check_retyped(const struct cte *src, const struct cte *dst, unsigned type,
			  unsigned count)
{
	for (unsigned i = 0; i < count; i++) {
		ASSERT(dst[i].cap.type == type && dst[i].parent == src);
		ASSERT(i + 1 == count ? !dst[i].next : dst[i].next == &dst[i + 1]);
	}
}

static err_t op_retype(const struct op *o)
{
	struct cte *src = slot_of(o->a[0], o->a[1]), *dst = slot_of(o->a[7], o->a[8]);
	unsigned type = o->a[2] % (CAP_TYPE_COUNT + 2), count = decode_count(o->a[6]);
	uint64_t off = decode_offset(o->a[3], o->a[4]), size = decode_size(o->a[5]);
	err_t want, e;

	if (!src || !dst || !dst_fits(o->a[7], o->a[8], count))
		return SKIPPED;
	want = expect_retype(src, type, off, size, count, dst);
	e = cap_retype(src, type, off, size, count, dst);
	ASSERT(e == want);
	if (e == OK)
		check_retyped(src, dst, type, count);
	return e;
}

static void check_copied(const struct cte *dst, const struct cte *src, uint8_t rights)
{
	ASSERT(dst->parent == src && !dst->next && !dst->first_child);
	ASSERT(cap_same_object(&dst->cap, &src->cap));
	ASSERT(dst->cap.rights == (src->cap.rights & rights));
	if (cap_type_flags(src->cap.type) & CT_MAP)
		ASSERT(dst->cap.word == 0);
}

static err_t op_copy(const struct op *o, bool mint)
{
	struct cte *dst = slot_of(o->a[0], o->a[1]), *src = slot_of(o->a[2], o->a[3]);
	uint8_t rights = mint ? o->a[4] : 0xFF;
	uint64_t badge = o->a[5] % 4, old;
	err_t e, want;

	if (!src || !dst)
		return SKIPPED;
	old = src->cap.word;
	want = mint ? expect_mint(dst, src, badge) : expect_copy(dst, src);
	e = mint ? cap_mint(dst, src, rights, badge) : cap_copy(dst, src);
	ASSERT(e == want);
	if (e)
		return e;
	copies++;
	check_copied(dst, src, rights);
	if (src->cap.type == CAP_ENDPOINT)
		ASSERT(dst->cap.word == (old || !mint ? old : badge));
	return OK;
}

static err_t op_move(const struct op *o)
{
	struct cte *dst = slot_of(o->a[0], o->a[1]), *src = slot_of(o->a[2], o->a[3]);
	struct cap c;
	err_t e;

	if (!src || !dst)
		return SKIPPED;
	c = src->cap;
	e = expect_move(dst, src);
	ASSERT(cap_move(dst, src) == e);
	if (e == OK)
		ASSERT(!memcmp(&dst->cap, &c, sizeof(c)) && (dst == src || cap_is_empty(src)));
	return e;
}

static err_t delete_or_revoke(struct cte *c, bool revoke)
{
	err_t want = cap_is_empty(c) ? ERR_CAP_EMPTY : OK;

	if (revoke) {
		ASSERT(cap_revoke(c) == want);
		ASSERT(cap_is_empty(c) || !c->first_child);
	} else {
		ASSERT(cap_delete(c) == want);
		ASSERT(cap_is_empty(c));
	}
	return want;
}

static err_t op_delete(const struct op *o, bool revoke)
{
	struct cte *c = slot_of(o->a[0], o->a[1]);

	return c ? delete_or_revoke(c, revoke) : SKIPPED;
}

/* What the kernel does when it maps a capability: record where. */
static err_t op_map(const struct op *o)
{
	struct cte *c = slot_of(o->a[0], o->a[1]);

	if (!c || !(cap_type_flags(c->cap.type) & CT_MAP) || c->cap.word)
		return SKIPPED;
	c->cap.word = maprec_make(RAM_PA + (uint64_t)o->a[2] * 4096, o->a[3] | (o->a[4] & 1) << 8);
	return MAPPED;
}

static err_t op_raw_lookup(const struct op *o)
{
	capaddr_t a = o->a[0] | o->a[1] << 8 | o->a[2] << 16 | (capaddr_t)o->a[3] << 24;
	struct cte *s = NULL, *want = NULL;
	err_t e = cap_lookup_slot(&boot[1].cap, a, &s);

	ASSERT(e == expect_lookup(a, &want) && (e || s == want));
	return e;
}

/* Rarely, and only with a magic byte: the boot slots themselves. */
static err_t op_boot(const struct op *o)
{
	if (o->a[0] != 0xB0)
		return SKIPPED;
	return delete_or_revoke(&boot[o->a[1] & 1], o->a[2] & 1);
}

static err_t run_op(const struct op *o)
{
	switch (o->code % 16) {
	case 0: case 1: case 2: case 3:
		return op_retype(o);
	case 4: case 5:
		return op_copy(o, false);
	case 6: case 14:
		return op_copy(o, true);
	case 7: case 8:
		return op_move(o);
	case 9: case 10:
		return op_delete(o, false);
	case 11:
		return op_delete(o, true);
	case 12:
		return op_raw_lookup(o);
	case 13:
		return op_map(o);
	default:
		return op_boot(o);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned full;

	setup();
	full = check_world();
	for (size_t at = 0; at + OP_BYTES <= size; at += OP_BYTES) {
		unsigned long deletes = cap_hook_counts.deletes, made = cap_hook_counts.created;
		unsigned copied = copies, after;
		uint64_t h = world_hash();
		struct op o;
		err_t e;

		memcpy(&o, data + at, OP_BYTES);
		e = run_op(&o);
		ASSERT(e == SKIPPED || e == MAPPED || (e >= 0 && e < ERR__COUNT));
		if (e != OK && e != MAPPED)
			ASSERT(world_hash() == h);
		after = check_world();
		/* Every slot that filled or emptied went through a hook, or
		 * was a copy. */
		deletes = cap_hook_counts.deletes - deletes;
		made = cap_hook_counts.created - made;
		ASSERT(after + deletes == full + made + (copies - copied));
		full = after;
	}
	return 0;
}
