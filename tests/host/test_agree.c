/*
 * Host tests of lib/agree.c, driven through the simulated machine of
 * tests/host/agree_sim.h: the counts of a run without faults on every
 * shape of tree; a no vote and a silent member abort everywhere; the same
 * key added from every core at once commits exactly once; hundreds of
 * schedules that lose, duplicate, delay and reorder messages, with and
 * without a coordinator that crashes mid-protocol; the termination rule
 * step by step; forged and malformed messages; a question about the epoch
 * before; a submission given up that arrives late; bad arguments. After
 * every schedule sim_check() judges: every live replica in the same state,
 * each operation applied everywhere or nowhere, every origin answered.
 */
#include <stdio.h>
#include <stdlib.h>
#include "lib/test.h"
#include "tests/host/agree_sim.h"

static struct sim S;	/* large: static, one at a time */

static unsigned depth_of(const struct mtree *m)
{
	unsigned deepest = 0;

	for (unsigned c = 0; c < m->ncores; c++) {
		unsigned d = 0;

		if (!((m->members >> c) & 1))
			continue;
		for (int p = m->parent[c]; p >= 0; p = m->parent[p])
			d++;
		if (d > deepest)
			deepest = d;
	}
	return deepest;
}

/* Runs a clean network until quiet; fails the test with the judge's word. */
#define SETTLE_AND_CHECK(s) do {					\
	if (!sim_settle((s), 20000) || !sim_check(s))			\
		FAIL("%s", (s)->why);					\
} while (0)

/*
 * Without faults an operation costs 3 x (members - 1) messages (PREPARE
 * down every edge, a VOTE up it, DECIDE down it) and 3 x the tree's depth
 * in rounds (2 x (members - 1) + 1 on the sequential unicast tree: the
 * root asks one member at a time, then decides for all); one more of each
 * when the origin is not the coordinator (its SUBMIT). Retries and
 * questions here wait longer than the longest chain (unicast's 2 x 15
 * messages), as they must to cost nothing when nothing is lost.
 */
TEST(counts_without_faults_on_every_shape_and_root)
{
	static const struct { unsigned n, per_node, root; } m[] = {
		{ 8, 4, 0 }, { 8, 4, 5 }, { 16, 4, 0 }, { 16, 4, 11 }, { 2, 1, 1 },
	};
	struct agree_conf keep = sim_conf;

	sim_conf.retry_ticks = 40;
	sim_conf.query_ticks = 80;

	for (unsigned i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		for (unsigned sh = 0; sh < MTREE_NSHAPES; sh++) {
			unsigned n = m[i].n, root = m[i].root, other = (root + 1) % n;
			uint32_t own, sub;

			CHECK(sim_init(&S, n, m[i].per_node, (enum mtree_shape)sh, root, 1));
			own = sim_submit(&S, root, SIM_ADD, 1);
			CHECK(own);
			SETTLE_AND_CHECK(&S);
			sub = sim_submit(&S, other, SIM_ADD, 2);
			CHECK(sub);
			SETTLE_AND_CHECK(&S);

			unsigned rounds = S.tree.sequential ? 2 * (n - 1) + 1 : 3 * depth_of(&S.tree);
			const struct sim_res *a = sim_res_of(&S, own), *b = sim_res_of(&S, sub);

			if (a->err || b->err || S.rep[other].nlog != 2)
				FAIL("%u cores %s root %u: %s, %s", n, mtree_shape_name(sh), root,
				     err_name(a->err), err_name(b->err));
			if (a->msgs != 3 * (n - 1) || a->rounds != rounds ||
			    b->msgs != 3 * (n - 1) + 1 || b->rounds != rounds + 1)
				FAIL("%u cores %s root %u: %u msgs %u rounds, submitted %u msgs %u "
				     "rounds; want %u %u, %u %u", n, mtree_shape_name(sh), root,
				     a->msgs, a->rounds, b->msgs, b->rounds, 3 * (n - 1), rounds,
				     3 * (n - 1) + 1, rounds + 1);
		}
	}
	sim_conf = keep;
}

TEST(one_no_vote_aborts_everywhere_with_its_reason)
{
	uint32_t uid;

	CHECK(sim_init(&S, 8, 4, MTREE_NUMA, 0, 2));
	S.rep[6].veto = ERR_NAME_IN_USE;	/* one replica disagrees */
	uid = sim_submit(&S, 3, SIM_ADD, 5);
	SETTLE_AND_CHECK(&S);
	CHECK_ERR(sim_res_of(&S, uid)->err, ERR_NAME_IN_USE);
	for (unsigned c = 0; c < 8; c++)
		CHECK_EQ(S.rep[c].nlog, 0);
	S.rep[6].veto = OK;
	uid = sim_submit(&S, 3, SIM_ADD, 5);
	SETTLE_AND_CHECK(&S);
	CHECK_ERR(sim_res_of(&S, uid)->err, OK);
	CHECK_EQ(S.rep[7].keys, 1ull << 5);
	/* Removing what is not there: every replica says no. */
	uid = sim_submit(&S, 7, SIM_REMOVE, 6);
	SETTLE_AND_CHECK(&S);
	CHECK_ERR(sim_res_of(&S, uid)->err, ERR_NOT_FOUND);
}

/* At 16 cores the coordinator aborts 15 of them at once, each abort a
 * DECIDE to every child: more than its outbox holds in one go, which
 * must delay proposals, not lose decisions (the monitors' race of one
 * name from every core, tests/monitor/nametest.c, found it). Nothing is
 * lost here, so retries are rare enough not to flood the 16-core chain
 * of the sequential tree (as in counts_without_faults...). */
TEST(same_key_from_every_core_at_once_commits_exactly_once)
{
	static const unsigned sizes[] = { 12, SIM_CORES };
	struct agree_conf keep = sim_conf;

	sim_conf.retry_ticks = 40;
	sim_conf.query_ticks = 80;

	for (unsigned z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++)
		for (unsigned sh = 0; sh < MTREE_NSHAPES; sh++) {
			unsigned n = sizes[z], ok = 0, in_use = 0;

			CHECK(sim_init(&S, n, 4, (enum mtree_shape)sh, 4, 3 + sh));
			for (unsigned c = 0; c < n; c++)
				CHECK(sim_submit(&S, c, SIM_ADD, 9));
			SETTLE_AND_CHECK(&S);
			for (unsigned i = 0; i < S.nres; i++) {
				ok += S.res[i].err == OK;
				in_use += S.res[i].err == ERR_NAME_IN_USE;
			}
			if (ok != 1 || in_use != n - 1)
				FAIL("%s: %u succeeded, %u got ERR_NAME_IN_USE of %u",
				     mtree_shape_name(sh), ok, in_use, n);
			CHECK_EQ(S.ag[4].stats.outbox_full, 0);
		}
	sim_conf = keep;
}

TEST(a_silent_member_aborts_the_operation_with_err_timeout)
{
	for (unsigned sh = 0; sh < MTREE_NSHAPES; sh++) {
		uint32_t uid;

		CHECK(sim_init(&S, 8, 4, (enum mtree_shape)sh, 0, 4));
		sim_crash(&S, 5);	/* never reported: it just does not answer */
		uid = sim_submit(&S, 2, SIM_ADD, 1);
		SETTLE_AND_CHECK(&S);
		if (sim_res_of(&S, uid)->err != ERR_TIMEOUT)
			FAIL("%s: %s, want ERR_TIMEOUT", mtree_shape_name(sh),
			     err_name(sim_res_of(&S, uid)->err));
		CHECK_EQ(S.rep[0].nlog, 0);
	}
}

struct totals {
	unsigned runs, committed, aborted, timeouts, duplicates, queries, terminated, by_answer;
};

/*
 * One random schedule: n cores on random nodes, a random root and shape,
 * loss, duplication and delay at random rates, submissions from random
 * cores at random ticks over a few keys (so that many conflict); with
 * `crash`, the coordinator crashes at a random tick and each survivor
 * hears of it at its own later tick, and after the survivors settle they
 * install the next view without it and carry on.
 */
static bool random_schedule(uint64_t seed, bool crash, struct totals *t)
{
	struct sim *s = &S;
	unsigned n, root, crash_at = 0, heard[SIM_CORES];
	bool crashed = false;

	sim_init(s, 2, 1, MTREE_BROADCAST, 0, seed);	/* for the random numbers */
	n = 2 + sim_below(s, 11);
	root = sim_below(s, n);
	if (!sim_init(s, n, 1 + sim_below(s, 4), (enum mtree_shape)sim_below(s, MTREE_NSHAPES),
		      root, seed))
		return false;
	s->loss = sim_below(s, 26);
	s->dup = sim_below(s, 26);
	s->delay = sim_below(s, 9);
	if (crash) {
		crash_at = sim_below(s, 300);
		for (unsigned c = 0; c < n; c++)
			heard[c] = crash_at + 1 + sim_below(s, 200);
	}
	for (unsigned tick = 0; tick < 500; tick++) {
		if (tick < 300 && sim_below(s, 100) < 8)
			sim_submit(s, sim_below(s, n), 1 + sim_below(s, 2), sim_below(s, 4));
		if (crash && tick == crash_at) {
			sim_crash(s, root);
			crashed = true;
		}
		if (crashed)
			for (unsigned c = 0; c < n; c++)
				if (tick == heard[c] && !s->crashed[c])
					agree_down(&s->ag[c], root);
		sim_step(s);
	}
	if (crashed)
		sim_report_down(s, root);
	if (!sim_settle(s, 20000) || !sim_check(s))
		return false;
	if (crashed && n > 1) {
		uint64_t live = 0;
		unsigned next = n;

		for (unsigned c = 0; c < n; c++)
			if (!s->crashed[c]) {
				live |= 1ull << c;
				next = next < n ? next : c;
			}
		if (!sim_view(s, next, live))
			return false;
		s->loss = 10;
		s->dup = 10;
		for (unsigned tick = 0; tick < 200; tick++) {
			if (sim_below(s, 100) < 10)
				sim_submit(s, sim_below(s, n), 1 + sim_below(s, 2), sim_below(s, 4));
			sim_step(s);
		}
		if (!sim_settle(s, 20000) || !sim_check(s))
			return false;
	}
	t->runs++;
	for (unsigned c = 0; c < n; c++) {
		const struct agree_stats *st = &s->ag[c].stats;

		t->duplicates += st->duplicate;
		t->queries += st->queries;
		t->terminated += st->terminated;
		t->timeouts += st->timeouts;
	}
	for (unsigned i = 0; i < s->nres; i++) {
		if (s->crashed[s->res[i].origin])
			continue;
		t->committed += s->res[i].err == OK;
		t->aborted += s->res[i].err != OK;
	}
	return true;
}

TEST(lost_duplicated_delayed_and_reordered_messages_agree)
{
	struct totals t = { 0 };

	for (uint64_t seed = 1; seed <= 400; seed++)
		if (!random_schedule(seed, false, &t))
			FAIL("seed %llu: %s", (unsigned long long)seed, S.why);
	/* The schedules must have reached what they are for. */
	if (!t.committed || !t.aborted || !t.timeouts || !t.duplicates || !t.queries)
		FAIL("too tame: %u committed, %u aborted, %u timeouts, %u duplicates, %u queries",
		     t.committed, t.aborted, t.timeouts, t.duplicates, t.queries);
}

TEST(a_coordinator_that_crashes_mid_protocol_blocks_no_replica)
{
	struct totals t = { 0 };

	for (uint64_t seed = 1; seed <= 400; seed++)
		if (!random_schedule(seed, true, &t))
			FAIL("seed %llu: %s", (unsigned long long)seed, S.why);
	if (!t.committed || !t.queries || !t.terminated)
		FAIL("too tame: %u committed, %u queries, %u terminated", t.committed, t.queries,
		     t.terminated);
}

/*
 * Every member voted yes, the coordinator decided and applied, and died
 * before any DECIDE left it. The survivors are uncertain: they ask each
 * other and wait (the coordinator alone may know), and cannot change view
 * meanwhile; once each hears that it is down they abort, and the origin
 * hears ERR_TIMEOUT.
 */
TEST(every_member_uncertain_waits_for_the_coordinator_then_aborts)
{
	uint32_t uid;

	CHECK(sim_init(&S, 5, 5, MTREE_BROADCAST, 0, 5));
	S.cut_from = 0;
	S.cut_type = AGREE_DECIDE;
	S.cut_to = ~0ull;
	uid = sim_submit(&S, 2, SIM_ADD, 3);
	for (unsigned t = 0; t < 100 && S.rep[0].nlog == 0; t++)
		sim_step(&S);
	CHECK_EQ(S.rep[0].nlog, 1);	/* the coordinator committed */
	sim_crash(&S, 0);
	for (unsigned t = 0; t < 500; t++)
		sim_step(&S);
	for (unsigned c = 1; c < 5; c++) {
		CHECK_EQ(S.ag[c].cur.state, AGREE_PREPARED);
		CHECK_EQ(S.rep[c].nlog, 0);
		CHECK(S.ag[c].stats.queries >= 2);
	}
	CHECK_ERR(agree_view(&S.ag[1], S.epoch + 1, &S.tree), ERR_INVALID_ARG);
	CHECK(!sim_res_of(&S, uid)->done);
	for (unsigned c = 1; c < 5; c++) {
		agree_down(&S.ag[c], 0);
		for (unsigned t = 0; t < 10; t++)
			sim_step(&S);
	}
	SETTLE_AND_CHECK(&S);
	CHECK_ERR(sim_res_of(&S, uid)->err, ERR_TIMEOUT);
	for (unsigned c = 1; c < 5; c++)
		CHECK_EQ(S.rep[c].nlog, 0);
}

/* The coordinator's COMMIT reached one member before it died: that one
 * tells the others, who commit without waiting for the coordinator. */
TEST(a_member_that_heard_commit_carries_the_others)
{
	uint32_t uid;

	CHECK(sim_init(&S, 6, 6, MTREE_BROADCAST, 0, 6));
	S.cut_from = 0;
	S.cut_type = AGREE_DECIDE;
	S.cut_to = ~0ull & ~(1ull << 4);
	uid = sim_submit(&S, 2, SIM_ADD, 3);
	for (unsigned t = 0; t < 100 && S.rep[4].nlog == 0; t++)
		sim_step(&S);
	CHECK_EQ(S.rep[4].nlog, 1);
	sim_crash(&S, 0);	/* never reported */
	SETTLE_AND_CHECK(&S);
	CHECK_ERR(sim_res_of(&S, uid)->err, OK);
	for (unsigned c = 1; c < 6; c++)
		CHECK_EQ(S.rep[c].nlog, 1);
}

/*
 * The coordinator committed and died; its COMMIT to core 3 is still in
 * flight (a URPC slot written before it died). Cores 1 and 2 hear that it
 * is down, core 3 not yet: 3's UNCERTAIN does not count for 1 and 2 (it
 * might still take the COMMIT), so they wait; 3 takes the COMMIT and
 * tells them, and all commit. Then the same with every core told first:
 * the late COMMIT is refused (from a core known down), and all abort.
 */
static struct agree_msg late_commit(void)
{
	struct agree_msg m = { .type = AGREE_DECIDE, .from = 0, .to = 3, .epoch = S.epoch,
			       .op = 1, .outcome = AGREE_COMMIT, .origin = 2, .tag = 1 };
	return m;
}

static bool coordinator_commits_then_dies(void)
{
	if (!sim_init(&S, 4, 4, MTREE_BROADCAST, 0, 10))
		return false;
	S.cut_from = 0;
	S.cut_type = AGREE_DECIDE;
	S.cut_to = ~0ull;
	sim_submit(&S, 2, SIM_ADD, 3);
	for (unsigned t = 0; t < 100 && S.rep[0].nlog == 0; t++)
		sim_step(&S);
	sim_crash(&S, 0);
	return S.rep[0].nlog == 1;
}

TEST(a_late_commit_from_a_dead_coordinator_carries_all_or_none)
{
	struct agree_msg m;

	CHECK(coordinator_commits_then_dies());
	m = late_commit();
	agree_down(&S.ag[1], 0);
	agree_down(&S.ag[2], 0);
	for (unsigned t = 0; t < 200; t++)
		sim_step(&S);
	CHECK_EQ(S.ag[1].cur.state, AGREE_PREPARED);	/* waiting for core 3's word */
	CHECK_ERR(agree_input(&S.ag[3], &m), OK);
	SETTLE_AND_CHECK(&S);
	for (unsigned c = 1; c < 4; c++)
		CHECK_EQ(S.rep[c].nlog, 1);
	CHECK_ERR(sim_res_of(&S, 0x20001)->err, OK);

	CHECK(coordinator_commits_then_dies());
	sim_report_down(&S, 0);
	for (unsigned t = 0; t < 200; t++)
		sim_step(&S);
	m = late_commit();
	CHECK_ERR(agree_input(&S.ag[3], &m), ERR_BAD_MESSAGE);
	CHECK_EQ(S.ag[3].stats.from_down, 1);
	SETTLE_AND_CHECK(&S);
	for (unsigned c = 1; c < 4; c++)
		CHECK_EQ(S.rep[c].nlog, 0);
	CHECK_ERR(sim_res_of(&S, 0x20001)->err, ERR_TIMEOUT);
}

/*
 * The coordinator dies just after its PREPARE reached the origin (core 2,
 * which on the multicast tree serves core 3) and nobody else; the
 * origin's PREPARE to core 3 is lost. Nobody voted yes, so nobody asks
 * anything: the origin, still collecting, must abort by itself once it
 * hears that the coordinator is down, not wait for ever.
 */
TEST(a_member_collecting_when_the_coordinator_dies_aborts)
{
	struct agree_msg m;
	uint32_t uid;

	CHECK(sim_init(&S, 4, 4, MTREE_MULTICAST, 0, 11));
	CHECK_EQ(S.tree.parent[3], 2);
	uid = sim_submit(&S, 2, SIM_ADD, 1);
	CHECK(agree_pop(&S.ag[2], &m));
	CHECK_ERR(agree_input(&S.ag[0], &m), OK);	/* SUBMIT: proposed */
	while (agree_pop(&S.ag[0], &m))
		if (m.to == 2)
			CHECK_ERR(agree_input(&S.ag[2], &m), OK);
	sim_crash(&S, 0);
	while (agree_pop(&S.ag[2], &m))
		;					/* the PREPARE to 3: lost */
	CHECK_EQ(S.ag[2].cur.state, AGREE_COLLECTING);
	sim_report_down(&S, 0);
	SETTLE_AND_CHECK(&S);
	CHECK_ERR(sim_res_of(&S, uid)->err, ERR_TIMEOUT);
	for (unsigned c = 1; c < 4; c++)
		CHECK_EQ(S.rep[c].nlog, 0);
}

static struct agree_msg msg(unsigned type, unsigned from, unsigned to, uint64_t op)
{
	struct agree_msg m = { .type = (uint8_t)type, .from = (uint8_t)from, .to = (uint8_t)to,
			       .epoch = S.epoch, .op = op };
	return m;
}

#define DROPPED(core, m, counter) do {					\
	struct agree_msg m_ = (m);					\
	unsigned before_ = S.ag[core].stats.counter;			\
	CHECK_ERR(agree_input(&S.ag[core], &m_), ERR_BAD_MESSAGE);	\
	CHECK_EQ(S.ag[core].stats.counter, before_ + 1);		\
} while (0)

TEST(forged_and_malformed_messages_are_dropped_and_counted)
{
	struct agree_msg m;
	uint32_t uid;

	CHECK(sim_init(&S, 4, 4, MTREE_BROADCAST, 0, 7));
	/* A proposal in hand at the coordinator, its PREPAREs not delivered. */
	uid = sim_submit(&S, 0, SIM_ADD, 1);
	CHECK_EQ(S.ag[0].cur.state, AGREE_COLLECTING);

	m = msg(AGREE_PREPARE, 0, 1, 1);
	m.epoch = S.epoch + 1;
	DROPPED(1, m, bad_epoch);				/* wrong epoch */
	DROPPED(1, msg(77, 0, 1, 1), bad_type);			/* unknown type */
	m = msg(AGREE_PREPARE, 0, 1, 1);
	m.len = AGREE_PAYLOAD_MAX + 1;
	DROPPED(1, m, bad_type);				/* too long */
	DROPPED(1, msg(AGREE_PREPARE, 9, 1, 1), bad_core);	/* not a member */
	DROPPED(1, msg(AGREE_PREPARE, 0, 2, 1), bad_core);	/* for another core */
	DROPPED(2, msg(AGREE_PREPARE, 1, 2, 1), forged);	/* not its parent */
	DROPPED(0, msg(AGREE_VOTE, 1, 0, 5), unknown_op);	/* never proposed */
	m = msg(AGREE_VOTE, 1, 0, 1);
	m.outcome = AGREE_COMMIT;
	m.voters = (1ull << 1) | (1ull << 2);			/* answers for core 2 too */
	DROPPED(0, m, forged);
	m = msg(AGREE_DECIDE, 0, 1, 1);
	m.outcome = AGREE_COMMIT;
	DROPPED(1, m, forged);					/* commit without a prepare */
	m = msg(AGREE_DECIDE, 0, 3, 40);
	m.outcome = AGREE_COMMIT;
	DROPPED(3, m, forged);
	m = msg(AGREE_DECIDE, 0, 2, 1000);
	m.outcome = AGREE_ABORT;
	DROPPED(2, m, unknown_op);				/* far past any operation */
	DROPPED(0, msg(AGREE_QUERY, 1, 0, 2), unknown_op);	/* the coordinator never gave 2 */
	agree_down(&S.ag[3], 2);
	DROPPED(3, msg(AGREE_QUERY, 2, 3, 1), from_down);

	/* Nothing moved: the votes are still missing, nothing applied. */
	CHECK_EQ(S.ag[0].cur.state, AGREE_COLLECTING);
	CHECK_EQ(S.ag[0].cur.got, 0);
	for (unsigned c = 0; c < 4; c++)
		CHECK_EQ(S.rep[c].nlog, 0);
	/* And the group goes on serving (core 3 now thinks 2 is down: a
	 * view without it). */
	S.ag[3].down = 0;
	SETTLE_AND_CHECK(&S);
	CHECK_ERR(sim_res_of(&S, uid)->err, OK);
}

/* A member that changed view still answers a question about the epoch before. */
TEST(a_question_about_the_last_epoch_is_answered)
{
	struct agree_msg m, a;

	CHECK(sim_init(&S, 3, 3, MTREE_BROADCAST, 0, 8));
	CHECK(sim_submit(&S, 1, SIM_ADD, 1));
	SETTLE_AND_CHECK(&S);
	CHECK(sim_view(&S, 1, 7));
	m = msg(AGREE_QUERY, 2, 0, 1);
	m.epoch = S.epoch - 1;
	CHECK_ERR(agree_input(&S.ag[0], &m), OK);
	CHECK(agree_pop(&S.ag[0], &a));
	CHECK_EQ(a.type, AGREE_ANSWER);
	CHECK_EQ(a.epoch, S.epoch - 1);
	CHECK_EQ(a.outcome, AGREE_COMMIT);
	m.op = 2;
	CHECK_ERR(agree_input(&S.ag[0], &m), OK);
	CHECK(agree_pop(&S.ag[0], &a));
	CHECK_EQ(a.outcome, AGREE_ABORT);
	m.epoch = S.epoch - 2;		/* older still: dropped */
	CHECK_ERR(agree_input(&S.ag[0], &m), ERR_BAD_MESSAGE);
}

/* An origin that gave up (ERR_TIMEOUT) votes no when its submission is
 * proposed after all, so what it reported stays true. */
TEST(a_submission_given_up_cannot_commit_later)
{
	struct agree_msg held, m;
	uint32_t uid;

	CHECK(sim_init(&S, 3, 3, MTREE_BROADCAST, 0, 9));
	uid = sim_submit(&S, 1, SIM_ADD, 4);
	CHECK(agree_pop(&S.ag[1], &held));
	CHECK_EQ(held.type, AGREE_SUBMIT);
	for (unsigned t = 0; t <= sim_conf.submit_ticks; t++) {
		agree_tick(&S.ag[1]);
		while (agree_pop(&S.ag[1], &m))
			;	/* the retries are lost too */
	}
	CHECK(sim_res_of(&S, uid)->done);
	CHECK_ERR(sim_res_of(&S, uid)->err, ERR_TIMEOUT);
	CHECK_ERR(agree_input(&S.ag[0], &held), OK);
	SETTLE_AND_CHECK(&S);
	for (unsigned c = 0; c < 3; c++)
		CHECK_EQ(S.rep[c].nlog, 0);
	CHECK(S.ag[0].stats.aborted >= 1);
}

static err_t no_check(void *c, const void *p, unsigned l) { return OK; }
static void no_apply(void *c, uint64_t op, const void *p, unsigned l) { }

TEST(bad_arguments_are_refused)
{
	static const struct agree_ops ops = { .check = no_check, .apply = no_apply };
	struct agree_conf zero = sim_conf;
	struct agree *a = &S.ag[0];
	struct mtree t;
	uint8_t big[AGREE_PAYLOAD_MAX + 1] = { 0 };

	zero.retry_ticks = 0;
	CHECK_ERR(agree_init(a, 0, &zero, &ops, NULL), ERR_INVALID_ARG);
	CHECK_ERR(agree_init(a, 64, &sim_conf, &ops, NULL), ERR_INVALID_ARG);
	CHECK_ERR(agree_init(a, 0, &sim_conf, NULL, NULL), ERR_INVALID_ARG);
	CHECK_ERR(agree_init(a, 1, &sim_conf, &ops, NULL), OK);
	CHECK_ERR(agree_submit(a, big, 1, NULL), ERR_INVALID_ARG);	/* no view yet */
	sim_topo(&S, 4, 4);
	CHECK_ERR(mtree_build(&S.topo, MTREE_BROADCAST, 0, 0xd, &t), OK);
	CHECK_ERR(agree_view(a, 1, &t), ERR_INVALID_ARG);		/* not a member */
	CHECK_ERR(mtree_build(&S.topo, MTREE_BROADCAST, 0, 0xf, &t), OK);
	CHECK_ERR(agree_view(a, 0, &t), ERR_INVALID_ARG);		/* epoch 0 */
	CHECK_ERR(agree_view(a, 3, &t), OK);
	CHECK_ERR(agree_view(a, 3, &t), ERR_INVALID_ARG);		/* not newer */
	CHECK_ERR(agree_submit(a, big, sizeof(big), NULL), ERR_INVALID_ARG);
	for (unsigned i = 0; i < AGREE_PENDING; i++)
		CHECK_ERR(agree_submit(a, big, 1, NULL), OK);
	CHECK_ERR(agree_submit(a, big, 1, NULL), ERR_TOO_MANY);
	CHECK_ERR(agree_input(a, NULL), ERR_INVALID_ARG);
}
