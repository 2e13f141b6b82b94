/*
 * The TLB shootdown of a spanned address space (docs/span.md), as a
 * protocol over a multicast tree (lib/mtree.h, docs/trees.md): the owner's
 * monitor (the root) has cleared the pages' entries and its kernel has
 * flushed them; every core that runs a span of the space must flush them
 * too before the pages may be reused. The root builds the tree of the
 * chosen shape over those cores and sends `shoot` to its children; each
 * core flushes the pages in its replicas of the space (SPAN_TLB_FLUSH,
 * counted by its kernel), builds the same tree from the same facts, sends
 * `shoot` on to its own children (an aggregator fans out), collects their
 * `shot`s and answers its parent once for its whole subtree. Unicast's
 * root waits for each answer before the next request.
 *
 * Every run counts what it did as it does it: each core adds the requests
 * it sent and the answer it sends to the counts of its subtree, and which
 * of those messages joined cores on different NUMA nodes; the rounds on
 * the critical path are the longest chain of messages each of which waited
 * for the one before (2 + a child's rounds per child: at once, the
 * longest; one after another, their sum). They must equal mtree_cost()
 * for the same tree, which the tests check.
 *
 * A core may be a relay for other roots while it is a root itself, so a
 * run is a record (struct run), not a call stack: the handlers send and
 * return, and the root alone waits.
 *
 * Only the root needs the facts: it builds the tree, and its request
 * carries the tree (the parent of every core; mtree_from_parents rebuilds
 * it), so each core follows the root's tree even if its own facts differ
 * from the root's for a while, as they do while core 0's monitor is still
 * sending them. The facts are the SKB's (struct shoot_facts): core 0's
 * monitor works them out from what the SKB is told (skbfeed.c) once every
 * core's CPUID and round trips are in, and sends them to every monitor
 * (shoot_facts): nodes and distances from ACPI's SRAT and SLIT, cache
 * groups from CPUID leaf 4, and the cost of a message within a node and
 * between two from the measured round trips (skb_mtree_timing), which
 * decide the best shape. Until they come (or where there is no SKB), the
 * kernel's facts (INFO_CORES: the NUMA node of each core, from SRAT):
 * every core taken to share one last-level cache (the kernel reads no
 * cache), so that multicast is broadcast; distances unknown (10 within a
 * node, 20 between two); and the paper's message costs. The
 * agreement (agreeview.c) builds its trees on every core alike and so
 * always takes the kernel's facts (shoot_topo), which every core has
 * from boot.
 */
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/sys.h>
#include "usr/monitor/monitor.h"

#define RUNS		16	/* runs this core takes part in at once */

static struct run {
	bool used, done;
	unsigned root, parent;		/* parent == me: this core is the root */
	uint64_t seq;
	struct mtree tree;
	bool star;			/* every member's parent is the root (is_star) */
	int next;			/* sequential: the child to send to next */
	uint64_t waiting;		/* children whose shot is due */
	uint64_t vroot, va;
	uint32_t pages;
	unsigned msgs, cross, rounds;	/* of its subtree so far */
	uint64_t reached;		/* cores that flushed, in its subtree */
	err_t err;			/* a send that failed */
} runs[RUNS];

static unsigned me;
static uint64_t next_seq;
static struct mtree_topo topo;		/* the kernel's facts */
static struct shoot_facts skb;		/* the SKB's, once core 0's monitor sent them */
static bool have_skb;

/* The facts the trees are built from (see the header). */
static void shoot_topology(void)
{
	unsigned n = kernel_cores(CPTR_INFO);

	memset(&topo, 0, sizeof(topo));
	topo.ncores = n > MTREE_MAX_CORES ? MTREE_MAX_CORES : n;
	for (unsigned c = 0; c < topo.ncores; c++) {
		unsigned node = 0;
		if (kernel_core_node(CPTR_INFO, c, &node) || node >= MTREE_MAX_NODES)
			node = 0;
		topo.node[c] = (uint8_t)node;
		topo.cache[c] = 0;
	}
}

/* Built on first use: the agreement (agreeview.c) needs it before the
 * shootdown starts. */
const struct mtree_topo *shoot_topo(void)
{
	if (!topo.ncores)
		shoot_topology();
	return &topo;
}

/*
 * The trees of this core's last few runs as root. Every run over the same
 * cores in the same shape has the same tree while the facts stay, so each
 * is built once: building is most of what a core does for a run besides
 * its messages (mtree_best builds three trees and counts each). New facts
 * empty the cache.
 */
#define TREES		8
static struct cached {
	bool used;
	int asked;			/* the shape asked for; -1: the best */
	uint64_t members;
	struct mtree tree;
} trees[TREES];
static unsigned trees_next;

/* The facts this core's trees are built from, and its crossings counted
 * by: the SKB's when they came and name every member, else the kernel's. */
static const struct mtree_topo *facts_for(uint64_t members, const struct mtree_timing **timing)
{
	unsigned n = skb.topo.ncores;

	if (have_skb && (n >= 64 || !(members >> n))) {
		*timing = &skb.timing;
		return &skb.topo;
	}
	*timing = NULL;			/* mtree_best: the paper's */
	return &topo;
}

static err_t tree_for(int asked, uint64_t members, struct mtree *out)
{
	const struct mtree_timing *timing;
	const struct mtree_topo *t = facts_for(members, &timing);
	enum mtree_shape s = (enum mtree_shape)asked;
	err_t err;

	for (unsigned i = 0; i < TREES; i++) {
		struct cached *c = &trees[i];
		if (c->used && c->asked == asked && c->members == members) {
			*out = c->tree;
			return OK;
		}
	}
	if ((asked < 0 && (err = mtree_best(t, me, members, timing, &s))) ||
	    (err = mtree_build(t, s, me, members, out)))
		return err;
	trees[trees_next] = (struct cached){ true, asked, members, *out };
	trees_next = (trees_next + 1) % TREES;
	return OK;
}

const struct mtree_topo *shoot_tree_facts(uint64_t members, const struct mtree_timing **timing)
{
	return facts_for(members, timing);
}

/* Takes facts that make trees (mtree_check's rules) and have a node for
 * every core this kernel knows of. */
err_t shoot_set_facts(const struct shoot_facts *f)
{
	if (mtree_check(&f->topo, MTREE_BROADCAST, 0, 1, NULL) || f->topo.ncores < topo.ncores)
		return ERR_INVALID_ARG;
	skb = *f;
	have_skb = true;
	memset(trees, 0, sizeof(trees));
	return OK;
}

static err_t on_shoot_facts(struct idl_binding *b, const uint8_t *data, size_t len)
{
	struct shoot_facts f;

	if (me == 0 || mesh_peer(b) != 0 || len != sizeof(f))
		return ERR_BAD_MESSAGE;
	memcpy(&f, data, sizeof(f));
	return shoot_set_facts(&f) ? ERR_BAD_MESSAGE : OK;
}

err_t shoot_give_facts(unsigned core, const struct shoot_facts *f)
{
	return if_intermon_shoot_facts_send(mesh_to(core), (const uint8_t *)f, sizeof(*f));
}

static struct run *run_find(unsigned root, uint64_t seq)
{
	for (unsigned i = 0; i < RUNS; i++)
		if (runs[i].used && runs[i].root == root && runs[i].seq == seq)
			return &runs[i];
	return NULL;
}

/* By the facts this core would build the run's tree from: every core has
 * the same once core 0's monitor sent them. */
static bool crosses(const struct run *r, unsigned a, unsigned b)
{
	const struct mtree_timing *timing;
	const struct mtree_topo *t = facts_for(r->tree.members, &timing);

	return t->node[a] != t->node[b];
}

/* Flushes the pages in this core's replicas of the space (span.c knows
 * them); this core has then done its part. */
static void flush_here(struct run *r)
{
	if (span_flush_replicas(r->root, r->vroot, r->va, r->pages) == OK)
		r->reached |= 1ull << me;
}

/*
 * A star (every member's parent the root, as at 2 cores in every shape)
 * goes as `shoot`, whose receiver knows the parents: one URPC slot, as
 * before trees were carried; a request that carried even an empty list
 * took two, about 7,000 cycles more a shootdown at 2 cores under TCG.
 * Any other tree goes as `shoot_tree` with one parent per core of it.
 */
static bool is_star(const struct mtree *t)
{
	for (unsigned c = 0; c < t->ncores; c++)
		if (t->parent[c] >= 0 && (unsigned)t->parent[c] != t->root)
			return false;
	return true;
}

static void send_to(struct run *r, unsigned c)
{
	err_t err = r->star ?
		if_intermon_shoot_send(mesh_to(c), r->seq, r->root, r->vroot, r->va, r->pages,
				       r->tree.shape, r->tree.members) :
		if_intermon_shoot_tree_send(mesh_to(c), r->seq, r->root, r->vroot, r->va, r->pages,
					    r->tree.shape, r->tree.members,
					    (const uint8_t *)r->tree.parent, r->tree.ncores);

	if (err) {
		r->err = err;
		return;
	}
	r->msgs++;
	r->cross += crosses(r, me, c);
	r->waiting |= 1ull << c;
}

/* Sends what can be sent now: every child at once, or the next one. */
static void send_children(struct run *r)
{
	if (r->tree.sequential) {
		if (r->next >= 0) {
			unsigned c = (unsigned)r->next;
			r->next = r->tree.next_sibling[c];
			send_to(r, c);
		}
		return;
	}
	for (int c = r->tree.first_child[me]; c >= 0; c = r->tree.next_sibling[c])
		send_to(r, (unsigned)c);
}

/* A relay whose subtree has answered answers its parent and is done. */
static void finish(struct run *r)
{
	if (r->waiting || (r->tree.sequential && r->next >= 0 && !r->err))
		return;
	if (r->parent == me) {
		r->done = true;
		return;
	}
	/* Its answer is one more message of its subtree. */
	if_intermon_shot_send(mesh_to(r->parent), r->seq, r->root, r->msgs + 1,
			      r->cross + crosses(r, me, r->parent), r->rounds, r->reached);
	memset(r, 0, sizeof(*r));
}

static struct run *run_new(void)
{
	for (unsigned i = 0; i < RUNS; i++)
		if (!runs[i].used)
			return memset(&runs[i], 0, sizeof(runs[i]));
	return NULL;
}

/* A request from `from` with the tree's parents in par: a tree of its
 * shape, and the sender this core's parent in it. */
static err_t shoot_from(unsigned from, uint64_t seq, uint32_t root, uint64_t vroot, uint64_t va,
			uint32_t pages, uint32_t shape, uint64_t members, const int8_t *par)
{
	struct run *r;
	struct mtree t;

	if (root >= topo.ncores || root == me || run_find(root, seq) ||
	    mtree_from_parents((enum mtree_shape)shape, topo.ncores, root, members, par, &t) ||
	    t.parent[me] != (int8_t)from)
		return ERR_BAD_MESSAGE;
	if (!(r = run_new()))
		return ERR_TOO_MANY;
	*r = (struct run){ .used = true, .root = root, .parent = from, .seq = seq, .tree = t,
			   .star = is_star(&t), .next = -1, .vroot = vroot, .va = va,
			   .pages = pages };
	flush_here(r);
	send_children(r);
	finish(r);
	return OK;
}

/* A star: every member's parent is the root. */
static err_t on_shoot(struct idl_binding *b, uint64_t seq, uint32_t root, uint64_t vroot,
		      uint64_t va, uint32_t pages, uint32_t shape, uint64_t members)
{
	int8_t par[MTREE_MAX_CORES];

	for (unsigned c = 0; c < MTREE_MAX_CORES; c++)
		par[c] = c != root && members >> c & 1 ? (int8_t)root : -1;
	return shoot_from(mesh_peer(b), seq, root, vroot, va, pages, shape, members, par);
}

/* Any tree: the parents it carries; those of cores past them are -1. */
static err_t on_shoot_tree(struct idl_binding *b, uint64_t seq, uint32_t root, uint64_t vroot,
			   uint64_t va, uint32_t pages, uint32_t shape, uint64_t members,
			   const uint8_t *parent, size_t len)
{
	int8_t par[MTREE_MAX_CORES];

	if (len > sizeof(par))
		return ERR_BAD_MESSAGE;
	memset(par, -1, sizeof(par));
	memcpy(par, parent, len);
	return shoot_from(mesh_peer(b), seq, root, vroot, va, pages, shape, members, par);
}

static err_t on_shot(struct idl_binding *b, uint64_t seq, uint32_t root, uint32_t msgs,
		     uint32_t cross, uint32_t rounds, uint64_t reached)
{
	unsigned from = mesh_peer(b);
	struct run *r = run_find(root, seq);

	if (!r || r->done || !(r->waiting >> from & 1) ||
	    (reached & ~mtree_subtree(&r->tree, from)))
		return ERR_BAD_MESSAGE;		/* unasked, or answering for others */
	r->waiting &= ~(1ull << from);
	r->msgs += msgs;
	r->cross += cross;
	r->reached |= reached;
	if (r->tree.sequential)
		r->rounds += 2 + rounds;
	else if (2 + rounds > r->rounds)
		r->rounds = 2 + rounds;
	if (r->tree.sequential)
		send_children(r);	/* the next one, now that this one answered */
	finish(r);
	return OK;
}

/*
 * The answers are polled for first, for at most SHOOT_SPIN_NS, and only
 * then waited for the usual way (mesh_serve_until, which sleeps a tick
 * between looks), as mesh_ping does: otherwise every shootdown would last
 * until the next timer tick, whatever its messages cost. The process that
 * asked is blocked meanwhile.
 */
#define SHOOT_SPIN_NS		(10ull * 1000000)	/* a tick of the kernel's 100 Hz timer */

static bool run_done(unsigned i)
{
	return runs[i].done;
}

err_t shoot_run(uint64_t vroot, uint64_t va, uint32_t pages, uint64_t members, int shape,
		struct shoot_counts *out)
{
	struct run *r;
	err_t err;

	members |= 1ull << me;
	if (!(r = run_new()))
		return ERR_TOO_MANY;
	*r = (struct run){ .used = true, .root = me, .parent = me, .seq = ++next_seq,
			   .vroot = vroot, .va = va, .pages = pages };
	if ((err = tree_for(shape, members, &r->tree))) {
		memset(r, 0, sizeof(*r));
		return err;
	}
	r->star = is_star(&r->tree);
	r->next = r->tree.sequential ? r->tree.first_child[me] : -1;
	mesh_polling(true);	/* the answers need not ring: this polls for them */
	flush_here(r);
	send_children(r);
	finish(r);
	unsigned i = (unsigned)(r - runs);
	uint64_t spin_end = sys_clock_ns() + SHOOT_SPIN_NS;
	while (!r->done && sys_clock_ns() < spin_end)
		mesh_poll();
	mesh_polling(false);
	mesh_poll();		/* what came without a doorbell meanwhile */
	if (!r->done && !mesh_serve_until(run_done, i, sys_clock_ns() + MESH_WAIT_NS))
		err = ERR_TIMEOUT;
	else if (r->err)
		err = r->err;
	else if (r->reached != members)
		err = ERR_TIMEOUT;	/* a core did not flush: the pages must stay */
	*out = (struct shoot_counts){ .shape = r->tree.shape, .msgs = r->msgs, .cross_node = r->cross,
				      .rounds = r->rounds, .reached = r->reached };
	memset(r, 0, sizeof(*r));
	return err;
}

err_t shoot_init(unsigned core)
{
	me = core;
	shoot_topology();
	mesh_handlers.shoot = on_shoot;
	mesh_handlers.shoot_tree = on_shoot_tree;
	mesh_handlers.shot = on_shot;
	mesh_handlers.shoot_facts = on_shoot_facts;
	return OK;
}
