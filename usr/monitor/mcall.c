/*
 * The monitor's side of if/moncall.if (flotilla/idl_mcall.h): requests
 * from this core's processes as rpcs, each fragment an LMP call that
 * moncall.c hands here and answers with the words this fills in.
 *
 * A conversation is a binding of its own with the fragments of its reply
 * queued for the caller to pull; the ticket in every answer names it,
 * because processes of one family share a badge (a process and the
 * children its own spawn started; moncall.c gives each process it starts
 * a badge of its own), and only the badge that began a conversation may
 * continue it (conv_find). There are
 * MCALL_CONVS of them: a first fragment when all are busy takes the one
 * that moved least recently (its caller's next call is refused with
 * ERR_NOT_FOUND), so a process that starts conversations and leaves them
 * cannot keep the others from asking. A ticket's generation is drawn at
 * random (next_generation). The handlers call what the packed requests
 * call (moncall.c's serve, which forwards to the core a request names;
 * moncall_spawn, moncall_ps, bind.c, names.c), so both forms do the same
 * thing.
 *
 * A call's capability comes with its last fragment (the transport is
 * cap_last), into T_MONCAP as every call's does, and stays there while
 * the handler runs and until the monitor's next receive empties it. A
 * capability with any other fragment, or one the first fragment did not
 * announce, is refused by the runtime (ERR_BAD_MESSAGE); an announced
 * one that did not come reaches the handler as none. A reply's
 * capability goes with its first fragment, the answer to the call's last
 * (mcall_handle names it for moncall.c's reply); the process's side hands
 * it to its runtime with the reply's last. So no capability waits between
 * two LMP calls: processes of one family share a badge, and one that
 * guessed a conversation's ticket could otherwise take it up there.
 * What such a process can still do is spoil another's call (its
 * next fragment is then refused), or finish it with its own capability
 * and its own authority, or pull a reply of several fragments, none of
 * which holds more than what any process may ask for itself (but its
 * caller then lacks it: docs/interfaces.md). Lent RAM that a refused call
 * brought stays at T_MONCAP (srv_drop_cap), for moncall.c to give back.
 *
 * A channel end's control endpoint is a second kind of caller: its badge
 * names the end, and only cap_put, cap_get and unbind may come on it
 * (and only on it).
 */
#include <stdio.h>
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/idl_mcall.h>
#include <flotilla/monitor.h>
#include "usr/monitor/monitor.h"
#include "if_moncall.h"

#define OUT_FRAGS		((IF_MONCALL_MAX_WORDS + IDL_LMP_FRAG_WORDS - 1) / IDL_LMP_FRAG_WORDS)

struct conv {
	struct if_moncall_binding ib;
	uint32_t ticket;		/* 0: free */
	uint64_t badge;			/* only its caller's badge continues it */
	bool admin;			/* the caller holds the shell's CPTR_MONITOR */
	uint64_t moved;			/* when it last moved: the oldest goes first */
	bool have_in;			/* the fragment just received, for srv_recv */
	struct idl_frag in;
	struct idl_frag out[OUT_FRAGS];	/* the reply's fragments */
	unsigned nout, next_out;
	capaddr_t out_cap;		/* the reply's capability (0: none) */
};

static struct conv convs[MCALL_CONVS];
static uint64_t moves;
static uint64_t draws;			/* next_generation's state */
static uint32_t last_generation[MCALL_CONVS];	/* each slot's, kept past its end */

/* ---- The transport: one fragment in, the reply's fragments queued ---- */

static err_t srv_send(void *tp, const struct idl_frag *f)
{
	struct conv *c = tp;

	/* The reply's capability (with its last fragment: cap_last) goes with
	 * its first, the answer to the call's last (the top). */
	if (f->cap != IDL_CAP_NONE)
		c->out_cap = f->cap;
	if (c->nout == OUT_FRAGS)
		return ERR_TRUNCATED;	/* cannot happen: sized for the longest */
	c->out[c->nout++] = *f;
	return OK;
}

static err_t srv_recv(void *tp, struct idl_frag *f, bool block)
{
	struct conv *c = tp;

	(void)block;
	if (!c->have_in)
		return ERR_WOULD_BLOCK;	/* the caller's next fragment is its next call */
	*f = c->in;
	c->have_in = false;
	return OK;
}

/* A capability the runtime did not take (a refused message): T_MONCAP,
 * which the monitor's next receive empties. Left there until then, so
 * that RAM of the caller's own, which was moved, goes back with the
 * refusal (moncall_handle). */
static void srv_drop_cap(void *tp, capaddr_t cap)
{
	(void)tp;
	(void)cap;
}

static const struct idl_transport srv_transport = {
	.name = "mcall-monitor",
	.frag_words = IDL_LMP_FRAG_WORDS,
	.frag_words_cap = IDL_LMP_FRAG_WORDS,
	.send = srv_send,
	.recv = srv_recv,
	.drop_cap = srv_drop_cap,
	.cap_last = true,
};

/* ---- The operations: as the packed request moncall.c serves ---- */

/* The packed request op for `core` with arguments a[0..2], and the
 * call's capability (T_MONCAP, or IDL_CAP_NONE); *give: a capability for
 * the reply, or 0. */
static err_t ask_with(struct idl_binding *b, unsigned op, uint32_t core, const uint64_t a[3],
		      capaddr_t cap, uint64_t r[LMP_WORDS], capaddr_t *give)
{
	const struct conv *c = b->user;
	const uint64_t w[LMP_WORDS] = { op | (uint64_t)core << 8, a[0], a[1], a[2] };

	memset(r, 0, LMP_WORDS * sizeof(r[0]));
	*give = 0;
	if (core > 0xFFFF)
		return ERR_INVALID_ARG;	/* no such core, and more than the packed form holds */
	if (bind_is_ctl(c->badge))	/* an end's calls: the end is the badge's */
		return bind_ctl_request(c->badge, w, cap != IDL_CAP_NONE, r, give);
	return moncall_serve_words(w, c->admin, cap != IDL_CAP_NONE, r, give);
}

static err_t ask(struct idl_binding *b, unsigned op, uint32_t core, uint64_t a1, uint64_t a2,
		 uint64_t r[LMP_WORDS])
{
	const uint64_t a[3] = { a1, a2, 0 };
	capaddr_t give;

	return ask_with(b, op, core, a, IDL_CAP_NONE, r, &give);	/* these give none */
}

/* Names are the name service's own: answered here, never forwarded. */
static err_t on_ns_register(struct idl_binding *b, const char *name, uint64_t value)
{
	/* Agreed with every monitor; take() reads only the channels meanwhile. */
	return if_moncall_ns_register_reply(b, names_register(name, value));
}

static err_t on_ns_lookup(struct idl_binding *b, const char *name)
{
	unsigned core = 0;
	uint64_t value = 0;
	err_t err = names_lookup(name, &core, &value);

	return if_moncall_ns_lookup_reply(b, err, core, value);
}

static err_t on_ns_remove(struct idl_binding *b, const char *name)
{
	return if_moncall_ns_remove_reply(b, names_remove(name));
}

static err_t on_cores(struct idl_binding *b)
{
	uint64_t r[LMP_WORDS];

	ask(b, MON_CORES, 0, 0, 0, r);		/* cannot fail */
	return if_moncall_cores_reply(b, (uint32_t)r[1]);
}

static err_t on_view(struct idl_binding *b)
{
	uint64_t r[LMP_WORDS];

	ask(b, MON_CORES, 0, 0, 0, r);
	return if_moncall_view_reply(b, (uint32_t)r[2], r[3]);
}

static err_t on_ping(struct idl_binding *b, uint32_t core)
{
	uint64_t r[LMP_WORDS];
	err_t err = ask(b, MON_PING, core, 0, 0, r);

	return if_moncall_ping_reply(b, err, r[1]);
}

static err_t on_mem(struct idl_binding *b, uint32_t core)
{
	uint64_t r[LMP_WORDS];
	err_t err = ask(b, MON_MEM, core, 0, 0, r);

	return if_moncall_mem_reply(b, err, r[1], r[2]);
}

static err_t on_ps(struct idl_binding *b, uint32_t core, uint32_t index)
{
	char name[MON_PROG_NAME_MAX + 1];
	unsigned pid = 0, state = 0;
	err_t err = core > 0xFFFF ? ERR_INVALID_ARG : moncall_ps(core, index, &pid, &state, name);

	return if_moncall_ps_reply(b, err, err ? 0 : pid, err ? 0 : state, err ? "" : name);
}

static err_t on_kill(struct idl_binding *b, uint32_t core, uint32_t pid)
{
	uint64_t r[LMP_WORDS];

	return if_moncall_kill_reply(b, ask(b, MON_KILL, core, pid, 0, r));
}

static err_t on_wait(struct idl_binding *b, uint32_t core, uint32_t pid, uint64_t serial)
{
	uint64_t r[LMP_WORDS];
	err_t err = ask(b, MON_WAIT, core, pid, serial, r);

	return if_moncall_wait_reply(b, err, err ? 0 : (uint8_t)r[2], err ? 0 : (int64_t)r[1],
				     err == ERR_WOULD_BLOCK ? r[1] : 0);
}

static err_t on_stop(struct idl_binding *b, uint32_t core, uint32_t pid, uint64_t serial)
{
	uint64_t r[LMP_WORDS];

	return if_moncall_stop_reply(b, ask(b, MON_STOP, core, pid, serial, r));
}

static err_t on_trace_snap(struct idl_binding *b, uint32_t core, uint32_t count)
{
	uint64_t r[LMP_WORDS];
	err_t err = ask(b, MON_TRACE, core, MON_TRACE_SNAP, count, r);

	return if_moncall_trace_snap_reply(b, err, r[1], r[2]);
}

static err_t on_trace_print(struct idl_binding *b, uint32_t core)
{
	uint64_t r[LMP_WORDS];
	err_t err = ask(b, MON_TRACE, core, MON_TRACE_PRINT, 0, r);

	return if_moncall_trace_print_reply(b, err, r[1]);
}

/* The console's input (console.c): the PML4 the call brought, at
 * T_MONCAP, names the reader. */
static err_t on_console_read(struct idl_binding *b, uint8_t max, capaddr_t vroot)
{
	uint64_t r[LMP_WORDS] = { 0 };
	err_t err = max == 0 || max > sizeof(r[0]) ? ERR_INVALID_ARG :
		    moncall_console_read(vroot != IDL_CAP_NONE ? T_MONCAP : 0, max, r);

	/* console_read_for reads no more than max */
	return if_moncall_console_read_reply(b, err, &r[2], err ? 0 : r[1]);
}

static err_t on_console_owner(struct idl_binding *b)
{
	uint64_t r[LMP_WORDS];
	err_t err = ask(b, MON_CONSOLE_OWNER, 0, 0, 0, r);

	return if_moncall_console_owner_reply(b, err, err ? 0 : (uint32_t)r[1],
					      err ? 0 : (uint32_t)r[2]);
}

/* The caller's PML4 names it (procwait.c); none: ERR_CAP_EMPTY. */
static err_t on_beat(struct idl_binding *b, capaddr_t vroot)
{
	bool stop = false;
	err_t err = procwait_beat_at(vroot, &stop);

	return if_moncall_beat_reply(b, err, stop);
}

static err_t on_poweroff(struct idl_binding *b, uint8_t code, uint8_t how)
{
	uint64_t r[LMP_WORDS];

	return if_moncall_poweroff_reply(b, ask(b, MON_POWEROFF, 0, code, how, r));
}

/* Spans (span.c): the PML4 the call brought, at T_MONCAP, names the
 * process. */
static err_t on_span(struct idl_binding *b, uint32_t core, uint64_t entry, uint64_t stack,
		     uint64_t arg, capaddr_t vroot)
{
	const uint64_t a[3] = { entry, stack, arg };
	uint64_t r[LMP_WORDS];
	capaddr_t give;
	err_t err = ask_with(b, MON_SPAN, core, a, vroot, r, &give);

	return if_moncall_span_reply(b, err, (uint32_t)r[1]);
}

/* A run's rounds fit the reply's 16 bits: at most two per core (unicast). */
_Static_assert(2 * MESH_MAX_CORES <= UINT16_MAX, "rounds outgrow unmap's reply");

static err_t on_unmap(struct idl_binding *b, uint64_t va, uint64_t pages, uint32_t shape,
		      capaddr_t vroot)
{
	const uint64_t a[3] = { va, pages, shape };
	uint64_t r[LMP_WORDS];
	capaddr_t give;
	err_t err = ask_with(b, MON_UNMAP, 0, a, vroot, r, &give);

	/* As the packed reply: msgs | cross_node << 32, rounds | shape << 32,
	 * the cores (span.c's span_unmap), also after an error. */
	return if_moncall_unmap_reply(b, err, (uint8_t)(r[2] >> 32), (uint16_t)r[2],
				      (uint32_t)r[1], (uint32_t)(r[1] >> 32), r[3]);
}

static err_t on_span_wait(struct idl_binding *b, uint32_t span_id, capaddr_t vroot)
{
	const uint64_t a[3] = { span_id };
	uint64_t r[LMP_WORDS];
	capaddr_t give;
	err_t err = ask_with(b, MON_SPAN_WAIT, 0, a, vroot, r, &give);

	return if_moncall_span_wait_reply(b, err, err ? 0 : (int64_t)r[1], !err && r[2]);
}

/* RAM of another core's (rcap.c): the Frame its owner made comes back. */
static err_t on_ram_retype(struct idl_binding *b, uint64_t offset, uint64_t bytes, capaddr_t ram)
{
	const uint64_t a[3] = { offset, bytes };
	uint64_t r[LMP_WORDS];
	capaddr_t give;
	err_t err = ask_with(b, MON_RAM_RETYPE, 0, a, ram, r, &give);

	return if_moncall_ram_retype_reply(b, err, err ? IDL_CAP_NONE : give);
}

/* Channels (bind.c): each brings the caller's endpoint. */
static err_t on_export(struct idl_binding *b, const char *name, capaddr_t ep)
{
	uint64_t r[LMP_WORDS] = { 0 };
	err_t err = bind_export(name, ep != IDL_CAP_NONE, r);

	return if_moncall_export_reply(b, err, err ? 0 : (uint32_t)r[1]);
}

/* bind's and accept's answer: the end, and the channel's frame. */
static err_t end_reply(struct idl_binding *b, err_t err, const uint64_t r[LMP_WORDS],
		       capaddr_t give, bool bound)
{
	uint32_t end = err ? 0 : (uint32_t)r[1], slots = err ? 0 : (uint32_t)r[2];
	uint32_t peer = err ? 0 : (uint32_t)r[3];
	capaddr_t frame = err ? IDL_CAP_NONE : give;

	if (bound)
		return if_moncall_bind_reply(b, err, end, slots, peer, frame);
	return if_moncall_accept_reply(b, err, end, slots, peer, frame);
}

static err_t on_bind(struct idl_binding *b, const char *name, capaddr_t ep)
{
	uint64_t r[LMP_WORDS] = { 0 };
	capaddr_t give = 0;
	err_t err = bind_connect(name, ep != IDL_CAP_NONE, r, &give);

	return end_reply(b, err, r, give, true);
}

static err_t on_accept(struct idl_binding *b, uint32_t service, capaddr_t ep)
{
	const uint64_t a[3] = { service };
	uint64_t r[LMP_WORDS];
	capaddr_t give;
	err_t err = ask_with(b, MON_ACCEPT, 0, a, ep, r, &give);

	return end_reply(b, err, r, give, false);
}

static err_t on_bind_cap(struct idl_binding *b, uint32_t end, uint8_t which, capaddr_t ep)
{
	const uint64_t a[3] = { end, which };
	uint64_t r[LMP_WORDS];
	capaddr_t give;
	err_t err = ask_with(b, MON_BIND_CAP, 0, a, ep, r, &give);

	return if_moncall_bind_cap_reply(b, err, err ? IDL_CAP_NONE : give);
}

/* What a lent capability left at T_MONCAP when the request did not take
 * it: RAM of the caller's own goes back (no copy of it could come), as
 * the reply's `back`. (moncall_handle would send it back anyway, with a
 * reply that brings no capability: this says so in the reply.) */
static capaddr_t back_of(capaddr_t cap)
{
	return cap != IDL_CAP_NONE && rcap_own_ram(T_MONCAP) ? T_MONCAP : IDL_CAP_NONE;
}

static err_t on_spawn(struct idl_binding *b, uint32_t core, uint8_t flags, const char *name,
		      uint64_t arg, capaddr_t gift)
{
	const struct conv *c = b->user;
	const struct mon_spawn_req q = { .core = core, .flags = flags, .name = name, .arg = arg };
	uint64_t r[LMP_WORDS] = { 0, 0, 0, MON_NO_TOKEN };
	err_t err = core > 0xFFFF ? ERR_INVALID_ARG :
		    moncall_spawn(&q, c->admin, gift != IDL_CAP_NONE ? T_MONCAP : 0, r);

	return if_moncall_spawn_reply(b, err, err ? 0 : (uint32_t)r[1], err ? 0 : r[2], r[3],
				      back_of(gift));
}

static err_t on_cap_revoke(struct idl_binding *b, uint64_t token, capaddr_t frame)
{
	const uint64_t a[3] = { token };
	uint64_t r[LMP_WORDS];
	capaddr_t give;
	err_t err = ask_with(b, MON_CAP_REVOKE, 0, a, frame, r, &give);

	return if_moncall_cap_revoke_reply(b, err, r[1], back_of(frame));
}

/* A channel end's (bind.c); take() let only its control endpoint in. */
static err_t on_cap_put(struct idl_binding *b, capaddr_t frame)
{
	const uint64_t a[3] = { 0 };
	uint64_t r[LMP_WORDS];
	capaddr_t give;
	err_t err = ask_with(b, MON_CAP_PUT, 0, a, frame, r, &give);

	return if_moncall_cap_put_reply(b, err, err ? 0 : r[1]);
}

static err_t on_cap_get(struct idl_binding *b, uint64_t token)
{
	const uint64_t a[3] = { token };
	uint64_t r[LMP_WORDS];
	capaddr_t give;
	err_t err = ask_with(b, MON_CAP_GET, 0, a, IDL_CAP_NONE, r, &give);

	return if_moncall_cap_get_reply(b, err, err ? IDL_CAP_NONE : give);
}

static err_t on_unbind(struct idl_binding *b)
{
	const uint64_t a[3] = { 0 };
	uint64_t r[LMP_WORDS];
	capaddr_t give;

	return if_moncall_unbind_reply(b, ask_with(b, MON_UNBIND, 0, a, IDL_CAP_NONE, r, &give));
}

static const struct if_moncall_handlers handlers = {
	.ns_register_call = on_ns_register, .ns_lookup_call = on_ns_lookup,
	.ns_remove_call = on_ns_remove, .cores_call = on_cores, .view_call = on_view, .ping_call = on_ping,
	.mem_call = on_mem, .ps_call = on_ps, .kill_call = on_kill, .wait_call = on_wait,
	.stop_call = on_stop, .trace_snap_call = on_trace_snap,
	.trace_print_call = on_trace_print, .poweroff_call = on_poweroff,
	.beat_call = on_beat, .span_call = on_span, .span_wait_call = on_span_wait,
	.unmap_call = on_unmap,
	.ram_retype_call = on_ram_retype, .cap_put_call = on_cap_put,
	.cap_get_call = on_cap_get, .unbind_call = on_unbind, .export_call = on_export,
	.bind_call = on_bind, .accept_call = on_accept, .bind_cap_call = on_bind_cap,
	.spawn_call = on_spawn, .cap_revoke_call = on_cap_revoke,
	.console_read_call = on_console_read, .console_owner_call = on_console_owner,
};

/* ---- Conversations ---- */

/*
 * A ticket is a conversation's slot and a generation drawn at random:
 * every process sees its own tickets, and with generations counted up it
 * could name the next conversation's, another process's, and pull its
 * reply. A xorshift generator, with the TSC mixed in at every draw, so
 * that the tickets a process has seen do not give it the state. (A
 * handle that is hard to guess, still not a right: docs/interfaces.md.)
 */
static uint32_t next_generation(uint32_t old)
{
	uint32_t lo, hi, g;

	do {			/* never 0 (no ticket is), never the slot's last one */
		__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
		draws ^= ((uint64_t)hi << 32 | lo) * 0x9E3779B97F4A7C15ull;
		draws ^= draws << 13;
		draws ^= draws >> 7;
		draws ^= draws << 17;
		g = (uint32_t)(draws >> 32) & (MCALL_TICKET_MAX / MCALL_CONVS);
	} while (g == 0 || g == old);
	return g;
}

/* A fresh conversation: a free one, or the one that moved least recently. */
static struct conv *conv_new(uint64_t badge, bool admin)
{
	unsigned pick = 0;

	for (unsigned i = 0; i < MCALL_CONVS; i++) {
		if (!convs[i].ticket) {
			pick = i;
			break;
		}
		if (convs[i].moved < convs[pick].moved)
			pick = i;
	}
	struct conv *c = &convs[pick];
	memset(c, 0, sizeof(*c));
	if_moncall_init(&c->ib, &srv_transport, c, NULL);	/* cannot fail */
	c->ib.b.user = c;
	last_generation[pick] = next_generation(last_generation[pick]);
	c->ticket = last_generation[pick] * MCALL_CONVS + pick;
	c->badge = badge;
	c->admin = admin;
	return c;
}

static struct conv *conv_find(uint32_t ticket, uint64_t badge)
{
	struct conv *c = &convs[ticket % MCALL_CONVS];

	return ticket && c->ticket == ticket && c->badge == badge ? c : NULL;
}

/* The reply's next fragment; the conversation ends with its last. */
static void answer(struct conv *c, uint64_t r[LMP_WORDS])
{
	mcall_pack(&c->out[c->next_out++], c->ticket, r);
	if (c->next_out == c->nout)
		c->ticket = 0;
}

/* The calls that come on a channel end's control endpoint, and only there. */
static bool for_an_end(enum if_moncall_num num)
{
	return num == IF_MONCALL_CAP_PUT_CALL || num == IF_MONCALL_CAP_GET_CALL ||
	       num == IF_MONCALL_UNBIND_CALL;
}

bool mcall_is_ours(uint64_t w0)
{
	uint32_t top = (uint32_t)w0 >> 28;

	return top >= 0xA && top <= 0xD;
}

/* Takes one LMP call m: OK with its answer in r, or why it is refused
 * (and *cp the conversation to forget, if any). */
static err_t take(const struct lmp_msg *m, bool admin, uint64_t r[LMP_WORDS], struct conv **cp)
{
	uint32_t ticket = mcall_ticket(m->w[0]);
	struct if_moncall_msg msg;
	struct idl_frag f;
	struct conv *c;
	err_t err;

	if (m->w[0] == mcall_word0(MCALL_PULL, 0, ticket)) {
		if (!(*cp = c = conv_find(ticket, m->badge)) || c->next_out == 0)
			return ERR_NOT_FOUND;		/* none, or not answered yet */
		c->moved = ++moves;
		answer(c, r);
		return OK;
	}
	if (mcall_unpack(m->w, &f))
		return ERR_BAD_MESSAGE;
	/* At T_MONCAP until the next receive; the runtime refuses it with
	 * any fragment but an announced message's last (the top). */
	if (m->info & LMP_INFO_CAP)
		f.cap = T_MONCAP;
	else if (LMP_INFO_CAP_ERR(m->info))
		f.cap_err = (err_t)LMP_INFO_CAP_ERR(m->info);
	else
		f.cap_err = ERR_CAP_EMPTY;	/* (if announced) none was sent */
	if (f.hdr & IDL_HDR_FIRST) {
		if (ticket) {
			*cp = conv_find(ticket, m->badge);
			return ERR_BAD_MESSAGE;		/* a first fragment names none */
		}
		*cp = c = conv_new(m->badge, admin);
	} else if (!(*cp = c = conv_find(ticket, m->badge)) || c->nout) {
		return ERR_NOT_FOUND;			/* none, or its call is whole */
	}
	c->moved = ++moves;
	c->in = f;
	c->have_in = true;
	err = if_moncall_recv(&c->ib.b, &msg);
	if (err == ERR_WOULD_BLOCK) {
		r[0] = mcall_word0(MCALL_ACK, 0, c->ticket);
		return OK;
	}
	if (err)
		return err;				/* malformed: ERR_BAD_MESSAGE */
	/* As the packed form: an end's calls need its endpoint, which takes
	 * no other (a capability that came goes with the next receive). */
	if (for_an_end(msg.num) != bind_is_ctl(c->badge))
		return for_an_end(msg.num) ? ERR_CAP_RIGHTS : ERR_BAD_MESSAGE;
	mesh_rings_only(true);
	err = if_moncall_dispatch(&c->ib.b, &msg, &handlers);
	mesh_rings_only(false);
	if (!err && !c->nout)
		err = ERR_NO_REPLY;			/* every handler replies */
	if (!err)
		answer(c, r);
	return err;
}

void mcall_handle(const struct lmp_msg *m, bool admin, uint64_t r[LMP_WORDS], capaddr_t *give)
{
	struct conv *c = NULL;
	err_t err;

	memset(r, 0, LMP_WORDS * sizeof(r[0]));
	*give = 0;
	if ((err = take(m, admin, r, &c))) {
		if (c)
			c->ticket = 0;			/* forgotten */
		r[0] = MCALL_REFUSED;
		r[1] = (uint64_t)err;
		return;
	}
	if (c && c->next_out == 1 && c->out_cap) {
		*give = c->out_cap;		/* with the reply's first fragment */
		c->out_cap = 0;
	}
}
