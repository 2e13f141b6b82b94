/*
 * Dispatchers: the kernel's view of a process on one core, and the
 * scheduler that runs them.
 *
 * A struct dcb lives in the memory of a Dispatcher object, retyped from RAM
 * that the creating process held: the kernel allocates nothing for it. It
 * holds its own copies of the capabilities it runs with (root CNode,
 * top-level page table), so those objects live as long as it does, and it
 * is core-local: only the core it was made on reads or writes it.
 */
#ifndef KERNEL_DISPATCH_H
#define KERNEL_DISPATCH_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/cap.h"
#include "kernel/arch/x86_64/trap.h"

enum dcb_state {
	DCB_NEW = DISP_STATE_NEW,		/* retyped, not yet set up */
	DCB_READY = DISP_STATE_READY,		/* set up; not running until DISP_RUN */
	DCB_RUNNABLE = DISP_STATE_RUNNABLE,	/* on the run queue, or running */
	DCB_STOPPED = DISP_STATE_STOPPED,	/* exited or faulted: never runs again */
	DCB_BLOCKED = DISP_STATE_BLOCKED,	/* in a message operation (ipc says which) */
	DCB_DEAD,		/* its object was destroyed; waiting to be reaped */
};

#define DCB_NAME_MAX	32

/* What a DCB_BLOCKED dispatcher waits for (kernel/lmp.c). */
enum dcb_ipc {
	IPC_NONE,
	IPC_SEND,		/* queued on `ep` to send (regs hold the message) */
	IPC_CALL,		/* the same, then it waits for a reply */
	IPC_FAULT,		/* queued on its exception endpoint with a fault */
	IPC_RECV,		/* queued on `ep` to receive */
	IPC_REPLY,		/* its call or fault was taken by `server` */
	IPC_SLEEP,		/* SYS_SLEEP_UNTIL: on the core's sleep list */
	IPC_EXIT,		/* DCB_STOPPED, its exit message queued on `ep` */
};

struct endpoint;

struct dcb {
	struct cte cspace;		/* copy of the root CNode capability */
	struct cte vspace;		/* copy of the top-level page table capability */
	struct cte exc_ep;		/* copy of its exception endpoint, or empty */
	bool exc_exit;			/* DISP_EXC_EXIT: tell exc_ep when it exits */
	struct dcb *next;		/* run queue or reap list */
	uint32_t state;			/* enum dcb_state */
	bool queued;
	int exit_status;
	uint64_t cycles;		/* TSC cycles spent running */
	uint64_t run_start;		/* TSC when it last started running */
	uint64_t dispatches;		/* times it was given the core */
	uint64_t blocks;		/* times it stopped running to wait */
	char name[DCB_NAME_MAX];

	/* Messages (kernel/lmp.c). */
	uint32_t ipc;			/* enum dcb_ipc */
	bool fault_msg;			/* what it sent (IPC_REPLY) was a fault */
	struct endpoint *ep;		/* the endpoint it is queued on */
	struct dcb *ep_next;		/* the next dcb queued there */
	uint64_t badge;			/* badge of the capability it sent with */
	uint64_t trace_flow;		/* its last message's number (kernel/trace.h) */
	uint64_t fault_w0, fault_addr;	/* the fault message (kpi/lmp.h) */
	struct dcb *server;		/* IPC_REPLY: who owes it the reply */
	struct dcb *reply_to;		/* the caller this dcb owes a reply */

	/* Upcalls (kernel/upcall.c) and sleeping. */
	struct cte upcall_frame;	/* copy of the frame of its disp_area, or empty */
	bool upcall_pending;		/* enter its run upcall when it next runs */
	uint64_t wake_ns;		/* IPC_SLEEP: when to wake */
	struct dcb *sleep_next;		/* the core's sleep list */

	/* Co-scheduling (DISP_SET_GANG): its gang, 0 for none; the round
	 * whose window it last started in; and the starts, as DISP_INFO
	 * shows them (a ring of DISP_GANG_STARTS). */
	uint8_t gang;
	uint64_t gang_round;
	uint32_t gang_nstarts;
	struct disp_gang_start gang_starts[DISP_GANG_STARTS];

	struct trap_frame regs;		/* user registers while not running */

	/* Its x87/SSE/AVX registers while another dispatcher's are loaded
	 * (kernel/dispatch.c, fpu_hand_over). XSAVE wants 64-byte alignment:
	 * the dcb starts a page-aligned Dispatcher object. */
	uint8_t fpu[FPU_AREA_BYTES] __attribute__((aligned(64)));
};

_Static_assert(sizeof(struct dcb) <= 4096, "a dcb fits in a Dispatcher object");

/* The hooks of lib/cap.c for Dispatcher objects. */
void dcb_created(struct dcb *d);
void dcb_destroyed(struct dcb *d);

void sched_enqueue(struct dcb *d);
/* Runs the next runnable dispatcher, or halts until there is one. */
void sched_run(void) __attribute__((noreturn));
/* The current dispatcher entered the kernel with `f`: keep its registers. */
void sched_save(const struct trap_frame *f);
/* Timer tick from user mode: preempt at the end of the slice. */
void sched_tick(struct trap_frame *f);
/* Current gives up the core. (It stops through lmp_exit or a fault.) */
void sched_yield(struct trap_frame *f) __attribute__((noreturn));
/* Empties the slots of destroyed dispatchers (see dcb_destroyed). */
void sched_reap(void);
/* After a system call: if current cannot continue, run something else. */
void sched_after_syscall(struct trap_frame *f);
/* Runs `d` now, in place of the current dispatcher, which stays in the
 * state it is in (queued again only if runnable): the direct switch of a
 * call or reply. */
void sched_switch_to(struct dcb *d) __attribute__((noreturn));
/* A blocked dcb becomes runnable (its saved registers hold its results). */
void sched_wake(struct dcb *d);
/* Stops `d` for good with `status` (it is not current). */
void sched_stop(struct dcb *d, int status);
/* SYS_SLEEP_UNTIL: current sleeps until the clock reaches ns. */
void sched_sleep_until(struct trap_frame *f, uint64_t ns) __attribute__((noreturn));
/* Every timer tick, from user mode or idle: wakes sleepers that are due. */
void sched_timer(void);
/* fpu=lazy: user code's first x87/SSE/AVX instruction since the current
 * dispatcher was entered trapped (#NM): load its registers. */
void sched_fpu_trap(void);
/* Nanoseconds since boot. */
uint64_t sched_clock_ns(void);

#endif
