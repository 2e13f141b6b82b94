/*
 * Host tests of lib/mtree.c: the four shapes on the Multikernel paper's
 * machines described as facts, and on odd ones; every shape, every root
 * and several member sets, checked from the outside by
 * tests/host/mtree_check.h; the counts of the paper's machines against
 * values worked out by hand (docs/trees.md shows how); the rule for the
 * best shape; and every kind of bad input.
 *
 * The paper's machines (SOSP 2009, section 4), as the SKB would describe
 * them:
 *	2x4-core Intel	two Xeon X5355 packages, each two dies of two cores
 *			sharing an L2; one memory controller: one node, four
 *			cache groups of two cores.
 *	2x2-core AMD	two Opteron 2220, each its own node; every core has
 *			its own L2, none shared: a cache group per core.
 *	4x4-core AMD	four Opteron 8380 in a square of HyperTransport
 *			links; each package one node sharing its L3.
 *	8x4-core AMD	eight Opteron 8350 (Sun X4600) in a twisted ladder;
 *			each package one node sharing its L3.
 * Their distances here are a model, 10 + 6 per HyperTransport hop, not
 * the firmware's SLIT (which the paper does not give); only numa's send
 * order and dist_sum depend on them.
 */
#include <stdio.h>
#include <string.h>
#include "lib/test.h"
#include "lib/mtree.h"
#include "tests/host/mtree_check.h"

/* Distances from links between nodes: 10 + 6 per hop (Floyd-Warshall). */
static void dist_from_links(struct mtree_topo *t, unsigned nn, const uint8_t (*l)[2], unsigned nl)
{
	unsigned h[MTREE_MAX_NODES][MTREE_MAX_NODES];

	for (unsigned a = 0; a < nn; a++)
		for (unsigned b = 0; b < nn; b++)
			h[a][b] = a == b ? 0 : 99;
	for (unsigned i = 0; i < nl; i++)
		h[l[i][0]][l[i][1]] = h[l[i][1]][l[i][0]] = 1;
	for (unsigned k = 0; k < nn; k++)
		for (unsigned a = 0; a < nn; a++)
			for (unsigned b = 0; b < nn; b++)
				if (h[a][k] + h[k][b] < h[a][b])
					h[a][b] = h[a][k] + h[k][b];
	for (unsigned a = 0; a < nn; a++)
		for (unsigned b = 0; b < nn; b++)
			t->dist[a][b] = (uint8_t)(10 + 6 * h[a][b]);
}

/* n cores, per_node to a node and per_cache to a cache group, in order. */
static struct mtree_topo machine(unsigned n, unsigned per_node, unsigned per_cache)
{
	struct mtree_topo t = { .ncores = n };

	for (unsigned c = 0; c < n; c++) {
		t.node[c] = (uint8_t)(c / per_node);
		t.cache[c] = (uint8_t)(c / per_cache);
	}
	return t;
}

static struct mtree_topo intel_2x4(void)
{
	struct mtree_topo t = machine(8, 8, 2);

	t.dist[0][0] = 10;
	return t;
}

static struct mtree_topo amd_2x2(void)
{
	static const uint8_t links[][2] = { { 0, 1 } };
	struct mtree_topo t = machine(4, 2, 1);

	dist_from_links(&t, 2, links, 1);
	return t;
}

static struct mtree_topo amd_4x4(void)
{
	static const uint8_t square[][2] = { { 0, 1 }, { 0, 2 }, { 1, 3 }, { 2, 3 } };
	struct mtree_topo t = machine(16, 4, 4);

	dist_from_links(&t, 4, square, 4);
	return t;
}

/* Rungs 0-1, 2-3, 4-5, 6-7; rails 0-2-4-6 and 1-3-5-7; the ends crossed,
 * 0-7 and 1-6: every node is at most two hops from every other. */
static struct mtree_topo amd_8x4(void)
{
	static const uint8_t ladder[][2] = {
		{ 0, 1 }, { 2, 3 }, { 4, 5 }, { 6, 7 }, { 0, 2 }, { 2, 4 }, { 4, 6 },
		{ 1, 3 }, { 3, 5 }, { 5, 7 }, { 0, 7 }, { 1, 6 },
	};
	struct mtree_topo t = machine(32, 4, 4);

	dist_from_links(&t, 8, ladder, sizeof(ladder) / sizeof(ladder[0]));
	return t;
}

/* Three nodes of 1, 4 and 2 cores, with distances that differ each way. */
static struct mtree_topo three_unequal(void)
{
	static const uint8_t node[] = { 0, 1, 1, 1, 1, 2, 2 };
	static const uint8_t d[3][3] = { { 10, 21, 31 }, { 23, 10, 17 }, { 33, 35, 10 } };
	struct mtree_topo t = { .ncores = 7 };

	for (unsigned c = 0; c < 7; c++)
		t.node[c] = t.cache[c] = node[c];
	for (unsigned a = 0; a < 3; a++)
		for (unsigned b = 0; b < 3; b++)
			t.dist[a][b] = d[a][b];
	return t;
}

/* One core per node, distances unknown (all 0: 20 between nodes). */
static struct mtree_topo one_per_node(void)
{
	return machine(4, 1, 1);
}

static struct mtree_topo one_core(void)
{
	return machine(1, 1, 1);
}

/* Cores numbered across the nodes in turn, as firmware may list them. */
static struct mtree_topo interleaved(void)
{
	struct mtree_topo t = { .ncores = 6 };

	for (unsigned c = 0; c < 6; c++)
		t.node[c] = t.cache[c] = (uint8_t)(c % 2);
	return t;
}

/* Two nodes of two caches each: numa and multicast differ. */
static struct mtree_topo nodes_of_two_caches(void)
{
	return machine(8, 4, 2);
}

/* QEMU's `make run SMP=6 NUMA=2`: one package (one cache group) across
 * two nodes. */
static struct mtree_topo qemu_numa(void)
{
	struct mtree_topo t = machine(6, 3, 6);

	t.dist[0][0] = t.dist[1][1] = 10;
	t.dist[0][1] = t.dist[1][0] = 20;
	return t;
}

/* The largest: 64 cores, 4 nodes of 16, caches of 8. */
static struct mtree_topo big_64(void)
{
	return machine(64, 16, 8);
}

struct machine {
	const char *name;
	struct mtree_topo (*make)(void);
};

static const struct machine machines[] = {
	{ "intel_2x4", intel_2x4 }, { "amd_2x2", amd_2x2 }, { "amd_4x4", amd_4x4 },
	{ "amd_8x4", amd_8x4 }, { "three_unequal", three_unequal },
	{ "one_per_node", one_per_node }, { "one_core", one_core },
	{ "interleaved", interleaved }, { "nodes_of_two_caches", nodes_of_two_caches },
	{ "qemu_numa", qemu_numa }, { "big_64", big_64 },
};
#define NMACHINES (sizeof(machines) / sizeof(machines[0]))

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

/* Builds and checks one tree; false (with the failure recorded) if it
 * does not hold. */
static bool check_one(const char *name, const struct mtree_topo *t, enum mtree_shape s,
		      unsigned root, uint64_t members)
{
	struct mtree m;
	struct mtree_cost got, want;
	struct mtree_edge e[MTREE_MAX_CORES];
	const char *why;
	err_t err = mtree_build(t, s, root, members, &m);
	unsigned per_node[MTREE_MAX_NODES] = { 0 };

	if (err) {
		test_fail("%s %s root %u members %#llx: %s", name, mtree_shape_name(s), root,
			  (unsigned long long)members, err_name(err));
		return false;
	}
	why = mc_tree(&m, t, s, root, members, &want);
	if (!why) {
		mtree_cost(&m, t, &got);
		if (!mc_cost_eq(&got, &want))
			why = "mtree_cost differs from the counts of the tree";
	}
	if (!why)
		why = mc_edges(&m, e, mtree_edges(&m, e, MTREE_MAX_CORES));
	if (!why)
		why = mc_from_parents(&m, t);
	/* The words: at most one message per remote node from the root. */
	for (int c = m.first_child[root]; !why && s == MTREE_NUMA && c >= 0; c = m.next_sibling[c])
		if (t->node[c] != t->node[root] && ++per_node[t->node[c]] > 1)
			why = "numa: the root sends to two cores of one remote node";
	for (unsigned c = 0; !why && c < MTREE_MAX_CORES; c++) {
		uint64_t below = 0;

		/* The subtree of c: the members whose parents pass through c. */
		for (unsigned d = 0; mc_has(members, c) && d < t->ncores; d++) {
			int p = (int)d;

			while (mc_has(members, d) && p >= 0 && p != (int)c)
				p = m.parent[p];
			if (mc_has(members, d) && p == (int)c)
				below |= 1ull << d;
		}
		if (mtree_subtree(&m, c) != below)
			why = "mtree_subtree is not the set of cores below it";
	}
	if (why)
		test_fail("%s %s root %u members %#llx: %s", name, mtree_shape_name(s), root,
			  (unsigned long long)members, why);
	return !why;
}

/* Every machine, shape and root: all cores, the root alone, the root's
 * node, and random sets with the root. */
TEST(every_member_reached_once_on_every_machine_shape_and_root)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull;

	for (unsigned i = 0; i < NMACHINES; i++) {
		struct mtree_topo t = machines[i].make();

		for (unsigned s = 0; s < MTREE_NSHAPES; s++) {
			for (unsigned root = 0; root < t.ncores; root++) {
				uint64_t node = 0, sets[12];
				unsigned n = 0;

				for (unsigned c = 0; c < t.ncores; c++)
					if (t.node[c] == t.node[root])
						node |= 1ull << c;
				sets[n++] = all(t.ncores);
				sets[n++] = 1ull << root;
				sets[n++] = node;
				while (n < 12)
					sets[n++] = (rng(&seed) & all(t.ncores)) | 1ull << root;
				for (unsigned k = 0; k < n; k++)
					if (!check_one(machines[i].name, &t, (enum mtree_shape)s,
						       root, sets[k]))
						return;
			}
		}
	}
}

struct want {
	const char *machine;
	struct mtree_topo (*make)(void);
	enum mtree_shape shape;
	unsigned root;
	uint64_t members;	/* 0: every core */
	struct mtree_cost cost;	/* msgs, cross_node, rounds, fanout, dist_sum */
};

/* The counts worked out by hand (docs/trees.md, "The counts"). */
static const struct want wants[] = {
	/* One node; dies of two cores: the root serves core 1 and sends to
	 * 2, 4 and 6, which serve 3, 5 and 7. */
	{ "intel_2x4", intel_2x4, MTREE_BROADCAST, 0, 0, { 14, 0, 2, 7, 140 } },
	{ "intel_2x4", intel_2x4, MTREE_UNICAST, 0, 0, { 14, 0, 14, 7, 140 } },
	{ "intel_2x4", intel_2x4, MTREE_MULTICAST, 0, 0, { 14, 0, 4, 4, 140 } },
	{ "intel_2x4", intel_2x4, MTREE_NUMA, 0, 0, { 14, 0, 2, 7, 140 } },
	/* Two nodes, one hop (16) apart, no shared cache. */
	{ "amd_2x2", amd_2x2, MTREE_BROADCAST, 0, 0, { 6, 4, 2, 3, 84 } },
	{ "amd_2x2", amd_2x2, MTREE_UNICAST, 0, 0, { 6, 4, 6, 3, 84 } },
	{ "amd_2x2", amd_2x2, MTREE_MULTICAST, 0, 0, { 6, 4, 2, 3, 84 } },
	{ "amd_2x2", amd_2x2, MTREE_NUMA, 0, 0, { 6, 2, 4, 2, 72 } },
	/* Four nodes in a square: 1 and 2 one hop away, 3 two. */
	{ "amd_4x4", amd_4x4, MTREE_BROADCAST, 0, 0, { 30, 24, 2, 15, 492 } },
	{ "amd_4x4", amd_4x4, MTREE_UNICAST, 0, 0, { 30, 24, 30, 15, 492 } },
	{ "amd_4x4", amd_4x4, MTREE_MULTICAST, 0, 0, { 30, 6, 4, 6, 348 } },
	{ "amd_4x4", amd_4x4, MTREE_NUMA, 0, 0, { 30, 6, 4, 6, 348 } },
	/* Eight nodes: 1, 2 and 7 one hop from node 0, the rest two. */
	{ "amd_8x4", amd_8x4, MTREE_BROADCAST, 0, 0, { 62, 56, 2, 31, 1148 } },
	{ "amd_8x4", amd_8x4, MTREE_UNICAST, 0, 0, { 62, 56, 62, 31, 1148 } },
	{ "amd_8x4", amd_8x4, MTREE_MULTICAST, 0, 0, { 62, 14, 4, 10, 752 } },
	{ "amd_8x4", amd_8x4, MTREE_NUMA, 0, 0, { 62, 14, 4, 10, 752 } },
	/* A process on cores 0, 1, 5, 6, 13 and 31, unmapping from core 5
	 * (node 1: nodes 0 and 3 one hop away, 7 two). */
	{ "amd_8x4", amd_8x4, MTREE_BROADCAST, 5, 0x80002063, { 10, 8, 2, 5, 160 } },
	{ "amd_8x4", amd_8x4, MTREE_UNICAST, 5, 0x80002063, { 10, 8, 10, 5, 160 } },
	{ "amd_8x4", amd_8x4, MTREE_MULTICAST, 5, 0x80002063, { 10, 6, 4, 4, 148 } },
	{ "amd_8x4", amd_8x4, MTREE_NUMA, 5, 0x80002063, { 10, 6, 4, 4, 148 } },
	/* Odd shapes. Node 0 holds only the root; 1 is 21 away, 2 is 31. */
	{ "three_unequal", three_unequal, MTREE_NUMA, 0, 0, { 12, 4, 4, 3, 188 } },
	{ "three_unequal", three_unequal, MTREE_BROADCAST, 0, 0, { 12, 12, 2, 6, 304 } },
	{ "one_per_node", one_per_node, MTREE_NUMA, 2, 0, { 6, 6, 2, 3, 120 } },
	{ "one_core", one_core, MTREE_NUMA, 0, 0, { 0, 0, 0, 0, 0 } },
	{ "one_core", one_core, MTREE_UNICAST, 0, 0, { 0, 0, 0, 0, 0 } },
	/* docs/trees.md's pictures: two nodes (20 apart) of two caches. */
	{ "nodes_of_two_caches", nodes_of_two_caches, MTREE_BROADCAST, 0, 0, { 14, 8, 2, 7, 220 } },
	{ "nodes_of_two_caches", nodes_of_two_caches, MTREE_UNICAST, 0, 0, { 14, 8, 14, 7, 220 } },
	{ "nodes_of_two_caches", nodes_of_two_caches, MTREE_NUMA, 0, 0, { 14, 2, 4, 4, 160 } },
	{ "nodes_of_two_caches", nodes_of_two_caches, MTREE_MULTICAST, 0, 0, { 14, 4, 4, 4, 180 } },
	{ "qemu_numa", qemu_numa, MTREE_MULTICAST, 0, 0, { 10, 6, 2, 5, 160 } },
	{ "qemu_numa", qemu_numa, MTREE_NUMA, 0, 0, { 10, 2, 4, 3, 120 } },
};

TEST(counts_of_the_papers_machines_and_odd_shapes_match_the_hand_computed)
{
	for (unsigned i = 0; i < sizeof(wants) / sizeof(wants[0]); i++) {
		const struct want *w = &wants[i];
		struct mtree_topo t = w->make();
		uint64_t members = w->members ? w->members : all(t.ncores);
		struct mtree m;
		struct mtree_cost c;

		CHECK_ERR(mtree_build(&t, w->shape, w->root, members, &m), OK);
		mtree_cost(&m, &t, &c);
		if (!mc_cost_eq(&c, &w->cost))
			FAIL("%s %s root %u: msgs %u cross_node %u rounds %u fanout %u dist_sum %u, "
			     "want %u %u %u %u %u", w->machine, mtree_shape_name(w->shape), w->root,
			     c.msgs, c.cross_node, c.rounds, c.fanout, c.dist_sum, w->cost.msgs,
			     w->cost.cross_node, w->cost.rounds, w->cost.fanout, w->cost.dist_sum);
	}
}

/* The edges as `skb tree` prints them, in send order. */
static void edges_str(const struct mtree *m, char *buf, size_t len)
{
	struct mtree_edge e[MTREE_MAX_CORES];
	unsigned n = mtree_edges(m, e, MTREE_MAX_CORES);
	size_t at = 0;

	buf[0] = 0;
	for (unsigned i = 0; i < n && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%u -> %u", i ? ", " : "",
				       e[i].from, e[i].to);
}

TEST(numa_sends_to_the_farthest_nodes_first)
{
	struct mtree_topo t = amd_8x4();
	struct mtree m;
	char s[1024];

	/* From node 0: nodes 3, 4, 5 and 6 are two hops away, then 1, 2 and
	 * 7 one; then the root's own node; then the aggregators' nodes. */
	CHECK_ERR(mtree_build(&t, MTREE_NUMA, 0, 0x000000ff | 0xf0000000ull | 0x000ff000, &m), OK);
	edges_str(&m, s, sizeof(s));
	CHECK_STR(s, "0 -> 12, 0 -> 16, 0 -> 4, 0 -> 28, 0 -> 1, 0 -> 2, 0 -> 3, "
		  "12 -> 13, 12 -> 14, 12 -> 15, 16 -> 17, 16 -> 18, 16 -> 19, "
		  "4 -> 5, 4 -> 6, 4 -> 7, 28 -> 29, 28 -> 30, 28 -> 31");
	/* Multicast sends in core order; the tree is otherwise the same. */
	CHECK_ERR(mtree_build(&t, MTREE_MULTICAST, 0, 0x000000ff | 0xf0000000ull | 0x000ff000, &m), OK);
	edges_str(&m, s, sizeof(s));
	CHECK_STR(s, "0 -> 4, 0 -> 12, 0 -> 16, 0 -> 28, 0 -> 1, 0 -> 2, 0 -> 3, "
		  "4 -> 5, 4 -> 6, 4 -> 7, 12 -> 13, 12 -> 14, 12 -> 15, "
		  "16 -> 17, 16 -> 18, 16 -> 19, 28 -> 29, 28 -> 30, 28 -> 31");
	/* Distances that differ each way: from node 2, node 1 is 35 away
	 * and node 0 33, although towards node 2 node 0 is the farther (31
	 * against 17). The root's own way counts. */
	t = three_unequal();
	CHECK_ERR(mtree_build(&t, MTREE_NUMA, 6, all(7), &m), OK);
	edges_str(&m, s, sizeof(s));
	CHECK_STR(s, "6 -> 1, 6 -> 0, 6 -> 5, 1 -> 2, 1 -> 3, 1 -> 4");
	CHECK_ERR(mtree_build(&t, MTREE_NUMA, 5, 0x7e, &m), OK);
	edges_str(&m, s, sizeof(s));
	CHECK_STR(s, "5 -> 1, 5 -> 6, 1 -> 2, 1 -> 3, 1 -> 4");
	/* Unicast: the root's own order, and it waits for each. */
	CHECK_ERR(mtree_build(&t, MTREE_UNICAST, 3, 0x4d, &m), OK);
	edges_str(&m, s, sizeof(s));
	CHECK_STR(s, "3 -> 0, 3 -> 2, 3 -> 6");
	CHECK(m.sequential);
}

/* mtree_best's rule (mtree.h): the least mtree_estimate of broadcast,
 * multicast and numa under the timing, ties to fewer rounds, then in that
 * order; host/sim/mtree_estimate_equals_the_simulated_latency holds the
 * estimate to the simulator. */
static enum mtree_shape least_estimate(const struct mtree_topo *t, unsigned root, uint64_t members,
				       const struct mtree_timing *c)
{
	static const enum mtree_shape order[] = { MTREE_BROADCAST, MTREE_MULTICAST, MTREE_NUMA };
	enum mtree_shape pick = MTREE_NSHAPES;
	uint64_t best = UINT64_MAX;
	unsigned rounds = ~0u;

	for (unsigned i = 0; i < 3; i++) {
		struct mtree m;
		struct mtree_cost k;
		if (mtree_build(t, order[i], root, members, &m))
			return MTREE_NSHAPES;
		uint64_t e = mtree_estimate(&m, t, c);
		mtree_cost(&m, t, &k);
		if (e < best || (e == best && k.rounds < rounds)) {
			best = e;
			rounds = k.rounds;
			pick = order[i];
		}
	}
	return pick;
}

TEST(best_shape_is_the_least_estimate)
{
	static const struct {
		struct mtree_topo (*make)(void);
		unsigned root;
		uint64_t members;	/* 0: every core */
		enum mtree_shape want;	/* NSHAPES: only the rule */
	} cases[] = {
		/* The paper's machine, as docs/sim.md's table says: broadcast
		 * to 8 cores (the two-level trees add two rounds that cost more
		 * than the sends they save), multicast from 9 (the same tree as
		 * numa but for the order; equal rounds: multicast comes first). */
		{ amd_8x4, 0, 0xff, MTREE_BROADCAST },
		{ amd_8x4, 0, 0x1ff, MTREE_MULTICAST },
		{ amd_8x4, 0, 0, MTREE_MULTICAST },
		{ one_core, 0, 0, MTREE_BROADCAST },
		{ intel_2x4, 0, 0, MTREE_NSHAPES }, { intel_2x4, 0, 0x03, MTREE_BROADCAST },
		{ intel_2x4, 0, 0x0d, MTREE_NSHAPES }, { intel_2x4, 0, 0x15, MTREE_NSHAPES },
		{ amd_2x2, 0, 0, MTREE_NSHAPES }, { amd_2x2, 0, 0x07, MTREE_NSHAPES },
		{ amd_4x4, 5, 0, MTREE_NSHAPES }, { one_per_node, 0, 0, MTREE_NSHAPES },
		{ qemu_numa, 4, 0, MTREE_NSHAPES }, { qemu_numa, 4, 0x38, MTREE_BROADCAST },
		{ nodes_of_two_caches, 0, 0x0f, MTREE_NSHAPES }, { big_64, 63, 0, MTREE_NSHAPES },
	};
	/* A machine where a message between nodes keeps both ends busy long
	 * (its time in flight overlaps; what a core spends does not). */
	static const struct mtree_timing dear_hops = {
		.send = { 10, 2000 }, .recv = { 10, 2000 }, .prop = { 10, 10 }, .flush = 10,
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mtree_topo t = cases[i].make();
		uint64_t members = cases[i].members ? cases[i].members : all(t.ncores);
		enum mtree_shape got = MTREE_NSHAPES, want = cases[i].want;

		CHECK_ERR(mtree_best(&t, cases[i].root, members, NULL, &got), OK);
		if (want == MTREE_NSHAPES)
			want = least_estimate(&t, cases[i].root, members, &mtree_timing_paper);
		if (got != want)
			FAIL("case %u: best is %s, want %s", i, mtree_shape_name(got),
			     mtree_shape_name(want));
		/* Another timing, another answer where it should differ. */
		CHECK_ERR(mtree_best(&t, cases[i].root, members, &dear_hops, &got), OK);
		want = least_estimate(&t, cases[i].root, members, &dear_hops);
		if (got != want)
			FAIL("case %u, dear hops: best is %s, want %s", i, mtree_shape_name(got),
			     mtree_shape_name(want));
	}
	/* Where crossing nodes is dear, one message per remote node wins. */
	struct mtree_topo t = amd_8x4();
	enum mtree_shape got = MTREE_NSHAPES;
	CHECK_ERR(mtree_best(&t, 0, 0xff, &dear_hops, &got), OK);
	CHECK(got == MTREE_MULTICAST || got == MTREE_NUMA);
}

/* One bad input: the error, a reason, and *out untouched. */
static void expect_refused(const char *what, const struct mtree_topo *t, enum mtree_shape s,
			   unsigned root, uint64_t members, err_t want)
{
	struct mtree m, before;
	enum mtree_shape best = MTREE_NSHAPES;
	const char *why = NULL;
	err_t err;

	memset(&m, 0x5a, sizeof(m));
	memcpy(&before, &m, sizeof(m));
	err = mtree_build(t, s, root, members, &m);
	if (err != want)
		test_fail("%s: mtree_build gave %s, want %s", what, err_name(err), err_name(want));
	else if (memcmp(&m, &before, sizeof(m)) != 0)
		test_fail("%s: a refused build wrote the tree", what);
	else if (mtree_check(t, s, root, members, &why) != want || !why || !why[0])
		test_fail("%s: mtree_check gave no reason", what);
	else if ((unsigned)s < MTREE_NSHAPES &&
		 (mtree_best(t, root, members, NULL, &best) != want || best != MTREE_NSHAPES))
		test_fail("%s: mtree_best took it, or wrote its answer", what);
}

TEST(bad_input_is_refused_with_a_reason)
{
	struct mtree_topo good = amd_4x4(), t;
	struct mtree m;
	const char *why = "stale";

	expect_refused("no topology", NULL, MTREE_NUMA, 0, 1, ERR_INVALID_ARG);
	t = good, t.ncores = 0;
	expect_refused("ncores 0", &t, MTREE_NUMA, 0, 1, ERR_INVALID_ARG);
	t = good, t.ncores = MTREE_MAX_CORES + 1;
	expect_refused("ncores 65", &t, MTREE_NUMA, 0, 1, ERR_TOO_MANY);
	t = good, t.node[7] = MTREE_MAX_NODES;
	expect_refused("node 16", &t, MTREE_NUMA, 0, 1, ERR_INVALID_ARG);
	t = good, t.cache[15] = MTREE_MAX_CACHES;
	expect_refused("cache group 64", &t, MTREE_MULTICAST, 0, 1, ERR_INVALID_ARG);
	t = good, t.dist[2][2] = 11;
	expect_refused("a node 11 from itself", &t, MTREE_NUMA, 0, 1, ERR_INVALID_ARG);
	t = good, t.dist[1][3] = 10;
	expect_refused("two nodes 10 apart", &t, MTREE_NUMA, 0, 1, ERR_INVALID_ARG);
	t = good, t.dist[3][0] = 255;
	expect_refused("an unreachable node", &t, MTREE_NUMA, 0, 1, ERR_INVALID_ARG);
	t = good, t.dist[0][1] = 0;
	expect_refused("one distance unknown", &t, MTREE_NUMA, 0, 1, ERR_INVALID_ARG);
	expect_refused("shape 4", &good, MTREE_NSHAPES, 0, 1, ERR_INVALID_ARG);
	expect_refused("shape -1", &good, (enum mtree_shape)-1, 0, 1, ERR_INVALID_ARG);
	expect_refused("root 16 of 16", &good, MTREE_NUMA, 16, 1ull << 16, ERR_INVALID_ARG);
	expect_refused("a member past ncores", &good, MTREE_NUMA, 0, 0x10001, ERR_INVALID_ARG);
	expect_refused("root not a member", &good, MTREE_NUMA, 3, 0x7, ERR_INVALID_ARG);
	expect_refused("no members", &good, MTREE_BROADCAST, 0, 0, ERR_INVALID_ARG);
	CHECK_ERR(mtree_build(&good, MTREE_NUMA, 0, 1, NULL), ERR_INVALID_ARG);
	CHECK_ERR(mtree_best(&good, 0, 1, NULL, NULL), ERR_INVALID_ARG);
	if (test_failed())
		return;
	/* What is allowed: distances of nodes without cores are ignored, and
	 * an OK check clears the reason. */
	t = good, t.dist[9][9] = 3, t.dist[0][9] = 255;
	CHECK_ERR(mtree_check(&t, MTREE_NUMA, 0, 1, &why), OK);
	CHECK(why == NULL);
	CHECK_ERR(mtree_build(&t, MTREE_NUMA, 0, all(16), &m), OK);
	t = good, t.ncores = MTREE_MAX_CORES;
	CHECK_ERR(mtree_build(&t, MTREE_UNICAST, 63, 1ull << 63, &m), OK);
}

TEST(shape_names_round_trip_and_unknown_names_are_refused)
{
	enum mtree_shape s = MTREE_NSHAPES;

	for (unsigned i = 0; i < MTREE_NSHAPES; i++) {
		CHECK_ERR(mtree_shape_parse(mtree_shape_name((enum mtree_shape)i), &s), OK);
		CHECK_EQ(s, i);
	}
	CHECK_STR(mtree_shape_name(MTREE_BROADCAST), "broadcast");
	CHECK_STR(mtree_shape_name(MTREE_UNICAST), "unicast");
	CHECK_STR(mtree_shape_name(MTREE_MULTICAST), "multicast");
	CHECK_STR(mtree_shape_name(MTREE_NUMA), "numa");
	CHECK_STR(mtree_shape_name(MTREE_NSHAPES), "unknown");
	CHECK_STR(mtree_shape_name((enum mtree_shape)-1), "unknown");
	s = MTREE_UNICAST;
	CHECK_ERR(mtree_shape_parse("NUMA", &s), ERR_NOT_FOUND);
	CHECK_ERR(mtree_shape_parse("numa-aware", &s), ERR_NOT_FOUND);
	CHECK_ERR(mtree_shape_parse("", &s), ERR_NOT_FOUND);
	CHECK_EQ(s, MTREE_UNICAST);
	CHECK_ERR(mtree_shape_parse(NULL, &s), ERR_INVALID_ARG);
	CHECK_ERR(mtree_shape_parse("numa", NULL), ERR_INVALID_ARG);
}

TEST(distances_fall_back_to_10_and_20_when_unknown)
{
	struct mtree_topo t = one_per_node(), a = amd_8x4();

	CHECK_EQ(mtree_dist(&t, 0, 0), 10);
	CHECK_EQ(mtree_dist(&t, 0, 3), 20);
	CHECK_EQ(mtree_dist(&a, 0, 3), 10);	/* cores 0 and 3 share node 0 */
	CHECK_EQ(mtree_dist(&a, 0, 4), 16);	/* node 1: one hop */
	CHECK_EQ(mtree_dist(&a, 0, 12), 22);	/* node 3: two hops */
	t = three_unequal();
	CHECK_EQ(mtree_dist(&t, 0, 5), 31);
	CHECK_EQ(mtree_dist(&t, 5, 0), 33);
}

/* A damaged tree (a loop in a list, a child that is no member) is walked
 * once, without looping: what mtree_cost and mtree_edges count stays
 * within the members. */
TEST(a_damaged_tree_is_walked_once)
{
	struct mtree_topo t = amd_4x4();
	struct mtree m;
	struct mtree_cost c;
	struct mtree_edge e[MTREE_MAX_CORES];

	CHECK_ERR(mtree_build(&t, MTREE_BROADCAST, 0, all(16), &m), OK);
	m.next_sibling[15] = 1;			/* the root's list loops */
	mtree_cost(&m, &t, &c);
	CHECK_EQ(c.msgs, 30);
	CHECK_EQ(mtree_edges(&m, e, MTREE_MAX_CORES), 15);
	m.members &= ~(1ull << 9);		/* core 9 is listed but no member */
	mtree_cost(&m, &t, &c);
	CHECK_EQ(c.msgs, 16);
	CHECK_EQ(mtree_edges(&m, e, 3), 3);	/* max is respected */
	CHECK_EQ(mtree_subtree(&m, 9), 0);
}

/* What a shootdown's request carries is only the parents: every tree
 * mtree_build makes comes back from them (check_one above, for every
 * machine, shape, root and member set); here, parents that make no tree
 * of their shape are refused and leave the tree alone. */
TEST(parents_that_make_no_tree_are_refused)
{
	struct mtree_topo t = amd_4x4();
	struct mtree m, before, good;
	int8_t par[MTREE_MAX_CORES];
	uint64_t four = 0xF;

	CHECK_ERR(mtree_build(&t, MTREE_NUMA, 0, all(16), &good), OK);
	memset(&m, 0x5a, sizeof(m));
	before = m;
#define REFUSED(s, n, root, members)							\
	do {										\
		CHECK_ERR(mtree_from_parents(s, n, root, members, par, &m), ERR_INVALID_ARG); \
		CHECK(!memcmp(&m, &before, sizeof(m)));					\
	} while (0)
	/* 0 -> 1, 0 -> 2, 0 -> 3: a star over the first four cores. */
	memset(par, -1, sizeof(par));
	par[1] = par[2] = par[3] = 0;
	CHECK_ERR(mtree_from_parents(MTREE_BROADCAST, 16, 0, four, par, &m), OK);
	CHECK_EQ(m.first_child[0], 1);
	CHECK_EQ(m.next_sibling[1], 2);
	CHECK_EQ(m.next_sibling[3], -1);
	CHECK(!m.sequential);
	CHECK_ERR(mtree_from_parents(MTREE_UNICAST, 16, 0, four, par, &m), OK);
	CHECK(m.sequential);
	m = before;
	CHECK_ERR(mtree_from_parents(MTREE_BROADCAST, 16, 0, four, NULL, &m), ERR_INVALID_ARG);
	CHECK_ERR(mtree_from_parents(MTREE_BROADCAST, 16, 0, four, par, NULL), ERR_INVALID_ARG);
	REFUSED(MTREE_BROADCAST, 0, 0, four);			/* no cores */
	REFUSED(MTREE_BROADCAST, 65, 0, four);			/* too many */
	REFUSED(MTREE_NSHAPES, 16, 0, four);			/* no such shape */
	REFUSED(MTREE_BROADCAST, 16, 16, four);			/* root past the cores */
	REFUSED(MTREE_BROADCAST, 16, 1, four);			/* root with a parent */
	REFUSED(MTREE_BROADCAST, 3, 0, four);			/* a member past the cores */
	REFUSED(MTREE_BROADCAST, 16, 0, 0xE);			/* root no member */
	REFUSED(MTREE_BROADCAST, 16, 0, 0x7);			/* core 3 no member, with a parent */
	par[3] = -1;
	REFUSED(MTREE_BROADCAST, 16, 0, four);			/* member 3 without a parent */
	par[3] = 3;
	REFUSED(MTREE_BROADCAST, 16, 0, four);			/* its own parent */
	par[3] = 5;
	REFUSED(MTREE_BROADCAST, 16, 0, four);			/* a parent that is no member */
	par[3] = 2;						/* 0 -> 2 -> 3 */
	REFUSED(MTREE_BROADCAST, 16, 0, four);			/* a star has depth one */
	REFUSED(MTREE_UNICAST, 16, 0, four);
	CHECK_ERR(mtree_from_parents(MTREE_NUMA, 16, 0, four, par, &m), OK);
	CHECK_EQ(mtree_subtree(&m, 2), 0xC);
	m = before;
	par[2] = 1;						/* 0 -> 1 -> 2 -> 3 */
	REFUSED(MTREE_NUMA, 16, 0, four);			/* depth three */
	REFUSED(MTREE_MULTICAST, 16, 0, four);
	par[1] = 2;						/* 1 <-> 2: a loop */
	REFUSED(MTREE_MULTICAST, 16, 0, four);
	/* A parent past the cores, and a non-member's parent past them. */
	memcpy(par, good.parent, sizeof(par));
	CHECK_ERR(mtree_from_parents(MTREE_NUMA, 16, 0, all(16), par, &m), OK);
	m = before;
	par[5] = 40;
	REFUSED(MTREE_NUMA, 16, 0, all(16));
	par[5] = good.parent[5];
	par[40] = 0;
	REFUSED(MTREE_NUMA, 16, 0, all(16));
#undef REFUSED
}
