/*
 * The library's side of if/moncall.if, shared by moncall.c and span.c:
 * one rpc over the moncall transport (flotilla/idl_mcall.h) per request,
 * on a binding that lives on the caller's stack for that request, so
 * threads may ask at once. `status` is the operation's answer, the
 * call's own error the transport's (ERR_NO_REPLY with the monitor's
 * refusal in t.refused).
 */
#ifndef USR_LIB_MCALL_H
#define USR_LIB_MCALL_H

#include <flotilla/caps.h>
#include <flotilla/idl_mcall.h>
#include "if_moncall.h"

struct mcall {
	struct idl_mcall t;
	struct if_moncall_binding ib;
};

/* A binding for one request on endpoint ep (CPTR_MONITOR, or a channel
 * end's control endpoint); a reply's capability lands at slot (0: none
 * is taken). */
static inline struct idl_binding *mcall_open_on(struct mcall *c, capaddr_t ep, capaddr_t slot)
{
	c->t = (struct idl_mcall){ .ep = ep, .slot = slot };
	if_moncall_init(&c->ib, &idl_mcall_transport, &c->t, NULL);	/* cannot fail */
	return &c->ib.b;
}

static inline struct idl_binding *mcall_open(struct mcall *c)
{
	return mcall_open_on(c, CPTR_MONITOR, 0);
}

/* The request's outcome: the monitor's refusal, the transport's error, or
 * the operation's status. */
static inline err_t mcall_done(const struct mcall *c, err_t err, err_t status)
{
	if (err == ERR_NO_REPLY && c->t.refused)
		return c->t.refused;
	return err ? err : status;
}

#endif
