/*
 * lib/urpc.c between two threads: a stream of messages of random sizes
 * from one pinned thread to another on another CPU, and a pipelined echo
 * over a duplex channel; the receivers check that nothing is lost,
 * duplicated, reordered or corrupted. URPC_STRESS_N (environment) sets the
 * number of messages, URPC_STRESS_DEFAULT (compile time) the default: the
 * ASan build sends 300000, the ThreadSanitizer build (build/host-tsan,
 * mk/host.mk) more.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "lib/test.h"
#include "cpus.h"
#include "urpc_msgs.h"

#ifndef URPC_STRESS_DEFAULT
#define URPC_STRESS_DEFAULT	300000
#endif

/* A stress thread that sees no progress for this long reports a stall. */
#define STALL_SECONDS		60

static uint64_t stress_n(void)
{
	const char *s = getenv("URPC_STRESS_N");
	char *end;
	unsigned long long n;

	if (!s || !*s)
		return URPC_STRESS_DEFAULT;
	errno = 0;
	n = strtoull(s, &end, 0);
	return errno || *end || n == 0 ? URPC_STRESS_DEFAULT : n;
}

struct stress {
	void *mem;
	unsigned nslots;
	uint64_t n;			/* messages */
	int cpu[2];			/* -1: not pinned */
	int stop;			/* __atomic: set on the first failure */
	char why[2][200];		/* each thread's first failure */
	struct urpc_sender s;		/* thread 0's */
	struct urpc_receiver r;		/* thread 1's */
	struct urpc_duplex d[2];	/* the echo test's, one per thread */
	sem_t bell;			/* the sleep test's doorbell */
	uint64_t sleeps, wakes;		/* ... times it slept, and was woken */
};

/*
 * Called each time a thread finds nothing to do. Spins with `pause`, and
 * yields now and then so that the test also progresses when both threads
 * share a CPU. False when the other thread failed or nothing moved for
 * STALL_SECONDS (then `why` says so).
 */
static int keep_waiting(struct stress *st, unsigned self, unsigned *spins, double *since)
{
	if (__atomic_load_n(&st->stop, __ATOMIC_ACQUIRE))
		return 0;
	if (++*spins % 64)
		__builtin_ia32_pause();
	else
		sched_yield();
	if (*spins % 4096 == 0) {
		double t = now_s();
		if (*since == 0)
			*since = t;
		else if (t - *since > STALL_SECONDS) {
			snprintf(st->why[self], sizeof(st->why[self]), "no progress for %d s",
				 STALL_SECONDS);
			__atomic_store_n(&st->stop, 1, __ATOMIC_RELEASE);
			return 0;
		}
	}
	return 1;
}

static void fail_stress(struct stress *st, unsigned self, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail_stress(struct stress *st, unsigned self, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->why[self], sizeof(st->why[self]), fmt, ap);
	va_end(ap);
	__atomic_store_n(&st->stop, 1, __ATOMIC_RELEASE);
}

/* Sends message i of the stream, waiting for room; 0 when it failed or
 * the other thread did. */
static int send_msg(struct stress *st, uint64_t i)
{
	uint64_t w[URPC_MAX_WORDS];
	unsigned len = make_msg(i, w), spins = 0;
	double since = 0;
	err_t err;

	while ((err = urpc_send(&st->s, w, len, (uint32_t)i)) == ERR_WOULD_BLOCK)
		if (!keep_waiting(st, 0, &spins, &since))
			return 0;
	if (err) {
		fail_stress(st, 0, "message %llu: urpc_send gave %s", (unsigned long long)i,
			    err_name(err));
		return 0;
	}
	return 1;
}

static void *stream_sender(void *arg)
{
	struct stress *st = arg;

	pin(st->cpu[0]);
	for (uint64_t i = 0; i < st->n && send_msg(st, i); i++)
		;
	return NULL;
}

static void *stream_receiver(void *arg)
{
	struct stress *st = arg;
	uint64_t w[URPC_MAX_WORDS];
	unsigned n;
	uint32_t type;

	pin(st->cpu[1]);
	for (uint64_t i = 0; i < st->n; i++) {
		unsigned spins = 0;
		double since = 0;
		err_t err;
		while ((err = urpc_recv(&st->r, w, &n, &type)) == ERR_WOULD_BLOCK)
			if (!keep_waiting(st, 1, &spins, &since))
				return NULL;
		if (err) {
			fail_stress(st, 1, "message %llu: urpc_recv gave %s", (unsigned long long)i,
				    err_name(err));
			return NULL;
		}
		if (type != (uint32_t)i) {
			fail_stress(st, 1, "expected message %llu, got %u: lost, duplicated or reordered",
				    (unsigned long long)i, type);
			return NULL;
		}
		if (!is_msg(i, w, n, type)) {
			fail_stress(st, 1, "message %llu corrupted (%u words)", (unsigned long long)i, n);
			return NULL;
		}
	}
	return NULL;
}

/* Runs two threads over *st; 0 and `why` filled when something failed. */
static int run_pair(struct stress *st, void *(*a)(void *), void *(*b)(void *))
{
	pthread_t ta, tb;

	pick_cpus(st->cpu);
	if (pthread_create(&ta, NULL, a, st) != 0) {
		snprintf(st->why[0], sizeof(st->why[0]), "pthread_create failed");
		return 0;
	}
	if (pthread_create(&tb, NULL, b, st) != 0) {
		__atomic_store_n(&st->stop, 1, __ATOMIC_RELEASE);
		pthread_join(ta, NULL);
		snprintf(st->why[0], sizeof(st->why[0]), "pthread_create failed");
		return 0;
	}
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	return !st->why[0][0] && !st->why[1][0];
}

TEST(stress_stream_between_two_threads)
{
	enum { N = 16 };
	struct stress *st = calloc(1, sizeof(*st));

	CHECK(st);
	st->nslots = N;
	st->n = stress_n();
	st->mem = new_chan(N);
	CHECK(st->mem && open_ends(st->mem, N, &st->s, &st->r));
	int ok = run_pair(st, stream_sender, stream_receiver);
	if (!ok)
		test_fail("%s%s%s", st->why[0], st->why[0][0] ? "; " : "",
			  st->why[1]);
	else if (st->r.received != st->n || st->s.sent != st->n)
		test_fail("sent %llu, received %llu of %llu",
			  (unsigned long long)st->s.sent, (unsigned long long)st->r.received,
			  (unsigned long long)st->n);
	else if (st->r.ack_writes != st->n / (N / 2))
		test_fail("%llu ack writes for %llu messages",
			  (unsigned long long)st->r.ack_writes, (unsigned long long)st->n);
	free(st->mem);
	free(st);
}

/* The echo test: thread 0 streams messages and checks their echoes,
 * never blocking on one direction; thread 1 sends back each one it gets. */
static void *echo_client(void *arg)
{
	struct stress *st = arg;
	struct urpc_duplex *d = &st->d[0];
	uint64_t w[URPC_MAX_WORDS], sent = 0, back = 0;
	unsigned n, spins = 0;
	uint32_t type;
	double since = 0;

	pin(st->cpu[0]);
	while (back < st->n) {
		int moved = 0;
		if (sent < st->n) {
			err_t err = urpc_send(&d->tx, w, make_msg(sent, w), (uint32_t)sent);
			if (err && err != ERR_WOULD_BLOCK) {
				fail_stress(st, 0, "message %llu: urpc_send gave %s",
					    (unsigned long long)sent, err_name(err));
				return NULL;
			}
			sent += moved = err == OK;
		}
		err_t err = urpc_recv(&d->rx, w, &n, &type);
		if (err == OK) {
			if (!is_msg(back, w, n, type)) {
				fail_stress(st, 0, "echo %llu is wrong (type %u)", (unsigned long long)back, type);
				return NULL;
			}
			back++;
			moved = 1;
		} else if (err != ERR_WOULD_BLOCK) {
			fail_stress(st, 0, "echo %llu: urpc_recv gave %s", (unsigned long long)back,
				    err_name(err));
			return NULL;
		}
		if (moved)
			spins = 0, since = 0;
		else if (!keep_waiting(st, 0, &spins, &since))
			return NULL;
	}
	return NULL;
}

static void *echo_server(void *arg)
{
	struct stress *st = arg;
	struct urpc_duplex *d = &st->d[1];
	uint64_t w[URPC_MAX_WORDS];
	unsigned n;
	uint32_t type;

	pin(st->cpu[1]);
	for (uint64_t i = 0; i < st->n; i++) {
		unsigned spins = 0;
		double since = 0;
		err_t err;
		while ((err = urpc_recv(&d->rx, w, &n, &type)) == ERR_WOULD_BLOCK)
			if (!keep_waiting(st, 1, &spins, &since))
				return NULL;
		if (err || !is_msg(i, w, n, type)) {
			fail_stress(st, 1, "message %llu: %s or wrong contents", (unsigned long long)i,
				    err_name(err));
			return NULL;
		}
		while ((err = urpc_send(&d->tx, w, n, type)) == ERR_WOULD_BLOCK)
			if (!keep_waiting(st, 1, &spins, &since))
				return NULL;
		if (err) {
			fail_stress(st, 1, "echo %llu: urpc_send gave %s", (unsigned long long)i,
				    err_name(err));
			return NULL;
		}
	}
	return NULL;
}

TEST(stress_echo_over_a_duplex_channel)
{
	enum { N = 4 };
	struct stress *st = calloc(1, sizeof(*st));

	CHECK(st);
	st->nslots = N;
	st->n = stress_n() / 4;
	st->mem = aligned_alloc(URPC_LINE, URPC_DUPLEX_BYTES(N));
	CHECK(st->mem);
	CHECK_EQ(urpc_duplex_init(st->mem, URPC_DUPLEX_BYTES(N), N), OK);
	CHECK_EQ(urpc_duplex_open(&st->d[0], st->mem, URPC_DUPLEX_BYTES(N), N, 0), OK);
	CHECK_EQ(urpc_duplex_open(&st->d[1], st->mem, URPC_DUPLEX_BYTES(N), N, 1), OK);
	if (!run_pair(st, echo_client, echo_server))
		test_fail("%s%s%s", st->why[0], st->why[0][0] ? "; " : "",
			  st->why[1]);
	else if (st->d[0].rx.received != st->n || st->d[1].rx.received != st->n)
		test_fail("%llu messages and %llu echoes of %llu",
			  (unsigned long long)st->d[1].rx.received,
			  (unsigned long long)st->d[0].rx.received, (unsigned long long)st->n);
	free(st->mem);
	free(st);
}

/*
 * The sleep handshake (urpc_receiver_sleep, urpc_sender_must_wake) under
 * load: the receiver polls a little, then sleeps on a semaphore standing
 * for the doorbell; the sender rings it only when the flag says so, and
 * pauses every 64 messages so that the receiver does fall asleep. A lost
 * wake-up leaves the receiver asleep with a message waiting: it reports
 * that after STALL_SECONDS instead of hanging.
 */
#define SLEEP_POLLS	200

static void *sleepy_sender(void *arg)
{
	struct stress *st = arg;

	pin(st->cpu[0]);
	for (uint64_t i = 0; i < st->n; i++) {
		if (!send_msg(st, i))
			return NULL;
		if (urpc_sender_must_wake(&st->s)) {
			st->wakes++;
			sem_post(&st->bell);
		}
		if (i % 64 == 63)
			nanosleep(&(struct timespec){ .tv_nsec = 20000 }, NULL);
	}
	return NULL;
}

static void *sleepy_receiver(void *arg)
{
	struct stress *st = arg;
	uint64_t w[URPC_MAX_WORDS];
	unsigned n;
	uint32_t type;

	pin(st->cpu[1]);
	for (uint64_t i = 0; i < st->n; i++) {
		unsigned polls = 0;
		err_t err;
		while ((err = urpc_recv(&st->r, w, &n, &type)) == ERR_WOULD_BLOCK) {
			if (__atomic_load_n(&st->stop, __ATOMIC_ACQUIRE))
				return NULL;
			if (++polls < SLEEP_POLLS) {
				__builtin_ia32_pause();
				continue;
			}
			polls = 0;
			if (!urpc_receiver_sleep(&st->r))
				continue;
			st->sleeps++;
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += STALL_SECONDS;
			while (sem_timedwait(&st->bell, &until) != 0)
				if (errno != EINTR) {
					fail_stress(st, 1, "asleep at message %llu for %d s: a lost wake-up",
						    (unsigned long long)i, STALL_SECONDS);
					return NULL;
				}
			urpc_receiver_awake(&st->r);
		}
		if (err || type != (uint32_t)i || !is_msg(i, w, n, type)) {
			fail_stress(st, 1, "message %llu: %s, type %u", (unsigned long long)i,
				    err_name(err), type);
			return NULL;
		}
	}
	return NULL;
}

TEST(stress_receiver_sleeps_and_is_woken)
{
	enum { N = 16 };
	struct stress *st = calloc(1, sizeof(*st));

	CHECK(st);
	CHECK_EQ(sem_init(&st->bell, 0, 0), 0);
	st->nslots = N;
	st->n = stress_n() / 8;
	st->mem = new_chan(N);
	CHECK(st->mem && open_ends(st->mem, N, &st->s, &st->r));
	if (!run_pair(st, sleepy_sender, sleepy_receiver))
		test_fail("%s%s%s", st->why[0], st->why[0][0] ? "; " : "",
			  st->why[1]);
	else if (st->r.received != st->n)
		test_fail("received %llu of %llu",
			  (unsigned long long)st->r.received, (unsigned long long)st->n);
	else if (st->sleeps == 0 || st->wakes == 0)
		test_fail("the receiver never slept (%llu sleeps, %llu wakes): "
			  "the handshake was not exercised", (unsigned long long)st->sleeps,
			  (unsigned long long)st->wakes);
	else
		printf("  %llu messages, %llu sleeps, %llu wake-ups rung\n",
		       (unsigned long long)st->n, (unsigned long long)st->sleeps,
		       (unsigned long long)st->wakes);
	sem_destroy(&st->bell);
	free(st->mem);
	free(st);
}
