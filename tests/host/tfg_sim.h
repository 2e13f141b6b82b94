/*
 * A simulated task force for lib/tfgroup.c (tests/host/test_tfgroup.c,
 * tests/fuzz/fuzz_tfgroup.c): members on cores of a made-up machine, a
 * tree built by lib/mtree, and one FIFO channel per ordered pair of
 * cores, as the members' URPC channels are. Delivery takes the head of
 * any channel the caller picks, so the tests choose the interleaving.
 * What every member saw is recorded for the checks: the casts in order,
 * each barrier's sums, the garbage it dropped.
 */
#ifndef TESTS_TFG_SIM_H
#define TESTS_TFG_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "lib/mtree.h"
#include "lib/tfgroup.h"

#define SIM_CORES	TFG_MAX_MEMBERS
#define SIM_QUEUE	256		/* messages one channel holds */
#define SIM_ROUNDS	64		/* barriers recorded per member */
#define SIM_CASTS	64

struct sim_chan {
	struct tfg_msg m[SIM_QUEUE];
	unsigned head, tail;		/* head == tail: empty */
};

struct sim {
	struct mtree tree;
	struct mtree_topo topo;
	uint64_t members;
	unsigned root;
	struct tfg g[SIM_CORES];
	/* What each member saw. */
	uint64_t cast[SIM_CORES][SIM_CASTS][TFG_CAST_WORDS];
	unsigned ncasts[SIM_CORES];
	uint64_t released[SIM_CORES][SIM_ROUNDS][2];
	unsigned nreleased[SIM_CORES];
	unsigned nsent;			/* casts the root sent */
	bool overflow;			/* a queue or a record ran out of room */
	/* Last, so that sim_init need not clear the messages. */
	struct sim_chan ch[SIM_CORES][SIM_CORES];	/* [from][to] */
};

static inline bool sim_member(const struct sim *s, unsigned c)
{
	return c < SIM_CORES && ((s->members >> c) & 1);
}

/* Every message the member's last call queued, into the channels. */
static inline void sim_flush(struct sim *s, unsigned c)
{
	struct tfg_send o;

	while (tfg_next(&s->g[c], &o)) {
		struct sim_chan *q = &s->ch[c][o.to];
		if (o.to >= SIM_CORES || q->tail - q->head == SIM_QUEUE) {
			s->overflow = true;
			continue;
		}
		q->m[q->tail++ % SIM_QUEUE] = o.m;
	}
}

static inline void sim_record(struct sim *s, unsigned c, enum tfg_event ev, const uint64_t *out)
{
	if (ev == TFG_EV_CAST) {
		if (s->ncasts[c] == SIM_CASTS)
			s->overflow = true;
		else
			memcpy(s->cast[c][s->ncasts[c]++], out, TFG_CAST_WORDS * sizeof(out[0]));
	} else if (ev == TFG_EV_RELEASE) {
		if (s->nreleased[c] == SIM_ROUNDS)
			s->overflow = true;
		else
			memcpy(s->released[c][s->nreleased[c]++], out, 2 * sizeof(out[0]));
	}
}

/* A group on the cores of `members` (nodes of `per_node` cores, each node
 * one cache), rooted at its lowest core, tree of shape `shape`. */
static inline err_t sim_init(struct sim *s, uint64_t members, unsigned per_node,
			     enum mtree_shape shape)
{
	err_t err;

	memset(s, 0, offsetof(struct sim, ch));
	for (unsigned f = 0; f < SIM_CORES; f++)
		for (unsigned t = 0; t < SIM_CORES; t++)
			s->ch[f][t].head = s->ch[f][t].tail = 0;
	s->members = members;
	s->root = (unsigned)__builtin_ctzll(members);
	s->topo.ncores = SIM_CORES;
	for (unsigned c = 0; c < SIM_CORES; c++) {
		s->topo.node[c] = (uint8_t)(c / per_node);
		s->topo.cache[c] = (uint8_t)(c / per_node * per_node);
	}
	if ((err = mtree_build(&s->topo, shape, s->root, members, &s->tree)))
		return err;
	for (unsigned c = 0; c < SIM_CORES; c++)
		if (sim_member(s, c) && (err = tfg_init(&s->g[c], &s->tree, c)))
			return err;
	return OK;
}

/* The head of channel from -> to, to its member; false if it is empty. */
static inline bool sim_deliver(struct sim *s, unsigned from, unsigned to)
{
	struct sim_chan *q = &s->ch[from][to];
	uint64_t out[TFG_CAST_WORDS];
	enum tfg_event ev;

	if (q->head == q->tail || !sim_member(s, to))
		return false;	/* a stranger's messages are never read */
	ev = tfg_input(&s->g[to], from, &q->m[q->head++ % SIM_QUEUE], out);
	sim_record(s, to, ev, out);
	sim_flush(s, to);
	return true;
}

/* Delivers everything, channel after channel, until all are empty. */
static inline void sim_drain(struct sim *s)
{
	bool any;

	do {
		any = false;
		for (unsigned f = 0; f < SIM_CORES; f++)
			for (unsigned t = 0; t < SIM_CORES; t++)
				while (sim_deliver(s, f, t))
					any = true;
	} while (any);
}

static inline err_t sim_cast(struct sim *s, const uint64_t v[TFG_CAST_WORDS])
{
	err_t err = tfg_cast(&s->g[s->root], v);

	if (!err) {
		s->nsent++;
		sim_flush(s, s->root);
	}
	return err;
}

static inline err_t sim_arrive(struct sim *s, unsigned c, uint64_t a, uint64_t b)
{
	uint64_t out[TFG_CAST_WORDS];
	err_t err;
	enum tfg_event ev = tfg_arrive(&s->g[c], a, b, out, &err);

	sim_record(s, c, ev, out);
	sim_flush(s, c);
	return err;
}

/* Injects m as if core `from` had sent it to `to`. */
static inline void sim_inject(struct sim *s, unsigned from, unsigned to, const struct tfg_msg *m)
{
	struct sim_chan *q = &s->ch[from][to];

	if (q->tail - q->head == SIM_QUEUE)
		s->overflow = true;
	else
		q->m[q->tail++ % SIM_QUEUE] = *m;
}

static inline unsigned sim_count(const struct sim *s)
{
	return (unsigned)__builtin_popcountll(s->members);
}

#endif
