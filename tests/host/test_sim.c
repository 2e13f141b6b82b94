/*
 * Host tests of the shootdown simulator (sim/shootsim.c, sim/model.c):
 * that the simulated protocol sends exactly the messages that lib/mtree.c
 * counts (msgs, cross_node, rounds equal to mtree_cost's on many machines,
 * every shape and root, many member sets), that every member flushes once;
 * that its clock does what docs/sim.md says, on small runs worked out by
 * hand; that the paper's calibration reproduces the paper's Table 2; and
 * the round-trip matrix parser, its calibration, and bad input.
 */
#include <stdio.h>
#include <string.h>
#include "lib/test.h"
#include "lib/mtree.h"
#include "sim/shootsim.h"

static uint64_t all(unsigned n)
{
	return n >= 64 ? ~0ull : (1ull << n) - 1;
}

static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Odd machines beside the named ones: nodes of 1, 4 and 2 cores with
 * distances that differ each way, and one core per node; their hops are
 * one between any two nodes. */
static void odd_machine(struct sim_machine *mc, const uint8_t *node, unsigned n,
			const uint8_t (*d)[3], unsigned nn)
{
	memset(mc, 0, sizeof(*mc));
	snprintf(mc->name, sizeof(mc->name), "odd%u", n);
	mc->t.ncores = n;
	for (unsigned c = 0; c < n; c++) {
		mc->t.node[c] = node[c];
		mc->t.cache[c] = node[c];
	}
	for (unsigned a = 0; a < nn; a++) {
		for (unsigned b = 0; b < nn; b++) {
			mc->t.dist[a][b] = d ? d[a][b] : 0;
			mc->hops[a][b] = a != b;
		}
	}
}

/* Simulates one tree with costs c and checks it against mtree_cost; false
 * (with the failure recorded) when it does not hold. */
static bool check_run(const struct sim_machine *mc, const struct sim_costs *c,
		      enum mtree_shape s, unsigned root, uint64_t members)
{
	struct mtree m;
	struct mtree_cost want;
	struct sim_result r;
	err_t err = mtree_build(&mc->t, s, root, members, &m);

	if (!err)
		err = sim_shootdown(&m, &mc->t, c, &r);
	if (err) {
		test_fail("%s %s root %u members %#llx: %s", mc->name, mtree_shape_name(s), root,
			  (unsigned long long)members, err_name(err));
		return false;
	}
	mtree_cost(&m, &mc->t, &want);
	if (r.msgs != want.msgs || r.cross_node != want.cross_node || r.rounds != want.rounds) {
		test_fail("%s %s root %u members %#llx: simulated %u/%u/%u, mtree_cost %u/%u/%u "
			  "(msgs/cross_node/rounds)", mc->name, mtree_shape_name(s), root,
			  (unsigned long long)members, r.msgs, r.cross_node, r.rounds, want.msgs,
			  want.cross_node, want.rounds);
		return false;
	}
	if (r.flushed != members) {
		test_fail("%s %s root %u members %#llx: flushed %#llx", mc->name,
			  mtree_shape_name(s), root, (unsigned long long)members,
			  (unsigned long long)r.flushed);
		return false;
	}
	/* The root ends last: it waits for everyone's answer. */
	for (unsigned k = 0; k < mc->t.ncores; k++) {
		if ((members >> k & 1) && r.done[k] > r.latency) {
			test_fail("%s %s root %u: core %u finished at %llu, after the root (%llu)",
				  mc->name, mtree_shape_name(s), root, k,
				  (unsigned long long)r.done[k], (unsigned long long)r.latency);
			return false;
		}
	}
	return true;
}

TEST(simulated_counts_equal_mtree_cost_on_every_machine_shape_and_root)
{
	static const char *const named[] = { "amd8x4", "amd8x8", "qemu:6,2", "qemu:8,2",
					     "qemu:4,2", "qemu:7,3", "qemu:1,1", "qemu:64,16" };
	static const uint8_t three[] = { 0, 1, 1, 1, 1, 2, 2 };
	static const uint8_t d3[3][3] = { { 10, 21, 31 }, { 23, 10, 17 }, { 33, 35, 10 } };
	static const uint8_t each[] = { 0, 1, 2, 3 };
	static struct sim_machine mcs[10];
	static struct sim_costs c;
	uint64_t seed = 0x2545f4914f6cdd1dull;
	unsigned n = 0;

	for (unsigned i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		CHECK_ERR(sim_machine_parse(named[i], &mcs[n++], NULL), OK);
	odd_machine(&mcs[n++], three, 7, d3, 3);
	odd_machine(&mcs[n++], each, 4, NULL, 4);
	for (unsigned i = 0; i < n; i++) {
		const struct sim_machine *mc = &mcs[i];

		sim_costs_paper(mc, &c);
		for (unsigned s = 0; s < MTREE_NSHAPES; s++) {
			for (unsigned root = 0; root < mc->t.ncores; root++) {
				uint64_t node = 0, sets[8];
				unsigned k = 0;

				for (unsigned x = 0; x < mc->t.ncores; x++)
					if (mc->t.node[x] == mc->t.node[root])
						node |= 1ull << x;
				sets[k++] = all(mc->t.ncores);
				sets[k++] = 1ull << root;
				sets[k++] = node;
				while (k < 8)
					sets[k++] = (rng(&seed) & all(mc->t.ncores)) | 1ull << root;
				for (unsigned j = 0; j < k; j++)
					if (!check_run(mc, &c, (enum mtree_shape)s, root, sets[j]))
						return;
			}
		}
	}
}

/* The simulator's costs for a two-class timing (mtree.h): within a node
 * and between two. */
static void timing_costs(const struct mtree_topo *t, const struct mtree_timing *tm,
			 struct sim_costs *c)
{
	memset(c, 0, sizeof(*c));
	c->ncores = t->ncores;
	c->flush = tm->flush;
	for (unsigned a = 0; a < t->ncores; a++) {
		for (unsigned b = 0; b < t->ncores; b++) {
			unsigned d = t->node[a] != t->node[b];
			c->send[a][b] = tm->send[d];
			c->recv[a][b] = tm->recv[d];
			c->prop[a][b] = tm->prop[d];
		}
	}
}

/* mtree_estimate, which mtree_best decides by inside the monitors, is the
 * simulation's arithmetic: equal to the simulated latency for every shape,
 * root and member set, on every machine, with the paper's timing and with
 * one whose answers cost more than requests (an answer that waits). */
TEST(mtree_estimate_equals_the_simulated_latency)
{
	static const char *const named[] = { "amd8x4", "amd8x8", "qemu:6,2", "qemu:8,2",
					     "qemu:7,3", "qemu:1,1" };
	static const struct mtree_timing skewed = {
		.send = { 3, 50 }, .recv = { 200, 7 }, .prop = { 10, 900 }, .flush = 40,
	};
	static struct sim_machine mc;
	static struct sim_costs c;
	uint64_t seed = 0x9e3779b97f4a7c15ull;

	for (unsigned i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		CHECK_ERR(sim_machine_parse(named[i], &mc, NULL), OK);
		for (unsigned tm = 0; tm < 2; tm++) {
			const struct mtree_timing *timing = tm ? &skewed : &mtree_timing_paper;
			timing_costs(&mc.t, timing, &c);
			for (unsigned s = 0; s < MTREE_NSHAPES; s++) {
				for (unsigned root = 0; root < mc.t.ncores; root++) {
					for (unsigned j = 0; j < 4; j++) {
						uint64_t members = j == 0 ? all(mc.t.ncores) :
							(rng(&seed) & all(mc.t.ncores)) | 1ull << root;
						struct mtree m;
						struct sim_result r;
						CHECK_ERR(mtree_build(&mc.t, (enum mtree_shape)s, root, members,
								      &m), OK);
						CHECK_ERR(sim_shootdown(&m, &mc.t, &c, &r), OK);
						uint64_t e = mtree_estimate(&m, &mc.t, timing);
						if (e != r.latency) {
							test_fail("%s %s root %u members %#llx timing %u: estimate "
								  "%llu, simulated %llu", named[i],
								  mtree_shape_name((enum mtree_shape)s), root,
								  (unsigned long long)members, tm,
								  (unsigned long long)e,
								  (unsigned long long)r.latency);
							return;
						}
					}
				}
			}
		}
	}
}

/* Costs for the hand-worked runs: send 1, receive 2, 10 in flight within
 * a node and 100 between nodes, a flush of 1000. */
static void hand_costs(const struct mtree_topo *t, struct sim_costs *c)
{
	memset(c, 0, sizeof(*c));
	c->ncores = t->ncores;
	c->flush = 1000;
	for (unsigned a = 0; a < t->ncores; a++) {
		for (unsigned b = 0; b < t->ncores; b++) {
			c->send[a][b] = 1;
			c->recv[a][b] = 2;
			c->prop[a][b] = t->node[a] == t->node[b] ? 10 : 100;
		}
	}
}

static uint64_t hand_run(const struct mtree_topo *t, enum mtree_shape s, uint64_t members,
			 struct sim_result *r)
{
	static struct sim_costs c;
	struct mtree m;

	hand_costs(t, &c);
	if (mtree_build(t, s, 0, members, &m) || sim_shootdown(&m, t, &c, r))
		return 0;
	return r->latency;
}

/*
 * docs/sim.md works these out step by step. On one node of three cores,
 * broadcast: 0 sends to 1 (0-1, there at 11) and 2
 * (1-2, at 12), flushes (2-1002); 1 takes its request (11-13), flushes
 * (-1013), answers (-1014, at 1024); 2 likewise a cycle later (at 1025);
 * 0 takes both answers (1024-1026, 1026-1028): 1028.
 * Unicast: 0 sends to 1 (at 11) and flushes (1-1001); 1 answers
 * at 1024; 0 takes it (-1026), sends to 2 (-1027, at 1037); 2 takes it
 * (-1039), flushes (-2039), answers (-2040, at 2050); 0 takes it: 2052.
 * Numa on two nodes, {0,1} and {2,3}: 0 sends to the aggregator 2 (0-1, at 101), then to
 * 1 (1-2, at 12), flushes (2-1002). 1: 12-14, flush -1014, answer -1015,
 * at 1025. 2: takes 101-103, sends to 3 (-104, at 114), flushes
 * (-1104); 3: 114-116, -1116, answers -1117, at 1127; 2 takes it at
 * 1127-1129 and answers (-1130, at 1230). 0 takes 1's answer (1025-1027)
 * and 2's (1230-1232): 1232.
 */
TEST(latency_of_small_runs_matches_the_hand_computed)
{
	struct mtree_topo one = { .ncores = 3 };
	struct mtree_topo t = { .ncores = 4, .node = { 0, 0, 1, 1 } };
	struct sim_result r;

	CHECK_EQ(hand_run(&one, MTREE_BROADCAST, 0x7, &r), 1028);
	CHECK_EQ(r.done[1], 1014);
	CHECK_EQ(r.done[2], 1015);
	CHECK_EQ(hand_run(&one, MTREE_UNICAST, 0x7, &r), 2052);
	CHECK_EQ(r.rounds, 4);
	CHECK_EQ(hand_run(&t, MTREE_NUMA, 0xf, &r), 1232);
	CHECK_EQ(r.done[3], 1117);
	CHECK_EQ(r.done[2], 1130);
	CHECK_EQ(r.msgs, 6);
	CHECK_EQ(r.cross_node, 2);
	CHECK_EQ(r.rounds, 4);
	/* The root alone: only its own flush. */
	CHECK_EQ(hand_run(&t, MTREE_NUMA, 0x1, &r), 1000);
	CHECK_EQ(r.msgs, 0);
	CHECK_EQ(r.rounds, 0);
}

/*
 * Messages wait for a busy core, in the order they arrived. Broadcast
 * over 0, 2, 3 with the flush at 5: 0 sends to 2 (0-1, at 101) and 3
 * (1-2, at 102), flushes (2-7). 2: 101-103, flush -108, answer -109, at
 * 209. 3: 102-104, -109, -110, at 210. A slow receive at the root (50)
 * makes the second answer wait: 0 takes 2's at 209-259 and 3's, which
 * arrived at 210, at 259-309: 309. Were a message taken when it arrives
 * whatever the core is doing, it would end at 260.
 */
TEST(a_busy_core_takes_waiting_messages_in_arrival_order)
{
	struct mtree_topo t = { .ncores = 4, .node = { 0, 0, 1, 1 } };
	static struct sim_costs c;
	struct sim_result r;
	struct mtree m;

	hand_costs(&t, &c);
	c.flush = 5;
	c.recv[2][0] = c.recv[3][0] = 50;
	CHECK_ERR(mtree_build(&t, MTREE_BROADCAST, 0, 0xd, &m), OK);
	CHECK_ERR(sim_shootdown(&m, &t, &c, &r), OK);
	CHECK_EQ(r.done[2], 109);
	CHECK_EQ(r.done[3], 110);
	CHECK_EQ(r.latency, 309);
}

TEST(paper_costs_reproduce_table_2_of_the_paper)
{
	static struct sim_machine mc;
	static struct sim_costs c;
	/* Core 0 is on node 0; core 1 shares its L3, core 4 is on node 1 (one
	 * hop), core 12 on node 3 (two hops: 0-2-3). */
	static const struct { unsigned to, latency, o; } want[] = {
		{ 1, 538, 361 }, { 4, 613, 358 }, { 12, 618, 364 },
	};

	CHECK_ERR(sim_machine_parse("amd8x4", &mc, NULL), OK);
	CHECK_EQ(mc.t.ncores, 32);
	CHECK_EQ(mc.hops[0][1], 1);
	CHECK_EQ(mc.hops[0][3], 2);
	CHECK_EQ(mc.hops[0][7], 1);
	sim_costs_paper(&mc, &c);
	for (unsigned i = 0; i < 3; i++) {
		unsigned b = want[i].to;

		/* o = 1000 / throughput, half each side; the rest in flight. */
		CHECK_EQ(c.send[0][b] + c.recv[0][b], want[i].o);
		CHECK_EQ(c.send[0][b] + c.prop[0][b] + c.recv[0][b], want[i].latency);
		CHECK_EQ(c.send[b][0] + c.prop[b][0] + c.recv[b][0], want[i].latency);
	}
	CHECK_EQ(c.flush, SIM_PAPER_FLUSH);
	CHECK_EQ(sim_paper_occupancy_permille(), 671);
	/* The 64-core extrapolation keeps the ladder: 8 cores a node. */
	CHECK_ERR(sim_machine_parse("amd8x8", &mc, NULL), OK);
	CHECK_EQ(mc.t.ncores, 64);
	CHECK_EQ(mc.t.node[63], 7);
	CHECK_EQ(mc.hops[0][7], 1);
}

TEST(machines_by_name_and_bad_names)
{
	static struct sim_machine mc, before;
	const char *why;
	static const char *const bad[] = { "qemu:0,1", "qemu:8,0", "qemu:8,9", "qemu:65,1",
					   "qemu:64,17", "qemu:8", "qemu:8,2x", "qemu:,2",
					   "qemu:-1,1", "amd8x4 " };

	CHECK_ERR(sim_machine_parse("qemu:7,3", &mc, NULL), OK);
	/* tools/qemu.py: 2 cores each, the last node the rest. */
	CHECK_EQ(mc.t.node[0], 0);
	CHECK_EQ(mc.t.node[2], 1);
	CHECK_EQ(mc.t.node[3], 1);
	CHECK_EQ(mc.t.node[4], 2);
	CHECK_EQ(mc.t.node[6], 2);
	CHECK_EQ(mc.t.dist[0][1], 21);
	CHECK_EQ(mc.t.cache[6], 0);
	memset(&mc, 0x5a, sizeof(mc));
	before = mc;
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		if (sim_machine_parse(bad[i], &mc, &why) == OK || !why)
			FAIL("%s was taken, or refused without a reason", bad[i]);
	}
	CHECK_ERR(sim_machine_parse("amd16x4", &mc, &why), ERR_NOT_FOUND);
	CHECK(memcmp(&mc, &before, sizeof(mc)) == 0);
}

TEST(round_trip_matrix_parsed_and_calibrated)
{
	static uint32_t rtt[SIM_MAX_CORES][SIM_MAX_CORES];
	static struct sim_costs c;
	char why[128];
	unsigned n = 0;

	/* A comment, a header, CRLF, one pair given one way only (2,1). */
	CHECK_ERR(sim_rtt_parse("# measured\nfrom,to,cycles\n0,1,1000\r\n1,0,1200\n"
				"0,2,3000\n2,0,3000\n1,2,2600\n\n", rtt, &n, why, sizeof(why)), OK);
	CHECK_EQ(n, 3);
	CHECK_EQ(rtt[0][1], 1000);
	CHECK_EQ(rtt[1][0], 1200);
	CHECK_EQ(rtt[2][1], 2600);
	/* Nearest one-way time 500; 600 per mille of it busy: 150 + 150. */
	sim_costs_rtt(n, rtt, 600, 77, &c);
	CHECK_EQ(c.ncores, 3);
	CHECK_EQ(c.flush, 77);
	CHECK_EQ(c.send[0][2], 150);
	CHECK_EQ(c.recv[0][2], 150);
	for (unsigned a = 0; a < 3; a++)
		for (unsigned b = 0; b < 3; b++)
			if (a != b && c.send[a][b] + c.prop[a][b] + c.recv[a][b] != rtt[a][b] / 2)
				FAIL("%u -> %u: %u + %u + %u is not half of %u", a, b, c.send[a][b],
				     c.prop[a][b], c.recv[a][b], rtt[a][b]);
}

TEST(bad_round_trip_matrices_are_refused_with_the_line)
{
	static uint32_t rtt[SIM_MAX_CORES][SIM_MAX_CORES], before[SIM_MAX_CORES][SIM_MAX_CORES];
	static const struct { const char *text, *why; } bad[] = {
		{ "0,1,100\n0,2,100\n", "no round trip between cores 1 and 2" },
		{ "0,1,100\n1,1,5\n", "line 2: a round trip from a core to itself" },
		{ "0,1,100\n0,1,100\n", "line 2: this pair was given before" },
		{ "0,1,0\n", "line 1: a round trip of 0 cycles" },
		{ "0,64,100\n", "line 1: not `from,to,cycles`" },
		{ "0,1,1000000001\n", "line 1: not `from,to,cycles`" },
		{ "0,1,100,7\n", "line 1: not `from,to,cycles`" },
		{ "0;1;100\n", "line 1: not `from,to,cycles`" },
		{ "0,1,\n", "line 1: not `from,to,cycles`" },
		{ "# 0,1,5\n1,0,x\n", "line 2: not `from,to,cycles`" },
		{ "from,to,cycles\n", "line 1: no round trips between two cores" },
		{ "0,1,5\nfrom,to,cycles\n", "line 2: not `from,to,cycles`" },
		{ "", "line 0: no round trips between two cores" },
	};
	char why[128];
	unsigned n = 99;

	memset(rtt, 0x5a, sizeof(rtt));
	memcpy(before, rtt, sizeof(rtt));
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_t err = sim_rtt_parse(bad[i].text, rtt, &n, why, sizeof(why));

		if (err != ERR_INVALID_ARG || strncmp(why, bad[i].why, strlen(bad[i].why)) != 0)
			FAIL("case %u: %s \"%s\", want ERR_INVALID_ARG \"%s\"", i, err_name(err),
			     why, bad[i].why);
	}
	CHECK_EQ(n, 99);
	CHECK(memcmp(rtt, before, sizeof(rtt)) == 0);
}

TEST(bad_runs_are_refused)
{
	static struct sim_machine mc;
	static struct sim_costs c;
	struct sim_result r, before;
	struct mtree m, broken;

	CHECK_ERR(sim_machine_parse("qemu:8,2", &mc, NULL), OK);
	sim_costs_paper(&mc, &c);
	CHECK_ERR(mtree_build(&mc.t, MTREE_NUMA, 0, 0xff, &m), OK);
	memset(&r, 0x5a, sizeof(r));
	before = r;
	CHECK_ERR(sim_shootdown(NULL, &mc.t, &c, &r), ERR_INVALID_ARG);
	CHECK_ERR(sim_shootdown(&m, &mc.t, NULL, &r), ERR_INVALID_ARG);
	CHECK_ERR(sim_shootdown(&m, &mc.t, &c, NULL), ERR_INVALID_ARG);
	c.ncores = 7;
	CHECK_ERR(sim_shootdown(&m, &mc.t, &c, &r), ERR_INVALID_ARG);
	c.ncores = 8;
	/* A tree that leaves a member out, and one that reaches a core twice. */
	broken = m;
	broken.first_child[4] = -1;
	CHECK_ERR(sim_shootdown(&broken, &mc.t, &c, &r), ERR_INVALID_ARG);
	broken = m;
	broken.next_sibling[7] = 5;
	CHECK_ERR(sim_shootdown(&broken, &mc.t, &c, &r), ERR_INVALID_ARG);
	CHECK(memcmp(&r, &before, sizeof(r)) == 0);
	CHECK_ERR(sim_shootdown(&m, &mc.t, &c, &r), OK);
}
