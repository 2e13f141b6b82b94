/*
 * A task force's multicast and barrier, one member's rules (lib/tfgroup.h).
 *
 * Invariants: `arrived` holds only children's bits; `up` only while `in`;
 * a barrier round ends (round + 1, in/up/arrived/sum cleared) exactly
 * once per member, when the root's release reaches it; nothing but a
 * message that is exactly the one due from that sender changes state.
 */
#include "lib/tfgroup.h"
#include "lib/mtree.h"
#include "lib/string.h"

err_t tfg_init(struct tfg *g, const struct mtree *t, unsigned me)
{
	memset(g, 0, sizeof(*g));
	if (me >= MTREE_MAX_CORES || !((t->members >> me) & 1))
		return ERR_INVALID_ARG;
	g->me = me;
	g->parent = t->parent[me];
	for (int c = t->first_child[me]; c >= 0; c = t->next_sibling[c]) {
		if (g->nkids == TFG_MAX_MEMBERS - 1)
			return ERR_TOO_MANY;
		g->kid[g->nkids++] = (uint8_t)c;
	}
	return OK;
}

static void emit(struct tfg *g, unsigned to, uint32_t kind, unsigned n, const uint64_t *w)
{
	struct tfg_send *s;

	if (g->outpos == g->nout)
		g->nout = g->outpos = 0;
	if (g->nout == sizeof(g->out) / sizeof(g->out[0]))
		return;		/* cannot be: every call adds at most nkids + 1 */
	s = &g->out[g->nout++];
	s->to = to;
	s->m.kind = kind;
	s->m.n = n;
	memcpy(s->m.w, w, n * sizeof(w[0]));
}

bool tfg_next(struct tfg *g, struct tfg_send *out)
{
	if (g->outpos == g->nout)
		return false;
	*out = g->out[g->outpos++];
	return true;
}

static void to_kids(struct tfg *g, uint32_t kind, unsigned n, const uint64_t *w)
{
	for (unsigned i = 0; i < g->nkids; i++)
		emit(g, g->kid[i], kind, n, w);
}

err_t tfg_cast(struct tfg *g, const uint64_t v[TFG_CAST_WORDS])
{
	uint64_t w[TFG_MAX_WORDS];

	if (g->parent >= 0)
		return ERR_INVALID_ARG;
	w[0] = ++g->cast_seq;
	memcpy(&w[1], v, TFG_CAST_WORDS * sizeof(v[0]));
	to_kids(g, TFG_CAST, TFG_MAX_WORDS, w);
	return OK;
}

/* The barrier ends here: the sums go on down, and the next round begins. */
static enum tfg_event release(struct tfg *g, const uint64_t sum[2], uint64_t out[2])
{
	const uint64_t w[3] = { g->round, sum[0], sum[1] };

	to_kids(g, TFG_RELEASE, 3, w);
	out[0] = sum[0];
	out[1] = sum[1];
	g->round++;
	g->in = g->up = false;
	g->arrived = 0;
	g->sum[0] = g->sum[1] = 0;
	return TFG_EV_RELEASE;
}

/* This member and everything below it are there: up, or (the root) over. */
static enum tfg_event maybe_up(struct tfg *g, uint64_t out[2])
{
	if (!g->in || g->up || g->arrived != (1u << g->nkids) - 1)
		return TFG_EV_NONE;
	g->up = true;
	if (g->parent < 0) {
		uint64_t sum[2] = { g->sum[0], g->sum[1] };
		return release(g, sum, out);
	}
	const uint64_t w[3] = { g->round, g->sum[0], g->sum[1] };
	emit(g, (unsigned)g->parent, TFG_ARRIVE, 3, w);
	return TFG_EV_NONE;
}

enum tfg_event tfg_arrive(struct tfg *g, uint64_t a, uint64_t b, uint64_t out[2], err_t *err)
{
	if (g->in) {
		*err = ERR_INVALID_ARG;
		return TFG_EV_NONE;
	}
	*err = OK;
	g->in = true;
	g->sum[0] += a;
	g->sum[1] += b;
	return maybe_up(g, out);
}

static int kid_index(const struct tfg *g, unsigned from)
{
	for (unsigned i = 0; i < g->nkids; i++)
		if (g->kid[i] == from)
			return (int)i;
	return -1;
}

static enum tfg_event dropped(struct tfg *g)
{
	g->dropped++;
	return TFG_EV_DROPPED;
}

enum tfg_event tfg_input(struct tfg *g, unsigned from, const struct tfg_msg *m,
			 uint64_t out[TFG_CAST_WORDS])
{
	bool from_parent = g->parent >= 0 && from == (unsigned)g->parent;
	int k;

	switch (m->kind) {
	case TFG_CAST:
		if (!from_parent || m->n != TFG_MAX_WORDS || m->w[0] != g->cast_seq + 1)
			return dropped(g);
		g->cast_seq++;
		to_kids(g, TFG_CAST, TFG_MAX_WORDS, m->w);
		memcpy(out, &m->w[1], TFG_CAST_WORDS * sizeof(out[0]));
		return TFG_EV_CAST;
	case TFG_ARRIVE:
		k = kid_index(g, from);
		if (k < 0 || m->n != 3 || m->w[0] != g->round || ((g->arrived >> k) & 1))
			return dropped(g);
		g->arrived |= 1u << k;
		g->sum[0] += m->w[1];
		g->sum[1] += m->w[2];
		return maybe_up(g, out);
	case TFG_RELEASE:
		if (!from_parent || m->n != 3 || m->w[0] != g->round || !g->up)
			return dropped(g);
		return release(g, &m->w[1], out);
	default:
		return dropped(g);
	}
}
