/* Trace rings (trace.h, docs/trace.md). */
#include "lib/trace.h"

/* Where tests/host/test_trace.c makes the writer move on while a reader
 * copies (it builds this file with its own definition); nothing here. */
#ifndef TRACE_WHILE_COPYING
#define TRACE_WHILE_COPYING()
#endif

err_t trace_ring_init(void *mem, size_t bytes)
{
	struct trace_ring *r = mem;
	unsigned order = TRACE_ORDER_MAX;

	if (!mem || bytes < TRACE_RING_BYTES(TRACE_ORDER_MIN))
		return ERR_INVALID_ARG;
	while (TRACE_RING_BYTES(order) > bytes)
		order--;
	r->written = r->started = 0;
	r->order = order;
	r->paused = 0;
	for (size_t i = 0; i < ((size_t)1 << order); i++)
		r->ev[i].kind = TRACE_NONE;
	return OK;
}

uint64_t trace_name8(const char *name)
{
	uint64_t w = 0;

	for (unsigned i = 0; name && i < 8 && name[i]; i++)
		w |= (uint64_t)(uint8_t)name[i] << (8 * i);
	return w;
}

long trace_read(const struct trace_ring *r, size_t ring_bytes, uint64_t *next,
		struct trace_event *out, size_t max, uint64_t *lost)
{
	/* The header is the writer's: read each field once, and believe it
	 * only if it fits the memory we were given. */
	uint32_t order = __atomic_load_n(&r->order, __ATOMIC_RELAXED);

	if (order < TRACE_ORDER_MIN || order > TRACE_ORDER_MAX ||
	    TRACE_RING_BYTES(order) > ring_bytes)
		return -(long)ERR_BAD_MESSAGE;
	uint64_t slots = (uint64_t)1 << order;
	uint64_t end = __atomic_load_n(&r->written, __ATOMIC_ACQUIRE);
	uint64_t from = *next;

	if (from > end)			/* the ring was set up again */
		from = end;
	if (end - from > slots)
		from = end - slots;
	if (end - from > max)
		end = from + max;
	for (uint64_t n = from; n < end; n++)
		out[n - from] = r->ev[n & (slots - 1)];
	TRACE_WHILE_COPYING();
	/* What the writer began while we copied may have overwritten the
	 * oldest slots we read: every event below started - slots (event
	 * started - 1 may be half-way through its slot). */
	__asm__ volatile("" : : : "memory");	/* the copy before the load (x86: TSO) */
	uint64_t now = __atomic_load_n(&r->started, __ATOMIC_RELAXED);
	uint64_t first = from;

	if (now > slots && now - slots > first)
		first = now - slots;
	if (first > end)
		first = end;
	long n = (long)(end - first);

	for (long i = 0; i < n; i++)
		out[i] = out[i + (long)(first - from)];
	if (lost)
		*lost = first - (*next < first ? *next : first);
	*next = end;
	return n;
}

const char *trace_kind_name(unsigned kind)
{
	static const char *const names[TRACE_KINDS] = {
		[TRACE_SWITCH] = "switch",
		[TRACE_LMP_SEND] = "lmp_send",
		[TRACE_LMP_RECV] = "lmp_recv",
		[TRACE_DOORBELL_SEND] = "doorbell_send",
		[TRACE_DOORBELL_RECV] = "doorbell_recv",
		[TRACE_UPCALL] = "upcall",
		[TRACE_FAULT] = "fault",
		[TRACE_URPC_SEND] = "urpc_send",
		[TRACE_URPC_RECV] = "urpc_recv",
		[TRACE_RESTART] = "restart",
		[TRACE_AGREE] = "agree",
		[TRACE_MARK] = "mark",
	};

	return kind < TRACE_KINDS ? names[kind] : NULL;
}
