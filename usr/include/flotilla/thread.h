/*
 * User-level threads inside one dispatcher (usr/lib/thread.c), scheduled
 * by the process itself with the upcalls of kpi/dispatcher.h: the kernel
 * preempts the dispatcher, and the library decides which thread runs
 * next. Round robin; a thread runs until it blocks (join, mutex, condition
 * variable, sleep), yields, or the dispatcher's time slice ends.
 *
 * Each thread has its own x87/SSE/AVX registers: all of them when it is
 * preempted, MXCSR and the x87 control word (what the ABI has a call keep)
 * when it yields or blocks; a new thread starts with its creator's
 * control words (docs/userspace.md, "Floating point and SSE").
 *
 * Limits: one dispatcher, so one core (spanning comes with the channel
 * issue); a thread in a blocking system call (an LMP receive, say) blocks
 * the whole dispatcher; threads are not detached: join each one to free it.
 */
#ifndef FLOTILLA_THREAD_H
#define FLOTILLA_THREAD_H

#include <stdbool.h>
#include <stdint.h>
#include <kpi/caps.h>
#include <kpi/errors.h>

struct thread;

struct thread_mutex {
	struct thread *owner;
	struct thread *head, *tail;	/* waiting, FIFO */
};

struct thread_cond {
	struct thread *head, *tail;
};

#define THREAD_MUTEX_INIT	{ 0, 0, 0 }
#define THREAD_COND_INIT	{ 0, 0 }
#define THREAD_STACK_BYTES	(8 * 1024)

/* Starts the library in the calling dispatcher: `frame` is a frame
 * capability of one page, mapped read-write at `area` in this address
 * space, for the dispatcher area. The caller becomes the main thread. */
err_t thread_init(capaddr_t frame, void *area);
bool thread_ready(void);

/* Creates a thread running fn(arg); ERR_NO_MEMORY if no stack. */
err_t thread_create(struct thread **out, void *(*fn)(void *), void *arg);
/* Waits for t to end and frees it. *ret gets what fn returned; the
 * result is ERR_OK, or, if the thread was ended by a fault, *fault gets
 * the vector + 1 (0 otherwise). */
err_t thread_join(struct thread *t, void **ret, int *fault);
void thread_exit(void *ret) __attribute__((noreturn));
void thread_yield(void);
/* Blocks this thread for at least `ns` nanoseconds (SYS_CLOCK time). */
void thread_sleep(uint64_t ns);
unsigned thread_id(void);

void thread_mutex_lock(struct thread_mutex *m);
void thread_mutex_unlock(struct thread_mutex *m);
void thread_cond_wait(struct thread_cond *c, struct thread_mutex *m);
void thread_cond_signal(struct thread_cond *c);
void thread_cond_broadcast(struct thread_cond *c);

/* Counters, for tests and the benchmark. */
struct thread_stats {
	uint64_t switches;	/* thread switches made by the library */
	uint64_t run_upcalls;	/* entries through the run upcall (preemptions) */
	uint64_t fault_upcalls;
};
void thread_get_stats(struct thread_stats *s);

/* Other library code (malloc) calls these around work that must not be
 * interleaved with another thread's: nothing else runs in between. */
unsigned thread_crit_enter(void);
void thread_crit_exit(unsigned was);

#endif
