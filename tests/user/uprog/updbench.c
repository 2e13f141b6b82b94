/*
 * uprog's Figure 3 mode (flotilla/uprog.h: UPROG_BENCH_UPDATES), started
 * by make bench's monitor (bench/monitor/procbench.c): lib/updbench.c
 * between the spans of this one process, a worker on every core, all in
 * one address space, so that the shared array, the lock and the URPC
 * channels of the message workload are plain memory that every core
 * sees at the same address (docs/benchmarks.md, "Figure 3").
 *
 * The main dispatcher, on core 0, is worker 0 and drives the runs; a span
 * on each other core is worker 1, 2, .. Between runs a worker sleeps for
 * a millisecond at a time (a spinning idle vCPU would take the host's
 * CPUs from the ones running a run); in a run everyone spins.
 */
#include <stdio.h>
#include <stdlib.h>
#include <flotilla/bench.h>
#include <flotilla/monitor.h>
#include <flotilla/sys.h>
#include <flotilla/uprog.h>
#include "lib/updbench.h"

#define U_STACK		(2 * SPAN_STACK_MIN)
#define U_QUIET_NS	(60ull * 1000000000)

static struct ub_shared sh;
static struct ub_sys sys;

static uint64_t clock_ns(void)
{
	return sys_clock_ns();
}

static void idle(void)
{
	sys_sleep_until(sys_clock_ns() + 1000000);
}

static int worker(uint64_t me)
{
	ub_worker(&sys, (unsigned)me);
	return 0;
}

/* Waits for the spans to end (they do once told UB_QUIT); nonzero if
 * one faulted or did not end. */
static int wait_spans(const unsigned *id, unsigned spans)
{
	uint64_t deadline = sys_clock_ns() + U_QUIET_NS;
	int bad = 0;

	for (unsigned k = 0; k < spans; k++) {
		int status;
		bool faulted;
		err_t err;
		while ((err = mon_span_wait(id[k], &status, &faulted)) == ERR_WOULD_BLOCK &&
		       sys_clock_ns() < deadline)
			sys_sleep_until(sys_clock_ns() + 1000000);
		if (err || faulted) {
			printf("BENCH error name=shm_update reason=\"the worker on core %u %s: %s\"\n",
			       k + 1, faulted ? "faulted" : "did not end", err_name(err));
			bad = 1;
		}
	}
	return bad;
}

/* UPROG_BENCH_UPDATES | n << 8: see flotilla/uprog.h. */
int bench_updates(size_t n)
{
	unsigned cores = 0, spans = 0, id[UB_MAX_CORES];
	uint64_t *s = malloc(n * sizeof(*s));
	uint8_t *stacks = NULL;
	err_t err;

	if ((err = mon_cores(&cores)) || cores == 0) {
		printf("BENCH error name=shm_update reason=\"how many cores: %s\"\n", err_name(err));
		return 1;
	}
	if (cores > UB_MAX_CORES) {
		printf("bench: shm_update and msg_update on the first %u of %u cores\n",
		       UB_MAX_CORES, cores);
		cores = UB_MAX_CORES;
	}
	if (!s || (cores > 1 && !(stacks = malloc((cores - 1) * U_STACK)))) {
		printf("BENCH error name=shm_update reason=\"no memory for the samples and stacks\"\n");
		return 1;
	}
	sys = (struct ub_sys){ &sh, cores, clock_ns, idle, NULL };
	for (; spans + 1 < cores; spans++)
		if ((err = mon_span(spans + 1, worker, spans + 1, stacks + spans * U_STACK, U_STACK,
				    &id[spans])))
			break;
	if (err) {
		printf("BENCH error name=shm_update reason=\"spanning a worker to core %u: %s: %s\"\n",
		       spans + 1, err_name(err), err_msg(err));
		ub_stop(&sys);
		wait_spans(id, spans);
		return 1;
	}
	printf("bench: shm_update and msg_update (Figure 3) on %u cores, %zu timed updates of "
	       "core 0 per run after %u; under TCG their times mean something only when the "
	       "emulated cores do not outnumber the host's\n", cores, n, BENCH_SLOW_WARMUP);
	int failed = ub_run(&sys, BENCH_SLOW_WARMUP, n, s);
	failed |= wait_spans(id, spans);
	free(stacks);
	free(s);
	return failed;
}
