/*
 * The scheduler of one core: a FIFO run queue of dispatchers with a time
 * slice of SCHED_SLICE_TICKS timer ticks (docs/userspace.md states the
 * policy). A dispatcher runs until it yields, stops, faults or its slice
 * ends; then it goes to the back of the queue. With nothing runnable the
 * core loads its own page tables and halts until an interrupt.
 *
 * Co-scheduling, for task forces (docs/taskforce.md): a dispatcher may
 * belong to a gang (DISP_SET_GANG), whose members run on several cores.
 * Every core's ticks fall on one grid of global time (lapic.c), and every
 * GANG_ROUND_TICKS ticks a gang window opens on every core at the same
 * moment, for GANG_WINDOW_TICKS ticks: at its first tick a gang member
 * that waits for the core takes it from whatever runs, and while it is
 * open gang members are taken from the queue before the others. So the
 * members of a gang run in the same windows on all their cores, however
 * busy those cores are, and the cores need not talk to agree on it (the
 * phase-locked scheduling of Peter et al., HotPar 2010). Outside the
 * windows they are ordinary dispatchers: a core with nothing else to do
 * runs them. Each member keeps when it started in each window (the
 * starts of DISP_INFO), so that the skew between members can be
 * measured.
 *
 * Destroying a Dispatcher object (its last capability deleted, from
 * lib/cap.c's hook) must not delete more capabilities from inside that
 * hook: deletion would nest without bound. So dcb_destroyed() only takes it
 * off the run queue and puts it on the core's reap list; sched_reap(),
 * called before the kernel returns to user space, empties the dcb's own
 * slots, which may destroy more dispatchers, which join the same list.
 */
#include "kernel/trace.h"
#include "lib/string.h"
#include "kernel/arch.h"
#include "kernel/config.h"
#include "kernel/core.h"
#include "kernel/dispatch.h"
#include "kernel/lmp.h"
#include "kernel/machine.h"
#include "kernel/upcall.h"

void dcb_created(struct dcb *d)
{
	d->state = DCB_NEW;	/* the memory is zeroed: every slot is empty */
	arch_fpu_init_area(d->fpu);	/* not zero: the default control words */
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

static void sleep_remove(struct core *c, struct dcb *d)
{
	struct dcb **pp = &c->sleepers;

	if (d->ipc != IPC_SLEEP)
		return;
	while (*pp && *pp != d)
		pp = &(*pp)->sleep_next;
	if (*pp)
		*pp = d->sleep_next;
	d->sleep_next = NULL;
	d->ipc = IPC_NONE;
}

void dcb_destroyed(struct dcb *d)
{
	struct core *c = this_core();

	runq_remove(c, d);
	sleep_remove(c, d);
	lmp_dcb_gone(d);
	if (c->fpu_owner == d)
		c->fpu_owner = NULL;	/* its memory may be something else soon */
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
		if (!cap_is_empty(&d->upcall_frame))
			cap_delete(&d->upcall_frame);
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

/* The next to run: the head of the queue, but in a gang window the
 * first gang member in it. */
static struct dcb *runq_pop(struct core *c)
{
	struct dcb *d = c->runq_head;

	for (struct dcb *g = d; c->gang_window && g; g = g->next)
		if (g->gang) {
			d = g;
			break;
		}
	if (d)
		runq_remove(c, d);
	return d;
}

static bool gang_waits(const struct core *c)
{
	for (const struct dcb *g = c->runq_head; g; g = g->next)
		if (g->gang)
			return true;
	return false;
}

/* Gang member d runs in the open window: the first time in this round,
 * it keeps when, as the time since the window opened. */
/* TSC cycles as nanoseconds, without overflow for any count. */
static uint64_t cycles_ns(uint64_t t)
{
	uint64_t hz = machine.tsc_hz;

	return t / hz * 1000000000ull + t % hz * 1000000000ull / hz;
}

static void gang_start(struct core *c, struct dcb *d)
{
	extern uint64_t boot_tsc;	/* boot.S; read-only after boot */

	if (!d->gang || !c->gang_window || d->gang_round == c->gang_round)
		return;			/* every dispatch comes here: nothing more */
	uint64_t now = arch_timestamp();
	uint64_t open = boot_tsc + c->gang_round * GANG_ROUND_TICKS * (machine.tsc_hz / TIMER_HZ);
	d->gang_round = c->gang_round;
	d->gang_starts[d->gang_nstarts++ % DISP_GANG_STARTS] = (struct disp_gang_start){
		.round = c->gang_round,
		.late_ns = cycles_ns(now > open ? now - open : 0),
	};
}

/* The current dispatcher stops running (it stays in its state). */
static void put_current(struct core *c)
{
	struct dcb *d = c->current;

	if (!d)
		return;
	d->cycles += arch_timestamp() - d->run_start;
	if (d->state == DCB_BLOCKED)
		d->blocks++;
	c->current = NULL;
	sched_enqueue(d);	/* only if still runnable */
}

/*
 * x87, SSE and AVX registers. The kernel never uses them (fpu.c), so they
 * hold the registers of the dispatcher that used them last on this core,
 * c->fpu_owner, until another one needs them: only then are they saved in
 * the owner's dcb and the other's loaded. So the core may idle, or run the
 * same dispatcher again, without either.
 *
 * Eager (the default): `d`'s registers are loaded whenever it is entered.
 * Lazy (fpu=lazy): entering a dispatcher that does not own them sets
 * CR0.TS instead, and its first x87/SSE/AVX instruction traps (#NM) to
 * sched_fpu_trap, which loads them; a dispatcher that never uses them
 * costs nothing. docs/userspace.md gives the figures and the choice.
 */
static void fpu_hand_over(struct core *c, struct dcb *d)
{
	if (c->fpu_owner == d)
		return;
	if (c->fpu_owner)
		arch_fpu_save(c->fpu_owner->fpu);
	arch_fpu_restore(d->fpu);
	c->fpu_owner = d;
}

static void fpu_enter(struct core *c, struct dcb *d)
{
	if (arch_fpu_lazy())
		arch_fpu_trap_next(c->fpu_owner != d);
	else
		fpu_hand_over(c, d);
}

void sched_fpu_trap(void)
{
	struct core *c = this_core();

	arch_fpu_trap_next(false);
	fpu_hand_over(c, c->current);
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
	if (!upcall_prepare(d)) {
		sched_stop(d, -ERR_BAD_ADDRESS);
		return false;
	}
	c->current = d;
	if (new_slice)
		c->slice_left = SCHED_SLICE_TICKS;
	c->switches++;
	ktrace(TRACE_SWITCH, (uint32_t)c->switches, (uint64_t)(uintptr_t)d, trace_name8(d->name));
	d->dispatches++;
	gang_start(c, d);
	d->run_start = arch_timestamp();
	arch_vspace_switch(d->vspace.cap.base);
	fpu_enter(c, d);
	arch_resume(&d->regs);
}

void sched_run(void)
{
	struct core *c = this_core();

	bool idle = false;

	put_current(c);
	for (;;) {
		sched_reap();
		struct dcb *d = runq_pop(c);
		if (d) {
			run(c, d, true);
			continue;
		}
		if (!idle)	/* once per idle period, not per wake-up */
			ktrace(TRACE_SWITCH, (uint32_t)c->switches, 0, 0);
		idle = true;
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
	sleep_remove(this_core(), d);
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

	/* A window opens (its first tick that came: one may be late): a gang
	 * member running goes on (its start is now); one waiting takes the
	 * core from whatever else runs. */
	if (c->current && c->gang_window && c->gang_opened != c->gang_round + 1) {
		c->gang_opened = c->gang_round + 1;
		gang_start(c, c->current);
		if (!c->current->gang && gang_waits(c)) {
			sched_save(f);
			upcall_preempted(c->current, f);
			sched_run();
		}
	}
	if (!c->current || --c->slice_left > 0)
		return;
	/* The slice is over. Alone on the core, a dispatcher goes on (with a
	 * new slice) unless it schedules threads itself: then it is
	 * upcalled, so that its threads share it. */
	sched_save(f);
	upcall_preempted(c->current, f);
	if (!c->runq_head && !c->current->upcall_pending) {
		c->slice_left = SCHED_SLICE_TICKS;
		return;
	}
	sched_run();
}

void sched_yield(struct trap_frame *f)
{
	sched_save(f);
	upcall_preempted(this_core()->current, f);
	sched_run();
}

uint64_t sched_clock_ns(void)
{
	extern uint64_t boot_tsc;	/* boot.S; read-only after boot */

	return cycles_ns(arch_timestamp() - boot_tsc);
}

void sched_sleep_until(struct trap_frame *f, uint64_t ns)
{
	struct core *c = this_core();
	struct dcb *d = c->current;

	f->rax = OK;
	sched_save(f);
	if (ns > sched_clock_ns()) {
		d->wake_ns = ns;
		d->ipc = IPC_SLEEP;
		d->state = DCB_BLOCKED;
		d->sleep_next = c->sleepers;
		c->sleepers = d;
	}
	sched_run();
}

void sched_timer(void)
{
	struct core *c = this_core();
	struct dcb **pp = &c->sleepers;
	uint64_t now;

	c->gang_window = c->tick % GANG_ROUND_TICKS < GANG_WINDOW_TICKS;
	c->gang_round = c->tick / GANG_ROUND_TICKS;
	if (!*pp)
		return;
	now = sched_clock_ns();
	while (*pp) {
		struct dcb *d = *pp;
		if (d->wake_ns > now) {
			pp = &d->sleep_next;
			continue;
		}
		*pp = d->sleep_next;
		d->sleep_next = NULL;
		d->ipc = IPC_NONE;
		sched_wake(d);
	}
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
