/*
 * Tests for lib/skb.c, the System Knowledge Base's store: the facts of the
 * paper's machines and of odd ones, every query and its errors, each
 * disagreement between the sources reported with its reason and its
 * fallback, malformed input refused whole, and cores taken away and
 * brought back with the facts staying consistent. The machines are built
 * in skb_machines.h the way Flotilla builds them (CPUID leaves through
 * skb_cpuid_read, the kernel's record as INFO_TOPOLOGY gives it).
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

/* Whether conflict `kind` was reported with `text` in its reason. */
static bool has_conflict(unsigned kind, const char *text)
{
	for (unsigned i = 0; i < s.nconflicts; i++)
		if (s.conflict[i].kind == kind && strstr(s.conflict[i].reason, text))
			return true;
	return false;
}

static uint64_t sharers(unsigned core, unsigned level)
{
	uint64_t m = ~0ull;

	if (skb_cache_sharers(&s, core, level, &m) != OK)
		test_fail("no level-%u cache on core %u", level, core);
	return m;
}

/* The invariants every store keeps, whatever it was told. */
static void check_consistent(void)
{
	uint64_t seen = 0;

	for (unsigned n = 0; n < s.nnodes; n++) {
		if (s.node[n].cores & seen)
			test_fail("a core is in two nodes");
		seen |= s.node[n].cores;
		if (s.dist[n][n] != 10)
			test_fail("node %u's distance to itself is %u", n, s.dist[n][n]);
	}
	if (seen != skb_present(&s))
		test_fail("the nodes hold %llx, the present cores are %llx",
			  (unsigned long long)seen, (unsigned long long)skb_present(&s));
	for (unsigned i = 0; i < s.ncores; i++) {
		const struct skb_core *c = &s.core[i];
		for (unsigned k = 0; c->present && k < c->cpu.ncaches; k++)
			if (!(c->sharers[k] >> i & 1) || (c->sharers[k] & ~skb_present(&s)))
				test_fail("core %u's cache %u is shared by %llx", i, k,
					  (unsigned long long)c->sharers[k]);
	}
}

TEST(paper_intel_2x4_two_packages_pairs_share_l2)
{
	unsigned node;

	load(&intel_2x4);
	CHECK_EQ(s.ncores, 8);
	CHECK_EQ(s.nnodes, 1);
	CHECK_EQ(s.nconflicts, 0);
	CHECK(!(s.flags & SKB_F_NUMA));
	CHECK_STR(s.core[5].cpu.vendor, "GenuineIntel");
	CHECK_EQ(s.core[5].cpu.topo, SKB_TOPO_LEGACY);
	CHECK_EQ(s.core[5].package, 1);
	CHECK_EQ(s.core[5].core, 1);
	CHECK_EQ(s.core[5].thread, 0);
	CHECK_EQ(sharers(5, 2), 0x30);		/* cores 4 and 5: one L2 */
	CHECK_EQ(sharers(5, 0), 0x30);		/* the last level is the L2 */
	CHECK_EQ(sharers(5, 1), 0x20);
	CHECK_EQ(s.core[5].cpu.cache[2].size, 4096ull << 10);
	CHECK_ERR(skb_node_of(&s, 7, &node), OK);
	CHECK_EQ(node, 0);
	CHECK_EQ(s.node[0].memory, 256ull << 20);	/* no SRAT: all usable memory */
	check_consistent();
}

TEST(paper_amd_2x2_a_node_per_package)
{
	uint64_t cores;
	unsigned d;

	load(&amd_2x2);
	CHECK_EQ(s.nconflicts, 0);
	CHECK_EQ(s.nnodes, 2);
	CHECK(s.flags & SKB_F_NUMA && s.flags & SKB_F_SLIT);
	CHECK_EQ(s.core[3].cpu.topo, SKB_TOPO_AMD);
	CHECK_EQ(s.core[3].package, 1);
	CHECK_EQ(s.core[3].core, 1);
	CHECK_ERR(skb_node_cores(&s, 1, &cores), OK);
	CHECK_EQ(cores, 0xC);
	CHECK_ERR(skb_distance(&s, 0, 1, &d), OK);
	CHECK_EQ(d, 20);
	CHECK_EQ(sharers(2, 0), 0x4);		/* its own L2 */
	CHECK_EQ(s.node[1].memory, 1ull << 30);
	CHECK_EQ(s.node[1].nranges, 1);
	check_consistent();
}

TEST(paper_amd_4x4_l3_per_package)
{
	unsigned d;

	load(&amd_4x4);
	CHECK_EQ(s.nconflicts, 0);
	CHECK_EQ(s.nnodes, 4);
	CHECK_EQ(sharers(6, 3), 0xF0);
	CHECK_EQ(sharers(6, 0), 0xF0);
	CHECK_EQ(sharers(6, 2), 0x40);
	CHECK_EQ(s.core[6].cpu.cache[3].size, 2048ull << 10);
	CHECK_ERR(skb_distance(&s, 0, 3, &d), OK);
	CHECK_EQ(d, 22);
	CHECK_EQ(s.node[2].cores, 0xF00);
	check_consistent();
}

TEST(paper_amd_8x4_eight_nodes)
{
	unsigned node, d;

	load(&amd_8x4);
	CHECK_EQ(s.nconflicts, 0);
	CHECK_EQ(s.ncores, 32);
	CHECK_EQ(s.nnodes, 8);
	CHECK_ERR(skb_node_of(&s, 31, &node), OK);
	CHECK_EQ(node, 7);
	CHECK_EQ(sharers(29, 0), 0xF0000000ull);
	CHECK_ERR(skb_distance(&s, 0, 7, &d), OK);
	CHECK_EQ(d, 34);
	check_consistent();
}

TEST(qemu_six_cores_two_nodes_under_tcg)
{
	uint64_t cores;

	load(&qemu_6_numa2);
	CHECK_EQ(s.nconflicts, 0);
	CHECK_EQ(s.nnodes, 2);
	CHECK_ERR(skb_node_cores(&s, 0, &cores), OK);
	CHECK_EQ(cores, 0x7);
	CHECK_ERR(skb_node_cores(&s, 1, &cores), OK);
	CHECK_EQ(cores, 0x38);
	CHECK(s.flags & SKB_F_EMULATED);
	CHECK_STR(s.core[0].cpu.hypervisor, "TCGTCGTCGTCG");
	CHECK_EQ(s.core[4].cpu.topo, SKB_TOPO_LEAF_B);
	CHECK(s.core[4].cpu.x2apic_id);
	CHECK_EQ(s.core[4].package, 4);
	check_consistent();
}

TEST(smt_threads_share_their_core_caches)
{
	load(&intel_smt);
	CHECK_EQ(s.nconflicts, 0);
	CHECK_EQ(s.core[5].thread, 1);
	CHECK_EQ(s.core[5].core, 0);
	CHECK_EQ(s.core[5].package, 1);
	CHECK_EQ(sharers(5, 1), 0x30);		/* the two threads of a core */
	CHECK_EQ(sharers(5, 0), 0xF0);		/* its package */
	check_consistent();
}

TEST(odd_three_nodes_of_unequal_size)
{
	static const uint8_t d3[] = { 10, 15, 25, 15, 10, 15, 25, 15, 10 };
	struct mach m = { "GenuineIntel", 6, 1, 1, 3, d3, true, NULL, 1,
			  { { 1, SKB_CACHE_DATA, 32, 1 } } };
	uint64_t cores;

	skb_init(&s);
	skb_machine(&m, &in);
	/* 6 cores as 1, 3 and 2: move cores 1 and 2 to node 1. */
	in.topo.srat_cpu[1].node = in.topo.srat_cpu[2].node = 1;
	in.topo.srat_cpu[3].node = 1;
	in.topo.srat_cpu[4].node = in.topo.srat_cpu[5].node = 2;
	CHECK_ERR(skb_load(&s, &in), OK);
	CHECK_EQ(s.nconflicts, 0);
	CHECK_ERR(skb_node_cores(&s, 0, &cores), OK);
	CHECK_EQ(cores, 0x1);
	CHECK_ERR(skb_node_cores(&s, 1, &cores), OK);
	CHECK_EQ(cores, 0xE);
	CHECK_ERR(skb_node_cores(&s, 2, &cores), OK);
	CHECK_EQ(cores, 0x30);
	CHECK_EQ(s.dist[0][2], 25);
	check_consistent();
}

TEST(odd_one_core_per_node_and_one_core)
{
	struct mach m = amd_4x4;

	m.cores = 1;
	m.cache[3].shared_by = 1;
	load(&m);
	CHECK_EQ(s.nconflicts, 0);
	CHECK_EQ(s.nnodes, 4);
	for (unsigned n = 0; n < 4; n++)
		CHECK_EQ(s.node[n].cores, 1ull << n);
	check_consistent();

	load(&one_core);
	CHECK_EQ(s.nconflicts, 0);
	CHECK_EQ(s.ncores, 1);
	CHECK_EQ(s.nnodes, 1);
	CHECK_EQ(s.core[0].cpu.topo, SKB_TOPO_NONE);
	CHECK_EQ(sharers(0, 0), 1);
	check_consistent();
}

TEST(no_acpi_one_core_from_cpuid_alone)
{
	skb_init(&s);
	skb_machine(&one_core, &in);
	in.topo.flags = 0;			/* acpi=off: only the kernel's own facts */
	in.topo.nmadt = 0;
	CHECK_ERR(skb_load(&s, &in), OK);
	CHECK_EQ(s.nconflicts, 0);
	CHECK(!(s.flags & SKB_F_ACPI));
	CHECK_EQ(s.nnodes, 1);
	CHECK_EQ(s.node[0].cores, 1);
	check_consistent();
}

TEST(queries_for_what_does_not_exist_are_errors)
{
	const struct skb_core *c;
	const struct skb_node *n;
	uint64_t cores, row[SKB_MAX_CORES];
	unsigned node, d, bad;

	load(&qemu_6_numa2);
	CHECK_ERR(skb_core(&s, 99, &c), ERR_NO_SUCH_CORE);
	CHECK_ERR(skb_core(&s, 6, &c), ERR_NO_SUCH_CORE);
	CHECK_ERR(skb_node_of(&s, 99, &node), ERR_NO_SUCH_CORE);
	CHECK_ERR(skb_node(&s, 7, &n), ERR_NO_SUCH_NODE);
	CHECK_ERR(skb_node_cores(&s, 2, &cores), ERR_NO_SUCH_NODE);
	CHECK_ERR(skb_distance(&s, 0, 7, &d), ERR_NO_SUCH_NODE);
	CHECK_ERR(skb_distance(&s, 7, 0, &d), ERR_NO_SUCH_NODE);
	CHECK_ERR(skb_cache_sharers(&s, 99, 0, &cores), ERR_NO_SUCH_CORE);
	CHECK_ERR(skb_cache_sharers(&s, 1, 3, &cores), ERR_NOT_FOUND);	/* no L3 */
	CHECK_ERR(skb_rtt_row(&s, 64, row), ERR_NO_SUCH_CORE);
	CHECK_ERR(skb_check_cores(&s, 1ull << 6, &bad), ERR_NO_SUCH_CORE);
	CHECK_EQ(bad, 6);
	CHECK_ERR(skb_check_cores(&s, 0x3F, &bad), OK);
	CHECK_ERR(skb_core_down(&s, 6), ERR_NO_SUCH_CORE);
	CHECK_ERR(skb_set_rtt(&s, 9, row, 6), ERR_NO_SUCH_CORE);
	/* An empty store knows nothing. */
	skb_init(&s);
	CHECK_ERR(skb_core(&s, 0, &c), ERR_NO_SUCH_CORE);
	CHECK_ERR(skb_node(&s, 0, &n), ERR_NO_SUCH_NODE);
}

TEST(round_trips_are_kept_per_pair)
{
	uint64_t row[SKB_MAX_CORES] = { 0, 500, 700, 900, 1100, 1300 };
	uint64_t back[SKB_MAX_CORES];
	uint32_t gen;

	load(&qemu_6_numa2);
	gen = s.generation;
	CHECK_ERR(skb_set_rtt(&s, 0, row, 6), OK);
	CHECK_EQ(s.generation, gen + 1);
	CHECK_ERR(skb_rtt_row(&s, 0, back), OK);
	CHECK_EQ(back[2], 700);
	CHECK_EQ(back[0], 0);
	CHECK_ERR(skb_rtt_row(&s, 1, back), OK);
	CHECK_EQ(back[0], 0);			/* not measured */
	row[0] = 5;				/* to itself: refused */
	CHECK_ERR(skb_set_rtt(&s, 0, row, 6), ERR_INVALID_ARG);
	CHECK_ERR(skb_set_rtt(&s, 1, row, SKB_MAX_CORES + 1), ERR_INVALID_ARG);
	CHECK_EQ(s.generation, gen + 1);
}

TEST(a_core_taken_away_and_brought_back)
{
	uint64_t row[SKB_MAX_CORES] = { 0, 500, 700, 900, 1100, 1300 }, back[SKB_MAX_CORES];
	const struct skb_core *c;
	uint64_t cores;
	unsigned node, bad;

	load(&qemu_6_numa2);
	CHECK_ERR(skb_set_rtt(&s, 0, row, 6), OK);
	uint32_t gen = s.generation;
	CHECK_ERR(skb_core_down(&s, 4), OK);
	CHECK_EQ(s.generation, gen + 1);
	CHECK_ERR(skb_core(&s, 4, &c), OK);	/* its facts stay */
	CHECK(!c->present && c->known);
	CHECK_EQ(c->since, gen + 1);
	CHECK_EQ(c->apic_id, 4);
	CHECK_ERR(skb_node_of(&s, 4, &node), OK);
	CHECK_EQ(node, 1);
	CHECK_ERR(skb_node_cores(&s, 1, &cores), OK);
	CHECK_EQ(cores, 0x28);			/* 3 and 5 */
	CHECK_EQ(skb_present(&s), 0x2F);
	CHECK_ERR(skb_rtt_row(&s, 4, back), ERR_CORE_ABSENT);
	CHECK_ERR(skb_cache_sharers(&s, 4, 0, &cores), ERR_CORE_ABSENT);
	CHECK_ERR(skb_rtt_row(&s, 0, back), OK);
	CHECK_EQ(back[4], 0);			/* no round trip to a core that is not there */
	CHECK_ERR(skb_check_cores(&s, 0x3F, &bad), ERR_CORE_ABSENT);
	CHECK_EQ(bad, 4);
	CHECK_EQ(s.nconflicts, 0);
	check_consistent();

	CHECK_ERR(skb_core_up(&s, 4, &in.core[4].cpuid), OK);
	CHECK_EQ(s.generation, gen + 2);
	CHECK_ERR(skb_core(&s, 4, &c), OK);
	CHECK(c->present);
	CHECK_EQ(c->since, gen + 2);
	CHECK_EQ(s.core[3].since, 1);		/* unchanged since the first load */
	CHECK_ERR(skb_node_cores(&s, 1, &cores), OK);
	CHECK_EQ(cores, 0x38);
	CHECK_ERR(skb_rtt_row(&s, 0, back), OK);
	CHECK_EQ(back[4], 0);			/* measured before it went: forgotten */
	CHECK_EQ(back[5], 1300);
	check_consistent();
}

TEST(the_same_input_twice_is_one_generation)
{
	load(&amd_2x2);
	CHECK_EQ(s.generation, 1);
	CHECK_ERR(skb_load(&s, &in), OK);
	CHECK_EQ(s.generation, 1);
	in.rtt[0][1] = 77;
	CHECK_ERR(skb_load(&s, &in), OK);
	CHECK_EQ(s.generation, 2);
}

/* Malformed input: refused whole, the store unchanged. */
TEST(malformed_input_is_refused_and_changes_nothing)
{
	struct skb_input bad;
	struct skb_cpuid big = { .n = SKB_MAX_CPUID + 1 };

	load(&amd_4x4);
	uint32_t gen = s.generation;
#define REFUSED(change) do {						\
		bad = in;						\
		change;							\
		CHECK_ERR(skb_load(&s, &bad), ERR_INVALID_ARG);		\
		CHECK_EQ(s.generation, gen);				\
		CHECK_EQ(s.ncores, 16);					\
	} while (0)
	REFUSED(bad.topo.ncores = TOPO_MAX_CORES + 1);
	REFUSED(bad.topo.nmadt = TOPO_MAX_APICS + 1);
	REFUSED(bad.topo.nnodes = TOPO_MAX_NODES + 1);
	REFUSED(bad.topo.nsrat_cpus = TOPO_MAX_APICS + 1);
	REFUSED(bad.topo.nmem = TOPO_MAX_MEM + 1);
	REFUSED(bad.topo.srat_cpu[3].node = 4);
	REFUSED(bad.topo.mem[0].node = 9);
	REFUSED(bad.topo.nnodes = 0);		/* entries, but no nodes */
	REFUSED(bad.topo.flags |= 0x100);
	REFUSED(bad.core[2].state = 3);
	REFUSED(bad.core[2].cpuid.n = SKB_MAX_CPUID + 1);
	REFUSED(bad.rtt[5][5] = 1);
	CHECK_ERR(skb_core_up(&s, 64, &in.core[0].cpuid), ERR_NO_SUCH_CORE);
	CHECK_ERR(skb_core_up(&s, 3, &big), ERR_INVALID_ARG);
	bad.topo.nmem = TOPO_MAX_MEM + 1;
	CHECK_ERR(skb_set_topology(&s, &bad.topo), ERR_INVALID_ARG);
	CHECK_EQ(s.generation, gen);
	CHECK_EQ(s.nconflicts, 0);
}

TEST(fmt_cores)
{
	char buf[64];

	CHECK_EQ(skb_fmt_cores(0, buf, sizeof(buf)), 4);
	CHECK_STR(buf, "none");
	skb_fmt_cores(0x1, buf, sizeof(buf));
	CHECK_STR(buf, "0");
	skb_fmt_cores(0x3, buf, sizeof(buf));
	CHECK_STR(buf, "0,1");
	skb_fmt_cores(0xB7, buf, sizeof(buf));
	CHECK_STR(buf, "0-2,4,5,7");
	skb_fmt_cores(~0ull, buf, sizeof(buf));
	CHECK_STR(buf, "0-63");
	skb_fmt_cores(1ull << 63 | 1, buf, sizeof(buf));
	CHECK_STR(buf, "0,63");
	/* Cut short, it still ends with a NUL and says how long it wanted. */
	CHECK_EQ(skb_fmt_cores(0x5555, buf, 5), 18);	/* 0,2,4,6,8,10,12,14 */
	CHECK_STR(buf, "0,2,");
	CHECK_STR(skb_conflict_name(SKB_C_SLIT_SIZE), "slit_size");
	CHECK_STR(skb_conflict_name(SKB_C_NKINDS), "unknown");
}

/* ---- The sources disagree: each reported, with its fallback ---- */

TEST(srat_naming_an_unknown_apic_id_is_ignored)
{
	uint64_t cores;

	skb_init(&s);
	skb_machine(&qemu_6_numa2, &in);
	in.topo.srat_cpu[in.topo.nsrat_cpus++] = (struct topo_srat_cpu){ 99, 1 };
	CHECK_ERR(skb_load(&s, &in), OK);
	CHECK_EQ(s.nconflicts, 1);
	CHECK(has_conflict(SKB_C_SRAT_UNKNOWN_APIC, "APIC id 99 in node 1"));
	CHECK(has_conflict(SKB_C_SRAT_UNKNOWN_APIC, "the entry is ignored"));
	/* The rest of the SRAT stands. */
	CHECK(s.flags & SKB_F_NUMA);
	CHECK_ERR(skb_node_cores(&s, 1, &cores), OK);
	CHECK_EQ(cores, 0x38);
	check_consistent();
}

TEST(srat_putting_one_core_in_two_nodes_keeps_the_first)
{
	unsigned node;

	skb_init(&s);
	skb_machine(&qemu_6_numa2, &in);
	in.topo.srat_cpu[in.topo.nsrat_cpus++] = (struct topo_srat_cpu){ 2, 1 };
	CHECK_ERR(skb_load(&s, &in), OK);
	CHECK(has_conflict(SKB_C_SRAT_DUPLICATE, "APIC id 2 in nodes 0 and 1; the first stands"));
	CHECK_ERR(skb_node_of(&s, 2, &node), OK);
	CHECK_EQ(node, 0);
	check_consistent();
}

TEST(a_core_the_srat_leaves_out_makes_one_node)
{
	unsigned d;

	skb_init(&s);
	skb_machine(&qemu_6_numa2, &in);
	in.topo.srat_cpu[4] = in.topo.srat_cpu[--in.topo.nsrat_cpus];	/* drop APIC id 4 */
	CHECK_ERR(skb_load(&s, &in), OK);
	CHECK_EQ(s.nconflicts, 1);
	CHECK(has_conflict(SKB_C_SRAT_MISSING_CORE, "core 4 (APIC id 4) is in no SRAT entry"));
	CHECK(!(s.flags & SKB_F_NUMA) && !(s.flags & SKB_F_SLIT));
	CHECK_EQ(s.nnodes, 1);
	CHECK_EQ(s.node[0].cores, 0x3F);
	CHECK_EQ(s.node[0].memory, 2ull << 30);	/* every SRAT range */
	CHECK_ERR(skb_distance(&s, 0, 1, &d), ERR_NO_SUCH_NODE);
	check_consistent();
}

TEST(slit_of_the_wrong_size_is_not_used)
{
	unsigned d;

	skb_init(&s);
	skb_machine(&qemu_6_numa2, &in);
	in.topo.slit_localities = 1;		/* 1x1 for domains 0 and 1 */
	in.topo.dist[0][1] = in.topo.dist[1][0] = 0;	/* as lib/acpi.c leaves them: defaults */
	CHECK_ERR(skb_load(&s, &in), OK);
	CHECK_EQ(s.nconflicts, 1);
	CHECK(has_conflict(SKB_C_SLIT_SIZE, "the SLIT is 1x1, but the SRAT names proximity domain 1"));
	CHECK(s.flags & SKB_F_NUMA);
	CHECK(!(s.flags & SKB_F_SLIT));
	CHECK_ERR(skb_distance(&s, 0, 1, &d), OK);
	CHECK_EQ(d, 20);
	check_consistent();

	/* Larger than the domains: reported, the SRAT's rows used. */
	skb_machine(&qemu_6_numa2, &in);
	in.topo.slit_localities = 4;
	in.topo.dist[0][1] = in.topo.dist[1][0] = 21;
	CHECK_ERR(skb_load(&s, &in), OK);
	CHECK_EQ(s.nconflicts, 1);
	CHECK(has_conflict(SKB_C_SLIT_SIZE, "4x4 for proximity domains up to 1; the rows"));
	CHECK(s.flags & SKB_F_SLIT);
	CHECK_ERR(skb_distance(&s, 1, 0, &d), OK);
	CHECK_EQ(d, 21);
}

TEST(slit_asymmetric_or_off_its_diagonal_is_not_used)
{
	static const struct {
		unsigned a, b, value, kind;
		const char *text;
	} bad[] = {
		{ 0, 1, 30, SKB_C_SLIT_ASYMMETRIC, "from node 0 to 1 is 30, back 16" },
		{ 2, 2, 11, SKB_C_SLIT_DIAGONAL, "node 2 a distance of 11 to itself" },
		{ 3, 1, 10, SKB_C_SLIT_RANGE, "nodes 1 and 3 a distance of 10" },
		{ 1, 2, 0, SKB_C_SLIT_RANGE, "a distance of 0, not above 10" },
	};

	for (unsigned k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		unsigned d;
		skb_init(&s);
		skb_machine(&amd_4x4, &in);
		in.topo.dist[bad[k].a][bad[k].b] = (uint8_t)bad[k].value;
		if (bad[k].kind == SKB_C_SLIT_RANGE)
			in.topo.dist[bad[k].b][bad[k].a] = (uint8_t)bad[k].value;
		CHECK_ERR(skb_load(&s, &in), OK);
		CHECK_EQ(s.nconflicts, 1);
		if (!has_conflict(bad[k].kind, bad[k].text))
			FAIL("case %u: no %s conflict with '%s' (got '%s')", k,
			     skb_conflict_name(bad[k].kind), bad[k].text, s.conflict[0].reason);
		CHECK(has_conflict(bad[k].kind, "distances 10 and 20 are used"));
		CHECK(!(s.flags & SKB_F_SLIT));
		CHECK_ERR(skb_distance(&s, 0, 3, &d), OK);
		CHECK_EQ(d, 20);
		check_consistent();
	}
}

/* CPUID has a core the MADT does not list (the bootstrap core, say). */
TEST(a_core_in_cpuid_but_not_in_the_madt)
{
	skb_init(&s);
	skb_machine(&amd_2x2, &in);
	in.topo.madt_apic[0] = 40;		/* the MADT lists 40, 1, 2, 3 */
	CHECK_ERR(skb_load(&s, &in), OK);
	CHECK(has_conflict(SKB_C_NOT_IN_MADT, "core 0's APIC id 0 (CPUID) is not in the MADT"));
	CHECK(s.core[0].present);
	CHECK_EQ(s.core[0].apic_id, 0);
	check_consistent();
}

/* And the reverse: a core the kernel started from the MADT that sent no
 * CPUID facts (its monitor never came up). */
TEST(a_core_in_the_madt_that_sent_no_cpuid)
{
	const struct skb_core *c;
	uint64_t cores;
	unsigned node;

	skb_init(&s);
	skb_machine(&amd_2x2, &in);
	memset(&in.core[3], 0, sizeof(in.core[3]));
	CHECK_ERR(skb_load(&s, &in), OK);
	CHECK_EQ(s.nconflicts, 1);
	CHECK(has_conflict(SKB_C_NO_CPUID, "core 3 (APIC id 3) was started but sent no CPUID facts; it is not present"));
	CHECK_ERR(skb_core(&s, 3, &c), OK);
	CHECK(c->known && !c->present && !c->reported);
	CHECK_ERR(skb_node_of(&s, 3, &node), OK);	/* the SRAT still places it */
	CHECK_EQ(node, 1);
	CHECK_ERR(skb_node_cores(&s, 1, &cores), OK);
	CHECK_EQ(cores, 0x4);
	check_consistent();
}

TEST(cpuid_apic_id_disagreeing_with_the_kernel_wins)
{
	skb_init(&s);
	skb_machine(&amd_2x2, &in);
	in.topo.core_apic[2] = 7;
	CHECK_ERR(skb_load(&s, &in), OK);
	CHECK(has_conflict(SKB_C_APIC_MISMATCH, "core 2: CPUID says APIC id 2, the kernel started it as 7; CPUID's is used"));
	CHECK_EQ(s.core[2].apic_id, 2);
	CHECK_EQ(s.core[2].node, 1);
	check_consistent();

	/* A core reporting that the kernel never started. */
	skb_machine(&amd_2x2, &in);
	in.topo.ncores = 3;
	CHECK_ERR(skb_load(&s, &in), OK);
	CHECK(has_conflict(SKB_C_APIC_MISMATCH, "core 3 (APIC id 3) sent CPUID facts, but the kernel started no such core"));
	CHECK(s.core[3].present);
	check_consistent();
}

TEST(two_cores_with_one_apic_id_leave_the_second_out)
{
	skb_init(&s);
	skb_machine(&amd_2x2, &in);
	in.core[3].cpuid = in.core[1].cpuid;	/* core 3 says it is APIC id 1 */
	in.topo.core_apic[3] = 1;
	CHECK_ERR(skb_load(&s, &in), OK);
	CHECK(has_conflict(SKB_C_DUPLICATE_APIC, "cores 1 and 3 both say APIC id 1; core 3 is left out"));
	CHECK(!s.core[3].present);
	CHECK(s.core[1].present);
	check_consistent();
}
