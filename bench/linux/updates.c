/*
 * linuxbench's Figure 3 (docs/benchmarks.md, "Figure 3: shared memory
 * beside messages"): lib/updbench.c, the very code Flotilla runs in a
 * process spanning every core, here between threads of this process
 * pinned one to each CPU of the guest. Its lines are lib/updbench.h's:
 * shm_update at 1..CPUs, msg_update at 1..CPUs-1 clients served by the
 * last CPU, k = 1, 2, 4, 8; the slow workloads' n (bench_slow), as
 * Flotilla's. As there, idle workers sleep between runs (100 us here),
 * everyone spins in a run, and no wait gives the CPU away (nothing else
 * runs on a worker's CPU).
 */
#include "bench/linux/lbench.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "lib/updbench.h"

struct worker {
	const struct ub_sys *sys;
	unsigned me;
	int pinned;		/* pin_cpu's answer */
};

static uint64_t clock_ns(void)
{
	return now_ns();
}

static void idle(void)
{
	struct timespec ts = { 0, 100000 };

	nanosleep(&ts, NULL);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	w->pinned = pin_cpu((int)w->me);
	ub_worker(w->sys, w->me);
	return NULL;
}

int bench_updates(struct bench *b)
{
	struct bench s = bench_slow(b);
	unsigned cores = b->ncpus > UB_MAX_CORES ? UB_MAX_CORES : (unsigned)b->ncpus;
	struct ub_shared *sh = aligned_alloc(64, sizeof(*sh));
	struct worker w[UB_MAX_CORES];
	pthread_t t[UB_MAX_CORES];
	unsigned started = 1;
	int failed;

	if (!sh)
		return bench_fail("shm_update", "no memory for the shared state");
	memset(sh, 0, sizeof(*sh));
	struct ub_sys sys = { sh, cores, clock_ns, idle, NULL };
	for (; started < cores; started++) {
		w[started] = (struct worker){ &sys, started, 0 };
		if (pthread_create(&t[started], NULL, worker_main, &w[started]))
			break;
	}
	if (started < cores) {
		ub_stop(&sys);
		failed = bench_fail("shm_update", "pthread_create for CPU %u failed", started);
	} else {
		failed = ub_run(&sys, s.warm, s.n, b->s);
	}
	for (unsigned c = 1; c < started; c++)
		pthread_join(t[c], NULL);
	for (unsigned c = 1; c < started; c++)
		if (w[c].pinned)
			failed = bench_fail("shm_update", "the worker for CPU %u could not be pinned "
					    "(its figures ran elsewhere)", c);
	free(sh);
	return failed;
}
