/*
 * lib/updbench.c, Figure 3's workloads (shared memory beside messages),
 * between threads on this machine's own cores: the whole set of runs at
 * one, two and three workers with every line read back and checked (one
 * per k and core count, n as asked, the updates counted equal to what
 * the lines hold); the refusals of bad arguments; and a server worker
 * given, by a test that plays its client, what a real client never sends.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "lib/updbench.h"
#include "tests/host/capture.h"
#include "tests/host/cpus.h"
#include "lib/test.h"

#define N	40
#define WARM	5

static uint64_t real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* A clock that runs ten seconds per look: a wait gives up after a few
 * times UB_SPIN_CHECK polls instead of a minute. */
static uint64_t fast_ns_now;
static uint64_t fast_ns(void)
{
	return __atomic_add_fetch(&fast_ns_now, 10000000000ull, __ATOMIC_RELAXED);
}

static void nap(void)
{
	struct timespec ts = { 0, 20000 };

	nanosleep(&ts, NULL);
}

/* A long wait gives the CPU away: with more threads than CPUs, the
 * thread waited for may need it. */
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

	pin(w->cpu);
	ub_worker(w->sys, w->me);
	return NULL;
}

/* A whole ub_run over `cores` workers (core 0 this thread). With two,
 * each is pinned to one of the first two CPUs; with three, on a machine
 * of two, none is (pinned, two spinning threads share one CPU, and a run
 * takes as long as the scheduler's slices). */
struct whole {
	unsigned cores;
	char *out;
	size_t size;
	int ret;
};

static int run_whole(void *arg)
{
	struct whole *a = arg;
	struct ub_shared *sh = aligned_alloc(64, sizeof(*sh));
	struct ub_sys sys = { sh, a->cores, real_ns, nap, relax };
	struct worker w[UB_MAX_CORES];
	pthread_t t[UB_MAX_CORES];
	uint64_t s[N];
	int cpu[2];

	if (!sh)
		return -1;
	memset(sh, 0, sizeof(*sh));
	pick_cpus(cpu);
	for (unsigned c = 1; c < a->cores; c++) {
		w[c] = (struct worker){ &sys, c, a->cores <= 2 ? cpu[c % 2] : -1 };
		pthread_create(&t[c], NULL, worker_main, &w[c]);
	}
	pin(cpu[0]);
	int ret = ub_run(&sys, WARM, N, s);
	for (unsigned c = 1; c < a->cores; c++)
		pthread_join(t[c], NULL);
	pin(-1);
	free(sh);
	return ret;
}

/* Checks the lines of a whole run of `cores`: every (kind, k, cores)
 * once, well formed, n = N, updates = applied, core 0's WARM + N among
 * them (alone: all of them), and msg's server the last core. */
static void check_lines(const char *out, unsigned cores)
{
	static const unsigned ks[] = UB_KS;
	unsigned seen[2][UB_MAX_K + 1][UB_MAX_CORES + 1] = { { { 0 } } };
	unsigned lines = 0;

	CHECK(strstr(out, "BENCH error") == NULL);
	for (const char *p = out; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
		char name[16], server[16] = "";
		unsigned k, c;
		unsigned long long n, lo, med, p99, hi, upd, app;
		int got = sscanf(p, "BENCH name=%15[a-z_] k=%u cores=%u unit=cycles n=%llu min=%llu "
				 "median=%llu p99=%llu max=%llu updates=%llu applied=%llu %15[a-z=0-9]",
				 name, &k, &c, &n, &lo, &med, &p99, &hi, &upd, &app, server);
		if (!strncmp(p, "BENCH name=msg_update n/a", 25)) {
			CHECK_EQ(cores, 1);
			continue;
		}
		CHECK(got >= 10);
		if (got < 10)
			return;
		bool msg = !strcmp(name, "msg_update");
		CHECK(msg || !strcmp(name, "shm_update"));
		CHECK(k <= UB_MAX_K && c >= 1 && c <= (msg ? cores - 1 : cores));
		if (k > UB_MAX_K || c > UB_MAX_CORES)
			return;
		seen[msg][k][c]++;
		lines++;
		CHECK_EQ(n, N);
		CHECK(lo <= med && med <= p99 && p99 <= hi);
		/* Core 0 did WARM + N; each other updating core its share. */
		CHECK_EQ(upd, app);
		CHECK(upd >= WARM + N);
		if (c == 1)
			CHECK_EQ(upd, WARM + N);
		if (msg) {
			char want[16];
			snprintf(want, sizeof(want), "server=%u", cores - 1);
			CHECK_STR(server, want);
		} else {
			CHECK_EQ(got, 10);
		}
	}
	for (unsigned msg = 0; msg < 2; msg++)
		for (size_t ki = 0; ki < sizeof(ks) / sizeof(ks[0]); ki++)
			for (unsigned c = 1; c <= (msg ? cores - 1 : cores); c++)
				CHECK_EQ(seen[msg][ks[ki]][c], 1);
	CHECK_EQ(lines, 4 * (2 * cores - 1));
}

static char out[16384];

static void whole(unsigned cores)
{
	struct whole a = { cores, out, sizeof(out), 0 };

	CHECK_EQ(captured(out, sizeof(out), run_whole, &a), 0);
	check_lines(out, cores);
}

TEST(one_core_runs_shm_alone_and_says_msg_needs_two)
{
	whole(1);
	CHECK(strstr(out, "BENCH name=msg_update n/a reason=\"one core: no server beside a "
			  "client\"\n") != NULL);
}

TEST(two_cores_print_every_line_and_the_counts_agree)
{
	whole(2);
}

TEST(three_workers_print_every_line_and_the_counts_agree)
{
	whole(3);	/* more threads than CPUs on a 2-CPU machine: slower, still right */
}

/* ---- refusals ---- */

static struct ub_shared *bad_sh;
static struct ub_sys bad_sys;
static uint64_t bad_s[N];

static int run_bad(void *arg)
{
	size_t n = (size_t)(uintptr_t)arg;

	return ub_run(&bad_sys, 0, n, n ? bad_s : NULL);
}

TEST(bad_arguments_get_an_error_line_and_run_nothing)
{
	char buf[512];

	bad_sh = aligned_alloc(64, sizeof(*bad_sh));
	memset(bad_sh, 0, sizeof(*bad_sh));
	bad_sys = (struct ub_sys){ bad_sh, 0, real_ns, nap, relax };
	CHECK_EQ(captured(buf, sizeof(buf), run_bad, (void *)(uintptr_t)N), 1);	/* no core */
	CHECK(!strncmp(buf, "BENCH error name=shm_update reason=\"ub_run wants", 48));
	bad_sys.cores = UB_MAX_CORES + 1;
	CHECK_EQ(captured(buf, sizeof(buf), run_bad, (void *)(uintptr_t)N), 1);
	CHECK(!strncmp(buf, "BENCH error", 11));
	bad_sys.cores = 1;
	CHECK_EQ(captured(buf, sizeof(buf), run_bad, (void *)(uintptr_t)0), 1);	/* n = 0 */
	CHECK(!strncmp(buf, "BENCH error", 11));
	CHECK_EQ(bad_sh->gen, 0);		/* no job was posted */
	free(bad_sh);
}

/* ---- a hostile client ---- */

/*
 * The test posts a msg job by hand (two clients, cores 0 and 1, both
 * played by this thread; the server, worker 2, in a thread), and sends
 * `type` with `len` words and k `k` as its first message: the server
 * must end the run with ERR_BAD_MESSAGE in its result, count itself
 * done, and apply nothing. `after_bye`: a good update after client 0's
 * UB_BYE (client 1 has not said it, so the server still serves).
 */
static err_t hostile(uint32_t type, unsigned len, uint64_t k, bool after_bye)
{
	struct ub_shared *sh = aligned_alloc(64, sizeof(*sh));
	struct ub_sys sys = { sh, 3, real_ns, nap, relax };
	struct worker w = { &sys, 2, -1 };
	uint64_t msg[URPC_MAX_WORDS] = { 0, k };
	pthread_t t;

	memset(sh, 0, sizeof(*sh));
	for (unsigned c = 0; c < 2; c++) {
		urpc_duplex_init(sh->chan[c], sizeof(sh->chan[c]), UB_SLOTS);
		urpc_duplex_open(&sh->client_end[c], sh->chan[c], sizeof(sh->chan[c]), UB_SLOTS, 0);
	}
	sh->kind = UB_MSG;
	sh->k = 2;
	sh->n_cores = 2;
	sh->server = 2;
	__atomic_store_n(&sh->gen, 1, __ATOMIC_RELEASE);
	pthread_create(&t, NULL, worker_main, &w);
	__atomic_fetch_add(&sh->ready, 2, __ATOMIC_ACQ_REL);	/* both clients at the barrier */
	if (after_bye)
		urpc_send(&sh->client_end[0].tx, NULL, 0, UB_BYE);
	urpc_send(&sh->client_end[0].tx, msg, len, type);
	while (__atomic_load_n(&sh->done, __ATOMIC_ACQUIRE) < 1)
		nap();
	err_t err = sh->result[2].err;
	uint64_t applied = sh->result[2].applied + sh->copy[0].w[0];
	sh->kind = UB_QUIT;
	__atomic_store_n(&sh->gen, 2, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	free(sh);
	return applied ? ERR_INVALID_ARG : err;
}

TEST(the_server_refuses_what_no_client_sends)
{
	CHECK_ERR(hostile(UB_APPLIED, 2, 2, false), ERR_BAD_MESSAGE);	/* another type */
	CHECK_ERR(hostile(UB_UPDATE, 3, 2, false), ERR_BAD_MESSAGE);	/* another length */
	CHECK_ERR(hostile(UB_UPDATE, 2, 5, false), ERR_BAD_MESSAGE);	/* another k */
	CHECK_ERR(hostile(UB_BYE, 1, 2, false), ERR_BAD_MESSAGE);	/* a bye with words */
	CHECK_ERR(hostile(UB_UPDATE, 2, 2, true), ERR_BAD_MESSAGE);	/* after its bye */
}

/* A server whose client never comes gives up (the fast clock makes a
 * minute pass in a few polls) instead of waiting for ever. */
TEST(a_worker_whose_partners_never_come_gives_up)
{
	struct ub_shared *sh = aligned_alloc(64, sizeof(*sh));
	struct ub_sys sys = { sh, 2, fast_ns, nap, NULL };
	struct worker w = { &sys, 1, -1 };
	pthread_t t;

	memset(sh, 0, sizeof(*sh));
	urpc_duplex_init(sh->chan[0], sizeof(sh->chan[0]), UB_SLOTS);
	sh->kind = UB_MSG;
	sh->k = 1;
	sh->n_cores = 1;
	sh->server = 1;
	__atomic_store_n(&sh->gen, 1, __ATOMIC_RELEASE);
	pthread_create(&t, NULL, worker_main, &w);	/* nobody else at the barrier */
	while (__atomic_load_n(&sh->done, __ATOMIC_ACQUIRE) < 1)
		nap();
	CHECK_ERR(sh->result[1].err, ERR_TIMEOUT);
	sh->kind = UB_QUIT;
	__atomic_store_n(&sh->gen, 2, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	free(sh);
}
