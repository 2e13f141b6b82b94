/*
 * Tests of cap_retype() (lib/cap.c): every type, children appended in
 * order, each error in the order the contract gives (every error changes
 * nothing), the smallest CNode and the last byte of the RAM, and RAM split
 * into smaller RAM that is retyped in turn. Fixtures: cap_fixture.h.
 */
#include <stdint.h>
#include <string.h>
#include "lib/test.h"
#include "cap_fixture.h"
#include "cap_hooks.h"
#include "lib/cap.h"

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
		if (test_failed())
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
	{ CAP_INFO, 0, PG, 1, ERR_RETYPE_TYPE },
	{ CAP_TYPE_COUNT, 0, PG, 1, ERR_RETYPE_TYPE },
	{ 0xFFFFFFFFu, 0, PG, 1, ERR_RETYPE_TYPE },
	{ CAP_INFO, 0x800, 3, 0, ERR_RETYPE_TYPE },		/* type before count */
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
			test_fail("bad_retypes[%u]: got %s", i,
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
	CHECK_EQ(cap_retype(&boot[1], CAP_INFO, 1, 1, 0, &S[0]), ERR_CAP_EMPTY);
	CHECK_EQ(cap_retype(&boot[3], CAP_FRAME, 0, PG, 1, &S[0]), ERR_CAP_WRONG_TYPE);
	CHECK_EQ(cap_retype(&boot[3], CAP_INFO, 1, 1, 0, &S[0]), ERR_CAP_WRONG_TYPE);
	CHECK_EQ(cap_retype(&boot[2], CAP_FRAME, 0, PG, 1, &S[0]), ERR_CAP_RIGHTS);
	CHECK_EQ(cap_retype(&boot[2], CAP_INFO, 1, 1, 0, &S[0]), ERR_CAP_RIGHTS);
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
