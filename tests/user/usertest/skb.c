/*
 * usertest's tests of the System Knowledge Base (docs/skb.md) as a client
 * sees it: bound by name like any process (flotilla/skb.h), every query
 * of if/skb.if answered, the answers agreeing with each other and with
 * the number of cores the monitors span, and every query about a core or
 * node the machine does not have refused with its own error while the
 * channel goes on working. What the facts must be on a given machine
 * (QEMU's nodes and distances) is checked at the shell, against what QEMU
 * was told, by tools/boottest.py.
 */
#include <string.h>
#include <flotilla/monitor.h>
#include <flotilla/skb.h>
#include <flotilla/sys.h>
#include "lib/mtree.h"
#include "lib/skb.h"
#include "lib/test.h"

#define C_SLOTS		CADDR(TASK_CN, 48)	/* four: the binding's */
#define WAIT_NS		(30ull * 1000 * 1000 * 1000)	/* only turns a hang into a FAIL */

static struct skb_client c;
static struct idl_binding *b;
static unsigned ncores;
static uint32_t nnodes;

/* Binds (once for every test) and waits until every core the monitors
 * span has reported: CPUID facts reach the SKB as each monitor joins. */
static bool ready(void)
{
	static bool gave_up;		/* waited once in vain: do not wait again */
	uint64_t end = sys_clock_ns() + WAIT_NS, present = 0, all;
	uint32_t gen, n, found, flags, nconf, rows;
	const char *cpu, *hv;
	err_t status;

	if (gave_up)
		return false;
	gave_up = true;
	if (!c.open && (skb_open(&c, C_SLOTS, WAIT_NS) || mon_cores(&ncores)))
		return false;
	b = &c.b.b;
	all = ncores >= 64 ? ~0ull : (1ull << ncores) - 1;
	do {
		if (if_skb_summary_call(b, &status, &gen, &n, &present, &found, &nnodes, &flags,
					&nconf, &rows, &cpu, &hv) || status)
			return false;
		if (present == all) {
			gave_up = false;
			return true;
		}
		sys_sleep_until(sys_clock_ns() + 10000000);
	} while (sys_clock_ns() < end);
	return false;
}

TEST(skb_summary_counts_every_core)
{
	uint32_t gen, n, found, flags, nconf, rows;
	uint64_t present;
	const char *cpu, *hv;
	err_t status;

	CHECK(ready());
	CHECK_ERR(if_skb_summary_call(b, &status, &gen, &n, &present, &found, &nnodes, &flags,
				      &nconf, &rows, &cpu, &hv), OK);
	CHECK_ERR(status, OK);
	CHECK_EQ(n, ncores);
	CHECK(gen >= 1);
	CHECK(nnodes >= 1 && nnodes <= SKB_MAX_NODES);
	CHECK(rows >= 1);			/* core 0's, measured before the SKB started */
	CHECK(strlen(cpu) == 12);		/* a CPUID vendor string */
	/* No SRAT: one node; nodes from it only with ACPI. */
	CHECK(flags & SKB_F_NUMA || nnodes == 1);
	CHECK(!(flags & SKB_F_NUMA) || flags & SKB_F_ACPI);
	/* Each disagreement between the sources is there to read, with why. */
	for (unsigned i = 0; i < nconf && i < SKB_MAX_CONFLICTS; i++) {
		const char *reason;
		uint32_t kind;
		CHECK_ERR(if_skb_conflict_call(b, i, &status, &kind, &reason), OK);
		CHECK_ERR(status, OK);
		CHECK(kind < SKB_C_NKINDS && strlen(reason) > 10);
	}
}

TEST(skb_cores_nodes_and_distances_agree)
{
	uint64_t seen = 0, cores, nc, mem;
	uint32_t apic, pkg, cid, thr, node, ncaches, since, node2, dom, d, back;
	bool here;
	err_t status;

	CHECK(ready());
	for (unsigned i = 0; i < ncores; i++) {
		CHECK_ERR(if_skb_core_call(b, i, &status, &here, &apic, &pkg, &cid, &thr, &node,
					   &ncaches, &since), OK);
		CHECK_ERR(status, OK);
		CHECK(here && node < nnodes && ncaches <= SKB_MAX_CACHES);
		CHECK_ERR(if_skb_node_of_call(b, i, &status, &node2), OK);
		CHECK_ERR(status, OK);
		CHECK_EQ(node2, node);
		CHECK_ERR(if_skb_node_cores_call(b, node, &status, &cores), OK);
		CHECK(status == OK && cores >> i & 1);
	}
	for (unsigned n = 0; n < nnodes; n++) {
		CHECK_ERR(if_skb_node_cores_call(b, n, &status, &cores), OK);
		CHECK_ERR(if_skb_node_call(b, n, &status, &dom, &mem, &nc), OK);
		CHECK_ERR(status, OK);
		CHECK_EQ(nc, cores);
		CHECK(!(seen & cores));		/* each core in one node */
		seen |= cores;
		for (unsigned m = 0; m < nnodes; m++) {
			CHECK_ERR(if_skb_distance_call(b, n, m, &status, &d), OK);
			CHECK_ERR(status, OK);
			CHECK_ERR(if_skb_distance_call(b, m, n, &status, &back), OK);
			CHECK(m == n ? d == 10 : d > 10 && d == back);
		}
	}
	CHECK_EQ(seen, ncores >= 64 ? ~0ull : (1ull << ncores) - 1);
}

TEST(skb_caches_and_round_trips)
{
	uint64_t cores, size, sharers;
	const uint8_t *row;
	size_t len;
	uint8_t level, type;
	uint32_t ncaches;
	err_t status;

	CHECK(ready());
	for (unsigned i = 0; i < ncores; i++) {
		CHECK_ERR(if_skb_core_call(b, i, &status, NULL, NULL, NULL, NULL, NULL, NULL,
					   &ncaches, NULL), OK);
		for (unsigned k = 0; k < ncaches; k++) {
			CHECK_ERR(if_skb_cache_call(b, i, k, &status, &level, &type, &size,
						    &sharers), OK);
			CHECK(status == OK && level >= 1 && sharers >> i & 1);
		}
		CHECK_ERR(if_skb_cache_call(b, i, ncaches, &status, &level, &type, &size, &sharers),
			  OK);
		CHECK_ERR(status, ERR_NOT_FOUND);
		/* Its last-level cache, if CPUID describes one, is its own too. */
		CHECK_ERR(if_skb_cache_sharers_call(b, i, 0, &status, &cores), OK);
		CHECK(ncaches ? status == OK && cores >> i & 1 : status == ERR_NOT_FOUND);
		CHECK_ERR(if_skb_rtt_call(b, i, &status, &row, &len), OK);
		CHECK_ERR(status, OK);
		CHECK_EQ(len, SKB_MAX_CORES * sizeof(uint64_t));
		uint64_t self;
		memcpy(&self, row + i * sizeof(uint64_t), sizeof(self));
		CHECK_EQ(self, 0);
	}
	/* Core 0's row was measured at boot, to every other core. */
	CHECK_ERR(if_skb_rtt_call(b, 0, &status, &row, &len), OK);
	for (unsigned j = 1; j < ncores; j++) {
		uint64_t v;
		memcpy(&v, row + j * sizeof(uint64_t), sizeof(v));
		CHECK(v > 0);
	}
}

TEST(skb_numa_tree_reaches_every_core_once)
{
	const uint8_t *e;
	size_t len;
	uint32_t bad;
	bool seq;
	err_t status;
	uint64_t reached = 1;

	CHECK(ready());
	CHECK_ERR(if_skb_tree_call(b, MTREE_NUMA, 0, 0, &status, &bad, &seq, &e, &len), OK);
	CHECK_ERR(status, OK);
	CHECK(!seq);
	CHECK_EQ(len, 2 * (ncores - 1));
	for (size_t i = 0; i + 1 < len; i += 2) {
		CHECK(reached >> e[i] & 1);		/* sends only once reached */
		CHECK(e[i + 1] < ncores && !(reached >> e[i + 1] & 1));
		reached |= 1ull << e[i + 1];
	}
	CHECK_EQ(reached, ncores >= 64 ? ~0ull : (1ull << ncores) - 1);
	CHECK_ERR(if_skb_tree_call(b, MTREE_UNICAST, ncores - 1, 0, &status, &bad, &seq, &e,
				   &len), OK);
	CHECK(status == OK && (seq || ncores == 1));
}

TEST(skb_refuses_cores_and_nodes_that_do_not_exist)
{
	uint64_t u64;
	uint32_t u32, kind;
	uint8_t u8;
	bool here, seq;
	const uint8_t *bytes;
	const char *reason;
	size_t len;
	err_t status;

	CHECK(ready());
	CHECK_ERR(if_skb_core_call(b, 99, &status, &here, &u32, &u32, &u32, &u32, &u32, &u32,
				   &u32), OK);
	CHECK_ERR(status, ERR_NO_SUCH_CORE);
	CHECK_ERR(if_skb_core_call(b, ncores, &status, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
				   NULL), OK);
	CHECK_ERR(status, ERR_NO_SUCH_CORE);
	CHECK_ERR(if_skb_cache_call(b, 99, 0, &status, &u8, &u8, &u64, &u64), OK);
	CHECK_ERR(status, ERR_NO_SUCH_CORE);
	CHECK_ERR(if_skb_node_of_call(b, 99, &status, &u32), OK);
	CHECK_ERR(status, ERR_NO_SUCH_CORE);
	CHECK_ERR(if_skb_node_cores_call(b, 7, &status, &u64), OK);
	CHECK_ERR(status, ERR_NO_SUCH_NODE);
	CHECK_ERR(if_skb_node_cores_call(b, nnodes, &status, &u64), OK);
	CHECK_ERR(status, ERR_NO_SUCH_NODE);
	CHECK_ERR(if_skb_node_call(b, 7, &status, &u32, &u64, &u64), OK);
	CHECK_ERR(status, ERR_NO_SUCH_NODE);
	CHECK_ERR(if_skb_distance_call(b, 0, 7, &status, &u32), OK);
	CHECK_ERR(status, ERR_NO_SUCH_NODE);
	CHECK_ERR(if_skb_distance_call(b, 7, 0, &status, &u32), OK);
	CHECK_ERR(status, ERR_NO_SUCH_NODE);
	CHECK_ERR(if_skb_cache_sharers_call(b, 99, 0, &status, &u64), OK);
	CHECK_ERR(status, ERR_NO_SUCH_CORE);
	CHECK_ERR(if_skb_rtt_call(b, 99, &status, &bytes, &len), OK);
	CHECK_ERR(status, ERR_NO_SUCH_CORE);
	CHECK_ERR(if_skb_conflict_call(b, 99, &status, &kind, &reason), OK);
	CHECK_ERR(status, ERR_NOT_FOUND);
	/* Trees: a root or a member that does not exist is named. */
	CHECK_ERR(if_skb_tree_call(b, MTREE_NUMA, 99, 0, &status, &u32, &seq, &bytes, &len), OK);
	CHECK_ERR(status, ERR_NO_SUCH_CORE);
	CHECK_EQ(u32, 99);
	if (ncores < 64) {
		CHECK_ERR(if_skb_tree_call(b, MTREE_NUMA, 0, 1ull | 1ull << ncores, &status, &u32,
					   &seq, &bytes, &len), OK);
		CHECK_ERR(status, ERR_NO_SUCH_CORE);
		CHECK_EQ(u32, ncores);
	}
	CHECK_ERR(if_skb_tree_call(b, MTREE_NSHAPES, 0, 0, &status, &u32, &seq, &bytes, &len), OK);
	CHECK_ERR(status, ERR_INVALID_ARG);
	/* The channel goes on: a good query after the bad ones. */
	CHECK_ERR(if_skb_node_of_call(b, 0, &status, &u32), OK);
	CHECK_ERR(status, OK);
	CHECK(u32 < nnodes);
}

/* skb_close undoes all of skb_open: the page of the window that maps the
 * channel (512 in all) and the endpoint's page of RAM (usertest has 1 MiB:
 * 256 pages) come back, so a client may open and close more often than
 * either holds. A client of a supervised SKB does so after every restart
 * (the shell's `skb`). */
TEST(skb_closes_and_opens_again_more_often_than_the_window_holds)
{
	uint32_t gen, n, found, flags, nconf, rows, nodes;
	uint64_t present;
	const char *cpu, *hv;
	err_t status;

	CHECK(ready());
	CHECK_ERR(skb_close(&c), OK);
	for (unsigned i = 0; i < 520; i++) {
		err_t e = skb_open(&c, C_SLOTS, WAIT_NS);
		if (!e && !(e = if_skb_summary_call(&c.b.b, &status, &gen, &n, &present, &found,
						    &nodes, &flags, &nconf, &rows, &cpu, &hv)))
			e = status;
		if (c.open && skb_close(&c) && !e)
			e = ERR_BAD_MESSAGE;		/* cannot be: skb_close says why */
		if (e)
			FAIL("open, ask and close %u: %s", i, err_name(e));
	}
}
