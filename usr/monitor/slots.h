/*
 * Every slot the monitor keeps a capability in, in one place.
 *
 * The monitor is one process whose modules (and, in the test image, its
 * tests and benchmarks) share one task CNode and one root CNode. A slot
 * chosen in a module's own file is a collision waiting to happen: the
 * benchmark's endpoint and remote.c's CNode once both sat in task slot 27,
 * and the fuzzer's sandbox in the slots skbfeed.c fills on core 0. So each
 * slot is named here, once, and `tools/check-slots.py` (check/monitor_slots
 * in make test) fails when a file linked into a monitor names a slot by
 * number instead, or when two names here share a number.
 *
 * Task-CNode slots 1..15 are the kernel's (kpi/caps.h, CPTR_*); the spawn
 * library's T_PROCCN (flotilla/spawn.h) is 24. Level-1 slots 0..7 of the
 * root CNode are the kernel's and the spawn library's (TASK_CN, RAM_CN,
 * PAGE_CN, AUTH_CN, PROC_CN, WORK_CN, WORK2_CN).
 */
#ifndef USR_MONITOR_SLOTS_H
#define USR_MONITOR_SLOTS_H

#include <kpi/caps.h>

/* Task-CNode slots of the monitor's own modules. */
#define T_TRACEBUF		CADDR(TASK_CN, 23)	/* trace.c: the snapshots' frame */
#define T_FAULTEP		CADDR(TASK_CN, 26)	/* supervise.c: children's faults */
#define T_REMOTECN		CADDR(TASK_CN, 27)	/* remote.c: REMOTE_CN's capability */
#define T_RCAPCN		CADDR(TASK_CN, 28)	/* rcap.c: RCAP_CN's capability */
#define T_MONCAP		CADDR(TASK_CN, 29)	/* moncall.c: a reply's capability */
#define T_FWDCAP		CADDR(TASK_CN, 30)	/* moncall.c: a forwarded spawn's gift */
#define T_CONRING		CADDR(TASK_CN, 32)	/* consvc.c, core 0: the console service's ring */
#define T_CONRING_GIFT		CADDR(TASK_CN, 33)	/* consvc.c: the copy the service's is made from */
#define T_CONPORT_GIFT		CADDR(TASK_CN, 34)	/* consvc.c: COM1's ports, likewise */
#define T_BINDCN		CADDR(TASK_CN, 31)	/* bind.c: BIND_CN's capability */
#define T_MONADMIN		CADDR(TASK_CN, 36)	/* moncall.c: the shell's CPTR_MONITOR */
#define T_SPANCN		CADDR(TASK_CN, 37)	/* span.c: SPAN_CN's capability */
#define T_SKBWORK		CADDR(TASK_CN, 38)	/* skbfeed.c, core 0: a struct skb, a moment */
#define T_MONPROC		CADDR(TASK_CN, 39)	/* moncall.c: a child's CPTR_MONITOR, a moment */
#define T_SKBFEED		CADDR(TASK_CN, 40)	/* skbfeed.c, core 0: the feed's frame */
#define T_SKBFEED_RO		CADDR(TASK_CN, 41)	/* skbfeed.c, core 0: the SKB's copy */
#define T_SCREEN(i)		CADDR(TASK_CN, 42 + (i))	/* screen.c, core 0: the screen's DEVFRAMEs (8 slots) */
#define T_SCREEN_PT(i)		CADDR(TASK_CN, 50 + (i))	/* screen.c: the page table of each (8 slots) */
_Static_assert(CONSOLE_SCREEN_FRAMES == 8, "T_SCREEN and T_SCREEN_PT have 8 slots each");

/* Level-1 slots of the monitor's root CNode for its modules' CNodes. */
#define REMOTE_CN		10			/* remote.c */
#define RCAP_CN			11			/* rcap.c */
#define BIND_CN			12			/* bind.c */
#define SPAN_CN			13			/* span.c */

/*
 * Slots for the tests and benchmarks linked into the test image's monitor
 * (tests/monitor, bench/monitor): task slots MON_TEST_SLOT(0..63), which
 * production code never uses, and level-1 slots from MON_TEST_CN(0).
 * Each user names its own in tests/monitor/mtest.h.
 */
#define MON_TEST_SLOTS		64
#define MON_TEST_SLOT(i)	CADDR(TASK_CN, 192 + (i))	/* (64 slots) */
#define MON_TEST_CN(i)		(16 + (i))

#endif
