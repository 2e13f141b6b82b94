/*
 * The System Knowledge Base's multicast trees (lib/skb.h, docs/skb.md):
 * its facts as lib/mtree.h wants them, and a tree built from them for a
 * root and a set of cores. The shapes and their rules are lib/mtree's;
 * what is the SKB's is which cores may take part (present ones only) and
 * the errors for those that may not.
 */
#include "lib/skb.h"

/* A core's last-level cache group: the lowest core that shares that
 * cache with it (so that the cores sharing one cache have one id), or its
 * own id where CPUID describes no cache or the core is absent. */
static uint8_t llc_group(const struct skb *s, unsigned core)
{
	const struct skb_core *c = &s->core[core];
	uint64_t sharers;

	if (!c->present || c->llc < 0 || !(sharers = c->sharers[c->llc]))
		return (uint8_t)core;
	return (uint8_t)__builtin_ctzll(sharers);
}

void skb_mtree_topo(const struct skb *s, struct mtree_topo *t)
{
	*t = (struct mtree_topo){ .ncores = s->ncores };
	for (unsigned i = 0; i < s->ncores && i < MTREE_MAX_CORES; i++) {
		t->node[i] = (uint8_t)s->core[i].node;
		t->cache[i] = llc_group(s, i);
	}
	for (unsigned a = 0; a < s->nnodes && a < MTREE_MAX_NODES; a++)
		for (unsigned b = 0; b < s->nnodes && b < MTREE_MAX_NODES; b++)
			t->dist[a][b] = s->dist[a][b];
}

/* The round trip from a to b if it counts for the class `remote` (both
 * present, a != b, measured, on two nodes or on one), else 0. */
static uint64_t rtt_of_class(const struct skb *s, unsigned a, unsigned b, bool remote)
{
	if (a == b || !s->core[a].present || !s->core[b].present ||
	    (s->core[a].node != s->core[b].node) != remote)
		return 0;
	return s->in.rtt[a][b];
}

/* The lower median of the round trips between present cores a != b
 * that are on one node (remote false) or on two: the least x with at
 * least half of them <= x, found by halving the range of values (no
 * array of 4,032 to sort). 0 when there are none. */
static uint64_t median_rtt(const struct skb *s, bool remote)
{
	uint64_t lo = 1, hi = 0, n = 0;

	for (unsigned a = 0; a < s->ncores; a++)
		for (unsigned b = 0; b < s->ncores; b++) {
			uint64_t v = rtt_of_class(s, a, b, remote);
			if (v) {
				n++;
				hi = v > hi ? v : hi;
			}
		}
	if (!n)
		return 0;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2, le = 0;
		for (unsigned a = 0; a < s->ncores; a++)
			for (unsigned b = 0; b < s->ncores; b++) {
				uint64_t v = rtt_of_class(s, a, b, remote);
				le += v && v <= mid;
			}
		if (2 * le >= n)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* v * num / den, at least 1 and at most UINT32_MAX (a product past 64
 * bits is past UINT32_MAX too: den is at least 1). */
static uint32_t scaled(uint32_t v, uint64_t num, uint64_t den)
{
	uint64_t r = num > UINT64_MAX / (v ? v : 1) ? UINT64_MAX : (uint64_t)v * num / den;

	return r < 1 ? 1 : r > UINT32_MAX ? UINT32_MAX : (uint32_t)r;
}

err_t skb_mtree_timing(const struct skb *s, struct mtree_timing *out)
{
	const struct mtree_timing *p = &mtree_timing_paper;
	/* Half a round trip, rounded up: a measured 1 is still measured. */
	uint64_t m[2] = { median_rtt(s, false), median_rtt(s, true) };
	uint64_t one_way[2] = { m[0] / 2 + (m[0] & 1), m[1] / 2 + (m[1] & 1) };
	uint64_t paper[2];

	for (unsigned k = 0; k < 2; k++)
		paper[k] = (uint64_t)p->send[k] + p->recv[k] + p->prop[k];
	if (!one_way[0] && !one_way[1])
		return ERR_NOT_FOUND;
	/* A class not measured takes the other's scale. */
	uint64_t num[2], den[2];
	for (unsigned k = 0; k < 2; k++) {
		unsigned from = one_way[k] ? k : 1 - k;
		num[k] = one_way[from];
		den[k] = paper[from];
	}
	for (unsigned k = 0; k < 2; k++) {
		out->send[k] = scaled(p->send[k], num[k], den[k]);
		out->recv[k] = scaled(p->recv[k], num[k], den[k]);
		out->prop[k] = scaled(p->prop[k], num[k], den[k]);
	}
	out->flush = scaled(p->flush, num[0], den[0]);
	return OK;
}

err_t skb_tree(const struct skb *s, unsigned shape, unsigned root, uint64_t members,
	       struct mtree *out, unsigned *bad)
{
	struct mtree_topo t;
	const struct skb_core *c;
	err_t err;

	*bad = root;
	if ((err = skb_core(s, root, &c)))
		return err;
	if (!c->present)
		return ERR_CORE_ABSENT;
	if (!members)
		members = skb_present(s);
	if ((err = skb_check_cores(s, members, bad)))
		return err;
	if (shape >= MTREE_NSHAPES || !(members >> root & 1))
		return ERR_INVALID_ARG;
	skb_mtree_topo(s, &t);
	return mtree_build(&t, (enum mtree_shape)shape, root, members, out);
}
