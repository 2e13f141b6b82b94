/*
 * What a tree of lib/mtree.c must be, checked from the outside: shared by
 * the host tests (tests/host/test_mtree.c) and the fuzzer
 * (tests/fuzz/fuzz_mtree.c). It is written again from lib/mtree.h's
 * definitions, not from lib/mtree.c, and reads only the tree's arrays:
 *
 *	the tree is rooted and acyclic, every member but the root is reached
 *	exactly once (the child of its parent, in one list), no other core is
 *	reached, and the lists agree with parent[];
 *	broadcast and unicast: every member is the root's child;
 *	multicast (by cache) and numa (by node): the root sends to at most one
 *	core of each other group, its lowest-numbered member, which serves the
 *	rest of its group; the root serves its own group; numa sends to the
 *	farthest nodes first; other lists are in increasing core order;
 *	the counts, computed here from parent[] (struct mtree_cost).
 *
 * Each check returns NULL when it holds, or what is wrong.
 */
#ifndef TESTS_HOST_MTREE_CHECK_H
#define TESTS_HOST_MTREE_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "lib/mtree.h"

static inline bool mc_has(uint64_t set, unsigned c)
{
	return c < 64 && ((set >> c) & 1);
}

/* Node distance as mtree.h defines it, with its fallback. */
static inline unsigned mc_dist(const struct mtree_topo *t, unsigned a, unsigned b)
{
	unsigned d = t->dist[t->node[a]][t->node[b]];

	if (t->node[a] == t->node[b])
		return 10;
	return d ? d : 20;
}

/* The lowest-numbered member of c's group (key: cache[] or node[]). */
static inline unsigned mc_leader(const struct mtree *m, const uint8_t *key, unsigned c)
{
	for (unsigned i = 0; i < m->ncores; i++)
		if (mc_has(m->members, i) && key[i] == key[c])
			return i;
	return c;
}

/* The structure: lists agree with parents, each member reached once,
 * parents lead to the root. */
static inline const char *mc_structure(const struct mtree *m)
{
	unsigned seen[MTREE_MAX_CORES] = { 0 };

	if (m->ncores == 0 || m->ncores > MTREE_MAX_CORES || m->root >= m->ncores)
		return "ncores or root out of range";
	if (!mc_has(m->members, m->root))
		return "the root is not a member";
	if (m->ncores < 64 && (m->members >> m->ncores))
		return "a member past ncores";
	if (m->parent[m->root] != -1 || m->next_sibling[m->root] != -1)
		return "the root has a parent or a sibling";
	for (unsigned c = 0; c < MTREE_MAX_CORES; c++) {
		if (mc_has(m->members, c))
			continue;
		if (m->parent[c] != -1 || m->first_child[c] != -1 || m->next_sibling[c] != -1)
			return "a non-member has a parent, a child or a sibling";
	}
	for (unsigned p = 0; p < m->ncores; p++) {
		unsigned steps = 0;

		if (!mc_has(m->members, p))
			continue;
		for (int c = m->first_child[p]; c >= 0; c = m->next_sibling[c]) {
			if (c >= MTREE_MAX_CORES || !mc_has(m->members, (unsigned)c))
				return "a list holds a non-member";
			if (m->parent[c] != (int)p)
				return "a core is in the list of a core that is not its parent";
			if (++seen[c] > 1 || ++steps > m->ncores)
				return "a core is reached twice";
		}
	}
	for (unsigned c = 0; c < m->ncores; c++) {
		unsigned steps = 0;

		if (!mc_has(m->members, c) || c == m->root)
			continue;
		if (seen[c] != 1)
			return "a member is not reached";
		for (int p = (int)c; p != (int)m->root; p = m->parent[p])
			if (p < 0 || ++steps > m->ncores)
				return "a member's parents do not lead to the root";
	}
	return NULL;
}

static inline unsigned mc_depth(const struct mtree *m, unsigned c)
{
	unsigned d = 0;

	for (; c != m->root; c = (unsigned)m->parent[c])
		d++;
	return d;
}

/* Every list but the root's in increasing core order; the root's: first
 * its `nlead` leaders, then its own group in increasing order. */
static inline const char *mc_orders(const struct mtree *m, unsigned nlead)
{
	for (unsigned p = 0; p < m->ncores; p++) {
		int prev = -1;
		unsigned i = 0;

		if (!mc_has(m->members, p))
			continue;
		for (int c = m->first_child[p]; c >= 0; c = m->next_sibling[c], i++) {
			if (p == m->root && i < nlead)
				continue;
			if (c <= prev)
				return "a list is not in increasing core order";
			prev = c;
		}
	}
	return NULL;
}

/* The two-level shapes: key is t->cache (multicast) or t->node (numa). */
static inline const char *mc_grouped(const struct mtree *m, const struct mtree_topo *t,
				     const uint8_t *key, bool far_first)
{
	unsigned root = m->root, nlead = 0, last = ~0u, per_group[256] = { 0 };
	int prev = -1;
	bool local_seen = false;

	/* The invariant first: one request per other group (numa:
	 * per remote node) from the root. */
	for (int c = m->first_child[root]; c >= 0; c = m->next_sibling[c])
		if (key[c] != key[root] && ++per_group[key[c]] > 1)
			return "the root sends to two cores of one other group (numa: remote node)";
	for (int c = m->first_child[root]; c >= 0; c = m->next_sibling[c]) {
		if (key[c] == key[root]) {
			local_seen = true;
			continue;
		}
		if (local_seen)
			return "the root sends to its own group before a leader";
		if (mc_leader(m, key, (unsigned)c) != (unsigned)c)
			return "the root sends to a core of another group that is not its lowest member";
		if (far_first && mc_dist(t, root, (unsigned)c) > last)
			return "numa: a nearer node before a farther one";
		/* Multicast's leaders, and numa's at one distance, in core order. */
		if ((!far_first || mc_dist(t, root, (unsigned)c) == last) && c <= prev)
			return "the root's leaders are not in increasing core order";
		last = mc_dist(t, root, (unsigned)c);
		prev = c;
		nlead++;
	}
	for (unsigned c = 0; c < m->ncores; c++) {
		unsigned lead;

		if (!mc_has(m->members, c) || c == root)
			continue;
		lead = mc_leader(m, key, c);
		if (key[c] == key[root] && m->parent[c] != (int)root)
			return "a member of the root's own group is not the root's child";
		if (key[c] != key[root] && c == lead && m->parent[c] != (int)root)
			return "a group's leader is not the root's child";
		if (key[c] != key[root] && c != lead && m->parent[c] != (int)lead)
			return "a member is not served by its group's leader";
	}
	return mc_orders(m, nlead);
}

/* The whole check: the tree m that mtree_build made from these arguments;
 * *want gets the counts computed here. */
static inline const char *mc_tree(const struct mtree *m, const struct mtree_topo *t,
				  enum mtree_shape s, unsigned root, uint64_t members,
				  struct mtree_cost *want)
{
	const char *why;
	unsigned sends[MTREE_MAX_CORES] = { 0 }, depth = 0;

	if (m->shape != s || m->root != root || m->members != members || m->ncores != t->ncores)
		return "shape, root, members or ncores differ from what was asked";
	if (m->sequential != (s == MTREE_UNICAST))
		return "sequential is set for a shape other than unicast, or not for unicast";
	why = mc_structure(m);
	if (why)
		return why;
	switch (s) {
	case MTREE_BROADCAST:
	case MTREE_UNICAST:
		for (unsigned c = 0; c < m->ncores; c++)
			if (mc_has(members, c) && c != root && m->parent[c] != (int)root)
				return "broadcast/unicast: a member is not the root's child";
		why = mc_orders(m, 0);
		break;
	case MTREE_MULTICAST:
		why = mc_grouped(m, t, t->cache, false);
		break;
	default:
		why = mc_grouped(m, t, t->node, true);
		break;
	}
	if (why)
		return why;
	*want = (struct mtree_cost){ 0 };
	for (unsigned c = 0; c < m->ncores; c++) {
		unsigned p = (unsigned)m->parent[c];

		if (!mc_has(members, c) || c == root)
			continue;
		want->msgs += 2;
		want->cross_node += t->node[p] != t->node[c] ? 2 : 0;
		want->dist_sum += mc_dist(t, p, c) + mc_dist(t, c, p);
		if (++sends[p] > want->fanout)
			want->fanout = sends[p];
		if (mc_depth(m, c) > depth)
			depth = mc_depth(m, c);
	}
	want->rounds = s == MTREE_UNICAST ? want->msgs : 2 * depth;
	return NULL;
}

static inline bool mc_cost_eq(const struct mtree_cost *a, const struct mtree_cost *b)
{
	return a->msgs == b->msgs && a->cross_node == b->cross_node && a->rounds == b->rounds &&
	       a->fanout == b->fanout && a->dist_sum == b->dist_sum;
}

/*
 * mtree_from_parents on the parents of tree m, which mtree_build made
 * from t: it must take them, and give the same tree: the same parents,
 * members, shape and sequence, every core's list but the root's the same
 * (the root's may be in another order: only the root sends its own), the
 * same subtrees and the same counts.
 */
static inline const char *mc_from_parents(const struct mtree *m, const struct mtree_topo *t)
{
	struct mtree r;
	struct mtree_cost a, b;

	if (mtree_from_parents(m->shape, m->ncores, m->root, m->members, m->parent, &r) != OK)
		return "mtree_from_parents refused a tree mtree_build made";
	if (mc_structure(&r))
		return "mtree_from_parents made a tree of the wrong structure";
	if (memcmp(r.parent, m->parent, sizeof(r.parent)) || r.members != m->members ||
	    r.shape != m->shape || r.root != m->root || r.sequential != m->sequential)
		return "mtree_from_parents changed the parents, members or shape";
	for (unsigned c = 0; c < MTREE_MAX_CORES; c++) {
		if (c != m->root && (r.first_child[c] != m->first_child[c] ||
				     (m->parent[c] != (int8_t)m->root &&
				      r.next_sibling[c] != m->next_sibling[c])))
			return "mtree_from_parents changed a relay's list";
		if (mtree_subtree(&r, c) != mtree_subtree(m, c))
			return "mtree_from_parents changed a subtree";
	}
	mtree_cost(m, t, &a);
	mtree_cost(&r, t, &b);
	if (a.msgs != b.msgs || a.cross_node != b.cross_node || a.rounds != b.rounds ||
	    a.dist_sum != b.dist_sum)
		return "mtree_from_parents' tree counts differently";
	return NULL;
}

/* mtree_edges' list: one edge per member but the root, each from its
 * parent; breadth first (a `from` is the root or an earlier `to`, and
 * parents come in the order they were reached); each parent's edges in
 * its list's order. */
static inline const char *mc_edges(const struct mtree *m, const struct mtree_edge *e, unsigned n)
{
	uint64_t reached = 1ull << m->root;
	unsigned expect = 0, order[MTREE_MAX_CORES] = { 0 }, last = 0;
	int next[MTREE_MAX_CORES];

	for (unsigned c = 0; c < m->ncores; c++)
		if (mc_has(m->members, c) && c != m->root)
			expect++;
	if (n != expect)
		return "not one edge per member but the root";
	for (unsigned c = 0; c < MTREE_MAX_CORES; c++)
		next[c] = m->first_child[c];
	for (unsigned i = 0; i < n; i++) {
		if (!mc_has(reached, e[i].from))
			return "an edge leaves a core no earlier edge reached";
		if (mc_has(reached, e[i].to) || m->parent[e[i].to] != e[i].from)
			return "an edge reaches a core twice or not from its parent";
		if (next[e[i].from] != e[i].to)
			return "a parent's edges are not in its send order";
		/* Breadth first: parents send in the order they were reached. */
		if (order[e[i].from] < last)
			return "the edges are not breadth first";
		last = order[e[i].from];
		order[e[i].to] = i + 1;
		next[e[i].from] = m->next_sibling[e[i].to];
		reached |= 1ull << e[i].to;
	}
	return NULL;
}

#endif
