/*
 * Updating shared state by shared memory beside updating it by messages:
 * the Multikernel paper's Figure 3 (SOSP 2009, section 3), written once
 * for every system `make bench` runs on. The same code runs between
 * spans of one process inside Flotilla (tests/user/uprog/updbench.c), and
 * between pinned threads on the host (bench/host/updbench.c,
 * tests/host/test_updbench.c). Each system brings only how its cores come
 * to share one struct ub_shared, which clock tells a wait to give up, and
 * how an idle worker waits; the loops, the lock, the messages, the checks
 * and the lines are these.
 *
 * The two workloads, for k = 1, 2, 4, 8 cache lines:
 *
 *	shm_update	N cores (0..N-1) each take one spinlock, update k lines
 *			of one shared array, and release it;
 *	msg_update	N client cores (0..N-1) each send one message (a
 *			request carrying the update) over its own URPC channel
 *			to a server core (the last one), which applies it to
 *			its own copy of the k lines and answers.
 *
 * Core 0 times each of its updates (the lock taken, the lines written
 * and the lock released; or the request's round trip) while the other
 * N - 1 do the same without timing, until core 0 is done: so every timed
 * update competes with N - 1 others for the whole run. A worker counts
 * its updates, and at the end of each run the lines must hold exactly the
 * sum of those counts (the array's for shm, the server's copy for msg),
 * and the lines past k nothing: a correctness check, beside the figures.
 * One line per run:
 *
 *	BENCH name=shm_update k=K cores=N unit=cycles n=.. min=.. median=..
 *		p99=.. max=.. updates=U applied=A
 *	BENCH name=msg_update k=K cores=N unit=cycles n=.. ... updates=U
 *		applied=A server=S
 *
 * `cores` is N, the cores updating (clients, for msg: the server is one
 * core more); `updates` what the N workers counted, `applied` what the
 * lines say (always equal, or the line is `BENCH error` instead).
 *
 * Both sides spin, polling, with no pause (lib/pairbench.c's `struct
 * wait` says why); a wait gives up after UB_QUIET_NS (ERR_TIMEOUT),
 * reading the clock only every UB_SPIN_CHECK polls.
 */
#ifndef LIB_UPDBENCH_H
#define LIB_UPDBENCH_H

#include <stddef.h>
#include <stdint.h>
#include <kpi/errors.h>
#include "lib/urpc.h"

#define UB_MAX_K	8		/* lines updated, at most */
#define UB_MAX_CORES	64		/* workers, server included: MESH_MAX_CORES */
#define UB_SLOTS	8		/* each way of a client's channel */
#define UB_SPIN_CHECK	(1u << 16)	/* polls between looks at the clock */
#define UB_RELAX_EVERY	(1u << 12)	/* polls between calls of relax */
#define UB_QUIET_NS	(60ull * 1000000000)

/* The k values of the figure, in the order they run. */
#define UB_KS		{ 1, 2, 4, 8 }

/* One of the k lines: word 0 counts the updates applied to it, the other
 * words are written with it, so an update writes the whole line. */
struct ub_line {
	uint64_t w[8];
} __attribute__((aligned(64)));

/* What a worker leaves at the end of a run, in a line of its own. */
struct ub_result {
	uint64_t updates;		/* its updates, warm-up included */
	uint64_t applied;		/* the server: requests it applied */
	err_t err;			/* OK, or why it stopped */
} __attribute__((aligned(64)));

/*
 * Everything the workers share; every system puts one in memory that all
 * its cores see at the same address (a spanned process's data, a
 * process's heap), 64-byte aligned, zeroed, before any worker starts.
 * Core 0 writes the job, the others only read it and write their own
 * result line, the lock, the array and the channels.
 */
struct ub_shared {
	/* The job, written by core 0 before it bumps gen (release). */
	_Alignas(64) uint64_t gen;	/* jobs posted; a worker runs each once */
	uint32_t kind;			/* UB_SHM, UB_MSG, UB_QUIT */
	uint32_t k, n_cores;		/* lines; cores updating (clients) */
	uint32_t server;		/* msg: the server's core */
	uint64_t warm, n;		/* core 0's untimed and timed updates */
	_Alignas(64) uint64_t ready;	/* the start barrier: workers arrived */
	_Alignas(64) uint64_t done;	/* workers other than 0 finished */
	_Alignas(64) uint64_t stop;	/* core 0 has done its updates */
	_Alignas(64) uint64_t lock;	/* shm: 0 free, 1 taken */
	uint64_t last;			/* shm: its last holder, worker + 1 */
	struct ub_line array[UB_MAX_K];	/* shm: the shared array */
	struct ub_line copy[UB_MAX_K];	/* msg: the server's own copy */
	struct ub_result result[UB_MAX_CORES];
	/* msg: client c's duplex channel to the server (side 0 the
	 * client's) and the two ends' private state, each only ever touched
	 * by its own core (in here only so that no system needs more room
	 * on a span's stack). */
	_Alignas(64) uint8_t chan[UB_MAX_CORES][URPC_DUPLEX_BYTES(UB_SLOTS)];
	struct urpc_duplex client_end[UB_MAX_CORES] __attribute__((aligned(64)));
	struct urpc_duplex server_end[UB_MAX_CORES] __attribute__((aligned(64)));
};

enum { UB_IDLE, UB_SHM, UB_MSG, UB_QUIT };

/* What a system brings. */
struct ub_sys {
	struct ub_shared *sh;
	unsigned cores;			/* workers 0..cores-1, one per core */
	uint64_t (*clock_ns)(void);	/* monotonic ns, for giving up */
	void (*idle)(void);		/* a worker between jobs: wait a little */
	/* Optional: called every UB_RELAX_EVERY polls of a wait that goes
	 * on (the host's sched_yield, for when threads outnumber CPUs; a
	 * wait that long never happens when each worker has a CPU). */
	void (*relax)(void);
};

/* The message types on a client's channel. */
enum {
	UB_UPDATE = 0x55,	/* client -> server: w0 = its update's number, w1 = k */
	UB_APPLIED,		/* server -> client: w0 = the number, w1 = its applied count */
	UB_BYE,			/* client -> server: no more from this client */
};

/*
 * Worker `me` (1..cores-1), on its own core: runs every job core 0 posts
 * that it takes part in, calling sys->idle between looks for the next,
 * until UB_QUIT. It prints nothing; how each run went is in its result
 * line, which core 0 reads.
 */
void ub_worker(const struct ub_sys *sys, unsigned me);

/*
 * Core 0: every run in turn (shm at N = 1..cores, msg at N = 1..cores-1
 * with the server on core cores-1, for each k of UB_KS), warm untimed and
 * n timed updates of its own each, its lines printed as each run ends;
 * then UB_QUIT, which ends every worker. On one core there is no msg
 * run, and one line says so: `BENCH name=msg_update n/a reason=".."`. s has room for n samples.
 * Nonzero if a run failed: its `BENCH error` line says why, and no run
 * follows (a worker may be out of step), only UB_QUIT. Refuses with
 * a `BENCH error` line: cores 0 or above UB_MAX_CORES, n 0, no s.
 */
int ub_run(const struct ub_sys *sys, size_t warm, size_t n, uint64_t *s);

/* Ends every worker (UB_QUIT) without a run: for a system that could not
 * start them all and will not call ub_run. */
void ub_stop(const struct ub_sys *sys);

#endif
