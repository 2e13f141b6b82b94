/*
 * CAPF_REMOTE (lib/cap.h): cap_delete refuses a flagged slot and cap_revoke
 * any ancestor of one (ERR_CAP_REMOTE), changing nothing; revoking the
 * flagged capability itself deletes its descendants; copies and mints do
 * not inherit the flag, a move keeps it; memory anchored by a flagged copy
 * cannot be retyped; the destruction of a CNode deletes a flagged slot in
 * it anyway (the documented limitation); and the search for a flag below
 * a capability walks a 10000-deep tree on a 128 KiB stack.
 * CAPF_IMPORT: an import's copies and mints keep it; imported RAM may be
 * copied but not retyped (ERR_CAP_NOT_OWNER), while RAM of one's own is
 * still not copyable.
 * Fixtures: cap_fixture.h.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include "lib/test.h"
#include "cap_fixture.h"
#include "cap_hooks.h"
#include "lib/cap.h"

static bool remote(const struct cte *c)
{
	return c->cap.flags & CAPF_REMOTE;
}

TEST(remote_set_and_clear)
{
	struct cte *ram = setup();
	struct cap before;
	uint64_t h;

	CHECK_EQ(cap_retype(ram, CAP_ENDPOINT, 0, 0, 1, &S[0]), OK);
	CHECK_EQ(cap_mint(&S[1], &S[0], CAP_RIGHT_WRITE, 42), OK);
	before = S[1].cap;

	/* Only the flag changes; setting or clearing twice is harmless. */
	CHECK_EQ(cap_set_remote(&S[1], true), OK);
	CHECK_EQ(S[1].cap.flags, CAPF_REMOTE);
	CHECK_EQ(cap_set_remote(&S[1], true), OK);
	CHECK_EQ(S[1].cap.flags, CAPF_REMOTE);
	S[1].cap.flags = 0;
	CHECK(memcmp(&S[1].cap, &before, sizeof(before)) == 0);
	S[1].cap.flags = CAPF_REMOTE;
	CHECK(S[1].parent == &S[0] && S[0].first_child == &S[1]);
	CHECK_EQ(cap_set_remote(&S[1], false), OK);
	CHECK(memcmp(&S[1].cap, &before, sizeof(before)) == 0);
	CHECK_EQ(cap_set_remote(&S[1], false), OK);
	CHECK_EQ(S[1].cap.flags, 0);

	/* An empty slot. */
	h = world_hash();
	CHECK_EQ(cap_set_remote(&S[7], true), ERR_CAP_EMPTY);
	CHECK_EQ(cap_set_remote(&S[7], false), ERR_CAP_EMPTY);
	CHECK(cap_is_empty(&S[7]) && links_ok(&S[7]));
	CHECK_EQ(world_hash(), h);
}

TEST(remote_delete_refused_changes_nothing)
{
	struct cte *ram = setup(), *f = &S[0];
	struct cap k = mkcap(CAP_INFO, CAP_RIGHTS_ALL, 0, 0);
	uint64_t h;

	/* ram -> [f -> [S1 -> [S3], S2]]; S1 is flagged. */
	CHECK_EQ(cap_retype(ram, CAP_FRAME, 0, PG, 1, f), OK);
	CHECK_EQ(cap_copy(&S[1], f), OK);
	CHECK_EQ(cap_copy(&S[2], f), OK);
	CHECK_EQ(cap_copy(&S[3], &S[1]), OK);
	CHECK_EQ(cap_set_remote(&S[1], true), OK);
	*(uint8_t *)cap_phys_to_ptr(RAM_BASE) = 0x5A;	/* the frame's contents */

	h = world_hash();
	CHECK_EQ(cap_delete(&S[1]), ERR_CAP_REMOTE);
	CHECK_EQ(world_hash(), h);
	CHECK(remote(&S[1]) && S[1].parent == f && S[1].first_child == &S[3]);
	CHECK(f->first_child == &S[1] && S[1].next == &S[2] && S[2].prev == &S[1]);
	CHECK_EQ(cap_hook_counts.deletes, 0);
	CHECK_EQ(*(uint8_t *)cap_phys_to_ptr(RAM_BASE), 0x5A);
	CHECK(all_links_ok());

	/* A root too; and the flag does not stop deleting its parent, whose
	 * children move up with the flag. */
	cap_install_root(&boot[1], &k);
	CHECK_EQ(cap_set_remote(&boot[1], true), OK);
	h = world_hash();
	CHECK_EQ(cap_delete(&boot[1]), ERR_CAP_REMOTE);
	CHECK_EQ(world_hash(), h);
	CHECK_EQ(cap_delete(f), OK);
	CHECK(S[1].parent == ram && remote(&S[1]) && S[2].parent == ram);
	CHECK_EQ(cap_hook_counts.last_deletes, 0);
	CHECK_EQ(cap_delete(&S[1]), ERR_CAP_REMOTE);

	/* Cleared, it goes like any other. */
	CHECK_EQ(cap_set_remote(&S[1], false), OK);
	CHECK_EQ(cap_delete(&S[1]), OK);
	CHECK(S[3].parent == ram && S[3].prev == NULL && ram->first_child == &S[3]);
	CHECK_EQ(cap_hook_counts.deletes, 2);
	CHECK(all_links_ok());
}

TEST(remote_revoke_of_an_ancestor_refused_deletes_nothing)
{
	struct cte *ram = boot, *f = &S[0];
	uint64_t h;

	CHECK(setup_revoke_tree());	/* ram -> [f -> [S1 -> [S3, S4 -> [S5]], S2], S6] */
	CHECK_EQ(cap_set_remote(&S[5], true), OK);

	h = world_hash();
	CHECK_EQ(cap_revoke(f), ERR_CAP_REMOTE);
	CHECK_EQ(cap_revoke(ram), ERR_CAP_REMOTE);
	CHECK_EQ(cap_revoke(&S[1]), ERR_CAP_REMOTE);
	CHECK_EQ(cap_revoke(&S[4]), ERR_CAP_REMOTE);
	CHECK_EQ(world_hash(), h);
	for (unsigned i = 0; i <= 6; i++)
		CHECK(!cap_is_empty(&S[i]));
	CHECK_EQ(nchildren(ram), 2);
	CHECK_EQ(nchildren(f), 2);
	CHECK_EQ(nchildren(&S[1]), 2);
	CHECK(S[5].parent == &S[4] && remote(&S[5]));
	CHECK_EQ(cap_hook_counts.deletes, 0);

	/* Subtrees without the flag, and the flagged leaf itself, revoke. */
	CHECK_EQ(cap_revoke(&S[2]), OK);
	CHECK_EQ(cap_revoke(&S[3]), OK);
	CHECK_EQ(cap_revoke(&S[5]), OK);
	CHECK_EQ(cap_revoke(&S[6]), OK);
	CHECK_EQ(world_hash(), h);

	/* Cleared: everything below f goes, then everything below the RAM. */
	CHECK_EQ(cap_set_remote(&S[5], false), OK);
	CHECK_EQ(cap_revoke(f), OK);
	CHECK(f->first_child == NULL && !cap_is_empty(f));
	for (unsigned i = 1; i <= 5; i++)
		CHECK(cap_is_empty(&S[i]));
	CHECK_EQ(cap_hook_counts.deletes, 5);
	CHECK(ram->first_child == f && f->next == &S[6]);
	CHECK_EQ(cap_revoke(ram), OK);
	CHECK(ram->first_child == NULL && cap_is_empty(f) && cap_is_empty(&S[6]));
	CHECK_EQ(cap_hook_counts.last_deletes, 2);
	CHECK(all_links_ok());
}

TEST(remote_revoke_of_the_flagged_cap_itself)
{
	struct cte *ram = setup(), *a = &S[1];

	/* ram -> [S0 -> [a -> [S2 -> [S3], S4]]]; a is flagged. */
	CHECK_EQ(cap_retype(ram, CAP_DISPATCHER, 0, 0, 1, &S[0]), OK);
	CHECK_EQ(cap_copy(a, &S[0]), OK);
	CHECK_EQ(cap_copy(&S[2], a), OK);
	CHECK_EQ(cap_copy(&S[3], &S[2]), OK);
	CHECK_EQ(cap_copy(&S[4], a), OK);
	CHECK_EQ(cap_set_remote(a, true), OK);

	CHECK_EQ(cap_revoke(a), OK);
	CHECK(a->first_child == NULL && remote(a) && a->parent == &S[0]);
	CHECK(cap_is_empty(&S[2]) && cap_is_empty(&S[3]) && cap_is_empty(&S[4]));
	CHECK_EQ(cap_hook_counts.deletes, 3);
	CHECK_EQ(cap_hook_counts.last_deletes, 0);
	/* It still holds the object, and still refuses to go. */
	CHECK_EQ(cap_delete(a), ERR_CAP_REMOTE);
	CHECK_EQ(cap_revoke(&S[0]), ERR_CAP_REMOTE);
	CHECK_EQ(cap_delete(&S[0]), OK);
	CHECK(a->parent == ram && cap_is_last(a));
	CHECK_EQ(cap_hook_counts.last_deletes, 0);
	CHECK(all_links_ok());
}

TEST(remote_not_inherited_by_copy_mint_retype_and_kept_by_move)
{
	struct cte *ram = setup(), *e = &S[0];
	struct cap io = mkcap(CAP_IOPORT, CAP_RIGHT_READ, 0x60, 1);

	CHECK_EQ(cap_retype(ram, CAP_ENDPOINT, 0, 0, 1, e), OK);
	CHECK_EQ(cap_set_remote(e, true), OK);
	CHECK_EQ(cap_copy(&S[1], e), OK);
	CHECK_EQ(cap_mint(&S[2], e, CAP_RIGHT_WRITE, 9), OK);
	CHECK_EQ(S[1].cap.flags, 0);
	CHECK_EQ(S[2].cap.flags, 0);
	CHECK_EQ(S[2].cap.word, 9);
	CHECK(remote(e));

	/* A move keeps the flag and the place in the tree. */
	CHECK_EQ(cap_move(&S[100], e), OK);
	CHECK(cap_is_empty(e) && remote(&S[100]));
	CHECK(S[100].parent == ram && S[1].parent == &S[100] && S[2].parent == &S[100]);
	CHECK_EQ(cap_delete(&S[100]), ERR_CAP_REMOTE);
	CHECK_EQ(cap_revoke(ram), ERR_CAP_REMOTE);
	CHECK_EQ(cap_move(&S[100], &S[100]), OK);
	CHECK(remote(&S[100]));
	CHECK_EQ(cap_move(&S[101], &S[1]), OK);
	CHECK_EQ(S[101].cap.flags, 0);

	/* Retyped from a flagged RAM capability: not flagged. */
	CHECK_EQ(cap_retype(ram, CAP_RAM, 64 * KiB, 64 * KiB, 1, &S[10]), OK);
	CHECK_EQ(cap_set_remote(&S[10], true), OK);
	CHECK_EQ(cap_retype(&S[10], CAP_FRAME, 0, PG, 2, &S[11]), OK);
	CHECK(S[11].cap.flags == 0 && S[12].cap.flags == 0 && remote(&S[10]));
	CHECK_EQ(cap_revoke(&S[10]), OK);
	CHECK(cap_is_empty(&S[11]) && remote(&S[10]));

	/* A root starts with no flags, whatever it is given. */
	io.flags = CAPF_REMOTE;
	cap_install_root(&boot[1], &io);
	CHECK_EQ(boot[1].cap.flags, 0);
	CHECK(all_links_ok());
}

/* The original frame was deleted; the flagged copy that anchors it is a
 * child of the RAM now, so the frame's memory stays in use. */
TEST(remote_anchor_keeps_memory_from_retype)
{
	struct cte *ram = setup(), *f = &S[0], *anchor = &S[1];
	uint64_t h;

	CHECK_EQ(cap_retype(ram, CAP_FRAME, 8 * PG, 2 * PG, 1, f), OK);
	CHECK_EQ(cap_copy(anchor, f), OK);
	CHECK_EQ(cap_set_remote(anchor, true), OK);
	CHECK_EQ(cap_delete(f), OK);
	CHECK_EQ(cap_hook_counts.last_deletes, 0);
	CHECK(anchor->parent == ram && ram->first_child == anchor && cap_is_last(anchor));

	h = world_hash();
	CHECK_EQ(cap_retype(ram, CAP_FRAME, 8 * PG, 2 * PG, 1, &S[2]), ERR_RETYPE_OVERLAP);
	CHECK_EQ(cap_retype(ram, CAP_FRAME, 9 * PG, PG, 1, &S[2]), ERR_RETYPE_OVERLAP);
	CHECK_EQ(cap_retype(ram, CAP_ENDPOINT, 10 * PG - 64, 0, 1, &S[2]), ERR_RETYPE_OVERLAP);
	CHECK_EQ(cap_retype(ram, CAP_RAM, 0, 64 * KiB, 1, &S[2]), ERR_RETYPE_OVERLAP);
	CHECK_EQ(cap_revoke(ram), ERR_CAP_REMOTE);
	CHECK_EQ(world_hash(), h);
	/* Beside it is free. */
	CHECK_EQ(cap_retype(ram, CAP_FRAME, 7 * PG, PG, 1, &S[2]), OK);
	CHECK_EQ(cap_retype(ram, CAP_FRAME, 10 * PG, PG, 1, &S[3]), OK);

	/* The owner clears the flag when no other core holds a copy. */
	CHECK_EQ(cap_set_remote(anchor, false), OK);
	CHECK_EQ(cap_delete(anchor), OK);
	CHECK_EQ(cap_hook_counts.last_deletes, 1);
	CHECK_EQ(cap_retype(ram, CAP_FRAME, 8 * PG, 2 * PG, 1, &S[4]), OK);
	CHECK(all_links_ok());
}

/* The limitation lib/cap.h documents: destroying a CNode deletes every
 * slot in it, flagged or not. */
TEST(remote_cnode_destruction_deletes_a_flagged_slot)
{
	struct cte *ram = setup(), *cn = &boot[1], *s;

	CHECK_EQ(cap_retype(ram, CAP_CNODE, 0, 16 * CTE_SIZE, 1, cn), OK);
	s = cnode_slots(&cn->cap);
	CHECK_EQ(cap_retype(ram, CAP_FRAME, PG, PG, 1, &S[0]), OK);
	CHECK_EQ(cap_copy(&s[3], &S[0]), OK);
	CHECK_EQ(cap_set_remote(&s[3], true), OK);
	CHECK_EQ(cap_delete(&s[3]), ERR_CAP_REMOTE);

	CHECK_EQ(cap_delete(cn), OK);
	CHECK(cap_is_empty(&s[3]) && cap_is_empty(cn));
	CHECK(S[0].first_child == NULL && cap_is_last(&S[0]));
	CHECK_EQ(cap_hook_counts.deletes, 2);
	CHECK_EQ(cap_hook_counts.last_deletes, 1);
	CHECK(ram->first_child == &S[0] && S[0].next == NULL);
	CHECK(all_links_ok());
}

/* ---- Deep trees, on a small stack ---- */

#define DEEP 10000u
#define SMALL_STACK (128u * 1024u)

struct job {
	void (*fn)(void);
};

static void *run_job(void *arg)
{
	((struct job *)arg)->fn();
	return NULL;
}

/* Runs fn on a thread with a 128 KiB stack: a search that recursed once
 * per level of a 10000-deep tree would overflow it (and AddressSanitizer
 * would say so). */
static void on_small_stack(void (*fn)(void))
{
	struct job j = { fn };
	pthread_attr_t attr;
	pthread_t t;

	CHECK_EQ(pthread_attr_init(&attr), 0);
	CHECK_EQ(pthread_attr_setstacksize(&attr, SMALL_STACK), 0);
	CHECK_EQ(pthread_create(&t, &attr, run_job, &j), 0);
	CHECK_EQ(pthread_join(t, NULL), 0);
	pthread_attr_destroy(&attr);
}

/* S0 -> S1 -> ... -> S[DEEP], the flag at the bottom. */
static void deep_chain(void)
{
	struct cte *ram = &boot[0];
	uint64_t h = world_hash();

	CHECK_EQ(cap_revoke(&S[0]), ERR_CAP_REMOTE);
	CHECK_EQ(cap_revoke(ram), ERR_CAP_REMOTE);
	CHECK_EQ(cap_revoke(&S[DEEP / 2]), ERR_CAP_REMOTE);
	CHECK_EQ(cap_revoke(&S[DEEP - 1]), ERR_CAP_REMOTE);
	CHECK_EQ(world_hash(), h);
	CHECK_EQ(cap_hook_counts.deletes, 0);
	CHECK_EQ(cap_revoke(&S[DEEP]), OK);
	CHECK_EQ(world_hash(), h);

	CHECK_EQ(cap_set_remote(&S[DEEP], false), OK);
	CHECK_EQ(cap_revoke(&S[1]), OK);
	CHECK_EQ(cap_hook_counts.deletes, DEEP - 1);
	CHECK(S[1].first_child == NULL && cap_is_empty(&S[DEEP]));
}

TEST(remote_deep_chain_flag_at_the_bottom)
{
	struct cte *ram = setup();

	CHECK_EQ(cap_retype(ram, CAP_ENDPOINT, 0, 0, 1, &S[0]), OK);
	for (unsigned i = 1; i <= DEEP; i++)
		CHECK_EQ(cap_copy(&S[i], &S[i - 1]), OK);
	CHECK_EQ(cap_set_remote(&S[DEEP], true), OK);
	on_small_stack(deep_chain);
	CHECK(all_links_ok());
}

/* S0 -> [S1 -> S2 -> ... -> S[DEEP], S[DEEP + 1]], the flag on the last
 * child of S0: the search climbs the whole chain back up to find it, and
 * from inside the chain must stop when it is back where it started. */
static void deep_then_beside(void)
{
	struct cte *ram = &boot[0];
	uint64_t h = world_hash();

	CHECK_EQ(cap_revoke(&S[0]), ERR_CAP_REMOTE);
	CHECK_EQ(cap_revoke(ram), ERR_CAP_REMOTE);
	CHECK_EQ(world_hash(), h);
	CHECK_EQ(cap_revoke(&S[DEEP / 2]), OK);
	CHECK_EQ(cap_hook_counts.deletes, DEEP / 2);
	CHECK(S[DEEP / 2].first_child == NULL && cap_is_empty(&S[DEEP / 2 + 1]));
	CHECK(remote(&S[DEEP + 1]) && S[DEEP + 1].parent == &S[0]);
	CHECK_EQ(cap_revoke(&S[1]), OK);
	CHECK_EQ(cap_revoke(&S[0]), ERR_CAP_REMOTE);
	CHECK_EQ(cap_hook_counts.deletes, DEEP - 1);
}

TEST(remote_deep_chain_then_a_flagged_sibling)
{
	struct cte *ram = setup();

	CHECK_EQ(cap_retype(ram, CAP_FRAME, 0, PG, 1, &S[0]), OK);
	for (unsigned i = 1; i <= DEEP; i++)
		CHECK_EQ(cap_copy(&S[i], &S[i - 1]), OK);
	CHECK_EQ(cap_copy(&S[DEEP + 1], &S[0]), OK);
	CHECK_EQ(cap_set_remote(&S[DEEP + 1], true), OK);
	CHECK(S[1].next == &S[DEEP + 1]);
	on_small_stack(deep_then_beside);
	CHECK(all_links_ok());
}

/* ---- CAPF_IMPORT ---- */

TEST(imported_ram_is_copied_but_retyped_only_by_its_owner)
{
	struct cte *ram = setup();
	struct cap r = mkcap(CAP_RAM, CAP_RIGHTS_ALL, 0, 64 * PG);

	r.flags = CAPF_REMOTE;		/* a root starts with no flag but the import's */
	cap_install_import(&S[0], &r);
	CHECK_EQ(S[0].cap.flags, CAPF_IMPORT);
	CHECK(cap_copyable(&S[0]) && !cap_copyable(ram));
	CHECK_EQ(cap_copy(&S[1], &S[0]), OK);
	CHECK_EQ(S[1].cap.flags, CAPF_IMPORT);
	CHECK_EQ(cap_mint(&S[2], &S[1], CAP_RIGHT_READ, 0), OK);
	CHECK_EQ(S[2].cap.flags, CAPF_IMPORT);
	CHECK_EQ(cap_move(&S[3], &S[2]), OK);
	CHECK_EQ(S[3].cap.flags, CAPF_IMPORT);
	/* Its children are copies: the import is not the last while they
	 * are there (what its monitor asks before giving it back). */
	CHECK(!cap_is_last(&S[0]) && !cap_is_last(&S[1]) && !cap_is_last(&S[3]));
	/* Nothing is made from it here, by any copy; nothing changes. */
	for (unsigned i = 0; i < 4; i++) {
		if (i == 2)
			continue;
		CHECK_ERR(cap_retype_check(&S[i], CAP_FRAME, 0, PG, 1, &S[10]), ERR_CAP_NOT_OWNER);
		CHECK_ERR(cap_retype(&S[i], CAP_FRAME, 0, PG, 1, &S[10]), ERR_CAP_NOT_OWNER);
	}
	CHECK(cap_is_empty(&S[10]));
	/* RAM of this core's own is still given, never copied. */
	CHECK_ERR(cap_copy(&S[11], ram), ERR_CAP_NOT_COPYABLE);
	CHECK_EQ(cap_retype(ram, CAP_RAM, 0, PG, 1, &S[12]), OK);
	CHECK_EQ(S[12].cap.flags, 0);
	CHECK_ERR(cap_copy(&S[13], &S[12]), ERR_CAP_NOT_COPYABLE);
	/* An imported Frame keeps the flag in its copies too. */
	struct cap f = mkcap(CAP_FRAME, CAP_RIGHTS_ALL, 0, PG);
	cap_install_import(&S[20], &f);
	CHECK_EQ(cap_copy(&S[21], &S[20]), OK);
	CHECK_EQ(S[21].cap.flags, CAPF_IMPORT);
	CHECK_EQ(cap_revoke(&S[0]), OK);
	CHECK(cap_is_empty(&S[1]) && cap_is_empty(&S[3]));
	CHECK(cap_is_last(&S[0]));
}
