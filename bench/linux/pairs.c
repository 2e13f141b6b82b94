/*
 * Between two CPUs i < j, for every pair: one cache line bounced between
 * them (the floor of any transport through coherent memory) beside a URPC
 * round trip through lib/urpc.c, one way each, and URPC's pipelined
 * throughput, in memory that two processes share, with no kernel on the
 * path. The loops, the protocol between the two sides and the lines are
 * lib/pairbench.c's, the very code that Flotilla's monitors run between
 * two cores (bench/monitor/meshbench.c): what is Linux's is only here. The
 * process on CPU i (this one) is the initiator; a child forked onto CPU j
 * serves. They share a duplex channel's 4 KiB frame and the line in
 * MAP_SHARED memory, and a wait gives up by CLOCK_MONOTONIC.
 *
 * Then, for the first pair (CPUs 0 and 1) only, round trips that go
 * through the Linux kernel and block (a pipe each way, an eventfd each
 * way; roundtrip.c). Those wake a halted CPU every time, which under TCG
 * costs milliseconds: they run bench_slow()'s smaller n, and on every
 * pair they alone would take longer than all of `make bench` may
 * (docs/benchmarks.md).
 */
#include "bench/linux/lbench.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/pairbench.h"
#include "lib/urpc.h"

#define SLOTS		16	/* as the monitors' mesh channels */

struct pairmem {
	uint8_t frame[4096] __attribute__((aligned(4096)));	/* the duplex channel */
	struct pb_line line __attribute__((aligned(64)));
	uint8_t rest_of_line[64 - sizeof(struct pb_line)];	/* the line's alone */
};

/* The channel's ends: each side's private state, never in the shared
 * memory (lib/urpc.h), so here in each process's own copy of this static
 * after fork. Set up before the fork; CPU i uses a, CPU j b. */
static struct urpc_duplex a, b;

/* The child on CPU j: serves every workload until CPU i says stop. */
static int answer(void *arg)
{
	struct pb_side *p = arg;
	err_t err;

	p->tx = &b.tx;
	p->rx = &b.rx;
	if (!(p->s = malloc(p->n * sizeof(*p->s))))
		err = ERR_NO_MEMORY;
	else
		err = pb_serve(p);
	if (err)
		pb_fail(p, p->j, "urpc_pairs", "serving the initiator", err);
	free(p->s);
	return err != OK;
}

static int one_pair(struct bench *bn, int ci, int cj, int blocking)
{
	struct pairmem *m = shared_alloc(sizeof(*m));
	struct pb_side p = { .i = ci, .j = cj, .base = 0, .warm = bn->warm, .n = bn->n,
			     .clock_ns = now_ns };
	char pair[32];
	int pid, failed;

	snprintf(pair, sizeof(pair), "%d-%d", ci, cj);
	if (!m || urpc_duplex_init(m->frame, sizeof(m->frame), SLOTS) ||
	    urpc_duplex_open(&a, m->frame, sizeof(m->frame), SLOTS, 0) ||
	    urpc_duplex_open(&b, m->frame, sizeof(m->frame), SLOTS, 1))
		return bench_fail("urpc_pairs", "pair %s: cannot set up the channel", pair);
	p.line = &m->line;
	if (pin_cpu(ci) || (pid = spawn_on(cj, answer, &p)) < 0)
		return bench_fail("urpc_pairs", "pair %s: cannot pin or fork: %s", pair,
				  strerror(errno));
	p.tx = &a.tx;
	p.rx = &a.rx;
	p.s = bn->s;
	failed = pb_run(&p);
	if (failed)
		kill_quietly(pid);
	if (reap(pid) && !failed)
		failed = bench_fail("urpc_pairs", "pair %s: CPU %d's side failed", pair, cj);
	if (blocking) {
		struct bench slow = bench_slow(bn);
		failed |= bench_roundtrip(&slow, "pipe_roundtrip", pair, RT_PIPE, ci, cj);
		failed |= bench_roundtrip(&slow, "eventfd_roundtrip", pair, RT_EVENTFD, ci, cj);
	}
	pin_cpu(0);
	return failed;
}

int bench_pairs(struct bench *b)
{
	int failed = 0;

	if (b->ncpus < 2)
		return bench_na("pairs", NULL, "one CPU: no pair of CPUs to measure");
	for (int i = 0; i < b->ncpus; i++)
		for (int j = i + 1; j < b->ncpus; j++)
			failed |= one_pair(b, i, j, i == 0 && j == 1);
	return failed;
}
