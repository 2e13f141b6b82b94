/*
 * User-level threads (flotilla/thread.h) over the dispatcher upcalls of
 * kpi/dispatcher.h.
 *
 * All library state is touched only while the dispatcher is disabled: a
 * preemption then resumes exactly where it struck, so each disabled
 * stretch is atomic with respect to every other thread of the process
 * (there is one dispatcher, on one core). A thread gives up the processor
 * by saving its context and calling dispatch(), which resumes the next
 * runnable thread and enables in the same breath (thread_ctx_resume). The
 * run upcall, entered after a preemption, puts the preempted thread back
 * on the run queue and does the same; the fault upcall ends the faulting
 * thread and does the same.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/fpu.h>
#include <flotilla/sys.h>
#include <flotilla/thread.h>
#include <kpi/dispatcher.h>
#include <kpi/lmp.h>

_Static_assert(offsetof(struct disp_regs, rsp) == 56 && offsetof(struct disp_regs, rip) == 128 &&
	       offsetof(struct disp_regs, rflags) == 136, "thread_asm.S knows the layout");

enum { T_RUNNABLE, T_BLOCKED, T_SLEEPING, T_DONE };

/* A thread's x87/SSE/AVX state while it does not run (thread_asm.S knows
 * the layout). */
struct thread_fpu {
	uint32_t full;			/* 1: preempted; `area` holds all of it */
	uint32_t mxcsr;			/* else these two: it made a call */
	uint16_t fcw;
	void *area;			/* thread_fpu_bytes, 64-byte aligned */
};

_Static_assert(offsetof(struct thread_fpu, mxcsr) == 4 && offsetof(struct thread_fpu, fcw) == 8 &&
	       offsetof(struct thread_fpu, area) == 16, "thread_asm.S knows the layout");

struct thread {
	struct disp_regs ctx;		/* while not running */
	struct thread_fpu fpu;
	unsigned id;
	int state;
	void *(*fn)(void *);
	void *arg, *ret;
	int fault;			/* vector + 1 if a fault ended it */
	struct thread *next;		/* run queue, or a wait queue */
	struct thread *joiner;
	uint64_t wake_ns;
	void *stack;			/* its stack, with its fpu area at the top */
};

int thread_ctx_save(struct disp_regs *r, struct thread_fpu *fpu);
void thread_ctx_resume(const struct disp_regs *r, volatile uint32_t *disabled,
		       const struct thread_fpu *fpu) __attribute__((noreturn));
extern char thread_crit_lo[], thread_crit_hi[], thread_run_upcall[], thread_fault_upcall[];

#define UPCALL_STACK_BYTES	(16 * 1024)

static struct disp_area *area;
static struct thread main_thread, *current;
static struct thread *run_head, *run_tail, *sleepers;
static unsigned next_id = 1;
static struct thread_stats stats;
static uint64_t upcall_stack[UPCALL_STACK_BYTES / 8] __attribute__((aligned(16)));
/* For thread_asm.S: how to save a whole state, how big it is, and where
 * the run upcall saves the preempted thread's (its header stays zero, as
 * XRSTOR wants, because XSAVE never writes it). */
uint32_t thread_fpu_xsave, thread_fpu_bytes;
void *thread_upcall_fpu;

/* A zeroed, 64-byte aligned save area inside [mem, mem + bytes), at its
 * top; bytes must be at least thread_fpu_bytes + 63. */
static void *fpu_area_in(void *mem, size_t bytes)
{
	uintptr_t a = ((uintptr_t)mem + bytes - thread_fpu_bytes) & ~(uintptr_t)63;

	memset((void *)a, 0, thread_fpu_bytes);
	return (void *)a;
}

unsigned thread_crit_enter(void)
{
	if (!area)
		return 0;
	unsigned was = area->disabled;
	area->disabled = 1;
	return was;
}

void thread_crit_exit(unsigned was)
{
	if (area)
		area->disabled = was;
}

bool thread_ready(void)
{
	return area != NULL;
}

/* ---- Queues (disabled) ---- */

static void push(struct thread **head, struct thread **tail, struct thread *t)
{
	t->next = NULL;
	if (*tail)
		(*tail)->next = t;
	else
		*head = t;
	*tail = t;
}

static struct thread *pop(struct thread **head, struct thread **tail)
{
	struct thread *t = *head;

	if (t) {
		*head = t->next;
		if (!*head)
			*tail = NULL;
		t->next = NULL;
	}
	return t;
}

static void make_runnable(struct thread *t)
{
	t->state = T_RUNNABLE;
	push(&run_head, &run_tail, t);
}

static void wake_sleepers(void)
{
	uint64_t now = sys_clock_ns();

	for (struct thread **pp = &sleepers; *pp; ) {
		struct thread *t = *pp;
		if (t->wake_ns <= now) {
			*pp = t->next;
			make_runnable(t);
		} else {
			pp = &t->next;
		}
	}
}

/* ---- Switching ---- */

/* Resumes the next runnable thread, enabling; never returns. Disabled. */
static void __attribute__((noreturn)) dispatch(void)
{
	for (;;) {
		if (sleepers)
			wake_sleepers();
		struct thread *t = pop(&run_head, &run_tail);
		if (t) {
			stats.switches += t != current;
			current = t;
			thread_ctx_resume(&t->ctx, &area->disabled, &t->fpu);
		}
		if (!sleepers) {
			printf("thread: every thread of this process is blocked for good (deadlock); exiting\n");
			sys_exit(-ERR_INVALID_ARG);
		}
		uint64_t soonest = UINT64_MAX;
		for (struct thread *s = sleepers; s; s = s->next)
			soonest = s->wake_ns < soonest ? s->wake_ns : soonest;
		sys_sleep_until(soonest);	/* disabled: the kernel resumes us here */
	}
}

/* The current thread, already queued wherever it waits (or not at all),
 * lets another run; returns, enabled, when it is resumed. Disabled. */
static void reschedule(void)
{
	if (thread_ctx_save(&current->ctx, &current->fpu) == 0)
		dispatch();
}

void thread_upcall_run(void)
{
	stats.run_upcalls++;
	current->ctx = area->enabled_save;
	memcpy(current->fpu.area, thread_upcall_fpu, thread_fpu_bytes);	/* thread_asm.S saved it */
	current->fpu.full = 1;
	make_runnable(current);
	dispatch();
}

void thread_upcall_fault(void)
{
	struct thread *t = current;

	stats.fault_upcalls++;
	t->ctx = area->fault_save;
	printf("thread: thread %u faulted: %s (vector %llu, error 0x%llx) at rip 0x%llx, address 0x%llx; ending it, the others go on\n",
	       t->id, vector_name(area->fault_vector), (unsigned long long)area->fault_vector,
	       (unsigned long long)area->fault_error, (unsigned long long)t->ctx.rip,
	       (unsigned long long)area->fault_addr);
	t->fault = (int)area->fault_vector + 1;
	t->state = T_DONE;
	if (t->joiner)
		make_runnable(t->joiner);
	dispatch();
}

err_t thread_init(capaddr_t frame, void *a)
{
	err_t err;

	if (area)
		return ERR_INVALID_ARG;
	if (!thread_upcall_fpu) {
		struct fpu_info fi;
		fpu_info(&fi);
		thread_fpu_xsave = fi.xsave;
		thread_fpu_bytes = fi.bytes;
		void *up = malloc(thread_fpu_bytes + 63), *mine = malloc(thread_fpu_bytes + 63);
		if (!up || !mine) {
			free(up);
			free(mine);
			return ERR_NO_MEMORY;
		}
		thread_upcall_fpu = fpu_area_in(up, thread_fpu_bytes + 63);
		main_thread.fpu.area = fpu_area_in(mine, thread_fpu_bytes + 63);
	}
	struct disp_area *da = a;
	*da = (struct disp_area){
		.disabled = 0,
		.run_entry = (uintptr_t)thread_run_upcall,
		.fault_entry = (uintptr_t)thread_fault_upcall,
		.upcall_stack = (uintptr_t)&upcall_stack[UPCALL_STACK_BYTES / 8],
		.crit_lo = (uintptr_t)thread_crit_lo,
		.crit_hi = (uintptr_t)thread_crit_hi,
	};
	main_thread.id = 0;
	main_thread.state = T_RUNNABLE;
	current = &main_thread;
	area = da;	/* before the kernel can upcall */
	if ((err = sys_invoke(CPTR_DISPATCHER, DISP_SET_UPCALL, frame, 0, 0, 0, 0).err))
		area = NULL;
	return err;
}

/* ---- Threads ---- */

static void __attribute__((noreturn)) thread_start(struct thread *t)
{
	thread_exit(t->fn(t->arg));
}

err_t thread_create(struct thread **out, void *(*fn)(void *), void *arg)
{
	if (!area)
		return ERR_INVALID_ARG;
	unsigned was = thread_crit_enter();
	struct thread *t = calloc(1, sizeof(*t));
	size_t bytes = THREAD_STACK_BYTES + thread_fpu_bytes + 63;
	void *stack = t ? malloc(bytes) : NULL;
	if (!stack) {
		free(t);
		thread_crit_exit(was);
		return ERR_NO_MEMORY;
	}
	t->fpu.area = fpu_area_in(stack, bytes);
	t->fpu.mxcsr = fpu_get_mxcsr() & ~FPU_MXCSR_FLAGS;	/* the creator's, without its flags */
	t->fpu.fcw = fpu_get_fcw();
	uint64_t top = (uintptr_t)t->fpu.area & ~15ull;	/* the stack is below the area */
	t->id = next_id++;
	t->fn = fn;
	t->arg = arg;
	t->stack = stack;
	t->ctx.rip = (uintptr_t)thread_start;
	t->ctx.rsp = top - 8;		/* as if called: rsp + 8 is 16-aligned */
	t->ctx.rdi = (uintptr_t)t;
	t->ctx.rflags = 0x202;
	make_runnable(t);
	*out = t;
	thread_crit_exit(was);
	return OK;
}

void thread_exit(void *ret)
{
	thread_crit_enter();
	current->ret = ret;
	current->state = T_DONE;
	if (current->joiner)
		make_runnable(current->joiner);
	if (current == &main_thread) {
		/* The main thread ending ends the process, as in C. */
		sys_exit((int)(intptr_t)ret);
	}
	dispatch();
}

err_t thread_join(struct thread *t, void **ret, int *fault)
{
	if (!area || !t || t == current || t == &main_thread)
		return ERR_INVALID_ARG;
	thread_crit_enter();
	if (t->joiner) {
		thread_crit_exit(0);
		return ERR_INVALID_ARG;		/* someone else is joining it */
	}
	if (t->state != T_DONE) {
		t->joiner = current;
		current->state = T_BLOCKED;
		reschedule();
		thread_crit_enter();
	}
	if (ret)
		*ret = t->ret;
	if (fault)
		*fault = t->fault;
	free(t->stack);
	free(t);
	thread_crit_exit(0);
	return OK;
}

void thread_yield(void)
{
	if (!area) {
		sys_yield();
		return;
	}
	thread_crit_enter();
	make_runnable(current);
	reschedule();
}

void thread_sleep(uint64_t ns)
{
	uint64_t until = sys_clock_ns() + ns;

	if (!area) {
		sys_sleep_until(until);
		return;
	}
	thread_crit_enter();
	current->wake_ns = until;
	current->state = T_SLEEPING;
	current->next = sleepers;
	sleepers = current;
	reschedule();
}

unsigned thread_id(void)
{
	return current ? current->id : 0;
}

void thread_get_stats(struct thread_stats *s)
{
	unsigned was = thread_crit_enter();
	*s = stats;
	thread_crit_exit(was);
}

/* ---- Mutexes and condition variables: FIFO hand-off, no barging ---- */

void thread_mutex_lock(struct thread_mutex *m)
{
	unsigned was = thread_crit_enter();

	if (!m->owner) {
		m->owner = current;
		thread_crit_exit(was);
		return;
	}
	current->state = T_BLOCKED;
	push(&m->head, &m->tail, current);
	reschedule();		/* resumed as the owner */
}

/* Disabled: the next waiter, if any, owns m now. */
static void hand_off(struct thread_mutex *m)
{
	struct thread *t = pop(&m->head, &m->tail);

	m->owner = t;
	if (t)
		make_runnable(t);
}

void thread_mutex_unlock(struct thread_mutex *m)
{
	unsigned was = thread_crit_enter();
	hand_off(m);
	thread_crit_exit(was);
}

void thread_cond_wait(struct thread_cond *c, struct thread_mutex *m)
{
	thread_crit_enter();
	hand_off(m);
	current->state = T_BLOCKED;
	push(&c->head, &c->tail, current);
	reschedule();
	thread_mutex_lock(m);
}

void thread_cond_signal(struct thread_cond *c)
{
	unsigned was = thread_crit_enter();
	struct thread *t = pop(&c->head, &c->tail);
	if (t)
		make_runnable(t);
	thread_crit_exit(was);
}

void thread_cond_broadcast(struct thread_cond *c)
{
	unsigned was = thread_crit_enter();
	struct thread *t;
	while ((t = pop(&c->head, &c->tail)))
		make_runnable(t);
	thread_crit_exit(was);
}
