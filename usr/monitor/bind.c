/*
 * Channels between processes, brokered by the monitors (docs/binding.md).
 *
 * A server exports a name with an endpoint it receives on; a client on
 * any core binds to the name with an endpoint of its own. The client's
 * monitor makes the channel: a frame from its RAM (zeroed by the kernel,
 * so it is already an empty duplex channel, lib/urpc.h), sent to the
 * server's core with rcap_copy (the client's core stays the owner and
 * orders what happens to it), and a doorbell on each core that notifies
 * that side's endpoint. Each side gets the frame and a Notify capability
 * for the other side's doorbell: everything flotilla/uchan.h needs.
 *
 * A monitor cannot tell its processes apart (they all call through the
 * same badge), so it asks for proof instead: every request about an
 * export or a binding carries the endpoint it was made with, and only a
 * process holding that endpoint with the right to receive on it gets
 * the binding's capabilities. One LMP message carries one capability,
 * so a side takes its two in two calls: the frame with MON_BIND or
 * MON_ACCEPT, the Notify capability with MON_BIND_CAP.
 *
 * Doorbells are few (NOTIFY_SLOTS per core), so every channel whose end
 * waits on the same endpoint shares one: the endpoint's doorbell. A
 * receiver looks at its rings after every wake-up anyway (uchan.c), so a
 * ring meant for another channel costs a look, never a lost message.
 *
 * The server's monitor keeps what a client sent until the server takes
 * it: a BIND is answered at once (the client may send before the server
 * has accepted; the messages wait in the ring), and the server's
 * doorbell is rung so that it comes for it (MON_ACCEPT, oldest first).
 * An exporter that has died is noticed at the next BIND or export: the
 * monitor's copy of its endpoint went with its memory, so the name is
 * removed and the client gets ERR_NOT_FOUND; an export removes every dead
 * exporter's name first, so a restarted service can take its name back.
 *
 * Messages (if/intermon.if, client's monitor -> server's monitor): bind
 * (the name, the service, the frame's rcap id, the client's doorbell) ->
 * bind_r (the server's doorbell). A bind naming a doorbell that cannot
 * be, or a bind_r nobody asked for, is refused (mesh.c counts and
 * reports it); one for a service the server's core does not have is
 * answered ERR_NOT_FOUND.
 *
 * Capabilities over a channel (MON_CAP_PUT, MON_CAP_GET). Each end has a
 * control endpoint: a copy of the monitor's endpoint minted with a badge
 * that names the end and its generation (CTL_BADGE), handed to the holder
 * of the end's endpoint (MON_BIND_CAP with BIND_CAP_CTL). A request that
 * comes with that badge is that end's, whoever sends it, so one LMP
 * message can carry both the proof and the capability to send. To put a
 * Frame into a channel whose other end is on core P, the monitor sends P
 * a copy (rcap_copy: import) and then `grant`, naming the channel by its
 * frame's base address, which both monitors know. P's monitor files the
 * rcap id under the end of that channel, at most BIND_GRANTS at a time;
 * only a MON_CAP_GET on that end's control endpoint takes it, once. The
 * id is the token the sender writes into its message.
 */
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/lmp.h>
#include <flotilla/monitor.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include "lib/urpc.h"
#include "usr/monitor/monitor.h"

/* The value an export registers with the name service: a tag, so that a
 * name a process registered with ns_register is not taken for one, and
 * the service's index on the exporter's core. */
#define EXPORT_TAG		0xB1D0ull
#define EXPORT_VALUE(s)		(EXPORT_TAG << 48 | (s))
#define IS_EXPORT(v)		((v) >> 48 == EXPORT_TAG && ((v) & 0xFFFFFFFFFFFFull) < SERVICES)
#define EXPORT_SVC(v)		((unsigned)((v) & 0xFFFF))

/* The BIND CNode: per binding its frame, its Notify capability for the
 * peer's doorbell and a copy of its owner's endpoint; per service a copy
 * of the exporter's endpoint; per doorbell the endpoint it notifies. The
 * copies of endpoints are how the monitor learns that their process died
 * (they go when its memory is taken back). */
/* Channel ends on this core: enough for a server with a client on every
 * core, its own included (two ends here), and a few more. */
#define BINDINGS		(MAX_MESH_CORES + 4)
#define SERVICES		16
#define B_FRAME(b)		(3 * (b))
#define B_BELL(b)		(3 * (b) + 1)
#define B_EP(b)			(3 * (b) + 2)
#define S_EP(s)			(3 * BINDINGS + (s))
#define BELL_EP(s)		(3 * BINDINGS + SERVICES + (s))
#define GIVE_SLOT		BELL_EP(NOTIFY_SLOTS)	/* what a reply gives, made for it */
#define SLOT(i)			CADDR(BIND_CN, (i))
/* The badge of end b's control endpoint: a tag, its generation, b. */
#define CTL_TAG			0xB1Cull
#define CTL_BADGE(b, gen)	(CTL_TAG << 48 | (uint64_t)(gen) << 8 | (b))
#define CTL_GEN(badge)		((uint32_t)((badge) >> 8))
#define CTL_END(badge)		((unsigned)((badge) & 0xFF))

_Static_assert(GIVE_SLOT < CNODE_L2_SLOTS, "the BIND CNode holds it all");
_Static_assert(BINDINGS <= 256, "an end's index fits its badge");
_Static_assert(URPC_DUPLEX_BYTES(BIND_SLOTS) <= BIND_BYTES && !(BIND_SLOTS & (BIND_SLOTS - 1)),
	       "a binding's frame holds its rings");

static struct service {
	bool used;
	uint64_t name[2];
	uint64_t ep;		/* the exporter's endpoint (its object's address) */
	unsigned bell;
} services[SERVICES];

static struct binding {
	bool used;
	bool server;		/* the server's end, made by a client's BIND */
	bool accepted;		/* the server's end: MON_ACCEPT handed it out */
	unsigned svc;		/* the server's end: its service */
	uint64_t seq;		/* the server's end: arrival order */
	uint64_t ep;		/* the endpoint of the process holding this end */
	unsigned peer;		/* the other end's core */
	uint64_t chan;		/* the channel's frame's base: its name on both cores */
	uint64_t rcap;		/* the client's end, other core: the frame's rcap id */
	bool closed;		/* its process closed it (MON_UNBIND) */
	bool peer_closed;	/* the client's end: the server's end is gone */
	bool told;		/* the other end's core was told it closed */
	unsigned ngrants;
	uint64_t grants[BIND_GRANTS];	/* rcap ids the peer put, not yet fetched */
} bindings[BINDINGS];
static uint32_t gens[BINDINGS];	/* bumped each time an end is made: badges */

static uint64_t bell_ep[NOTIFY_SLOTS];	/* the endpoint each doorbell notifies */
static bool bell_used[NOTIFY_SLOTS];
static uint64_t arrivals;
static unsigned me;
static bool ready;

int bell_alloc(void)
{
	for (unsigned s = FIRST_BELL; s < NOTIFY_SLOTS; s++)
		if (!bell_used[s]) {
			bell_used[s] = true;
			return (int)s;
		}
	return -1;
}

void bell_free(unsigned s)
{
	if (s < NOTIFY_SLOTS) {
		bell_used[s] = false;
		bell_ep[s] = 0;
	}
}

static err_t setup(void)
{
	return monitor_cnode(&ready, T_BINDCN, BIND_CN, CNODE_L2_SLOTS);
}

/* Is the capability at slot i of the BIND CNode still there? */
static bool alive(unsigned i)
{
	struct cap_info ci;

	return cap_identify(SLOT(i), &ci) == OK;
}

/* The endpoint a request brought (at T_MONCAP): its address in *ep. It
 * must be an endpoint its sender may receive on. */
static err_t request_ep(bool has_cap, uint64_t *ep)
{
	return monitor_request_cap(has_cap, CAP_ENDPOINT, CAP_RIGHT_READ, ep);
}

/* The doorbell of endpoint ep (the one at T_MONCAP): the one it has, or a
 * new one. Bound again every time, so that a new endpoint at the address
 * of a dead one is the one notified. A doorbell whose endpoint died is
 * taken back when none is free. */
static err_t bell_of(uint64_t ep, unsigned *bell)
{
	int s = -1;
	err_t err;

	for (unsigned i = FIRST_BELL; i < NOTIFY_SLOTS && s < 0; i++)
		if (bell_used[i] && bell_ep[i] == ep)
			s = (int)i;
	if (s < 0 && (s = bell_alloc()) < 0) {
		for (unsigned i = FIRST_BELL; i < NOTIFY_SLOTS; i++)
			if (bell_ep[i] && !alive(BELL_EP(i))) {
				bell_free(i);		/* its process is gone */
				bell_used[i] = true;
				s = (int)i;
				break;
			}
		if (s < 0)
			return ERR_TOO_MANY;
	}
	cnode_delete(T_BINDCN, BELL_EP(s));
	if ((err = cnode_copy(T_BINDCN, BELL_EP(s), T_MONCAP)) ||
	    (err = kernel_notify_bind(CPTR_DOORBELL, T_MONCAP, (unsigned)s))) {
		if (!bell_ep[s])
			bell_free((unsigned)s);
		return err;
	}
	bell_ep[s] = ep;
	*bell = (unsigned)s;
	return OK;
}

static bool same_name(const uint64_t a[2], const uint64_t b[2])
{
	return a[0] == b[0] && a[1] == b[1];
}

/* Is service s there, with its exporter alive? A dead one is removed,
 * name and all. */
static bool service_alive(unsigned s)
{
	if (!services[s].used)
		return false;
	if (alive(S_EP(s)))
		return true;
	names_remove((const char *)services[s].name);
	services[s].used = false;
	return false;
}

static err_t new_binding(unsigned *b)
{
	for (unsigned i = 0; i < BINDINGS; i++)
		if (!bindings[i].used) {
			for (unsigned k = 0; k < 3; k++)
				cnode_delete(T_BINDCN, 3 * i + k);
			gens[i]++;	/* an old control endpoint names it no more */
			*b = i;
			return OK;
		}
	return ERR_TOO_MANY;
}

/* ---- The server's core ---- */

static err_t export(const uint64_t *w, bool has_cap, uint64_t *r)
{
	uint64_t ep;
	unsigned s, bell;
	err_t err;

	if (!names_well_formed(&w[1]))
		return ERR_BAD_MESSAGE;
	if ((err = request_ep(has_cap, &ep)) || (err = setup()))
		return err;
	/* Every dead exporter's name goes first: a supervised service,
	 * restarted, exports its name again. */
	for (s = 0; s < SERVICES; s++)
		service_alive(s);
	for (s = 0; s < SERVICES && services[s].used; s++)
		;
	if (s == SERVICES)
		return ERR_TOO_MANY;
	cnode_delete(T_BINDCN, S_EP(s));
	if ((err = bell_of(ep, &bell)) || (err = cnode_copy(T_BINDCN, S_EP(s), T_MONCAP)))
		return err;
	if ((err = names_register((const char *)&w[1], EXPORT_VALUE(s)))) {
		cnode_delete(T_BINDCN, S_EP(s));
		return err;
	}
	services[s] = (struct service){ .used = true, .ep = ep, .bell = bell };
	memcpy(services[s].name, &w[1], sizeof(services[s].name));
	r[1] = s;
	return OK;
}

/* A client on core `from` binds to service svc (named `name`); its frame
 * is `frame` here (same core) or rcap r's import; the client's doorbell
 * is `from_bell` of `from`. Makes the server's end, rings the server,
 * and gives the doorbell the client rings in *bell. */
static err_t server_end(unsigned from, const uint64_t name[2], uint64_t svc, capaddr_t frame,
			const struct rcap *r, uint64_t from_bell, unsigned *bell)
{
	unsigned b;
	err_t err;

	if (svc >= SERVICES || !service_alive((unsigned)svc) ||
	    !same_name(services[svc].name, name))
		return ERR_NOT_FOUND;
	if (from_bell >= NOTIFY_SLOTS)
		return ERR_BAD_MESSAGE;
	if ((err = new_binding(&b)))
		return err;
	struct cap_info fi;
	err = r ? rcap_get(r, T_BINDCN, B_FRAME(b)) : cnode_copy(T_BINDCN, B_FRAME(b), frame);
	if (err || (err = cap_identify(SLOT(B_FRAME(b)), &fi)) ||
	    (err = kernel_notify_mint(CPTR_DOORBELL, from, (unsigned)from_bell, T_BINDCN, B_BELL(b))) ||
	    (err = cnode_copy(T_BINDCN, B_EP(b), SLOT(S_EP(svc))))) {
		for (unsigned k = 0; k < 3; k++)
			cnode_delete(T_BINDCN, 3 * b + k);
		return err;
	}
	bindings[b] = (struct binding){ .used = true, .server = true, .svc = (unsigned)svc,
					.seq = ++arrivals, .ep = services[svc].ep, .peer = from,
					.chan = fi.base };
	*bell = services[svc].bell;
	kernel_notify(CPTR_DOORBELL, me, *bell);	/* a client waits: come and accept */
	return OK;
}

static err_t accept(const uint64_t *w, bool has_cap, uint64_t *r, capaddr_t *give)
{
	uint64_t ep;
	int oldest = -1;
	err_t err;

	if (w[1] >= SERVICES || !services[w[1]].used)
		return ERR_NOT_FOUND;
	if ((err = request_ep(has_cap, &ep)))
		return err;
	if (ep != services[w[1]].ep)
		return ERR_CAP_RIGHTS;		/* not the exporter's endpoint */
	for (unsigned i = 0; i < BINDINGS; i++) {
		const struct binding *b = &bindings[i];
		if (b->used && b->server && !b->accepted && b->svc == w[1] &&
		    (oldest < 0 || b->seq < bindings[oldest].seq))
			oldest = (int)i;
	}
	if (oldest < 0)
		return ERR_WOULD_BLOCK;		/* no client waits */
	bindings[oldest].accepted = true;
	r[1] = (unsigned)oldest;
	r[2] = BIND_SLOTS;
	r[3] = bindings[oldest].peer;
	*give = SLOT(B_FRAME(oldest));
	return OK;
}

/* ---- The client's core ---- */

/* Asks the server's core for its end; its doorbell in *peer_bell. */
static err_t ask_bind(unsigned core, const char *name, unsigned svc, uint64_t frame,
		      unsigned bell, unsigned *peer_bell)
{
	struct mesh_ask a;
	err_t err;

	if ((err = mesh_ask(&a, core, IF_INTERMON_BIND_R, peer_bell)))
		return err;
	return mesh_await(&a, if_intermon_bind_send(mesh_to(core), a.id, name, svc, frame, bell));
}

static err_t on_bind_r(struct idl_binding *b, uint64_t id, err_t status, uint32_t server_bell)
{
	struct mesh_ask *a = mesh_answer(b, IF_INTERMON_BIND_R, id, status);

	if (!a)
		return ERR_BAD_MESSAGE;		/* no one asked, or asked already */
	*(unsigned *)a->out = server_bell;
	return OK;
}

static err_t bind(const uint64_t *w, bool has_cap, uint64_t *r, capaddr_t *give)
{
	uint64_t ep, value;
	unsigned core, bell, peer_bell = 0, b;
	struct rcap rc = { 0 };
	struct cap_info fi = { 0 };
	bool sent = false;
	err_t err;

	if (!names_well_formed(&w[1]))
		return ERR_BAD_MESSAGE;
	if ((err = request_ep(has_cap, &ep)) || (err = setup()))
		return err;
	if ((err = names_lookup((const char *)&w[1], &core, &value)))
		return err;
	if (!IS_EXPORT(value))
		return ERR_NOT_EXPORTED;
	if ((err = new_binding(&b)))
		return err;
	bindings[b] = (struct binding){ .used = true };	/* not the server's end's, when
							 * it is on this core; chan 0: not
							 * swept until it is made */
	if ((err = bell_of(ep, &bell)))
		goto fail;
	if ((err = ram_retype(T_BINDCN, B_FRAME(b), CAP_FRAME, BIND_BYTES)) ||
	    (err = cap_identify(SLOT(B_FRAME(b)), &fi)) ||
	    (err = cnode_copy(T_BINDCN, B_EP(b), T_MONCAP)))
		goto fail;
	if (core == me) {
		err = server_end(me, &w[1], EXPORT_SVC(value), SLOT(B_FRAME(b)), NULL, bell,
				 &peer_bell);
	} else if (!(err = rcap_copy(SLOT(B_FRAME(b)), core, &rc))) {
		sent = true;
		err = ask_bind(core, (const char *)&w[1], EXPORT_SVC(value), rc.id, bell, &peer_bell);
	}
	if (err || (err = kernel_notify_mint(CPTR_DOORBELL, core, peer_bell, T_BINDCN, B_BELL(b))))
		goto fail;
	bindings[b] = (struct binding){ .used = true, .ep = ep, .peer = core, .chan = fi.base,
					.rcap = rc.id };
	r[1] = b;
	r[2] = BIND_SLOTS;
	r[3] = core;
	*give = SLOT(B_FRAME(b));
	return OK;
fail:
	bindings[b].used = false;
	if (sent)
		rcap_revoke(&rc);		/* the server's core lets its copy go */
	for (unsigned k = 0; k < 3; k++)
		cnode_delete(T_BINDCN, 3 * b + k);
	if (fi.base)
		ram_release(fi.base);
	return err;
}

/* Is end b there, handed out (a server's end once accepted) and open? */
static bool end_out(uint64_t b)
{
	return b < BINDINGS && bindings[b].used && !bindings[b].closed &&
	       (!bindings[b].server || bindings[b].accepted);
}

/* The other capabilities of an end, to the holder of its endpoint: the
 * Notify capability for the peer's doorbell (w[2] 0), or the end's
 * control endpoint (w[2] BIND_CAP_CTL), minted now. */
static err_t second_cap(const uint64_t *w, bool has_cap, capaddr_t *give)
{
	uint64_t ep;
	err_t err;

	if (!end_out(w[1]))
		return ERR_NOT_FOUND;
	if (w[2] > BIND_CAP_CTL)
		return ERR_INVALID_ARG;
	if ((err = request_ep(has_cap, &ep)))
		return err;
	if (ep != bindings[w[1]].ep)
		return ERR_CAP_RIGHTS;
	if (w[2] == 0) {
		*give = SLOT(B_BELL(w[1]));
		return OK;
	}
	cnode_delete(T_BINDCN, GIVE_SLOT);
	if ((err = cnode_mint(T_BINDCN, GIVE_SLOT, T_FAULTEP, CAP_RIGHT_WRITE | CAP_RIGHT_GRANT,
			      CTL_BADGE(w[1], gens[w[1]]))))
		return err;
	*give = SLOT(GIVE_SLOT);
	return OK;
}

err_t bind_request(const uint64_t *w, bool has_cap, uint64_t *r, capaddr_t *give)
{
	switch (MON_OP(w[0])) {
	case MON_EXPORT:
		return export(w, has_cap, r);
	case MON_BIND:
		return bind(w, has_cap, r, give);
	case MON_ACCEPT:
		return accept(w, has_cap, r, give);
	case MON_BIND_CAP:
		return second_cap(w, has_cap, give);
	}
	return ERR_BAD_MESSAGE;
}

/* ---- Capabilities over a channel ---- */

bool bind_is_ctl(uint64_t badge)
{
	return badge >> 48 == CTL_TAG;
}

/* The end a control endpoint's badge names, if it is still that end. */
static struct binding *ctl_end(uint64_t badge)
{
	unsigned b = CTL_END(badge);

	if (!bind_is_ctl(badge) || badge != CTL_BADGE(b, CTL_GEN(badge)) || !end_out(b) ||
	    gens[b] != CTL_GEN(badge))
		return NULL;
	return &bindings[b];
}

/* Asks `core` to file rcap id `rcap` under its end of channel `chan`. */
err_t bind_ask_grant(unsigned core, uint64_t chan, uint64_t rcap)
{
	struct mesh_ask a;
	err_t err;

	if ((err = mesh_ask(&a, core, IF_INTERMON_GRANT_R, NULL)))
		return err;
	return mesh_await(&a, if_intermon_grant_send(mesh_to(core), a.id, chan, rcap));
}

/* ---- Closing a channel ----
 *
 * Each end closes its own (MON_UNBIND); an end whose process has died
 * counts as closed (its endpoint copy is gone). The server's end goes at
 * once: revoking the monitor's copy of the frame deletes the server's
 * copies and their mappings. The client's end waits for the server's,
 * because its core owns the frame: only when the server's core no longer
 * uses its copy may it revoke that copy (rcap's mark and commit), then its
 * own process's, and give the memory back (take_back). Each side tells
 * the other with `unbind`, whose answer says whether the other end is
 * done too; an end of this core is told directly. */

/* Is end i closed? One whose process has died is closed now. */
static bool end_done(unsigned i)
{
	if (!bindings[i].closed && !alive(B_EP(i)))
		bindings[i].closed = true;
	return bindings[i].closed;
}

/* End i's record and capabilities go; the process's copies of the frame
 * (children of the monitor's) with them. */
/* The doorbell of endpoint ep goes back once no end or service here
 * uses it: a process may delete an endpoint and live on (a client that
 * closes and binds again with a new one), and the copy kept here would
 * hold the doorbell for ever (alive() is true while the copy is). */
static void bell_put(uint64_t ep)
{
	for (unsigned i = 0; i < BINDINGS; i++)
		if (bindings[i].used && bindings[i].ep == ep)
			return;
	for (unsigned s = 0; s < SERVICES; s++)
		if (services[s].used && services[s].ep == ep)
			return;
	for (unsigned s = FIRST_BELL; s < NOTIFY_SLOTS; s++)
		if (bell_used[s] && bell_ep[s] == ep) {
			cnode_delete(T_BINDCN, BELL_EP(s));
			bell_free(s);
		}
}

static void free_end(unsigned i)
{
	cnode_revoke(T_BINDCN, B_FRAME(i));
	for (unsigned k = 0; k < 3; k++)
		cnode_delete(T_BINDCN, 3 * i + k);
	bindings[i].used = false;
	bell_put(bindings[i].ep);
}

/* The client's end i, once the server's end is gone: every copy of the
 * frame goes, and its memory back to this monitor. */
static err_t take_back(unsigned i)
{
	struct binding *e = &bindings[i];
	const struct rcap rc = { .owner = me, .id = e->rcap };
	uint64_t base = e->chan;
	err_t err;

	if (!e->used || !e->closed)
		return OK;			/* taken back already (both closed at once) */
	if (e->peer != me && (err = rcap_revoke(&rc)))
		return err;			/* still pinned there: keep it, safely */
	free_end(i);
	return ram_release(base);
}

/* The other core's (or this core's other) end of channel chan, from
 * core `from`, is closed: the end here, if any, learns it; *closed says
 * whether this end is done too. `server`: which end is wanted here (-1:
 * the one there is; on one core both ends share the name). */
static err_t unbind_here(unsigned from, uint64_t chan, int server, bool *closed)
{
	unsigned i;

	for (i = 0; i < BINDINGS; i++) {
		const struct binding *e = &bindings[i];
		if (e->used && e->peer == from && e->chan == chan &&
		    (server < 0 || e->server == (bool)server))
			break;
	}
	*closed = true;
	if (i == BINDINGS)
		return OK;			/* nothing of it here (gone already) */
	if (bindings[i].server) {
		if (!(*closed = end_done(i)))
			return OK;		/* the server goes on until it closes */
		free_end(i);
		return OK;
	}
	bindings[i].peer_closed = true;
	if (!(*closed = end_done(i)))
		return OK;
	return take_back(i);
}

/* Tells the other end's monitor that end e closed. */
err_t bind_ask_unbind(unsigned core, uint64_t chan, bool *closed)
{
	struct mesh_ask a;
	err_t err;

	if ((err = mesh_ask(&a, core, IF_INTERMON_UNBIND_R, closed)))
		return err;
	return mesh_await(&a, if_intermon_unbind_send(mesh_to(core), a.id, chan));
}

static err_t tell_peer(const struct binding *e, bool *closed)
{
	if (e->peer == me)
		return unbind_here(me, e->chan, !e->server, closed);
	return bind_ask_unbind(e->peer, e->chan, closed);
}

static err_t unbind(unsigned i)
{
	struct binding *e = &bindings[i];
	bool closed = false;
	err_t err;

	e->closed = true;
	e->told = true;			/* before any wait: bind_proc_ending skips it */
	e->ngrants = 0;			/* offers not taken are forgotten */
	if (e->server) {
		free_end(i);
		return tell_peer(e, &closed);	/* the record is read, not reused */
	}
	if (!e->peer_closed && (err = tell_peer(e, &closed)))
		return err;
	return e->peer_closed || closed ? take_back(i) : OK;
}

/*
 * A process that dies holding an end never says MON_UNBIND, and its end
 * counts as closed only when someone asks (end_done): a client that closed
 * and then a server that died left both records, and the channel's frame
 * on the client's core, for ever. So as a process of this core is
 * destroyed (supervise.c's proc_ending, on every path: exit, fault,
 * kill), each end it holds (its endpoint lies in the process's memory,
 * [base, base + size)) is closed here, and the other end's core told with
 * end_closed, which asks nothing back: proc_ending runs inside whatever
 * the monitor was doing (an ask of its own, another core's request), and
 * a wait for an answer there could wait for ever (mesh.c: while it waits
 * a monitor only answers). A server's end goes at once; a client's end
 * gives the frame back now if the server's end is gone already, else when
 * the server's core says so (on_end_closed). An end still being made
 * (chan 0) or already closed (told) is left alone.
 */
/* Whether the other end is done too, which only an end on this core can
 * say at once (another core's answers with end_closed in turn). */
static bool tell_closed(const struct binding *e)
{
	bool closed = false;

	if (e->peer == me)
		unbind_here(me, e->chan, !e->server, &closed);
	else
		if_intermon_end_closed_send(mesh_to(e->peer), e->chan);
	return closed;
}

void bind_proc_ending(uint64_t base, uint64_t size)
{
	for (unsigned i = 0; ready && i < BINDINGS; i++) {
		struct binding *e = &bindings[i];
		if (!e->used || !e->chan || e->told || e->ep < base || e->ep - base >= size)
			continue;
		e->closed = e->told = true;
		e->ngrants = 0;
		if (e->server) {
			free_end(i);
			tell_closed(e);		/* the record is read, not reused */
		} else if (e->peer_closed || tell_closed(e)) {
			take_back(i);		/* an error leaves it pinned, safely */
		}
	}
}

/* The other end of channel chan, on the sender's core, is closed. If that
 * closes a server's end here, the client's core hears it back: the client
 * is done (its process died), and it waits for this to give the frame
 * back. */
static err_t on_end_closed(struct idl_binding *b, uint64_t chan)
{
	unsigned from = mesh_peer(b), i;
	bool closed;
	err_t err;

	if (chan == 0)
		return ERR_BAD_MESSAGE;		/* no channel is named 0: an end being made is */
	for (i = 0; i < BINDINGS; i++)
		if (bindings[i].used && bindings[i].peer == from && bindings[i].chan == chan)
			break;
	if (i == BINDINGS)
		return OK;			/* nothing of it here (gone already) */
	bool server = bindings[i].server;
	if ((err = unbind_here(from, chan, -1, &closed)))
		return err;
	if (server && closed)
		return if_intermon_end_closed_send(mesh_to(from), chan);
	return OK;
}

static err_t on_unbind(struct idl_binding *b, uint64_t id, uint64_t chan)
{
	bool closed;
	err_t err = unbind_here(mesh_peer(b), chan, -1, &closed);

	return if_intermon_unbind_r_send(b, id, err, closed);
}

static err_t on_unbind_r(struct idl_binding *b, uint64_t id, err_t status, bool closed)
{
	struct mesh_ask *a = mesh_answer(b, IF_INTERMON_UNBIND_R, id, status);

	if (!a)
		return ERR_BAD_MESSAGE;		/* no one asked, or asked already */
	*(bool *)a->out = closed;
	return OK;
}

/* MON_CAP_PUT: the Frame at T_MONCAP goes to the other end's core. A
 * type that cannot cross says why (cap_type_crosses, kpi/caps.h). */
static err_t put(struct binding *e, bool has_cap, uint64_t *r)
{
	struct cap_info ci;
	struct rcap rc;
	uint64_t base;
	err_t err;

	if (e->peer == me)
		return ERR_UNSUPPORTED;		/* one core: LMP carries capabilities */
	if (has_cap && cap_identify(T_MONCAP, &ci) == OK && (err = cap_type_crosses(ci.type)))
		return err;
	if ((err = monitor_request_cap(has_cap, CAP_FRAME, 0, &base)) ||
	    (err = rcap_copy(T_MONCAP, e->peer, &rc)) ||
	    (err = bind_ask_grant(e->peer, e->chan, rc.id)))
		return err;
	r[1] = rc.id;
	return OK;
}

/* MON_CAP_GET: the Frame the other end put under token w[1], once. */
static err_t get(struct binding *e, const uint64_t *w, capaddr_t *give)
{
	const struct rcap rc = { .owner = e->peer, .id = w[1] };
	unsigned i;
	err_t err;

	for (i = 0; i < e->ngrants && e->grants[i] != w[1]; i++)
		;
	if (i == e->ngrants)
		return ERR_NOT_FOUND;		/* not put into this channel, or taken */
	e->grants[i] = e->grants[--e->ngrants];	/* taken, or gone */
	cnode_delete(T_BINDCN, GIVE_SLOT);
	if ((err = rcap_get(&rc, T_BINDCN, GIVE_SLOT)))
		return err;			/* revoked meanwhile: the offer is gone */
	*give = SLOT(GIVE_SLOT);
	return OK;
}

err_t bind_ctl_request(uint64_t badge, const uint64_t *w, bool has_cap, uint64_t *r,
		       capaddr_t *give)
{
	struct binding *e = ctl_end(badge);

	if (!e)
		return ERR_NOT_FOUND;		/* that end is gone */
	switch (MON_OP(w[0])) {
	case MON_CAP_PUT:
		return put(e, has_cap, r);
	case MON_CAP_GET:
		return get(e, w, give);
	case MON_UNBIND:
		return unbind((unsigned)(e - bindings));
	}
	return ERR_BAD_MESSAGE;
}

/* The monitor of the other end of a channel on this core offers its
 * end a capability; the end is found by the channel's name and the
 * sender's core. */
static err_t on_grant(struct idl_binding *b, uint64_t id, uint64_t chan, uint64_t rcap)
{
	unsigned from = mesh_peer(b), i;
	err_t err = ERR_NOT_FOUND;

	for (i = 0; i < BINDINGS; i++)
		if (bindings[i].used && !bindings[i].closed && bindings[i].peer == from &&
		    bindings[i].chan == chan)
			break;
	if (i == BINDINGS)
		return if_intermon_grant_r_send(b, id, err);	/* no such channel here */
	struct binding *e = &bindings[i];
	const struct rcap rc = { .owner = from, .id = rcap };
	if (e->ngrants == BIND_GRANTS)
		err = ERR_TOO_MANY;
	else if (!(err = rcap_held(&rc)))
		e->grants[e->ngrants++] = rcap;
	return if_intermon_grant_r_send(b, id, err);
}

static err_t on_grant_r(struct idl_binding *b, uint64_t id, err_t status)
{
	return mesh_answer(b, IF_INTERMON_GRANT_R, id, status) ? OK : ERR_BAD_MESSAGE;
}

/* A client's monitor on another core binds to a service of this core's.
 * The name is copied first: server_end may wait for the agreement
 * (names_remove),
 * and what arrived meanwhile would overwrite it. */
static err_t on_bind(struct idl_binding *b, uint64_t id, const char *s, uint32_t service,
		     uint64_t frame, uint32_t client_bell)
{
	unsigned from = mesh_peer(b), bell = 0;
	struct rcap rc = { .owner = from, .id = frame };
	uint64_t name[2] = { 0, 0 };
	err_t err;

	memcpy(name, s, strlen(s));
	if (!names_well_formed(name) || client_bell < FIRST_BELL || client_bell >= NOTIFY_SLOTS)
		return ERR_BAD_MESSAGE;
	if (!(err = setup()))
		err = server_end(from, name, service, 0, &rc, client_bell, &bell);
	return if_intermon_bind_r_send(mesh_to(from), id, err, bell);
}

err_t bind_init(unsigned core)
{
	me = core;
	mesh_handlers.bind = on_bind;
	mesh_handlers.bind_r = on_bind_r;
	mesh_handlers.grant = on_grant;
	mesh_handlers.grant_r = on_grant_r;
	mesh_handlers.unbind = on_unbind;
	mesh_handlers.unbind_r = on_unbind_r;
	mesh_handlers.end_closed = on_end_closed;
	return OK;
}
