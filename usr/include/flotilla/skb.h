/*
 * Asking the System Knowledge Base (usr/skb, docs/skb.md) from any
 * process on any core: skb_open binds a channel to the service named
 * SKB_NAME and puts if/skb.if on it; then every rpc of if_skb.h is a call
 * on &client.b.b, for instance
 *
 *	struct skb_client c;
 *	skb_open(&c, CADDR(TASK_CN, 40), 5000000000ull);
 *	if_skb_node_of_call(&c.b.b, 3, &status, &node);
 *	skb_close(&c);
 *
 * skb_open needs four empty slots of the task CNode from `slots` on (the
 * endpoint it binds with, the channel's frame, the SKB's doorbell and
 * the end's control endpoint), RAM for an endpoint, and the boot image
 * (to map the channel: flotilla/spawn.h, window_map_page). It waits up to
 * wait_ns for the SKB to be there (ERR_NOT_FOUND after that). skb_close
 * tells the SKB, closes this end, unmaps the channel and deletes the four
 * capabilities (the monitors' copy of the frame goes when they take the
 * channel back), so that the same slots can be opened again.
 *
 * The SKB is supervised (usr/init): it may die and be restarted. A call
 * to an SKB that died never gets its answer; a client that must not hang
 * sets c.ch.timeout_ns (flotilla/idl_chan.h) for its calls, gets
 * ERR_TIMEOUT, and closes and opens again (the shell does).
 */
#ifndef FLOTILLA_SKB_H
#define FLOTILLA_SKB_H

#include <flotilla/idl_chan.h>
#include "if_skb.h"

#define SKB_NAME	"skb"

struct skb_client {
	struct idl_chan ch;
	struct if_skb_binding b;
	capaddr_t slots;
	bool open;
};

err_t skb_open(struct skb_client *c, capaddr_t slots, uint64_t wait_ns);
err_t skb_close(struct skb_client *c);

#endif
