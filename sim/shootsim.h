/*
 * The TLB shootdown, simulated: a small discrete-event simulation of one
 * unmap over a multicast tree of lib/mtree.h (the same trees, and the same
 * counts, that Flotilla's monitors use), with a cost for every message by
 * the pair of cores it joins. It answers what the paper's unmap figure
 * asks (Multikernel, SOSP 2009, section 5.1): how long the four shapes take
 * on machines larger than QEMU can boot here. docs/sim.md has the model,
 * its calibration and what it says.
 *
 * The protocol (the same for every shape; the tree says who sends to whom):
 *
 *	the root	sends its requests (all of them in its send order, or
 *			for a sequential tree only the first), flushes its own
 *			TLB, then takes answers; a sequential root sends the
 *			next request as each answer comes; it is done when it
 *			has every answer.
 *	a member	takes the request, sends requests to its own children
 *			in order (a forwarder or an aggregator), flushes, takes
 *			its children's answers, then answers its parent.
 *
 * Costs (struct sim_costs): a message a -> b keeps a busy for send[a][b]
 * cycles, can be taken prop[a][b] cycles after the send ends, and keeps b
 * busy for recv[a][b] cycles when b takes it. A core does one thing at a
 * time: a message that arrives while it is busy waits, and waiting
 * messages are taken in the order they arrived (ties: the order they were
 * sent). A flush keeps a core busy for `flush` cycles.
 *
 * The simulation counts what it does, as mtree_cost() defines the counts:
 * every message, those between nodes, and the rounds (each message carries
 * the length of the chain of messages that led to it; a core that takes
 * one continues that chain; the root's chain when it is done is the
 * rounds). A host test holds these counts equal to mtree_cost's, so the
 * simulated protocol and the counted one are the same protocol.
 */
#ifndef SIM_SHOOTSIM_H
#define SIM_SHOOTSIM_H

#include <stdint.h>
#include "lib/mtree.h"

#define SIM_MAX_CORES	MTREE_MAX_CORES

struct sim_costs {
	unsigned ncores;					/* = the topology's */
	uint32_t send[SIM_MAX_CORES][SIM_MAX_CORES];	/* [from][to]: the sender's cycles */
	uint32_t prop[SIM_MAX_CORES][SIM_MAX_CORES];	/* in flight, after the send */
	uint32_t recv[SIM_MAX_CORES][SIM_MAX_CORES];	/* the receiver's cycles */
	uint32_t flush;						/* one member's TLB flush */
};

struct sim_result {
	uint64_t latency;		/* cycles from the root's start (0) until it is done */
	unsigned msgs;			/* messages sent */
	unsigned cross_node;		/* of those, between cores on different nodes */
	unsigned rounds;		/* the longest chain of messages, as mtree_cost counts it */
	uint64_t flushed;		/* the cores that flushed, once each */
	uint64_t done[SIM_MAX_CORES];	/* when each member finished: sent its answer
					   (the root: took its last one) */
};

/*
 * Runs one shootdown over tree m, built from topology t, with costs c.
 * OK, or ERR_INVALID_ARG (a NULL argument; c, m and t of different core
 * counts; a tree that does not reach each of its members exactly once)
 * or ERR_BAD_MESSAGE (the run ended without the root having every answer,
 * or a member got a second request: the protocol is broken). On an error
 * *out is left as it was.
 */
err_t sim_shootdown(const struct mtree *m, const struct mtree_topo *t,
		    const struct sim_costs *c, struct sim_result *out);

/* ---- The machines and the two calibrations (sim/model.c) ---- */

/* A machine: the facts the trees are built from, and the HyperTransport
 * (or QPI) hops between its nodes, which the paper's costs depend on. */
struct sim_machine {
	char name[32];
	struct mtree_topo t;
	uint8_t hops[MTREE_MAX_NODES][MTREE_MAX_NODES];
};

/*
 * A machine by name:
 *	amd8x4		the paper's 8x4-core AMD (eight Opteron 8350 in a
 *			twisted ladder: every node at most two hops from
 *			every other); a node and an L3 per package
 *	amd8x8		the same ladder with 8 cores per node: 64 cores, a
 *			machine the paper did not have (an extrapolation)
 *	qemu:N,K	N cores over K NUMA nodes as tools/qemu.py splits them
 *			(N / K each, the last node the rest), distance 21
 *			between nodes (as qemu.py sets it), one hop, one cache
 *			group (QEMU's one package)
 * OK, or ERR_NOT_FOUND (no such name) or ERR_INVALID_ARG (N or K out of
 * range: 1 <= K <= N <= 64, K <= 16); *why then says which.
 */
err_t sim_machine_parse(const char *spec, struct sim_machine *out, const char **why);

/*
 * The paper's published per-message figures for its 8x4-core AMD
 * (SOSP 2009, Table 2: URPC latency and pipelined throughput by distance),
 * in cycles; index = hops (0: the same package, 1, 2).
 */
struct sim_paper_row {
	unsigned latency;		/* one message, cycles */
	unsigned msgs_per_kcycle_x100;	/* pipelined throughput x 100 */
};
extern const struct sim_paper_row sim_paper_8x4[3];
#define SIM_PAPER_FLUSH	320	/* cycles for one page's flush: the top of the
				   95-320 the paper gives for an x86-64 TLB invalidate */

/*
 * Costs from the paper's figures, by the hops between two cores' nodes:
 * a core spends o = 1000 / throughput cycles per message it sends and
 * takes (half on each side: send = o / 2, recv = o - send), and the rest
 * of the published latency is propagation, prop = latency - o. Past two
 * hops (no machine here has them) prop grows by (latency(2) - latency(0))
 * / 2 per hop. flush = SIM_PAPER_FLUSH.
 */
void sim_costs_paper(const struct sim_machine *mc, struct sim_costs *out);

/*
 * Costs from a measured round-trip matrix (rtt[a][b] cycles for every
 * pair a != b, as `make bench` or the SKB measure them): a message a -> b
 * takes half the round trip, rtt[a][b] / 2. What of it the two cores
 * spend is not measured; the same share as in the paper's figures is
 * assumed: occupancy_permille / 1000 of the nearest pair's one-way time,
 * split evenly between sender and receiver, for every pair; the rest is
 * propagation. flush as given.
 */
void sim_costs_rtt(unsigned ncores, const uint32_t rtt[SIM_MAX_CORES][SIM_MAX_CORES],
		   unsigned occupancy_permille, uint32_t flush, struct sim_costs *out);

/* The paper's share: o / latency at 0 hops, in per mille (671). */
unsigned sim_paper_occupancy_permille(void);

/*
 * Parses a round-trip matrix, `from,to,cycles` a line (an optional header
 * line `from,to,cycles` before the first pair; blank lines and lines
 * starting with # are skipped). A pair given one way only counts for both ways. OK, with
 * *ncores = the highest core + 1, or ERR_INVALID_ARG with a sentence in
 * why (at most whylen bytes, naming the line): a malformed line, a core
 * >= 64, a core to itself, cycles 0 or above 10^9, a pair given twice,
 * or a pair of cores below *ncores with no round trip either way.
 */
err_t sim_rtt_parse(const char *text, uint32_t rtt[SIM_MAX_CORES][SIM_MAX_CORES],
		    unsigned *ncores, char *why, unsigned whylen);

#endif
