/*
 * `make bench-host`: the Multikernel paper's Figure 3 on this machine's
 * own cores, lib/updbench.c between pthreads, one pinned to each CPU this
 * process may run on: shared-memory updates of k cache lines under one
 * spinlock at N = 1..CPUs, beside messages to a server on the last CPU at
 * N = 1..CPUs-1 clients (docs/benchmarks.md, "Figure 3").
 *
 *	updbench [--quick] [N]	N timed updates of core 0 per run
 *				(default 10000; --quick: 200)
 *
 * The lines are lib/updbench.h's, with `host/` nowhere: tools/fig3plot.py
 * reads them as they are. The first line says how many CPUs there were,
 * since a figure against N means little with few of them (a 2-CPU
 * machine gives shm at N = 1, 2 and msg at N = 1 only: thin, but real).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "lib/bench.h"
#include "lib/updbench.h"
#include "tests/host/cpus.h"

#define DEFAULT_N	10000
#define QUICK_N		200

static uint64_t clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* A worker between runs: sleeps a little, so that idle workers leave
 * the CPUs to the runs (and to anything else on the machine). */
static void idle(void)
{
	struct timespec ts = { 0, 50000 };

	nanosleep(&ts, NULL);
}

/* A wait that goes on for thousands of polls gives the CPU away: it
 * only ever does when something else runs on a worker's CPU. */
static void relax(void)
{
	sched_yield();
}

struct worker {
	const struct ub_sys *sys;
	unsigned me;
	int cpu;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	if (pin(w->cpu))
		fprintf(stderr, "updbench: cannot pin worker %u to CPU %d\n", w->me, w->cpu);
	ub_worker(w->sys, w->me);
	return NULL;
}

int main(int argc, char **argv)
{
	size_t n = DEFAULT_N, warm = BENCH_WARMUP;
	int cpu[UB_MAX_CORES];
	unsigned cores = 0;
	cpu_set_t set;

	for (int i = 1; i < argc; i++) {
		char *end;
		if (!strcmp(argv[i], "--quick")) {
			n = QUICK_N;
			warm = 20;
		} else if ((n = strtoull(argv[i], &end, 0)) == 0 || *end) {
			fprintf(stderr, "usage: %s [--quick] [N]   (N timed updates per run, > 0)\n",
				argv[0]);
			return 2;
		}
	}
	if (sched_getaffinity(0, sizeof(set), &set)) {
		printf("BENCH error name=shm_update reason=\"sched_getaffinity failed\"\n");
		return 1;
	}
	for (int c = 0; c < CPU_SETSIZE && cores < UB_MAX_CORES; c++)
		if (CPU_ISSET(c, &set))
			cpu[cores++] = c;

	struct ub_shared *sh = aligned_alloc(64, sizeof(*sh));
	uint64_t *s = malloc(n * sizeof(*s));
	struct worker w[UB_MAX_CORES];
	pthread_t t[UB_MAX_CORES];
	if (!sh || !s) {
		printf("BENCH error name=shm_update reason=\"out of memory\"\n");
		return 1;
	}
	memset(sh, 0, sizeof(*sh));
	struct ub_sys sys = { sh, cores, clock_ns, idle, relax };

	printf("updbench: Figure 3 on the host: %u CPUs (", cores);
	for (unsigned c = 0; c < cores; c++)
		printf("%s%d", c ? "," : "", cpu[c]);
	printf("), one pinned thread each; %zu timed updates per run after %zu; cycles of the "
	       "TSC%s\n", n, warm, cores < 4 ? "; few CPUs: a thin figure, but a real one" : "");
	fflush(stdout);
	for (unsigned c = 1; c < cores; c++) {
		w[c] = (struct worker){ &sys, c, cpu[c] };
		if (pthread_create(&t[c], NULL, worker_main, &w[c])) {
			printf("BENCH error name=shm_update reason=\"pthread_create failed\"\n");
			return 1;
		}
	}
	pin(cpu[0]);
	int failed = ub_run(&sys, warm, n, s);
	for (unsigned c = 1; c < cores; c++)
		pthread_join(t[c], NULL);
	printf("BENCH %s\n", failed ? "failed" : "done");
	return failed;
}
