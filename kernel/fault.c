/*
 * A fault in user mode is the process's problem, never the kernel's: the
 * core goes on running everything else. For now the CPU driver itself
 * reports the fault (process, core, what, where, registers) and stops the
 * dispatcher; delivering the same facts as a message to the dispatcher's
 * exception endpoint, for its supervisor to act on, is the next step
 * (docs/userspace.md, "Faults").
 */
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/core.h"
#include "kernel/dispatch.h"
#include "kernel/fault.h"

void user_fault(struct trap_frame *f, uint64_t addr)
{
	struct core *c = this_core();
	struct dcb *d = c->current;

	kprintf("core %u: process '%s' faulted: %s (vector %llu, error 0x%llx) at rip 0x%llx, address 0x%llx, rsp 0x%llx; stopped, the kernel and other processes keep running\n",
		c->id, d && d->name[0] ? d->name : "?", trap_name(f->vector),
		(unsigned long long)f->vector, (unsigned long long)f->error,
		(unsigned long long)f->rip, (unsigned long long)(f->vector == 14 ? addr : 0),
		(unsigned long long)f->rsp);
	sched_save(f);
	sched_stop_current(-(int)f->vector - 1);
}
