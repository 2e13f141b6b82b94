/*
 * Upcalls: the CPU driver's half of scheduler activations. A dispatcher
 * that handed the kernel its area (DISP_SET_UPCALL) is either enabled,
 * running one of its threads, or disabled, inside its own scheduler (the
 * flag in the area, or rip in the area's critical range, the few
 * instructions that resume a thread and enable). Preempting an enabled
 * dispatcher saves the thread in the area and upcalls the scheduler the
 * next time the dispatcher runs; preempting a disabled one keeps the
 * registers in the dcb and resumes them as they were. Everything read
 * from the area is user-writable, so entry points and the stack are
 * checked every time they are used.
 */
#include "kernel/trace.h"
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/core.h"
#include "kernel/memguard.h"
#include "kernel/upcall.h"
#include <kpi/dispatcher.h>

void regs_to_user(const struct trap_frame *f, struct disp_regs *r)
{
	*r = (struct disp_regs){
		.rax = f->rax, .rbx = f->rbx, .rcx = f->rcx, .rdx = f->rdx,
		.rsi = f->rsi, .rdi = f->rdi, .rbp = f->rbp, .rsp = f->rsp,
		.r8 = f->r8, .r9 = f->r9, .r10 = f->r10, .r11 = f->r11,
		.r12 = f->r12, .r13 = f->r13, .r14 = f->r14, .r15 = f->r15,
		.rip = f->rip, .rflags = f->rflags,
	};
}

static struct disp_area *area_of(const struct dcb *d)
{
	if (cap_is_empty(&d->upcall_frame) || d->upcall_frame.cap.type != CAP_FRAME)
		return NULL;
	return phys_to_virt(d->upcall_frame.cap.base);
}

err_t upcall_check(const struct cte *frame)
{
	if (frame->cap.type != CAP_FRAME)
		return ERR_CAP_WRONG_TYPE;
	if ((frame->cap.rights & (CAP_RIGHT_READ | CAP_RIGHT_WRITE)) !=
	    (CAP_RIGHT_READ | CAP_RIGHT_WRITE))
		return ERR_CAP_RIGHTS;
	if (frame->cap.size < sizeof(struct disp_area))
		return ERR_INVALID_ARG;
	/* The kernel writes the area at every preemption through its direct
	 * map, which maps only this core's memory writable (memguard.h). */
	if (!memguard_owns(this_core(), frame->cap.base, sizeof(struct disp_area)))
		return ERR_NOT_LOCAL;
	return OK;
}

err_t upcall_set(struct dcb *d, const struct cte *frame)
{
	err_t err = upcall_check(frame);

	if (err)
		return err;
	if (!cap_is_empty(&d->upcall_frame))
		cap_delete(&d->upcall_frame);	/* our own copy: never the last */
	d->upcall_pending = false;
	return cap_copy(&d->upcall_frame, (struct cte *)frame);
}

static bool enabled(const struct disp_area *a, const struct trap_frame *f)
{
	return !a->disabled && !(f->rip >= a->crit_lo && f->rip < a->crit_hi);
}

void upcall_preempted(struct dcb *d, const struct trap_frame *f)
{
	struct disp_area *a = area_of(d);

	if (!a || !enabled(a, f))
		return;
	regs_to_user(f, &a->enabled_save);
	d->upcall_pending = true;
}

static bool user_addr(uint64_t va)
{
	return va >= USER_MIN && va < USER_TOP;
}

/* Enter `entry` disabled, on the area's upcall stack; false if either is
 * not a user address. */
static bool enter(struct dcb *d, struct disp_area *a, uint64_t entry)
{
	uint64_t stack = a->upcall_stack;

	if (!user_addr(entry) || !user_addr(stack)) {
		kprintf("core %u: process '%s': upcall entry 0x%llx or stack 0x%llx is not a user address; stopped\n",
			this_core()->id, d->name, (unsigned long long)entry,
			(unsigned long long)stack);
		return false;
	}
	a->disabled = 1;
	arch_regs_init_user(&d->regs, entry, stack, 0);
	ktrace(TRACE_UPCALL, entry == a->fault_entry, (uint64_t)(uintptr_t)d, trace_name8(d->name));
	return true;
}

bool upcall_fault(struct dcb *d, const struct trap_frame *f, uint64_t addr)
{
	struct disp_area *a = area_of(d);

	if (!a || !a->fault_entry || !enabled(a, f))
		return false;
	regs_to_user(f, &a->fault_save);
	a->fault_vector = f->vector;
	a->fault_error = f->error;
	a->fault_addr = addr;
	if (!enter(d, a, a->fault_entry))
		sched_stop(d, -ERR_BAD_ADDRESS);
	return true;
}

bool upcall_prepare(struct dcb *d)
{
	struct disp_area *a;

	if (!d->upcall_pending)
		return true;
	d->upcall_pending = false;
	if (!(a = area_of(d)))
		return true;	/* the frame was revoked: resume as saved */
	return enter(d, a, a->run_entry);
}
