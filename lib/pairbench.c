/*
 * URPC between two cores beside the cache-line floor, one source for
 * Flotilla and Linux (lib/pairbench.h says who calls it).
 *
 * The floor. In its round trip the initiator stores an odd number k into
 * the line and waits for k + 1, which the responder stores once it has
 * seen k: two transfers of the one line, and nothing else. Nothing that
 * moves data between two cores through coherent memory can do with fewer.
 * A URPC round trip is one message each way (one word, echoed): the slot
 * line i->j, the slot line j->i, and every 8 messages an acknowledgement
 * line (lib/urpc.c). The ratio of the two medians is what the URPC
 * protocol costs over the hardware's (or the emulator's) minimum. The two
 * are timed alternately in one loop, a bounce of the line and then a URPC
 * round trip (bounce() says why).
 *
 * One way: the sender puts its time-stamp counter in the message (or in
 * the line, beside k) and the receiver subtracts it from its own, read as
 * soon as it has seen the message. That assumes the cores' TSCs are
 * synchronized. Under QEMU TCG they are one clock: every vCPU's rdtsc
 * reads the host's counter under one lock and never below the last value
 * any vCPU read (QEMU's cpu_get_ticks), so a difference is never negative
 * there; a 0 can only be that clamp at work. The same lock costs: each
 * rdtsc writes QEMU's clock state, so the receiver's read fetches the
 * line the sender's read has just written, and every one-way sample under
 * TCG holds one cache-line transfer more than the message itself
 * (docs/benchmarks.md). On hardware rdtsc is local to the core, and the
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
 * Throughput: the initiator sends PB_STREAM_PER_N * n full messages
 * (7 words) back to back, as fast as the ring's flow control lets it; the
 * responder counts them and answers once; messages per second from the
 * system's clock, cycles per message from the TSC, both over the whole
 * stream (the answer's one trip back is in it). A stream of `warm`
 * messages goes first, untimed.
 *
 * The samples: each iteration's two samples share one word of s[0..n-1],
 * the floor's in the high half, URPC's in the low half (a sample above
 * 2^32 - 1 cycles, 1.7 s at 2.5 GHz, is kept as 2^32 - 1: it can only
 * ever be the max). Two series in the memory of one keeps Flotilla's N up
 * to BENCH_MAX_N in a monitor's 256 KiB heap, and sorting the words
 * orders them by their high halves, so lib/stats.c's sort serves both
 * (series()).
 */
#include <stdbool.h>
#include <stdio.h>
#include "lib/bench.h"
#include "lib/pairbench.h"
#include "lib/stats.h"

/* ---- waiting ---- */

/*
 * A poll that gives up: true once PB_QUIET_NS have passed since the
 * PB_SPIN_CHECK-th poll. The clock may be a system call, so a wait that
 * ends within PB_SPIN_CHECK polls (every wait of a healthy run) never
 * reads it, and no timed region holds one.
 *
 * The polls do not `pause`. On hardware it would add its own delay (over
 * a hundred cycles on recent Intel cores) to seeing each message, and
 * nothing else runs on either core. Under TCG it is worse: QEMU leaves
 * the translated code at every pause, and its vCPU loop takes QEMU's
 * global lock, for which both polling sides then contend. Tried, two
 * runs of each side by side in Flotilla: with pause the line's round trip
 * had a p99 of 4.5 to 7 times its median, without 1.2 to 1.8 times, in
 * every pair.
 */
struct wait {
	const struct pb_side *p;
	unsigned polls;
	uint64_t deadline;
};

static bool given_up(struct wait *w)
{
	if (++w->polls % PB_SPIN_CHECK)
		return false;
	uint64_t now = w->p->clock_ns();
	if (!w->deadline)
		w->deadline = now + PB_QUIET_NS;
	return now > w->deadline;
}

err_t pb_send_raw(const struct pb_side *p, uint32_t type, const uint64_t *w, unsigned n)
{
	struct wait wt = { p, 0, 0 };
	err_t err;

	while ((err = urpc_send(p->tx, w, n, type)) == ERR_WOULD_BLOCK)
		if (given_up(&wt))
			return ERR_TIMEOUT;
	return err;
}

err_t pb_recv_raw(const struct pb_side *p, uint64_t *w, unsigned *n, uint32_t *type)
{
	struct wait wt = { p, 0, 0 };
	err_t err;

	while ((err = urpc_recv(p->rx, w, n, type)) == ERR_WOULD_BLOCK)
		if (given_up(&wt))
			return ERR_TIMEOUT;
	return err;
}

static err_t send_spin(const struct pb_side *p, unsigned type, const uint64_t *w, unsigned n)
{
	return pb_send_raw(p, p->base + type, w, n);
}

/* The next message, which must be of `type` with `len` words. */
static err_t expect(const struct pb_side *p, unsigned type, unsigned len, uint64_t *w)
{
	unsigned n;
	uint32_t t;
	err_t err = pb_recv_raw(p, w, &n, &t);

	return err ? err : t != p->base + type || n != len ? ERR_BAD_MESSAGE : OK;
}

/* Waits until the line's seq is k; ERR_TIMEOUT if it never is. */
static err_t line_wait(const struct pb_side *p, uint64_t k)
{
	struct wait wt = { p, 0, 0 };

	while (__atomic_load_n(&p->line->seq, __ATOMIC_ACQUIRE) != k)
		if (given_up(&wt))
			return ERR_TIMEOUT;
	return OK;
}

/* ---- samples ---- */

/* Keeps iteration it's two samples (after the warm-up), the floor's and
 * URPC's, each cut to 32 bits. */
static void keep(struct pb_side *p, size_t it, uint64_t floor, uint64_t urpc)
{
	if (it < p->warm)
		return;
	floor = floor > UINT32_MAX ? UINT32_MAX : floor;
	urpc = urpc > UINT32_MAX ? UINT32_MAX : urpc;
	p->s[it - p->warm] = floor << 32 | urpc;
}

/* The statistics of one series: the floor's (urpc false) or URPC's. The
 * words are sorted by the series wanted, moved into their high halves. */
static void series(struct pb_side *p, bool urpc, struct stats *st)
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

int pb_fail(const struct pb_side *p, unsigned me, const char *name, const char *what,
	    err_t err)
{
	printf("BENCH error name=%s reason=\"pair %u-%u: core %u: %s: %s: %s\"\n", name, p->i,
	       p->j, me, what, err_name(err), err_msg(err));
	return 1;
}

/* ---- the responder (core j) ---- */

/* A one-way sample: the receiver's TSC `t` minus the sender's; a negative
 * one (the TSCs are not synchronized) is counted and kept as 0. */
static uint64_t oneway(struct pb_side *p, unsigned which, uint64_t t, uint64_t stamp)
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
static err_t serve_bounces(struct pb_side *p, bool stamped)
{
	for (size_t it = 0; it < p->warm + p->n; it++) {
		uint64_t k = 2 * it + 1, w[URPC_MAX_WORDS], t = 0, stamp = 0, floor = 0;
		err_t err;

		if ((err = line_wait(p, k)))
			return err;
		if (stamped) {
			t = tsc_fenced();
			stamp = __atomic_load_n(&p->line->stamp, __ATOMIC_RELAXED);
		}
		__atomic_store_n(&p->line->seq, k + 1, __ATOMIC_RELEASE);
		if (stamped)
			floor = oneway(p, 0, t, stamp);

		if ((err = expect(p, PB_PING, stamped ? 2 : 1, w)))
			return err;
		if (stamped)
			t = tsc_fenced();
		if (w[0] != it)
			return ERR_BAD_MESSAGE;
		if ((err = send_spin(p, PB_PONG, w, 1)))
			return err;
		if (stamped)
			keep(p, it, floor, oneway(p, 1, t, w[1]));
	}
	return OK;
}

/* Sends the statistics of one series of one-way samples just taken. */
static err_t send_stats(struct pb_side *p, bool urpc)
{
	struct stats st;

	series(p, urpc, &st);
	uint64_t w[URPC_MAX_WORDS] = { st.n, st.min, st.median, st.p99, st.max,
				       p->negative[urpc] };
	p->negative[urpc] = 0;
	return send_spin(p, PB_STATS, w, 6);
}

/* Counts `count` PB_DATA, then says how many came. */
static err_t serve_stream(struct pb_side *p, uint64_t count)
{
	uint64_t w[URPC_MAX_WORDS];

	for (uint64_t c = 0; c < count; c++) {
		err_t err = expect(p, PB_DATA, URPC_MAX_WORDS, w);
		if (err)
			return err;
		if (w[0] != c)
			return ERR_BAD_MESSAGE;
	}
	return send_spin(p, PB_COUNTED, &count, 1);
}

static err_t serve_phase(struct pb_side *p, uint64_t phase, uint64_t arg)
{
	err_t err;

	switch (phase) {
	case PB_ROUNDTRIP:
		return serve_bounces(p, false);
	case PB_ONEWAY:
		if ((err = serve_bounces(p, true)) || (err = send_stats(p, false)))
			return err;
		return send_stats(p, true);
	case PB_STREAM:
		return serve_stream(p, arg);
	}
	return ERR_BAD_MESSAGE;
}

err_t pb_serve(struct pb_side *p)
{
	if (!p->n || !p->s)
		return ERR_INVALID_ARG;
	p->negative[0] = p->negative[1] = 0;
	for (;;) {
		uint64_t w[URPC_MAX_WORDS];
		unsigned len;
		uint32_t type;
		err_t err;

		if ((err = pb_recv_raw(p, w, &len, &type)))
			return err;
		if (type == p->base + PB_STOP && len == 0)
			return OK;
		if (type != p->base + PB_PHASE || len != 2)
			return ERR_BAD_MESSAGE;
		if ((err = serve_phase(p, w[0], w[1])))
			return err;
	}
}

/* ---- the initiator (core i) ---- */

static err_t phase(const struct pb_side *p, uint64_t ph, uint64_t arg)
{
	const uint64_t w[2] = { ph, arg };

	return send_spin(p, PB_PHASE, w, 2);
}

/*
 * warm + n iterations, each a bounce of the line and then a URPC round
 * trip (one message there, its echo back), each timed on its own. The
 * floor and URPC alternate rather than run one loop after the other
 * because what the host does to the two vCPUs changes their figures more
 * than anything measured here (a build machine moves them between cores
 * that share a cache and cores that do not, and everything then costs
 * about 2.5 times as much): alternating, both series see the same host,
 * and their ratio holds even in a run whose figures jump.
 *
 * With `stamped` (one-way), the line and the message carry the
 * initiator's TSC for the responder's one-way samples, and the round
 * trips, which then include the responder's TSC reads, are not kept.
 */
static err_t bounce(struct pb_side *p, bool stamped)
{
	err_t err;

	/* Zero before the phase message: urpc_send's release store orders
	 * this before the message, so the responder starts from a zero line
	 * (it stopped writing when it stored the last even seq, which we saw). */
	__atomic_store_n(&p->line->seq, 0, __ATOMIC_RELAXED);
	if ((err = phase(p, stamped ? PB_ONEWAY : PB_ROUNDTRIP, 0)))
		return err;
	for (size_t it = 0; it < p->warm + p->n; it++) {
		uint64_t k = 2 * it + 1, w[URPC_MAX_WORDS] = { it };
		uint64_t t0 = tsc_fenced();

		if (stamped)
			__atomic_store_n(&p->line->stamp, t0, __ATOMIC_RELAXED);
		__atomic_store_n(&p->line->seq, k, __ATOMIC_RELEASE);
		err = line_wait(p, k + 1);
		uint64_t t1 = tsc_fenced();
		if (err)
			return err;

		w[1] = t1;
		err = send_spin(p, PB_PING, w, stamped ? 2 : 1);
		if (!err)
			err = expect(p, PB_PONG, 1, w);
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

static void pair_name(const struct pb_side *p, char *buf, size_t size)
{
	snprintf(buf, size, "%u-%u", p->i, p->j);
}

static int roundtrips(struct pb_side *p)
{
	err_t err = bounce(p, false);
	struct stats st;
	char pair[24];

	if (err)
		return pb_fail(p, p->i, "urpc_roundtrip", "bouncing the line and pinging", err);
	pair_name(p, pair, sizeof(pair));
	series(p, false, &st);
	bench_print("cacheline_roundtrip", pair, &st);
	series(p, true, &st);
	bench_print("urpc_roundtrip", pair, &st);
	return 0;
}

/* Receives the responder's statistics of one one-way series and prints
 * them, or n/a when a sample came out negative. */
static int oneway_report(struct pb_side *p, const char *name)
{
	uint64_t w[URPC_MAX_WORDS] = { 0 };
	err_t err = expect(p, PB_STATS, 6, w);
	struct stats st = { w[0], w[1], w[2], w[3], w[4] };
	char pair[24];

	if (!err && (st.n != p->n || st.min > st.median || st.median > st.p99 || st.p99 > st.max))
		err = ERR_BAD_MESSAGE;
	if (err)
		return pb_fail(p, p->i, name, "the responder's statistics", err);
	pair_name(p, pair, sizeof(pair));
	if (w[5]) {
		printf("BENCH name=%s pair=%s n/a reason=\"core %u's TSC read before core %u's in %llu "
		       "of %zu samples: the cores' TSCs are not synchronized\"\n", name, pair,
		       p->j, p->i, (unsigned long long)w[5], p->n);
		return 0;
	}
	bench_print(name, pair, &st);
	return 0;
}

static int oneways(struct pb_side *p)
{
	err_t err = bounce(p, true);

	if (err)
		return pb_fail(p, p->i, "urpc_oneway", "stamped bounces and pings", err);
	return oneway_report(p, "cacheline_oneway") || oneway_report(p, "urpc_oneway");
}

/* Streams `count` full messages; the time until the responder has
 * counted them all, in ns and in cycles. */
static err_t stream(struct pb_side *p, uint64_t count, uint64_t *ns, uint64_t *cycles)
{
	uint64_t w[URPC_MAX_WORDS] = { 0, 1, 2, 3, 4, 5, 6 };
	err_t err;

	if ((err = phase(p, PB_STREAM, count)))
		return err;
	uint64_t ns0 = p->clock_ns(), t0 = tsc_fenced();
	for (uint64_t c = 0; c < count; c++) {
		w[0] = c;
		if ((err = send_spin(p, PB_DATA, w, URPC_MAX_WORDS)))
			return err;
	}
	if ((err = expect(p, PB_COUNTED, 1, w)))
		return err;
	*cycles = tsc_fenced() - t0;
	*ns = p->clock_ns() - ns0;
	return w[0] == count ? OK : ERR_BAD_MESSAGE;
}

static int throughput(struct pb_side *p)
{
	uint64_t msgs = PB_STREAM_PER_N * p->n, ns, cycles;
	char pair[24];
	err_t err;

	if ((p->warm && (err = stream(p, p->warm, &ns, &cycles))) ||
	    (err = stream(p, msgs, &ns, &cycles)))
		return pb_fail(p, p->i, "urpc_throughput", "streaming", err);
	if (ns == 0)
		return pb_fail(p, p->i, "urpc_throughput", "no time passed", ERR_INVALID_ARG);
	pair_name(p, pair, sizeof(pair));
	printf("BENCH name=urpc_throughput pair=%s unit=msgs_per_s msgs=%llu ns=%llu value=%llu "
	       "cycles_per_msg=%llu\n", pair, (unsigned long long)msgs, (unsigned long long)ns,
	       (unsigned long long)(msgs * 1000000000ull / ns), (unsigned long long)(cycles / msgs));
	return 0;
}

/* The workloads of a pair, in the order they run and print. */
static int (*const workloads[])(struct pb_side *p) = { roundtrips, oneways, throughput };

int pb_run(struct pb_side *p)
{
	int failed = 0;
	err_t err;

	if (!p->n || !p->s)
		return pb_fail(p, p->i, "urpc_pairs", "no samples", ERR_INVALID_ARG);
	for (size_t k = 0; k < sizeof(workloads) / sizeof(workloads[0]) && !failed; k++) {
		failed = workloads[k](p);
		if (p->progress)
			p->progress(p);
	}
	if ((err = send_spin(p, PB_STOP, NULL, 0)))
		failed = pb_fail(p, p->i, "urpc_pairs", "stopping the responder", err);
	return failed;
}
