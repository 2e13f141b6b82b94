/*
 * A fault in user mode is the process's problem, never the kernel's: the
 * core goes on running everything else. A dispatcher with a fault upcall
 * that is enabled handles it itself (kernel/upcall.c: the thread library
 * ends the faulting thread). Otherwise the CPU driver turns the fault
 * into a message (vector, error code, address, rip, rsp; kpi/lmp.h) on
 * the dispatcher's exception endpoint, the bail-out mailbox, and blocks
 * the dispatcher until its handler replies (resume) or destroys it. A
 * dispatcher without an exception endpoint (a monitor, which has no one
 * above it), or whose handler goes away, is reported here and stopped.
 */
#include "kernel/trace.h"
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/core.h"
#include "kernel/dispatch.h"
#include "kernel/fault.h"
#include "kernel/lmp.h"
#include "kernel/upcall.h"

void fault_unhandled(struct dcb *d, const char *why)
{
	unsigned vector = d->fault_w0 & 0xFFFFFFFF;

	kprintf("core %u: process '%s' faulted: %s (vector %u, error 0x%llx) at rip 0x%llx, address 0x%llx, rsp 0x%llx; stopped (%s), the kernel and other processes keep running\n",
		this_core()->id, d->name[0] ? d->name : "?", trap_name(vector), vector,
		(unsigned long long)(d->fault_w0 >> 32), (unsigned long long)d->regs.rip,
		(unsigned long long)d->fault_addr, (unsigned long long)d->regs.rsp, why);
	sched_stop(d, -(int)vector - 1);
}

void user_fault(struct trap_frame *f, uint64_t addr)
{
	struct dcb *d = this_core()->current;

	sched_save(f);
	d->fault_w0 = f->vector | f->error << 32;
	d->fault_addr = f->vector == 14 ? addr : 0;
	ktrace(TRACE_FAULT, (uint32_t)f->vector, d->fault_addr, trace_name8(d->name));
	if (upcall_fault(d, f, d->fault_addr))
		sched_run();	/* it enters its fault upcall when it runs */
	if (lmp_has_fault_handler(d))
		lmp_send_fault(f->vector, f->error, d->fault_addr);
	fault_unhandled(d, "no exception endpoint");
	sched_run();
}
