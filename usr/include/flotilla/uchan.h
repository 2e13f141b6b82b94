/*
 * A URPC channel between two processes on different cores, that sleeps
 * instead of spinning (usr/lib/uchan.c). It is a duplex channel
 * (lib/urpc.h) in a frame both processes map, plus, on each side, an
 * endpoint that this core's doorbell for the channel notifies, and a
 * Notify capability for the peer's doorbell.
 *
 * Receiving polls the ring UCHAN_POLLS times (a message that comes within
 * a few hundred cycles costs no system call; `polls` below changes it),
 * then goes to sleep with the handshake of urpc_receiver_sleep: it blocks
 * on its endpoint, its core halts if nothing else runs, and it costs no
 * CPU until the peer's send rings the doorbell. A send rings only when
 * the flag says the receiver sleeps, so a stream between two polling
 * sides makes no system calls.
 * A full ring makes the sender yield, then sleep a tick, until there is
 * room: the receiver does not ring back.
 */
#ifndef FLOTILLA_UCHAN_H
#define FLOTILLA_UCHAN_H

#include <stdint.h>
#include <kpi/caps.h>
#include <kpi/errors.h>
#include "lib/urpc.h"

#define UCHAN_POLLS	1000

struct uchan {
	struct urpc_duplex d;
	capaddr_t ep;		/* ours: our doorbell notifies it */
	capaddr_t peer_bell;	/* Notify capability: the peer's doorbell */
	/* How many times uchan_recv looks at the ring before it sleeps:
	 * UCHAN_POLLS from uchan_open; its owner may change it (1 or more;
	 * make bench's blocking round trip sets 1, so that every receive
	 * finds the ring empty and goes to sleep). */
	unsigned polls;
	uint64_t sleeps;	/* times the receiver blocked */
	uint64_t rings;		/* times a send woke the peer */
	void *mem;		/* the frame uchan_open_binding mapped, or NULL */
};

/* Attaches side `side` (0 or 1) of the duplex channel of `nslots` slots at
 * mem (set up once with urpc_duplex_init by one of the two). */
err_t uchan_open(struct uchan *c, void *mem, size_t bytes, unsigned nslots, unsigned side,
		 capaddr_t ep, capaddr_t peer_bell);
/* The channel of a binding (flotilla/monitor.h: mon_bind, mon_accept):
 * maps its frame (window_map_page) and opens this side of it. */
struct mon_binding;
err_t uchan_open_binding(struct uchan *c, const struct mon_binding *b, capaddr_t frame,
			 capaddr_t ep, capaddr_t bell);
/* Undoes uchan_open_binding's part: unmaps the frame, gives its pages of
 * the window back and deletes it from `frame` (the monitors keep their
 * copy until they take the channel back). */
err_t uchan_close_binding(struct uchan *c, capaddr_t frame);
/* Sends, waiting for room; rings the peer if it sleeps. */
err_t uchan_send(struct uchan *c, const uint64_t *w, unsigned n, uint32_t type);
/* Receives the next message, polling (c->polls times) and then sleeping
 * until there is one; urpc_recv's results otherwise (ERR_BAD_MESSAGE for
 * a malformed one, which is consumed). An error from the endpoint ends
 * the wait. */
err_t uchan_recv(struct uchan *c, uint64_t *w, unsigned *n, uint32_t *type);

#endif
