/*
 * Round trips through the Linux kernel between two processes, each pinned
 * to a CPU (the same one, or two): the client (this process) sends 8 bytes,
 * the server (a forked child) answers with 8 bytes, and the client's
 * timed iteration ends when the answer is in. Every mechanism blocks in
 * the kernel: a pipe each way, an eventfd each way, an AF_UNIX stream
 * socketpair, or a futex ping-pong on two words of shared memory. One
 * sample is the whole round trip, warm-up as everywhere (lbench.h).
 */
#include "bench/linux/lbench.h"

#include <errno.h>
#include <linux/futex.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Both ends' state, in shared memory; each side uses only its own ends. */
struct rt {
	uint32_t ping __attribute__((aligned(64)));	/* futex words, own lines */
	uint32_t pong __attribute__((aligned(64)));
	int ab[2], ba[2];	/* pipes or eventfds (ab[0] == ab[1]) a -> b, b -> a */
	int sock[2];
	enum rt_kind kind;
	uint64_t total;
	char bad[96];		/* the server's complaint, if it has one */
};

static int xfer(ssize_t got)
{
	return got == 8 ? 0 : -1;
}

static void futex_wait(uint32_t *word, uint32_t val)
{
	syscall(SYS_futex, word, FUTEX_WAIT, val, NULL, NULL, 0);
}

static void futex_wake(uint32_t *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
}

/* Round trip i: the client sets ping to i + 1 and waits for pong to be
 * i + 1; each side always wakes the other (the plain hand-off). */
static int client_once(struct rt *r, uint64_t i)
{
	uint32_t want = (uint32_t)i + 1, v;
	uint64_t one = 1;

	switch (r->kind) {
	case RT_PIPE:
		return xfer(write(r->ab[1], &i, 8)) | xfer(read(r->ba[0], &i, 8));
	case RT_EVENTFD:
		return xfer(write(r->ab[1], &one, 8)) | xfer(read(r->ba[0], &i, 8));
	case RT_UNIX:
		return xfer(write(r->sock[0], &i, 8)) | xfer(read(r->sock[0], &i, 8));
	case RT_FUTEX:
		__atomic_store_n(&r->ping, want, __ATOMIC_RELEASE);
		futex_wake(&r->ping);
		while ((v = __atomic_load_n(&r->pong, __ATOMIC_ACQUIRE)) != want)
			futex_wait(&r->pong, v);
		return 0;
	}
	return -1;
}

static int server_once(struct rt *r, uint64_t i)
{
	uint32_t want = (uint32_t)i + 1, v;
	uint64_t one = 1;

	switch (r->kind) {
	case RT_PIPE:
		return xfer(read(r->ab[0], &i, 8)) | xfer(write(r->ba[1], &i, 8));
	case RT_EVENTFD:
		return xfer(read(r->ab[0], &i, 8)) | xfer(write(r->ba[1], &one, 8));
	case RT_UNIX:
		return xfer(read(r->sock[1], &i, 8)) | xfer(write(r->sock[1], &i, 8));
	case RT_FUTEX:
		while ((v = __atomic_load_n(&r->ping, __ATOMIC_ACQUIRE)) != want)
			futex_wait(&r->ping, v);
		__atomic_store_n(&r->pong, want, __ATOMIC_RELEASE);
		futex_wake(&r->pong);
		return 0;
	}
	return -1;
}

static int server(void *arg)
{
	struct rt *r = arg;

	for (uint64_t i = 0; i < r->total; i++)
		if (server_once(r, i)) {
			snprintf(r->bad, sizeof(r->bad), "server: round trip %llu: %s",
				 (unsigned long long)i, strerror(errno));
			return 1;
		}
	return 0;
}

static int open_ends(struct rt *r)
{
	switch (r->kind) {
	case RT_PIPE:
		return pipe(r->ab) | pipe(r->ba);
	case RT_EVENTFD:
		r->ab[0] = r->ab[1] = eventfd(0, 0);
		r->ba[0] = r->ba[1] = eventfd(0, 0);
		return r->ab[0] < 0 || r->ba[0] < 0 ? -1 : 0;
	case RT_UNIX:
		return socketpair(AF_UNIX, SOCK_STREAM, 0, r->sock);
	case RT_FUTEX:
		return 0;
	}
	return -1;
}

static void close_ends(struct rt *r)
{
	int fds[] = { r->ab[0], r->ab[1], r->ba[0], r->ba[1], r->sock[0], r->sock[1] };

	for (unsigned k = 0; k < sizeof(fds) / sizeof(fds[0]); k++)
		if (fds[k] > 0 && (k % 2 == 0 || fds[k] != fds[k - 1]))
			close(fds[k]);
}

int bench_roundtrip(struct bench *b, const char *name, const char *pair, enum rt_kind kind,
		    int cpu_a, int cpu_b)
{
	struct rt *r = shared_alloc(sizeof(*r));
	int pid, bad = 0, ret;

	if (!r)
		return bench_fail(name, "no shared memory");
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->total = b->warm + b->n;
	r->ab[0] = r->ab[1] = r->ba[0] = r->ba[1] = r->sock[0] = r->sock[1] = -1;
	if (open_ends(r))
		return bench_fail(name, "cannot open the channel: %s", strerror(errno));
	if (pin_cpu(cpu_a) || (pid = spawn_on(cpu_b, server, r)) < 0) {
		close_ends(r);
		return bench_fail(name, "cannot pin or fork: %s", strerror(errno));
	}
	TIME_EACH(b->s, b->warm, b->n, bad |= client_once(r, i_), (void)0);
	if (bad)
		kill_quietly(pid);
	if (reap(pid) || bad)
		ret = bench_fail(name, "%s", r->bad[0] ? r->bad : "a round trip failed");
	else
		ret = bench_report(name, pair, b->s, b->n, 1);
	close_ends(r);
	pin_cpu(0);
	return ret;
}
