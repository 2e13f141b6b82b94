/*
 * The scheduler of one core: a FIFO run queue of dispatchers with a time
 * slice of SCHED_SLICE_TICKS timer ticks (docs/userspace.md states the
 * policy). A dispatcher runs until it yields, stops, faults or its slice
 * ends; then it goes to the back of the queue. With nothing runnable the
 * core loads its own page tables and halts until an interrupt.
 *
 * Destroying a Dispatcher object (its last capability deleted, from
 * lib/cap.c's hook) must not delete more capabilities from inside that
 * hook: deletion would nest without bound. So dcb_destroyed() only takes it
 * off the run queue and puts it on the core's reap list; sched_reap(),
 * called before the kernel returns to user space, empties the dcb's own
 * slots, which may destroy more dispatchers, which join the same list.
 */
#include "lib/string.h"
#include "kernel/arch.h"
#include "kernel/config.h"
#include "kernel/core.h"
#include "kernel/dispatch.h"
#include "kernel/lmp.h"

void dcb_created(struct dcb *d)
{
	d->state = DCB_NEW;	/* the memory is zeroed: every slot is empty */
}

static void runq_remove(struct core *c, struct dcb *d)
{
	struct dcb **pp = &c->runq_head, *prev = NULL;

	if (!d->queued)
		return;
	while (*pp && *pp != d) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	if (*pp) {
		*pp = d->next;
		if (c->runq_tail == d)
			c->runq_tail = prev;
	}
	d->queued = false;
	d->next = NULL;
}

void dcb_destroyed(struct dcb *d)
{
	struct core *c = this_core();

	runq_remove(c, d);
	lmp_dcb_gone(d);
	d->state = DCB_DEAD;
	d->next = c->reap;
	c->reap = d;
}

void sched_reap(void)
{
	struct core *c = this_core();

	while (c->reap) {
		struct dcb *d = c->reap;
		c->reap = d->next;
		d->next = NULL;
		if (!cap_is_empty(&d->cspace))
			cap_delete(&d->cspace);
		if (!cap_is_empty(&d->vspace))
			cap_delete(&d->vspace);
		if (!cap_is_empty(&d->exc_ep))
			cap_delete(&d->exc_ep);
	}
}

void sched_enqueue(struct dcb *d)
{
	struct core *c = this_core();

	if (d->queued || d->state != DCB_RUNNABLE || c->current == d)
		return;
	d->next = NULL;
	if (c->runq_tail)
		c->runq_tail->next = d;
	else
		c->runq_head = d;
	c->runq_tail = d;
	d->queued = true;
}

static struct dcb *runq_pop(struct core *c)
{
	struct dcb *d = c->runq_head;

	if (d) {
		c->runq_head = d->next;
		if (!c->runq_head)
			c->runq_tail = NULL;
		d->next = NULL;
		d->queued = false;
	}
	return d;
}

/* The current dispatcher stops running (it stays in its state). */
static void put_current(struct core *c)
{
	struct dcb *d = c->current;

	if (!d)
		return;
	d->cycles += arch_timestamp() - d->run_start;
	c->current = NULL;
	sched_enqueue(d);	/* only if still runnable */
}

/* Someone may have revoked the CNode or page table a dispatcher runs
 * with (its own copies go too): then it can never run again. */
static bool can_run(const struct dcb *d)
{
	return !cap_is_empty(&d->cspace) && !cap_is_empty(&d->vspace);
}

/* Makes `d` current and enters it; false if it can never run. */
static bool run(struct core *c, struct dcb *d, bool new_slice)
{
	if (!can_run(d)) {
		d->state = DCB_STOPPED;
		d->exit_status = -ERR_CAP_EMPTY;
		return false;
	}
	c->current = d;
	if (new_slice)
		c->slice_left = SCHED_SLICE_TICKS;
	c->switches++;
	d->run_start = arch_timestamp();
	arch_vspace_switch(d->vspace.cap.base);
	arch_resume(&d->regs);
}

void sched_run(void)
{
	struct core *c = this_core();

	put_current(c);
	for (;;) {
		sched_reap();
		struct dcb *d = runq_pop(c);
		if (d) {
			run(c, d, true);
			continue;
		}
		arch_vspace_switch(c->pml4_pa);
		arch_wait_for_interrupt();
	}
}

/* The dispatcher switched to keeps the rest of the slice: a pair that
 * calls back and forth shares one slice and cannot starve the queue. */
void sched_switch_to(struct dcb *d)
{
	struct core *c = this_core();

	put_current(c);
	sched_reap();
	if (d->state == DCB_RUNNABLE) {
		runq_remove(c, d);
		run(c, d, false);
	}
	sched_run();
}

void sched_wake(struct dcb *d)
{
	d->state = DCB_RUNNABLE;
	sched_enqueue(d);
}

void sched_stop(struct dcb *d, int status)
{
	runq_remove(this_core(), d);
	d->state = DCB_STOPPED;
	d->exit_status = status;
	lmp_dcb_gone(d);	/* a caller it owes a reply is released */
}

void sched_save(const struct trap_frame *f)
{
	struct dcb *d = this_core()->current;

	if (d)
		d->regs = *f;
}

void sched_tick(struct trap_frame *f)
{
	struct core *c = this_core();

	if (!c->current || --c->slice_left > 0 || !c->runq_head)
		return;
	sched_save(f);
	sched_run();
}

void sched_yield(struct trap_frame *f)
{
	sched_save(f);
	sched_run();
}

void sched_stop_current(int status)
{
	struct core *c = this_core();
	struct dcb *d = c->current;

	if (d)
		sched_stop(d, status);
	sched_run();
}

void sched_after_syscall(struct trap_frame *f)
{
	struct core *c = this_core();

	sched_reap();
	if (c->current && c->current->state == DCB_RUNNABLE && !can_run(c->current)) {
		c->current->state = DCB_STOPPED;
		c->current->exit_status = -ERR_CAP_EMPTY;
	}
	if (c->current && c->current->state == DCB_RUNNABLE)
		return;
	if (c->current && c->current->state != DCB_DEAD)
		sched_save(f);
	sched_run();
}
