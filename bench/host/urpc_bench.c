/*
 * `make bench-host`: lib/urpc.c between two threads pinned to two CPUs of
 * this (Linux) machine, beside the round trips Linux itself offers between
 * two threads: a pair of pipes, a pair of eventfds, a futex ping-pong and a
 * Unix socketpair. Figures and their reading: docs/urpc.md.
 *
 * A round trip is one 8-byte message from the client (the main thread, on
 * the first CPU) to the server (a thread on the second) and one back. Each
 * is timed on its own with the TSC (lfence; rdtsc; lfence at both ends)
 * after a warm-up through the same loop; lib/stats.c gives the median and
 * the nearest-rank p99. URPC polls (pause, and a sched_yield after a long
 * wait so that a one-CPU machine still finishes); everything else blocks
 * in the kernel. Then the URPC throughput: one thread streams 7-word
 * messages to the other, timed with clock_gettime.
 *
 *	urpc_bench [--quick] [N]	N timed round trips per workload (100000)
 *
 * Lines for machines, one per workload, then a table for people:
 *	BENCH host/<workload> median=<cycles> p99=<cycles> n=<N>
 *	BENCH host/urpc_throughput msgs_per_s=<X> n=<messages>
 * A failure prints `BENCH error host/<workload> reason="..."` and exits 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>
#include "lib/stats.h"
#include "lib/urpc.h"
#include "tests/host/cpus.h"

#define DEFAULT_N	100000
#define QUICK_N		200
#ifndef URPC_SLOTS
#define URPC_SLOTS	16	/* each way: a duplex channel fills 2176 bytes of a 4 KiB frame;
			   -DURPC_SLOTS=2, 4 or 8 to compare smaller rings */
#endif
#define SPINS_BEFORE_YIELD 4096

/* Everything both threads of one workload use. Each thread touches only
 * its own end (file descriptors, futex word it waits on, URPC endpoint). */
struct pair {
	int pipe_ab[2], pipe_ba[2];	/* a = client, b = server */
	int efd_ab, efd_ba;
	int sock[2];
	uint32_t ping __attribute__((aligned(64)));	/* futex words, own lines */
	uint32_t pong __attribute__((aligned(64)));
	void *frame;			/* the URPC duplex channel */
	struct urpc_duplex a __attribute__((aligned(64)));	/* the client's */
	struct urpc_duplex b __attribute__((aligned(64)));	/* the server's */
	uint64_t total;			/* round trips, warm-up included */
	int server_cpu;
};

struct workload {
	const char *name;
	const char *what;
	void (*client)(struct pair *p, uint64_t i);	/* one round trip */
	void (*server)(struct pair *p, uint64_t i);	/* answers one */
};

static void die(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("BENCH error host/%s reason=\"", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\"\n");
	exit(1);
}

static inline uint64_t tsc(void)
{
	uint64_t t;

	_mm_lfence();
	t = __rdtsc();
	_mm_lfence();
	return t;
}

/* --- the workloads --------------------------------------------------- */

static void xfer(const char *name, ssize_t got, const char *what)
{
	if (got != 8)
		die(name, "%s returned %zd (%s)", what, got, strerror(errno));
}

static void pipe_client(struct pair *p, uint64_t i)
{
	xfer("pipe_roundtrip", write(p->pipe_ab[1], &i, 8), "write");
	xfer("pipe_roundtrip", read(p->pipe_ba[0], &i, 8), "read");
}

static void pipe_server(struct pair *p, uint64_t i)
{
	xfer("pipe_roundtrip", read(p->pipe_ab[0], &i, 8), "read");
	xfer("pipe_roundtrip", write(p->pipe_ba[1], &i, 8), "write");
}

static void eventfd_client(struct pair *p, uint64_t i)
{
	uint64_t one = 1;

	xfer("eventfd_roundtrip", write(p->efd_ab, &one, 8), "write");
	xfer("eventfd_roundtrip", read(p->efd_ba, &i, 8), "read");
}

static void eventfd_server(struct pair *p, uint64_t i)
{
	uint64_t one = 1;

	xfer("eventfd_roundtrip", read(p->efd_ab, &i, 8), "read");
	xfer("eventfd_roundtrip", write(p->efd_ba, &one, 8), "write");
}

static void socket_client(struct pair *p, uint64_t i)
{
	xfer("unix_socket_roundtrip", write(p->sock[0], &i, 8), "write");
	xfer("unix_socket_roundtrip", read(p->sock[0], &i, 8), "read");
}

static void socket_server(struct pair *p, uint64_t i)
{
	xfer("unix_socket_roundtrip", read(p->sock[1], &i, 8), "read");
	xfer("unix_socket_roundtrip", write(p->sock[1], &i, 8), "write");
}

static void futex_wait(uint32_t *word, uint32_t val)
{
	syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void futex_wake(uint32_t *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/* Round trip i sets ping to i + 1 and waits until pong is i + 1; the
 * server the other way round. Each side always wakes: the cost of the
 * plain futex hand-off, as a condition variable would pay under load. */
static void futex_client(struct pair *p, uint64_t i)
{
	uint32_t want = (uint32_t)i + 1, v;

	__atomic_store_n(&p->ping, want, __ATOMIC_RELEASE);
	futex_wake(&p->ping);
	while ((v = __atomic_load_n(&p->pong, __ATOMIC_ACQUIRE)) != want)
		futex_wait(&p->pong, v);
}

static void futex_server(struct pair *p, uint64_t i)
{
	uint32_t want = (uint32_t)i + 1, v;

	while ((v = __atomic_load_n(&p->ping, __ATOMIC_ACQUIRE)) != want)
		futex_wait(&p->ping, v);
	__atomic_store_n(&p->pong, want, __ATOMIC_RELEASE);
	futex_wake(&p->pong);
}

/* Polling: pause between polls, and give the CPU away after a long wait
 * (only ever reached when both threads share a CPU or one was preempted). */
static void relax(unsigned *spins)
{
	if (++*spins % SPINS_BEFORE_YIELD)
		_mm_pause();
	else
		sched_yield();
}

static void urpc_send_spin(struct urpc_sender *s, const uint64_t *w, unsigned n)
{
	unsigned spins = 0;
	err_t err;

	while ((err = urpc_send(s, w, n, 0)) == ERR_WOULD_BLOCK)
		relax(&spins);
	if (err)
		die("urpc", "urpc_send: %s", err_name(err));
}

static void urpc_recv_spin(struct urpc_receiver *r, uint64_t *w)
{
	unsigned spins = 0, n;
	err_t err;

	while ((err = urpc_recv(r, w, &n, NULL)) == ERR_WOULD_BLOCK)
		relax(&spins);
	if (err)
		die("urpc", "urpc_recv: %s", err_name(err));
}

static void urpc_client(struct pair *p, uint64_t i)
{
	uint64_t w[URPC_MAX_WORDS] = { i };

	urpc_send_spin(&p->a.tx, w, 1);
	urpc_recv_spin(&p->a.rx, w);
	if (w[0] != i)
		die("urpc_roundtrip", "sent %llu, got %llu back", (unsigned long long)i,
		    (unsigned long long)w[0]);
}

static void urpc_server(struct pair *p, uint64_t i)
{
	uint64_t w[URPC_MAX_WORDS];

	urpc_recv_spin(&p->b.rx, w);
	urpc_send_spin(&p->b.tx, w, 1);
}

static const struct workload workloads[] = {
	{ "urpc_roundtrip", "URPC, polling, one ring each way", urpc_client, urpc_server },
	{ "pipe_roundtrip", "a pipe each way", pipe_client, pipe_server },
	{ "eventfd_roundtrip", "an eventfd each way", eventfd_client, eventfd_server },
	{ "futex_roundtrip", "futex wait/wake ping-pong", futex_client, futex_server },
	{ "unix_socket_roundtrip", "AF_UNIX stream socketpair", socket_client, socket_server },
};
#define NWORKLOADS	(sizeof(workloads) / sizeof(workloads[0]))

static void setup(struct pair *p)
{
	if (pipe(p->pipe_ab) || pipe(p->pipe_ba))
		die("pipe_roundtrip", "pipe: %s", strerror(errno));
	p->efd_ab = eventfd(0, 0);
	p->efd_ba = eventfd(0, 0);
	if (p->efd_ab < 0 || p->efd_ba < 0)
		die("eventfd_roundtrip", "eventfd: %s", strerror(errno));
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, p->sock))
		die("unix_socket_roundtrip", "socketpair: %s", strerror(errno));
	p->frame = aligned_alloc(4096, 4096);
	if (!p->frame || urpc_duplex_init(p->frame, 4096, URPC_SLOTS) ||
	    urpc_duplex_open(&p->a, p->frame, 4096, URPC_SLOTS, 0) ||
	    urpc_duplex_open(&p->b, p->frame, 4096, URPC_SLOTS, 1))
		die("urpc_roundtrip", "cannot set up the channel");
}

/* --- running them ----------------------------------------------------- */

struct server_arg {
	struct pair *p;
	const struct workload *w;
};

static void *server_thread(void *arg)
{
	struct server_arg *a = arg;

	pin(a->p->server_cpu);
	for (uint64_t i = 0; i < a->p->total; i++)
		a->w->server(a->p, i);
	return NULL;
}

/* Times n round trips of w after `warm` untimed ones; fills *st. */
static void run_roundtrips(struct pair *p, const struct workload *w, uint64_t warm, uint64_t n,
			   uint64_t *samples, struct stats *st)
{
	struct server_arg arg = { p, w };
	pthread_t t;

	p->total = warm + n;
	if (pthread_create(&t, NULL, server_thread, &arg))
		die(w->name, "pthread_create failed");
	for (uint64_t i = 0; i < warm + n; i++) {
		uint64_t t0 = tsc();
		w->client(p, i);
		uint64_t t1 = tsc();
		if (i >= warm)
			samples[i - warm] = t1 - t0;
	}
	pthread_join(t, NULL);
	if (stats_compute(samples, n, st))
		die(w->name, "no samples");
}

struct stream_arg {
	struct urpc_receiver r;
	uint64_t n;
	int cpu;
	double end;
	uint64_t bad;		/* messages out of order */
};

static void *stream_receiver(void *arg)
{
	struct stream_arg *a = arg;
	uint64_t w[URPC_MAX_WORDS];

	pin(a->cpu);
	for (uint64_t i = 0; i < a->n; i++) {
		urpc_recv_spin(&a->r, w);
		a->bad += w[0] != i;
	}
	a->end = now_s();
	return NULL;
}

/* Messages per second, n full 7-word messages streamed one way. */
static double run_throughput(int cpu[2], uint64_t n)
{
	void *mem = aligned_alloc(URPC_LINE, URPC_CHAN_BYTES(URPC_SLOTS));
	struct stream_arg *a = aligned_alloc(64, sizeof(*a));
	struct urpc_sender s;
	uint64_t w[URPC_MAX_WORDS] = { 0, 1, 2, 3, 4, 5, 6 };
	pthread_t t;
	double start;

	if (!mem || !a || urpc_chan_init(mem, URPC_CHAN_BYTES(URPC_SLOTS), URPC_SLOTS) ||
	    urpc_sender_init(&s, mem, URPC_CHAN_BYTES(URPC_SLOTS), URPC_SLOTS))
		die("urpc_throughput", "cannot set up the channel");
	memset(a, 0, sizeof(*a));
	urpc_receiver_init(&a->r, mem, URPC_CHAN_BYTES(URPC_SLOTS), URPC_SLOTS);
	a->n = n;
	a->cpu = cpu[1];
	if (pthread_create(&t, NULL, stream_receiver, a))
		die("urpc_throughput", "pthread_create failed");
	start = now_s();
	for (uint64_t i = 0; i < n; i++) {
		w[0] = i;
		urpc_send_spin(&s, w, URPC_MAX_WORDS);
	}
	pthread_join(t, NULL);
	if (a->bad)
		die("urpc_throughput", "%llu messages out of order", (unsigned long long)a->bad);
	double rate = n / (a->end - start);
	free(a);
	free(mem);
	return rate;
}

/* TSC ticks per microsecond, against CLOCK_MONOTONIC over ~50 ms. */
static double tsc_mhz(void)
{
	double t0 = now_s(), t1;
	uint64_t c0 = tsc(), c1;

	do {
		t1 = now_s();
	} while (t1 - t0 < 0.05);
	c1 = tsc();
	return (c1 - c0) / (t1 - t0) / 1e6;
}

int main(int argc, char **argv)
{
	uint64_t n = DEFAULT_N, warm = 1000, stream_n;
	struct stats st[NWORKLOADS];
	struct pair *p;
	uint64_t *samples;
	int cpu[2];

	for (int i = 1; i < argc; i++) {
		char *end;
		if (strcmp(argv[i], "--quick") == 0) {
			n = QUICK_N;
			warm = 20;
		} else if ((n = strtoull(argv[i], &end, 0)) == 0 || *end) {
			fprintf(stderr, "usage: %s [--quick] [N]   (N timed round trips, > 0)\n", argv[0]);
			return 2;
		}
	}
	stream_n = 10 * n;
	pick_cpus(cpu);
	p = aligned_alloc(64, sizeof(*p));
	samples = malloc(n * sizeof(*samples));
	if (!p || !samples)
		die("setup", "out of memory");
	memset(p, 0, sizeof(*p));
	p->server_cpu = cpu[1];
	setup(p);
	if (pin(cpu[0]))
		die("setup", "cannot pin to CPU %d", cpu[0]);

	for (unsigned k = 0; k < NWORKLOADS; k++) {
		run_roundtrips(p, &workloads[k], warm, n, samples, &st[k]);
		printf("BENCH host/%s median=%llu p99=%llu n=%llu\n", workloads[k].name,
		       (unsigned long long)st[k].median, (unsigned long long)st[k].p99,
		       (unsigned long long)n);
		fflush(stdout);
	}
	double rate = run_throughput(cpu, stream_n);
	printf("BENCH host/urpc_throughput msgs_per_s=%.0f n=%llu\n", rate,
	       (unsigned long long)stream_n);

	double mhz = tsc_mhz(), pipe_median = (double)st[1].median;
	printf("\nround trips between two threads, %s, %llu timed each (TSC %.0f MHz)\n",
	       cpu[0] < 0 ? "one CPU, not pinned" : "pinned to two CPUs",
	       (unsigned long long)n, mhz);
	printf("  %-22s %10s %10s %9s %9s  %s\n", "workload", "median", "p99", "ns", "/ pipe",
	       "what");
	for (unsigned k = 0; k < NWORKLOADS; k++)
		printf("  %-22s %10llu %10llu %9.0f %9.3f  %s\n", workloads[k].name,
		       (unsigned long long)st[k].median, (unsigned long long)st[k].p99,
		       st[k].median * 1e3 / mhz, st[k].median / pipe_median, workloads[k].what);
	printf("  urpc_throughput: %.2f million 7-word messages per second one way (%u slots)\n",
	       rate / 1e6, URPC_SLOTS);
	return 0;
}
