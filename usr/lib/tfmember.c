/*
 * A task force's member (flotilla/tforce.h): joining, the channels to
 * its neighbours in the force's tree, and the wait for a cast or a
 * barrier's end. The rules (what to forward, when a barrier is over, what
 * is garbage) are lib/tfgroup.c's; this file only moves messages between
 * that state machine and the URPC channels.
 *
 * Joining: the member maps the force's frame (TF_FRAME). Every member exports its channel name (TF_CHAN_FMT, by core),
 * binds to each child's, then accepts its parent's binding. A bind is
 * answered at once, so no member waits for another's accept, and a
 * child whose export is not there yet (it starts later, or the member
 * before it on that core is still being killed by a restart) is tried
 * again until the deadline.
 */
#include <stdio.h>
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/lmp.h>
#include <flotilla/monitor.h>
#include <flotilla/skb.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/tforce.h>

#define EP(m)		((m)->slots + 4)
#define FRAME(m, i)	((m)->slots + 5 + 2 * (i))
#define BELL(m, i)	((m)->slots + 6 + 2 * (i))
#define RETRY_NS	2000000ull	/* between tries of a bind, an export, an accept */
#define BEAT_POLL_NS	10000000ull	/* a waiting member that beats looks this often */

/* The machine's facts for the force's cores, as lib/mtree wants them:
 * each member's node and last-level cache group, the nodes' distances.
 * Cores that are no member are put on the root's node, each in a cache
 * group of its own: the tree never reaches them. */
static err_t topology(struct tf_member *m, struct mtree_topo *t, uint64_t wait_ns)
{
	struct skb_client c;
	uint32_t gen, ncores, found, nnodes, flags, nconf, rows, node;
	uint64_t present, sharers;
	const char *cpu, *hv;
	err_t err, status;
	unsigned root = tf_core_of(m->cores, 0);

	if ((err = skb_open(&c, m->slots, wait_ns)))
		return err;
	c.ch.timeout_ns = wait_ns;	/* an SKB that dies meanwhile: no hang */
	struct idl_binding *b = &c.b.b;
	if ((err = if_skb_summary_call(b, &status, &gen, &ncores, &present, &found, &nnodes,
				       &flags, &nconf, &rows, &cpu, &hv)) ||
	    (err = status))
		goto out;
	err = ERR_INVALID_ARG;
	if (ncores == 0 || ncores > MTREE_MAX_CORES || (m->cores >> 1 >> (ncores - 1)))
		goto out;
	memset(t, 0, sizeof(*t));
	t->ncores = ncores;
	for (unsigned i = 0; i < ncores; i++) {
		bool member = (m->cores >> i) & 1;
		t->cache[i] = (uint8_t)i;
		if (!member && i != root)
			continue;
		if ((err = if_skb_node_of_call(b, i, &status, &node)) || (err = status))
			goto out;
		if (node >= MTREE_MAX_NODES) {
			err = ERR_INVALID_ARG;
			goto out;
		}
		t->node[i] = (uint8_t)node;
		if (!if_skb_cache_sharers_call(b, i, 0, &status, &sharers) && !status && sharers)
			t->cache[i] = (uint8_t)__builtin_ctzll(sharers);
	}
	for (unsigned i = 0; i < ncores; i++)
		if (!((m->cores >> i) & 1))
			t->node[i] = t->node[root];
	/* Distances between the members' nodes, or none (all 0: unknown). */
	bool known = true;
	for (unsigned i = 0; i < ncores && known; i++)
		for (unsigned j = 0; j < ncores && known; j++) {
			uint32_t d;
			if (!((m->cores >> i) & 1) || !((m->cores >> j) & 1))
				continue;
			if (if_skb_distance_call(b, t->node[i], t->node[j], &status, &d) || status ||
			    d > 254)
				known = false;
			else
				t->dist[t->node[i]][t->node[j]] = (uint8_t)d;
		}
	if (!known)
		memset(t->dist, 0, sizeof(t->dist));
	err = OK;
out:
	skb_close(&c);
	return err;
}

static bool past(uint64_t deadline)
{
	return sys_clock_ns() > deadline;
}

/* Between tries while joining: beats too (with hb=S the supervisor
 * counts from the start, and a join can take a while). */
static void nap(struct tf_member *m)
{
	tf_beat(m);
	sys_sleep_until(sys_clock_ns() + RETRY_NS);
}

/* Binds to child `core`'s export as channel i. */
static err_t bind_child(struct tf_member *m, unsigned i, unsigned core, uint64_t deadline)
{
	struct mon_binding b;
	char name[16];
	err_t err;

	snprintf(name, sizeof(name), TF_CHAN_FMT, m->id, core);
	while ((err = mon_bind(name, m->ep, FRAME(m, i), BELL(m, i), &b)) == ERR_NOT_FOUND &&
	       !past(deadline))
		nap(m);
	if (err)
		return err == ERR_NOT_FOUND ? ERR_TIMEOUT : err;
	if ((err = uchan_open_binding(&m->chan[i], &b, FRAME(m, i), m->ep, BELL(m, i))))
		return err;
	m->peer[i] = core;
	return OK;
}

/* Takes the parent's binding as channel i; a binding from another core
 * (no member binds to anyone but its children) is left unopened. */
static err_t accept_parent(struct tf_member *m, unsigned svc, unsigned i, unsigned parent,
			   uint64_t deadline)
{
	struct mon_binding b;
	err_t err;

	for (;;) {
		err = mon_accept(svc, m->ep, FRAME(m, i), BELL(m, i), &b);
		if (err == ERR_WOULD_BLOCK) {
			if (past(deadline))
				return ERR_TIMEOUT;
			nap(m);
			continue;
		}
		if (err)
			return err;
		if (b.peer_core == parent)
			break;
		printf("tforce: core %u: a binding from core %u, not the parent %u: left unused\n",
		       m->me, b.peer_core, parent);
		cnode_delete(CPTR_TASKCN, CADDR_L2(FRAME(m, i)));
		cnode_delete(CPTR_TASKCN, CADDR_L2(BELL(m, i)));
	}
	if ((err = uchan_open_binding(&m->chan[i], &b, FRAME(m, i), m->ep, BELL(m, i))))
		return err;
	m->peer[i] = parent;
	return OK;
}

err_t tf_join(struct tf_member *m, uint64_t arg, capaddr_t slots, uint64_t wait_ns)
{
	uint64_t deadline = sys_clock_ns() + wait_ns;
	struct mtree_topo t;
	struct ns_entry e;
	char name[16];
	unsigned svc;
	err_t err;

	memset(m, 0, sizeof(*m));
	m->id = TF_ID(arg);
	m->arg = TF_USER_ARG(arg);
	m->me = sys_core_id();
	m->beat_ns = TF_HB_S(arg) * 250000000ull;	/* a quarter of hb=S */
	m->beat_at = sys_clock_ns();
	m->slots = slots;
	m->ep = EP(m);
	if (!m->id || CADDR_L1(slots) != TASK_CN || CADDR_L2(slots) + TF_SLOTS > CNODE_L2_SLOTS)
		return ERR_INVALID_ARG;
	/* Co-scheduled with the force's other members from now on: the
	 * force's id is the gang (kernel/dispatch.c). */
	if ((err = disp_set_gang(CPTR_DISPATCHER, m->id)))
		return err;
	/* The force's frame, which init granted every member (TF_FRAME). */
	struct cap_info f;
	if ((err = cap_identify(TF_FRAME, &f)))
		return err;
	if (f.type != CAP_FRAME || f.size < TF_FRAME_BYTES)
		return ERR_CAP_WRONG_TYPE;
	if ((err = window_map(TF_FRAME, TF_FRAME_BYTES / 4096, CAP_RIGHT_READ | CAP_RIGHT_WRITE,
			      (void **)&m->frame)))
		return err;
	/* The cores: init registered them before it started any member; the
	 * decision may reach this core's replica a little later. */
	snprintf(name, sizeof(name), TF_NS_FMT, m->id);
	while ((err = ns_lookup(name, &e)) == ERR_NOT_FOUND && !past(deadline))
		nap(m);
	if (err)
		return err;
	m->cores = e.value;
	if (!((m->cores >> m->me) & 1) || tf_count(m->cores) > TFG_MAX_MEMBERS)
		return ERR_INVALID_ARG;
	m->count = tf_count(m->cores);
	m->rank = tf_count(m->cores & ((1ull << m->me) - 1));
	unsigned root = tf_core_of(m->cores, 0);
	if ((err = topology(m, &t, wait_ns)) ||
	    (err = mtree_best(&t, root, m->cores, NULL, &m->shape)) ||
	    (err = mtree_build(&t, m->shape, root, m->cores, &m->tree)) ||
	    (err = tfg_init(&m->g, &m->tree, m->me)))
		return err;
	if ((err = ram_retype(CPTR_TASKCN, CADDR_L2(m->ep), CAP_ENDPOINT, 0)))
		return err;
	snprintf(name, sizeof(name), TF_CHAN_FMT, m->id, m->me);
	while ((err = mon_export(name, m->ep, &svc)) == ERR_NAME_IN_USE && !past(deadline))
		nap(m);		/* the member before this one is still being killed */
	if (err)
		return err == ERR_NAME_IN_USE ? ERR_TIMEOUT : err;
	for (unsigned k = 0; k < m->g.nkids; k++)
		if ((err = bind_child(m, m->nchan++, m->g.kid[k], deadline)))
			return err;
	if (m->g.parent >= 0 &&
	    (err = accept_parent(m, svc, m->nchan++, (unsigned)m->g.parent, deadline)))
		return err;
	return OK;
}

/* Sends what the state machine queued, each on its neighbour's channel. */
static err_t flush(struct tf_member *m)
{
	struct tfg_send o;
	err_t err;

	while (tfg_next(&m->g, &o))
		for (unsigned i = 0; i < m->nchan; i++)
			if (m->peer[i] == o.to && (err = uchan_send(&m->chan[i], o.m.w, o.m.n, o.m.kind)))
				return err;
	return OK;
}

/* Reads every channel until `want` happens (its values in out); casts
 * that come meanwhile are kept for tf_recv_cast. Sleeps when every ring
 * is empty: the doorbell of each channel rings the one endpoint. */
static err_t pump(struct tf_member *m, enum tfg_event want, uint64_t out[TFG_CAST_WORDS])
{
	uint64_t w[URPC_MAX_WORDS], o[TFG_CAST_WORDS];
	struct lmp_msg msg;
	err_t err;

	for (;;) {
		bool busy = false;
		for (unsigned i = 0; i < m->nchan; i++) {
			unsigned n;
			uint32_t type;
			while ((err = urpc_recv(&m->chan[i].d.rx, w, &n, &type)) != ERR_WOULD_BLOCK) {
				busy = true;
				if (err) {		/* a malformed slot: garbage too */
					m->g.dropped++;
					continue;
				}
				struct tfg_msg t = { .kind = type, .n = n };
				memcpy(t.w, w, (n < TFG_MAX_WORDS ? n : TFG_MAX_WORDS) * sizeof(w[0]));
				enum tfg_event ev = tfg_input(&m->g, m->peer[i], &t, o);
				if ((err = flush(m)))
					return err;
				if (ev == want) {
					memcpy(out, o, sizeof(o));
					return OK;
				}
				if (ev == TFG_EV_CAST) {
					if (m->ncast == TF_PENDING_CASTS)
						return ERR_TOO_MANY;
					memcpy(m->cast[m->ncast++], o, sizeof(o));
				}
			}
		}
		if (busy)
			continue;
		if (m->beat_ns) {	/* look again a tick later, beating */
			if (tf_beat(m))
				return ERR_STOPPED;
			sys_sleep_until(sys_clock_ns() + BEAT_POLL_NS);
			continue;
		}
		bool sleep = true;
		for (unsigned i = 0; i < m->nchan; i++)
			if (!urpc_receiver_sleep(&m->chan[i].d.rx))
				sleep = false;	/* something came meanwhile */
		if (sleep && (err = lmp_recv(m->ep, 0, 0, &msg)))
			return err;
		for (unsigned i = 0; i < m->nchan; i++)
			urpc_receiver_awake(&m->chan[i].d.rx);
	}
}

err_t tf_bcast(struct tf_member *m, const uint64_t v[TFG_CAST_WORDS])
{
	err_t err = tfg_cast(&m->g, v);

	return err ? err : flush(m);
}

err_t tf_recv_cast(struct tf_member *m, uint64_t v[TFG_CAST_WORDS])
{
	if (m->ncast) {
		memcpy(v, m->cast[0], sizeof(m->cast[0]));
		memmove(m->cast[0], m->cast[1], --m->ncast * sizeof(m->cast[0]));
		return OK;
	}
	return pump(m, TFG_EV_CAST, v);
}

err_t tf_barrier(struct tf_member *m, uint64_t a, uint64_t b, uint64_t sums[2])
{
	uint64_t out[TFG_CAST_WORDS];
	err_t err;
	enum tfg_event ev = tfg_arrive(&m->g, a, b, out, &err);

	if (err || (err = flush(m)))
		return err;
	if (ev != TFG_EV_RELEASE && (err = pump(m, TFG_EV_RELEASE, out)))
		return err;
	sums[0] = out[0];
	sums[1] = out[1];
	return OK;
}

bool tf_beat(struct tf_member *m)
{
	uint64_t now = sys_clock_ns();
	bool stop = false;

	if (!m->beat_ns || m->stop || now - m->beat_at < m->beat_ns)
		return m->stop;
	m->beat_at = now;
	if (mon_beat(&stop) == OK && stop)
		m->stop = true;
	return m->stop;
}

err_t tf_pause(struct tf_member *m, uint64_t ns)
{
	uint64_t end = sys_clock_ns() + ns;

	for (uint64_t now = sys_clock_ns(); now < end; now = sys_clock_ns()) {
		if (tf_beat(m))
			return ERR_STOPPED;
		uint64_t step = m->beat_ns && m->beat_ns < end - now ? m->beat_ns : end - now;
		sys_sleep_until(now + step);
	}
	return tf_beat(m) ? ERR_STOPPED : OK;
}
