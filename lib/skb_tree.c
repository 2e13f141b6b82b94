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
