/*
 * lib/pairbench.c, the pair workloads of `make bench` that Flotilla and
 * the Linux guest share, between two threads on this machine's own cores:
 * the whole run against the real responder, with its lines read back and
 * checked; a scripted responder that sends what the real one never would
 * (statistics out of order, samples below zero); and a responder given
 * messages out of step, of another type, or nothing at all.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/pairbench.h"
#include "tests/host/capture.h"
#include "tests/host/cpus.h"
#include "lib/test.h"

#define SLOTS	16
#define N	100
#define WARM	10
#define BASE	0x40	/* not 0: a type is checked as base + offset */

/* What both threads of a test share, and each side's view. */
struct pair {
	uint8_t frame[4096] __attribute__((aligned(4096)));
	struct pb_line line __attribute__((aligned(64)));
	struct urpc_duplex a, b;
	struct pb_side ini, resp;
	uint64_t s_ini[N], s_resp[N];
	int cpu[2];
	err_t served;
};

static uint64_t real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* A clock that runs ten seconds per look: a wait gives up after a few
 * times PB_SPIN_CHECK polls instead of a minute. */
static uint64_t fast_ns_now;
static uint64_t fast_ns(void)
{
	return fast_ns_now += 10000000000ull;
}

static int setup(struct pair *p, uint64_t (*clock)(void))
{
	memset(p, 0, sizeof(*p));
	if (urpc_duplex_init(p->frame, sizeof(p->frame), SLOTS) ||
	    urpc_duplex_open(&p->a, p->frame, sizeof(p->frame), SLOTS, 0) ||
	    urpc_duplex_open(&p->b, p->frame, sizeof(p->frame), SLOTS, 1))
		return -1;
	p->ini = (struct pb_side){ .i = 0, .j = 1, .tx = &p->a.tx, .rx = &p->a.rx,
				   .line = &p->line, .base = BASE, .warm = WARM, .n = N,
				   .s = p->s_ini, .clock_ns = clock };
	p->resp = p->ini;
	p->resp.tx = &p->b.tx;
	p->resp.rx = &p->b.rx;
	p->resp.s = p->s_resp;
	pick_cpus(p->cpu);
	return 0;
}

static void *real_responder(void *arg)
{
	struct pair *p = arg;

	pin(p->cpu[1]);
	p->served = pb_serve(&p->resp);
	return NULL;
}

/* pb_run in a thread of its own, pinned, so that this one never is. */
static void *initiator(void *arg)
{
	struct pair *p = arg;

	pin(p->cpu[0]);
	return (void *)(intptr_t)pb_run(&p->ini);
}

static int run_initiator(void *arg)
{
	pthread_t t;
	void *r;

	if (pthread_create(&t, NULL, initiator, arg))
		return -1;
	pthread_join(t, &r);
	return (int)(intptr_t)r;
}

/* The value of `key=` in the line named `name`, or -1. */
static long long field(const char *out, const char *name, const char *key)
{
	char want[64], k[32];
	const char *l = out;

	snprintf(want, sizeof(want), "BENCH name=%s pair=0-1 ", name);
	snprintf(k, sizeof(k), " %s=", key);
	while (l && *l) {
		const char *end = strchr(l, '\n'), *v;
		if (!strncmp(l, want, strlen(want)) && (v = strstr(l, k)) && (!end || v < end))
			return atoll(v + strlen(k));
		l = end ? end + 1 : NULL;
	}
	return -1;
}

TEST(a_pair_of_threads_runs_every_workload_and_prints_its_lines)
{
	static struct pair p;
	static char out[4096];
	pthread_t t;

	CHECK(setup(&p, real_ns) == 0);
	CHECK(pthread_create(&t, NULL, real_responder, &p) == 0);
	int failed = captured(out, sizeof(out), run_initiator, &p);
	pthread_join(t, NULL);
	CHECK_EQ(failed, 0);
	CHECK_EQ(p.served, OK);
	static const char *const names[] = { "cacheline_roundtrip", "urpc_roundtrip",
					     "cacheline_oneway", "urpc_oneway" };
	for (unsigned k = 0; k < 4; k++) {
		long long n = field(out, names[k], "n"), min = field(out, names[k], "min");
		long long med = field(out, names[k], "median"), p99 = field(out, names[k], "p99");
		long long max = field(out, names[k], "max");
		if (n != N || min < 0 || min > med || med > p99 || p99 > max)
			FAIL("%s: n=%lld min=%lld median=%lld p99=%lld "
			     "max=%lld in:\n%s", names[k], n, min, med, p99, max, out);
	}
	/* In the order they ran, and the stream's count and rate. */
	CHECK(strstr(out, "name=cacheline_roundtrip") < strstr(out, "name=urpc_roundtrip"));
	CHECK(strstr(out, "name=urpc_roundtrip") < strstr(out, "name=cacheline_oneway"));
	CHECK(strstr(out, "name=urpc_oneway") < strstr(out, "name=urpc_throughput"));
	CHECK_EQ(field(out, "urpc_throughput", "msgs"), PB_STREAM_PER_N * N);
	CHECK(field(out, "urpc_throughput", "value") > 0);
	CHECK(field(out, "urpc_throughput", "cycles_per_msg") > 0);
	CHECK(!strstr(out, "error"));
}

/* ---- a scripted responder ---- */

/* Answers bounces and pings as pb_serve does, counts streams, and sends
 * `stats` (six words) for each one-way series. */
static uint64_t script_stats[6];

static err_t recv_wait(struct pair *p, uint64_t *w, unsigned *n, uint32_t *type)
{
	err_t err;

	while ((err = urpc_recv(&p->b.rx, w, n, type)) == ERR_WOULD_BLOCK)
		;
	return err;
}

static void send_wait(struct pair *p, uint32_t type, const uint64_t *w, unsigned n)
{
	while (urpc_send(&p->b.tx, w, n, BASE + type) == ERR_WOULD_BLOCK)
		;
}

static void *scripted_responder(void *arg)
{
	struct pair *p = arg;
	uint64_t w[URPC_MAX_WORDS];
	unsigned n;
	uint32_t type;

	pin(p->cpu[1]);
	for (;;) {
		if (recv_wait(p, w, &n, &type) || type == BASE + PB_STOP)
			return NULL;
		uint64_t ph = w[0], count = w[1];
		if (ph == PB_STREAM) {
			for (uint64_t c = 0; c < count; c++)
				recv_wait(p, w, &n, &type);
			send_wait(p, PB_COUNTED, &count, 1);
			continue;
		}
		for (uint64_t it = 0; it < WARM + N; it++) {
			while (__atomic_load_n(&p->line.seq, __ATOMIC_ACQUIRE) != 2 * it + 1)
				;
			__atomic_store_n(&p->line.seq, 2 * it + 2, __ATOMIC_RELEASE);
			recv_wait(p, w, &n, &type);
			send_wait(p, PB_PONG, w, 1);
		}
		if (ph == PB_ONEWAY) {
			send_wait(p, PB_STATS, script_stats, 6);
			send_wait(p, PB_STATS, script_stats, 6);
		}
	}
}

static int run_against_script(struct pair *p, char *out, size_t size)
{
	pthread_t t;
	int failed;

	if (setup(p, real_ns) || pthread_create(&t, NULL, scripted_responder, p))
		return -1;
	failed = captured(out, size, run_initiator, p);
	pthread_join(t, NULL);
	return failed;
}

TEST(one_way_samples_below_zero_print_na_with_how_many)
{
	static struct pair p;
	static char out[4096];
	const uint64_t st[6] = { N, 10, 20, 30, 40, 7 };	/* 7 samples below zero */

	memcpy(script_stats, st, sizeof(st));
	CHECK_EQ(run_against_script(&p, out, sizeof(out)), 0);
	CHECK(strstr(out, "BENCH name=cacheline_oneway pair=0-1 n/a reason=\"core 1's TSC read "
			  "before core 0's in 7 of 100 samples"));
	CHECK(strstr(out, "BENCH name=urpc_oneway pair=0-1 n/a"));
	CHECK(field(out, "urpc_roundtrip", "median") >= 0);
	CHECK(field(out, "urpc_throughput", "value") > 0);
}

TEST(statistics_out_of_order_are_refused)
{
	static struct pair p;
	static char out[4096];
	const uint64_t st[6] = { N, 50, 20, 30, 40, 0 };	/* min above the median */

	memcpy(script_stats, st, sizeof(st));
	CHECK_EQ(run_against_script(&p, out, sizeof(out)), 1);
	CHECK(strstr(out, "BENCH error name=cacheline_oneway reason=\"pair 0-1: core 0: the "
			  "responder's statistics: ERR_BAD_MESSAGE"));
	CHECK(!strstr(out, "urpc_throughput"));	/* the rest is not run */
}

TEST(statistics_of_another_n_are_refused)
{
	static struct pair p;
	static char out[4096];
	const uint64_t st[6] = { N - 1, 10, 20, 30, 40, 0 };

	memcpy(script_stats, st, sizeof(st));
	CHECK_EQ(run_against_script(&p, out, sizeof(out)), 1);
	CHECK(strstr(out, "responder's statistics: ERR_BAD_MESSAGE"));
}

/* ---- the responder given what it must refuse ---- */

static void send_a(struct pair *p, uint32_t type, uint64_t w0, uint64_t w1, unsigned n)
{
	const uint64_t w[2] = { w0, w1 };

	urpc_send(&p->a.tx, w, n, type);
}

TEST(the_responder_refuses_an_unknown_workload)
{
	static struct pair p;

	CHECK(setup(&p, real_ns) == 0);
	send_a(&p, BASE + PB_PHASE, 7, 0, 2);
	CHECK_EQ(pb_serve(&p.resp), ERR_BAD_MESSAGE);
}

TEST(the_responder_refuses_a_message_of_another_type_or_length)
{
	static struct pair p;

	CHECK(setup(&p, real_ns) == 0);
	send_a(&p, PB_PHASE, PB_ROUNDTRIP, 0, 2);	/* without the base */
	CHECK_EQ(pb_serve(&p.resp), ERR_BAD_MESSAGE);
	CHECK(setup(&p, real_ns) == 0);
	send_a(&p, BASE + PB_PHASE, PB_ROUNDTRIP, 0, 1);	/* a word short */
	CHECK_EQ(pb_serve(&p.resp), ERR_BAD_MESSAGE);
	CHECK(setup(&p, real_ns) == 0);
	send_a(&p, BASE + PB_STOP, 0, 0, 1);		/* a stop with a word */
	CHECK_EQ(pb_serve(&p.resp), ERR_BAD_MESSAGE);
	CHECK(setup(&p, real_ns) == 0);
	send_a(&p, BASE + PB_STOP, 0, 0, 0);		/* the stop itself */
	CHECK_EQ(pb_serve(&p.resp), OK);
}

TEST(the_responder_refuses_a_ping_out_of_step)
{
	static struct pair p;

	CHECK(setup(&p, real_ns) == 0);
	send_a(&p, BASE + PB_PHASE, PB_ROUNDTRIP, 0, 2);
	p.line.seq = 1;					/* the first bounce */
	send_a(&p, BASE + PB_PING, 5, 0, 1);		/* iteration 5, not 0 */
	CHECK_EQ(pb_serve(&p.resp), ERR_BAD_MESSAGE);
	CHECK_EQ(p.line.seq, 2);			/* the bounce was answered */
}

TEST(the_responder_refuses_a_stream_out_of_order)
{
	static struct pair p;
	uint64_t w[URPC_MAX_WORDS] = { 1 };		/* index 1 first */

	CHECK(setup(&p, real_ns) == 0);
	send_a(&p, BASE + PB_PHASE, PB_STREAM, 2, 2);
	urpc_send(&p.a.tx, w, URPC_MAX_WORDS, BASE + PB_DATA);
	CHECK_EQ(pb_serve(&p.resp), ERR_BAD_MESSAGE);
}

TEST(a_silent_peer_is_given_up_on)
{
	static struct pair p;
	static char out[1024];

	CHECK(setup(&p, fast_ns) == 0);
	CHECK_EQ(pb_serve(&p.resp), ERR_TIMEOUT);		/* no phase comes */
	CHECK(setup(&p, fast_ns) == 0);
	send_a(&p, BASE + PB_PHASE, PB_ROUNDTRIP, 0, 2);
	CHECK_EQ(pb_serve(&p.resp), ERR_TIMEOUT);		/* no bounce comes */
	CHECK(setup(&p, fast_ns) == 0);
	CHECK_EQ(captured(out, sizeof(out), run_initiator, &p), 1);	/* nobody answers */
	CHECK(strstr(out, "BENCH error name=urpc_roundtrip reason=\"pair 0-1: core 0: bouncing "
			  "the line and pinging: ERR_TIMEOUT"));
}

TEST(no_samples_is_an_error_on_both_sides)
{
	static struct pair p;
	static char out[1024];

	CHECK(setup(&p, real_ns) == 0);
	p.resp.n = 0;
	CHECK_EQ(pb_serve(&p.resp), ERR_INVALID_ARG);
	p.ini.s = NULL;
	CHECK_EQ(captured(out, sizeof(out), run_initiator, &p), 1);
	CHECK(strstr(out, "BENCH error name=urpc_pairs reason=\"pair 0-1: core 0: no samples: "
			  "ERR_INVALID_ARG"));
}

TEST(a_systems_own_messages_go_raw_and_give_up_alone)
{
	static struct pair p;
	uint64_t w[URPC_MAX_WORDS] = { 42 };
	unsigned n;
	uint32_t type;

	CHECK(setup(&p, fast_ns) == 0);
	CHECK_EQ(pb_send_raw(&p.resp, 0x7, w, 1), OK);	/* a type of its own */
	w[0] = 0;
	CHECK_EQ(pb_recv_raw(&p.ini, w, &n, &type), OK);
	CHECK_EQ(type, 0x7);
	CHECK_EQ(n, 1);
	CHECK_EQ(w[0], 42);
	CHECK_EQ(pb_recv_raw(&p.ini, w, &n, &type), ERR_TIMEOUT);	/* nothing more */
	for (unsigned k = 0; k < SLOTS; k++)		/* nobody reads: the ring fills */
		if (pb_send_raw(&p.resp, 0x7, w, 1) != OK)
			break;
	CHECK_EQ(pb_send_raw(&p.resp, 0x7, w, 1), ERR_TIMEOUT);
}
