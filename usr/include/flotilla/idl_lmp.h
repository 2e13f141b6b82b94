/*
 * The LMP transport of the interface runtime (lib/idl.h): a binding on one
 * core over two endpoints, the peer's (we send on it) and ours (we
 * receive on it). One fragment is one LMP message: word 0 holds the
 * fragment header and payload length, words 1..3 up to 3 payload words
 * (idl_lmp_pack), and the capability of a message rides with its first
 * fragment (LMP_SEND_CAP, LMP_GIVE for `give cap` fields).
 *
 * Sending blocks in the kernel until the peer receives (LMP is a
 * rendezvous), unless `nonblock` is set: then a peer that is not
 * receiving means ERR_WOULD_BLOCK and the binding's wait hook. Receiving
 * never blocks, except inside a blocking call (idl_recv_wait), where it
 * waits in the kernel for the reply's next fragment.
 *
 * Received capabilities land in `slot`, which must be empty. After one
 * lands, the next comes into next_slot(arg) when that hook is set; without
 * it, no slot is offered (`slot` is IDL_CAP_NONE) until the application
 * names a new empty one in `slot`, and a capability sent meanwhile does not
 * come: its message arrives with cap_err ERR_NO_SLOT.
 *
 * Messages on our endpoint that are not fragments (faults, exits,
 * notifications, calls, words that are not a fragment's) go to `other`,
 * or are refused with ERR_BAD_MESSAGE when there is none.
 *
 * Not done: the call/reply fast path (lmp_call, lmp_reply) for an rpc
 * whose call and reply fit one fragment each; and demultiplexing several
 * peers on one endpoint by badge (one binding per peer: `badge` says whose
 * the last fragment was).
 */
#ifndef FLOTILLA_IDL_LMP_H
#define FLOTILLA_IDL_LMP_H

#include <flotilla/lmp.h>
#include "lib/idl.h"

struct idl_lmp {
	capaddr_t tx_ep;			/* the peer's: WRITE (and GRANT for caps) */
	capaddr_t rx_ep;			/* ours: READ */
	capaddr_t slot;				/* empty slot for the next capability */
	bool nonblock;				/* sending: ERR_WOULD_BLOCK, not a wait */
	/* Optional, set after idl_lmp_init: */
	capaddr_t (*next_slot)(void *arg);	/* a fresh empty slot, or IDL_CAP_NONE */
	void (*drop)(void *arg, capaddr_t cap);	/* delete a capability refused */
	/* A message that is no fragment, and the capability that came with
	 * it (IDL_CAP_NONE if none), now the hook's. */
	void (*other)(void *arg, const struct lmp_msg *m, capaddr_t cap);
	void *arg;
	uint64_t badge;				/* of the last fragment received */
	uint64_t others;			/* messages given to `other` */
};

/* tx_ep or rx_ep may be IDL_CAP_NONE for a one-way binding; slot
 * IDL_CAP_NONE refuses capabilities. */
err_t idl_lmp_init(struct idl_lmp *l, capaddr_t tx_ep, capaddr_t rx_ep, capaddr_t slot);

extern const struct idl_transport idl_lmp_transport;

/* A wait hook for LMP bindings: yields the core (the peer may be the one
 * who must run), then tries again. */
err_t idl_lmp_wait(struct idl_binding *b, enum idl_wait why);

#endif
