/*
 * libFuzzer target for lib/mtree.c: random topologies (up to 64 cores on
 * up to 16 nodes, shared caches, distances unknown, valid or raw), shapes,
 * roots and member sets, some of them out of range. The fuzzer decides on
 * its own, from lib/mtree.h's rules, whether the input is valid: a valid
 * one must build, and the tree must pass tests/host/mtree_check.h (every
 * member reached once, the shape's rules, the counts, the edges, the
 * subtrees) and mtree_best must follow its documented rule; an invalid one
 * must be refused with a reason and leave the tree alone.
 *
 * Input: mode, ncores, nodes, shape, root, 8 bytes of members, then per
 * core its node and cache bytes, then the distances; for a valid input
 * then a byte of parents' mode and 64 bytes of parents, which
 * mtree_from_parents must take or refuse by its rule. Mode bits: 0-1 the
 * distances (0 unknown, 1 valid, 2 and 3 raw bytes), 2 raw node ids, 3 raw
 * cache ids, 4 raw ncores, 5 members as given (else masked to the cores,
 * with the root).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "tests/fuzz/fuzz_input.h"
#include "tests/host/mtree_check.h"

/* lib/mtree.h's rules for valid input, written here again. */
static int valid(const struct mtree_topo *t, unsigned s, unsigned root, uint64_t members,
		 err_t *want)
{
	uint32_t used = 0;
	unsigned known = 0, pairs = 0;

	*want = ERR_INVALID_ARG;
	if (t->ncores > MTREE_MAX_CORES)
		*want = ERR_TOO_MANY;
	if (t->ncores == 0 || t->ncores > MTREE_MAX_CORES)
		return 0;
	for (unsigned c = 0; c < t->ncores; c++) {
		if (t->node[c] >= MTREE_MAX_NODES || t->cache[c] >= MTREE_MAX_CACHES)
			return 0;
		used |= 1u << t->node[c];
	}
	for (unsigned a = 0; a < MTREE_MAX_NODES; a++) {
		for (unsigned b = 0; b < MTREE_MAX_NODES; b++) {
			unsigned d = t->dist[a][b];

			if (!((used >> a) & 1) || !((used >> b) & 1))
				continue;
			pairs++;
			known += d != 0;
			if (d && ((a == b && d != 10) || (a != b && (d <= 10 || d == 255))))
				return 0;
		}
	}
	if (known && known != pairs)
		return 0;
	if (s >= MTREE_NSHAPES || root >= t->ncores || !mc_has(members, root))
		return 0;
	if (t->ncores < 64 && (members >> t->ncores))
		return 0;
	*want = OK;
	return 1;
}

/* mtree_best's rule (mtree.h): no shape of the three has a smaller
 * estimate than its pick, and none with an equal estimate has fewer
 * rounds. */
static bool best_holds(const struct mtree_topo *t, unsigned root, uint64_t members,
		       enum mtree_shape best)
{
	static const enum mtree_shape three[] = { MTREE_BROADCAST, MTREE_MULTICAST, MTREE_NUMA };
	struct mtree m;
	struct mtree_cost k;
	uint64_t e[3];
	unsigned r[3], pick = 3;

	for (unsigned i = 0; i < 3; i++) {
		if (mtree_build(t, three[i], root, members, &m) != OK)
			return false;
		e[i] = mtree_estimate(&m, t, &mtree_timing_paper);
		mtree_cost(&m, t, &k);
		r[i] = k.rounds;
		if (three[i] == best)
			pick = i;
	}
	if (pick == 3)
		return false;
	for (unsigned i = 0; i < 3; i++)
		if (e[i] < e[pick] || (e[i] == e[pick] && r[i] < r[pick]))
			return false;
	return true;
}

static void check_tree(const struct mtree_topo *t, unsigned s, unsigned root, uint64_t members)
{
	struct mtree m;
	struct mtree_cost got, want;
	struct mtree_edge e[MTREE_MAX_CORES];
	enum mtree_shape best = MTREE_NSHAPES;
	unsigned per_node[MTREE_MAX_NODES] = { 0 };

	if (mtree_build(t, (enum mtree_shape)s, root, members, &m) != OK)
		__builtin_trap();
	if (mc_tree(&m, t, (enum mtree_shape)s, root, members, &want))
		__builtin_trap();
	mtree_cost(&m, t, &got);
	if (!mc_cost_eq(&got, &want))
		__builtin_trap();
	if (mc_edges(&m, e, mtree_edges(&m, e, MTREE_MAX_CORES)))
		__builtin_trap();
	for (int c = m.first_child[root]; s == MTREE_NUMA && c >= 0; c = m.next_sibling[c])
		if (t->node[c] != t->node[root] && ++per_node[t->node[c]] > 1)
			__builtin_trap();
	if (mtree_subtree(&m, root) != members)
		__builtin_trap();
	if (mc_from_parents(&m, t))
		__builtin_trap();
	if (mtree_best(t, root, members, NULL, &best) != OK || !best_holds(t, root, members, best))
		__builtin_trap();
}

/* lib/mtree.h's rule for mtree_from_parents, written here again: each
 * member but the root has a member parent at depth one (or, for the
 * two-level shapes, two); everything else has none. */
static bool parents_ok(unsigned s, unsigned n, unsigned root, uint64_t members, const int8_t *par)
{
	if (n == 0 || n > MTREE_MAX_CORES || s >= MTREE_NSHAPES || root >= n ||
	    !mc_has(members, root) || (n < 64 && (members >> n)) || par[root] != -1)
		return false;
	for (unsigned c = 0; c < MTREE_MAX_CORES; c++) {
		int p = par[c];
		bool two = s == MTREE_MULTICAST || s == MTREE_NUMA;

		if (c == root)
			continue;
		if (!mc_has(members, c)) {
			if (p != -1)
				return false;
			continue;
		}
		if (p < 0 || p >= (int)n || p == (int)c || !mc_has(members, (unsigned)p))
			return false;
		if (p != (int)root && !(two && par[p] == (int8_t)root))
			return false;
	}
	return true;
}

/* A parents array from the input (mostly members' parents among the
 * members, so that valid ones come often): accepted exactly when
 * parents_ok says, and then a tree of the right structure; refused, the
 * tree is left alone. */
static void check_parents(struct input *in, unsigned s, unsigned n, unsigned root,
			  uint64_t members)
{
	int8_t par[MTREE_MAX_CORES];
	struct mtree m, before;
	unsigned mode = take(in, 1);

	for (unsigned c = 0; c < MTREE_MAX_CORES; c++) {
		unsigned b = take(in, 1);

		if (mode & 1)
			par[c] = (int8_t)b;
		else if (!mc_has(members, c) || c == root)
			par[c] = (b & 0xF0) == 0xF0 ? (int8_t)(b & 0xF) : -1;
		else
			par[c] = (b & 0xC0) == 0xC0 || !n ? (int8_t)root : (int8_t)(b % n);
	}
	memset(&m, 0x5a, sizeof(m));
	memcpy(&before, &m, sizeof(m));
	err_t err = mtree_from_parents((enum mtree_shape)s, n, root, members, par, &m);
	if (err == OK) {
		if (!parents_ok(s, n, root, members, par) || mc_structure(&m) ||
		    memcmp(m.parent, par, sizeof(par)) || m.members != members)
			__builtin_trap();
	} else if (err != ERR_INVALID_ARG || parents_ok(s, n, root, members, par) ||
		   memcmp(&m, &before, sizeof(m))) {
		__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct mtree_topo t;
	struct mtree m, before;
	const char *why = NULL;
	unsigned mode = take(&in, 1), nc = take(&in, 1), nn = 1 + take(&in, 1) % MTREE_MAX_NODES;
	unsigned s = take(&in, 1) % (MTREE_NSHAPES + 2), root = take(&in, 1);
	uint64_t members = take(&in, 8);
	err_t want;

	memset(&t, 0, sizeof(t));
	t.ncores = (mode & 16) ? nc : 1 + nc % MTREE_MAX_CORES;
	if (!(mode & 32) && t.ncores >= 1 && t.ncores <= MTREE_MAX_CORES) {
		root %= t.ncores;
		members = (members & (t.ncores >= 64 ? ~0ull : (1ull << t.ncores) - 1)) | 1ull << root;
	}
	for (unsigned c = 0; c < MTREE_MAX_CORES; c++) {
		unsigned n = take(&in, 1), k = take(&in, 1);

		t.node[c] = (uint8_t)((mode & 4) ? n : n % nn);
		/* Few groups, so that they hold several cores. */
		t.cache[c] = (uint8_t)((mode & 8) ? k : k % 12);
	}
	for (unsigned a = 0; a < MTREE_MAX_NODES; a++) {
		for (unsigned b = 0; b < MTREE_MAX_NODES; b++) {
			unsigned d = take(&in, 1);

			if ((mode & 3) == 1)
				t.dist[a][b] = (uint8_t)(a == b ? 10 : 11 + d % 244);
			else if (mode & 2)
				t.dist[a][b] = (uint8_t)d;
		}
	}
	if (valid(&t, s, root, members, &want)) {
		check_tree(&t, s, root, members);
		check_parents(&in, s, t.ncores, root, members);
		return 0;
	}
	memset(&m, 0x5a, sizeof(m));
	memcpy(&before, &m, sizeof(m));
	if (mtree_build(&t, (enum mtree_shape)s, root, members, &m) != want)
		__builtin_trap();
	if (memcmp(&m, &before, sizeof(m)) != 0)
		__builtin_trap();
	if (mtree_check(&t, (enum mtree_shape)s, root, members, &why) != want || !why)
		__builtin_trap();
	return 0;
}
