/*
 * The kernel's event trace (docs/trace.md): each core records what its
 * kernel does (dispatcher switches, LMP messages, doorbells, upcalls,
 * faults) in a ring of its own, in its own memory (lib/trace.h). Its
 * monitor reads the ring through a read-only frame, CPTR_TRACE; nothing
 * else reads or writes it, and no core sees another's.
 */
#ifndef KERNEL_TRACE_H
#define KERNEL_TRACE_H

#include "lib/trace.h"
#include "kernel/core.h"

/* Each core's ring: 2^KTRACE_ORDER_MAX events (4096, 33 pages), or fewer
 * on a core whose share is small: at most 1/32 of it, and at least
 * 2^KTRACE_ORDER_MIN events. */
#define KTRACE_ORDER_MAX	12
#define KTRACE_ORDER_MIN	8

/* Takes this core's ring from its share (core_init); without room, the
 * core records nothing and its monitor gets no CPTR_TRACE. */
void ktrace_init(struct core *c);

static inline void ktrace(unsigned kind, uint32_t a, uint64_t b, uint64_t c)
{
	struct core *me = this_core();

	trace_record(me->trace, me->id, kind, a, b, c);
}

#endif
