/*
 * uprog's benchmark modes (flotilla/uprog.h: UPROG_BENCH_*): the workloads
 * of `make bench` that must run in processes rather than in the monitor,
 * which starts them (bench/monitor/procbench.c; docs/benchmarks.md says
 * what the figures mean). Each times itself as the monitor's workloads do
 * (flotilla/bench.h: fenced rdtsc around each iteration, warm-up through
 * the same loop), but with the slow workloads' smaller N, and prints its
 * own line, or `BENCH error` saying what failed and exits 1.
 *
 * A blocking round trip over URPC: the echo server exports
 * UPROG_BENCH_NAME, the client binds to it and times one-word messages
 * echoed over the channel the monitors made (flotilla/uchan.h). Both look
 * at the ring once before they sleep (uchan's `polls` = 1; with the
 * default a receiver might still be spinning, which the polled round trip,
 * meshbench.c, measures already), and before each timed message the
 * client waits, untimed, until the server has said it sleeps: every send
 * then rings the server's doorbell (an IPI) that wakes it. The client
 * sleeps after its send, but the echo can come before it gets there (the
 * host may run the woken vCPU first): it counts how often it slept, and
 * says so.
 *
 * Unmapping a page of a process that runs on every core: a reader spans
 * every other core and reads each new page once; the main dispatcher, on
 * core 0, maps a fresh page, waits until every reader has read it (its
 * translation is then in every core's TLB) and times the unmap, which
 * returns once no core can reach the page (mon_unmap: a TLB shootdown by
 * messages to every core the process spans). The readers yield while
 * they wait for the next page, where Linux's spin: the shootdown is the
 * work of each core's monitor, a process that must get the core, and a
 * reader that never gave it up would hold it to the end of its time slice
 * (20 ms). On one core there is nobody to shoot down, as in Linux's
 * workload on one CPU: the process unmaps the page itself (vnode_unmap),
 * which is how a process that spans nothing unmaps (mon_unmap refuses it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <flotilla/bench.h>
#include <flotilla/caps.h>
#include <flotilla/lmp.h>
#include <flotilla/monitor.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/uchan.h>
#include <flotilla/uprog.h>
#include "lib/stats.h"

#define B_EP		CADDR(TASK_CN, 40)	/* the channel's endpoint */
#define B_FRAME		CADDR(TASK_CN, 41)	/* the channel's frame */
#define B_BELL		CADDR(TASK_CN, 42)	/* the peer's doorbell */
#define B_PDPT		CADDR(TASK_CN, 44)	/* the unmapped page's tables */
#define B_PDIR		CADDR(TASK_CN, 45)
#define B_PT		CADDR(TASK_CN, 46)
#define B_PAGE		CADDR(TASK_CN, 47)	/* the page of the iteration */
#define B_L4		102	/* PML4 entry of those tables: no other use */

#define T_PING		1	/* message types */
#define T_QUIT		2

#define B_MAX_CORES	MESH_MAX_CORES	/* as many as the monitors' mesh joins */
#define B_QUIET_NS	(60ull * 1000000000)	/* a wait for another core gives up */
#define B_CLOCK_EVERY	(1u << 16)		/* polls between looks at the clock */

/* A spin that gives up: true once B_QUIET_NS have passed since the
 * B_CLOCK_EVERY-th poll (the clock is a system call: a wait that ends
 * sooner never reads it). */
struct wait {
	unsigned polls;
	uint64_t deadline;
};

static bool given_up(struct wait *w)
{
	if (++w->polls % B_CLOCK_EVERY)
		return false;
	uint64_t now = sys_clock_ns();
	if (!w->deadline)
		w->deadline = now + B_QUIET_NS;
	return now > w->deadline;
}

static int fail(const char *name, const char *what, err_t err)
{
	printf("BENCH error name=%s reason=\"%s: %s: %s\"\n", name, what, err_name(err),
	       err_msg(err));
	return 1;
}

/* ---- The blocking round trip ---- */

/* UPROG_BENCH_ECHO: see flotilla/uprog.h. */
int bench_echo(void)
{
	uint64_t w[URPC_MAX_WORDS];
	struct mon_binding b;
	struct lmp_msg m;
	struct uchan c;
	unsigned svc, n;
	uint32_t type;
	err_t err;
	int echoed = 0;

	if ((err = ram_retype(CPTR_TASKCN, CADDR_L2(B_EP), CAP_ENDPOINT, 0)) ||
	    (err = mon_export(UPROG_BENCH_NAME, B_EP, &svc)))
		return -fail("uchan_roundtrip", "the echo server's export", err);
	/* The export's doorbell rings B_EP when the client binds. */
	while ((err = mon_accept(svc, B_EP, B_FRAME, B_BELL, &b)) == ERR_WOULD_BLOCK)
		if ((err = lmp_recv(B_EP, 0, 0, &m)))
			break;
	if (err || (err = uchan_open_binding(&c, &b, B_FRAME, B_EP, B_BELL)))
		return -fail("uchan_roundtrip", "the echo server's channel", err);
	c.polls = 1;
	for (;;) {
		if ((err = uchan_recv(&c, w, &n, &type)))
			return -fail("uchan_roundtrip", "the echo server's receive", err);
		if (type == T_QUIT)
			return echoed;
		if ((err = uchan_send(&c, w, n, type)))
			return -fail("uchan_roundtrip", "the echo server's send", err);
		echoed++;
	}
}

/* Binds to the echo server, which the monitor started just before us:
 * its name may not be exported yet. */
static err_t bind_echo(struct uchan *c, struct mon_binding *b)
{
	uint64_t deadline = sys_clock_ns() + B_QUIET_NS;
	err_t err;

	if ((err = ram_retype(CPTR_TASKCN, CADDR_L2(B_EP), CAP_ENDPOINT, 0)))
		return err;
	while ((err = mon_bind(UPROG_BENCH_NAME, B_EP, B_FRAME, B_BELL, b)) == ERR_NOT_FOUND &&
	       sys_clock_ns() < deadline)
		sys_sleep_until(sys_clock_ns() + 5000000);
	return err ? err : uchan_open_binding(c, b, B_FRAME, B_EP, B_BELL);
}

/* Untimed, before each round trip: waits until the server has said that
 * it goes to sleep (the flag urpc_receiver_sleep sets, which our send
 * reads to decide whether to ring), so that the send must wake it. */
static err_t server_asleep(struct uchan *c)
{
	struct wait w = { 0, 0 };

	while (!urpc_sender_must_wake(&c->d.tx))
		if (given_up(&w))
			return ERR_TIMEOUT;
	return OK;
}

/* One timed round trip, message i. Counts in *rang and *slept whether
 * our send rang the server's doorbell and whether we slept for the echo. */
static err_t round_trip(struct uchan *c, uint64_t i, uint64_t *sample, uint64_t *rang,
			uint64_t *slept)
{
	uint64_t w[URPC_MAX_WORDS] = { i }, rings = c->rings, sleeps = c->sleeps;
	unsigned len;
	uint32_t type;

	uint64_t t0 = tsc_fenced();
	err_t err = uchan_send(c, w, 1, T_PING);
	if (!err)
		err = uchan_recv(c, w, &len, &type);
	*sample = tsc_fenced() - t0;
	*rang += c->rings != rings;
	*slept += c->sleeps != sleeps;
	return err ? err : type != T_PING || len != 1 || w[0] != i ? ERR_BAD_MESSAGE : OK;
}

/* UPROG_BENCH_UCHAN | n << 8: see flotilla/uprog.h. */
int bench_uchan(size_t n)
{
	uint64_t *s = malloc(n * sizeof(*s)), rang = 0, slept = 0;
	struct mon_binding b;
	struct uchan c;
	char pair[24];
	err_t err;

	if (!s)
		return fail("uchan_roundtrip", "samples", ERR_NO_MEMORY);
	if ((err = bind_echo(&c, &b)))
		return fail("uchan_roundtrip", "binding to the echo server", err);
	c.polls = 1;
	snprintf(pair, sizeof(pair), "%u-%u", sys_core_id(), b.peer_core);
	for (size_t i = 0; i < BENCH_SLOW_WARMUP + n; i++) {
		uint64_t d;
		if (i == BENCH_SLOW_WARMUP)
			rang = slept = 0;	/* count the timed ones */
		if ((err = server_asleep(&c)) || (err = round_trip(&c, i, &d, &rang, &slept)))
			return fail("uchan_roundtrip", "a round trip", err);
		if (i >= BENCH_SLOW_WARMUP)
			s[i - BENCH_SLOW_WARMUP] = d;
	}
	if ((err = uchan_send(&c, NULL, 0, T_QUIT)))
		return fail("uchan_roundtrip", "the last message", err);
	printf("bench: uchan_roundtrip pair=%s: of %zu timed round trips, %llu rang the sleeping "
	       "server's doorbell, and in %llu the client slept until the echo rang its own\n",
	       pair, n, (unsigned long long)rang, (unsigned long long)slept);
	return bench_report("uchan_roundtrip", pair, s, n, 1);
}

/* ---- Unmapping a page on every core ---- */

#define READER_STACK	SPAN_STACK_MIN

/* What the main dispatcher and the readers share: `gen` counts the pages
 * mapped (written by the main dispatcher), `acks` the readers that have
 * read the current one. */
static struct {
	_Alignas(64) volatile uint64_t gen;
	_Alignas(64) volatile uint64_t acks;
	_Alignas(64) volatile uint64_t stop;
} u;

static volatile uint64_t *const page = (volatile uint64_t *)((uint64_t)B_L4 << 39);

/* A span: reads each new page once, yielding while there is none; it
 * starts at page generation `seen` (one that is already gone). */
static int reader(uint64_t seen)
{

	while (!u.stop) {
		uint64_t g = __atomic_load_n(&u.gen, __ATOMIC_ACQUIRE);
		if (g == seen) {
			sys_yield();
			continue;
		}
		(void)page[0];		/* a volatile read: it is made */
		seen = g;
		__atomic_fetch_add(&u.acks, 1, __ATOMIC_ACQ_REL);
	}
	return 0;
}

/* The page's tables, below a top-level entry of their own: made before
 * any span, as a spanned space gets no new top-level entry. */
static err_t tables(void)
{
	err_t err;

	if ((err = ram_retype(CPTR_TASKCN, CADDR_L2(B_PDPT), CAP_PDPT, 0)) ||
	    (err = ram_retype(CPTR_TASKCN, CADDR_L2(B_PDIR), CAP_PDIR, 0)) ||
	    (err = ram_retype(CPTR_TASKCN, CADDR_L2(B_PT), CAP_PTABLE, 0)) ||
	    (err = vnode_map(CPTR_VROOT, B_L4, B_PDPT, 0)) || (err = vnode_map(B_PDPT, 0, B_PDIR, 0)))
		return err;
	return vnode_map(B_PDIR, 0, B_PT, 0);
}

/* Waits until every reader has read the current page, spinning (nothing
 * else runs here). */
static err_t all_read(unsigned readers)
{
	struct wait w = { 0, 0 };

	while (__atomic_load_n(&u.acks, __ATOMIC_ACQUIRE) < readers)
		if (given_up(&w))
			return ERR_TIMEOUT;
	return OK;
}

/* One iteration: a fresh page mapped, written here, read by every reader,
 * then unmapped (the timed part) and given back. */
static err_t one_unmap(unsigned readers, int shape, struct mon_shootdown *sd, uint64_t *sample)
{
	struct cap_info page_cap;
	err_t err;

	if ((err = ram_retype(CPTR_TASKCN, CADDR_L2(B_PAGE), CAP_FRAME, 4096)) ||
	    (err = cap_identify(B_PAGE, &page_cap)) ||
	    (err = vnode_map(B_PT, 0, B_PAGE, CAP_RIGHT_READ | CAP_RIGHT_WRITE)))
		return err;
	page[0] = u.gen + 1;
	u.acks = 0;
	__atomic_fetch_add(&u.gen, 1, __ATOMIC_RELEASE);
	if ((err = all_read(readers)))
		return err;
	uint64_t t0 = tsc_fenced();
	err = readers ? mon_unmap((const void *)page, 1, (unsigned)(shape + 1), sd) :
			 vnode_unmap(B_PT, B_PAGE);
	*sample = tsc_fenced() - t0;
	if (err || (err = cnode_delete(CPTR_TASKCN, CADDR_L2(B_PAGE))))
		return err;
	return ram_release(page_cap.base);
}

/* Stops the readers and waits for each to end; ERR_INVALID_ARG if one
 * faulted (its core's monitor has reported how). */
static err_t stop_readers(const unsigned *id, unsigned spans)
{
	uint64_t deadline = sys_clock_ns() + B_QUIET_NS;

	u.stop = 1;
	for (unsigned k = 0; k < spans; k++) {
		int status;
		bool faulted;
		err_t err;
		while ((err = mon_span_wait(id[k], &status, &faulted)) == ERR_WOULD_BLOCK) {
			if (sys_clock_ns() > deadline)
				return ERR_TIMEOUT;
			sys_yield();
		}
		if (err || faulted)
			return err ? err : ERR_INVALID_ARG;
	}
	return OK;
}

/* UPROG_BENCH_UNMAP | n << 8: see flotilla/uprog.h. */
int bench_unmap(size_t n)
{
	unsigned cores = 0, spans = 0, id[B_MAX_CORES];
	uint64_t *s = malloc(n * sizeof(*s));
	uint8_t *stacks = NULL;
	err_t err;

	if (!s)
		return fail("unmap_ncores", "samples", ERR_NO_MEMORY);
	if ((err = mon_cores(&cores)) || cores == 0 || cores > B_MAX_CORES)
		return fail("unmap_ncores", "how many cores", err ? err : ERR_INVALID_ARG);
	if ((err = tables()))
		return fail("unmap_ncores", "the page's tables", err);
	if (cores > 1 && !(stacks = malloc((cores - 1) * READER_STACK)))
		return fail("unmap_ncores", "the readers' stacks", ERR_NO_MEMORY);
	for (; spans + 1 < cores; spans++)
		if ((err = mon_span(spans + 1, reader, 0, stacks + spans * READER_STACK,
				    READER_STACK, &id[spans])))
			break;
	for (size_t i = 0; !err && i < BENCH_SLOW_WARMUP + n; i++) {
		uint64_t d = 0;
		err = one_unmap(spans, MON_SHAPE_BEST - 1, NULL, &d);
		if (i >= BENCH_SLOW_WARMUP)
			s[i - BENCH_SLOW_WARMUP] = d;
	}
	err_t stop = stop_readers(id, spans);
	if (err)
		return fail("unmap_ncores", spans + 1 < cores ? "spanning a reader" :
			    "mapping, reading and unmapping a page", err);
	if (stop)
		return fail("unmap_ncores", "the readers' end", stop);
	return bench_report("unmap_ncores", NULL, s, n, 1);
}

/*
 * UPROG_BENCH_SHOOT | n << 8: the shootdown over each shape at each core
 * count. For N = 2 .. every core, a reader spans cores 1 .. N - 1 (one
 * more for each N), and for each shape the unmap of a page the readers
 * have read is timed as unmap_ncores's is; the line says what the run
 * counted (the same every time: checked), beside the cycles:
 *	BENCH name=shootdown protocol=P cores=N unit=cycles n=.. min=..
 *		median=.. p99=.. max=.. msgs=M cross_node=X rounds=R
 */
static const char *const shape_names[] = { "broadcast", "unicast", "multicast", "numa" };

static int shoot_line(unsigned cores, int shape, uint64_t *s, size_t n,
		      const struct mon_shootdown *sd)
{
	char counts[64];

	snprintf(counts, sizeof(counts), "msgs=%u cross_node=%u rounds=%u", sd->msgs,
		 sd->cross_node, sd->rounds);
	return bench_report_cores("shootdown", shape_names[shape], cores, s, n, counts);
}

int bench_shoot(uint64_t arg)
{
	size_t n = BENCH_SHOOT_N(arg), warm = BENCH_SHOOT_WARM(arg);
	unsigned cores = 0, spans = 0, id[B_MAX_CORES];
	uint64_t *s = malloc(n * sizeof(*s));
	uint8_t *stacks = NULL;
	int failed = 0;
	err_t err;

	if (!s)
		return fail("shootdown", "samples", ERR_NO_MEMORY);
	if ((err = mon_cores(&cores)) || cores == 0 || cores > B_MAX_CORES)
		return fail("shootdown", "how many cores", err ? err : ERR_INVALID_ARG);
	if (cores < 2)
		return 0;			/* nobody to shoot down */
	if ((err = tables()))
		return fail("shootdown", "the page's tables", err);
	if (!(stacks = malloc((cores - 1) * READER_STACK)))
		return fail("shootdown", "the readers' stacks", ERR_NO_MEMORY);
	u.stop = 0;
	for (unsigned c = 2; c <= cores && !failed; c++) {
		if ((err = mon_span(spans + 1, reader, u.gen, stacks + spans * READER_STACK,
				    READER_STACK, &id[spans])))
			break;
		spans++;
		for (int shape = 0; shape < 4 && !err; shape++) {
			struct mon_shootdown sd, first = { 0 };
			for (size_t i = 0; !err && i < warm + n; i++) {
				uint64_t d = 0;
				err = one_unmap(spans, shape, &sd, &d);
				if (i == 0)
					first = sd;
				else if (!err && (sd.msgs != first.msgs ||
						  sd.cross_node != first.cross_node ||
						  sd.rounds != first.rounds || sd.shape != (unsigned)shape))
					err = ERR_INVALID_ARG;	/* one tree, one count */
				if (i >= warm)
					s[i - warm] = d;
			}
			if (!err)
				failed |= shoot_line(c, shape, s, n, &first);
		}
	}
	err_t stop = stop_readers(id, spans);
	if (err)
		return fail("shootdown", "spanning, or a run whose counts changed", err);
	if (stop)
		return fail("shootdown", "the readers' end", stop);
	return failed;
}

/*
 * UPROG_BENCH_MONCALL | n << 8: a request to this core's monitor, packed
 * by hand (mon_call_raw, the form of flotilla/monitor.h) and as
 * if/moncall.if's rpc over the moncall transport (mon_cores, mon_ps), in
 * one process on one boot, so the two can be compared. MON_CORES is one
 * LMP call either way; ps's rpc reply is two fragments, so two calls.
 */
int bench_moncall(size_t n)
{
	const uint64_t cores_w[4] = { MON_CORES }, ps_w[4] = { MON_PS | (uint64_t)sys_core_id() << 8 };
	uint64_t *s = malloc(n * sizeof(*s)), r[4];
	struct mon_proc p;
	unsigned cores;
	err_t err = OK, bad = OK;
	int ret;

	if (!s)
		return fail("moncall_packed", "samples", ERR_NO_MEMORY);
	TIME_EACH(s, BENCH_WARMUP, n, err = mon_call_raw(cores_w, r), bad = bad ? bad : err);
	if ((ret = bad ? fail("moncall_packed", "MON_CORES", bad)
		       : bench_report("moncall_packed", NULL, s, n, 1)))
		return ret;
	TIME_EACH(s, BENCH_WARMUP, n, err = mon_cores(&cores), bad = bad ? bad : err);
	if ((ret = bad ? fail("moncall_idl", "mon_cores", bad)
		       : bench_report("moncall_idl", NULL, s, n, 1)))
		return ret;
	TIME_EACH(s, BENCH_WARMUP, n, err = mon_call_raw(ps_w, r), bad = bad ? bad : err);
	if ((ret = bad ? fail("moncall_ps_packed", "MON_PS", bad)
		       : bench_report("moncall_ps_packed", NULL, s, n, 1)))
		return ret;
	TIME_EACH(s, BENCH_WARMUP, n, err = mon_ps(sys_core_id(), 0, &p), bad = bad ? bad : err);
	return bad ? fail("moncall_ps_idl", "mon_ps", bad)
		   : bench_report("moncall_ps_idl", NULL, s, n, 1);
}
