/*
 * The URPC transport of the interface runtime (lib/idl.h): a binding
 * across cores over a pair of URPC channel ends (lib/urpc.h), one to send
 * on and one to receive on, such as a duplex channel's or the monitors'
 * mesh channels to and from one core.
 *
 * A fragment is one URPC message: its header is the URPC type and its
 * payload 0 to 7 words. Messages whose type is not a fragment's (the top
 * four bits are not 0xA) may share the channel: they go to the `other`
 * hook, or are refused (ERR_BAD_MESSAGE) when there is none.
 *
 * Capabilities cannot travel in shared memory: across cores they must be
 * moved by the monitors (between processes: usr/lib/idl_chan.c's mover,
 * flotilla/idl_chan.h). Without a mover (caps NULL, the default) a
 * message carrying a capability is ERR_UNSUPPORTED and nothing is sent. A mover plugs in as struct idl_urpc_caps: the
 * sender's `put` hands the capability over and names it with a 64-bit
 * token, which rides as the fragment's last word (so such a fragment has
 * 6 payload words); the receiver's `get` turns the token back into a
 * capability in one of its slots. docs/interfaces.md says more.
 */
#ifndef LIB_IDL_URPC_H
#define LIB_IDL_URPC_H

#include "lib/idl.h"
#include "lib/urpc.h"

struct idl_urpc_caps {
	/* Sending side: hand `cap` over (moved if `give`); *token names it. */
	err_t (*put)(void *arg, capaddr_t cap, bool give, uint64_t *token);
	/* Receiving side: the capability `token` names, now in *cap. */
	err_t (*get)(void *arg, uint64_t token, capaddr_t *cap);
	/* Receiving side: delete one that came with a refused message. */
	void (*drop)(void *arg, capaddr_t cap);
	void *arg;
};

struct idl_urpc {
	struct urpc_sender *tx;
	struct urpc_receiver *rx;
	/* Optional, set after idl_urpc_init: */
	const struct idl_urpc_caps *caps;	/* NULL: capabilities unsupported */
	/* After each whole message, and before waiting for room: wake the
	 * receiver (the monitors ring its core's doorbell). */
	void (*notify)(void *arg);
	/* A message on the receive channel that is not a fragment. */
	void (*other)(void *arg, uint32_t type, const uint64_t *w, unsigned n);
	void *arg;				/* for notify and other */
	uint64_t others;			/* messages given to `other` */
};

/* Binds the two ends (either may be NULL for a one-way binding: sending
 * or receiving then says ERR_INVALID_ARG); clears the optional hooks. */
err_t idl_urpc_init(struct idl_urpc *u, struct urpc_sender *tx, struct urpc_receiver *rx);

extern const struct idl_transport idl_urpc_transport;

#endif
