/*
 * A simulated machine for lib/agree.c, shared by tests/host/test_agree.c
 * and tests/fuzz/fuzz_agree.c: up to SIM_CORES members, each with an
 * agree state machine and a replica, and a network between them that
 * loses, duplicates, delays and so reorders messages at the rates the
 * test sets. A core can crash (it stops: it takes no message and sends
 * none, but what it sent before is still delivered, as a URPC ring's
 * slots would be), and the survivors can be told so, each at its own
 * time.
 *
 * The replica is a set of 64 keys (a name service in miniature): an
 * operation adds a key (refused with ERR_NAME_IN_USE when present) or
 * removes one (ERR_NOT_FOUND when absent), and the replica logs the uid
 * of every operation it applies, in order. sim_check() is the judge,
 * written from the protocol's promises (lib/agree.h), not from its code:
 * every live replica holds the same log (so each operation is applied
 * everywhere or nowhere, in one order) and the same keys, none applies
 * one operation twice, and every live origin heard a result for each of
 * its submissions: OK exactly when the operation is in the logs.
 */
#ifndef TESTS_HOST_AGREE_SIM_H
#define TESTS_HOST_AGREE_SIM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "lib/agree.h"

/* The simulator is the fuzzer's harness, not what it explores: clang's
 * fuzzer coverage leaves it out (and the time it would cost). */
#if defined(__clang__)
#define SIM_FN	static inline __attribute__((no_sanitize("coverage")))
#else
#define SIM_FN	static inline
#endif

#define SIM_CORES	16
#define SIM_NET		1024	/* messages in flight (more are lost, counted) */
#define SIM_LOG		256	/* operations a replica logs */
#define SIM_OPS		256	/* submissions a run makes */

enum { SIM_ADD = 1, SIM_REMOVE = 2 };

struct sim_payload {
	uint8_t kind, key;
	uint32_t uid;		/* (origin << 16) | tag: names the submission */
};

struct sim;

struct sim_rep {
	struct sim *sim;
	unsigned core;
	uint64_t keys;
	uint32_t log[SIM_LOG];
	unsigned nlog;
	err_t veto;		/* when set, this replica votes no with it */
};

struct sim_res {
	uint32_t uid;
	unsigned origin;
	bool done;
	err_t err;
	unsigned msgs, rounds;	/* every message sent for it, the longest chain */
};

struct sim_opmap {
	uint32_t epoch;
	uint64_t op;
	uint32_t uid;
};

struct sim_flight {
	struct agree_msg m;
	uint64_t at;
};

struct sim {
	unsigned n;
	struct mtree_topo topo;
	struct mtree tree;
	enum mtree_shape shape;
	uint32_t epoch;
	struct agree ag[SIM_CORES];
	struct sim_rep rep[SIM_CORES];
	bool crashed[SIM_CORES];
	struct sim_flight net[SIM_NET];
	unsigned nnet;
	uint64_t now, rng;
	unsigned loss, dup, delay;	/* percent, percent, most extra ticks */
	int cut_from, cut_type;		/* messages of this type from this core ... */
	uint64_t cut_to;		/* ... to these cores are lost (cut_from -1: none) */
	struct sim_res res[SIM_OPS];
	unsigned nres;
	struct sim_opmap map[SIM_OPS * 2];
	unsigned nmap;
	unsigned sent, net_full;
	char why[512];
};

/* The bounds; a test may change them before sim_init. */
static struct agree_conf sim_conf = {
	.vote_ticks = 60, .retry_ticks = 6, .query_ticks = 25, .submit_ticks = 900,
};

SIM_FN uint64_t sim_rand(struct sim *s)
{
	uint64_t x = s->rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return s->rng = x;
}

SIM_FN unsigned sim_below(struct sim *s, unsigned n)
{
	return n ? (unsigned)(sim_rand(s) % n) : 0;
}

SIM_FN struct sim_res *sim_res_of(struct sim *s, uint32_t uid)
{
	for (unsigned i = 0; i < s->nres; i++)
		if (s->res[i].uid == uid)
			return &s->res[i];
	return NULL;
}

SIM_FN err_t sim_check_op(void *ctx, const void *p, unsigned len)
{
	struct sim_rep *r = ctx;
	const struct sim_payload *op = p;

	if (len != sizeof(*op) || op->key >= 64)
		return ERR_BAD_MESSAGE;
	if (r->veto)
		return r->veto;
	if (op->kind == SIM_ADD)
		return (r->keys >> op->key) & 1 ? ERR_NAME_IN_USE : OK;
	if (op->kind == SIM_REMOVE)
		return (r->keys >> op->key) & 1 ? OK : ERR_NOT_FOUND;
	return ERR_BAD_MESSAGE;
}

SIM_FN void sim_apply(void *ctx, uint64_t opid, const void *p, unsigned len)
{
	struct sim_rep *r = ctx;
	const struct sim_payload *op = p;

	if (op->kind == SIM_ADD)
		r->keys |= 1ull << op->key;
	else
		r->keys &= ~(1ull << op->key);
	if (r->nlog < SIM_LOG)
		r->log[r->nlog] = op->uid;
	r->nlog++;
}

SIM_FN void sim_done(void *ctx, uint32_t tag, err_t result)
{
	struct sim_rep *r = ctx;
	struct sim_res *res = sim_res_of(r->sim, (r->core << 16) | tag);

	if (!res) {
		snprintf(r->sim->why, sizeof(r->sim->why), "core %u: done for tag %u never submitted",
			 r->core, tag);
		return;
	}
	if (res->done)
		snprintf(r->sim->why, sizeof(r->sim->why), "core %u: tag %u reported twice",
			 r->core, tag);
	res->done = true;
	res->err = result;
}

static const struct agree_ops sim_ops = {
	.check = sim_check_op, .apply = sim_apply, .done = sim_done,
};

/* A machine of n cores: nodes of per_node cores, caches of 2. */
SIM_FN void sim_topo(struct sim *s, unsigned n, unsigned per_node)
{
	memset(&s->topo, 0, sizeof(s->topo));
	s->topo.ncores = n;
	for (unsigned c = 0; c < n; c++) {
		s->topo.node[c] = (uint8_t)(c / per_node);
		s->topo.cache[c] = (uint8_t)(c / 2);
	}
}

/* A new view over `members` rooted at `root`, installed on every live member. */
SIM_FN bool sim_view(struct sim *s, unsigned root, uint64_t members)
{
	err_t err = mtree_build(&s->topo, s->shape, root, members, &s->tree);

	if (err) {
		snprintf(s->why, sizeof(s->why), "mtree_build: %s", err_name(err));
		return false;
	}
	s->epoch++;
	for (unsigned c = 0; c < s->n; c++) {
		if (!((members >> c) & 1) || s->crashed[c])
			continue;
		err = agree_view(&s->ag[c], s->epoch, &s->tree);
		if (err) {
			snprintf(s->why, sizeof(s->why), "core %u: agree_view: %s", c, err_name(err));
			return false;
		}
	}
	return true;
}

SIM_FN bool sim_init(struct sim *s, unsigned n, unsigned per_node, enum mtree_shape shape,
			    unsigned root, uint64_t seed)
{
	memset(s, 0, sizeof(*s));
	s->n = n;
	s->shape = shape;
	s->cut_from = -1;
	s->rng = seed * 0x9E3779B97F4A7C15ull + 1;
	sim_topo(s, n, per_node);
	for (unsigned c = 0; c < n; c++) {
		s->rep[c].sim = s;
		s->rep[c].core = c;
		if (agree_init(&s->ag[c], c, &sim_conf, &sim_ops, &s->rep[c]))
			return false;
	}
	return sim_view(s, root, n >= 64 ? ~0ull : (1ull << n) - 1);
}

SIM_FN uint32_t sim_submit(struct sim *s, unsigned core, unsigned kind, unsigned key)
{
	struct sim_payload p = { .kind = (uint8_t)kind, .key = (uint8_t)key };
	struct agree *a = &s->ag[core];
	uint32_t tag = a->next_tag + 1;

	if (s->crashed[core] || s->nres == SIM_OPS)
		return 0;
	p.uid = (core << 16) | tag;
	/* Recorded first: ops->done may run inside agree_submit. */
	s->res[s->nres++] = (struct sim_res){ .uid = p.uid, .origin = core };
	if (agree_submit(a, &p, sizeof(p), &tag) != OK) {
		s->nres--;
		return 0;
	}
	return p.uid;
}

SIM_FN void sim_map(struct sim *s, const struct agree_msg *m)
{
	for (unsigned i = 0; i < s->nmap; i++)
		if (s->map[i].epoch == m->epoch && s->map[i].op == m->op)
			return;
	if (s->nmap < SIM_OPS * 2)
		s->map[s->nmap++] = (struct sim_opmap){ m->epoch, m->op, (m->origin << 16) | m->tag };
}

/* Which submission a message is about, for the counts. */
SIM_FN struct sim_res *sim_res_of_msg(struct sim *s, const struct agree_msg *m)
{
	if (m->type == AGREE_SUBMIT || m->type == AGREE_PREPARE || m->type == AGREE_DECIDE) {
		if (m->type != AGREE_SUBMIT)
			sim_map(s, m);
		return sim_res_of(s, (m->origin << 16) | m->tag);
	}
	for (unsigned i = 0; i < s->nmap; i++)
		if (s->map[i].epoch == m->epoch && s->map[i].op == m->op)
			return sim_res_of(s, s->map[i].uid);
	return NULL;
}

SIM_FN void sim_put(struct sim *s, const struct agree_msg *m)
{
	if (s->nnet == SIM_NET) {
		s->net_full++;
		return;
	}
	s->net[s->nnet].m = *m;
	s->net[s->nnet].at = s->now + 1 + (s->delay ? sim_below(s, s->delay + 1) : 0);
	s->nnet++;
}

/* What core c sends goes into the network, lost or doubled at the rates. */
SIM_FN void sim_drain(struct sim *s, unsigned c)
{
	struct agree_msg m;

	while (agree_pop(&s->ag[c], &m)) {
		struct sim_res *r = sim_res_of_msg(s, &m);

		s->sent++;
		if (r) {
			r->msgs++;
			if (m.round > r->rounds)
				r->rounds = m.round;
		}
		if (s->loss && sim_below(s, 100) < s->loss)
			continue;
		if ((int)m.from == s->cut_from && (int)m.type == s->cut_type &&
		    ((s->cut_to >> m.to) & 1))
			continue;
		sim_put(s, &m);
		if (s->dup && sim_below(s, 100) < s->dup)
			sim_put(s, &m);
	}
}

/* One tick: deliver what is due (in random order), then every live core ticks. */
SIM_FN void sim_step(struct sim *s)
{
	static struct agree_msg due[SIM_NET];
	unsigned nd = 0, kept = 0;

	for (unsigned c = 0; c < s->n; c++)
		if (!s->crashed[c])
			sim_drain(s, c);
	/* What is due leaves the network first: whatever its delivery
	 * makes is due a tick later at the earliest. */
	for (unsigned i = 0; i < s->nnet; i++) {
		if (s->net[i].at <= s->now)
			due[nd++] = s->net[i].m;
		else
			s->net[kept++] = s->net[i];
	}
	s->nnet = kept;
	while (nd) {
		unsigned i = sim_below(s, nd);
		struct agree_msg m = due[i];

		due[i] = due[--nd];
		if (m.to < s->n && !s->crashed[m.to]) {
			agree_input(&s->ag[m.to], &m);
			sim_drain(s, m.to);
		}
	}
	for (unsigned c = 0; c < s->n; c++) {
		if (s->crashed[c])
			continue;
		agree_tick(&s->ag[c]);
		sim_drain(s, c);
	}
	s->now++;
}

SIM_FN void sim_crash(struct sim *s, unsigned c)
{
	s->crashed[c] = true;
}

/* Every live core's failure detector reports c down. */
SIM_FN void sim_report_down(struct sim *s, unsigned c)
{
	for (unsigned x = 0; x < s->n; x++)
		if (!s->crashed[x])
			agree_down(&s->ag[x], c);
}

SIM_FN bool sim_quiet(struct sim *s)
{
	if (s->nnet)
		return false;
	for (unsigned c = 0; c < s->n; c++)
		if (!s->crashed[c] && (agree_busy(&s->ag[c]) || s->ag[c].plen || s->ag[c].olen ||
				       s->ag[c].qlen))
			return false;
	return true;
}

/* The network heals; runs until nothing moves. False (with why) if it
 * does not within max ticks: a replica blocked is a failure. */
SIM_FN bool sim_settle(struct sim *s, unsigned max)
{
	s->loss = s->dup = 0;
	for (unsigned t = 0; t < max; t++) {
		if (sim_quiet(s))
			return true;
		sim_step(s);
	}
	for (unsigned c = 0; c < s->n; c++) {
		if (s->crashed[c])
			continue;
		if (agree_busy(&s->ag[c]) || s->ag[c].plen) {
			snprintf(s->why, sizeof(s->why),
				 "core %u still busy after %u ticks (state %d op %llu, %u pending)", c,
				 max, s->ag[c].cur.state, (unsigned long long)s->ag[c].cur.op,
				 s->ag[c].plen);
			return false;
		}
	}
	snprintf(s->why, sizeof(s->why), "%u messages still in flight after %u ticks", s->nnet, max);
	return false;
}

/* The promises (see the top of this file). */
SIM_FN bool sim_check(struct sim *s)
{
	int ref = -1;

	if (s->why[0])
		return false;
	for (unsigned c = 0; c < s->n; c++) {
		const struct sim_rep *r = &s->rep[c];

		if (s->crashed[c])
			continue;
		if (r->nlog > SIM_LOG) {
			snprintf(s->why, sizeof(s->why), "core %u: log overflow", c);
			return false;
		}
		for (unsigned i = 0; i < r->nlog; i++)
			for (unsigned j = i + 1; j < r->nlog; j++)
				if (r->log[i] == r->log[j]) {
					snprintf(s->why, sizeof(s->why),
						 "core %u applied op %#x twice", c, r->log[i]);
					return false;
				}
		if (ref < 0) {
			ref = (int)c;
			continue;
		}
		const struct sim_rep *q = &s->rep[ref];

		if (r->nlog != q->nlog || memcmp(r->log, q->log, r->nlog * sizeof(r->log[0])) ||
		    r->keys != q->keys) {
			unsigned i = 0;

			while (i < r->nlog && i < q->nlog && r->log[i] == q->log[i])
				i++;
			snprintf(s->why, sizeof(s->why),
				 "replicas differ: core %d applied %u ops, core %u %u; first difference "
				 "at %u (%#x vs %#x)", ref, q->nlog, c, r->nlog, i,
				 i < q->nlog ? q->log[i] : 0, i < r->nlog ? r->log[i] : 0);
			return false;
		}
	}
	if (ref < 0)
		return true;
	for (unsigned i = 0; i < s->nres; i++) {
		const struct sim_res *res = &s->res[i];
		const struct sim_rep *q = &s->rep[ref];
		bool in = false;

		for (unsigned j = 0; j < q->nlog; j++)
			in |= q->log[j] == res->uid;
		if (s->crashed[res->origin])
			continue;
		if (!res->done) {
			snprintf(s->why, sizeof(s->why), "op %#x: its origin never heard a result",
				 res->uid);
			return false;
		}
		if ((res->err == OK) != in) {
			snprintf(s->why, sizeof(s->why), "op %#x: origin heard %s but it is %sapplied",
				 res->uid, err_name(res->err), in ? "" : "not ");
			return false;
		}
	}
	return true;
}

#endif
