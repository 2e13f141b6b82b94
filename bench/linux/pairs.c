/*
 * Between two CPUs i < j, for every pair, as Flotilla's meshbench.c does:
 * one cache line bounced between them (the floor of any transport through
 * coherent memory) beside a URPC round trip through lib/urpc.c in memory
 * that two processes share, with no kernel on the path; then URPC's
 * pipelined throughput; then, for the first pair (CPUs 0 and 1) only,
 * round trips that go through the Linux kernel and block (a pipe each way,
 * an eventfd each way). Those wake a halted CPU every time, which under
 * TCG costs milliseconds: they run bench_slow()'s smaller n, and on every
 * pair they alone would take longer than all of `make bench` may
 * (docs/benchmarks.md).
 *
 * The process on CPU i (this one) starts each exchange and times it; a
 * child forked onto CPU j answers. As in Flotilla, each iteration bounces
 * the line once and then makes one URPC round trip, each timed on its own,
 * so both series see the same host; the polls spin without `pause`
 * (docs/benchmarks.md says why) and give up after BENCH_QUIET_S.
 *
 * One way, as meshbench.c measures it: a second loop of the same
 * exchanges in which CPU i writes its TSC into the line beside the number
 * and into the URPC message, and CPU j subtracts it from its own TSC, read
 * as soon as it sees each. That assumes synchronized TSCs (one clock under
 * TCG; docs/benchmarks.md): a difference below zero proves them apart,
 * and the line then says n/a. CPU j computes the statistics and leaves
 * them in the shared memory for CPU i to print; CPU i's round trips of
 * that loop, which hold j's TSC reads, are not kept.
 */
#include "bench/linux/lbench.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/stats.h"
#include "lib/urpc.h"

#define SLOTS		16	/* as the monitors' mesh channels */
#define STREAM_PER_N	10	/* messages streamed per timed iteration */

/* One-way statistics, from CPU j: the line's [0] and URPC's [1]. */
struct oneway {
	struct stats st;
	uint64_t negative;	/* samples below zero: the TSCs are apart */
};

struct pairmem {
	uint8_t frame[4096] __attribute__((aligned(4096)));	/* the duplex channel */
	uint8_t stream[URPC_CHAN_BYTES(SLOTS)] __attribute__((aligned(64)));
	struct {			/* the bounced line: seq, and i's TSC beside it */
		volatile uint64_t seq, stamp;
	} line __attribute__((aligned(64)));
	uint64_t warm __attribute__((aligned(64))), total;	/* per loop */
	uint64_t msgs;
	struct oneway oneway[2];
	volatile uint64_t end_ns, end_tsc, done;
	char bad[96];
};

/* The channels' ends: each side's private state, never in the shared
 * memory (lib/urpc.h), so here in each process's own copy of this static
 * after fork. Set up before the fork; CPU i uses a and tx, CPU j b and rx. */
static struct {
	struct urpc_duplex a, b;
	struct urpc_sender tx;		/* the stream: CPU i sends, */
	struct urpc_receiver rx;	/* CPU j receives */
} ends;

/* A one-way sample: CPU j's TSC t minus CPU i's stamp; one below zero is
 * counted and kept as 0. */
static uint64_t oneway(struct oneway *o, uint64_t t, uint64_t stamp)
{
	if (t >= stamp)
		return t - stamp;
	o->negative++;
	return 0;
}

enum { ANSWERED, QUIET, BROKEN };

/*
 * CPU j's side of the exchanges: 2 * total of them, the first total
 * plain, the rest stamped. In a stamped one it reads its TSC as soon as
 * it sees the line's number, and again as soon as it has the message,
 * and keeps the two one-way samples (after the warm-up) in line[k] and
 * msg[k]; in a plain one it reads no TSC (under TCG each read would move
 * QEMU's clock state between the two CPUs, inside CPU i's timed region).
 */
static int serve_exchanges(struct pairmem *m, uint64_t *line, uint64_t *msg)
{
	uint64_t w[URPC_MAX_WORDS], polls = 0;
	uint64_t deadline = now_ns() + BENCH_QUIET_S * 1000000000ull;
	unsigned nw;
	err_t err;

	for (uint64_t i = 0; i < 2 * m->total; i++) {
		bool stamped = i >= m->total;
		uint64_t t = 0, stamp = 0, ow = 0;
		while (m->line.seq != 2 * i + 1)
			if (spin_expired(&polls, deadline))
				return QUIET;
		if (stamped) {
			t = tsc_fenced();
			stamp = m->line.stamp;
		}
		m->line.seq = 2 * i + 2;
		if (stamped)
			ow = oneway(&m->oneway[0], t, stamp);
		while ((err = urpc_recv(&ends.b.rx, w, &nw, NULL)) == ERR_WOULD_BLOCK)
			if (spin_expired(&polls, deadline))
				return QUIET;
		if (stamped)
			t = tsc_fenced();
		if (err || nw != (stamped ? 2u : 1u) || w[0] != i || urpc_send(&ends.b.tx, w, 1, 0))
			return BROKEN;
		if (stamped && i >= m->total + m->warm) {
			uint64_t k = i - m->total - m->warm;
			line[k] = ow;
			msg[k] = oneway(&m->oneway[1], t, w[1]);
		}
	}
	return ANSWERED;
}

/* CPU j's side of the stream: counts the messages, then says when. */
static int count_stream(struct pairmem *m)
{
	uint64_t w[URPC_MAX_WORDS], polls = 0;
	uint64_t deadline = now_ns() + BENCH_QUIET_S * 1000000000ull;
	unsigned nw;
	err_t err;

	for (uint64_t i = 0; i < m->msgs; i++) {
		while ((err = urpc_recv(&ends.rx, w, &nw, NULL)) == ERR_WOULD_BLOCK)
			if (spin_expired(&polls, deadline))
				return QUIET;
		if (err || nw != URPC_MAX_WORDS || w[0] != i)
			return BROKEN;
	}
	m->end_tsc = tsc_fenced();
	m->end_ns = now_ns();
	__atomic_store_n(&m->done, 1, __ATOMIC_RELEASE);
	return ANSWERED;
}

/* The child on CPU j: answers every exchange, leaves the one-way
 * statistics in m, counts the stream. */
static int answer(struct pairmem *m)
{
	uint64_t n = m->total - m->warm, *s = malloc(2 * n * sizeof(*s));
	int r;

	if (!s) {
		snprintf(m->bad, sizeof(m->bad), "CPU j has no memory for its samples");
		return 1;
	}
	if ((r = serve_exchanges(m, s, s + n)) == ANSWERED) {
		stats_compute(s, n, &m->oneway[0].st);
		stats_compute(s + n, n, &m->oneway[1].st);
		r = count_stream(m);
	}
	free(s);
	if (r == QUIET)
		snprintf(m->bad, sizeof(m->bad), "CPU j heard nothing for %d s", BENCH_QUIET_S);
	else if (r == BROKEN)
		snprintf(m->bad, sizeof(m->bad), "CPU j got a wrong message");
	return r != ANSWERED;
}

/* The line, then a URPC round trip: one timed sample of each. Stamped:
 * with this CPU's TSC beside the line's number and in the message (two
 * words), for CPU j's one-way samples. */
static int exchange(struct pairmem *m, uint64_t i, bool stamped, uint64_t *line, uint64_t *rt,
		    uint64_t deadline, uint64_t *polls)
{
	uint64_t w[URPC_MAX_WORDS] = { i }, t0;
	unsigned nw;
	err_t err;

	t0 = tsc_fenced();
	if (stamped)
		m->line.stamp = t0;	/* volatile, before seq: seen first (x86 orders stores) */
	m->line.seq = 2 * i + 1;
	while (m->line.seq != 2 * i + 2)
		if (spin_expired(polls, deadline))
			return -1;
	*line = tsc_fenced() - t0;
	t0 = tsc_fenced();
	w[1] = t0;
	if (urpc_send(&ends.a.tx, w, stamped ? 2 : 1, 0))
		return -1;
	while ((err = urpc_recv(&ends.a.rx, w, &nw, NULL)) == ERR_WOULD_BLOCK)
		if (spin_expired(polls, deadline))
			return -1;
	*rt = tsc_fenced() - t0;
	return err || nw != 1 || w[0] != i ? -1 : 0;
}

/* M messages of 7 words back to back; waits only when the ring is full.
 * Fills line[] with the figure's line. */
static int stream(struct pairmem *m, const char *pair, char *line, size_t size)
{
	uint64_t w[URPC_MAX_WORDS] = { 0, 1, 2, 3, 4, 5, 6 }, polls = 0;
	uint64_t deadline = now_ns() + BENCH_QUIET_S * 1000000000ull;
	uint64_t t0 = now_ns(), c0 = tsc_fenced(), ns;
	err_t err;

	for (uint64_t i = 0; i < m->msgs; i++) {
		w[0] = i;
		while ((err = urpc_send(&ends.tx, w, URPC_MAX_WORDS, 0)) == ERR_WOULD_BLOCK)
			if (spin_expired(&polls, deadline))
				return -1;
		if (err)
			return -1;
	}
	while (!__atomic_load_n(&m->done, __ATOMIC_ACQUIRE))
		if (spin_expired(&polls, deadline))
			return -1;
	ns = m->end_ns - t0;
	snprintf(line, size, "BENCH name=urpc_throughput pair=%s unit=msgs_per_s msgs=%llu "
		 "ns=%llu value=%llu cycles_per_msg=%llu\n", pair, (unsigned long long)m->msgs,
	       (unsigned long long)ns, (unsigned long long)(ns ? m->msgs * 1000000000ull / ns : 0),
	       (unsigned long long)((m->end_tsc - c0) / m->msgs));
	return 0;
}

/* A one-way line from CPU j's statistics, or n/a when a sample came out
 * below zero. */
static void report_oneway(const char *name, const char *pair, const struct oneway *o, int ci,
			  int cj)
{
	char why[128];

	if (!o->negative) {
		bench_print(name, pair, &o->st);
		return;
	}
	snprintf(why, sizeof(why), "CPU %d's TSC read before CPU %d's in %llu samples: the "
		 "CPUs' TSCs are not synchronized", cj, ci, (unsigned long long)o->negative);
	bench_na(name, pair, why);
}

static int one_pair(struct bench *b, int ci, int cj, int blocking)
{
	struct pairmem *m = shared_alloc(sizeof(*m));
	uint64_t deadline, polls = 0;
	char pair[32], tput[160];
	int pid, bad = 0, failed;

	snprintf(pair, sizeof(pair), "%d-%d", ci, cj);
	if (!m || urpc_duplex_init(m->frame, sizeof(m->frame), SLOTS) ||
	    urpc_duplex_open(&ends.a, m->frame, sizeof(m->frame), SLOTS, 0) ||
	    urpc_duplex_open(&ends.b, m->frame, sizeof(m->frame), SLOTS, 1) ||
	    urpc_chan_init(m->stream, sizeof(m->stream), SLOTS) ||
	    urpc_sender_init(&ends.tx, m->stream, sizeof(m->stream), SLOTS) ||
	    urpc_receiver_init(&ends.rx, m->stream, sizeof(m->stream), SLOTS))
		return bench_fail("urpc_roundtrip", "pair %s: cannot set up the channels", pair);
	m->warm = b->warm;
	m->total = b->warm + b->n;
	m->msgs = STREAM_PER_N * b->n;
	if (pin_cpu(ci) || (pid = spawn_on(cj, (int (*)(void *))answer, m)) < 0)
		return bench_fail("urpc_roundtrip", "pair %s: cannot pin or fork: %s", pair,
				  strerror(errno));
	deadline = now_ns() + BENCH_QUIET_S * 1000000000ull;
	for (uint64_t i = 0; i < 2 * m->total && !bad; i++) {
		uint64_t line = 0, rt = 0;
		bad = exchange(m, i, i >= m->total, &line, &rt, deadline, &polls);
		if (i >= b->warm && i < m->total) {
			b->s[i - b->warm] = line;
			b->s2[i - b->warm] = rt;
		}
	}
	if (!bad)
		bad = stream(m, pair, tput, sizeof(tput));
	if (bad)
		kill_quietly(pid);
	if (reap(pid) || bad) {
		failed = bench_fail("urpc_roundtrip", "pair %s: %s", pair,
				    m->bad[0] ? m->bad : "no answer, or a wrong one");
	} else {
		failed = bench_report("cacheline_roundtrip", pair, b->s, b->n, 1);
		failed |= bench_report("urpc_roundtrip", pair, b->s2, b->n, 1);
		report_oneway("cacheline_oneway", pair, &m->oneway[0], ci, cj);
		report_oneway("urpc_oneway", pair, &m->oneway[1], ci, cj);
		fputs(tput, stdout);
	}
	if (blocking) {
		struct bench slow = bench_slow(b);
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
