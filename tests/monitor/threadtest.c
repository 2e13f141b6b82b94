/*
 * User-level threads in the monitor's own dispatcher (flotilla/thread.h):
 * many threads, mutex contention, preemption by the timer through the run
 * upcall, condition variables, sleep, and a faulting thread ended through
 * the fault upcall while the others go on. The first test starts the
 * library; the monitor keeps it for the rest of its life, so every later
 * test also runs with upcalls on.
 */
#include <flotilla/caps.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/thread.h>
#include "tests/monitor/mtest.h"
#include "lib/test.h"

#define T_UPCALL_FRAME	MON_TEST_SLOT(4)

/* The library, started once: a frame for the dispatcher area, mapped in
 * the monitor's window. */
bool threads_up(void)
{
	void *va;

	if (thread_ready())
		return true;
	return ram_retype(CPTR_TASKCN, CADDR_L2(T_UPCALL_FRAME), CAP_FRAME, 4096) == OK &&
	       window_map_page(T_UPCALL_FRAME, &va) == OK && thread_init(T_UPCALL_FRAME, va) == OK;
}

static void *add_one(void *arg)
{
	return (void *)((uintptr_t)arg + 1);
}

TEST(threads_many)
{
	struct thread *t[10];
	void *ret;
	int fault;

	CHECK(threads_up());
	for (uintptr_t batch = 0; batch < 10; batch++) {
		for (uintptr_t i = 0; i < 10; i++)
			CHECK_ERR(thread_create(&t[i], add_one, (void *)(batch * 10 + i)), OK);
		for (uintptr_t i = 0; i < 10; i++) {
			CHECK_ERR(thread_join(t[i], &ret, &fault), OK);
			CHECK((uintptr_t)ret == batch * 10 + i + 1 && fault == 0);
		}
	}
	CHECK_ERR(thread_join(NULL, &ret, &fault), ERR_INVALID_ARG);
}

static struct thread_mutex mtx = THREAD_MUTEX_INIT;
static volatile unsigned long counter;

/* Read, maybe yield, write: without the mutex, updates would be lost. */
static void *contend(void *arg)
{
	for (int i = 0; i < 500; i++) {
		thread_mutex_lock(&mtx);
		unsigned long v = counter;
		if (i % 7 == 0)
			thread_yield();
		counter = v + 1;
		thread_mutex_unlock(&mtx);
	}
	return arg;
}

TEST(threads_mutex_contention)
{
	struct thread *t[8];

	CHECK(threads_up());
	counter = 0;
	for (int i = 0; i < 8; i++)
		CHECK_ERR(thread_create(&t[i], contend, NULL), OK);
	for (int i = 0; i < 8; i++)
		CHECK_ERR(thread_join(t[i], NULL, NULL), OK);
	CHECK(counter == 8 * 500);
	CHECK(mtx.owner == NULL && mtx.head == NULL);
}

static volatile int go;

static void *spinner(void *arg)
{
	while (!go)
		;		/* never yields: only preemption lets the setter run */
	return arg;
}

static void *setter(void *arg)
{
	go = 1;
	return arg;
}

TEST(threads_preempted_by_the_timer)
{
	struct thread_stats before, after;
	struct thread *s, *t;

	CHECK(threads_up());
	go = 0;
	thread_get_stats(&before);
	CHECK_ERR(thread_create(&s, spinner, NULL), OK);
	CHECK_ERR(thread_create(&t, setter, NULL), OK);
	CHECK_ERR(thread_join(s, NULL, NULL), OK);
	CHECK_ERR(thread_join(t, NULL, NULL), OK);
	thread_get_stats(&after);
	CHECK(after.run_upcalls > before.run_upcalls);
}

/* A bounded buffer: two producers, two consumers, 200 items. */
#define QSIZE	4
#define ITEMS	100
static struct thread_cond not_full = THREAD_COND_INIT, not_empty = THREAD_COND_INIT;
static unsigned queue[QSIZE], qhead, qcount;
static unsigned char seen[2 * ITEMS];

static void *producer(void *arg)
{
	unsigned base = (unsigned)(uintptr_t)arg * ITEMS;

	for (unsigned i = 0; i < ITEMS; i++) {
		thread_mutex_lock(&mtx);
		while (qcount == QSIZE)
			thread_cond_wait(&not_full, &mtx);
		queue[(qhead + qcount++) % QSIZE] = base + i;
		thread_cond_signal(&not_empty);
		thread_mutex_unlock(&mtx);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	for (unsigned i = 0; i < ITEMS; i++) {
		thread_mutex_lock(&mtx);
		while (qcount == 0)
			thread_cond_wait(&not_empty, &mtx);
		unsigned v = queue[qhead];
		qhead = (qhead + 1) % QSIZE;
		qcount--;
		if (v < 2 * ITEMS)
			seen[v]++;
		thread_cond_signal(&not_full);
		thread_mutex_unlock(&mtx);
	}
	return arg;
}

TEST(threads_condition_variables)
{
	struct thread *t[4];

	CHECK(threads_up());
	qhead = qcount = 0;
	for (unsigned i = 0; i < 2 * ITEMS; i++)
		seen[i] = 0;
	CHECK_ERR(thread_create(&t[0], consumer, NULL), OK);
	CHECK_ERR(thread_create(&t[1], consumer, NULL), OK);
	CHECK_ERR(thread_create(&t[2], producer, (void *)0), OK);
	CHECK_ERR(thread_create(&t[3], producer, (void *)1), OK);
	for (int i = 0; i < 4; i++)
		CHECK_ERR(thread_join(t[i], NULL, NULL), OK);
	for (unsigned i = 0; i < 2 * ITEMS; i++)
		if (seen[i] != 1)
			test_fail("item %u consumed %u times", i, seen[i]);
	CHECK(qcount == 0);
}

static uint64_t woke[2];
static volatile unsigned wake_order, order[2];

static void *sleeper(void *arg)
{
	unsigned i = (unsigned)(uintptr_t)arg;

	thread_sleep((i + 1) * 20000000ull);	/* 20 ms, 40 ms */
	woke[i] = sys_clock_ns();
	order[i] = wake_order++;
	return NULL;
}

/* Sleep never returns early, and sleepers wake in deadline order. While
 * both sleep and the main thread waits in join, the dispatcher itself
 * sleeps in the kernel. */
TEST(threads_sleep)
{
	struct thread *t[2];
	uint64_t t0 = sys_clock_ns();

	CHECK(threads_up());
	wake_order = 0;
	CHECK_ERR(thread_create(&t[1], sleeper, (void *)1), OK);
	CHECK_ERR(thread_create(&t[0], sleeper, (void *)0), OK);
	CHECK_ERR(thread_join(t[1], NULL, NULL), OK);
	CHECK_ERR(thread_join(t[0], NULL, NULL), OK);
	CHECK(woke[0] - t0 >= 20000000ull && woke[1] - t0 >= 40000000ull);
	CHECK(order[0] == 0 && order[1] == 1);
}

static void *faulter(void *arg)
{
	__asm__ volatile("ud2");
	return arg;
}

TEST(threads_fault_ends_only_that_thread)
{
	struct thread_stats before, after;
	struct thread *bad, *good;
	void *ret;
	int fault;

	CHECK(threads_up());
	thread_get_stats(&before);
	CHECK_ERR(thread_create(&bad, faulter, NULL), OK);
	CHECK_ERR(thread_create(&good, add_one, (void *)41), OK);
	CHECK_ERR(thread_join(bad, &ret, &fault), OK);
	CHECK(fault == 6 + 1);		/* #UD */
	CHECK_ERR(thread_join(good, &ret, &fault), OK);
	CHECK((uintptr_t)ret == 42 && fault == 0);
	thread_get_stats(&after);
	CHECK(after.fault_upcalls == before.fault_upcalls + 1);
}
