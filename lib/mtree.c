/*
 * Multicast trees (the shapes and the counts are defined in mtree.h; the
 * pictures are in docs/trees.md). Three steps: mtree_check refuses what no
 * tree can be built from; the builders append children to lists, always
 * the root's first, so a core's list is its send order; mtree_cost and
 * mtree_edges walk a tree breadth first from the root, marking each core
 * they reach, so that even a tree someone damaged cannot make them loop
 * or reach a core twice.
 *
 * The two-level shapes share one builder: group the members by a key
 * (the cache group for multicast, the node for numa), pick the
 * lowest-numbered member of each group other than the root's as its
 * leader, and let each leader serve its group while the root serves its
 * own. Lowest-numbered because every core that builds the tree from the
 * same facts must pick the same leader, and distance cannot choose inside
 * a node: every member of a node is equally far from the root.
 */
#include "lib/mtree.h"
#include "lib/string.h"

static const char *const shape_names[MTREE_NSHAPES] = {
	[MTREE_BROADCAST] = "broadcast",
	[MTREE_UNICAST] = "unicast",
	[MTREE_MULTICAST] = "multicast",
	[MTREE_NUMA] = "numa",
};

static bool has(uint64_t set, unsigned c)
{
	return (set >> c) & 1;
}

/* The cores 0..n-1 (n <= 64). */
static uint64_t all_cores(unsigned n)
{
	return n >= 64 ? ~0ull : (1ull << n) - 1;
}

static err_t refuse(err_t err, const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return err;
}

/* The distances between the nodes that hold cores: all 0, or all valid. */
static err_t check_dist(const struct mtree_topo *t, const char **why)
{
	uint32_t used = 0;
	unsigned known = 0, pairs = 0;

	for (unsigned i = 0; i < t->ncores; i++)
		used |= 1u << t->node[i];
	for (unsigned a = 0; a < MTREE_MAX_NODES; a++) {
		for (unsigned b = 0; b < MTREE_MAX_NODES; b++) {
			unsigned d = t->dist[a][b];

			if (!has(used, a) || !has(used, b))
				continue;
			pairs++;
			if (!d)
				continue;
			known++;
			if (a == b && d != MTREE_LOCAL)
				return refuse(ERR_INVALID_ARG, why,
					      "the distance of a node to itself is not 10");
			if (a != b && (d <= MTREE_LOCAL || d == 255))
				return refuse(ERR_INVALID_ARG, why,
					      "a distance between two nodes is not in 11..254");
		}
	}
	if (known && known != pairs)
		return refuse(ERR_INVALID_ARG, why,
			      "some distances between the nodes are known and others are 0");
	return OK;
}

err_t mtree_check(const struct mtree_topo *t, enum mtree_shape s, unsigned root,
		  uint64_t members, const char **why)
{
	err_t err;

	if (why)
		*why = NULL;
	if (!t)
		return refuse(ERR_INVALID_ARG, why, "no topology");
	if (t->ncores == 0)
		return refuse(ERR_INVALID_ARG, why, "the topology has no cores");
	if (t->ncores > MTREE_MAX_CORES)
		return refuse(ERR_TOO_MANY, why, "the topology has more cores than MTREE_MAX_CORES (64)");
	for (unsigned i = 0; i < t->ncores; i++) {
		if (t->node[i] >= MTREE_MAX_NODES)
			return refuse(ERR_INVALID_ARG, why, "a core's node is not below MTREE_MAX_NODES (16)");
		if (t->cache[i] >= MTREE_MAX_CACHES)
			return refuse(ERR_INVALID_ARG, why, "a core's cache group is not below MTREE_MAX_CACHES (64)");
	}
	err = check_dist(t, why);
	if (err)
		return err;
	if ((unsigned)s >= MTREE_NSHAPES)
		return refuse(ERR_INVALID_ARG, why, "unknown shape");
	if (root >= t->ncores)
		return refuse(ERR_INVALID_ARG, why, "the root is not a core of the topology");
	if (members & ~all_cores(t->ncores))
		return refuse(ERR_INVALID_ARG, why, "the members name cores the topology does not have");
	if (!has(members, root))
		return refuse(ERR_INVALID_ARG, why, "the root is not a member");
	return OK;
}

unsigned mtree_dist(const struct mtree_topo *t, unsigned a, unsigned b)
{
	unsigned na = t->node[a], nb = t->node[b];

	if (na == nb)
		return MTREE_LOCAL;
	/* check_dist allows only all known or all unknown, so 0 here means
	 * nothing is known. */
	return t->dist[na][nb] ? t->dist[na][nb] : MTREE_REMOTE;
}

/* Appends c to the end of p's list: the order of the calls is p's send
 * order. */
static void add_child(struct mtree *m, unsigned p, unsigned c)
{
	int s = m->first_child[p];

	m->parent[c] = (int8_t)p;
	if (s < 0) {
		m->first_child[p] = (int8_t)c;
		return;
	}
	while (m->next_sibling[s] >= 0)
		s = m->next_sibling[s];
	m->next_sibling[s] = (int8_t)c;
}

/* Broadcast and unicast: the root sends to every member itself. */
static void build_star(struct mtree *m)
{
	for (unsigned c = 0; c < m->ncores; c++)
		if (has(m->members, c) && c != m->root)
			add_child(m, m->root, c);
}

/*
 * Multicast (key: cache group) and numa (key: node, leaders farthest
 * first). lead[k] is the leader of group k, -1 before one is chosen.
 */
static void build_grouped(struct mtree *m, const struct mtree_topo *t,
			  const uint8_t *key, bool far_first)
{
	int8_t lead[MTREE_MAX_CACHES];
	uint8_t order[MTREE_MAX_CORES];
	unsigned nlead = 0, root = m->root;

	memset(lead, -1, sizeof(lead));
	for (unsigned c = 0; c < m->ncores; c++) {
		if (!has(m->members, c) || key[c] == key[root] || lead[key[c]] >= 0)
			continue;
		lead[key[c]] = (int8_t)c;
		order[nlead++] = (uint8_t)c;
	}
	/* Farthest first; an insertion sort keeps equal distances in core
	 * order. At most 15 remote nodes. */
	for (unsigned i = 1; far_first && i < nlead; i++) {
		uint8_t c = order[i];
		unsigned j = i;

		for (; j > 0 && mtree_dist(t, root, order[j - 1]) < mtree_dist(t, root, c); j--)
			order[j] = order[j - 1];
		order[j] = c;
	}
	for (unsigned i = 0; i < nlead; i++)
		add_child(m, root, order[i]);
	for (unsigned c = 0; c < m->ncores; c++) {
		if (!has(m->members, c) || c == root)
			continue;
		if (key[c] == key[root])
			add_child(m, root, c);
		else if (lead[key[c]] != (int8_t)c)
			add_child(m, (unsigned)lead[key[c]], c);
	}
}

err_t mtree_build(const struct mtree_topo *t, enum mtree_shape s, unsigned root,
		  uint64_t members, struct mtree *out)
{
	err_t err = mtree_check(t, s, root, members, NULL);
	struct mtree m;

	if (err)
		return err;
	if (!out)
		return ERR_INVALID_ARG;
	m.shape = s;
	m.root = root;
	m.ncores = t->ncores;
	m.members = members;
	m.sequential = s == MTREE_UNICAST;
	memset(m.parent, -1, sizeof(m.parent));
	memset(m.first_child, -1, sizeof(m.first_child));
	memset(m.next_sibling, -1, sizeof(m.next_sibling));
	switch (s) {
	case MTREE_BROADCAST:
	case MTREE_UNICAST:
		build_star(&m);
		break;
	case MTREE_MULTICAST:
		build_grouped(&m, t, t->cache, false);
		break;
	case MTREE_NUMA:
	default:
		build_grouped(&m, t, t->node, true);
		break;
	}
	*out = m;
	return OK;
}

err_t mtree_from_parents(enum mtree_shape s, unsigned ncores, unsigned root, uint64_t members,
			 const int8_t *parent, struct mtree *out)
{
	struct mtree m;

	if (!parent || !out || ncores == 0 || ncores > MTREE_MAX_CORES || s >= MTREE_NSHAPES ||
	    root >= ncores || !has(members, root) || (members & ~all_cores(ncores)) ||
	    parent[root] != -1)
		return ERR_INVALID_ARG;
	for (unsigned c = 0; c < MTREE_MAX_CORES; c++) {
		int p = parent[c];

		if (!has(members, c) || c == root) {
			if (p != -1 && c != root)
				return ERR_INVALID_ARG;	/* a parent for no member */
			continue;
		}
		/* A member's parent is a member: the root, or (two-level shapes
		 * only) a core whose parent is the root. So no loop, and every
		 * member reaches the root in at most two steps. */
		if (p < 0 || (unsigned)p >= ncores || !has(members, (unsigned)p) || p == (int)c)
			return ERR_INVALID_ARG;
		if ((unsigned)p != root &&
		    (s == MTREE_BROADCAST || s == MTREE_UNICAST || parent[p] != (int8_t)root))
			return ERR_INVALID_ARG;
	}
	m.shape = s;
	m.root = root;
	m.ncores = ncores;
	m.members = members;
	m.sequential = s == MTREE_UNICAST;
	memset(m.parent, -1, sizeof(m.parent));
	memset(m.first_child, -1, sizeof(m.first_child));
	memset(m.next_sibling, -1, sizeof(m.next_sibling));
	for (unsigned c = 0; c < ncores; c++)
		if (has(members, c) && c != root)
			add_child(&m, (unsigned)parent[c], c);
	*out = m;
	return OK;
}

/*
 * The breadth-first walk that mtree_cost and mtree_edges share: calls
 * visit(ctx, parent, child) for every edge in send order, once per child.
 * A child out of range, already reached or not a member ends its list.
 */
struct walk {
	uint8_t queue[MTREE_MAX_CORES];
	uint64_t seen;
};

static void walk(const struct mtree *m, void (*visit)(void *, unsigned, unsigned), void *ctx)
{
	struct walk w = { .seen = 0 };
	unsigned head = 0, tail = 0;

	if (m->root >= MTREE_MAX_CORES || !has(m->members, m->root))
		return;
	w.queue[tail++] = (uint8_t)m->root;
	w.seen = 1ull << m->root;
	while (head < tail) {
		unsigned p = w.queue[head++];

		for (int c = m->first_child[p]; c >= 0 && c < MTREE_MAX_CORES;
		     c = m->next_sibling[c]) {
			if (has(w.seen, (unsigned)c) || !has(m->members, (unsigned)c))
				break;
			w.seen |= 1ull << c;
			w.queue[tail++] = (uint8_t)c;
			visit(ctx, p, (unsigned)c);
		}
	}
}

struct cost_ctx {
	const struct mtree_topo *t;
	struct mtree_cost *out;
	uint8_t depth[MTREE_MAX_CORES];
	uint8_t sends[MTREE_MAX_CORES];
	unsigned max_depth;
};

static void cost_edge(void *ctx, unsigned p, unsigned c)
{
	struct cost_ctx *x = ctx;
	struct mtree_cost *o = x->out;
	bool in_topo = p < x->t->ncores && c < x->t->ncores;

	o->msgs += 2;
	if (in_topo && x->t->node[p] != x->t->node[c])
		o->cross_node += 2;
	if (in_topo)
		o->dist_sum += mtree_dist(x->t, p, c) + mtree_dist(x->t, c, p);
	x->depth[c] = x->depth[p] + 1;
	if (x->depth[c] > x->max_depth)
		x->max_depth = x->depth[c];
	if (++x->sends[p] > o->fanout)
		o->fanout = x->sends[p];
}

void mtree_cost(const struct mtree *m, const struct mtree_topo *t, struct mtree_cost *out)
{
	struct cost_ctx x = { .t = t, .out = out };

	*out = (struct mtree_cost){ 0 };
	walk(m, cost_edge, &x);
	/* Sequential: every message waits for the one before it. */
	out->rounds = m->sequential ? out->msgs : 2 * x.max_depth;
}

struct edges_ctx {
	struct mtree_edge *out;
	unsigned n, max;
};

static void edge_out(void *ctx, unsigned p, unsigned c)
{
	struct edges_ctx *x = ctx;

	if (x->n < x->max)
		x->out[x->n++] = (struct mtree_edge){ (uint8_t)p, (uint8_t)c };
}

unsigned mtree_edges(const struct mtree *m, struct mtree_edge *out, unsigned max)
{
	struct edges_ctx x = { out, 0, max };

	walk(m, edge_out, &x);
	return x.n;
}

struct subtree_ctx {
	uint64_t set;
};

/* Breadth first, a parent is reached before its children: a child whose
 * parent is in the set joins it. */
static void subtree_edge(void *ctx, unsigned p, unsigned c)
{
	struct subtree_ctx *x = ctx;

	if (has(x->set, p))
		x->set |= 1ull << c;
}

uint64_t mtree_subtree(const struct mtree *m, unsigned c)
{
	struct subtree_ctx x = { 0 };

	if (c >= MTREE_MAX_CORES || !has(m->members, c))
		return 0;
	x.set = 1ull << c;
	walk(m, subtree_edge, &x);
	return x.set;
}

/* Table 2 of the paper, 8x4-core AMD: 538 cycles and 2.77 messages a
 * kilocycle within a package (o = 361), 613 and 2.79 one hop away
 * (o = 358). */
const struct mtree_timing mtree_timing_paper = {
	.send = { 180, 179 }, .recv = { 181, 179 }, .prop = { 177, 255 }, .flush = 320,
};

struct est {
	const struct mtree *m;
	const struct mtree_topo *t;
	const struct mtree_timing *c;
};

static unsigned far(const struct est *e, unsigned a, unsigned b)
{
	return e->t->node[a] != e->t->node[b];
}

/* Core v took its request at `at` (the root starts at 0); returns when it
 * has sent its answer (the root: taken its last one). */
static uint64_t finish(const struct est *e, unsigned v, uint64_t at)
{
	const struct mtree *m = e->m;
	uint64_t answer[MTREE_MAX_CORES], now = at;
	uint32_t take[MTREE_MAX_CORES];
	unsigned n = 0;
	bool seq = m->sequential && v == m->root, flushed = false;

	for (int c = m->first_child[v]; c >= 0 && n < MTREE_MAX_CORES; c = m->next_sibling[c]) {
		unsigned d = far(e, v, (unsigned)c), u = far(e, (unsigned)c, v);
		now += e->c->send[d];
		uint64_t done = finish(e, (unsigned)c, now + e->c->prop[d] + e->c->recv[d]);
		uint64_t back = done + e->c->prop[u];
		if (seq) {		/* the next request waits for this answer */
			if (!flushed) {
				now += e->c->flush;
				flushed = true;
			}
			now = (back > now ? back : now) + e->c->recv[u];
		} else {
			take[n] = e->c->recv[u];
			answer[n++] = back;
		}
	}
	if (!flushed)
		now += e->c->flush;
	/* The answers in the order they arrive (insertion sort: few). */
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j > 0 && answer[j] < answer[j - 1]; j--) {
			uint64_t x = answer[j];
			uint32_t y = take[j];
			answer[j] = answer[j - 1];
			take[j] = take[j - 1];
			answer[j - 1] = x;
			take[j - 1] = y;
		}
	for (unsigned i = 0; i < n; i++)
		now = (answer[i] > now ? answer[i] : now) + take[i];
	if (v != m->root)
		now += e->c->send[m->parent[v] >= 0 && far(e, v, (unsigned)m->parent[v])];
	return now;
}

uint64_t mtree_estimate(const struct mtree *m, const struct mtree_topo *t,
			const struct mtree_timing *c)
{
	struct est e = { m, t, c };

	return finish(&e, m->root, 0);
}

err_t mtree_best(const struct mtree_topo *t, unsigned root, uint64_t members,
		 const struct mtree_timing *c, enum mtree_shape *out)
{
	static const enum mtree_shape order[] = { MTREE_BROADCAST, MTREE_MULTICAST, MTREE_NUMA };
	struct mtree m;
	err_t err = mtree_check(t, MTREE_BROADCAST, root, members, NULL);
	uint64_t best = UINT64_MAX;
	unsigned best_rounds = ~0u;
	enum mtree_shape pick = MTREE_BROADCAST;

	if (err)
		return err;
	if (!out)
		return ERR_INVALID_ARG;
	for (unsigned i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		struct mtree_cost k;
		if ((err = mtree_build(t, order[i], root, members, &m)))
			return err;
		uint64_t est = mtree_estimate(&m, t, c ? c : &mtree_timing_paper);
		mtree_cost(&m, t, &k);
		if (est < best || (est == best && k.rounds < best_rounds)) {
			best = est;
			best_rounds = k.rounds;
			pick = order[i];
		}
	}
	*out = pick;
	return OK;
}

const char *mtree_shape_name(enum mtree_shape s)
{
	return (unsigned)s < MTREE_NSHAPES ? shape_names[s] : "unknown";
}

err_t mtree_shape_parse(const char *name, enum mtree_shape *out)
{
	if (!name || !out)
		return ERR_INVALID_ARG;
	for (unsigned s = 0; s < MTREE_NSHAPES; s++) {
		if (strcmp(name, shape_names[s]) == 0) {
			*out = (enum mtree_shape)s;
			return OK;
		}
	}
	return ERR_NOT_FOUND;
}
