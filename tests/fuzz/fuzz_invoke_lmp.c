/*
 * kernel/lmp.c as the invocation fuzzer builds it (fuzz_invoke.h), with a
 * view of its endpoints, whose layout is private to it, for the checker.
 */
#include "kernel/lmp.c"
#include "fuzz_invoke.h"

_Static_assert(EP_EMPTY == 0 && EP_SENDERS == 1 && EP_RECEIVERS == 2, "ep_view's numbers");

CHECKER struct ep_view lmp_ep_view(uint64_t pa)
{
	const struct endpoint *ep = phys_to_virt(pa);

	return (struct ep_view){ ep->head, ep->tail, ep->waiting, ep->notify };
}
