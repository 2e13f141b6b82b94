/*
 * The benchmarks: with `bench` or `bench=N` on the kernel command line the
 * monitor on core 0 times each workload N times (default BENCH_DEFAULT_N)
 * after BENCH_WARMUP untimed iterations, one fenced rdtsc pair around each
 * iteration, and prints one line per workload, then `BENCH done`:
 *	BENCH name=null_syscall unit=cycles n=N min=.. median=.. p99=.. max=..
 * and then URPC between every pair of cores beside the cache-line floor,
 * with `pair=i-j` in each line (meshbench.c). Statistics are lib/stats.h's (median and p99 by nearest rank). Nothing
 * here judges a figure; tools/bench.py tabulates them and
 * docs/benchmarks.md says what they mean and what they do not.
 *
 * The samples live in one malloc'd array; the heap is a fixed 256 KiB arena
 * (usr/lib/malloc.c), so N is capped at BENCH_MAX_N and a larger N is
 * refused with a message, never cut short.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/lmp.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/thread.h>
#include <flotilla/uprog.h>
#include "lib/trace.h"
#include "lib/stats.h"
#include "bench/monitor/bench.h"
#include "tests/monitor/mtest.h"

#define BENCH_DEFAULT_N	10000

static int fail(const char *name, const char *what, err_t err)
{
	printf("BENCH error name=%s reason=\"%s: %s: %s\"\n", name, what, err_name(err),
	       err_msg(err));
	return 1;
}

/* The fixed cost of the timing itself: an empty timed region. */
static int bench_rdtsc_overhead(uint64_t *s, size_t n)
{
	TIME_EACH(s, BENCH_WARMUP, n, (void)0, (void)0);
	return bench_report("rdtsc_overhead", NULL, s, n, 1);
}

/* The cheapest system call there is: SYS_CORE_ID reads one per-core field. */
static int bench_null_syscall(uint64_t *s, size_t n)
{
	unsigned core = 0, wrong = 0;

	TIME_EACH(s, BENCH_WARMUP, n, core = sys_core_id(), wrong += core != 0);
	if (wrong)
		return fail("null_syscall", "sys_core_id did not say core 0", ERR_INVALID_ARG);
	return bench_report("null_syscall", NULL, s, n, 1);
}

/* Recording one trace event (lib/trace.h), the code the kernel and the
 * monitors run for every event, into a ring of its own here: what leaving
 * the trace on costs, beside null_syscall (docs/trace.md). */
static int bench_trace_event(uint64_t *s, size_t n)
{
	/* 256 events: small, since every monitor carries it. */
	static uint64_t mem[TRACE_RING_BYTES(8) / 8] __attribute__((aligned(64)));
	struct trace_ring *r = (struct trace_ring *)mem;
	uint64_t i = 0;
	err_t err = trace_ring_init(mem, sizeof(mem));

	if (err)
		return fail("trace_event", "trace_ring_init", err);
	TIME_EACH(s, BENCH_WARMUP, n, trace_record(r, 0, TRACE_MARK, (uint32_t)i, i, i), i++);
	if (r->written != BENCH_WARMUP + n)
		return fail("trace_event", "the ring did not count every event", ERR_INVALID_ARG);
	return bench_report("trace_event", NULL, s, n, 1);
}

/* A capability invocation that only reads: DISP_STATUS on our dispatcher
 * (look-up, type check, one field). */
static int bench_cap_invoke(uint64_t *s, size_t n)
{
	struct sys_ret r = { OK, 0 };
	err_t bad = OK;

	TIME_EACH(s, BENCH_WARMUP, n, r = sys_invoke(CPTR_DISPATCHER, DISP_STATUS, 0, 0, 0, 0, 0),
		  bad = bad ? bad : r.err);
	if (bad)
		return fail("cap_invoke", "DISP_STATUS on CPTR_DISPATCHER", bad);
	if ((r.value & 0xFFFFFFFF) != DISP_STATE_RUNNABLE)
		return fail("cap_invoke", "DISP_STATUS says the monitor is not runnable",
			    ERR_INVALID_ARG);
	return bench_report("cap_invoke", NULL, s, n, 1);
}

/* sys_yield with nothing else runnable on the core: the scheduler takes the
 * caller off the CPU and picks it again, with no address-space change. */
static int bench_yield_alone(uint64_t *s, size_t n)
{
	TIME_EACH(s, BENCH_WARMUP, n, sys_yield(), (void)0);
	return bench_report("yield_alone", NULL, s, n, 1);
}

/*
 * Dispatcher switch: with exactly two runnable dispatchers on the core, the
 * monitor and `uprog 7` (which loops on sys_yield), the monitor's yield
 * switches to the child, whose yield switches back. One timed yield is two
 * dispatcher switches (each with its address-space switch), so every
 * sample is halved: the line is per switch.
 *
 * dispatcher_switch_fpu: the same, but both use an SSE register between
 * yields (the child is UPROG_FPU_YIELD), so that with fpu=lazy every
 * switch also takes a #NM and loads the registers; eager (the default)
 * loads them on every switch either way (docs/userspace.md).
 */
static void use_sse_and_yield(void)
{
	__asm__ volatile("addsd %%xmm0, %%xmm0" : : : "xmm0");
	sys_yield();
}

static int switch_workload(const char *name, uint64_t child_arg, bool fpu, uint64_t *s, size_t n)
{
	struct proc child;
	uint64_t st = 0;
	err_t err;
	int ret;

	if ((err = spawn_program("uprog", child_arg, &child)))
		return fail(name, "spawn_program(\"uprog\")", err);
	if (fpu)
		TIME_EACH(s, BENCH_WARMUP, n, use_sse_and_yield(), (void)0);
	else
		TIME_EACH(s, BENCH_WARMUP, n, sys_yield(), (void)0);
	if ((err = proc_status(&child, &st)) || (st & 0xFFFFFFFF) != DISP_STATE_RUNNABLE) {
		proc_kill(&child);
		return fail(name, "the yielding child is not runnable", err ? err : ERR_INVALID_ARG);
	}
	ret = bench_report(name, NULL, s, n, 2);
	if ((err = proc_kill(&child)))
		return fail(name, "proc_kill of the child", err);
	if ((err = proc_status(&child, &st)) != ERR_CAP_EMPTY)
		return fail(name, "the killed child's dispatcher is still there",
			    err ? err : ERR_INVALID_ARG);
	return ret;
}

static int bench_dispatcher_switch(uint64_t *s, size_t n)
{
	return switch_workload("dispatcher_switch", UPROG_LOOP, false, s, n);
}

static int bench_dispatcher_switch_fpu(uint64_t *s, size_t n)
{
	return switch_workload("dispatcher_switch_fpu", UPROG_FPU_YIELD, true, s, n);
}

/*
 * LMP call/reply round trip on one core: the monitor calls `uprog 9`, an
 * echo server in its own address space, which answers each call with
 * lmp_reply_recv. One sample: the call, the switch to the server, its
 * reply and receive, the switch back (both direct: kernel/lmp.c's fast
 * path), and the four words each way.
 */
#define BENCH_EP	MON_TEST_SLOT(5)

static int bench_lmp_roundtrip(uint64_t *s, size_t n)
{
	struct spawn_opts o = { .give = { BENCH_EP }, .ngive = 1 };
	uint64_t w[LMP_WORDS] = { 1, 2, 3, 4 };
	struct lmp_msg r;
	struct proc child;
	err_t err = OK, bad = OK;
	int ret;

	if ((err = ram_retype(CPTR_TASKCN, CADDR_L2(BENCH_EP), CAP_ENDPOINT, 0)))
		return fail("lmp_roundtrip", "an endpoint", err);
	if ((err = spawn_program_opts("uprog", UPROG_ECHO, &o, &child))) {
		cnode_delete(CPTR_TASKCN, CADDR_L2(BENCH_EP));
		return fail("lmp_roundtrip", "spawn_program(\"uprog\", UPROG_ECHO)", err);
	}
	TIME_EACH(s, BENCH_WARMUP, n, err = lmp_call(BENCH_EP, 0, 0, 0, w, &r),
		  bad = bad ? bad : err ? err : r.w[0] != 2 ? ERR_BAD_MESSAGE : OK);
	ret = bad ? fail("lmp_roundtrip", "a call to the echo server", bad)
		  : bench_report("lmp_roundtrip", NULL, s, n, 1);
	w[0] = UPROG_QUIT;
	if (!bad && (err = lmp_call(BENCH_EP, 0, 0, 0, w, &r)))
		ret = fail("lmp_roundtrip", "the last call", err);
	if ((err = proc_kill(&child)))
		ret = fail("lmp_roundtrip", "proc_kill of the echo server", err);
	cnode_delete(CPTR_TASKCN, CADDR_L2(BENCH_EP));
	return ret;
}

/*
 * Thread switch: the monitor's main thread and one other thread of the
 * same dispatcher (usr/lib/thread.c) yield to each other. One timed
 * thread_yield is two switches (to the other thread and back), entirely in
 * user space: every sample is halved, so the line is per switch.
 */
static volatile bool yielder_stop;

static void *yielder(void *arg)
{
	while (!yielder_stop)
		thread_yield();
	return arg;
}

static int bench_thread_switch(uint64_t *s, size_t n)
{
	struct thread_stats before, after;
	struct thread *t;
	err_t err;

	if (!threads_up())
		return fail("thread_switch", "starting the thread library", ERR_NO_MEMORY);
	yielder_stop = false;
	if ((err = thread_create(&t, yielder, NULL)))
		return fail("thread_switch", "thread_create", err);
	thread_get_stats(&before);
	TIME_EACH(s, BENCH_WARMUP, n, thread_yield(), (void)0);
	thread_get_stats(&after);
	yielder_stop = true;
	if ((err = thread_join(t, NULL, NULL)))
		return fail("thread_switch", "thread_join", err);
	if (after.switches - before.switches < 2 * (BENCH_WARMUP + n))
		return fail("thread_switch", "fewer switches than yields: the other thread did not run",
			    ERR_INVALID_ARG);
	return bench_report("thread_switch", NULL, s, n, 2);
}

/*
 * Thread creation: thread_create of a thread that returns its argument at
 * once, and thread_join of it, as linuxbench's pthread pair does. One
 * sample: the library allocates the thread and its stack (malloc), the
 * join blocks the main thread, the new one runs to its end and makes the
 * main thread runnable again, and the join frees both: two switches, all
 * in user space, no system call.
 */
static void *returner(void *arg)
{
	return arg;
}

/* One thread made and joined; ERR_INVALID_ARG if it did not return arg. */
static err_t create_and_join(void *arg)
{
	struct thread *t;
	void *ret = NULL;
	err_t err = thread_create(&t, returner, arg);

	if (!err)
		err = thread_join(t, &ret, NULL);
	return err ? err : ret == arg ? OK : ERR_INVALID_ARG;
}

static int bench_thread_create(uint64_t *s, size_t n)
{
	err_t err = OK, bad = OK;

	if (!threads_up())
		return fail("thread_create", "starting the thread library", ERR_NO_MEMORY);
	TIME_EACH(s, BENCH_WARMUP, n, err = create_and_join(s), bad = bad ? bad : err);
	if (bad)
		return fail("thread_create", "creating and joining a thread that returns", bad);
	return bench_report("thread_create", NULL, s, n, 1);
}

/* A decimal number, all of s and at most max: true with it in *out. */
static bool decimal(const char *s, size_t max, size_t *out)
{
	size_t n = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || n > max)
			return false;
		n = n * 10 + (size_t)(*s - '0');
	}
	*out = n;
	return n <= max;
}

/* N from `bench=N`; the default for plain `bench`; 0 when not acceptable. */
static size_t parse_count(const char *cmdline)
{
	char val[24];
	size_t n = 0;

	if (cmdline_find(cmdline, "bench", val, sizeof(val)))
		return 0;		/* longer than any good N: refused, not cut */
	if (!val[0])
		return BENCH_DEFAULT_N;
	return decimal(val, BENCH_MAX_N, &n) ? n : 0;
}

/* The workloads in the order they run: on one core with the shared
 * samples array, then those that keep their own (in processes, between
 * pairs of cores). `benchonly=NAME,NAME` on the command line runs only
 * those named (the names are the lines' name= or their group's). */
static const struct {
	const char *name;
	int (*fn)(uint64_t *s, size_t n);
} on_one_core[] = {
	{ "rdtsc_overhead", bench_rdtsc_overhead }, { "null_syscall", bench_null_syscall },
	{ "trace_event", bench_trace_event }, { "cap_invoke", bench_cap_invoke },
	{ "yield_alone", bench_yield_alone }, { "dispatcher_switch", bench_dispatcher_switch },
	{ "dispatcher_switch_fpu", bench_dispatcher_switch_fpu },
	{ "lmp_roundtrip", bench_lmp_roundtrip }, { "thread_switch", bench_thread_switch },
	{ "thread_create", bench_thread_create },
};
/* `benchwarm=W`: the shootdown lines' untimed runs (flotilla/bench.h). */
static size_t shoot_warm = BENCH_SLOW_WARMUP;

static int shootdown(size_t n)
{
	return procbench_shoot(n, shoot_warm);
}

static const struct {
	const char *name;
	int (*fn)(size_t n);
} on_their_own[] = {
	{ "unmap", procbench_unmap },		/* procbench.c: in processes */
	{ "moncall", procbench_moncall },
	{ "shootdown", shootdown },
	{ "urpc_pairs", meshbench_pairs },	/* meshbench.c: every pair of cores */
	{ "uchan", procbench_uchan },
	{ "fig3", procbench_updates },		/* shm_update, msg_update */
	{ "agree_commit", agreebench_commit },	/* agreebench.c: one commit */
};

/* The comma-separated word at p: its length in *n; returns where the
 * next one starts, or NULL after the last. */
static const char *word(const char *p, size_t *n)
{
	const char *end = strchr(p, ',');

	*n = end ? (size_t)(end - p) : strlen(p);
	return end ? end + 1 : NULL;
}

/* Is `name` one of the words of `only` ("" for all)? */
static bool wanted(const char *only, const char *name)
{
	size_t len = strlen(name), n;

	if (!only[0])
		return true;
	for (const char *p = only, *next; p && *p; p = next) {
		next = word(p, &n);
		if (n == len && !strncmp(p, name, n))
			return true;
	}
	return false;
}

/* `benchonly=` must name workloads that exist: NULL, or the first word
 * that names none (copied into bad). */
static const char *unknown_workload(const char *only, char *bad, size_t size)
{
	size_t n;

	for (const char *p = only, *next; p && *p; p = next) {
		next = word(p, &n);
		char name[KERNEL_CMDLINE_MAX];
		snprintf(name, sizeof(name), "%.*s", (int)n, p);
		bool known = false;
		for (size_t i = 0; i < sizeof(on_one_core) / sizeof(on_one_core[0]); i++)
			known |= !strcmp(on_one_core[i].name, name);
		for (size_t i = 0; i < sizeof(on_their_own) / sizeof(on_their_own[0]); i++)
			known |= !strcmp(on_their_own[i].name, name);
		if (!known) {
			snprintf(bad, size, "%s", name);
			return bad;
		}
	}
	return NULL;
}

int bench_main(const char *cmdline)
{
	size_t n = parse_count(cmdline);
	char only[KERNEL_CMDLINE_MAX] = "", bad[KERNEL_CMDLINE_MAX];
	int failed = 0;

	if (n == 0) {
		printf("BENCH error name=bench reason=\"bench=N wants 1 <= N <= %u (the samples "
		       "must fit the 256 KiB heap)\"\n", BENCH_MAX_N);
		return 1;
	}
	if (cmdline_find(cmdline, "benchonly", only, sizeof(only)) == OK &&
	    unknown_workload(only, bad, sizeof(bad))) {
		printf("BENCH error name=bench reason=\"benchonly=%s: no workload %s (docs/benchmarks.md "
		       "lists them)\"\n", only, bad);
		return 1;
	}
	char warm[8];
	err_t werr = cmdline_find(cmdline, "benchwarm", warm, sizeof(warm));
	if (werr != ERR_NOT_FOUND) {
		size_t w = 0;
		if (werr || !decimal(warm, BENCH_MAX_WARM, &w)) {
			printf("BENCH error name=bench reason=\"benchwarm=W wants 0 <= W <= %u\"\n",
			       BENCH_MAX_WARM);
			return 1;
		}
		shoot_warm = w;
	}
	uint64_t *s = malloc(n * sizeof(*s));
	if (!s) {
		printf("BENCH error name=bench reason=\"no memory for %zu samples\"\n", n);
		return 1;
	}
	printf("bench: %zu timed iterations per workload after %u warm-up ones; cycles of "
	       "the time-stamp counter (lfence; rdtsc; lfence)\n", n, BENCH_WARMUP);
	for (size_t i = 0; i < sizeof(on_one_core) / sizeof(on_one_core[0]); i++)
		if (wanted(only, on_one_core[i].name))
			failed |= on_one_core[i].fn(s, n);
	free(s);
	for (size_t i = 0; i < sizeof(on_their_own) / sizeof(on_their_own[0]); i++)
		if (wanted(only, on_their_own[i].name))
			failed |= on_their_own[i].fn(n);
	printf("BENCH %s\n", failed ? "failed" : "done");
	return failed;
}
