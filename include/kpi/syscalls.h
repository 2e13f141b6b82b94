/*
 * System calls. There are few: almost everything a process does is an
 * invocation of one of its capabilities (SYS_INVOKE), decoded by the type of
 * the capability. The rest are what a dispatcher needs about itself.
 *
 * x86-64 convention: `syscall` with the number in rax and arguments in rdi,
 * rsi, rdx, r10, r8, r9. The kernel returns an err_t in rax and one value
 * in rdx, and preserves every other register except rcx and r11 (which the
 * instruction itself overwrites).
 *
 * SYS_INVOKE: rdi = caddr | (method << 32); rsi, rdx, r10, r8, r9 = the
 * method's five arguments, in the order include/kpi/caps.h lists them.
 */
#ifndef KPI_SYSCALLS_H
#define KPI_SYSCALLS_H

enum syscall_nr {
	SYS_INVOKE = 0,		/* a capability method; see above */
	SYS_YIELD = 1,		/* give up the rest of this time slice */
	SYS_DEBUG_PRINT = 2,	/* (const char *s, size_t len): the kernel console */
	SYS_EXIT = 3,		/* (int status): this dispatcher stops for good */
	SYS_CORE_ID = 4,	/* rdx = the core this dispatcher runs on */
	/* Same-core messages on endpoints: registers in include/kpi/lmp.h. */
	SYS_LMP_SEND = 5,	/* send; block until a receiver takes it */
	SYS_LMP_RECV = 6,	/* block until a message arrives */
	SYS_LMP_CALL = 7,	/* send, then block for the receiver's reply */
	SYS_LMP_REPLY = 8,	/* answer the call this dispatcher received last */
	SYS_LMP_REPLY_RECV = 9,	/* reply, then receive: a server's loop in one call */
	SYS_CLOCK = 10,		/* rdx = nanoseconds since boot (the calibrated TSC) */
	SYS_SLEEP_UNTIL = 11,	/* (ns): block until SYS_CLOCK reaches ns; woken
				 * at the first timer tick after it (10 ms ticks) */
	SYS_COUNT
};

/* The most bytes one SYS_DEBUG_PRINT writes; longer strings are refused
 * with ERR_INVALID_ARG rather than cut (the C library splits them). */
#define DEBUG_PRINT_MAX	1024

/* User space: [USER_MIN, USER_TOP). Page 0 is never mapped. */
#define USER_MIN	0x1000ull
#define USER_TOP	0x0000800000000000ull
/* Where a new process's stack ends, and its size, unless its creator
 * chooses otherwise. */
#define USER_STACK_TOP		0x00007FFFFFFF0000ull
#define USER_STACK_PAGES	16

#endif
