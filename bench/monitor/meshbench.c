/*
 * URPC between every pair of cores, beside the cache-line floor (`make
 * bench`, docs/benchmarks.md). For each pair i < j the monitor on core i
 * (the initiator) measures against the monitor on core j (the responder)
 * over the mesh's own channels, i->j and j->i (usr/monitor/mesh.c, 16
 * slots), and one cache line of the spare bytes after channel i->j's ring,
 * then prints, for pair=i-j:
 *
 *	BENCH name=cacheline_roundtrip pair=i-j unit=cycles n=.. min=.. median=.. p99=.. max=..
 *	BENCH name=urpc_roundtrip pair=i-j unit=cycles n=..
 *	BENCH name=cacheline_oneway pair=i-j unit=cycles n=..
 *	BENCH name=urpc_oneway pair=i-j unit=cycles n=..
 *	BENCH name=urpc_throughput pair=i-j unit=msgs_per_s msgs=.. ns=.. value=.. cycles_per_msg=..
 *
 * What each line measures, and how, is lib/pairbench.c's: the loops, the
 * protocol between the two sides and the lines are that file's, the same
 * code that the Linux guest runs between two pinned processes
 * (bench/linux/pairs.c), so that the table compares the systems and not
 * two implementations. What is Flotilla's is here: the two sides are
 * monitors, they share the mesh's channels and a line of its spare bytes,
 * the clock that lets a wait give up is sys_clock_ns, and the pairs are
 * run one at a time from core 0.
 *
 * Starting a pair: core i sends MB_START (w0 = N) through the mesh with a
 * doorbell, which wakes core j's halted core; from then on core j's
 * monitor, inside its mesh handler, answers MB_READY on the raw channel
 * end and serves (pb_serve) until the initiator's PB_STOP. Nothing rings
 * a doorbell inside a workload: both sides poll, as the Multikernel paper
 * measured URPC; a doorbell (an IPI and a halted core's wake-up, about a
 * million cycles under TCG) would measure the emulated interrupt instead.
 *
 * Order and printing: core 0 runs the pairs one at a time, in order
 * (0-1, 0-2, ..., 1-2, ...). Pairs with i = 0 it runs itself; for i > 0
 * it asks core i (MB_RUN) and sleeps until core i says MB_DONE. Only the
 * initiator prints, and only one pair runs at a time, so lines never
 * interleave and only two cores spin at once (the others are halted: on
 * a host with few cores, a third spinning vCPU would steal the pair's
 * time).
 *
 * Nothing waits forever: a spinning side gives up after PB_QUIET_NS
 * without an answer (lib/pairbench.h), and core 0 gives up on a pair
 * that has said nothing (MB_PROGRESS after each workload) for
 * BENCH_PAIR_QUIET_NS. Either prints `BENCH error` and bench fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <flotilla/caps.h>
#include <flotilla/lmp.h>
#include <flotilla/sys.h>
#include "lib/pairbench.h"
#include "lib/urpc.h"
#include "bench/monitor/bench.h"
#include "tests/monitor/mtest.h"

#define BENCH_PAIR_QUIET_NS	(120ull * 1000000000)

/* Message types, routed here by mesh_on. */
enum {
	MB_RUN = MESH_USER_TYPES,	/* 0 -> i, doorbell: w0 = j, w1 = N: run pair i-j */
	MB_PROGRESS,			/* i -> 0, doorbell: w0 = j: a workload is done */
	MB_DONE,			/* i -> 0, doorbell: w0 = j, w1 = nonzero if it failed */
	MB_START,			/* i -> j, doorbell: w0 = N: serve until PB_STOP */
	/* The rest go on the raw channel ends, polled, with no doorbell. */
	MB_READY,			/* j -> i: w0 = err (its samples' memory) */
	MB_PAIR,			/* lib/pairbench.h's PB_PHASE; the others follow */
	MB_LAST = MESH_USER_TYPES + 0xF,
};
_Static_assert(MB_PAIR + PB_TYPES - 1 <= MB_LAST, "the types fit the range given to mesh_on");

static unsigned me;

/* Core 0: the pair that core run.core is running, and what it said. */
static struct {
	unsigned core, peer;
	bool heard, done, failed;
} run;

static uint64_t clock_ns(void)
{
	return sys_clock_ns();
}

/* One side of pair i-j on the mesh's channels between them, or false. */
static bool side(struct pb_side *p, unsigned i, unsigned j, size_t n)
{
	unsigned other = me == i ? j : i;
	size_t bytes;

	*p = (struct pb_side){ .i = i, .j = j, .base = MB_PAIR, .warm = BENCH_WARMUP, .n = n,
			       .clock_ns = clock_ns };
	p->tx = mesh_tx(other);
	p->rx = mesh_rx(other);
	p->line = mesh_spare(i, j, &bytes);
	return p->tx && p->rx && p->line && bytes >= sizeof(*p->line);
}

/* The responder's MB_READY on p's channel; its word in *w. */
static err_t ready(const struct pb_side *p, uint64_t *w)
{
	unsigned n;
	uint32_t type;
	err_t err = pb_recv_raw(p, w, &n, &type);

	return err ? err : type != MB_READY || n != 1 ? ERR_BAD_MESSAGE : OK;
}

/* Core j, on MB_START from core i: serves the workloads i asks for until
 * PB_STOP. Runs inside mesh_poll; nothing else waits on this core
 * meanwhile. */
static void serve_pair(unsigned i, size_t n)
{
	struct pb_side p;
	err_t err;

	if (!side(&p, i, me, n)) {
		pb_fail(&p, me, "urpc_pairs", "no channel to the initiator", ERR_INVALID_ARG);
		return;
	}
	p.s = malloc(n * sizeof(*p.s));
	uint64_t w = p.s ? OK : ERR_NO_MEMORY;
	if (!(err = pb_send_raw(&p, MB_READY, &w, 1)) && p.s)
		err = pb_serve(&p);
	if (err)
		pb_fail(&p, me, "urpc_pairs", "serving the initiator", err);
	free(p.s);
}

/* Tells core 0 (when it is not us) that the pair is still alive. */
static void progress(const struct pb_side *p)
{
	const uint64_t w[1] = { p->j };

	if (p->i != 0)
		mesh_send(0, MB_PROGRESS, w, 1);
}

/* Every workload of pair i-j, this core being i; nonzero if one failed. */
static int run_pair(unsigned j, size_t n)
{
	struct pb_side p;
	uint64_t w[URPC_MAX_WORDS] = { n };
	err_t err;
	int failed;

	if (!side(&p, me, j, n))
		return pb_fail(&p, me, "urpc_pairs", "no channel to the responder", ERR_INVALID_ARG);
	p.progress = progress;
	if (!(p.s = malloc(n * sizeof(*p.s))))
		return pb_fail(&p, me, "urpc_pairs", "samples", ERR_NO_MEMORY);
	if ((err = mesh_send(j, MB_START, w, 1)) || (err = ready(&p, w)))
		failed = pb_fail(&p, me, "urpc_pairs", "starting the responder", err);
	else if (w[0])
		failed = pb_fail(&p, me, "urpc_pairs", "the responder's samples", (err_t)w[0]);
	else
		failed = pb_run(&p);
	free(p.s);
	return failed;
}

/* ---- core 0: every pair in turn ---- */

static uint64_t quiet_deadline;

/* mesh_serve_until's condition: done, or silent for BENCH_PAIR_QUIET_NS. */
static bool done_or_quiet(unsigned unused)
{
	uint64_t now = sys_clock_ns();

	if (run.done)
		return true;
	if (run.heard) {
		run.heard = false;
		quiet_deadline = now + BENCH_PAIR_QUIET_NS;
	}
	return now > quiet_deadline;
}

/*
 * Has core i run pair i-j, and waits for its MB_DONE. Core 0 sleeps a tick
 * at a time between looks at its endpoint (mesh_serve_until) rather
 * than blocking on it: a blocked receive could not give up on a core that
 * never answers, and a spinning core 0 would take a host CPU from the pair.
 */
static int remote_pair(unsigned i, unsigned j, size_t n)
{
	const uint64_t w[2] = { j, n };
	err_t err;

	quiet_deadline = sys_clock_ns() + BENCH_PAIR_QUIET_NS;
	run.core = i;
	run.peer = j;
	run.heard = run.done = run.failed = false;
	if ((err = mesh_send(i, MB_RUN, w, 2))) {
		printf("BENCH error name=urpc_pairs reason=\"pair %u-%u: asking core %u: %s: %s\"\n",
		       i, j, i, err_name(err), err_msg(err));
		return 1;
	}
	mesh_serve_until(done_or_quiet, 0, UINT64_MAX);
	if (run.done)
		return run.failed;
	printf("BENCH error name=urpc_pairs reason=\"pair %u-%u: core %u said nothing for %llu s\"\n",
	       i, j, i, (unsigned long long)(BENCH_PAIR_QUIET_NS / 1000000000));
	return 1;
}

int meshbench_pairs(size_t n)
{
	unsigned cores = kernel_cores(CPTR_INFO);

	if (cores < 2) {
		printf("BENCH name=urpc_pairs n/a reason=\"one core: no pair of cores to measure\"\n");
		return 0;
	}
	if (mesh_cores() != cores) {
		printf("BENCH error name=urpc_pairs reason=\"the mesh is not up (%u of %u cores)\"\n",
		       mesh_cores(), cores);
		return 1;
	}
	for (unsigned k = 1; k < cores; k++)
		if (!mesh_joined(k)) {
			printf("BENCH error name=urpc_pairs reason=\"core %u never joined the mesh\"\n",
			       k);
			return 1;
		}
	printf("bench: URPC between every pair of the %u cores beside one cache line bounced "
	       "between the same two: %zu timed iterations, %u warm-up ones, %llu messages "
	       "streamed; both sides poll\n", cores, n, BENCH_WARMUP,
	       (unsigned long long)(PB_STREAM_PER_N * n));
	for (unsigned i = 0; i < cores; i++)
		for (unsigned j = i + 1; j < cores; j++)
			if (i == 0 ? run_pair(j, n) : remote_pair(i, j, n))
				return 1;	/* the rest would only wait on a confused peer */
	return 0;
}

static err_t on_message(unsigned from, uint32_t type, const uint64_t *w, unsigned n)
{
	switch (type) {
	case MB_RUN:			/* core i, from core 0 */
		if (from != 0 || n != 2 || w[0] <= me || w[0] >= mesh_cores() || !w[1] ||
		    w[1] > BENCH_MAX_N)
			return ERR_BAD_MESSAGE;
		{
			const uint64_t done[2] = { w[0], (uint64_t)run_pair((unsigned)w[0], w[1]) };
			return mesh_send(0, MB_DONE, done, 2);
		}
	case MB_START:			/* core j, from core i */
		if (n != 1 || from >= me || !w[0] || w[0] > BENCH_MAX_N)
			return ERR_BAD_MESSAGE;
		serve_pair(from, w[0]);
		return OK;
	case MB_PROGRESS:		/* core 0, from core i */
	case MB_DONE:
		if (me != 0 || from != run.core || n != (type == MB_DONE ? 2u : 1u) ||
		    w[0] != run.peer)
			return ERR_BAD_MESSAGE;
		run.heard = true;
		if (type == MB_DONE) {
			run.done = true;
			run.failed = w[1] != 0;
		}
		return OK;
	case MB_PAIR + PB_STOP:		/* a pair given up on: nothing left to stop */
		return OK;
	}
	return ERR_BAD_MESSAGE;
}

void meshbench_init(void)
{
	err_t err;

	if (mesh_cores() < 2)
		return;			/* no mesh (one core, ufault, or it failed) */
	me = sys_core_id();
	if ((err = mesh_on(MB_RUN, MB_LAST, on_message)))
		printf("monitor: core %u: no handler for make bench's messages: %s: %s\n", me,
		       err_name(err), err_msg(err));
}
