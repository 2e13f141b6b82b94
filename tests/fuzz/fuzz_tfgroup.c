/*
 * libFuzzer target for lib/tfgroup.c: a simulated task force
 * (tests/host/tfg_sim.h) in which one member, besides doing its part
 * honestly, sends the group garbage, and the input picks everything else:
 * the members, the tree's shape, the order in which the channels are
 * delivered, when members arrive and when the root casts.
 *
 * The garbage is always invalid by construction: an unknown kind, a
 * length not the kind's, a seq or round far past any due, or a message
 * that looks right but goes the wrong way (a CAST or RELEASE to a core
 * that is not the sender's child, an ARRIVE to one that is not its
 * parent). At the end every member arrives at every barrier still open
 * and everything is delivered; then every member must have taken every
 * cast once and in order, every barrier must have ended at every member
 * with the group's sums, and the members must have dropped exactly the
 * garbage sent: nothing hangs, nothing garbled is taken.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "tests/host/tfg_sim.h"

static struct sim s;

struct input {
	const uint8_t *p;
	size_t n;
};

static unsigned byte(struct input *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static uint64_t value(unsigned c, uint64_t round)
{
	return (uint64_t)c * 7919 + round;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	uint64_t members = (byte(&in) | byte(&in) << 8) & 0xFFFF;
	unsigned per_node = byte(&in) % 8 + 1, bad, nbad = 0, rounds[SIM_CORES] = { 0 };
	enum mtree_shape shape = (enum mtree_shape)(byte(&in) % MTREE_NSHAPES);

	if (!members)
		members = 1;
	if (sim_init(&s, members, per_node, shape))
		__builtin_trap();	/* every set of members makes a tree */
	for (bad = byte(&in) % SIM_CORES; !sim_member(&s, bad); bad = (bad + 1) % SIM_CORES)
		;
	for (unsigned step = 0; step < 400 && in.n; step++) {
		unsigned op = byte(&in), a = byte(&in) % SIM_CORES, b = byte(&in) % SIM_CORES;
		switch (op % 5) {
		case 0:		/* deliver one message */
		case 1:
			sim_deliver(&s, a, b);
			break;
		case 2:		/* a member arrives, at most 8 rounds ahead of the last release */
			if (sim_member(&s, a) && !s.g[a].in && rounds[a] < SIM_ROUNDS - 1 &&
			    rounds[a] < s.nreleased[a] + 1) {
				if (sim_arrive(&s, a, value(a, rounds[a]), 1))
					__builtin_trap();
				rounds[a]++;
			}
			break;
		case 3:		/* the root casts */
			if (s.nsent < SIM_CASTS - 1 &&
			    sim_cast(&s, (uint64_t[]){ s.nsent + 1, op, a, b }))
				__builtin_trap();
			break;
		case 4: {	/* garbage from the bad member to core b */
			struct tfg_msg m = { .kind = TFG_CAST + byte(&in) % 3, .n = 3,
					     .w = { 0, op, a, b, 0 } };
			bool kid_of_bad = s.tree.parent[b] == (int)bad;
			bool parent_of_bad = s.tree.parent[bad] == (int)b;
			if (m.kind == TFG_CAST)
				m.n = TFG_MAX_WORDS;
			switch (byte(&in) % 4) {
			case 0:
				m.kind = 4 + byte(&in);			/* no such kind */
				break;
			case 1:
				m.n = (m.n + 1 + byte(&in) % 6) % 8;	/* a wrong length */
				break;
			case 2:
				m.w[0] = 1000000 + byte(&in);		/* never due */
				break;
			case 3:		/* looks right, goes the wrong way */
				if ((m.kind == TFG_ARRIVE && parent_of_bad) ||
				    (m.kind != TFG_ARRIVE && kid_of_bad))
					m.kind = 0;			/* make it garbage anyway */
				else if (sim_member(&s, b))
					m.w[0] = m.kind == TFG_CAST ? s.g[b].cast_seq + 1 :
								      s.g[b].round;
				break;
			}
			sim_inject(&s, bad, b, &m);
			nbad++;
			break;
		}
		}
	}
	/* Everyone finishes the barriers that are open; all is delivered. */
	unsigned most = 0;
	for (unsigned c = 0; c < SIM_CORES; c++)
		if (sim_member(&s, c) && rounds[c] > most)
			most = rounds[c];
	for (unsigned r = 0; r < most; r++) {
		sim_drain(&s);
		for (unsigned c = 0; c < SIM_CORES; c++)
			if (sim_member(&s, c) && rounds[c] == r && s.nreleased[c] == r) {
				if (sim_arrive(&s, c, value(c, r), 1))
					__builtin_trap();
				rounds[c]++;
			}
	}
	sim_drain(&s);
	if (s.overflow)
		return 0;	/* a record ran out of room: no verdict */

	uint64_t dropped = 0;
	for (unsigned c = 0; c < SIM_CORES; c++) {
		if (!sim_member(&s, c)) {
			if (s.ncasts[c] || s.nreleased[c])
				__builtin_trap();	/* garbage to a stranger did nothing */
			continue;
		}
		dropped += s.g[c].dropped;
		if (c != s.root && s.ncasts[c] != s.nsent)
			__builtin_trap();
		for (unsigned k = 0; c != s.root && k < s.ncasts[c]; k++)
			if (s.cast[c][k][0] != k + 1)
				__builtin_trap();
		if (s.nreleased[c] != most || s.g[c].in)
			__builtin_trap();	/* a barrier that never ended */
		for (unsigned r = 0; r < most; r++) {
			uint64_t want = 0;
			for (unsigned m = 0; m < SIM_CORES; m++)
				if (sim_member(&s, m))
					want += value(m, r);
			if (s.released[c][r][0] != want || s.released[c][r][1] != sim_count(&s))
				__builtin_trap();
		}
	}
	/* Garbage to a core that is no member is not delivered to anyone. */
	uint64_t to_strangers = 0;
	for (unsigned t = 0; t < SIM_CORES; t++)
		if (!sim_member(&s, t))
			to_strangers += s.ch[bad][t].tail;
	if (dropped != nbad - to_strangers)
		__builtin_trap();
	return 0;
}
