/*
 * The interface runtime (lib/idl.h) over a channel the monitors bound
 * between two processes on different cores (flotilla/monitor.h: mon_bind,
 * mon_accept; docs/binding.md), in usr/lib/idl_chan.c. It is the URPC
 * transport (lib/idl_urpc.h) on the channel's rings, with the three
 * things a process must add to it:
 *
 *   waiting   idl_chan_wait polls the ring a while (c.polls tries, as
 *             uchan_recv does),
 *             then sleeps on the end's endpoint until the peer's doorbell
 *             rings, as uchan_recv does (flotilla/uchan.h); a full ring
 *             makes it yield, then sleep a tick at a time.
 *   ringing   after each whole message, the peer's doorbell, if the peer
 *             said it sleeps.
 *   capabilities  moved by the monitors: the sender's mon_cap_put on the
 *             end's control endpoint (`ctl`) turns the capability into a
 *             token that rides in the fragment, and the receiver's
 *             mon_cap_get turns it back into a capability, in `slot`.
 *             Only Frames move, and only from their owner core
 *             (flotilla/monitor.h says why); a `give cap` field is copied
 *             and then deleted here, so it must be in the task CNode.
 *
 * Received capabilities land in `slot` (empty); after one lands, the next
 * comes into next_slot(arg) if that hook is set, else none is offered
 * until the application names a new empty slot in `slot` (a message
 * carrying one then arrives with cap_err ERR_NO_SLOT, and its token is
 * not fetched). ctl IDL_CAP_NONE: no capabilities (ERR_UNSUPPORTED).
 */
#ifndef FLOTILLA_IDL_CHAN_H
#define FLOTILLA_IDL_CHAN_H

#include <flotilla/monitor.h>
#include <flotilla/uchan.h>
#include "lib/idl_urpc.h"

struct idl_chan {
	struct uchan c;
	struct idl_urpc u;		/* the transport state: tp of the binding */
	struct idl_urpc_caps caps;
	capaddr_t ctl;			/* the end's control endpoint */
	capaddr_t slot;			/* empty slot for the next capability */
	/* Optional, set after idl_chan_open: */
	capaddr_t (*next_slot)(void *arg);
	void *arg;
	/* 0, or how long a wait may see nothing of the peer (no message
	 * comes, no room is made) before it ends in ERR_TIMEOUT: a peer
	 * that died (a service being restarted) never answers, and its
	 * doorbell may never ring. With it the wait polls, yields (a peer on
	 * this core runs at once), then sleeps a tick at a time, instead of
	 * blocking on the doorbell. */
	uint64_t timeout_ns;
	/* Private: waits in a row without a message or room; the peer's
	 * progress last seen, and since when the wait has seen none. */
	unsigned polls, send_waits, yields;
	uint64_t progress, quiet_since, last_wait;
};

/* Opens this end of binding b (its frame, endpoint and the peer's
 * doorbell, as uchan_open_binding) for the interface runtime; pass &ch->u
 * with idl_urpc_transport and idl_chan_wait to if_NAME_init. */
err_t idl_chan_open(struct idl_chan *ch, const struct mon_binding *b, capaddr_t frame,
		    capaddr_t ep, capaddr_t bell, capaddr_t ctl, capaddr_t slot);

/* The wait hook of such a binding (lib/idl.h: idl_wait_fn). */
err_t idl_chan_wait(struct idl_binding *b, enum idl_wait why);

#endif
