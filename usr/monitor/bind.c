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
 * removed and the client gets ERR_NOT_FOUND.
 *
 * Messages (if/intermon.if, client's monitor -> server's monitor): bind
 * (the name, the service, the frame's rcap id, the client's doorbell) ->
 * bind_r (the server's doorbell). A bind naming a doorbell that cannot
 * be, or a bind_r nobody asked for, is refused (mesh.c counts and
 * reports it); one for a service the server's core does not have is
 * answered ERR_NOT_FOUND.
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
#define BIND_CN			12
#define T_BINDCN		CADDR(TASK_CN, 31)
#define BINDINGS		64
#define SERVICES		16
#define B_FRAME(b)		(3 * (b))
#define B_BELL(b)		(3 * (b) + 1)
#define B_EP(b)			(3 * (b) + 2)
#define S_EP(s)			(3 * BINDINGS + (s))
#define BELL_EP(s)		(3 * BINDINGS + SERVICES + (s))
#define SLOT(i)			CADDR(BIND_CN, (i))

_Static_assert(BELL_EP(NOTIFY_SLOTS) <= CNODE_L2_SLOTS, "the BIND CNode holds it all");
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
} bindings[BINDINGS];

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
	    (err = kernel_notify_bind(CPTR_KERNEL, T_MONCAP, (unsigned)s))) {
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
	for (s = 0; s < SERVICES && service_alive(s); s++)
		;
	if (s == SERVICES)
		return ERR_TOO_MANY;
	cnode_delete(T_BINDCN, S_EP(s));
	if ((err = bell_of(ep, &bell)) || (err = cnode_copy(T_BINDCN, S_EP(s), T_MONCAP)))
		return err;
	if ((err = names_register(&w[1], EXPORT_VALUE(s)))) {
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
	err = r ? rcap_get(r, T_BINDCN, B_FRAME(b)) : cnode_copy(T_BINDCN, B_FRAME(b), frame);
	if (err ||
	    (err = kernel_notify_mint(CPTR_KERNEL, from, (unsigned)from_bell, T_BINDCN, B_BELL(b))) ||
	    (err = cnode_copy(T_BINDCN, B_EP(b), SLOT(S_EP(svc))))) {
		for (unsigned k = 0; k < 3; k++)
			cnode_delete(T_BINDCN, 3 * b + k);
		return err;
	}
	bindings[b] = (struct binding){ .used = true, .server = true, .svc = (unsigned)svc,
					.seq = ++arrivals, .ep = services[svc].ep, .peer = from };
	*bell = services[svc].bell;
	kernel_notify(CPTR_KERNEL, me, *bell);	/* a client waits: come and accept */
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
	if ((err = names_lookup(&w[1], &core, &value)))
		return err;
	if (!IS_EXPORT(value))
		return ERR_NOT_EXPORTED;
	if ((err = new_binding(&b)))
		return err;
	bindings[b].used = true;	/* not the server's end's, when it is on this core */
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
	if (err || (err = kernel_notify_mint(CPTR_KERNEL, core, peer_bell, T_BINDCN, B_BELL(b))))
		goto fail;
	bindings[b] = (struct binding){ .used = true, .ep = ep, .peer = core };
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

/* The second capability of an end: the Notify capability for the peer's
 * doorbell, to the holder of the end's endpoint. */
static err_t second_cap(const uint64_t *w, bool has_cap, capaddr_t *give)
{
	uint64_t ep;
	err_t err;

	if (w[1] >= BINDINGS || !bindings[w[1]].used ||
	    (bindings[w[1]].server && !bindings[w[1]].accepted))
		return ERR_NOT_FOUND;
	if ((err = request_ep(has_cap, &ep)))
		return err;
	if (ep != bindings[w[1]].ep)
		return ERR_CAP_RIGHTS;
	*give = SLOT(B_BELL(w[1]));
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

/* A client's monitor on another core binds to a service of this core's.
 * The name is copied first: server_end may ask core 0 (names_remove),
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
	return OK;
}
