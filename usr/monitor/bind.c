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
 * A process's badge says who asks, not what it may do (a family of
 * processes shares one; moncall.c), so the monitor asks for proof
 * instead: every request about an
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
 *
 * Closing a channel, and the ends of a process that dies: bindclose.c.
 */
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/lmp.h>
#include <flotilla/monitor.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include "lib/urpc.h"
#include "usr/monitor/bind.h"

/* The value an export registers with the name service: a tag, so that a
 * name a process registered with ns_register is not taken for one, and
 * the service's index on the exporter's core. */
#define EXPORT_TAG		0xB1D0ull
#define EXPORT_VALUE(s)		(EXPORT_TAG << 48 | (s))
#define IS_EXPORT(v)		((v) >> 48 == EXPORT_TAG && ((v) & 0xFFFFFFFFFFFFull) < SERVICES)
#define EXPORT_SVC(v)		((unsigned)((v) & 0xFFFF))

_Static_assert(GIVE_SLOT < CNODE_L2_SLOTS, "the BIND CNode holds it all");
_Static_assert(BINDINGS <= 256, "an end's index fits its badge");
_Static_assert(URPC_DUPLEX_BYTES(BIND_SLOTS) <= BIND_BYTES && !(BIND_SLOTS & (BIND_SLOTS - 1)),
	       "a binding's frame holds its rings");

struct service services[SERVICES];
struct binding bindings[BINDINGS];
static uint32_t gens[BINDINGS];	/* bumped each time an end is made: badges */

uint64_t bell_ep[NOTIFY_SLOTS];
bool bell_used[NOTIFY_SLOTS];
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

bool bind_ready(void)
{
	return ready;
}

/* Is the capability at slot i of the BIND CNode still there? */
bool bind_alive(unsigned i)
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
			if (bell_ep[i] && !bind_alive(BELL_EP(i))) {
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

/* Is service s there, with its exporter alive? A dead one is removed,
 * name and all. */
static bool service_alive(unsigned s)
{
	if (!services[s].used)
		return false;
	if (bind_alive(S_EP(s)))
		return true;
	names_remove(services[s].name);
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

err_t bind_export(const char *name, bool has_cap, uint64_t *r)
{
	uint64_t ep;
	unsigned s, bell;
	err_t err;

	if (!names_valid(name))
		return ERR_INVALID_ARG;
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
	if ((err = names_register(name, EXPORT_VALUE(s)))) {
		cnode_delete(T_BINDCN, S_EP(s));
		return err;
	}
	services[s] = (struct service){ .used = true, .ep = ep, .bell = bell };
	memcpy(services[s].name, name, strlen(name) + 1);	/* names_valid: it fits */
	r[1] = s;
	return OK;
}

/* A client on core `from` binds to service svc (named `name`); its frame
 * is `frame` here (same core) or rcap r's import; the client's doorbell
 * is `from_bell` of `from`. Makes the server's end, rings the server,
 * and gives the doorbell the client rings in *bell. */
static err_t server_end(unsigned from, const char *name, uint64_t svc, capaddr_t frame,
			const struct rcap *r, uint64_t from_bell, unsigned *bell)
{
	unsigned b;
	err_t err;

	if (svc >= SERVICES || !service_alive((unsigned)svc) ||
	    strcmp(services[svc].name, name) != 0)
		return ERR_NOT_FOUND;
	if (from_bell >= NOTIFY_SLOTS)
		return ERR_BAD_MESSAGE;
	if ((err = new_binding(&b)))
		return err;
	struct cap_info fi;
	err = r ? rcap_get(r, from, T_BINDCN, B_FRAME(b)) : cnode_copy(T_BINDCN, B_FRAME(b), frame);
	if (err || (err = cap_identify(SLOT(B_FRAME(b)), &fi)) ||
	    (err = kernel_notify_mint(CPTR_DOORBELL, from, (unsigned)from_bell, T_BINDCN, B_BELL(b))) ||
	    (err = cnode_copy(T_BINDCN, B_EP(b), SLOT(S_EP(svc))))) {
		for (unsigned k = 0; k < 3; k++)
			cnode_delete(T_BINDCN, 3 * b + k);
		rcap_collect_soon();		/* the frame's import may be unheld again */
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

err_t bind_connect(const char *name, bool has_cap, uint64_t *r, capaddr_t *give)
{
	uint64_t ep, value;
	unsigned core, bell, peer_bell = 0, b;
	struct rcap rc = { 0 };
	struct cap_info fi = { 0 };
	bool sent = false;
	err_t err;

	if (!names_valid(name))
		return ERR_INVALID_ARG;
	if ((err = request_ep(has_cap, &ep)) || (err = setup()))
		return err;
	if ((err = names_lookup(name, &core, &value)))
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
		err = server_end(me, name, EXPORT_SVC(value), SLOT(B_FRAME(b)), NULL, bell,
				 &peer_bell);
	} else if (!(err = rcap_copy(SLOT(B_FRAME(b)), core, &rc))) {
		sent = true;
		err = ask_bind(core, name, EXPORT_SVC(value), rc.id, bell, &peer_bell);
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
	char name[2 * sizeof(uint64_t)];

	switch (MON_OP(w[0])) {
	case MON_EXPORT:	/* packed: a name of at most 15 characters */
		if (!names_from_words(&w[1], name))
			return ERR_BAD_MESSAGE;
		return bind_export(name, has_cap, r);
	case MON_BIND:
		if (!names_from_words(&w[1], name))
			return ERR_BAD_MESSAGE;
		return bind_connect(name, has_cap, r, give);
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

err_t bind_reply_slot(capaddr_t *cn, uint64_t *slot, capaddr_t *at)
{
	err_t err = setup();

	if (err)
		return err;
	cnode_delete(T_BINDCN, GIVE_SLOT);
	*cn = T_BINDCN;
	*slot = GIVE_SLOT;
	*at = SLOT(GIVE_SLOT);
	return OK;
}

bool bind_gives_away(capaddr_t give)
{
	return give == SLOT(GIVE_SLOT);
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
	const struct rcap rc = rcap_named(w[1]);	/* the peer's, or relayed */
	unsigned i;
	err_t err;

	for (i = 0; i < e->ngrants && e->grants[i] != w[1]; i++)
		;
	if (i == e->ngrants)
		return ERR_NOT_FOUND;		/* not put into this channel, or taken */
	e->grants[i] = e->grants[--e->ngrants];	/* taken, or gone */
	cnode_delete(T_BINDCN, GIVE_SLOT);
	err = rcap_get(&rc, me, T_BINDCN, GIVE_SLOT);	/* checked when it was offered */
	rcap_unoffer(&rc);
	if (err)
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
		return bind_unbind((unsigned)(e - bindings));
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
	const struct rcap rc = rcap_named(rcap);	/* the sender's, or relayed */
	if (e->ngrants == BIND_GRANTS)
		err = ERR_TOO_MANY;
	else if (!(err = rcap_offer(&rc, from)))
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
	char name[NS_NAME_MAX + 1];
	err_t err;

	if (!names_valid(s) || client_bell < FIRST_BELL || client_bell >= NOTIFY_SLOTS)
		return ERR_BAD_MESSAGE;
	memcpy(name, s, strlen(s) + 1);
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
	bindclose_init(core);
	return OK;
}
