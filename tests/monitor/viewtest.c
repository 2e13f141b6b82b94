/*
 * The membership view (agreeview.c), tested from core 0: every core's
 * replica is the same view; it changes only by agreement, and then on
 * every core at once (the epoch up by one); a change some member refuses
 * changes nothing anywhere; a core removed and added again gets the view
 * back; and the agreement's messages from a hostile peer (another epoch,
 * an unknown type, a vote for an operation never proposed, a commit
 * without a prepare, a length the message cannot have, a forged sender, a
 * view to join that is stale or leaves out its sender) are dropped and
 * counted by the target, which then still agrees. On several NUMA nodes
 * the coordinator prepares one core per other node, not every core.
 */
#include <stdio.h>
#include <string.h>
#include "lib/mtree.h"
#include "lib/test.h"
#include "usr/monitor/agreeview.h"
#include "tests/monitor/mtest.h"

/* Every live member's replica is `epoch`, `members`; so is every other
 * core's that is in `members`. */
static bool all_see(uint32_t epoch, uint64_t members)
{
	for (unsigned c = 0; c < mesh_cores(); c++) {
		uint32_t e = 0;
		uint64_t m = 0;
		err_t err;

		if (!((members >> c) & 1))
			continue;
		if ((err = agreeview_get_on(c, &e, &m)) || e != epoch || m != members) {
			test_fail("core %u sees epoch %u members %#llx (%s), want epoch %u members %#llx",
				  c, e, (unsigned long long)m, err_name(err), epoch,
				  (unsigned long long)members);
			return false;
		}
	}
	return true;
}

TEST(the_membership_view_is_the_same_on_every_core)
{
	uint32_t epoch;
	uint64_t members, all = mesh_cores() >= 64 ? ~0ull : (1ull << mesh_cores()) - 1;

	agreeview_get(&epoch, &members);
	CHECK(epoch >= 1);
	CHECK_EQ(members, all);
	CHECK(all_see(epoch, members));
	CHECK_ERR(agreeview_remove(0), ERR_INVALID_ARG);	/* the coordinator */
	CHECK_ERR(agreeview_add(0), ERR_INVALID_ARG);		/* a member already */
	CHECK_ERR(agreeview_add(mesh_cores()), ERR_INVALID_ARG);	/* no such core */
	CHECK(all_see(epoch, members));				/* nothing changed */
}

/*
 * The agreement's tree follows the machine (agreeview.c, view_tree): the
 * coordinator, core 0, sends a PREPARE to each of its children in the
 * tree mtree_best picks for the view on the cores' NUMA nodes, and to no
 * other core. On QEMU's one node, and on 2 nodes up to 8 cores, that is a
 * broadcast (every other core); on 16 cores over 4 nodes the NUMA-aware
 * tree (the 3 other cores of node 0 and the first core of each other
 * node: 6), which the simulator finds quicker per commit on big machines
 * (docs/sim.md, "Agreement"). One name registered and removed is two
 * commits. boot/special/smp16_numa4_agreement_prepares_by_node runs it
 * where the two differ.
 */
TEST_CORES(the_view_agreement_prepares_only_its_tree_children, 2)
{
	uint64_t all = mesh_cores() >= 64 ? ~0ull : (1ull << mesh_cores()) - 1;
	enum mtree_shape shape;
	struct mtree tree;
	unsigned want = 0;

	CHECK_ERR(mtree_best(shoot_topo(), 0, all, NULL, &shape), OK);
	CHECK_ERR(mtree_build(shoot_topo(), shape, 0, all, &tree), OK);
	for (int c = tree.first_child[0]; c >= 0; c = tree.next_sibling[c])
		want++;
	unsigned before = agreeview_stats()->sent[AGREE_PREPARE];
	CHECK_ERR(names_register("view.tree.probe", 1), OK);
	CHECK_ERR(names_remove("view.tree.probe"), OK);
	unsigned sent = agreeview_stats()->sent[AGREE_PREPARE] - before;
	printf("agreement: %u cores, %s tree: core 0 sent %u PREPAREs per commit\n", mesh_cores(),
	       mtree_shape_name(shape), sent / 2);
	if (sent != 2 * want)
		test_fail("core 0 sent %u PREPAREs for two commits; the %s tree gives it %u children",
			  sent, mtree_shape_name(shape), want);
}

TEST_CORES(the_membership_view_changes_by_agreement_everywhere, 2)
{
	unsigned last = mesh_cores() - 1;
	uint32_t epoch, e;
	uint64_t all, m;

	agreeview_get(&epoch, &all);
	CHECK_ERR(agreeview_remove(last), OK);
	CHECK(all_see(epoch + 1, all & ~(1ull << last)));
	/* The core removed applied its own removal, and stays out. */
	CHECK_ERR(agreeview_get_on(last, &e, &m), OK);
	CHECK(e == epoch + 1 && m == (all & ~(1ull << last)));
	CHECK_ERR(agreeview_remove(last), ERR_NOT_FOUND);
	CHECK(all_see(epoch + 1, all & ~(1ull << last)));
	CHECK_ERR(agreeview_add(last), OK);
	CHECK(all_see(epoch + 2, all));		/* the core added included */
}

TEST_CORES(forged_agreement_messages_are_dropped_and_counted, 2)
{
	unsigned last = mesh_cores() - 1;
	uint32_t epoch;
	uint64_t members, seen;
	struct agree_msg m;

	agreeview_get(&epoch, &members);
	CHECK_ERR(mesh_drops(last, &seen), OK);
	/* Another epoch. */
	m = (struct agree_msg){ .type = AGREE_PREPARE, .from = 0, .to = (uint8_t)last,
				.epoch = epoch + 7, .op = 1 };
	CHECK_ERR(if_intermon_agree_send(mesh_to(last), &m, sizeof(m)), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	/* An unknown type. */
	m.epoch = epoch;
	m.type = 99;
	CHECK_ERR(if_intermon_agree_send(mesh_to(last), &m, sizeof(m)), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	/* A vote for an operation never proposed (and not from a child). */
	m.type = AGREE_VOTE;
	m.op = 1000;
	m.outcome = AGREE_COMMIT;
	CHECK_ERR(if_intermon_agree_send(mesh_to(last), &m, sizeof(m)), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	/* A commit without a prepare. */
	m.type = AGREE_DECIDE;
	m.op = 1000;
	CHECK_ERR(if_intermon_agree_send(mesh_to(last), &m, sizeof(m)), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	/* A length the message cannot have, and a sender the channel belies. */
	CHECK_ERR(if_intermon_agree_send(mesh_to(last), &m, sizeof(m) - 8), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	/* A question that core 1 might ask, but on core 0's channel (with
	 * two cores, from a core that is none). */
	m.type = AGREE_QUERY;
	m.op = 1;
	m.from = (uint8_t)(last >= 2 ? 1 : last + 1);
	CHECK_ERR(if_intermon_agree_send(mesh_to(last), &m, sizeof(m)), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	/* A view to join that is not newer, or that leaves out its sender. */
	CHECK_ERR(if_intermon_view_is_send(mesh_to(last), epoch, members), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	CHECK_ERR(if_intermon_view_is_send(mesh_to(last), epoch + 5, members & ~1ull), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	/* Nothing changed, and the view still changes by agreement. */
	CHECK(all_see(epoch, members));
	CHECK_ERR(agreeview_remove(last), OK);
	CHECK_ERR(agreeview_add(last), OK);
	CHECK(all_see(epoch + 2, members));
}
