/*
 * The System Knowledge Base's service (docs/skb.md): a process on core 0
 * that holds the facts of the machine (lib/skb.h) and answers
 * if/skb.if over channels bound to the name "skb", for any process on any
 * core (flotilla/skb.h: skb_open).
 *
 * init starts it as a permanent child of its `system` supervisor, and
 * restarts it when it dies (docs/supervision.md); core 0's monitor gives
 * it (MON_SPAWN_SKB) a read-only copy of the frame in which the monitor
 * gathers what the SKB is told (usr/skb/feed.h, usr/monitor/skbfeed.c).
 * A restarted SKB reads the same frame and exports the same name. Before it answers a query the SKB looks
 * at the frame's sequence number; when it has moved, it copies the inputs
 * and derives its facts again (skb_load), so an answer is never older
 * than what the monitor knew when the query came. Every disagreement
 * between the sources it finds is printed once, as it is found.
 *
 * Clients: up to SKB_CLIENTS channels at once, all ringing the one
 * endpoint the service was exported with. The loop reads every channel,
 * takes waiting clients, and, when nothing came, goes to sleep on the
 * endpoint with each channel's sleeping flag raised (the handshake of
 * lib/urpc.h), so an idle SKB costs nothing. A client's `close` ends its
 * channel; its slots, and its page of the window, are used again. A client past SKB_CLIENTS waits in
 * its monitor until one closes.
 */
#include <stdio.h>
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/idl_chan.h>
#include <flotilla/lmp.h>
#include <flotilla/monitor.h>
#include <flotilla/skb.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include "usr/skb/feed.h"

#define SKB_CLIENTS	16
#define S_EP		CADDR(TASK_CN, 20)		/* exported; every channel rings it */
#define S_FRAME(i)	CADDR(TASK_CN, 32 + 3 * (i))	/* client i's channel frame, */
#define S_BELL(i)	CADDR(TASK_CN, 33 + 3 * (i))	/* its doorbell, */
#define S_CTL(i)	CADDR(TASK_CN, 34 + 3 * (i))	/* its end's control endpoint */

static const struct skb_feed *feed;
static uint64_t feed_seq = 1;		/* odd: never a settled sequence number */
static struct skb_input copy;
static struct skb facts;

static struct client {
	bool open;
	struct idl_chan ch;
	struct if_skb_binding b;
} client[SKB_CLIENTS];

/* Says each conflict the first time it is found. */
static void report_new_conflicts(const struct skb_conflict *old, unsigned nold)
{
	for (unsigned i = 0; i < facts.nconflicts; i++) {
		bool known = false;
		for (unsigned j = 0; j < nold && !known; j++)
			known = !strcmp(old[j].reason, facts.conflict[i].reason);
		if (!known)
			printf("skb: %s: %s\n", skb_conflict_name(facts.conflict[i].kind),
			       facts.conflict[i].reason);
	}
}

/* The sequence lock's reader side (usr/skb/feed.h): a settled copy of
 * the inputs, if they changed, and the facts derived from it. */
static void refresh(void)
{
	static struct skb_conflict old[SKB_MAX_CONFLICTS];

	for (;;) {
		uint64_t seq = __atomic_load_n(&feed->seq, __ATOMIC_ACQUIRE);
		if (seq == feed_seq)
			return;
		if (seq & 1) {			/* the monitor is writing: let it */
			sys_yield();
			continue;
		}
		memcpy(&copy, (const void *)&feed->in, sizeof(copy));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&feed->seq, __ATOMIC_RELAXED) != seq)
			continue;
		unsigned nold = facts.nconflicts;
		memcpy(old, facts.conflict, sizeof(old));
		err_t err = skb_load(&facts, &copy);
		if (err)
			printf("skb: the monitor's facts were refused: %s: %s; keeping generation %u\n",
			       err_name(err), err_msg(err), facts.generation);
		else
			report_new_conflicts(old, nold);
		feed_seq = seq;
		return;
	}
}

/* Present cores whose round trip to every other present core is in. */
static unsigned rtt_rows(void)
{
	uint64_t present = skb_present(&facts);
	unsigned rows = 0;

	for (unsigned i = 0; i < facts.ncores; i++) {
		bool all = present >> i & 1;
		for (unsigned j = 0; all && j < facts.ncores; j++)
			all = j == i || !(present >> j & 1) || facts.in.rtt[i][j];
		rows += all;
	}
	return rows;
}

static err_t answer_core(struct idl_binding *b, uint32_t core)
{
	const struct skb_core *c;
	err_t err = skb_core(&facts, core, &c);

	if (err)
		return if_skb_core_reply(b, err, false, 0, 0, 0, 0, 0, 0, 0);
	return if_skb_core_reply(b, OK, c->present, c->apic_id, c->package, c->core, c->thread,
				 c->node, c->cpu.ncaches, c->since);
}

static err_t answer_cache(struct idl_binding *b, uint32_t core, uint32_t index)
{
	const struct skb_core *c;
	err_t err = skb_core(&facts, core, &c);

	if (!err && !c->present)
		err = ERR_CORE_ABSENT;
	if (!err && index >= c->cpu.ncaches)
		err = ERR_NOT_FOUND;
	if (err)
		return if_skb_cache_reply(b, err, 0, 0, 0, 0);
	const struct skb_cache *k = &c->cpu.cache[index];
	return if_skb_cache_reply(b, OK, k->level, k->type, k->size, c->sharers[index]);
}

static err_t answer_tree(struct idl_binding *b, uint32_t shape, uint32_t root, uint64_t cores)
{
	struct mtree m;
	struct mtree_edge e[MTREE_MAX_CORES];
	unsigned bad = 0, n = 0;
	err_t err = skb_tree(&facts, shape, root, cores, &m, &bad);

	if (!err)
		n = mtree_edges(&m, e, MTREE_MAX_CORES);
	_Static_assert(sizeof(e[0]) == 2, "an edge is two bytes on the wire");
	return if_skb_tree_reply(b, err, err == ERR_NO_SUCH_CORE || err == ERR_CORE_ABSENT ? bad : 0,
				 !err && m.sequential, e, n * sizeof(e[0]));
}

static err_t answer(struct client *cl, const struct if_skb_msg *m)
{
	struct idl_binding *b = &cl->b.b;
	const struct skb_node *n;
	uint64_t cores = 0, row[SKB_MAX_CORES] = { 0 };
	unsigned v = 0;
	err_t err;

	refresh();
	switch (m->num) {
	case IF_SKB_SUMMARY_CALL:
		return if_skb_summary_reply(b, OK, facts.generation, facts.ncores,
					    skb_present(&facts), facts.in.topo.ncores_found,
					    facts.nnodes, facts.flags,
					    facts.nconflicts + facts.conflicts_dropped, rtt_rows(),
					    facts.core[0].cpu.vendor, facts.core[0].cpu.hypervisor);
	case IF_SKB_CORE_CALL:
		return answer_core(b, m->core_call.core);
	case IF_SKB_CACHE_CALL:
		return answer_cache(b, m->cache_call.core, m->cache_call.index);
	case IF_SKB_NODE_OF_CALL:
		err = skb_node_of(&facts, m->node_of_call.core, &v);
		return if_skb_node_of_reply(b, err, err ? 0 : v);
	case IF_SKB_NODE_CORES_CALL:
		err = skb_node_cores(&facts, m->node_cores_call.node, &cores);
		return if_skb_node_cores_reply(b, err, err ? 0 : cores);
	case IF_SKB_DISTANCE_CALL:
		err = skb_distance(&facts, m->distance_call.from, m->distance_call.to, &v);
		return if_skb_distance_reply(b, err, err ? 0 : v);
	case IF_SKB_CACHE_SHARERS_CALL:
		err = skb_cache_sharers(&facts, m->cache_sharers_call.core,
					m->cache_sharers_call.level, &cores);
		return if_skb_cache_sharers_reply(b, err, err ? 0 : cores);
	case IF_SKB_RTT_CALL:
		err = skb_rtt_row(&facts, m->rtt_call.from, row);
		if (err)
			memset(row, 0, sizeof(row));
		return if_skb_rtt_reply(b, err, row, sizeof(row));
	case IF_SKB_NODE_CALL:
		err = skb_node(&facts, m->node_call.node, &n);
		return err ? if_skb_node_reply(b, err, 0, 0, 0) :
			     if_skb_node_reply(b, OK, n->domain, n->memory, n->cores);
	case IF_SKB_CONFLICT_CALL:
		if (m->conflict_call.index >= facts.nconflicts)
			return if_skb_conflict_reply(b, ERR_NOT_FOUND, 0, "");
		return if_skb_conflict_reply(b, OK, facts.conflict[m->conflict_call.index].kind,
					     facts.conflict[m->conflict_call.index].reason);
	case IF_SKB_TREE_CALL:
		return answer_tree(b, m->tree_call.shape, m->tree_call.root, m->tree_call.cores);
	default:
		return ERR_BAD_MESSAGE;		/* a reply, from a client: nonsense */
	}
}

static void close_client(unsigned i)
{
	struct client *cl = &client[i];
	err_t err = mon_unbind(S_CTL(i));

	if (err)
		printf("skb: closing client %u: %s: %s\n", i, err_name(err), err_msg(err));
	/* The channel's page of the window and its frame, for the next
	 * client in these slots. */
	if ((err = uchan_close_binding(&cl->ch.c, S_FRAME(i))))
		printf("skb: unmapping client %u's channel: %s: %s\n", i, err_name(err),
		       err_msg(err));
	cnode_delete(CPTR_TASKCN, CADDR_L2(S_BELL(i)));
	cnode_delete(CPTR_TASKCN, CADDR_L2(S_CTL(i)));
	cl->open = false;
}

/* Takes every waiting client there is room for; true if one came. */
static bool accept_clients(unsigned svc)
{
	bool came = false;

	for (unsigned i = 0; i < SKB_CLIENTS; i++) {
		struct client *cl = &client[i];
		struct mon_binding b;
		err_t err;
		if (cl->open)
			continue;
		if ((err = mon_accept(svc, S_EP, S_FRAME(i), S_BELL(i), &b)) == ERR_WOULD_BLOCK)
			return came;
		came = true;
		cl->ch.c.mem = NULL;
		bool ctl = !err && !(err = mon_binding_ctl(&b, S_EP, S_CTL(i)));
		if (ctl &&
		    !(err = idl_chan_open(&cl->ch, &b, S_FRAME(i), S_EP, S_BELL(i), IDL_CAP_NONE,
					  IDL_CAP_NONE)) &&
		    !(err = if_skb_init(&cl->b, &idl_urpc_transport, &cl->ch.u, idl_chan_wait))) {
			cl->open = true;
			continue;
		}
		printf("skb: a client from core %u could not be taken: %s: %s\n", b.peer_core,
		       err_name(err), err_msg(err));
		/* Its end is closed and its slots emptied, for the next one. */
		if (ctl)
			mon_unbind(S_CTL(i));
		uchan_close_binding(&cl->ch.c, S_FRAME(i));
		cnode_delete(CPTR_TASKCN, CADDR_L2(S_BELL(i)));
		cnode_delete(CPTR_TASKCN, CADDR_L2(S_CTL(i)));
	}
	return came;
}

/* Everything client i sent; true if anything came. */
static bool serve(unsigned i)
{
	struct client *cl = &client[i];
	struct if_skb_msg m;
	bool came = false;
	err_t err;

	while (cl->open && (err = if_skb_recv(&cl->b.b, &m)) != ERR_WOULD_BLOCK) {
		came = true;
		if (!err && m.num == IF_SKB_CLOSE)
			close_client(i);
		else if (!err && (err = answer(cl, &m)))
			printf("skb: client %u: %s: %s\n", i, err_name(err), err_msg(err));
		else if (err && err != ERR_BAD_MESSAGE)
			close_client(i);	/* its channel is broken */
	}
	return came;
}

int main(void)
{
	unsigned svc;
	err_t err;

	if ((err = window_map_page(SKB_FEED_SLOT, (void **)&feed))) {
		printf("skb: no facts from the monitor: %s: %s\n", err_name(err), err_msg(err));
		return 1;
	}
	skb_init(&facts);
	refresh();
	if ((err = ram_retype(CPTR_TASKCN, CADDR_L2(S_EP), CAP_ENDPOINT, 0)) ||
	    (err = mon_export(SKB_NAME, S_EP, &svc))) {
		printf("skb: cannot serve: %s: %s\n", err_name(err), err_msg(err));
		return 1;
	}
	printf("skb: the facts of %u core%s on %u node%s, generation %u, as '%s'\n",
	       facts.ncores, facts.ncores == 1 ? "" : "s", facts.nnodes, facts.nnodes == 1 ? "" : "s",
	       facts.generation,
	       SKB_NAME);
	for (;;) {
		bool busy = accept_clients(svc);
		for (unsigned i = 0; i < SKB_CLIENTS; i++)
			busy |= serve(i);
		if (busy)
			continue;
		/* Nothing anywhere: sleep until a doorbell rings. */
		bool nap = true;
		for (unsigned i = 0; i < SKB_CLIENTS; i++)
			if (client[i].open && !urpc_receiver_sleep(&client[i].ch.c.d.rx))
				nap = false;		/* something came meanwhile */
		struct lmp_msg msg;
		if (nap && (err = lmp_recv(S_EP, 0, 0, &msg))) {
			printf("skb: its endpoint failed: %s: %s\n", err_name(err), err_msg(err));
			return 1;
		}
		for (unsigned i = 0; i < SKB_CLIENTS; i++)
			if (client[i].open)
				urpc_receiver_awake(&client[i].ch.c.d.rx);
	}
}
