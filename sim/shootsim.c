/*
 * The shootdown's event simulation (the protocol and the cost model are in
 * shootsim.h). Events are message arrivals, taken in time order (ties in
 * the order they were sent, so a run is deterministic); everything a core
 * does in reaction to one (take it, send, flush, answer) is laid out on
 * that core's own clock, free_at, which only moves forward. A message is
 * taken at max(its arrival, the core's free_at): so a busy core delays it,
 * and waiting messages are taken in arrival order. Every message a
 * reaction sends arrives after the event that caused it, so the queue
 * never holds an event in the past.
 *
 * A run has at most 2 x 63 messages and at most that many pending at
 * once, so the queue is an array searched for its minimum.
 */
#include <string.h>
#include "sim/shootsim.h"

#define MAX_EVENTS	(2 * SIM_MAX_CORES)

struct event {
	uint64_t t;		/* when it can be taken */
	unsigned seq;		/* the order it was sent */
	uint8_t from, to;
	bool answer;		/* an answer (else a request) */
	unsigned chain;		/* messages in the chain that ends with this one */
};

struct run {
	const struct mtree *m;
	const struct mtree_topo *t;
	const struct sim_costs *c;
	struct sim_result r;
	struct event q[MAX_EVENTS];
	unsigned nq, seq;
	uint64_t free_at[SIM_MAX_CORES];	/* when each core can do the next thing */
	unsigned chain[SIM_MAX_CORES];		/* the longest chain that reached it */
	unsigned pending[SIM_MAX_CORES];	/* answers it still waits for */
	int8_t next[SIM_MAX_CORES];		/* sequential: the child to send to next */
	uint64_t requested;			/* the cores that got a request */
	bool root_done, broken;
};

static bool has(uint64_t set, unsigned c)
{
	return (set >> c) & 1;
}

/* Core `from` sends one message at its time *now, which moves past the
 * send. */
static void send(struct run *x, unsigned from, unsigned to, bool answer, uint64_t *now)
{
	struct event *e;

	if (x->nq == MAX_EVENTS) {
		x->broken = true;
		return;
	}
	*now += x->c->send[from][to];
	e = &x->q[x->nq++];
	*e = (struct event){
		.t = *now + x->c->prop[from][to], .seq = x->seq++,
		.from = (uint8_t)from, .to = (uint8_t)to, .answer = answer,
		.chain = x->chain[from] + 1,
	};
	x->r.msgs++;
	if (x->t->node[from] != x->t->node[to])
		x->r.cross_node++;
}

/* Sends c's answer once it has flushed, sent every request and got every
 * answer; the root is then done. */
static void maybe_finish(struct run *x, unsigned c, uint64_t *now)
{
	if (x->pending[c] || x->next[c] >= 0 || !has(x->r.flushed, c))
		return;
	if (c == x->m->root) {
		x->root_done = true;
		x->r.latency = *now;
	} else {
		send(x, c, (unsigned)x->m->parent[c], true, now);
	}
	x->r.done[c] = *now;
}

/* c has its request (or is the root): requests to its children, then its
 * own flush. */
static void start(struct run *x, unsigned c, uint64_t *now)
{
	bool seq = x->m->sequential && c == x->m->root;

	for (int k = x->m->first_child[c]; k >= 0; k = x->m->next_sibling[k]) {
		send(x, c, (unsigned)k, false, now);
		x->pending[c]++;
		if (seq) {
			x->next[c] = x->m->next_sibling[k];
			break;
		}
	}
	*now += x->c->flush;
	x->r.flushed |= 1ull << c;
	maybe_finish(x, c, now);
}

/* The earliest event (ties: the first sent), taken off the queue. */
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
	unsigned c = e->to;
	uint64_t now = e->t > x->free_at[c] ? e->t : x->free_at[c];

	now += x->c->recv[e->from][c];
	if (e->chain > x->chain[c])
		x->chain[c] = e->chain;
	if (!e->answer) {
		if (has(x->requested, c) || c == x->m->root) {
			x->broken = true;
			return;
		}
		x->requested |= 1ull << c;
		start(x, c, &now);
	} else {
		x->pending[c]--;
		if (x->next[c] >= 0) {
			unsigned k = (unsigned)x->next[c];

			send(x, c, k, false, &now);
			x->pending[c]++;
			x->next[c] = x->m->next_sibling[k];
		}
		maybe_finish(x, c, &now);
	}
	x->free_at[c] = now;
}

/*
 * Does the tree reach each member exactly once from the root, through
 * child lists whose every entry names its parent, and no other core? The
 * simulation follows these lists, so a damaged tree must not get that far:
 * a list that loops would never end.
 */
static bool tree_ok(const struct mtree *m)
{
	uint8_t queue[SIM_MAX_CORES];
	unsigned head = 0, tail = 0;
	uint64_t seen = 1ull << m->root;

	if (!has(m->members, m->root) || m->parent[m->root] != -1)
		return false;
	queue[tail++] = (uint8_t)m->root;
	while (head < tail) {
		unsigned p = queue[head++];

		for (int c = m->first_child[p]; c >= 0; c = m->next_sibling[c]) {
			if (c >= (int)m->ncores || !has(m->members, (unsigned)c) ||
			    has(seen, (unsigned)c) || m->parent[c] != (int)p)
				return false;
			seen |= 1ull << c;
			queue[tail++] = (uint8_t)c;
		}
	}
	return seen == m->members;
}

err_t sim_shootdown(const struct mtree *m, const struct mtree_topo *t,
		    const struct sim_costs *c, struct sim_result *out)
{
	struct run x;
	uint64_t now = 0;

	if (!m || !t || !c || !out || t->ncores == 0 || t->ncores > SIM_MAX_CORES ||
	    m->ncores != t->ncores || c->ncores != t->ncores || m->root >= t->ncores ||
	    (t->ncores < 64 && m->members >> t->ncores) || !tree_ok(m))
		return ERR_INVALID_ARG;
	memset(&x, 0, sizeof(x));
	x.m = m;
	x.t = t;
	x.c = c;
	memset(x.next, -1, sizeof(x.next));
	start(&x, m->root, &now);
	x.free_at[m->root] = now;
	while (x.nq && !x.broken) {
		struct event e = pop(&x);

		take(&x, &e);
	}
	if (x.broken || !x.root_done)
		return ERR_BAD_MESSAGE;
	x.r.rounds = x.chain[m->root];
	*out = x.r;
	return OK;
}
