/*
 * Destruction of CNodes (lib/cap.c) without recursion: a CNode's slots are
 * deleted before it is destroyed, CNodes nested 1000 deep, a CNode holding
 * its own only capability, a cycle of two CNodes, and revoking a RAM
 * capability that destroys everything made from it. Every destroyed CNode
 * must be empty when the delete hook sees it. Fixtures: cap_fixture.h.
 */
#include <stddef.h>
#include <stdint.h>
#include "lib/test.h"
#include "cap_fixture.h"
#include "cap_hooks.h"
#include "lib/cap.h"

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
	if (test_failed())
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
