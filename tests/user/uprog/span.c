/*
 * uprog's spanning modes (flotilla/uprog.h: UPROG_SPAN, UPROG_SPAN_FOREVER):
 * one process with a dispatcher on several cores in one address space.
 * The test that starts them is tests/monitor/spantest.c.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/monitor.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/uprog.h>
#include "failed.h"

#define S_LATE_FRAME	CADDR(TASK_CN, 40)	/* mapped after the spans started */
#define S_RO_VROOT	CADDR(TASK_CN, 41)	/* CPTR_VROOT without WRITE */
#define S_PDPT		CADDR(TASK_CN, 42)	/* a new top-level table */
#define S_WARM_FRAME	CADDR(TASK_CN, 43)	/* mapped before: the window's tables */
#define S_LATE_PARENT	CADDR(TASK_CN, 49)	/* S_LATE_FRAME is a copy of it */

#define SPAN_MAX_CORES	MESH_MAX_CORES	/* a span on every core the kernel starts */
#define SPAN_STACK	SPAN_STACK_MIN	/* lane_main needs little */
#define SPAN_ADDS	1000
#define LATE_MAGIC	0x1a7e5ca9e0000001ull
#define PDPT_ENTRY	100	/* a top-level entry no process uses */

/* One cache line per span, written only by it; `go` and the total are
 * shared by all. */
static struct lane {
	_Alignas(64) volatile uint64_t core, adds, seen;
} lane[SPAN_MAX_CORES];
static _Alignas(64) volatile uint64_t go;
static _Alignas(64) _Atomic uint64_t total;
static volatile uint64_t *volatile late;
static _Alignas(16) uint8_t stacks[SPAN_MAX_CORES][SPAN_STACK];

/* A span: says where it runs, has its kernel write into its stack (the
 * process's memory, which belongs to the core the process started on: the
 * kernel must write it through the process's mapping, not its read-only
 * view of other cores' memory), waits for the main dispatcher's go (its
 * store must be seen here), adds to the shared total, reads a page the
 * main dispatcher mapped after this span had started. It waits asleep,
 * looking every millisecond: spans spinning on every core while the
 * others start would take the host's CPUs from the ones starting them
 * (under emulation, dozens of vCPUs on a host of two). */
static int lane_main(uint64_t k)
{
	struct disp_info info = { .state = 0xDEAD };

	lane[k].core = sys_core_id();
	if (disp_info(CPTR_DISPATCHER, &info) || info.state != DISP_STATE_RUNNABLE)
		return FAILED(1);
	while (!go)
		sys_sleep_until(sys_clock_ns() + 1000000);
	for (unsigned i = 0; i < SPAN_ADDS; i++) {
		atomic_fetch_add(&total, 1);
		lane[k].adds++;
	}
	lane[k].seen = late[0];
	return 100 + (int)k;
}

static int lane_fault(uint64_t k)
{
	return *(volatile int *)(uintptr_t)(k & 0xF);	/* page 0 is never mapped */
}

static int wait_span(unsigned id, int *status, bool *faulted)
{
	err_t err;

	while ((err = mon_span_wait(id, status, faulted)) == ERR_WOULD_BLOCK)
		sys_yield();
	return err;
}

/* What a bad span request gets; 0 or the number of the check that failed. */
static int refusals(unsigned ncores)
{
	unsigned id;
	uint64_t r[4];
	err_t cap_err;
	const uint64_t ok[4] = { MON_SPAN, 0x401000, (uintptr_t)stacks[0] + SPAN_STACK, 0 };
	const uint64_t low_stack[4] = { MON_SPAN, 0x401000, 0x10, 0 };
	const uint64_t wait0[4] = { MON_SPAN_WAIT, 0 };

	if (mon_span(ncores, lane_main, 0, stacks[0], SPAN_STACK, &id) != ERR_INVALID_ARG)
		return FAILED(1);			/* no such core */
	if (mon_span(0, lane_main, 0, stacks[0], 100, &id) != ERR_INVALID_ARG)
		return FAILED(2);			/* stack too small */
	if (mon_call_cap(ok, 0, 0, r, &cap_err) != ERR_CAP_EMPTY)
		return FAILED(3);			/* no PML4 */
	if (mon_call_cap(ok, CPTR_DISPATCHER, 0, r, &cap_err) != ERR_CAP_WRONG_TYPE)
		return FAILED(4);
	if (cnode_mint(CPTR_TASKCN, CADDR_L2(S_RO_VROOT), CPTR_VROOT, CAP_RIGHT_READ, 0) ||
	    mon_call_cap(ok, S_RO_VROOT, 0, r, &cap_err) != ERR_CAP_RIGHTS)
		return FAILED(5);			/* a PML4 it may not change */
	if (mon_call_cap(low_stack, CPTR_VROOT, 0, r, &cap_err) != ERR_BAD_ADDRESS)
		return FAILED(6);			/* refused by the kernel that would run it */
	if (mon_span_wait(SPAN_MAX_CORES + 7, &(int){ 0 }, &(bool){ false }) != ERR_NOT_FOUND)
		return FAILED(7);
	if (mon_call_cap(wait0, 0, 0, r, &cap_err) != ERR_CAP_EMPTY)
		return FAILED(8);
	return 0;
}

/* UPROG_SPAN: see flotilla/uprog.h. */
int span_test(void)
{
	unsigned n = 0, id[SPAN_MAX_CORES], fid;
	void *va;
	int status, bad;
	bool faulted;

	if (mon_cores(&n) || n == 0 || n > SPAN_MAX_CORES)
		return FAILED(1);
	if ((bad = refusals(n)))
		return 10 + bad;
	/* The window's tables exist before the spans; the late page needs
	 * none below the top level that the replicas do not share. */
	if (ram_retype(CPTR_TASKCN, CADDR_L2(S_WARM_FRAME), CAP_FRAME, 4096) ||
	    window_map_page(S_WARM_FRAME, &va))
		return FAILED(2);
	for (unsigned k = 0; k < n; k++)
		if (mon_span(k, lane_main, k, stacks[k], SPAN_STACK, &id[k]))
			return 30 + (int)k;
	/* Mapped while they run: the tables below the top are shared. */
	if (ram_retype(CPTR_TASKCN, CADDR_L2(S_LATE_PARENT), CAP_FRAME, 4096) ||
	    cnode_copy(CPTR_TASKCN, CADDR_L2(S_LATE_FRAME), S_LATE_PARENT) ||
	    window_map_page(S_LATE_FRAME, &va))
		return FAILED(3);
	((volatile uint64_t *)va)[0] = LATE_MAGIC;
	late = va;
	/* What would need a shootdown, or a new top-level entry, is refused:
	 * deleting the mapped copy, or revoking what it was copied from. */
	if (cnode_delete(CPTR_TASKCN, CADDR_L2(S_LATE_FRAME)) != ERR_SPANNED ||
	    cnode_revoke(CPTR_TASKCN, CADDR_L2(S_LATE_PARENT)) != ERR_SPANNED)
		return FAILED(4);
	if (ram_retype(CPTR_TASKCN, CADDR_L2(S_PDPT), CAP_PDPT, 0) ||
	    vnode_map(CPTR_VROOT, PDPT_ENTRY, S_PDPT, 0) != ERR_SPANNED)
		return FAILED(5);
	go = 1;
	for (unsigned k = 0; k < n; k++) {
		if (wait_span(id[k], &status, &faulted))
			return 60 + (int)k;
		if (faulted || status != 100 + (int)k)
			return 70 + (int)k;
		if (lane[k].core != k || lane[k].adds != SPAN_ADDS || lane[k].seen != LATE_MAGIC)
			return 80 + (int)k;
	}
	if (atomic_load(&total) != (uint64_t)n * SPAN_ADDS)
		return FAILED(6);
	/* No span runs any more: all of it works again. */
	struct cap_info ci;
	if (vnode_map(CPTR_VROOT, PDPT_ENTRY, S_PDPT, 0) ||
	    cnode_revoke(CPTR_TASKCN, CADDR_L2(S_LATE_PARENT)) ||
	    cap_identify(S_LATE_FRAME, &ci) != ERR_CAP_EMPTY)
		return FAILED(7);
	/* A span that faults is reported by its core; this one goes on. */
	if (mon_span(n - 1, lane_fault, 0, stacks[0], SPAN_STACK, &fid) ||
	    wait_span(fid, &status, &faulted) || !faulted || status != -1)
		return FAILED(8);
	if (mon_span_wait(fid, &status, &faulted) != ERR_NOT_FOUND)
		return FAILED(9);			/* forgotten once waited for */
	printf("uprog: core %u: spanned %u cores: %u adds seen by all, late page seen by all\n",
	       sys_core_id(), n, (unsigned)atomic_load(&total));
	return 0;
}

/* UPROG_SPAN_FOREVER | core << 8: see flotilla/uprog.h. */
static volatile uint64_t *beat;

__attribute__((noreturn)) static int lane_beat(uint64_t unused)
{
	for (;;) {
		beat[1]++;
		sys_yield();
	}
}

__attribute__((noreturn)) static void sleep_forever(void)
{
	for (;;)
		sys_sleep_until(~0ull);
}

int span_forever(unsigned core)
{
	static uint64_t own[2];
	struct cap_info ci;
	unsigned id;
	void *va = own;

	if (cap_identify(UPROG_EP, &ci) == OK && ci.type == CAP_FRAME &&
	    window_map_page(UPROG_EP, &va))
		return FAILED(1);
	beat = va;
	if (mon_span(core, lane_beat, 0, stacks[0], SPAN_STACK, &id))
		return FAILED(2);
	beat[0] = UPROG_WATCH_MAGIC;
	printf("uprog: core %u: spanned to core %u\n", sys_core_id(), core);
	sleep_forever();
}
