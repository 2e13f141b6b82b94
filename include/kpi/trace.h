/*
 * Event traces (docs/trace.md): what each core's kernel and each monitor
 * record in rings of their own, and what the monitors read out when asked
 * to dump. This header is the format both sides of that agree on: the
 * kernel writes its ring, its monitor reads it through a read-only frame
 * (CPTR_TRACE), and tools/trace.py turns the dump into a Perfetto trace.
 *
 * An event is 32 bytes: when (the TSC), what (kind), and three arguments
 * whose meaning the kind gives. A send and its receive carry the same
 * flow id, so the tool can draw an arrow from one to the other.
 */
#ifndef KPI_TRACE_H
#define KPI_TRACE_H

#include <stdint.h>

struct trace_event {
	uint64_t tsc;		/* rdtsc when it happened */
	uint16_t kind;		/* enum trace_kind */
	uint16_t core;		/* the core it happened on */
	uint32_t a;		/* first argument: see the kind */
	uint64_t b;		/* second */
	uint64_t c;		/* third */
};

/*
 * Kinds and their arguments. Flow ids: a URPC message is named by its
 * channel (sender core << 16 | receiver core << 8 | channel number) and
 * its sequence number, which both ends know; an LMP message, which never
 * leaves its core, by a number its kernel counts.
 */
enum trace_kind {
	TRACE_NONE = 0,		/* an empty slot */
	/* Kernel events. */
	TRACE_SWITCH,		/* a: dispatcher switches so far; b: the dcb now running
				 * (0: idle); c: its name's first 8 bytes */
	TRACE_LMP_SEND,		/* a: LMP_KIND_* (kpi/lmp.h); b: flow id;
				 * c: the sender's name's first 8 bytes */
	TRACE_LMP_RECV,		/* a, b: as the send; c: the receiver's name */
	TRACE_DOORBELL_SEND,	/* a: target core; b: doorbell slot */
	TRACE_DOORBELL_RECV,	/* a: 0; b: doorbell slot */
	TRACE_UPCALL,		/* a: 1 fault upcall, 0 run upcall; b: dcb; c: its name */
	TRACE_FAULT,		/* a: fault vector; b: address; c: faulting dcb's name */
	/* Monitor events. */
	TRACE_URPC_SEND,	/* a: message type; b: channel; c: sequence number */
	TRACE_URPC_RECV,	/* a, b, c: as the send */
	TRACE_RESTART,		/* a: pid of the new instance; b: old pid; c: name */
	TRACE_AGREE,		/* a: round; b: operation id; c: phase */
	TRACE_MARK,		/* a: user's number; b, c: anything (tests, scenarios) */
	TRACE_KINDS
};

#define TRACE_FLOW_CHAN(from, to, n)	((uint64_t)(from) << 16 | (uint64_t)(to) << 8 | (n))

#endif
