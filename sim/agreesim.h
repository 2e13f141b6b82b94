/*
 * One agreement, simulated: lib/agree.c's own state machines, one per
 * member, joined by the shootdown simulator's network (sim/shootsim.h:
 * a message a -> b keeps a busy for send[a][b] cycles, is in flight
 * prop[a][b], keeps b busy recv[a][b]; a core does one thing at a time
 * and takes waiting messages in the order they arrived). It answers the
 * question issue 19 asks of every commit, on machines QEMU cannot boot
 * here: how many messages, how many of them between nodes, how many
 * rounds on the critical path and how many cycles one two-phase commit
 * takes, for each tree shape over the paper's 8x4-core AMD and larger.
 *
 * The protocol is not modelled: the messages are the ones agree_pop()
 * hands out, taken with agree_input(), so a change to lib/agree.c shows
 * here. Nothing is lost or late (no agree_tick: no retry or timeout
 * fires); the replica accepts every operation. docs/sim.md, "Agreement".
 */
#ifndef SIM_AGREESIM_H
#define SIM_AGREESIM_H

#include <stdint.h>
#include "sim/shootsim.h"

struct sim_agree_result {
	uint64_t committed;		/* cycles from the submit (0) until the origin
					   hears the commit (ops->done) */
	uint64_t applied;		/* ... until the last member applied it */
	unsigned msgs;			/* messages sent, SUBMIT included */
	unsigned cross_node;		/* of those, between cores on different nodes */
	unsigned rounds;		/* the longest chain of messages (agree_msg.round) */
	unsigned by_type[8];		/* messages of each enum agree_type (index < 8) */
};

/*
 * Runs one operation submitted at `origin` through an agreement whose
 * view is tree m (its root the coordinator) over topology t, costs c.
 * OK, or ERR_INVALID_ARG (a NULL, mismatched core counts, an origin that
 * is not a member, a tree agree_view refuses), ERR_NO_MEMORY, or
 * ERR_BAD_MESSAGE when the run ends without every member having applied
 * the operation exactly once and the origin having heard OK: the
 * protocol, or the simulation, is broken.
 */
err_t sim_agree(const struct mtree *m, const struct mtree_topo *t, const struct sim_costs *c,
		unsigned origin, struct sim_agree_result *out);

#endif
