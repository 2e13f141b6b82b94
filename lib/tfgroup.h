/*
 * A task force's group messages (docs/taskforce.md): a multicast down a
 * tree of the members and a barrier that combines up the tree and
 * releases down it, as one member's state machine with no side effects
 * of its own, so that the host tests (tests/host/test_tfgroup.c) and a
 * fuzzer (tests/fuzz/fuzz_tfgroup.c) drive a whole group of simulated
 * members, and every member (usr/lib/tfmember.c) runs the same rules.
 *
 * The tree is lib/mtree's (mtree_best over the SKB's facts): every member
 * but the root has a parent, and each member talks only to its parent
 * and its children, over one channel each. Messages (kind, words):
 *
 *	CAST	parent -> child	[seq, v0, v1, v2, v3]	the root's seq-th cast;
 *				each member takes it and forwards it
 *	ARRIVE	child -> parent	[round, a, b]		the child and everything
 *				below it are at barrier `round`; a and b
 *				are their values, summed
 *	RELEASE	parent -> child	[round, a, b]		barrier `round` is over;
 *				a and b summed over the whole group
 *
 * A member reaches a barrier with tfg_arrive; once it and all its
 * children have, it sends ARRIVE up (the root: RELEASE down), and a
 * RELEASE from its parent ends the barrier for it and goes on down.
 * Casts and barriers share each channel, so they arrive in the order
 * they were sent.
 *
 * Anything else is garbage and is dropped and counted (tfg.dropped),
 * never taken: a kind that does not exist, a length that is not the
 * kind's, a CAST or RELEASE from anyone but the parent, an ARRIVE from
 * anyone but a child, a second ARRIVE from a child in one round, a round
 * or seq that is not the one due, a RELEASE before this member arrived.
 * A garbled message changes no state, so it can neither end a barrier
 * early nor make one wait for ever; a neighbour that says nothing right
 * does stall the barrier, as a member that never arrives must.
 */
#ifndef LIB_TFGROUP_H
#define LIB_TFGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <kpi/errors.h>

struct mtree;

#define TFG_MAX_MEMBERS	16
#define TFG_CAST_WORDS	4		/* a cast's payload */
#define TFG_MAX_WORDS	(1 + TFG_CAST_WORDS)

enum tfg_kind { TFG_CAST = 1, TFG_ARRIVE, TFG_RELEASE };

struct tfg_msg {
	uint32_t kind;
	unsigned n;			/* words */
	uint64_t w[TFG_MAX_WORDS];
};

/* What a call brought about for this member. */
enum tfg_event {
	TFG_EV_NONE,		/* nothing to tell (an ARRIVE counted, say) */
	TFG_EV_CAST,		/* a cast came: its payload in out[0..3] */
	TFG_EV_RELEASE,		/* the barrier is over: the sums in out[0..1] */
	TFG_EV_DROPPED,		/* the message was garbage: dropped, counted */
};

struct tfg_send {
	unsigned to;		/* a core */
	struct tfg_msg m;
};

struct tfg {
	unsigned me;			/* this member's core */
	int parent;			/* its parent's core, -1 for the root */
	unsigned nkids;
	uint8_t kid[TFG_MAX_MEMBERS];	/* the children's cores, in send order */
	uint64_t cast_seq;		/* the last cast sent (root) or taken */
	uint64_t round;			/* the barrier under way or next */
	bool in;			/* this member has arrived at it */
	bool up;			/* its ARRIVE went up (or the root released) */
	uint32_t arrived;		/* bit i: kid[i] has arrived at it */
	uint64_t sum[2];		/* its own values and its arrived children's */
	uint64_t dropped;		/* garbage dropped */
	/* What to send, in order; tfg_next takes each. Every call can add at
	 * most a message per child and one to the parent. */
	struct tfg_send out[2 * TFG_MAX_MEMBERS];
	unsigned nout, outpos;
};

/* Member `me` of tree t (t->members holds it; at most TFG_MAX_MEMBERS
 * members): ERR_INVALID_ARG if it is not a member, ERR_TOO_MANY for more
 * children than a member has room for. */
err_t tfg_init(struct tfg *g, const struct mtree *t, unsigned me);
/* The root sends a cast: ERR_INVALID_ARG from another member. */
err_t tfg_cast(struct tfg *g, const uint64_t v[TFG_CAST_WORDS]);
/* This member is at the barrier with values a, b: ERR_INVALID_ARG if it
 * already is. TFG_EV_RELEASE (sums in out) when that ends the barrier
 * here, which is only at the root. */
enum tfg_event tfg_arrive(struct tfg *g, uint64_t a, uint64_t b, uint64_t out[2], err_t *err);
/* A message from core `from`: what it meant (out as above). */
enum tfg_event tfg_input(struct tfg *g, unsigned from, const struct tfg_msg *m,
			 uint64_t out[TFG_CAST_WORDS]);
/* The next message to send; false when none is left. */
bool tfg_next(struct tfg *g, struct tfg_send *out);

#endif
