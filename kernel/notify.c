/*
 * Doorbells. A URPC channel lives in memory both cores map, with no kernel
 * on the path; but a receiver that has nothing to do must not spin, so it
 * blocks on an endpoint, and the sender rings the receiving core's
 * doorbell. A doorbell is an inter-processor interrupt and nothing else:
 * ringing doorbell s of core c sends vector VEC_NOTIFY_BASE + s to c, and
 * c's CPU driver turns it into a notification on the endpoint bound to s
 * (kernel/lmp.c). No kernel memory is written by another core, so the
 * multikernel rule holds: the interrupt controller is the only path.
 *
 * Each core has NOTIFY_SLOTS doorbells; the bindings are in its own
 * struct core, as copies of endpoint capabilities (which keep the
 * endpoints alive). Only holders of the Kernel capability (monitors) bind
 * and ring them today; processes will get notification capabilities when
 * they open channels of their own.
 */
#include "kernel/trace.h"
#include "kernel/arch.h"
#include "kernel/core.h"
#include "kernel/lmp.h"
#include "kernel/machine.h"
#include "kernel/notify.h"

err_t notify_bind(struct cte *ep, uint64_t slot)
{
	struct cte *mine;

	if (slot >= NOTIFY_SLOTS)
		return ERR_INVALID_ARG;
	if (ep->cap.type != CAP_ENDPOINT)
		return ERR_CAP_WRONG_TYPE;
	mine = &this_core()->notify_ep[slot];
	if (!cap_is_empty(mine))
		cap_delete(mine);	/* a copy: never the last of an object in use */
	return cap_copy(mine, ep);
}

err_t notify_ring(uint64_t core, uint64_t slot)
{
	if (core >= machine.ncores || slot >= NOTIFY_SLOTS)
		return ERR_INVALID_ARG;
	ktrace(TRACE_DOORBELL_SEND, (uint32_t)core, slot, 0);
	if (core == this_core()->id)
		notify_arrived((unsigned)slot);
	else
		arch_notify((unsigned)core, (unsigned)slot);
	return OK;
}

void notify_arrived(unsigned slot)
{
	struct core *c = this_core();
	struct cte *ep = &c->notify_ep[slot];

	c->notifies++;
	ktrace(TRACE_DOORBELL_RECV, 0, slot, 0);
	if (!cap_is_empty(ep) && ep->cap.type == CAP_ENDPOINT)
		lmp_notify(ep, 1u << slot);
}
