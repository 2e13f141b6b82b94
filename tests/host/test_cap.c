/*
 * Tests for lib/cap.c and lib/captypes.c: the mapping record, the type
 * table and its rule for crossing cores, two-level lookup, copy, mint, move, delete and revoke with their
 * tree links, and revoke without recursion (a chain of 10000 copies, a RAM
 * capability with 6144 children). Retype is in test_cap_retype.c, CNode
 * destruction in test_cap_cnode.c, CAPF_REMOTE in test_cap_remote.c; the
 * fixtures are cap_fixture.h, the hooks tests/host/cap_hooks.c.
 */
#include <stdint.h>
#include <string.h>
#include "lib/test.h"
#include "cap_fixture.h"
#include "cap_hooks.h"
#include "lib/cap.h"

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
		{ "INFO", 0, CT_COPY },
		{ "NOTIFY", 0, CT_COPY },
		{ "POWER", 0, CT_COPY },
		{ "DOORBELL", 0, CT_COPY },
		{ "EXPORT", 0, CT_COPY },
		{ "SPAN", 0, CT_COPY },
		{ "CONSOLE", 0, CT_COPY },
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
	CHECK_EQ(CAP_INFO, 13);		/* the Kernel capability's number */
	CHECK_EQ(CAP_CONSOLE, 19);
}

/* Which types may go to another core (cap_type_crosses): every type has
 * a rule and a reason, a Frame alone crosses today, and the rest say why
 * not with the error that fits (docs/urpc.md, "Capabilities across
 * cores"); a type out of range is refused, never let through. */
TEST(type_crossing_rules)
{
	static const err_t want[] = {
		[CAP_NULL] = ERR_CAP_EMPTY,		[CAP_RAM] = OK,
		[CAP_FRAME] = OK,			[CAP_DEVFRAME] = ERR_UNSUPPORTED,
		[CAP_CNODE] = ERR_CAP_CORE_BOUND,	[CAP_PML4] = ERR_CAP_CORE_BOUND,
		[CAP_PDPT] = ERR_CAP_CORE_BOUND,	[CAP_PDIR] = ERR_CAP_CORE_BOUND,
		[CAP_PTABLE] = ERR_CAP_CORE_BOUND,	[CAP_DISPATCHER] = ERR_CAP_CORE_BOUND,
		[CAP_ENDPOINT] = ERR_CAP_CORE_BOUND,	[CAP_IRQ] = ERR_CAP_CORE_BOUND,
		[CAP_IOPORT] = ERR_CAP_CORE_BOUND,	[CAP_INFO] = ERR_CAP_CORE_BOUND,
		[CAP_NOTIFY] = ERR_CAP_CORE_BOUND,	[CAP_POWER] = ERR_CAP_CORE_BOUND,
		[CAP_DOORBELL] = ERR_CAP_CORE_BOUND,	[CAP_EXPORT] = ERR_CAP_CORE_BOUND,
		[CAP_SPAN] = ERR_CAP_CORE_BOUND,	[CAP_CONSOLE] = ERR_CAP_CORE_BOUND,
	};
	static const unsigned bad[] = { CAP_TYPE_COUNT, 255, 0xFFFFFFFFu };

	CHECK_EQ(CAP_TYPE_COUNT, sizeof(want) / sizeof(want[0]));
	for (unsigned t = 0; t < CAP_TYPE_COUNT; t++) {
		const char *why = cap_type_crossing_why(t);

		CHECK(why != NULL && why[0] != '\0');
		CHECK_ERR(cap_type_crosses(t), want[t]);
	}
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_ERR(cap_type_crosses(bad[i]), ERR_CAP_WRONG_TYPE);
		CHECK(cap_type_crossing_why(bad[i]) == NULL);
	}
}

/* ---- Lookup ---- */

TEST(lookup)
{
	struct cte *ram = setup(), *root = &boot[1], *l1, *s;
	struct cap k = mkcap(CAP_INFO, CAP_RIGHTS_ALL, 0, 0);

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

/* ---- Copy, mint, move ---- */

TEST(copy_and_mint)
{
	struct cte *ram = setup(), *f = &S[0], *e = &S[1];
	struct cap k = mkcap(CAP_INFO, CAP_RIGHTS_ALL, 0, 0);

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
	struct cap k = mkcap(CAP_INFO, CAP_RIGHTS_ALL, 0, 0);
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
	struct cte *ram = boot, *f = &S[0];
	uint64_t h;

	CHECK(setup_revoke_tree());	/* f -> [S1 -> [S3, S4 -> [S5]], S2]; S6 beside f */

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

static const struct cte *wanted;

static bool is_wanted(const struct cte *c)
{
	return c == wanted;
}

/* The subtree search revoke uses (for CAPF_REMOTE, and the kernel for
 * mappings in a spanned tree): descendants only, at any depth, never c,
 * its siblings or its ancestors; and it changes nothing. */
TEST(any_below_searches_descendants_only)
{
	struct cte *f = &S[0];
	uint64_t h;

	CHECK(setup_revoke_tree());	/* f -> [S1 -> [S3, S4 -> [S5]], S2]; S6 beside f */
	h = world_hash();
	for (unsigned i = 1; i <= 5; i++) {
		wanted = &S[i];
		CHECK(cap_any_below(f, is_wanted));
	}
	wanted = &S[5];
	CHECK(cap_any_below(&S[1], is_wanted) && cap_any_below(&S[4], is_wanted));
	CHECK(!cap_any_below(&S[3], is_wanted) && !cap_any_below(&S[2], is_wanted));
	CHECK(!cap_any_below(&S[5], is_wanted));	/* not itself */
	wanted = &S[6];
	CHECK(!cap_any_below(f, is_wanted));		/* a sibling */
	wanted = f;
	CHECK(!cap_any_below(f, is_wanted) && !cap_any_below(&S[1], is_wanted));
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

/* ---- Roots ---- */

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
