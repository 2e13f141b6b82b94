/*
 * The dispatcher area: one page a process shares with the CPU driver of
 * its core, in the style of scheduler activations. The process maps a
 * frame, fills in its entry points and hands the frame to its dispatcher
 * with DISP_SET_UPCALL; from then on the kernel never resumes a preempted
 * thread behind the process's back while the dispatcher is enabled:
 *
 *  - Preempted (its time slice ended, or it called SYS_YIELD) while
 *    enabled: the kernel saves the registers in `enabled_save`, and the
 *    next time the dispatcher runs it enters `run_entry` on
 *    `upcall_stack`, disabled, so the user-level scheduler decides which
 *    thread continues.
 *  - Preempted while disabled (`disabled` nonzero, or rip inside
 *    [crit_lo, crit_hi), the code that resumes a thread and enables):
 *    the kernel keeps the registers itself (the disabled save area) and
 *    resumes them exactly.
 *  - A fault while enabled, with `fault_entry` set: the registers go to
 *    `fault_save` with the vector, error code and address, and the
 *    dispatcher enters `fault_entry` on `upcall_stack`, disabled. A fault
 *    while disabled, or without a fault entry, is a message to the
 *    exception endpoint (kpi/lmp.h) as usual.
 *  - A blocking system call blocks the whole dispatcher and returns to
 *    the thread that made it; upcalls come only from the cases above.
 *  - The x87/SSE/AVX registers are not in the area: the kernel keeps
 *    them per dispatcher, so both upcalls are entered with the registers
 *    the thread had when it was preempted or faulted. The run upcall must
 *    save them before it uses any (usr/lib/thread_asm.S does).
 *
 * Entry points and the stack must be user addresses, or the kernel stops
 * the dispatcher with a report: it never trusts what is in this page.
 */
#ifndef KPI_DISPATCHER_H
#define KPI_DISPATCHER_H

#include <stdint.h>
#include <kpi/caps.h>

struct disp_area {
	volatile uint32_t disabled;	/* 1: in the user-level scheduler */
	uint32_t reserved;
	uint64_t run_entry;		/* upcall after preemption: (no arguments) */
	uint64_t fault_entry;		/* upcall on a fault while enabled; 0 = none */
	uint64_t upcall_stack;		/* rsp on entry to either */
	uint64_t crit_lo, crit_hi;	/* [lo, hi): counts as disabled */
	uint64_t fault_vector, fault_error, fault_addr;
	struct disp_regs enabled_save;	/* the preempted thread's registers */
	struct disp_regs fault_save;	/* the faulting thread's registers */
};

#endif
