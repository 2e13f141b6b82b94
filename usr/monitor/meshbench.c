/*
 * URPC between every pair of cores, beside the cache-line floor (`make
 * bench`, docs/benchmarks.md). For each pair i < j the monitor on core i
 * (the initiator) measures against the monitor on core j (the responder)
 * over the mesh's own channels, i->j and j->i (usr/monitor/mesh.c, 16
 * slots), and one cache line of the spare bytes after channel i->j's ring,
 * then prints, for pair=i-j:
 *
 *	BENCH name=cacheline_roundtrip pair=i-j unit=cycles n=.. min=.. median=.. p99=.. max=..
 *	BENCH name=urpc_roundtrip pair=i-j unit=cycles n=..
 *	BENCH name=cacheline_oneway pair=i-j unit=cycles n=..
 *	BENCH name=urpc_oneway pair=i-j unit=cycles n=..
 *	BENCH name=urpc_throughput pair=i-j unit=msgs_per_s msgs=.. ns=.. value=.. cycles_per_msg=..
 *
 * The cache line is the floor: nothing that moves data between two cores
 * through coherent memory can do with fewer line transfers. In its round
 * trip the initiator stores an odd number k into the line and waits for
 * k + 1, which the responder stores once it has seen k: two transfers of
 * the one line, and nothing else. A URPC round trip is one message each
 * way (one word, echoed): the slot line i->j, the slot line j->i, and
 * every 8 messages an acknowledgement line (lib/urpc.c). The ratio of the
 * two medians (tools/bench.py prints it) is what the URPC protocol costs
 * over the hardware's (here: the emulator's) minimum. The two are timed
 * alternately in one loop, a bounce of the line and then a URPC round
 * trip, so that both see the same host (bounce() says why).
 *
 * One-way: the sender puts its time-stamp counter in the message (or in
 * the line, beside k) and the receiver subtracts it from its own, read as
 * soon as it has seen the message. That assumes the cores' TSCs are
 * synchronized. Under QEMU TCG they are one clock: every vCPU's rdtsc
 * reads the host's counter under one lock and never below the last value
 * any vCPU read (QEMU's cpu_get_ticks), so a difference is never negative
 * there; a 0 can only be that clamp at work (the host core running the
 * receiver read a lower count than the one running the sender). The same
 * lock costs: each rdtsc writes QEMU's clock state, so the receiver's
 * read fetches the line the sender's read has just written, and every
 * one-way sample under TCG holds one cache-line transfer more than the
 * message itself (a stamped line can come out as slow as the round trip;
 * docs/benchmarks.md). On hardware rdtsc is local to the core, and the
 * TSCs are synchronized on most current machines (invariant TSC, reset
 * together) but not on all: a difference below zero proves them apart,
 * and the line then says n/a with how many samples were. A constant
 * offset would go unnoticed, so the one-way figures are only as good as
 * the synchronization; the round trips, timed on one core, do not depend
 * on it. One-way samples are taken in the same alternating loop as the
 * round trips, the line and the message each answered before the next is
 * sent, so each finds the receiver already polling, as latency should be
 * measured, not queued behind the one before.
 *
 * Throughput: the initiator sends M = BENCH_STREAM_PER_N * N full
 * messages (7 words) back to back, as fast as the ring's flow control
 * lets it; the responder counts them and answers once; messages per
 * second from sys_clock_ns, cycles per message from the TSC, both over
 * the whole stream (the answer's one trip back is in it).
 *
 * Every workload runs BENCH_WARMUP untimed iterations through the same
 * loop first, as in bench.c. Both sides spin, polling, inside a workload:
 * no doorbell, no system call, no blocking, as the Multikernel paper
 * measured URPC; a doorbell (an IPI and a halted core's wake-up, about a
 * million cycles under TCG) would measure the emulated interrupt instead.
 * Only the message that starts a pair (MB_START) rings the responder's
 * doorbell, to wake its halted core; from then on its monitor spins in
 * its mesh handler until MB_STOP.
 *
 * Order and printing: core 0 runs the pairs one at a time, in order
 * (0-1, 0-2, ..., 1-2, ...). Pairs with i = 0 it runs itself; for i > 0
 * it asks core i (MB_RUN) and sleeps until core i says MB_DONE. Only the
 * initiator prints, and only one pair runs at a time, so lines never
 * interleave and only two cores spin at once (the others are halted: on
 * a host with few cores, a third spinning vCPU would steal the pair's
 * time).
 *
 * Nothing waits forever: a spinning side gives up after BENCH_QUIET_NS
 * without an answer (the clock is read only every BENCH_SPIN_CHECK
 * polls, so a healthy wait makes no system call), and core 0 gives up
 * on a pair that has said nothing (MB_PROGRESS after each workload) for
 * BENCH_PAIR_QUIET_NS. Either prints `BENCH error` and bench fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <flotilla/caps.h>
#include <flotilla/lmp.h>
#include <flotilla/sys.h>
#include "lib/stats.h"
#include "lib/urpc.h"
#include "usr/monitor/bench.h"
#include "usr/monitor/monitor.h"

#define BENCH_STREAM_PER_N	10	/* messages streamed per timed iteration */
#define BENCH_SPIN_CHECK	(1u << 16)	/* polls between looks at the clock */
#define BENCH_QUIET_NS		(60ull * 1000000000)
#define BENCH_PAIR_QUIET_NS	(120ull * 1000000000)

/* Message types, routed here by mesh_on. */
enum {
	MB_RUN = MESH_USER_TYPES,	/* 0 -> i, doorbell: w0 = j, w1 = N: run pair i-j */
	MB_PROGRESS,			/* i -> 0, doorbell: w0 = j: a workload is done */
	MB_DONE,			/* i -> 0, doorbell: w0 = j, w1 = nonzero if it failed */
	MB_START,			/* i -> j, doorbell: w0 = N: serve until MB_STOP */
	/* The rest go on the raw channel ends, polled, with no doorbell. */
	MB_READY,			/* j -> i: w0 = err (its samples' memory) */
	MB_PHASE,			/* i -> j: w0 = PH_*, w1 = messages (PH_STREAM) */
	MB_PING,			/* i -> j: w0 = iteration, w1 = TSC (one-way) */
	MB_PONG,			/* j -> i: w0 = iteration */
	MB_DATA,			/* i -> j: 7 words, w0 = index in the stream */
	MB_COUNTED,			/* j -> i: w0 = MB_DATA received */
	MB_STATS,			/* j -> i: n, min, median, p99, max, negative */
	MB_STOP,			/* i -> j: the pair is done */
	MB_LAST = MESH_USER_TYPES + 0xF,
};
_Static_assert(MB_STOP <= MB_LAST, "the types fit the range given to mesh_on");

/* The workloads, as MB_PHASE names them to the responder. */
enum { PH_ROUNDTRIP, PH_ONEWAY, PH_STREAM };

/*
 * The floor's line: the first 64 bytes of mesh_spare(i, j), which make
 * bench alone uses. `seq` is written in turn by both sides (odd values by
 * the initiator, even ones by the responder); `stamp` only by the
 * initiator, before seq, in the one-way workload. Both in one line, so a
 * stamped bounce still moves one line.
 */
struct line {
	uint64_t seq;
	uint64_t stamp;
};

/*
 * One side's view of a pair. The samples: the floor and URPC are timed in
 * the same loop, and each iteration's two samples share one word of
 * s[0..n-1], the floor's in the high half, URPC's in the low half (a
 * sample above 2^32 - 1 cycles, 1.7 s at 2.5 GHz, is kept as 2^32 - 1:
 * it can only ever be the max). Two series in the memory of one keeps N
 * up to BENCH_MAX_N in the 256 KiB heap, and sorting the words orders them
 * by their high halves, so lib/stats.c's sort serves both (series()).
 */
struct pair {
	unsigned i, j;			/* initiator, responder */
	char name[16];			/* "i-j" */
	struct urpc_sender *tx;		/* to the other side */
	struct urpc_receiver *rx;	/* from the other side */
	struct line *line;
	uint64_t *s;			/* n samples of each series */
	size_t n;
	size_t negative[2];		/* responder: one-way samples below zero */
};

static unsigned me;

/* Core 0: the pair that core run.core is running, and what it said. */
static struct {
	unsigned core, peer;
	bool heard, done, failed;
} run;

/*
 * A poll that gives up: true once BENCH_QUIET_NS have passed since the
 * BENCH_SPIN_CHECK-th poll. The clock is a system call, so a wait that
 * ends within BENCH_SPIN_CHECK polls (every wait of a healthy run) never
 * reads it, and no timed region holds one.
 *
 * The polls do not `pause`. On hardware it would add its own delay (over
 * a hundred cycles on recent Intel cores) to seeing each message, and
 * nothing else runs on either core. Under TCG it is worse: QEMU leaves
 * the translated code at every pause, and its vCPU loop takes QEMU's
 * global lock, for which both polling sides then contend. Tried, two
 * runs of each side by side: with pause the line's round trip had a p99
 * of 4.5 to 7 times its median, without 1.2 to 1.8 times, in every pair.
 */
struct wait {
	unsigned polls;
	uint64_t deadline;
};

static bool given_up(struct wait *w)
{
	if (++w->polls % BENCH_SPIN_CHECK)
		return false;
	uint64_t now = sys_clock_ns();
	if (!w->deadline)
		w->deadline = now + BENCH_QUIET_NS;
	return now > w->deadline;
}

static err_t send_spin(struct urpc_sender *tx, uint32_t type, const uint64_t *w, unsigned n)
{
	struct wait wt = { 0, 0 };
	err_t err;

	while ((err = urpc_send(tx, w, n, type)) == ERR_WOULD_BLOCK)
		if (given_up(&wt))
			return ERR_TIMEOUT;
	return err;
}

static err_t recv_spin(struct urpc_receiver *rx, uint64_t *w, unsigned *n, uint32_t *type)
{
	struct wait wt = { 0, 0 };
	err_t err;

	while ((err = urpc_recv(rx, w, n, type)) == ERR_WOULD_BLOCK)
		if (given_up(&wt))
			return ERR_TIMEOUT;
	return err;
}

/* The next message, which must be of `type` with `len` words. */
static err_t expect(struct urpc_receiver *rx, uint32_t type, unsigned len, uint64_t *w)
{
	unsigned n;
	uint32_t t;
	err_t err = recv_spin(rx, w, &n, &t);

	return err ? err : t != type || n != len ? ERR_BAD_MESSAGE : OK;
}

/* Waits until the line's seq is k; ERR_TIMEOUT if it never is. */
static err_t line_wait(struct line *l, uint64_t k)
{
	struct wait wt = { 0, 0 };

	while (__atomic_load_n(&l->seq, __ATOMIC_ACQUIRE) != k)
		if (given_up(&wt))
			return ERR_TIMEOUT;
	return OK;
}

/* Keeps iteration it's two samples (after the warm-up), the floor's and
 * URPC's, each cut to 32 bits. */
static void keep(struct pair *p, size_t it, uint64_t floor, uint64_t urpc)
{
	if (it < BENCH_WARMUP)
		return;
	floor = floor > UINT32_MAX ? UINT32_MAX : floor;
	urpc = urpc > UINT32_MAX ? UINT32_MAX : urpc;
	p->s[it - BENCH_WARMUP] = floor << 32 | urpc;
}

/* The statistics of one series: the floor's (urpc false) or URPC's. The
 * words are sorted by the series wanted, moved into their high halves. */
static void series(struct pair *p, bool urpc, struct stats *st)
{
	uint64_t *v = p->s;
	size_t n = p->n;

	if (urpc)
		for (size_t i = 0; i < n; i++)
			v[i] = v[i] << 32 | v[i] >> 32;
	stats_sort(v, n);
	st->n = n;
	st->min = v[0] >> 32;
	st->median = v[stats_rank(n, 50) - 1] >> 32;
	st->p99 = v[stats_rank(n, 99) - 1] >> 32;
	st->max = v[n - 1] >> 32;
	if (urpc)			/* as they were, for the next call */
		for (size_t i = 0; i < n; i++)
			v[i] = v[i] << 32 | v[i] >> 32;
}

static int pair_fail(const struct pair *p, const char *name, const char *what, err_t err)
{
	printf("BENCH error name=%s reason=\"pair %s: core %u: %s: %s: %s\"\n", name, p->name, me,
	       what, err_name(err), err_msg(err));
	return 1;
}

/* ---- the responder (core j) ---- */

/* A one-way sample: the receiver's TSC `t` minus the sender's; a negative
 * one (the TSCs are not synchronized) is counted and kept as 0. */
static uint64_t oneway(struct pair *p, unsigned which, uint64_t t, uint64_t stamp)
{
	int64_t d = (int64_t)(t - stamp);

	if (d >= 0)
		return (uint64_t)d;
	p->negative[which]++;
	return 0;
}

/*
 * Each iteration: answers the initiator's bounce of the line, then echoes
 * its URPC message. With `stamped` (the one-way workload), reads the TSC
 * as soon as it sees each, before answering, and keeps the two one-way
 * samples; without, it reads no TSC (under TCG each read would move
 * QEMU's clock state between the two cores, in the initiator's timed
 * region).
 */
static err_t serve_bounces(struct pair *p, bool stamped)
{
	for (size_t it = 0; it < BENCH_WARMUP + p->n; it++) {
		uint64_t k = 2 * it + 1, w[URPC_MAX_WORDS], t = 0, stamp = 0, floor = 0;
		unsigned n;
		uint32_t type;
		err_t err;

		if ((err = line_wait(p->line, k)))
			return err;
		if (stamped) {
			t = tsc_fenced();
			stamp = __atomic_load_n(&p->line->stamp, __ATOMIC_RELAXED);
		}
		__atomic_store_n(&p->line->seq, k + 1, __ATOMIC_RELEASE);
		if (stamped)
			floor = oneway(p, 0, t, stamp);

		if ((err = recv_spin(p->rx, w, &n, &type)))
			return err;
		if (stamped)
			t = tsc_fenced();
		if (type != MB_PING || n != (stamped ? 2u : 1u) || w[0] != it)
			return ERR_BAD_MESSAGE;
		if ((err = send_spin(p->tx, MB_PONG, w, 1)))
			return err;
		if (stamped)
			keep(p, it, floor, oneway(p, 1, t, w[1]));
	}
	return OK;
}

/* Sends the statistics of one series of one-way samples just taken. */
static err_t send_stats(struct pair *p, bool urpc)
{
	struct stats st;

	series(p, urpc, &st);
	uint64_t w[URPC_MAX_WORDS] = { st.n, st.min, st.median, st.p99, st.max,
				       p->negative[urpc] };
	p->negative[urpc] = 0;
	return send_spin(p->tx, MB_STATS, w, 6);
}

/* Counts `count` MB_DATA, then says how many came. */
static err_t serve_stream(struct pair *p, uint64_t count)
{
	uint64_t w[URPC_MAX_WORDS];

	for (uint64_t c = 0; c < count; c++) {
		err_t err = expect(p->rx, MB_DATA, URPC_MAX_WORDS, w);
		if (err)
			return err;
		if (w[0] != c)
			return ERR_BAD_MESSAGE;
	}
	return send_spin(p->tx, MB_COUNTED, &count, 1);
}

static err_t serve_phase(struct pair *p, uint64_t phase, uint64_t arg)
{
	err_t err;

	switch (phase) {
	case PH_ROUNDTRIP:
		return serve_bounces(p, false);
	case PH_ONEWAY:
		if ((err = serve_bounces(p, true)) || (err = send_stats(p, false)))
			return err;
		return send_stats(p, true);
	case PH_STREAM:
		return serve_stream(p, arg);
	}
	return ERR_BAD_MESSAGE;
}

/* Core j, on MB_START from core i: serves the workloads i asks for, each
 * on the raw channel ends, until MB_STOP. Runs inside mesh_poll; nothing
 * else waits on this core meanwhile. */
static void serve_pair(unsigned i, size_t n)
{
	struct pair p = { .i = i, .j = me, .n = n };
	size_t bytes;
	err_t err = OK;

	snprintf(p.name, sizeof(p.name), "%u-%u", i, me);
	p.tx = mesh_tx(i);
	p.rx = mesh_rx(i);
	p.line = mesh_spare(i, me, &bytes);
	if (!p.tx || !p.rx || !p.line || bytes < sizeof(*p.line)) {
		pair_fail(&p, "urpc_pairs", "no channel to the initiator", ERR_INVALID_ARG);
		return;
	}
	p.s = malloc(n * sizeof(*p.s));
	uint64_t ready = p.s ? OK : ERR_NO_MEMORY;
	if ((err = send_spin(p.tx, MB_READY, &ready, 1)) || !p.s)
		goto out;
	for (;;) {
		uint64_t w[URPC_MAX_WORDS];
		unsigned len;
		uint32_t type;

		if ((err = recv_spin(p.rx, w, &len, &type)))
			break;
		if (type == MB_STOP)
			break;
		if (type != MB_PHASE || len != 2) {
			err = ERR_BAD_MESSAGE;
			break;
		}
		if ((err = serve_phase(&p, w[0], w[1])))
			break;
	}
out:
	if (err)
		pair_fail(&p, "urpc_pairs", "serving the initiator", err);
	free(p.s);
}

/* ---- the initiator (core i) ---- */

static err_t phase(struct pair *p, uint64_t ph, uint64_t arg)
{
	const uint64_t w[2] = { ph, arg };

	return send_spin(p->tx, MB_PHASE, w, 2);
}

/*
 * W + n iterations, each a bounce of the line and then a URPC round trip
 * (one message there, its echo back), each timed on its own. The floor
 * and URPC alternate rather than run one loop after the other because
 * what the host does to the two vCPUs changes their figures more than
 * anything measured here (this build machine moves them between cores
 * that share a cache and cores that do not, and everything then costs
 * about 2.5 times as much): alternating, both series see the same host,
 * and their ratio holds even in a run whose figures jump.
 *
 * With `stamped` (one-way), the line and the message carry the
 * initiator's TSC for the responder's one-way samples, and the round
 * trips, which then include the responder's TSC reads, are not kept.
 */
static err_t bounce(struct pair *p, bool stamped)
{
	err_t err;

	/* Zero before the phase message: urpc_send's release store orders
	 * this before the message, so the responder starts from a zero line
	 * (it stopped writing when it stored the last even seq, which we saw). */
	__atomic_store_n(&p->line->seq, 0, __ATOMIC_RELAXED);
	if ((err = phase(p, stamped ? PH_ONEWAY : PH_ROUNDTRIP, 0)))
		return err;
	for (size_t it = 0; it < BENCH_WARMUP + p->n; it++) {
		uint64_t k = 2 * it + 1, w[URPC_MAX_WORDS] = { it };
		uint64_t t0 = tsc_fenced();

		if (stamped)
			__atomic_store_n(&p->line->stamp, t0, __ATOMIC_RELAXED);
		__atomic_store_n(&p->line->seq, k, __ATOMIC_RELEASE);
		err = line_wait(p->line, k + 1);
		uint64_t t1 = tsc_fenced();
		if (err)
			return err;

		w[1] = t1;
		err = send_spin(p->tx, MB_PING, w, stamped ? 2 : 1);
		if (!err)
			err = expect(p->rx, MB_PONG, 1, w);
		uint64_t t2 = tsc_fenced();
		if (err)
			return err;
		if (w[0] != it)
			return ERR_BAD_MESSAGE;
		if (!stamped)
			keep(p, it, t1 - t0, t2 - t1);
	}
	return OK;
}

/* The floor's line and URPC's, of the samples in p->s. */
static int report_pair(struct pair *p, const char *floor, const char *urpc)
{
	struct stats st;

	series(p, false, &st);
	bench_print(floor, p->name, &st);
	series(p, true, &st);
	bench_print(urpc, p->name, &st);
	return 0;
}

static int roundtrips(struct pair *p)
{
	err_t err = bounce(p, false);

	return err ? pair_fail(p, "urpc_roundtrip", "bouncing the line and pinging", err)
		   : report_pair(p, "cacheline_roundtrip", "urpc_roundtrip");
}

/* Receives the responder's statistics of one one-way series and prints
 * them, or n/a when a sample came out negative. */
static int oneway_report(struct pair *p, const char *name)
{
	uint64_t w[URPC_MAX_WORDS] = { 0 };
	err_t err = expect(p->rx, MB_STATS, 6, w);
	struct stats st = { w[0], w[1], w[2], w[3], w[4] };

	if (!err && (st.n != p->n || st.min > st.median || st.median > st.p99 || st.p99 > st.max))
		err = ERR_BAD_MESSAGE;
	if (err)
		return pair_fail(p, name, "the responder's statistics", err);
	if (w[5]) {
		printf("BENCH name=%s pair=%s n/a reason=\"core %u's TSC read before core %u's in %llu "
		       "of %zu samples: the cores' TSCs are not synchronized\"\n", name, p->name,
		       p->j, p->i, (unsigned long long)w[5], p->n);
		return 0;
	}
	bench_print(name, p->name, &st);
	return 0;
}

static int oneways(struct pair *p)
{
	err_t err = bounce(p, true);

	if (err)
		return pair_fail(p, "urpc_oneway", "stamped bounces and pings", err);
	return oneway_report(p, "cacheline_oneway") || oneway_report(p, "urpc_oneway");
}

/* Streams `count` full messages; the time until the responder has
 * counted them all, in ns and in cycles. */
static err_t stream(struct pair *p, uint64_t count, uint64_t *ns, uint64_t *cycles)
{
	uint64_t w[URPC_MAX_WORDS] = { 0, 1, 2, 3, 4, 5, 6 };
	err_t err;

	if ((err = phase(p, PH_STREAM, count)))
		return err;
	uint64_t ns0 = sys_clock_ns(), t0 = tsc_fenced();
	for (uint64_t c = 0; c < count; c++) {
		w[0] = c;
		if ((err = send_spin(p->tx, MB_DATA, w, URPC_MAX_WORDS)))
			return err;
	}
	if ((err = expect(p->rx, MB_COUNTED, 1, w)))
		return err;
	*cycles = tsc_fenced() - t0;
	*ns = sys_clock_ns() - ns0;
	return w[0] == count ? OK : ERR_BAD_MESSAGE;
}

static int throughput(struct pair *p)
{
	uint64_t msgs = BENCH_STREAM_PER_N * p->n, ns, cycles;
	err_t err;

	if ((err = stream(p, BENCH_WARMUP, &ns, &cycles)) || (err = stream(p, msgs, &ns, &cycles)))
		return pair_fail(p, "urpc_throughput", "streaming", err);
	if (ns == 0)
		return pair_fail(p, "urpc_throughput", "no time passed", ERR_INVALID_ARG);
	printf("BENCH name=urpc_throughput pair=%s unit=msgs_per_s msgs=%llu ns=%llu value=%llu "
	       "cycles_per_msg=%llu\n", p->name, (unsigned long long)msgs, (unsigned long long)ns,
	       (unsigned long long)(msgs * 1000000000ull / ns), (unsigned long long)(cycles / msgs));
	return 0;
}

/* The workloads of a pair, in the order they run and print. */
static int (*const workloads[])(struct pair *p) = { roundtrips, oneways, throughput };

/* Tells core 0 (when it is not us) that the pair is still alive. */
static void progress(const struct pair *p)
{
	const uint64_t w[1] = { p->j };

	if (p->i != 0)
		mesh_send(0, MB_PROGRESS, w, 1);
}

/* Every workload of pair i-j, this core being i; nonzero if one failed. */
static int run_pair(unsigned j, size_t n)
{
	struct pair p = { .i = me, .j = j, .n = n };
	uint64_t w[URPC_MAX_WORDS] = { n };
	size_t bytes;
	err_t err;
	int failed = 0;

	snprintf(p.name, sizeof(p.name), "%u-%u", me, j);
	p.tx = mesh_tx(j);
	p.rx = mesh_rx(j);
	p.line = mesh_spare(me, j, &bytes);
	if (!p.tx || !p.rx || !p.line || bytes < sizeof(*p.line))
		return pair_fail(&p, "urpc_pairs", "no channel to the responder", ERR_INVALID_ARG);
	if (!(p.s = malloc(n * sizeof(*p.s))))
		return pair_fail(&p, "urpc_pairs", "samples", ERR_NO_MEMORY);
	if ((err = mesh_send(j, MB_START, w, 1)) || (err = expect(p.rx, MB_READY, 1, w))) {
		free(p.s);
		return pair_fail(&p, "urpc_pairs", "starting the responder", err);
	}
	if (w[0]) {
		free(p.s);
		return pair_fail(&p, "urpc_pairs", "the responder's samples", (err_t)w[0]);
	}

	/* A failed workload leaves the responder out of step: stop there. */
	for (size_t k = 0; k < sizeof(workloads) / sizeof(workloads[0]) && !failed; k++) {
		failed = workloads[k](&p);
		progress(&p);
	}
	if ((err = send_spin(p.tx, MB_STOP, NULL, 0)))
		failed = pair_fail(&p, "urpc_pairs", "stopping the responder", err);
	free(p.s);
	return failed;
}

/* ---- core 0: every pair in turn ---- */

static uint64_t quiet_deadline;

/* mesh_serve_until's condition: done, or silent for BENCH_PAIR_QUIET_NS. */
static bool done_or_quiet(unsigned unused)
{
	uint64_t now = sys_clock_ns();

	if (run.done)
		return true;
	if (run.heard) {
		run.heard = false;
		quiet_deadline = now + BENCH_PAIR_QUIET_NS;
	}
	return now > quiet_deadline;
}

/*
 * Has core i run pair i-j, and waits for its MB_DONE. Core 0 sleeps a tick
 * at a time between looks at its endpoint (mesh_serve_until) rather
 * than blocking on it: a blocked receive could not give up on a core that
 * never answers, and a spinning core 0 would take a host CPU from the pair.
 */
static int remote_pair(unsigned i, unsigned j, size_t n)
{
	const uint64_t w[2] = { j, n };
	err_t err;

	quiet_deadline = sys_clock_ns() + BENCH_PAIR_QUIET_NS;
	run.core = i;
	run.peer = j;
	run.heard = run.done = run.failed = false;
	if ((err = mesh_send(i, MB_RUN, w, 2))) {
		printf("BENCH error name=urpc_pairs reason=\"pair %u-%u: asking core %u: %s: %s\"\n",
		       i, j, i, err_name(err), err_msg(err));
		return 1;
	}
	mesh_serve_until(done_or_quiet, 0, UINT64_MAX);
	if (run.done)
		return run.failed;
	printf("BENCH error name=urpc_pairs reason=\"pair %u-%u: core %u said nothing for %llu s\"\n",
	       i, j, i, (unsigned long long)(BENCH_PAIR_QUIET_NS / 1000000000));
	return 1;
}

int meshbench_pairs(size_t n)
{
	unsigned cores = kernel_cores(CPTR_KERNEL);

	if (cores < 2) {
		printf("BENCH name=urpc_pairs n/a reason=\"one core: no pair of cores to measure\"\n");
		return 0;
	}
	if (mesh_cores() != cores) {
		printf("BENCH error name=urpc_pairs reason=\"the mesh is not up (%u of %u cores)\"\n",
		       mesh_cores(), cores);
		return 1;
	}
	for (unsigned k = 1; k < cores; k++)
		if (!mesh_joined(k)) {
			printf("BENCH error name=urpc_pairs reason=\"core %u never joined the mesh\"\n",
			       k);
			return 1;
		}
	printf("bench: URPC between every pair of the %u cores beside one cache line bounced "
	       "between the same two: %zu timed iterations, %u warm-up ones, %llu messages "
	       "streamed; both sides poll\n", cores, n, BENCH_WARMUP,
	       (unsigned long long)(BENCH_STREAM_PER_N * n));
	for (unsigned i = 0; i < cores; i++)
		for (unsigned j = i + 1; j < cores; j++)
			if (i == 0 ? run_pair(j, n) : remote_pair(i, j, n))
				return 1;	/* the rest would only wait on a confused peer */
	return 0;
}

static err_t on_message(unsigned from, uint32_t type, const uint64_t *w, unsigned n)
{
	switch (type) {
	case MB_RUN:			/* core i, from core 0 */
		if (from != 0 || n != 2 || w[0] <= me || w[0] >= mesh_cores() || !w[1] ||
		    w[1] > BENCH_MAX_N)
			return ERR_BAD_MESSAGE;
		{
			const uint64_t done[2] = { w[0], (uint64_t)run_pair((unsigned)w[0], w[1]) };
			return mesh_send(0, MB_DONE, done, 2);
		}
	case MB_START:			/* core j, from core i */
		if (n != 1 || from >= me || !w[0] || w[0] > BENCH_MAX_N)
			return ERR_BAD_MESSAGE;
		serve_pair(from, w[0]);
		return OK;
	case MB_PROGRESS:		/* core 0, from core i */
	case MB_DONE:
		if (me != 0 || from != run.core || n != (type == MB_DONE ? 2u : 1u) ||
		    w[0] != run.peer)
			return ERR_BAD_MESSAGE;
		run.heard = true;
		if (type == MB_DONE) {
			run.done = true;
			run.failed = w[1] != 0;
		}
		return OK;
	case MB_STOP:			/* a pair given up on: nothing left to stop */
		return OK;
	}
	return ERR_BAD_MESSAGE;
}

void meshbench_init(void)
{
	err_t err;

	if (mesh_cores() < 2)
		return;			/* no mesh (one core, ufault, or it failed) */
	me = sys_core_id();
	if ((err = mesh_on(MB_RUN, MB_LAST, on_message)))
		printf("monitor: core %u: no handler for make bench's messages: %s: %s\n", me,
		       err_name(err), err_msg(err));
}
