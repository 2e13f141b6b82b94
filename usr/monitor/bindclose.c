/*
 * Closing a channel (docs/binding.md), bind.c's other half.
 *
 * Each end closes its own (MON_UNBIND); an end whose process has died
 * counts as closed (its endpoint copy is gone). The server's end goes at
 * once: revoking the monitor's copy of the frame deletes the server's
 * copies and their mappings. The client's end waits for the server's,
 * because its core owns the frame: only when the server's core no longer
 * uses its copy may it revoke that copy (rcap's mark and commit), then its
 * own process's, and give the memory back (take_back). Each side tells
 * the other with `unbind`, whose answer says whether the other end is
 * done too; an end of this core is told directly.
 */
#include <flotilla/caps.h>
#include <flotilla/spawn.h>
#include "usr/monitor/bind.h"

static unsigned me;

/* Is end i closed? One whose process has died is closed now. */
static bool end_done(unsigned i)
{
	if (!bindings[i].closed && !bind_alive(B_EP(i)))
		bindings[i].closed = true;
	return bindings[i].closed;
}

/* The doorbell of endpoint ep goes back once no end or service here
 * uses it: a process may delete an endpoint and live on (a client that
 * closes and binds again with a new one), and the copy kept here would
 * hold the doorbell for ever (bind_alive is true while the copy is). */
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

/* The offers end e was made and never fetched: their imports may go back. */
static void forget_offers(struct binding *e)
{
	for (unsigned k = 0; k < e->ngrants; k++) {
		const struct rcap rc = rcap_named(e->grants[k]);
		rcap_unoffer(&rc);
	}
	e->ngrants = 0;
}

/* End i's record and capabilities go; the process's copies of the frame
 * (children of the monitor's) with them, and its offers not fetched. */
static void free_end(unsigned i)
{
	forget_offers(&bindings[i]);
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

err_t bind_unbind(unsigned i)
{
	struct binding *e = &bindings[i];
	bool closed = false;
	err_t err;

	e->closed = true;
	e->told = true;			/* before any wait: bind_proc_ending skips it */
	forget_offers(e);		/* offers not taken are forgotten */
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
	for (unsigned i = 0; bind_ready() && i < BINDINGS; i++) {
		struct binding *e = &bindings[i];
		if (!e->used || !e->chan || e->told || e->ep < base || e->ep - base >= size)
			continue;
		e->closed = e->told = true;
		forget_offers(e);
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

void bindclose_init(unsigned core)
{
	me = core;
	mesh_handlers.unbind = on_unbind;
	mesh_handlers.unbind_r = on_unbind_r;
	mesh_handlers.end_closed = on_end_closed;
}
