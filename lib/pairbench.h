/*
 * One pair of cores measured through the memory they share: URPC beside
 * the cache-line floor, written once for every system `make bench` runs
 * on. The same code runs between two monitors inside Flotilla
 * (bench/monitor/meshbench.c), between two pinned processes in the Linux
 * guest (bench/linux/pairs.c) and between two threads on the host
 * (tests/host/test_pairbench.c). Each system brings only what differs:
 * how the two sides come to share a channel and a line, which clock tells
 * a wait to give up, and how the responder is started. The loops, the
 * protocol between the sides, the statistics and the lines printed are
 * these, so a ratio between the two systems compares the systems and not
 * two implementations (docs/benchmarks.md#one-source-for-both).
 *
 * The initiator (core i) drives, the responder (core j) serves. For each
 * workload the initiator sends PB_PHASE on the duplex channel and the two
 * run it in step; PB_STOP ends the pair. pb_run() prints, for pair=i-j:
 *
 *	BENCH name=cacheline_roundtrip pair=i-j unit=cycles n=.. min=.. median=.. p99=.. max=..
 *	BENCH name=urpc_roundtrip pair=i-j unit=cycles n=..
 *	BENCH name=cacheline_oneway pair=i-j unit=cycles n=..       (or n/a, TSCs apart)
 *	BENCH name=urpc_oneway pair=i-j unit=cycles n=..
 *	BENCH name=urpc_throughput pair=i-j unit=msgs_per_s msgs=.. ns=.. value=.. cycles_per_msg=..
 *
 * lib/pairbench.c says how each is measured. Both sides spin, polling:
 * no doorbell, no system call, no blocking inside a workload, as the
 * Multikernel paper measured URPC. A wait gives up after PB_QUIET_NS
 * without an answer (ERR_TIMEOUT), reading the clock only every
 * PB_SPIN_CHECK polls, so no timed region holds a clock read.
 */
#ifndef LIB_PAIRBENCH_H
#define LIB_PAIRBENCH_H

#include <stddef.h>
#include <stdint.h>
#include <kpi/errors.h>
#include "lib/urpc.h"

#define PB_STREAM_PER_N	10		/* messages streamed per timed iteration */
#define PB_SPIN_CHECK	(1u << 16)	/* polls between looks at the clock */
#define PB_QUIET_NS	(60ull * 1000000000)

/*
 * The floor's line: 64 bytes that nothing else uses, 64-byte aligned.
 * `seq` is written in turn by both sides (odd values by the initiator,
 * even ones by the responder); `stamp` only by the initiator, before seq,
 * in the one-way workload. Both in one line, so a stamped bounce still
 * moves one line.
 */
struct pb_line {
	uint64_t seq;
	uint64_t stamp;
};

/* The messages between the sides, as offsets from pb_side.base. */
enum {
	PB_PHASE,	/* i -> j: w0 = PB_ROUNDTRIP.., w1 = messages (PB_STREAM) */
	PB_PING,	/* i -> j: w0 = iteration, w1 = i's TSC (one-way) */
	PB_PONG,	/* j -> i: w0 = iteration */
	PB_DATA,	/* i -> j: 7 words, w0 = index in the stream */
	PB_COUNTED,	/* j -> i: w0 = PB_DATA received */
	PB_STATS,	/* j -> i: n, min, median, p99, max, negative */
	PB_STOP,	/* i -> j: the pair is done */
	PB_TYPES
};

/* The workloads, as PB_PHASE names them. */
enum { PB_ROUNDTRIP, PB_ONEWAY, PB_STREAM };

/* One side's view of a pair; each side has its own, filled in by its
 * system before pb_run() or pb_serve(). */
struct pb_side {
	unsigned i, j;			/* initiator, responder: for the lines */
	struct urpc_sender *tx;		/* to the other side */
	struct urpc_receiver *rx;	/* from the other side */
	struct pb_line *line;		/* shared, its cache line alone */
	uint32_t base;			/* URPC type of PB_PHASE; the rest follow */
	size_t warm, n;			/* untimed and timed iterations (n >= 1) */
	uint64_t *s;			/* room for n samples, this side's own */
	uint64_t (*clock_ns)(void);	/* monotonic ns, for giving up */
	/* Initiator, optional: called after each workload (Flotilla tells
	 * core 0 that the pair is still alive). */
	void (*progress)(const struct pb_side *p);
	/* Responder: one-way samples below zero, per series, since the last
	 * statistics sent. */
	uint64_t negative[2];
};

/* A system's own messages on the pair's channel (Flotilla's MB_READY),
 * sent and received by polling as the workloads' are: `type` as it goes
 * on the wire (not an offset from base). ERR_TIMEOUT after PB_QUIET_NS
 * without room or a message, or urpc's error. */
err_t pb_send_raw(const struct pb_side *p, uint32_t type, const uint64_t *w, unsigned n);
err_t pb_recv_raw(const struct pb_side *p, uint64_t *w, unsigned *n, uint32_t *type);

/* The initiator: every workload of the pair in turn, then PB_STOP; the
 * lines above, or `BENCH error` lines. Nonzero if a workload failed (the
 * rest are not run: the responder would be out of step). */
int pb_run(struct pb_side *p);

/* The responder: serves the workloads the initiator asks for until
 * PB_STOP (OK). ERR_TIMEOUT when the initiator fell silent,
 * ERR_BAD_MESSAGE on a message out of step or malformed, or urpc's error.
 * Prints nothing: its system reports an error (pb_fail). */
err_t pb_serve(struct pb_side *p);

/* Prints `BENCH error name=.. reason="pair i-j: core C: what: ERR: text"`
 * for an error on core `me` of the pair; returns 1. */
int pb_fail(const struct pb_side *p, unsigned me, const char *name, const char *what,
	    err_t err);

#endif
