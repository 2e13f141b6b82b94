/*
 * A trace ring (docs/trace.md): events of one writer, newest kept. The
 * writer is one core's kernel, or one monitor; readers copy the ring out
 * while the writer goes on, and keep only what was not overwritten while
 * they copied. Freestanding: the kernel, user programs and the host tests
 * build it.
 *
 * Recording costs a TSC read, four stores and a release store of the
 * count (trace_cost in make bench says how much that is beside a null
 * system call), so it stays on in make run.
 *
 * The ring's memory is one struct trace_ring followed by 2^order events.
 * `written` counts every event ever recorded; event n is in slot n mod
 * 2^order. The writer counts the event in `started`, stores it, then
 * counts it in `written` with release order; a reader loads `written`
 * (acquire), copies, and then loads `started`: slots the writer may have
 * begun to overwrite in between are dropped.
 */
#ifndef LIB_TRACE_H
#define LIB_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kpi/errors.h>
#include <kpi/trace.h>

#define TRACE_ORDER_MIN		4
#define TRACE_ORDER_MAX		20

struct trace_ring {
	uint64_t written;	/* events recorded, ever */
	uint64_t started;	/* events begun: written, or written + 1 mid-event */
	uint32_t order;		/* 2^order slots */
	uint32_t paused;	/* nonzero: trace_record does nothing */
	uint64_t unused[5];	/* the events start on a new cache line */
	struct trace_event ev[];
};

#define TRACE_RING_BYTES(order)	(sizeof(struct trace_ring) + \
				 ((size_t)1 << (order)) * sizeof(struct trace_event))

/* Sets up a ring in `bytes` of memory at `mem` with as many slots as fit
 * (at most 2^TRACE_ORDER_MAX); ERR_INVALID_ARG if not even 2^TRACE_ORDER_MIN. */
err_t trace_ring_init(void *mem, size_t bytes);

static inline uint64_t trace_tsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* Records one event, stamped now. The ring's only writer calls it. */
static inline void trace_record(struct trace_ring *r, unsigned core, unsigned kind,
				uint32_t a, uint64_t b, uint64_t c)
{
	if (!r || r->paused)
		return;
	uint64_t n = r->written;
	struct trace_event *e = &r->ev[n & (((uint64_t)1 << r->order) - 1)];

	__atomic_store_n(&r->started, n + 1, __ATOMIC_RELAXED);
	/* started before the slot: x86 keeps stores in order (TSO), so only
	 * the compiler must be kept from moving them (trace_read's load of
	 * started after its copy relies on the same for loads). */
	__asm__ volatile("" : : : "memory");
	e->tsc = trace_tsc();
	e->kind = (uint16_t)kind;
	e->core = (uint16_t)core;
	e->a = a;
	e->b = b;
	e->c = c;
	__atomic_store_n(&r->written, n + 1, __ATOMIC_RELEASE);
}

/* The first 8 bytes of a name, packed as a word (NUL-padded). */
uint64_t trace_name8(const char *name);

/*
 * Copies the events numbered from *next on, oldest first, into out[max]
 * from a ring `r` that its writer may still be filling (for another
 * reader: a ring shared read-only, `ring_bytes` of it mapped). Returns how
 * many were copied and sets *next to the number after the last; *lost
 * (if not NULL) counts the events between the old *next and the first
 * copied that the ring no longer held. A ring whose header is impossible
 * for `ring_bytes` gives ERR_BAD_MESSAGE (as negative count) and copies
 * nothing.
 */
long trace_read(const struct trace_ring *r, size_t ring_bytes, uint64_t *next,
		struct trace_event *out, size_t max, uint64_t *lost);

/* The kind's name ("lmp_send"), or NULL for a kind that does not exist. */
const char *trace_kind_name(unsigned kind);

#endif
