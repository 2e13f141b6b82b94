/*
 * Spanning a process over cores (span.c, docs/span.md), tested from core
 * 0: a process on core 0, then one on the last core, spans itself over
 * every core and checks what the spans see (uprog UPROG_SPAN); and
 * killing a process whose span runs on another core stops that span
 * before anything is destroyed: the counter it was bumping in a frame the
 * test watches stands still afterwards.
 */
#include <flotilla/caps.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/uprog.h>
#include <stdio.h>
#include <string.h>
#include "lib/mtree.h"
#include "lib/test.h"
#include "tests/monitor/mtest.h"

TEST(a_process_spans_every_core_and_shares_its_memory)
{
	unsigned last = mesh_cores() - 1;
	struct rproc r;
	struct proc p;
	int status;

	for (unsigned core = 0; core <= last; core += last ? last : 1) {
		status = -1;
		CHECK_ERR(uprog_start(core, UPROG_SPAN, &r, &p), OK);
		CHECK_ERR(uprog_finish(core, &r, &p, &status), OK);
		if (status != 0)
			test_fail("spanning from core %u: check %d failed",
				  core, status);
	}
}

/*
 * The shootdown protocol's own counts against lib/mtree's: a run from
 * this core over every core, in each shape, of a space no core runs (each
 * core has nothing to flush, answers all the same), must send the
 * messages mtree_cost counts for the same tree on the same facts, cross
 * nodes as often and take as many rounds; and reach every core.
 */
TEST(the_shootdown_counts_what_mtree_counts_for_every_shape)
{
	unsigned n = mesh_cores();
	uint64_t all = n >= 64 ? ~0ull : (1ull << n) - 1;

	for (unsigned s = 0; s < MTREE_NSHAPES; s++) {
		const struct mtree_timing *timing;
		const struct mtree_topo *t;
		struct shoot_counts k;
		struct mtree_cost want;
		struct mtree m;

		CHECK_ERR(shoot_run(0x7000, 0x1000, 1, all, (int)s, &k), OK);
		t = shoot_tree_facts(all, &timing);
		CHECK_ERR(mtree_build(t, (enum mtree_shape)s, 0, all, &m), OK);
		mtree_cost(&m, t, &want);
		if (k.shape != s || k.msgs != want.msgs || k.cross_node != want.cross_node ||
		    k.rounds != want.rounds || k.reached != all)
			test_fail("%s on %u cores: msgs=%u cross_node=%u rounds=%u reached 0x%llx; "
				  "mtree_cost says msgs=%u cross_node=%u rounds=%u",
				  mtree_shape_name((enum mtree_shape)s), n, k.msgs, k.cross_node,
				  k.rounds, (unsigned long long)k.reached, want.msgs,
				  want.cross_node, want.rounds);
	}
}

static bool have_skb_facts(unsigned unused)
{
	const struct mtree_timing *timing;

	shoot_tree_facts(0, &timing);
	return timing != NULL;
}

/*
 * The trees are built from the SKB's facts once core 0's monitor gave
 * them (skbfeed.c), after the round trips are measured: the nodes are
 * the kernel's (both from the SRAT), the cache groups are CPUID's (on a
 * QEMU machine of two packages, `-smp N,sockets=2`, two groups, where the
 * kernel's facts know of none), and the best shape is mtree_best's under
 * the measured costs. A multicast run then forwards to the other
 * package's first core: its rounds are those of that tree, which the
 * line says (the special boot smp8_two_packages_... reads it).
 */
TEST(the_shootdown_builds_its_trees_from_the_skbs_facts)
{
	unsigned n = mesh_cores(), groups = 0;
	uint64_t all = n >= 64 ? ~0ull : (1ull << n) - 1, seen = 0;
	const struct mtree_timing *timing;
	const struct mtree_topo *t;
	enum mtree_shape best;
	struct shoot_counts k;
	struct mtree m;
	struct mtree_cost want;

	if (!skbfeed_on())
		SKIP("no SKB on this boot (core 0 had too little memory for it)");
	if (!have_skb_facts(0) &&
	    !mesh_serve_until(have_skb_facts, 0, sys_clock_ns() + 60000000000ull))
		test_fail("no facts from the SKB within 60 s of the tests' start");
	t = shoot_tree_facts(all, &timing);
	CHECK(timing != NULL);
	CHECK_EQ(t->ncores, n);
	for (unsigned c = 0; c < n; c++) {
		CHECK_EQ(t->node[c], shoot_topo()->node[c]);
		if (!(seen >> t->cache[c] & 1))
			groups++;
		seen |= 1ull << t->cache[c];
	}
	CHECK_ERR(mtree_best(t, 0, all, timing, &best), OK);
	CHECK_ERR(shoot_run(0x7000, 0x1000, 1, all, -1, &k), OK);
	CHECK_EQ(k.shape, best);
	CHECK_ERR(shoot_run(0x7000, 0x1000, 1, all, MTREE_MULTICAST, &k), OK);
	CHECK_ERR(mtree_build(t, MTREE_MULTICAST, 0, all, &m), OK);
	mtree_cost(&m, t, &want);
	CHECK_EQ(k.rounds, want.rounds);
	CHECK_EQ(k.reached, all);
	printf("shootdown: %u cores in %u cache groups: best %s; multicast msgs=%u rounds=%u\n", n,
	       groups, mtree_shape_name(best), k.msgs, k.rounds);
}

TEST(unmapping_in_a_spanned_space_shoots_down_every_tlb)
{
	unsigned last = mesh_cores() - 1;
	struct rproc r;
	struct proc p;
	int status = -1;

	CHECK_ERR(uprog_start(0, UPROG_SPAN_UNMAP, &r, &p), OK);
	CHECK_ERR(uprog_finish(0, &r, &p, &status), OK);
	if (status != 0)
		test_fail("reader on core %u: check %d failed", last, status);
}

static volatile uint64_t *beat;
static bool beating(unsigned unused)
{
	static uint64_t first;

	if (beat[0] != UPROG_WATCH_MAGIC)
		return false;
	if (!first)
		first = beat[1] + 1;
	return beat[1] > first;
}

TEST(killing_a_process_stops_its_span_on_another_core_first)
{
	unsigned there = mesh_cores() - 1;
	struct spawn_opts o = { .ram = SPAWNED_RAM, .give_bootimg = true, .ngive = 1,
				.give = { SCRATCH(0) } };
	struct proc p;

	CHECK_ERR(cnode_retype(T_SCRATCHCN, 0, T_TESTRAM, CAP_FRAME, 1, 0, 4096), OK);
	CHECK_ERR(window_map_page(SCRATCH(0), (void **)&beat), OK);
	CHECK_ERR(spawn_program_opts("uprog", UPROG_SPAN_FOREVER | (uint64_t)there << 8, &o, &p),
		  OK);
	CHECK(mesh_serve_until(beating, 0, sys_clock_ns() + MESH_WAIT_NS));
	CHECK_ERR(proc_kill(&p), OK);
	uint64_t then = beat[1];
	serve_for(200 * 1000 * 1000);
	CHECK(beat[1] == then);		/* nothing runs in its memory any more */
}

/* A span request as a confused or hostile peer's monitor might send it;
 * the answer's error. */
static err_t ask_span(unsigned core, uint32_t oid, const uint64_t *t, size_t bytes)
{
	struct mesh_ask a;
	unsigned hidx;
	err_t err;

	if ((err = mesh_ask(&a, core, IF_INTERMON_SPAN_R, &hidx)))
		return err;
	return mesh_await(&a, if_intermon_span_send(mesh_to(core), a.id, oid, 0x7000, 0x401000,
						    0x500000, 0, t, bytes));
}

/* Malformed span messages to another core's monitor: each is dropped
 * (counted by it) or refused in its answer, and it goes on serving. */
TEST_CORES(malformed_span_messages_are_refused, 2)
{
	unsigned last = mesh_cores() - 1;
	uint64_t w[7] = { 1, 0, 0, 0, 0, 0, 0 }, t[3], seen, cycles;
	struct cap_info f;
	struct mesh_ask a;

	CHECK_ERR(cnode_retype(T_SCRATCHCN, 0, T_TESTRAM, CAP_FRAME, 1, 0, 4096), OK);
	CHECK_ERR(cap_identify(SCRATCH(0), &f), OK);
	CHECK_ERR(mesh_drops(last, &seen), OK);
	CHECK_ERR(mesh_inject(last, IF_INTERMON_SPAN, 5, w, 5), OK);		/* span, short */
	CHECK(mesh_dropped_more(last, &seen, 1));
	w[6] = 800;								/* tables over their bound */
	CHECK_ERR(mesh_inject(last, IF_INTERMON_SPAN, 7, w, 7), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	CHECK_ERR(if_intermon_span_r_send(mesh_to(last), 1, OK, 0), OK);	/* unasked */
	CHECK(mesh_dropped_more(last, &seen, 1));
	CHECK_ERR(if_intermon_span_stop_r_send(mesh_to(last), 1, OK), OK);	/* unasked */
	CHECK(mesh_dropped_more(last, &seen, 1));
	CHECK_ERR(if_intermon_shot_send(mesh_to(last), 12345, 0, 2, 0, 2, 1), OK);	/* unasked */
	CHECK(mesh_dropped_more(last, &seen, 1));
	/* shoot (a star) from a core that is not the receiver's parent in
	 * it (core 0 is not last's parent when last is no member), of an
	 * unknown shape, from a root out of range; shoot_tree whose tree puts
	 * the receiver under core 1, whose parents make no tree of the shape
	 * (a star two deep, a loop), or are cut before the receiver's own. */
	int8_t par[MTREE_MAX_CORES];
	memset(par, -1, sizeof(par));
	CHECK_ERR(if_intermon_shoot_send(mesh_to(last), 1, 0, 0x7000, 0x1000, 1, MTREE_NUMA, 1), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	CHECK_ERR(if_intermon_shoot_send(mesh_to(last), 2, 0, 0x7000, 0x1000, 1, 9, 1ull << last | 1),
		  OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	CHECK_ERR(if_intermon_shoot_send(mesh_to(last), 3, 99, 0x7000, 0x1000, 1, MTREE_BROADCAST,
					 1ull << last | 1), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	par[last] = 0;
	CHECK_ERR(if_intermon_shoot_tree_send(mesh_to(last), 4, 0, 0x7000, 0x1000, 1, MTREE_BROADCAST,
					      1ull << last | 1, (uint8_t *)par, last), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));	/* cut before its own parent */
	if (last >= 2) {
		uint64_t three = 1ull << last | 3;

		par[1] = 0;
		par[last] = 1;			/* 0 -> 1 -> last */
		CHECK_ERR(if_intermon_shoot_tree_send(mesh_to(last), 5, 0, 0x7000, 0x1000, 1,
						      MTREE_NUMA, three, (uint8_t *)par,
						      sizeof(par)), OK);
		CHECK(mesh_dropped_more(last, &seen, 1));	/* core 0 is not its parent */
		par[last] = 0;
		par[1] = (int8_t)last;		/* 0 -> last -> 1: a star may not */
		CHECK_ERR(if_intermon_shoot_tree_send(mesh_to(last), 7, 0, 0x7000, 0x1000, 1,
						      MTREE_BROADCAST, three, (uint8_t *)par,
						      sizeof(par)), OK);
		CHECK(mesh_dropped_more(last, &seen, 1));
		par[last] = 1;			/* 1 <-> last: a loop */
		CHECK_ERR(if_intermon_shoot_tree_send(mesh_to(last), 8, 0, 0x7000, 0x1000, 1,
						      MTREE_NUMA, three, (uint8_t *)par,
						      sizeof(par)), OK);
		CHECK(mesh_dropped_more(last, &seen, 1));
	}
	/* Facts for the trees: one short, and facts that make no tree. */
	struct shoot_facts sf = { .topo = *shoot_topo() };
	CHECK_ERR(if_intermon_shoot_facts_send(mesh_to(last), (uint8_t *)&sf, sizeof(sf) - 1), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	sf.topo.ncores = 0;
	CHECK_ERR(if_intermon_shoot_facts_send(mesh_to(last), (uint8_t *)&sf, sizeof(sf)), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	sf.topo.ncores = last;			/* fewer cores than the kernel knows */
	CHECK_ERR(if_intermon_shoot_facts_send(mesh_to(last), (uint8_t *)&sf, sizeof(sf)), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	CHECK_ERR(mesh_ping(last, &cycles), OK);

	/* Refused in the answer: tables that are no whole entries, an owner
	 * id out of range; a table past the user half, and tables that no
	 * kernel minted a token for (a Frame a process could fill with page
	 * entries of its own, or memory that is no core's), which the kernel
	 * that would make the replica refuses. */
	t[0] = f.base | 5;
	t[1] = 1;
	t[2] = 0x5eed;
	CHECK_ERR(ask_span(last, 0, t, 5), ERR_BAD_MESSAGE);
	CHECK_ERR(ask_span(last, 9999, t, sizeof(t)), ERR_BAD_MESSAGE);
	CHECK_ERR(ask_span(last, 0, t, sizeof(t)), ERR_BAD_TOKEN);
	t[0] = 0xFFFFFFFFF000ull | 5;
	CHECK_ERR(ask_span(last, 0, t, sizeof(t)), ERR_BAD_TOKEN);
	t[0] = f.base | 300;
	CHECK_ERR(ask_span(last, 0, t, sizeof(t)), ERR_MAP_RANGE);
	/* Stopping a span that does not exist. */
	CHECK_ERR(mesh_ask(&a, last, IF_INTERMON_SPAN_STOP_R, NULL), OK);
	CHECK_ERR(mesh_await(&a, if_intermon_span_stop_send(mesh_to(last), a.id, 3, 0)),
		  ERR_NOT_FOUND);
	CHECK_ERR(mesh_ping(last, &cycles), OK);
	CHECK(mesh_dropped_more(last, &seen, 0));
	console_sync();
}
