/*
 * Tests for lib/skb_tree.c: the SKB's facts handed to lib/mtree, and the
 * tree query with its errors. The trees' shapes are lib/mtree's own
 * (tests/host/test_mtree.c); here what is checked is that the SKB gives
 * them the right nodes, cache groups and distances, and takes only
 * present cores.
 */
#include <stdio.h>
#include <string.h>
#include "lib/test.h"
#include "skb_machines.h"

static struct skb s;
static struct skb_input in;

static void load(const struct mach *m)
{
	skb_init(&s);
	skb_machine(m, &in);
	if (skb_load(&s, &in) != OK)
		test_fail("the machine's input was refused");
}

/* The tree's edges as "A->B A->B ...", in mtree_edges' order. */
static const char *edges(const struct mtree *m)
{
	static char buf[64 * 8];
	struct mtree_edge e[MTREE_MAX_CORES];
	unsigned n = mtree_edges(m, e, MTREE_MAX_CORES);
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < n; i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%u->%u", i ? " " : "",
					 e[i].from, e[i].to);
	return buf;
}

TEST(topo_of_qemu_six_cores_two_nodes)
{
	struct mtree_topo t;

	load(&qemu_6_numa2);
	skb_mtree_topo(&s, &t);
	CHECK_EQ(t.ncores, 6);
	for (unsigned i = 0; i < 6; i++) {
		CHECK_EQ(t.node[i], i / 3);
		CHECK_EQ(t.cache[i], i);	/* one core a package: no cache shared */
	}
	CHECK_EQ(t.dist[0][0], 10);
	CHECK_EQ(t.dist[0][1], 20);		/* dist_2 of skb_machines.h */
	CHECK_EQ(t.dist[1][0], 20);
	CHECK_EQ(t.dist[2][2], 0);		/* no such node */
}

TEST(topo_cache_groups_are_the_lowest_sharer)
{
	struct mtree_topo t;

	load(&intel_2x4);			/* L2 shared by pairs */
	skb_mtree_topo(&s, &t);
	for (unsigned i = 0; i < 8; i++)
		CHECK_EQ(t.cache[i], i & ~1u);
	load(&amd_4x4);				/* L3 per package of 4 */
	skb_mtree_topo(&s, &t);
	for (unsigned i = 0; i < 16; i++)
		CHECK_EQ(t.cache[i], i & ~3u);
	CHECK_EQ(t.node[13], 3);
	CHECK_EQ(t.dist[0][3], 22);
}

TEST(numa_tree_of_qemu_six_cores_two_nodes)
{
	struct mtree m;
	unsigned bad = 77;

	load(&qemu_6_numa2);
	CHECK_ERR(skb_tree(&s, MTREE_NUMA, 0, 0, &m, &bad), OK);
	CHECK_EQ(m.members, 0x3F);
	CHECK_STR(edges(&m), "0->3 0->1 0->2 3->4 3->5");
	CHECK_ERR(skb_tree(&s, MTREE_NUMA, 4, 0, &m, &bad), OK);
	CHECK_STR(edges(&m), "4->0 4->3 4->5 0->1 0->2");
	CHECK_ERR(skb_tree(&s, MTREE_BROADCAST, 2, 0x15, &m, &bad), OK);
	CHECK_STR(edges(&m), "2->0 2->4");
	CHECK_ERR(skb_tree(&s, MTREE_UNICAST, 0, 0, &m, &bad), OK);
	CHECK(m.sequential);
}

TEST(multicast_tree_follows_the_shared_caches)
{
	struct mtree m;
	unsigned bad;

	load(&amd_4x4);
	CHECK_ERR(skb_tree(&s, MTREE_MULTICAST, 0, 0xFF, &m, &bad), OK);
	CHECK_STR(edges(&m), "0->4 0->1 0->2 0->3 4->5 4->6 4->7");
}

TEST(tree_queries_for_what_does_not_exist_are_errors)
{
	struct mtree m;
	unsigned bad = 0;

	load(&qemu_6_numa2);
	memset(&m, 0x5A, sizeof(m));
	CHECK_ERR(skb_tree(&s, MTREE_NUMA, 99, 0, &m, &bad), ERR_NO_SUCH_CORE);
	CHECK_EQ(bad, 99);
	CHECK_ERR(skb_tree(&s, MTREE_NUMA, 6, 0, &m, &bad), ERR_NO_SUCH_CORE);
	CHECK_ERR(skb_tree(&s, MTREE_NUMA, 0, 0x47, &m, &bad), ERR_NO_SUCH_CORE);
	CHECK_EQ(bad, 6);
	CHECK_ERR(skb_tree(&s, MTREE_NSHAPES, 0, 0, &m, &bad), ERR_INVALID_ARG);
	CHECK_ERR(skb_tree(&s, MTREE_NUMA, 0, 0x6, &m, &bad), ERR_INVALID_ARG);	/* no root */
	CHECK_EQ(m.root, 0x5A5A5A5Au);		/* untouched */
	/* A core taken away is no root and no member; the rest still are. */
	CHECK_ERR(skb_core_down(&s, 4), OK);
	CHECK_ERR(skb_tree(&s, MTREE_NUMA, 4, 0, &m, &bad), ERR_CORE_ABSENT);
	CHECK_EQ(bad, 4);
	CHECK_ERR(skb_tree(&s, MTREE_NUMA, 0, 0x3F, &m, &bad), ERR_CORE_ABSENT);
	CHECK_EQ(bad, 4);
	CHECK_ERR(skb_tree(&s, MTREE_NUMA, 0, 0, &m, &bad), OK);
	CHECK_EQ(m.members, 0x2F);
	CHECK_STR(edges(&m), "0->3 0->1 0->2 3->5");
	/* An empty store knows no core. */
	skb_init(&s);
	CHECK_ERR(skb_tree(&s, MTREE_NUMA, 0, 0, &m, &bad), ERR_NO_SUCH_CORE);
}

TEST(a_slit_not_used_gives_the_tree_distances_10_and_20)
{
	struct mtree_topo t;
	struct mtree m;
	unsigned bad;

	skb_init(&s);
	skb_machine(&amd_4x4, &in);
	in.topo.slit_localities = 2;		/* the wrong size: not used */
	CHECK_ERR(skb_load(&s, &in), OK);
	CHECK(!(s.flags & SKB_F_SLIT));
	skb_mtree_topo(&s, &t);
	CHECK_EQ(t.dist[0][3], 20);
	CHECK_EQ(t.dist[2][2], 10);
	CHECK_ERR(skb_tree(&s, MTREE_NUMA, 0, 0, &m, &bad), OK);
	CHECK_EQ(m.members, 0xFFFF);
}

/* The round trips the monitors measured, a and b both ways. */
static void rtt(unsigned a, unsigned b, uint64_t cycles)
{
	in.rtt[a][b] = in.rtt[b][a] = cycles;
}

/*
 * The shootdown's costs from the round trips: the paper's figures (538
 * cycles one way within a node, 613 between) scaled so that half the
 * median round trip is one message, within a node and between nodes
 * apart; an outlier does not move the median.
 */
TEST(timing_is_the_papers_scaled_to_the_measured_round_trips)
{
	struct mtree_timing t;

	skb_init(&s);
	skb_machine(&amd_2x2, &in);		/* cores 0, 1 on node 0; 2, 3 on node 1 */
	rtt(0, 1, 4 * 538);			/* one way: twice the paper's */
	rtt(2, 3, 4 * 538);
	rtt(0, 2, 6 * 613);			/* three times */
	rtt(0, 3, 6 * 613);
	rtt(1, 2, 6 * 613);
	rtt(1, 3, 1000000);			/* one slow pair of eight */
	CHECK_ERR(skb_load(&s, &in), OK);
	CHECK_ERR(skb_mtree_timing(&s, &t), OK);
	CHECK_EQ(t.send[0], 2 * 180);
	CHECK_EQ(t.recv[0], 2 * 181);
	CHECK_EQ(t.prop[0], 2 * 177);
	CHECK_EQ(t.flush, 2 * 320);
	CHECK_EQ(t.send[1], 3 * 179);
	CHECK_EQ(t.recv[1], 3 * 179);
	CHECK_EQ(t.prop[1], 3 * 255);
}

/* One node: nothing between nodes was measured, so that class takes the
 * local scale; nothing measured at all: no timing, and *out untouched. */
TEST(timing_without_a_class_takes_the_other_and_without_any_is_not_found)
{
	struct mtree_timing t, before;

	skb_init(&s);
	skb_machine(&intel_2x4, &in);		/* one node */
	memset(in.rtt, 0, sizeof(in.rtt));
	CHECK_ERR(skb_load(&s, &in), OK);
	memset(&t, 0x5a, sizeof(t));
	before = t;
	CHECK_ERR(skb_mtree_timing(&s, &t), ERR_NOT_FOUND);
	CHECK(!memcmp(&t, &before, sizeof(t)));
	rtt(0, 5, 538 / 2 * 2);			/* half the paper's: 269 one way */
	rtt(3, 7, 538 / 2 * 2);
	CHECK_ERR(skb_load(&s, &in), OK);
	CHECK_ERR(skb_mtree_timing(&s, &t), OK);
	CHECK_EQ(t.send[0], 180 * 269 / 538);
	CHECK_EQ(t.send[1], 179 * 269 / 538);
	CHECK_EQ(t.prop[1], 255 * 269 / 538);
	CHECK_EQ(t.flush, 160);
	/* Round trips past any cycle count: every cost is the most it can
	 * be, nothing wraps; a round trip of 1 is measured (at least 1). */
	rtt(0, 5, UINT64_MAX);
	rtt(3, 7, UINT64_MAX);
	CHECK_ERR(skb_load(&s, &in), OK);
	CHECK_ERR(skb_mtree_timing(&s, &t), OK);
	CHECK_EQ(t.send[0], UINT32_MAX);
	CHECK_EQ(t.flush, UINT32_MAX);
	rtt(0, 5, 1);
	rtt(3, 7, 1);
	CHECK_ERR(skb_load(&s, &in), OK);
	CHECK_ERR(skb_mtree_timing(&s, &t), OK);
	CHECK_EQ(t.send[0], 1);
}
