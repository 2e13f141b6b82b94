/*
 * One agreement over the simulated network (sim/agreesim.h). The event
 * loop is the shootdown simulator's: the earliest message is taken first
 * (ties: the first sent), by a core that is free then or as soon as it
 * is; what the core's agree machine hands out in answer is sent at once,
 * one message after another, each keeping the core busy.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "lib/agree.h"
#include "sim/agreesim.h"

#define MAX_EVENTS	(8 * SIM_MAX_CORES)

struct event {
	uint64_t t;		/* when it can be taken */
	unsigned seq;		/* the order it was sent */
	struct agree_msg m;
};

struct member {
	struct run *x;
	unsigned core;
	unsigned applied;	/* operations applied (one expected) */
};

struct run {
	const struct mtree_topo *t;
	const struct sim_costs *c;
	struct sim_agree_result r;
	struct agree a[SIM_MAX_CORES];
	struct member rep[SIM_MAX_CORES];
	struct event q[MAX_EVENTS];
	unsigned nq, seq;
	uint64_t free_at[SIM_MAX_CORES];
	uint64_t now;		/* the time of the core now taking a message */
	bool heard, heard_ok, broken;
};

static err_t check(void *ctx, const void *payload, unsigned len)
{
	(void)ctx, (void)payload, (void)len;
	return OK;		/* every replica says yes: the cost of a commit */
}

static void apply(void *ctx, uint64_t op, const void *payload, unsigned len)
{
	struct member *p = ctx;

	(void)op, (void)payload, (void)len;
	p->applied++;
	if (p->x->now > p->x->r.applied)
		p->x->r.applied = p->x->now;
}

static void done(void *ctx, uint32_t tag, err_t result)
{
	struct member *p = ctx;

	(void)tag;
	p->x->heard = true;
	p->x->heard_ok = result == OK;
	p->x->r.committed = p->x->now;
}

static const struct agree_ops ops = { .check = check, .apply = apply, .done = done };

/* Core c sends what its machine has for others, from time *now on. */
static void drain(struct run *x, unsigned c, uint64_t *now)
{
	struct agree_msg m;

	while (agree_pop(&x->a[c], &m)) {
		unsigned to = m.to;

		if (to >= x->t->ncores || to == c || x->nq == MAX_EVENTS) {
			x->broken = true;
			return;
		}
		*now += x->c->send[c][to];
		x->q[x->nq++] = (struct event){ .t = *now + x->c->prop[c][to], .seq = x->seq++,
						.m = m };
		x->r.msgs++;
		if (m.type < 8)
			x->r.by_type[m.type]++;
		if (x->t->node[c] != x->t->node[to])
			x->r.cross_node++;
		if (m.round > x->r.rounds)
			x->r.rounds = m.round;
	}
}

static struct event pop(struct run *x)
{
	unsigned best = 0;
	struct event e;

	for (unsigned i = 1; i < x->nq; i++)
		if (x->q[i].t < x->q[best].t ||
		    (x->q[i].t == x->q[best].t && x->q[i].seq < x->q[best].seq))
			best = i;
	e = x->q[best];
	x->q[best] = x->q[--x->nq];
	return e;
}

static void take(struct run *x, const struct event *e)
{
	unsigned c = e->m.to;
	uint64_t now = e->t > x->free_at[c] ? e->t : x->free_at[c];

	now += x->c->recv[e->m.from][c];
	x->now = now;
	if (agree_input(&x->a[c], &e->m) != OK)
		x->broken = true;	/* nothing is forged or late here */
	drain(x, c, &now);
	x->free_at[c] = now;
}

err_t sim_agree(const struct mtree *m, const struct mtree_topo *t, const struct sim_costs *c,
		unsigned origin, struct sim_agree_result *out)
{
	static const struct agree_conf conf = {
		/* Far beyond any run: no timer fires, as no tick is given. */
		.vote_ticks = 1000000, .retry_ticks = 1000000, .query_ticks = 1000000,
		.submit_ticks = 1000000,
	};
	const uint8_t payload[8] = { 1 };
	struct run *x;
	uint64_t now = 0;
	err_t err = OK;

	if (!m || !t || !c || !out || t->ncores == 0 || t->ncores > SIM_MAX_CORES ||
	    m->ncores != t->ncores || c->ncores != t->ncores || origin >= t->ncores ||
	    !((m->members >> origin) & 1))
		return ERR_INVALID_ARG;
	x = calloc(1, sizeof(*x));
	if (!x)
		return ERR_NO_MEMORY;
	x->t = t;
	x->c = c;
	for (unsigned k = 0; k < t->ncores && !err; k++) {
		if (!((m->members >> k) & 1))
			continue;
		x->rep[k] = (struct member){ .x = x, .core = k };
		if (!(err = agree_init(&x->a[k], k, &conf, &ops, &x->rep[k])))
			err = agree_view(&x->a[k], 1, m);
	}
	if (!err)
		err = agree_submit(&x->a[origin], payload, sizeof(payload), NULL);
	if (err) {
		free(x);
		return ERR_INVALID_ARG;
	}
	x->now = 0;
	drain(x, origin, &now);		/* the origin's SUBMIT, or as root its PREPAREs */
	x->free_at[origin] = now;
	while (x->nq && !x->broken) {
		struct event e = pop(x);

		take(x, &e);
	}
	for (unsigned k = 0; k < t->ncores; k++)
		if (((m->members >> k) & 1) && x->rep[k].applied != 1)
			x->broken = true;
	if (x->broken || !x->heard || !x->heard_ok) {
		free(x);
		return ERR_BAD_MESSAGE;
	}
	*out = x->r;
	free(x);
	return OK;
}
