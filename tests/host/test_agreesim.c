/*
 * Host tests of the agreement simulator (sim/agreesim.c): that one commit
 * of lib/agree.c over each tree sends what two-phase commit must send and
 * no more, held against lib/mtree.c's own counts of the shootdown over
 * the same tree (a shootdown is a request down every edge and an answer
 * up it; a commit adds a decision down every edge, sent on at once):
 *
 *	msgs       = 3/2 x the shootdown's, + 1 SUBMIT when the origin is
 *		     not the coordinator
 *	cross_node = 3/2 x the shootdown's, + 1 when that SUBMIT crosses
 *	rounds     = the shootdown's + the tree's height, + 1 for a SUBMIT
 *
 * on every shape, several machines and both origins; that every member
 * applies the operation once and the origin hears OK (sim_agree checks,
 * and fails the run otherwise); and that bad runs are refused.
 */
#include <stdio.h>
#include <string.h>
#include "lib/agree.h"
#include "lib/test.h"
#include "sim/agreesim.h"

static uint64_t first(unsigned n)
{
	return n >= 64 ? ~0ull : (1ull << n) - 1;
}

/* Edges from the root to the deepest member. */
static unsigned height(const struct mtree *m)
{
	unsigned h = 0;

	for (unsigned c = 0; c < m->ncores; c++) {
		unsigned d = 0;

		if (!((m->members >> c) & 1))
			continue;
		for (int p = m->parent[c]; p >= 0; p = m->parent[p])
			d++;
		if (d > h)
			h = d;
	}
	return h;
}

static bool check_commit(const struct sim_machine *mc, const struct sim_costs *c,
			 enum mtree_shape s, unsigned n, unsigned origin)
{
	struct mtree m;
	struct mtree_cost shoot;
	struct sim_agree_result r;
	err_t err = mtree_build(&mc->t, s, 0, first(n), &m);
	unsigned submit, cross;

	if (!err)
		err = sim_agree(&m, &mc->t, c, origin, &r);
	if (err) {
		test_fail("%s %s on %u cores, origin %u: %s", mc->name, mtree_shape_name(s), n,
			  origin, err_name(err));
		return false;
	}
	mtree_cost(&m, &mc->t, &shoot);
	submit = origin != m.root;
	cross = submit && mc->t.node[origin] != mc->t.node[m.root];
	if (r.msgs != shoot.msgs * 3 / 2 + submit ||
	    r.cross_node != shoot.cross_node * 3 / 2 + cross ||
	    r.rounds != shoot.rounds + height(&m) + submit ||
	    r.by_type[AGREE_SUBMIT] != submit || r.by_type[AGREE_QUERY] ||
	    r.by_type[AGREE_ANSWER] || (!submit && r.applied < r.committed)) {
		test_fail("%s %s on %u cores, origin %u: msgs/cross/rounds %u/%u/%u, two-phase "
			  "commit over this tree sends %u/%u/%u (submits %u, queries %u)",
			  mc->name, mtree_shape_name(s), n, origin, r.msgs, r.cross_node, r.rounds,
			  shoot.msgs * 3 / 2 + submit, shoot.cross_node * 3 / 2 + cross,
			  shoot.rounds + height(&m) + submit, r.by_type[AGREE_SUBMIT],
			  r.by_type[AGREE_QUERY]);
		return false;
	}
	return true;
}

TEST(a_commit_sends_what_two_phase_commit_must_over_every_tree)
{
	static const char *const named[] = { "amd8x4", "amd8x8", "qemu:4,2", "qemu:6,2",
					     "qemu:8,2", "qemu:16,4", "qemu:5,5" };
	static struct sim_machine mc;
	static struct sim_costs c;

	for (unsigned i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		CHECK_ERR(sim_machine_parse(named[i], &mc, NULL), OK);
		sim_costs_paper(&mc, &c);
		for (unsigned n = 1; n <= mc.t.ncores; n += n < 8 ? 1 : 7)
			for (unsigned s = 0; s < MTREE_NSHAPES; s++)
				if (!check_commit(&mc, &c, (enum mtree_shape)s, n, 0) ||
				    !check_commit(&mc, &c, (enum mtree_shape)s, n, n - 1))
					return;
	}
}

/* Two cores, the paper's costs, each message one latency (send + prop +
 * recv). The coordinator as origin knows the commit when it takes the
 * VOTE (two latencies); the other core applies it on the DECIDE (three).
 * The other core as origin: SUBMIT, PREPARE, VOTE, DECIDE (four). */
TEST(two_cores_commit_in_the_message_latencies_worked_out_by_hand)
{
	static struct sim_machine mc;
	static struct sim_costs c;
	struct sim_agree_result r;
	struct mtree m;
	uint64_t lat;

	CHECK_ERR(sim_machine_parse("amd8x4", &mc, NULL), OK);
	sim_costs_paper(&mc, &c);
	CHECK_ERR(mtree_build(&mc.t, MTREE_BROADCAST, 0, 3, &m), OK);
	lat = c.send[0][1] + c.prop[0][1] + c.recv[0][1];
	CHECK(c.send[1][0] + c.prop[1][0] + c.recv[1][0] == lat);
	CHECK_ERR(sim_agree(&m, &mc.t, &c, 0, &r), OK);
	CHECK(r.committed == 2 * lat && r.applied == 3 * lat && r.msgs == 3 && r.rounds == 3);
	CHECK_ERR(sim_agree(&m, &mc.t, &c, 1, &r), OK);
	CHECK(r.committed == 4 * lat && r.applied == 4 * lat && r.msgs == 4 && r.rounds == 4);
}

TEST(bad_runs_are_refused)
{
	static struct sim_machine mc;
	static struct sim_costs c;
	struct sim_agree_result r;
	struct mtree m;

	CHECK_ERR(sim_machine_parse("qemu:4,2", &mc, NULL), OK);
	sim_costs_paper(&mc, &c);
	CHECK_ERR(mtree_build(&mc.t, MTREE_NUMA, 0, 0x7, &m), OK);
	CHECK_ERR(sim_agree(NULL, &mc.t, &c, 0, &r), ERR_INVALID_ARG);
	CHECK_ERR(sim_agree(&m, &mc.t, &c, 3, &r), ERR_INVALID_ARG);	/* not a member */
	CHECK_ERR(sim_agree(&m, &mc.t, &c, 64, &r), ERR_INVALID_ARG);
	c.ncores = 3;
	CHECK_ERR(sim_agree(&m, &mc.t, &c, 0, &r), ERR_INVALID_ARG);
}
