/*
 * The workloads on one CPU (CPU 0, like Flotilla's monitor on core 0):
 * the timing's own cost, the null system call, yielding, switches between
 * two threads and between two processes, creating a thread, and the
 * same-core round trips that stand beside Flotilla's LMP call.
 *
 * The switch workloads put exactly two runnable tasks on CPU 0, both
 * looping on sched_yield: each timed yield is two switches (there and
 * back), so every sample is halved, as Flotilla's dispatcher_switch and
 * thread_switch are.
 */
#include "bench/linux/lbench.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int bench_rdtsc_overhead(struct bench *b)
{
	TIME_EACH(b->s, b->warm, b->n, (void)0, (void)0);
	return bench_report("rdtsc_overhead", NULL, b->s, b->n, 1);
}

/* The cheapest real system call: getppid, made raw (glibc caches none of
 * it, but syscall() makes sure nothing is between us and the kernel). */
static int bench_getppid(struct bench *b)
{
	long ppid = 0, want = syscall(SYS_getppid);

	TIME_EACH(b->s, b->warm, b->n, ppid = syscall(SYS_getppid), (void)0);
	if (ppid != want)
		return bench_fail("getppid", "getppid said %ld, then %ld", want, ppid);
	return bench_report("getppid", NULL, b->s, b->n, 1);
}

static int bench_yield_alone(struct bench *b)
{
	TIME_EACH(b->s, b->warm, b->n, sched_yield(), (void)0);
	return bench_report("sched_yield_alone", NULL, b->s, b->n, 1);
}

/* The other task of a switch workload: yields until told to stop. */
struct yielder {
	volatile int stop;
	volatile uint64_t turns;
};

static int yield_loop(void *arg)
{
	struct yielder *y = arg;

	while (!y->stop) {
		y->turns++;
		sched_yield();
	}
	return 0;
}

static void *yield_thread(void *arg)
{
	pin_cpu(0);
	yield_loop(arg);
	return NULL;
}

/* Two processes (two address spaces) on CPU 0, as dispatcher_switch. */
static int bench_process_switch(struct bench *b)
{
	struct yielder *y = shared_alloc(sizeof(*y));
	int pid;

	if (!y || (pid = spawn_on(0, yield_loop, y)) < 0)
		return bench_fail("process_switch", "cannot fork: %s", strerror(errno));
	while (!y->turns)
		sched_yield();
	TIME_EACH(b->s, b->warm, b->n, sched_yield(), (void)0);
	y->stop = 1;
	if (reap(pid))
		return bench_fail("process_switch", "the yielding child failed");
	return bench_report("process_switch", NULL, b->s, b->n, 2);
}

/* Two kernel threads of one process on CPU 0, beside Flotilla's
 * user-level thread_switch. */
static int bench_thread_switch(struct bench *b)
{
	struct yielder y = { 0, 0 };
	pthread_t t;

	if (pthread_create(&t, NULL, yield_thread, &y))
		return bench_fail("thread_switch", "pthread_create failed");
	while (!y.turns)
		sched_yield();
	TIME_EACH(b->s, b->warm, b->n, sched_yield(), (void)0);
	y.stop = 1;
	pthread_join(t, NULL);
	return bench_report("thread_switch", NULL, b->s, b->n, 2);
}

static void *nothing(void *arg)
{
	return arg;
}

/* pthread_create of a thread that returns at once, and pthread_join. */
static int bench_thread_create(struct bench *b)
{
	int bad = 0;
	pthread_t t;

	TIME_EACH(b->s, b->warm, b->n, bad |= pthread_create(&t, NULL, nothing, NULL) ||
						      pthread_join(t, NULL), (void)0);
	if (bad)
		return bench_fail("thread_create", "pthread_create or pthread_join failed");
	return bench_report("thread_create", NULL, b->s, b->n, 1);
}

int bench_local(struct bench *b)
{
	int failed = 0;

	failed |= bench_rdtsc_overhead(b);
	failed |= bench_getppid(b);
	failed |= bench_yield_alone(b);
	failed |= bench_process_switch(b);
	failed |= bench_thread_switch(b);
	failed |= bench_thread_create(b);
	failed |= bench_roundtrip(b, "pipe_samecore", NULL, RT_PIPE, 0, 0);
	failed |= bench_roundtrip(b, "futex_samecore", NULL, RT_FUTEX, 0, 0);
	failed |= bench_roundtrip(b, "unix_samecore", NULL, RT_UNIX, 0, 0);
	return failed;
}
