/*
 * Multicast trees after the topology: the four shapes of one protocol that
 * the Multikernel paper compares (SOSP 2009, section 5.1: a TLB shootdown,
 * where one core asks every core of a set to do something and waits for
 * all the answers), built from facts about the machine (which NUMA node
 * each core is on, which cores share a last-level cache, how far apart the
 * nodes are). The SKB fills struct mtree_topo from its facts; the
 * shootdown protocol walks the tree; the shell prints it (`skb tree ROOT`);
 * the simulator and the tests count it. One library, so that all of them
 * agree on the shapes and on the counts. docs/trees.md has the pictures.
 *
 * The four shapes (root R, members M, the cores the run reaches):
 *
 *	broadcast	R sends a request to every other member, all at once,
 *			and collects every answer.
 *	unicast		R sends to one member, waits for its answer, then the
 *			next (sequential); the members in increasing order.
 *	multicast	by shared cache: R sends to one forwarder per cache
 *			group other than its own (the lowest-numbered member of
 *			the group), and directly to the members of its own
 *			group; each forwarder sends to the rest of its group,
 *			collects their answers and answers R once.
 *	numa		NUMA-aware multicast: R sends to one aggregator per
 *			remote node (its lowest-numbered member), farthest
 *			nodes first (by distance from R's node, ties to the
 *			lower aggregator), then directly to the members of its
 *			own node; each aggregator fans out to the rest of its
 *			node and answers R once for all of them.
 *
 * A core sends to its children in the order of its child list; the root
 * of the two-level shapes sends to its forwarders or aggregators before
 * its own group, so that their fan-out starts as early as it can. Other
 * children are in increasing core order.
 *
 * What is counted (struct mtree_cost), the same for every user:
 *
 *	message	one URPC message from one core to another. Every tree edge
 *		P -> C carries exactly two: P's request to C, and C's answer
 *		to P, sent once C and everything below it have done the work.
 *		So msgs = 2 x (members - 1) whatever the shape: the shapes
 *		differ in where the messages go and when, not in how many.
 *	cross_node  the messages whose sender and receiver are on different
 *		NUMA nodes (node[] differs): 2 per tree edge that joins two
 *		nodes.
 *	rounds	message latencies on the critical path: the number of
 *		messages on the longest chain in which each message can only
 *		be sent once the one before it has arrived. A tree whose
 *		cores send to all their children at once takes 2 x its depth
 *		(requests down to the deepest member, answers back up):
 *		broadcast 2, multicast and numa 4 (2 when no forwarder or
 *		aggregator has anyone to forward to). A sequential tree (the
 *		root waits for each answer before the next request) chains
 *		every message: unicast 2 x (members - 1). One member alone:
 *		0 messages, 0 rounds.
 *	fanout	the most requests one core sends (the root's n - 1 for
 *		broadcast): sends from one core go one after another, which
 *		rounds do not count.
 *	dist_sum  the sum, over every message, of the distance between the
 *		sender's node and the receiver's (10 within a node): how far
 *		the messages travel in all.
 *
 * Freestanding and without state: kernel, user programs and host tests.
 */
#ifndef LIB_MTREE_H
#define LIB_MTREE_H

#include <stdbool.h>
#include <stdint.h>
#include <kpi/errors.h>

#define MTREE_MAX_CORES		64	/* = MAX_CORES (kernel/config.h) */
#define MTREE_MAX_NODES		16	/* = ACPI_MAX_NODES (lib/acpi.h) */
#define MTREE_MAX_CACHES	MTREE_MAX_CORES	/* cache group ids are < this */
#define MTREE_LOCAL		10	/* the distance of a node to itself */
#define MTREE_REMOTE		20	/* between nodes, when no distances are known */

/*
 * What the trees are built from (the SKB fills it). Valid when: 1 <= ncores
 * <= MTREE_MAX_CORES; every core's node < MTREE_MAX_NODES and cache <
 * MTREE_MAX_CACHES; and the distances between the nodes that hold cores are
 * either all 0 (unknown: then 10 within a node, 20 between two) or all
 * known, as ACPI's SLIT gives them and as Linux accepts them: 10 from a
 * node to itself, 11..254 between two nodes (255, unreachable, is refused:
 * a member there could never be reached). dist[a][b] is the distance from
 * a to b; it need not equal dist[b][a]. Entries of nodes without cores are
 * ignored.
 */
struct mtree_topo {
	unsigned ncores;			/* cores 0..ncores-1 */
	uint8_t node[MTREE_MAX_CORES];		/* NUMA node of each core */
	uint8_t cache[MTREE_MAX_CORES];		/* id of the group of cores that share
						   the last-level cache with it (a
						   package or a die); a core that shares
						   none has a group of its own */
	uint8_t dist[MTREE_MAX_NODES][MTREE_MAX_NODES];	/* SLIT-like, 10 = local; all 0 = unknown */
};

enum mtree_shape {
	MTREE_BROADCAST,
	MTREE_UNICAST,
	MTREE_MULTICAST,
	MTREE_NUMA,
	MTREE_NSHAPES
};

/*
 * A tree: who sends to whom, and in which order. Children are kept as
 * lists: core p sends first to first_child[p], then to next_sibling[] of
 * that one, and so on (-1 ends a list):
 *
 *	for (int c = m->first_child[p]; c >= 0; c = m->next_sibling[c])
 *		send_to(c);
 *
 * Every member but the root has exactly one parent, a member; following
 * parents always ends at the root. Non-members have parent, first_child and
 * next_sibling -1 and appear in no list. Entries at or past ncores are -1.
 */
struct mtree {
	enum mtree_shape shape;
	unsigned root;
	unsigned ncores;			/* of the topology it was built from */
	uint64_t members;			/* every core the run reaches, root included */
	int8_t parent[MTREE_MAX_CORES];		/* -1 for the root and for non-members */
	int8_t first_child[MTREE_MAX_CORES];	/* the first core it sends to, or -1 */
	int8_t next_sibling[MTREE_MAX_CORES];	/* the one its parent sends to next, or -1 */
	bool sequential;			/* unicast: the root waits for each answer
						   before it sends the next request */
};

struct mtree_cost {
	unsigned msgs;		/* requests and answers: 2 x (members - 1) */
	unsigned cross_node;	/* of those, between cores on different nodes */
	unsigned rounds;	/* message latencies on the critical path */
	unsigned fanout;	/* the most requests one core sends */
	unsigned dist_sum;	/* distances travelled, summed over the messages */
};

/* One edge of a tree: `from` sends a request to `to` (and `to` answers). */
struct mtree_edge {
	uint8_t from, to;
};

/*
 * Checks that (t, s, root, members) can make a tree, without making it:
 * OK, or ERR_INVALID_ARG (t NULL, ncores 0, a node or cache id out of
 * range, distances partly known or outside 10 / 11..254, an unknown shape,
 * root >= ncores, members naming cores past ncores, root not a member) or
 * ERR_TOO_MANY (ncores > MTREE_MAX_CORES). With `why` not NULL, *why is set
 * to a sentence that says what is wrong (or NULL on OK), for error output.
 */
err_t mtree_check(const struct mtree_topo *t, enum mtree_shape s, unsigned root,
		  uint64_t members, const char **why);

/*
 * Builds the tree of shape s from root over members (a set of cores, bit i
 * for core i, the root among them; a process may span only some cores).
 * The errors are mtree_check's (and ERR_INVALID_ARG for out NULL); then
 * *out is left as it was.
 */
err_t mtree_build(const struct mtree_topo *t, enum mtree_shape s, unsigned root,
		  uint64_t members, struct mtree *out);

/*
 * A tree rebuilt from its parents alone: what a shootdown's request
 * carries (parent[] of MTREE_MAX_CORES entries, -1 for the root and for
 * every core that is no member), so that only the root needs the facts
 * and every core follows the root's tree even while the cores' facts
 * differ. Each core's children are listed in increasing core order, as
 * mtree_build lists every core's but the root's. Refused with
 * ERR_INVALID_ARG (and *out left as it was) unless: parent and out are
 * not NULL; 1 <= ncores <= MTREE_MAX_CORES; s is a shape; root < ncores
 * is a member and its parent is -1; members name no core past ncores;
 * every other member's parent is another member; every non-member's is
 * -1; and the tree is one the shape can make: every member's parent is
 * the root (broadcast, unicast) or the root or a child of the root
 * (multicast, numa). So a tree accepted has no loop and reaches every
 * member. Which cache group or node a forwarder leads is not checked:
 * that takes the facts.
 */
err_t mtree_from_parents(enum mtree_shape s, unsigned ncores, unsigned root, uint64_t members,
			 const int8_t *parent, struct mtree *out);

/* The counts of one run over tree m (defined above); t is the topology it
 * was built from (node[] and dist[] are read). */
void mtree_cost(const struct mtree *m, const struct mtree_topo *t, struct mtree_cost *out);

/*
 * The tree's edges for printing (`skb tree ROOT`: one "A -> B" a line):
 * breadth first, the root's in its send order, then those of the root's
 * children, each in its own send order, and so on; so every edge's `from`
 * is the root or the `to` of an earlier edge. Writes at most max edges and
 * returns how many it wrote (members - 1 when max allows).
 */
unsigned mtree_edges(const struct mtree *m, struct mtree_edge *out, unsigned max);

/* The cores of the subtree below core c, c included (what c answers for);
 * 0 when c is not a member. */
uint64_t mtree_subtree(const struct mtree *m, unsigned c);

/* The distance from core a's node to core b's (10 on one node; 20 between
 * two when t's distances are unknown). t, a and b must be valid. */
unsigned mtree_dist(const struct mtree_topo *t, unsigned a, unsigned b);

/*
 * What one message costs, within a node and between two: the cycles its
 * sender and its receiver spend on it, and its time in flight after the
 * send; and one member's flush. mtree_timing_paper is the Multikernel
 * paper's Table 2 for its 8x4-core AMD (0 and 1 hops), split as sim/
 * splits it (docs/sim.md): send + recv = 1000 / throughput, prop = the
 * rest of the latency.
 */
struct mtree_timing {
	uint32_t send[2], recv[2], prop[2];	/* [0] within a node, [1] between */
	uint32_t flush;
};
extern const struct mtree_timing mtree_timing_paper;

/*
 * How long one run over tree m takes, in cycles, by the shootdown's
 * protocol (sim/shootsim.h states it): each core sends its requests in
 * order, flushes, takes its children's answers as they come (one thing at
 * a time: an answer that arrives while it is busy waits), then answers;
 * the root's time ends with its last answer (a sequential root sends each
 * next request when the answer before has come). The same arithmetic as
 * the simulator's events, as a recursion over the tree: host-tested equal
 * to the simulation on the paper's machine (tests/host/test_sim.c). m
 * must be a tree mtree_build made from t.
 */
uint64_t mtree_estimate(const struct mtree *m, const struct mtree_topo *t,
			const struct mtree_timing *c);

/*
 * The shape a run should use when nobody asks for one (the shootdown's
 * default: "what the SKB says is best"): the one with the least
 * mtree_estimate under `c` (mtree_timing_paper when c is NULL) of
 * broadcast, multicast and numa, ties going to the one with fewer rounds,
 * then in that order. Unicast never wins: it sends what broadcast sends,
 * one at a time. The errors are mtree_check's (and ERR_INVALID_ARG for out
 * NULL); then *out is left as it was.
 */
err_t mtree_best(const struct mtree_topo *t, unsigned root, uint64_t members,
		 const struct mtree_timing *c, enum mtree_shape *out);

/* "broadcast", "unicast", "multicast", "numa"; "unknown" for anything else. */
const char *mtree_shape_name(enum mtree_shape s);

/* The shape named `name` (exactly one of the names above): OK, or
 * ERR_NOT_FOUND for another name, ERR_INVALID_ARG for NULL. */
err_t mtree_shape_parse(const char *name, enum mtree_shape *out);

#endif
