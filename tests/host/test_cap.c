/*
 * Tests for lib/cap.c and lib/captypes.c: the mapping record, the type
 * table, two-level lookup, retype of every type and each of its errors
 * (which must change nothing), copy, mint, move, delete and revoke with
 * their tree links, and destruction without recursion: revoking a chain of
 * 10000 copies, CNodes nested 1000 deep, a CNode holding its own only
 * capability, and a cycle of two CNodes. The hooks are tests/host/cap_hooks.c.
 */
#include <stdint.h>
#include "test.h"
#include "cap_hooks.h"
#include "lib/cap.h"

#define KiB 1024ull
#define MiB (1024ull * KiB)
#define PG 4096ull
#define RAM_BASE (1 * MiB)
#define RAM_SIZE (16 * MiB)
#define NSLOTS 12000

static struct cte boot[8];		/* slots outside any CNode */
static struct cte S[NSLOTS];		/* a scratch "CNode" outside the arena */

static struct cap mkcap(unsigned type, uint8_t rights, uint64_t base, uint64_t size)
{
	struct cap c = { .type = (uint8_t)type, .rights = rights, .base = base, .size = size };

	return c;
}

/* Zeroed arena and slots, and RAM [RAM_BASE, +RAM_SIZE) in boot[0]. */
static struct cte *setup(void)
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
static uint64_t world_hash(void)
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

static unsigned nchildren(const struct cte *p)
{
	unsigned n = 0;

	for (const struct cte *k = p->first_child; k; k = k->next)
		n++;
	return n;
}

/* Local consistency of c's links: the invariant of lib/cap.h. */
static bool links_ok(const struct cte *c)
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

static bool all_links_ok(void)
{
	for (unsigned i = 0; i < NSLOTS; i++)
		if (!links_ok(&S[i]))
			return false;
	for (unsigned i = 0; i < 8; i++)
		if (!links_ok(&boot[i]))
			return false;
	return true;
}

static bool zeroed(uint64_t pa, uint64_t len)
{
	const uint8_t *p = cap_phys_to_ptr(pa);

	for (uint64_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

/* ---- Mapping record and type table ---- */

TEST(maprec_round_trip)
{
	static const uint64_t tables[] = {
		0, 0x1000, 0x7FFFF000, 0xABCDE000, 0x000FFFFFFFFFF000ull,
	};
	static const unsigned entries[] = { 0, 1, 2, 255, 256, 510, 511 };

	for (unsigned t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		for (unsigned e = 0; e < sizeof(entries) / sizeof(entries[0]); e++) {
			uint64_t r = maprec_make(tables[t], entries[e]);

			CHECK(maprec_valid(r));
			CHECK_EQ(maprec_table(r), tables[t]);
			CHECK_EQ(maprec_entry(r), entries[e]);
		}
	}
	/* Bits outside a field do not leak into the others. */
	CHECK_EQ(maprec_table(maprec_make(0xFFFFFFFFFFFFFFFFull, 0)), MAPREC_TABLE_MASK);
	CHECK_EQ(maprec_entry(maprec_make(0xFFFFFFFFFFFFFFFFull, 0)), 0);
	CHECK_EQ(maprec_entry(maprec_make(0, 512)), 0);
	CHECK_EQ(maprec_entry(maprec_make(0, 0xFFFFFFFFu)), 511);
	CHECK_EQ(maprec_table(maprec_make(0, 0xFFFFFFFFu)), 0);
	CHECK_EQ(maprec_make(0, 0), MAPREC_VALID);
	CHECK(!maprec_valid(0));
	CHECK(!maprec_valid(maprec_make(0x5000, 3) & ~MAPREC_VALID));
	CHECK_EQ(maprec_entry(maprec_make(0x5000, 3) & ~MAPREC_VALID), 3);
}

TEST(type_table)
{
	static const struct { const char *name; uint64_t size; unsigned flags; } want[] = {
		{ "NULL", 0, 0 },
		{ "RAM", 0, CT_RETYPE },
		{ "FRAME", 0, CT_RETYPE | CT_COPY | CT_MAP },
		{ "DEVFRAME", 0, CT_COPY | CT_MAP },
		{ "CNODE", 0, CT_RETYPE | CT_COPY },
		{ "PML4", 4096, CT_RETYPE | CT_COPY },
		{ "PDPT", 4096, CT_RETYPE | CT_COPY | CT_MAP },
		{ "PDIR", 4096, CT_RETYPE | CT_COPY | CT_MAP },
		{ "PTABLE", 4096, CT_RETYPE | CT_COPY | CT_MAP },
		{ "DISPATCHER", 4096, CT_RETYPE | CT_COPY },
		{ "ENDPOINT", 64, CT_RETYPE | CT_COPY },
		{ "IRQ", 0, CT_COPY },
		{ "IOPORT", 0, CT_COPY },
		{ "KERNEL", 0, CT_COPY },
		{ "NOTIFY", 0, CT_COPY },
	};
	static const unsigned bad[] = { CAP_TYPE_COUNT, 255, 256, 0xFFFFFFFFu };

	CHECK_EQ(CAP_TYPE_COUNT, sizeof(want) / sizeof(want[0]));
	for (unsigned t = 0; t < CAP_TYPE_COUNT; t++) {
		CHECK_STR(cap_type_name(t), want[t].name);
		CHECK_EQ(cap_type_size(t), want[t].size);
		CHECK_EQ(cap_type_flags(t), want[t].flags);
	}
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_STR(cap_type_name(bad[i]), "UNKNOWN");
		CHECK_EQ(cap_type_size(bad[i]), 0);
		CHECK_EQ(cap_type_flags(bad[i]), 0);
	}
	CHECK_EQ(CAP_FRAME, 2);
	CHECK_EQ(CAP_KERNEL, 13);
}

/* ---- Lookup ---- */

TEST(lookup)
{
	struct cte *ram = setup(), *root = &boot[1], *l1, *s;
	struct cap k = mkcap(CAP_KERNEL, CAP_RIGHTS_ALL, 0, 0);

	/* Root: 16 slots. L1 0: 256-slot CNode; 1: empty; 2: Kernel;
	 * 3: 16-slot CNode. */
	CHECK_EQ(cap_retype(ram, CAP_CNODE, 0, 16 * CTE_SIZE, 1, root), OK);
	CHECK_EQ(cnode_nslots(&root->cap), 16);
	l1 = cnode_slots(&root->cap);
	CHECK_EQ(cap_retype(ram, CAP_CNODE, 4 * KiB, 256 * CTE_SIZE, 1, &l1[0]), OK);
	cap_install_root(&l1[2], &k);
	CHECK_EQ(cap_retype(ram, CAP_CNODE, 32 * KiB, 16 * CTE_SIZE, 1, &l1[3]), OK);

	CHECK_EQ(cap_lookup_slot(&ram->cap, CADDR(0, 0), &s), ERR_CAP_WRONG_TYPE);
	CHECK_EQ(cap_lookup_slot(&boot[5].cap, CADDR(0, 0), &s), ERR_CAP_WRONG_TYPE);
	CHECK_EQ(cap_lookup_slot(&root->cap, CADDR(16, 0), &s), ERR_CAP_RANGE);
	CHECK_EQ(cap_lookup_slot(&root->cap, 0xFFFFFFFFu, &s), ERR_CAP_RANGE);
	CHECK_EQ(cap_lookup_slot(&root->cap, CADDR(1, 0), &s), ERR_CAP_EMPTY);
	CHECK_EQ(cap_lookup_slot(&root->cap, CADDR(2, 0), &s), ERR_CAP_WRONG_TYPE);
	CHECK_EQ(cap_lookup_slot(&root->cap, CADDR(3, 16), &s), ERR_CAP_RANGE);
	CHECK_EQ(cap_lookup_slot(&root->cap, CADDR(3, 255), &s), ERR_CAP_RANGE);

	CHECK_EQ(cap_lookup_slot(&root->cap, CADDR(3, 15), &s), OK);
	CHECK(s == &cnode_slots(&cnode_slots(&root->cap)[3].cap)[15]);
	CHECK_EQ(cap_lookup_slot(&root->cap, CADDR(0, 255), &s), OK);
	CHECK(s == &cnode_slots(&l1->cap)[255]);
	CHECK(cap_is_empty(s));
	CHECK_EQ(cap_lookup_slot(&root->cap, CADDR(0, 0), &s), OK);
	CHECK(s == cnode_slots(&l1->cap));

	/* cnode_slot() and the accessors on what is not a CNode. */
	CHECK_EQ(cnode_slot(&ram->cap, 0, &s), ERR_CAP_WRONG_TYPE);
	CHECK_EQ(cnode_slot(&root->cap, 16, &s), ERR_CAP_RANGE);
	CHECK_EQ(cnode_slot(&root->cap, 1ull << 40, &s), ERR_CAP_RANGE);
	CHECK_EQ(cnode_slot(&root->cap, 15, &s), OK);
	CHECK(s == &cnode_slots(&root->cap)[15]);
	CHECK(cnode_slots(&ram->cap) == NULL);
	CHECK_EQ(cnode_nslots(&ram->cap), 0);
}

/* ---- Retype ---- */

struct retype_case {
	unsigned type;
	uint64_t objsize;	/* asked for */
	uint64_t size;		/* made */
	uint32_t aux;
};

static const struct retype_case retypeable[] = {
	{ CAP_RAM, 8 * KiB, 8 * KiB, 0 },
	{ CAP_FRAME, 12 * KiB, 12 * KiB, 0 },
	{ CAP_CNODE, 64 * CTE_SIZE, 64 * CTE_SIZE, 6 },
	{ CAP_PML4, 12345, 4096, 0 },
	{ CAP_PDPT, 0, 4096, 0 },
	{ CAP_PDIR, 1, 4096, 0 },
	{ CAP_PTABLE, 4096, 4096, 0 },
	{ CAP_DISPATCHER, 99 * KiB, 4096, 0 },
	{ CAP_ENDPOINT, 7, 64, 0 },
};

static void check_retyped(const struct cte *ram, const struct retype_case *rc, uint64_t off)
{
	for (unsigned i = 0; i < 3; i++) {
		const struct cte *d = &S[10 + i];

		CHECK_EQ(d->cap.type, rc->type);
		CHECK_EQ(d->cap.rights, CAP_RIGHTS_ALL);
		CHECK_EQ(d->cap.flags, 0);
		CHECK_EQ(d->cap.aux, rc->aux);
		CHECK_EQ(d->cap.base, RAM_BASE + off + i * rc->size);
		CHECK_EQ(d->cap.size, rc->size);
		CHECK_EQ(d->cap.word, 0);
		CHECK(d->parent == ram);
		CHECK(d->first_child == NULL);
		CHECK(d->prev == (i ? &S[9 + i] : NULL));
		CHECK(d->next == (i < 2 ? &S[11 + i] : NULL));
	}
	CHECK(ram->first_child == &S[10]);
	/* Typed objects are zeroed; RAM is left as it was (zeroed when typed). */
	if (rc->type == CAP_RAM)
		CHECK_EQ(*(uint8_t *)cap_phys_to_ptr(RAM_BASE + off), 0xAA);
	else
		CHECK(zeroed(RAM_BASE + off, 3 * rc->size));
	/* Only the objects were zeroed. */
	CHECK_EQ(*(uint8_t *)cap_phys_to_ptr(RAM_BASE + off - 1), 0xAA);
	CHECK_EQ(*(uint8_t *)cap_phys_to_ptr(RAM_BASE + off + 3 * rc->size), 0xAA);
	CHECK_EQ(cap_hook_counts.created, 3);
	if (rc->type == CAP_CNODE)
		CHECK_EQ(cnode_nslots(&S[10].cap), 64);
}

TEST(retype_every_type)
{
	for (unsigned t = 0; t < sizeof(retypeable) / sizeof(retypeable[0]); t++) {
		const struct retype_case *rc = &retypeable[t];
		uint64_t off = rc->type == CAP_ENDPOINT ? 4 * KiB + 64 : 4 * KiB;
		struct cte *ram = setup();

		memset(cap_phys_to_ptr(RAM_BASE), 0xAA, RAM_SIZE);
		CHECK_EQ(cap_retype(ram, rc->type, off, rc->objsize, 3, &S[10]), OK);
		check_retyped(ram, rc, off);
		if (test_failed)
			return;
		CHECK(cap_is_empty(&S[9]) && cap_is_empty(&S[13]));
		CHECK(all_links_ok());
		CHECK(cap_is_last(&S[10]));
	}
}

TEST(retype_appends_children_in_order)
{
	struct cte *ram = setup();

	CHECK_EQ(cap_retype(ram, CAP_FRAME, 0, PG, 2, &S[0]), OK);
	CHECK_EQ(cap_retype(ram, CAP_ENDPOINT, 2 * PG, 0, 3, &S[5]), OK);
	CHECK_EQ(cap_retype(ram, CAP_FRAME, 8 * PG, PG, 1, &S[2]), OK);
	CHECK_EQ(nchildren(ram), 6);
	CHECK(ram->first_child == &S[0]);
	CHECK(S[1].next == &S[5] && S[7].next == &S[2] && S[2].next == NULL);
	CHECK(S[5].prev == &S[1] && S[2].prev == &S[7]);
	CHECK_EQ(S[6].cap.base, RAM_BASE + 2 * PG + 64);
	CHECK(all_links_ok());
}

struct bad_retype {
	unsigned type;
	uint64_t offset, objsize;
	unsigned count;
	err_t want;
};

static const struct bad_retype bad_retypes[] = {
	/* Type. */
	{ CAP_NULL, 0, PG, 1, ERR_RETYPE_TYPE },
	{ CAP_DEVFRAME, 0, PG, 1, ERR_RETYPE_TYPE },
	{ CAP_IRQ, 0, PG, 1, ERR_RETYPE_TYPE },
	{ CAP_IOPORT, 0, PG, 1, ERR_RETYPE_TYPE },
	{ CAP_KERNEL, 0, PG, 1, ERR_RETYPE_TYPE },
	{ CAP_TYPE_COUNT, 0, PG, 1, ERR_RETYPE_TYPE },
	{ 0xFFFFFFFFu, 0, PG, 1, ERR_RETYPE_TYPE },
	{ CAP_KERNEL, 0x800, 3, 0, ERR_RETYPE_TYPE },		/* type before count */
	/* Count. */
	{ CAP_FRAME, 0, PG, 0, ERR_INVALID_ARG },
	{ CAP_FRAME, 0, PG, 4097, ERR_INVALID_ARG },
	{ CAP_FRAME, 0x800, 3, 0, ERR_INVALID_ARG },		/* count before alignment */
	/* Alignment and size of the type. */
	{ CAP_FRAME, 0x800, PG, 1, ERR_RETYPE_ALIGN },
	{ CAP_FRAME, 64, PG, 1, ERR_RETYPE_ALIGN },
	{ CAP_PTABLE, 0x10, 0, 1, ERR_RETYPE_ALIGN },
	{ CAP_ENDPOINT, 32, 0, 1, ERR_RETYPE_ALIGN },
	{ CAP_ENDPOINT, 65, 0, 1, ERR_RETYPE_ALIGN },
	{ CAP_FRAME, 0, 0, 1, ERR_RETYPE_ALIGN },
	{ CAP_FRAME, 0, PG + 1, 1, ERR_RETYPE_ALIGN },
	{ CAP_FRAME, 0, 6000, 1, ERR_RETYPE_ALIGN },
	{ CAP_RAM, 0, 100, 1, ERR_RETYPE_ALIGN },
	{ CAP_RAM, 0, 0, 1, ERR_RETYPE_ALIGN },
	{ CAP_CNODE, 0, 0, 1, ERR_RETYPE_ALIGN },
	{ CAP_CNODE, 0, 48 * CTE_SIZE, 1, ERR_RETYPE_ALIGN },	/* not a power of two */
	{ CAP_CNODE, 0, 8 * CTE_SIZE, 1, ERR_RETYPE_ALIGN },	/* fewer than 16 slots */
	{ CAP_CNODE, 0, 1000, 1, ERR_RETYPE_ALIGN },		/* not whole slots */
	{ CAP_CNODE, 0, 16 * CTE_SIZE + 1, 1, ERR_RETYPE_ALIGN },
	{ CAP_CNODE, 0, 16 * CTE_SIZE, 2, ERR_RETYPE_ALIGN },	/* 2nd not 4 KiB aligned */
	{ CAP_FRAME, RAM_SIZE + 0x800, PG, 1, ERR_RETYPE_ALIGN },	/* alignment before size */
	/* Size. */
	{ CAP_FRAME, RAM_SIZE - PG, 2 * PG, 1, ERR_RETYPE_SIZE },
	{ CAP_FRAME, RAM_SIZE - PG, PG, 2, ERR_RETYPE_SIZE },
	{ CAP_FRAME, RAM_SIZE, PG, 1, ERR_RETYPE_SIZE },
	{ CAP_FRAME, RAM_SIZE + PG, PG, 1, ERR_RETYPE_SIZE },
	{ CAP_FRAME, 0xFFFFFFFFFFFFF000ull, PG, 1, ERR_RETYPE_SIZE },
	{ CAP_FRAME, 0, 1ull << 63, 2, ERR_RETYPE_SIZE },	/* count * size wraps */
	{ CAP_FRAME, 0, 0xFFFFFFFFFFFFF000ull, 4096, ERR_RETYPE_SIZE },
	{ CAP_FRAME, 0, RAM_SIZE + PG, 1, ERR_RETYPE_SIZE },
	{ CAP_ENDPOINT, RAM_SIZE - 64, 0, 2, ERR_RETYPE_SIZE },
	{ CAP_CNODE, 0, 1ull << 40, 1, ERR_RETYPE_SIZE },
	{ CAP_RAM, 0, RAM_SIZE, 1, ERR_RETYPE_SIZE },		/* RAM of the whole size */
	/* Overlap with the frame at [64 KiB, 72 KiB) made first. */
	{ CAP_FRAME, 60 * KiB, 8 * KiB, 1, ERR_RETYPE_OVERLAP },
	{ CAP_FRAME, 68 * KiB, PG, 1, ERR_RETYPE_OVERLAP },
	{ CAP_FRAME, 0, RAM_SIZE, 1, ERR_RETYPE_OVERLAP },
	{ CAP_ENDPOINT, 72 * KiB - 64, 0, 1, ERR_RETYPE_OVERLAP },
	{ CAP_ENDPOINT, 60 * KiB, 0, 4096, ERR_RETYPE_OVERLAP },
	{ CAP_RAM, 0, 128 * KiB, 1, ERR_RETYPE_OVERLAP },
	{ CAP_CNODE, 64 * KiB, 16 * CTE_SIZE, 1, ERR_RETYPE_OVERLAP },
};

TEST(retype_errors_change_nothing)
{
	for (unsigned i = 0; i < sizeof(bad_retypes) / sizeof(bad_retypes[0]); i++) {
		const struct bad_retype *b = &bad_retypes[i];
		struct cte *ram = setup();
		uint64_t h;

		CHECK_EQ(cap_retype(ram, CAP_FRAME, 64 * KiB, 8 * KiB, 1, &S[NSLOTS - 1]), OK);
		h = world_hash();
		if (cap_retype(ram, b->type, b->offset, b->objsize, b->count, &S[0]) != b->want)
			test_fail(__FILE__, __LINE__, "bad_retypes[%u]: got %s", i,
				  err_name(cap_retype(ram, b->type, b->offset, b->objsize,
						      b->count, &S[0])));
		CHECK_EQ(world_hash(), h);
	}
}

TEST(retype_error_order_and_sources)
{
	struct cte *ram = setup();
	struct cap ro = mkcap(CAP_RAM, CAP_RIGHT_READ, 2 * RAM_BASE, PG * 4);
	struct cap fr = mkcap(CAP_FRAME, CAP_RIGHTS_ALL, 0, PG);
	uint64_t h;

	cap_install_root(&boot[2], &ro);
	cap_install_root(&boot[3], &fr);
	h = world_hash();
	/* Empty source first, whatever else is wrong. */
	CHECK_EQ(cap_retype(&boot[1], CAP_KERNEL, 1, 1, 0, &S[0]), ERR_CAP_EMPTY);
	CHECK_EQ(cap_retype(&boot[3], CAP_FRAME, 0, PG, 1, &S[0]), ERR_CAP_WRONG_TYPE);
	CHECK_EQ(cap_retype(&boot[3], CAP_KERNEL, 1, 1, 0, &S[0]), ERR_CAP_WRONG_TYPE);
	CHECK_EQ(cap_retype(&boot[2], CAP_FRAME, 0, PG, 1, &S[0]), ERR_CAP_RIGHTS);
	CHECK_EQ(cap_retype(&boot[2], CAP_KERNEL, 1, 1, 0, &S[0]), ERR_CAP_RIGHTS);
	CHECK_EQ(world_hash(), h);

	/* Slots in use come last: overlap, then the destination. */
	CHECK_EQ(cap_retype(ram, CAP_FRAME, 0, PG, 1, &S[5]), OK);
	h = world_hash();
	CHECK_EQ(cap_retype(ram, CAP_FRAME, 0, PG, 1, &S[5]), ERR_RETYPE_OVERLAP);
	CHECK_EQ(cap_retype(ram, CAP_FRAME, PG, PG, 3, &S[3]), ERR_CAP_SLOT_IN_USE);
	CHECK_EQ(cap_retype(ram, CAP_FRAME, PG, PG, 3, &S[4]), ERR_CAP_SLOT_IN_USE);
	CHECK_EQ(cap_retype(ram, CAP_FRAME, PG, PG, 1, ram), ERR_CAP_SLOT_IN_USE);
	CHECK_EQ(world_hash(), h);
	CHECK(cap_is_empty(&S[3]) && cap_is_empty(&S[4]));
	/* Right next to the first frame, and the whole count limit. */
	CHECK_EQ(cap_retype(ram, CAP_FRAME, PG, PG, 3, &S[6]), OK);
	CHECK_EQ(cap_retype(ram, CAP_ENDPOINT, 4 * PG, 0, 4096, &S[100]), OK);
	CHECK_EQ(S[100 + 4095].cap.base, RAM_BASE + 4 * PG + 4095 * 64);
	CHECK_EQ(nchildren(ram), 4 + 4096);
	CHECK_EQ(cap_retype(ram, CAP_RAM, 0x200000, RAM_SIZE - 0x200000, 1, &S[9]), OK);
	CHECK(all_links_ok());

	/* A CNode of 2^32 slots fits in 1 TiB of RAM but not in a 32-bit
	 * count of slots (nothing is touched: the RAM is not in the arena). */
	cap_install_root(&boot[5], &(struct cap){ .type = CAP_RAM, .rights = CAP_RIGHTS_ALL,
						  .base = 0, .size = 1ull << 40 });
	CHECK_EQ(cap_retype(&boot[5], CAP_CNODE, 0, (uint64_t)CTE_SIZE << 32, 1, &S[10]),
		 ERR_RETYPE_SIZE);
	CHECK(cap_is_empty(&S[10]));
}

TEST(retype_small_cnode_and_last_byte)
{
	struct cte *ram = setup();

	CHECK_EQ(cap_retype(ram, CAP_CNODE, 0, 16 * CTE_SIZE, 1, &S[0]), OK);
	CHECK_EQ(S[0].cap.aux, 4);
	CHECK_EQ(S[0].cap.size, 1024);
	CHECK_EQ(cap_retype(ram, CAP_ENDPOINT, RAM_SIZE - 64, 0, 1, &S[1]), OK);
	CHECK_EQ(cap_retype(ram, CAP_CNODE, RAM_SIZE / 4, RAM_SIZE / 2, 1, &S[2]), OK);
	CHECK_EQ(S[2].cap.aux, 17);
	CHECK_EQ(cnode_nslots(&S[2].cap), 1u << 17);
}

TEST(ram_split_then_retype_from_the_small_ram)
{
	struct cte *ram = setup(), *small = &S[0], *s2 = &S[1];

	CHECK_EQ(cap_retype(ram, CAP_RAM, 64 * KiB, 64 * KiB, 2, small), OK);
	CHECK(small->parent == ram && s2->parent == ram);
	CHECK_EQ(small->cap.base, RAM_BASE + 64 * KiB);
	/* Its range is used, as far as the big RAM knows. */
	CHECK_EQ(cap_retype(ram, CAP_FRAME, 100 * KiB, PG, 1, &S[10]), ERR_RETYPE_OVERLAP);
	CHECK_EQ(cap_retype(ram, CAP_FRAME, 192 * KiB, PG, 1, &S[10]), OK);

	CHECK_EQ(cap_retype(small, CAP_FRAME, 0, PG, 15, &S[20]), OK);
	CHECK_EQ(S[20].cap.base, RAM_BASE + 64 * KiB);
	CHECK(S[20].parent == small && small->first_child == &S[20]);
	CHECK_EQ(cap_retype(small, CAP_FRAME, 14 * PG, PG, 2, &S[40]), ERR_RETYPE_OVERLAP);
	CHECK_EQ(cap_retype(small, CAP_FRAME, 16 * PG, PG, 1, &S[40]), ERR_RETYPE_SIZE);
	CHECK_EQ(cap_retype(small, CAP_RAM, 15 * PG, PG, 1, &S[40]), OK);
	CHECK_EQ(cap_retype(&S[40], CAP_ENDPOINT, 0, 0, 64, &S[50]), OK);
	CHECK_EQ(cap_retype(&S[40], CAP_ENDPOINT, 0, 0, 1, &S[120]), ERR_RETYPE_OVERLAP);
	CHECK_EQ(S[113].cap.base, RAM_BASE + 128 * KiB - 64);
	CHECK_EQ(nchildren(small), 16);
	CHECK_EQ(nchildren(&S[40]), 64);
	/* RAM is only moved, never copied. */
	CHECK_EQ(cap_copy(&S[200], small), ERR_CAP_NOT_COPYABLE);
	CHECK_EQ(cap_mint(&S[200], small, CAP_RIGHT_READ, 0), ERR_CAP_NOT_COPYABLE);
	CHECK(all_links_ok());
}

/* ---- Copy, mint, move ---- */

TEST(copy_and_mint)
{
	struct cte *ram = setup(), *f = &S[0], *e = &S[1];
	struct cap k = mkcap(CAP_KERNEL, CAP_RIGHTS_ALL, 0, 0);

	CHECK_EQ(cap_retype(ram, CAP_FRAME, 0, PG, 1, f), OK);
	CHECK_EQ(cap_retype(ram, CAP_ENDPOINT, PG, 0, 1, e), OK);
	f->cap.word = maprec_make(0x9000, 12);

	CHECK_EQ(cap_copy(&S[10], f), OK);
	CHECK(cap_same_object(&S[10].cap, &f->cap));
	CHECK_EQ(S[10].cap.rights, CAP_RIGHTS_ALL);
	CHECK_EQ(S[10].cap.word, 0);		/* a copy is not mapped */
	CHECK(S[10].parent == f && f->first_child == &S[10]);
	CHECK_EQ(cap_mint(&S[11], f, CAP_RIGHT_READ | CAP_RIGHT_GRANT, 77), OK);
	CHECK_EQ(S[11].cap.rights, CAP_RIGHT_READ | CAP_RIGHT_GRANT);
	CHECK_EQ(S[11].cap.word, 0);		/* badge ignored, not mapped */
	CHECK(S[10].next == &S[11] && S[11].prev == &S[10] && S[11].parent == f);
	/* Rights can only shrink. */
	CHECK_EQ(cap_mint(&S[12], &S[11], CAP_RIGHTS_ALL, 0), OK);
	CHECK_EQ(S[12].cap.rights, CAP_RIGHT_READ | CAP_RIGHT_GRANT);
	CHECK_EQ(cap_copy(&S[13], &S[12]), OK);
	CHECK_EQ(S[13].cap.rights, CAP_RIGHT_READ | CAP_RIGHT_GRANT);
	CHECK_EQ(cap_mint(&S[14], &S[12], 0, 0), OK);
	CHECK_EQ(S[14].cap.rights, 0);

	/* Badges. */
	CHECK_EQ(cap_copy(&S[20], e), OK);
	CHECK_EQ(S[20].cap.word, 0);
	CHECK_EQ(cap_mint(&S[21], e, CAP_RIGHT_WRITE, 7), OK);
	CHECK_EQ(S[21].cap.word, 7);
	CHECK_EQ(S[21].cap.rights, CAP_RIGHT_WRITE);
	CHECK_EQ(cap_copy(&S[22], &S[21]), OK);
	CHECK_EQ(S[22].cap.word, 7);
	CHECK_EQ(cap_mint(&S[23], &S[21], CAP_RIGHTS_ALL, 0), OK);
	CHECK_EQ(S[23].cap.word, 7);
	CHECK_EQ(S[23].cap.rights, CAP_RIGHT_WRITE);
	CHECK_EQ(cap_mint(&S[24], &S[21], CAP_RIGHTS_ALL, 7), OK);
	CHECK_EQ(S[24].cap.word, 7);
	CHECK_EQ(cap_mint(&S[25], &S[21], CAP_RIGHTS_ALL, 9), ERR_INVALID_ARG);
	CHECK(cap_is_empty(&S[25]));
	CHECK_EQ(cap_mint(&S[25], e, CAP_RIGHTS_ALL, ~0ull), OK);
	CHECK_EQ(S[25].cap.word, ~0ull);
	CHECK(cap_same_object(&S[25].cap, &e->cap));

	/* Objects with no memory copy too. */
	cap_install_root(&boot[1], &k);
	CHECK_EQ(cap_copy(&S[30], &boot[1]), OK);
	CHECK(S[30].parent == &boot[1]);
	CHECK(all_links_ok());
}

TEST(copy_and_mint_errors)
{
	struct cte *ram = setup();
	uint64_t h;

	CHECK_EQ(cap_retype(ram, CAP_FRAME, 0, PG, 2, &S[0]), OK);
	h = world_hash();
	CHECK_EQ(cap_copy(&S[5], &S[4]), ERR_CAP_EMPTY);
	CHECK_EQ(cap_mint(&S[5], &S[4], CAP_RIGHTS_ALL, 0), ERR_CAP_EMPTY);
	CHECK_EQ(cap_copy(&S[0], &S[4]), ERR_CAP_EMPTY);
	CHECK_EQ(cap_copy(&S[5], ram), ERR_CAP_NOT_COPYABLE);
	CHECK_EQ(cap_copy(&S[0], ram), ERR_CAP_NOT_COPYABLE);
	CHECK_EQ(cap_copy(&S[1], &S[0]), ERR_CAP_SLOT_IN_USE);
	CHECK_EQ(cap_copy(&S[0], &S[0]), ERR_CAP_SLOT_IN_USE);
	CHECK_EQ(cap_mint(&S[1], &S[0], CAP_RIGHT_READ, 0), ERR_CAP_SLOT_IN_USE);
	CHECK_EQ(cap_copy(ram, &S[0]), ERR_CAP_SLOT_IN_USE);
	CHECK_EQ(world_hash(), h);
}

TEST(move_keeps_tree_place)
{
	struct cte *ram = setup();
	uint64_t h;
	struct cap saved;

	/* ram -> [S0, S1, S2]; S1 -> [S10, S11]; S10 -> [S20]. */
	CHECK_EQ(cap_retype(ram, CAP_FRAME, 0, PG, 3, &S[0]), OK);
	CHECK_EQ(cap_copy(&S[10], &S[1]), OK);
	CHECK_EQ(cap_copy(&S[11], &S[1]), OK);
	CHECK_EQ(cap_copy(&S[20], &S[10]), OK);
	saved = S[1].cap;

	CHECK_EQ(cap_move(&S[100], &S[1]), OK);
	CHECK(cap_is_empty(&S[1]) && links_ok(&S[1]));
	CHECK(memcmp(&S[100].cap, &saved, sizeof(saved)) == 0);
	CHECK(S[0].next == &S[100] && S[2].prev == &S[100]);
	CHECK(S[100].parent == ram && S[10].parent == &S[100] && S[11].parent == &S[100]);
	/* First child: the parent's pointer follows. */
	CHECK_EQ(cap_move(&S[101], &S[0]), OK);
	CHECK(ram->first_child == &S[101] && S[100].prev == &S[101]);
	CHECK_EQ(cap_move(&S[102], &S[10]), OK);
	CHECK(S[100].first_child == &S[102] && S[20].parent == &S[102]);
	CHECK(S[102].next == &S[11] && S[11].prev == &S[102]);
	/* A root, and the last child. */
	CHECK_EQ(cap_move(&boot[4], ram), OK);
	CHECK(S[101].parent == &boot[4] && boot[4].first_child == &S[101]);
	CHECK_EQ(cap_move(&S[103], &S[2]), OK);
	CHECK(S[100].next == &S[103] && S[103].next == NULL);
	CHECK(all_links_ok());

	h = world_hash();
	CHECK_EQ(cap_move(&S[103], &S[103]), OK);
	CHECK_EQ(cap_move(&S[5], &S[6]), ERR_CAP_EMPTY);
	CHECK_EQ(cap_move(&S[6], &S[6]), ERR_CAP_EMPTY);
	CHECK_EQ(cap_move(&S[100], &S[101]), ERR_CAP_SLOT_IN_USE);
	CHECK_EQ(world_hash(), h);
}

/* ---- Delete ---- */

static struct { struct cte *c; bool last; uint64_t word; uint8_t type; } calls[64];
static unsigned ncalls;

static void record_delete(struct cte *c, bool last)
{
	if (ncalls < 64)
		calls[ncalls++] = (typeof(calls[0])){ c, last, c->cap.word, c->cap.type };
}

TEST(delete_splices_children_in_order)
{
	struct cte *ram = setup(), *f = &S[1];

	/* ram -> [S0, S1, S2]; S1 -> [S10, S11, S12]; S11 -> [S20]. */
	CHECK_EQ(cap_retype(ram, CAP_FRAME, 0, PG, 3, &S[0]), OK);
	for (unsigned i = 10; i < 13; i++)
		CHECK_EQ(cap_copy(&S[i], f), OK);
	CHECK_EQ(cap_copy(&S[20], &S[11]), OK);
	CHECK(!cap_is_last(f) && !cap_is_last(&S[10]) && !cap_is_last(&S[20]));
	CHECK(cap_is_last(&S[0]) && cap_is_last(&S[2]));

	cap_hook_delete_fn = record_delete;
	ncalls = 0;
	CHECK_EQ(cap_delete(f), OK);
	CHECK(cap_is_empty(f) && links_ok(f));
	CHECK(ncalls == 1 && calls[0].c == f && !calls[0].last);
	CHECK(S[0].next == &S[10] && S[10].next == &S[11] && S[11].next == &S[12] &&
	      S[12].next == &S[2]);
	CHECK(S[2].prev == &S[12] && S[10].prev == &S[0]);
	CHECK(S[10].parent == ram && S[12].parent == ram && S[20].parent == &S[11]);
	CHECK_EQ(nchildren(ram), 5);
	CHECK(all_links_ok());

	/* The spliced copies are siblings: none is last until one is left. */
	CHECK(!cap_is_last(&S[10]) && !cap_is_last(&S[12]));
	CHECK_EQ(cap_delete(&S[10]), OK);
	CHECK_EQ(cap_delete(&S[11]), OK);
	CHECK(S[20].parent == ram && !cap_is_last(&S[20]) && !cap_is_last(&S[12]));
	CHECK_EQ(cap_delete(&S[12]), OK);
	CHECK(cap_is_last(&S[20]));
	CHECK_EQ(cap_hook_counts.last_deletes, 0);
	CHECK_EQ(cap_delete(&S[20]), OK);
	CHECK(ncalls == 5 && calls[4].last && calls[4].c == &S[20]);
	CHECK_EQ(cap_hook_counts.last_deletes, 1);
	CHECK(ram->first_child == &S[0] && S[0].next == &S[2]);
	CHECK_EQ(cap_delete(&S[20]), ERR_CAP_EMPTY);
	CHECK_EQ(cap_delete(f), ERR_CAP_EMPTY);
	CHECK_EQ(cap_hook_counts.deletes, 5);
	CHECK(all_links_ok());
}

TEST(delete_root_with_copies_and_objectless_types)
{
	struct cap k = mkcap(CAP_KERNEL, CAP_RIGHTS_ALL, 0, 0);
	struct cap irq = mkcap(CAP_IRQ, CAP_RIGHTS_ALL, 9, 0);

	setup();
	cap_install_root(&boot[1], &k);
	cap_install_root(&boot[2], &irq);
	CHECK(cap_is_last(&boot[1]) && cap_is_last(&boot[2]));
	CHECK_EQ(cap_copy(&S[0], &boot[1]), OK);
	CHECK_EQ(cap_copy(&S[1], &boot[1]), OK);
	CHECK_EQ(cap_copy(&S[2], &S[1]), OK);
	CHECK_EQ(cap_copy(&S[3], &boot[2]), OK);
	CHECK(!cap_is_last(&boot[1]) && !cap_is_last(&S[0]));
	/* A different IRQ is a different object. */
	CHECK(!cap_same_object(&boot[1].cap, &boot[2].cap));

	cap_hook_delete_fn = record_delete;
	ncalls = 0;
	CHECK_EQ(cap_delete(&boot[1]), OK);
	/* Its children are roots now, still linked as siblings. */
	CHECK(S[0].parent == NULL && S[1].parent == NULL);
	CHECK(S[0].next == &S[1] && S[1].prev == &S[0] && S[2].parent == &S[1]);
	CHECK(!cap_is_last(&S[0]) && !cap_is_last(&S[1]));
	CHECK_EQ(cap_delete(&S[0]), OK);
	CHECK_EQ(cap_delete(&S[1]), OK);
	CHECK(S[2].parent == NULL && cap_is_last(&S[2]));
	CHECK_EQ(cap_delete(&S[2]), OK);
	CHECK(ncalls == 4 && !calls[0].last && !calls[1].last && !calls[2].last &&
	      calls[3].last);
	CHECK_EQ(cap_delete(&boot[2]), OK);
	CHECK(!calls[4].last && cap_is_last(&S[3]));
	CHECK_EQ(cap_delete(&S[3]), OK);
	CHECK(calls[5].last && calls[5].type == CAP_IRQ);
	CHECK(all_links_ok());
}

TEST(delete_hook_sees_the_mapping_record)
{
	struct cte *ram = setup(), *f = &S[0];

	CHECK_EQ(cap_retype(ram, CAP_FRAME, 0, PG, 1, f), OK);
	CHECK_EQ(cap_retype(ram, CAP_PTABLE, PG, 0, 1, &S[1]), OK);
	f->cap.word = maprec_make(RAM_BASE + PG, 511);
	CHECK_EQ(cap_copy(&S[2], f), OK);
	S[2].cap.word = maprec_make(RAM_BASE + PG, 3);
	CHECK_EQ(cap_mint(&S[3], &S[2], CAP_RIGHT_READ, 0), OK);
	CHECK_EQ(S[3].cap.word, 0);

	cap_hook_delete_fn = record_delete;
	ncalls = 0;
	CHECK_EQ(cap_delete(&S[3]), OK);
	CHECK_EQ(cap_delete(&S[2]), OK);
	CHECK_EQ(cap_delete(f), OK);
	CHECK_EQ(ncalls, 3);
	CHECK(!maprec_valid(calls[0].word) && !calls[0].last);
	CHECK(maprec_valid(calls[1].word) && !calls[1].last);
	CHECK_EQ(maprec_entry(calls[1].word), 3);
	CHECK(maprec_valid(calls[2].word) && calls[2].last);
	CHECK_EQ(maprec_table(calls[2].word), RAM_BASE + PG);
	CHECK_EQ(maprec_entry(calls[2].word), 511);
	CHECK(cap_is_empty(f) && f->cap.word == 0);
}

/* ---- Revoke ---- */

TEST(revoke_deletes_every_descendant)
{
	struct cte *ram = setup(), *f = &S[0];
	uint64_t h;

	/* f -> [S1 -> [S3, S4 -> [S5]], S2]; S6 beside f. */
	CHECK_EQ(cap_retype(ram, CAP_FRAME, 0, PG, 1, f), OK);
	CHECK_EQ(cap_retype(ram, CAP_FRAME, PG, PG, 1, &S[6]), OK);
	CHECK_EQ(cap_copy(&S[1], f), OK);
	CHECK_EQ(cap_copy(&S[2], f), OK);
	CHECK_EQ(cap_copy(&S[3], &S[1]), OK);
	CHECK_EQ(cap_mint(&S[4], &S[1], CAP_RIGHT_READ, 0), OK);
	CHECK_EQ(cap_copy(&S[5], &S[4]), OK);

	CHECK_EQ(cap_revoke(f), OK);
	CHECK(f->first_child == NULL && !cap_is_empty(f) && cap_is_last(f));
	for (unsigned i = 1; i < 6; i++)
		CHECK(cap_is_empty(&S[i]));
	CHECK_EQ(cap_hook_counts.deletes, 5);
	CHECK_EQ(cap_hook_counts.last_deletes, 0);
	CHECK(ram->first_child == f && f->next == &S[6]);
	CHECK(all_links_ok());

	h = world_hash();
	CHECK_EQ(cap_revoke(f), OK);
	CHECK_EQ(cap_revoke(&S[1]), ERR_CAP_EMPTY);
	CHECK_EQ(world_hash(), h);
}

static void not_empty(struct cte *c, bool last)
{
	CHECK(!cap_is_empty(c));
}

/* Destroying a CNode may delete capabilities that revoke was about to
 * visit: here the RAM that the CNode was made from lives in it. */
TEST(revoke_restarts_after_a_cnode_is_destroyed)
{
	struct cte *ram = setup(), *x = &S[1], *xs;

	CHECK_EQ(cap_retype(ram, CAP_RAM, 0, 64 * KiB, 1, &S[0]), OK);
	CHECK_EQ(cap_retype(&S[0], CAP_CNODE, 0, 16 * CTE_SIZE, 1, x), OK);
	xs = cnode_slots(&x->cap);
	CHECK_EQ(cap_retype(&S[0], CAP_FRAME, PG, PG, 1, &xs[5]), OK);
	CHECK_EQ(cap_retype(ram, CAP_FRAME, 128 * KiB, PG, 1, &S[2]), OK);
	CHECK_EQ(cap_move(&xs[0], &S[0]), OK);
	cap_hook_delete_fn = not_empty;
	CHECK_EQ(cap_revoke(ram), OK);
	CHECK(ram->first_child == NULL && cap_is_empty(x) && cap_is_empty(&S[2]));
	CHECK_EQ(cap_hook_counts.deletes, 4);
	CHECK_EQ(cap_hook_counts.last_deletes, 4);
}

TEST(revoke_chain_of_10000_copies)
{
	struct cte *ram = setup();
	const unsigned n = 10000;

	CHECK_EQ(cap_retype(ram, CAP_ENDPOINT, 0, 0, 1, &S[0]), OK);
	for (unsigned i = 1; i <= n; i++)
		CHECK_EQ(cap_mint(&S[i], &S[i - 1], CAP_RIGHTS_ALL, i == 1 ? 5 : 0), OK);
	CHECK_EQ(S[n].cap.word, 5);
	CHECK_EQ(cap_revoke(&S[1]), OK);
	CHECK(S[1].first_child == NULL && S[0].first_child == &S[1]);
	CHECK_EQ(cap_hook_counts.deletes, n - 1);
	for (unsigned i = 2; i <= n; i++)
		CHECK(cap_is_empty(&S[i]));

	/* Again, from the object's first capability, and by deletes. */
	for (unsigned i = 2; i <= n; i++)
		CHECK_EQ(cap_copy(&S[i], &S[i - 1]), OK);
	CHECK_EQ(cap_delete(&S[n / 2]), OK);
	CHECK(S[n / 2 + 1].parent == &S[n / 2 - 1]);
	CHECK_EQ(cap_revoke(&S[0]), OK);
	CHECK(S[0].first_child == NULL && cap_is_last(&S[0]));
	CHECK_EQ(cap_hook_counts.deletes, 2 * n - 1);
	CHECK_EQ(cap_hook_counts.last_deletes, 0);
	CHECK(all_links_ok());
}

TEST(revoke_wide_ram)
{
	struct cte *ram = setup();

	CHECK_EQ(cap_retype(ram, CAP_ENDPOINT, 0, 0, 4096, &S[0]), OK);
	CHECK_EQ(cap_retype(ram, CAP_FRAME, 256 * KiB, PG, 2048, &S[4096]), OK);
	CHECK_EQ(cap_revoke(ram), OK);
	CHECK_EQ(cap_hook_counts.deletes, 6144);
	CHECK_EQ(cap_hook_counts.last_deletes, 6144);
	CHECK(ram->first_child == NULL);
}

/* ---- CNode destruction ---- */

/* Called for every delete: a destroyed CNode must be empty by then. */
static void check_cnode_empty(struct cte *c, bool last)
{
	struct cte *s = cnode_slots(&c->cap);

	if (!last || c->cap.type != CAP_CNODE)
		return;
	CHECK(c->cap.flags & CAPF_ZOMBIE || (c->first_child == NULL && c->parent));
	for (uint32_t i = 0; i < cnode_nslots(&c->cap); i++)
		CHECK(cap_is_empty(&s[i]) || (s[i].cap.flags & CAPF_ZOMBIE));
}

TEST(cnode_destruction_deletes_its_slots)
{
	struct cte *ram = setup(), *cn = &boot[1], *s;

	CHECK_EQ(cap_retype(ram, CAP_CNODE, 0, 16 * CTE_SIZE, 1, cn), OK);
	s = cnode_slots(&cn->cap);
	/* s0: a frame only held here; s3: a copy of S0's frame; s5: a copy of
	 * the CNode itself; s2: a child CNode holding an endpoint; s7: the
	 * endpoint's copy. */
	CHECK_EQ(cap_retype(ram, CAP_FRAME, PG, PG, 1, &s[0]), OK);
	CHECK_EQ(cap_retype(ram, CAP_FRAME, 2 * PG, PG, 1, &S[0]), OK);
	CHECK_EQ(cap_copy(&s[3], &S[0]), OK);
	CHECK_EQ(cap_copy(&s[5], cn), OK);
	CHECK_EQ(cap_retype(ram, CAP_CNODE, 3 * PG, 16 * CTE_SIZE, 1, &s[2]), OK);
	CHECK_EQ(cap_retype(ram, CAP_ENDPOINT, 4 * PG, 0, 1, &cnode_slots(&s[2].cap)[9]), OK);
	CHECK_EQ(cap_copy(&s[7], &cnode_slots(&s[2].cap)[9]), OK);

	cap_hook_delete_fn = check_cnode_empty;
	/* Not the last: the copy in s5 is. */
	CHECK_EQ(cap_delete(cn), OK);
	CHECK_EQ(cap_hook_counts.deletes, 1);
	CHECK_EQ(cap_hook_counts.last_deletes, 0);
	CHECK(s[5].parent == ram && cap_is_last(&s[5]));
	CHECK(!cap_is_empty(&s[0]));

	CHECK_EQ(cap_delete(&s[5]), OK);
	for (unsigned i = 0; i < 16; i++)
		CHECK(cap_is_empty(&s[i]));
	CHECK(cap_is_last(&S[0]) && S[0].first_child == NULL);
	/* s5, s0, s2's endpoint, s2, s3, s7, and the CNode: the frame of S0
	 * was not the last, nor the endpoint's copy. */
	CHECK_EQ(cap_hook_counts.deletes, 1 + 6);
	CHECK_EQ(cap_hook_counts.last_deletes, 4);
	CHECK(ram->first_child == &S[0] && S[0].next == NULL);
	CHECK(all_links_ok());
}

/* CNode i holds the only capability to CNode i + 1 (in slot i % 16) and a
 * frame; the first one is in boot[1]. */
static void build_nested(struct cte *ram, unsigned depth)
{
	struct cte *at = &boot[1];

	for (unsigned i = 0; i < depth; i++) {
		struct cte *s;

		CHECK_EQ(cap_retype(ram, CAP_CNODE, 2 * i * PG, 16 * CTE_SIZE, 1, at), OK);
		s = cnode_slots(&at->cap);
		CHECK_EQ(cap_retype(ram, CAP_FRAME, (2 * i + 1) * PG, PG, 1, &s[(i + 7) % 16]), OK);
		at = &s[i % 16];
	}
}

static unsigned long zombie_cnodes;

static void count_zombies(struct cte *c, bool last)
{
	check_cnode_empty(c, last);
	if (c->cap.flags & CAPF_ZOMBIE)
		zombie_cnodes++;
}

TEST(cnodes_nested_1000_deep)
{
	struct cte *ram = setup();

	build_nested(ram, 1000);
	if (test_failed)
		return;
	CHECK_EQ(nchildren(ram), 2000);
	cap_hook_delete_fn = count_zombies;
	zombie_cnodes = 0;
	CHECK_EQ(cap_delete(&boot[1]), OK);
	CHECK_EQ(cap_hook_counts.deletes, 2000);
	CHECK_EQ(cap_hook_counts.last_deletes, 2000);
	CHECK_EQ(zombie_cnodes, 1000);
	CHECK(ram->first_child == NULL && cap_is_empty(&boot[1]));
	CHECK(zeroed(RAM_BASE, 2000 * PG));

	/* The same through revoking the RAM. */
	build_nested(ram, 1000);
	cap_hooks_reset();
	cap_hook_delete_fn = check_cnode_empty;
	CHECK_EQ(cap_revoke(ram), OK);
	CHECK_EQ(cap_hook_counts.last_deletes, 2000);
	CHECK(ram->first_child == NULL && cap_is_empty(&boot[1]));
}

TEST(cnode_holding_its_own_capability)
{
	struct cte *ram = setup(), *cn = &boot[1], *s;

	CHECK_EQ(cap_retype(ram, CAP_CNODE, 0, 16 * CTE_SIZE, 1, cn), OK);
	s = cnode_slots(&cn->cap);
	CHECK_EQ(cap_retype(ram, CAP_FRAME, PG, PG, 1, &s[3]), OK);
	CHECK_EQ(cap_move(&s[9], cn), OK);
	CHECK(cap_is_empty(cn) && cap_is_last(&s[9]));
	cap_hook_delete_fn = check_cnode_empty;
	CHECK_EQ(cap_delete(&s[9]), OK);
	CHECK(cap_is_empty(&s[9]) && cap_is_empty(&s[3]));
	CHECK_EQ(cap_hook_counts.last_deletes, 2);
	CHECK(ram->first_child == NULL);

	/* Unreachable once its outside copy goes; revoking the RAM finds it. */
	CHECK_EQ(cap_retype(ram, CAP_CNODE, 0, 16 * CTE_SIZE, 1, cn), OK);
	CHECK_EQ(cap_retype(ram, CAP_FRAME, PG, PG, 1, &s[3]), OK);
	CHECK_EQ(cap_copy(&s[0], cn), OK);
	cap_hooks_reset();
	cap_hook_delete_fn = check_cnode_empty;
	CHECK_EQ(cap_delete(cn), OK);
	CHECK_EQ(cap_hook_counts.last_deletes, 0);
	CHECK(s[0].parent == ram);
	CHECK_EQ(cap_revoke(ram), OK);
	CHECK(cap_is_empty(&s[0]) && cap_is_empty(&s[3]) && ram->first_child == NULL);
	CHECK_EQ(cap_hook_counts.last_deletes, 2);
	CHECK(all_links_ok());
}

TEST(cycle_of_two_cnodes)
{
	struct cte *ram = setup(), *a, *b;

	CHECK_EQ(cap_retype(ram, CAP_CNODE, 0, 16 * CTE_SIZE, 2, &boot[1]), ERR_RETYPE_ALIGN);
	CHECK_EQ(cap_retype(ram, CAP_CNODE, 0, 64 * CTE_SIZE, 2, &boot[1]), OK);
	a = cnode_slots(&boot[1].cap);
	b = cnode_slots(&boot[2].cap);
	CHECK_EQ(cap_retype(ram, CAP_FRAME, 2 * PG, PG, 1, &a[40]), OK);
	CHECK_EQ(cap_retype(ram, CAP_FRAME, 3 * PG, PG, 1, &b[2]), OK);
	CHECK_EQ(cap_move(&a[10], &boot[2]), OK);	/* A holds B */
	CHECK_EQ(cap_move(&b[5], &boot[1]), OK);	/* B holds A */
	CHECK(cap_is_empty(&boot[1]) && cap_is_empty(&boot[2]));

	cap_hook_delete_fn = check_cnode_empty;
	CHECK_EQ(cap_revoke(ram), OK);
	CHECK(ram->first_child == NULL);
	CHECK_EQ(cap_hook_counts.deletes, 4);
	CHECK_EQ(cap_hook_counts.last_deletes, 4);
	CHECK(zeroed(RAM_BASE, 4 * PG));
}

TEST(revoke_ram_destroys_everything_then_retype_again)
{
	struct cte *ram = setup(), *cn = &S[0], *s;

	CHECK_EQ(cap_retype(ram, CAP_CNODE, 0, 256 * CTE_SIZE, 1, cn), OK);
	s = cnode_slots(&cn->cap);
	CHECK_EQ(cap_retype(ram, CAP_FRAME, 16 * KiB, PG, 8, &s[0]), OK);
	CHECK_EQ(cap_retype(ram, CAP_ENDPOINT, 64 * KiB, 0, 16, &S[10]), OK);
	CHECK_EQ(cap_retype(ram, CAP_DISPATCHER, 68 * KiB, 0, 1, &s[20]), OK);
	CHECK_EQ(cap_retype(ram, CAP_PML4, 72 * KiB, 0, 1, &S[30]), OK);
	CHECK_EQ(cap_retype(ram, CAP_RAM, 1 * MiB, 1 * MiB, 2, &S[40]), OK);
	CHECK_EQ(cap_retype(&S[40], CAP_PTABLE, 0, 0, 4, &s[100]), OK);
	CHECK_EQ(cap_copy(&S[50], &s[3]), OK);
	CHECK_EQ(cap_copy(&s[200], &S[50]), OK);
	CHECK_EQ(cap_mint(&s[201], &S[12], CAP_RIGHT_WRITE, 3), OK);
	CHECK_EQ(cap_copy(&s[202], cn), OK);
	CHECK_EQ(cap_hook_counts.created, 1 + 8 + 16 + 1 + 1 + 2 + 4);

	cap_hook_delete_fn = check_cnode_empty;
	CHECK_EQ(cap_revoke(ram), OK);
	CHECK(ram->first_child == NULL && !cap_is_empty(ram));
	CHECK_EQ(cap_hook_counts.last_deletes, cap_hook_counts.created);
	for (unsigned i = 0; i < NSLOTS; i++)
		CHECK(cap_is_empty(&S[i]));
	for (unsigned i = 0; i < 256; i++)
		CHECK(cap_is_empty(&s[i]));
	CHECK_EQ(cap_retype(ram, CAP_FRAME, 0, RAM_SIZE, 1, &S[0]), OK);
	CHECK(zeroed(RAM_BASE, 128 * KiB));
}

TEST(install_root)
{
	struct cte *ram = setup();
	struct cap io = mkcap(CAP_IOPORT, CAP_RIGHT_READ, 0x3F8, 8);

	io.flags = CAPF_ZOMBIE;
	cap_install_root(&S[0], &io);
	CHECK_EQ(S[0].cap.type, CAP_IOPORT);
	CHECK_EQ(S[0].cap.flags, 0);
	CHECK_EQ(S[0].cap.base, 0x3F8);
	CHECK(!S[0].parent && !S[0].first_child && !S[0].next && !S[0].prev);
	CHECK(cap_is_last(&S[0]) && cap_is_last(ram));
	CHECK_EQ(cap_retype(&S[0], CAP_FRAME, 0, PG, 1, &S[1]), ERR_CAP_WRONG_TYPE);
}
