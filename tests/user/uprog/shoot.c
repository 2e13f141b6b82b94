/*
 * UPROG_SPAN_UNMAP (flotilla/uprog.h): the TLB shootdown of a spanned
 * process, seen from the process (docs/span.md; the monitor's test is
 * tests/monitor/spantest.c). The process maps pages through tables of its
 * own, so that it knows where they are (PML4 entry UNMAP_L4 -> PDPT ->
 * PDIR -> PTABLE), and spans a lane on every core, this one included.
 *
 * 1. Refused, changing nothing (while every page is mapped): a range
 *    partly unmapped (a mapped page, then a hole), memory outside the
 *    process's mapped space or outside user space, a bad alignment, count
 *    or shape; the counts stay, and every page still reads.
 * 2. Counted: for each of the four shapes, it unmaps two pages in one
 *    mon_unmap, and every lane reads its own core's count of pages flushed
 *    in its address space (DISP_INFO's tlb_pages, kept by that core's
 *    kernel): each must have grown by exactly 2, as must the main
 *    dispatcher's on this core, and the run must say that every core
 *    flushed. A remote flush left out, or a core the tree skips, fails
 *    here, whatever the TLB would have shown. Then pages unmapped twice
 *    are refused, and nothing is flushed.
 * 3. Stale reads, as hardware shows them: the lane on the last core reads
 *    a page in a loop and never leaves its address space; once it has
 *    seen the flag the main dispatcher sets after mon_unmap returned, a
 *    read that works is a stale TLB entry. It must fault instead. (Under
 *    QEMU's TCG, which has no PCIDs, the core's switch to its monitor to
 *    take the request flushes the TLB anyway: only a core that gets no
 *    request at all shows a stale read there; step 2 catches the rest.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <flotilla/caps.h>
#include <flotilla/idl_mcall.h>
#include <flotilla/monitor.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/uprog.h>
#include "failed.h"
#include "if_moncall.h"

#define U_PDPT		CADDR(TASK_CN, 44)
#define U_PDIR		CADDR(TASK_CN, 45)
#define U_PT		CADDR(TASK_CN, 46)
#define U_PAGES		CADDR(TASK_CN, 47)	/* NPAGES pages at entries 0.. */
#define U_LAST		CADDR(TASK_CN, 48)	/* one page at entry LAST, read stale */
#define UNMAP_L4	101
#define NPAGES		8		/* two for each shape */
#define LAST		(NPAGES + 1)	/* entry NPAGES stays empty: a hole */
#define PAGE_MAGIC	0x5400d0e5000000ull
#define MAX_CORES	MESH_MAX_CORES
#define STACK		SPAN_STACK_MIN

#define BASE		((uint64_t)UNMAP_L4 << 39)
#define PAGE(i)		((volatile uint64_t *)(BASE + (uint64_t)(i) * 4096))

enum { CMD_WAIT, CMD_COUNT, CMD_READ, CMD_STOP };

/* The main dispatcher's command (and its generation, so that a lane acts
 * once on each); a lane's answer in its own cache line. */
static volatile struct {
	_Alignas(64) uint64_t cmd, gen;
} ctl;
static struct lane {
	_Alignas(64) volatile uint64_t gen, tlb_pages, ready;
} lane[MAX_CORES];
static volatile uint64_t after_unmap, reads;
static unsigned nlanes;
static uint8_t *stacks;		/* STACK bytes for each lane (malloc: 16-byte aligned) */

static uint64_t my_tlb_pages(void)
{
	struct disp_info info;

	return disp_info(CPTR_DISPATCHER, &info) ? ~0ull : info.tlb_pages;
}

/* Reads the page until it faults (see the header): 99 is a stale read. */
static int read_until_fault(void)
{
	for (;;) {
		uint64_t a = after_unmap;
		uint64_t v = PAGE(LAST)[0];
		reads++;
		if (a)
			return FAILED(99);
		if (v != PAGE_MAGIC)
			return FAILED(98);
	}
}

/* Waits asleep between looks, every millisecond: lanes spinning on every
 * core would take the host's CPUs from the cores that must work (under
 * emulation, dozens of vCPUs on a host of two), as span.c's lanes do. */
static void nap(void)
{
	sys_sleep_until(sys_clock_ns() + 1000000);
}

static int lane_main(uint64_t k)
{
	uint64_t done = 0;

	lane[k].ready = 1;
	for (;;) {
		uint64_t g = ctl.gen, cmd = ctl.cmd;
		if (g == done) {
			nap();
			continue;
		}
		if (cmd == CMD_STOP)
			return 0;
		if (cmd == CMD_READ && k == nlanes - 1)
			return read_until_fault();
		if (cmd == CMD_READ) {
			done = g;
			continue;
		}
		lane[k].tlb_pages = my_tlb_pages();
		lane[k].gen = g;
		done = g;
	}
}

/* Every lane reads its count; the main dispatcher's own in *mine. */
static int count_all(unsigned n, uint64_t *mine)
{
	uint64_t g = ctl.gen + 1;

	ctl.cmd = CMD_COUNT;
	ctl.gen = g;
	for (unsigned k = 0; k < n; k++)
		while (lane[k].gen != g)
			nap();
	*mine = my_tlb_pages();
	return 0;
}

static uint64_t before[MAX_CORES], mine_before;

static void remember(unsigned n)
{
	count_all(n, &mine_before);
	for (unsigned k = 0; k < n; k++)
		before[k] = lane[k].tlb_pages;
}

/* Every core's count grew by exactly `pages` since remember(). */
static bool grew_by(unsigned n, uint64_t pages)
{
	uint64_t mine;
	bool ok = true;

	count_all(n, &mine);
	if (mine - mine_before != pages) {
		printf("uprog: core %u (the owner's space) flushed %llu pages, not %llu\n",
		       sys_core_id(), (unsigned long long)(mine - mine_before),
		       (unsigned long long)pages);
		ok = false;
	}
	for (unsigned k = 0; k < n; k++) {
		if (lane[k].tlb_pages - before[k] != pages) {
			printf("uprog: core %u flushed %llu pages of the span's space, not %llu\n",
			       k, (unsigned long long)(lane[k].tlb_pages - before[k]),
			       (unsigned long long)pages);
			ok = false;
		}
	}
	return ok;
}

static int wait_span(unsigned id, int *status, bool *faulted)
{
	err_t err;

	while ((err = mon_span_wait(id, status, faulted)) == ERR_WOULD_BLOCK)
		nap();
	return err;
}

static err_t tables(void)
{
	err_t err;

	if ((err = ram_retype(CPTR_TASKCN, CADDR_L2(U_PDPT), CAP_PDPT, 0)) ||
	    (err = ram_retype(CPTR_TASKCN, CADDR_L2(U_PDIR), CAP_PDIR, 0)) ||
	    (err = ram_retype(CPTR_TASKCN, CADDR_L2(U_PT), CAP_PTABLE, 0)) ||
	    (err = ram_retype(CPTR_TASKCN, CADDR_L2(U_PAGES), CAP_FRAME, NPAGES * 4096)) ||
	    (err = ram_retype(CPTR_TASKCN, CADDR_L2(U_LAST), CAP_FRAME, 4096)) ||
	    (err = vnode_map(CPTR_VROOT, UNMAP_L4, U_PDPT, 0)) ||
	    (err = vnode_map(U_PDPT, 0, U_PDIR, 0)) || (err = vnode_map(U_PDIR, 0, U_PT, 0)) ||
	    (err = vnode_map(U_PT, 0, U_PAGES, CAP_RIGHT_READ | CAP_RIGHT_WRITE)))
		return err;
	return vnode_map(U_PT, LAST, U_LAST, CAP_RIGHT_READ | CAP_RIGHT_WRITE);
}

/* The unmap rpc of a mapped page with `vroot` as its capability: its
 * status (the call itself must be answered). */
static err_t unmap_rpc(capaddr_t vroot)
{
	struct idl_mcall mc = { .ep = CPTR_MONITOR };
	struct if_moncall_binding ib;
	err_t status = OK;
	uint16_t rounds = 1;
	uint8_t shape;
	uint32_t msgs, cross;
	uint64_t cores = 1;

	if_moncall_init(&ib, &idl_mcall_transport, &mc, NULL);
	if (if_moncall_unmap_call(&ib.b, BASE, 1, 0, vroot, &status, &shape, &rounds, &msgs,
				  &cross, &cores))
		return ERR_NO_REPLY;
	return rounds || cores ? ERR_BAD_MESSAGE : status;	/* no run, nothing counted */
}

/* The refusals of step 2; each changes nothing (checked by the caller). */
static int refusals(void)
{
	const uint64_t w[4] = { MON_UNMAP, BASE, 1, 0 };
	uint64_t r[4];
	err_t cap_err;

	if (mon_unmap((void *)(BASE + NPAGES * 4096), 2, 0, NULL) != ERR_NOT_MAPPED ||
	    mon_unmap((void *)(BASE + (NPAGES - 1) * 4096), 2, 0, NULL) != ERR_NOT_MAPPED ||
	    mon_unmap((void *)(BASE + (NPAGES - 1) * 4096), 3, 0, NULL) != ERR_NOT_MAPPED)
		return FAILED(11);		/* partly unmapped: a hole at entry NPAGES */
	if (mon_unmap((void *)(BASE + 512 * 4096), 1, 0, NULL) != ERR_NOT_MAPPED ||
	    mon_unmap((void *)0x1000, 1, 0, NULL) != ERR_NOT_MAPPED)
		return FAILED(12);		/* not the process's: no tables, or nothing there */
	if (mon_unmap((void *)0xFFFF800000000000ull, 1, 0, NULL) != ERR_MAP_RANGE ||
	    mon_unmap((void *)(0x800000000000ull - 4096), 2, 0, NULL) != ERR_MAP_RANGE)
		return FAILED(13);		/* outside user space */
	if (mon_unmap((void *)(BASE + 8), 1, 0, NULL) != ERR_INVALID_ARG ||
	    mon_unmap((void *)BASE, 0, 0, NULL) != ERR_INVALID_ARG ||
	    mon_unmap((void *)BASE, UNMAP_MAX_PAGES + 1, 0, NULL) != ERR_INVALID_ARG ||
	    mon_unmap((void *)BASE, 1, 5, NULL) != ERR_INVALID_ARG)
		return FAILED(14);
	if (mon_call_cap(w, U_PT, 0, r, &cap_err) != ERR_CAP_WRONG_TYPE)
		return FAILED(15);		/* the request must bring the PML4 */
	/* The same as the rpc (mon_unmap's): without the PML4, and with a
	 * table that is not one, answered with the status that says so. */
	if (unmap_rpc(IDL_CAP_NONE) != ERR_CAP_EMPTY || unmap_rpc(U_PT) != ERR_CAP_WRONG_TYPE)
		return FAILED(24);
	return 0;
}

int span_unmap_test(void)
{
	unsigned n = 0, id[MAX_CORES];
	struct mon_shootdown sd;
	int status, bad;
	bool faulted;

	if (mon_cores(&n) || n == 0 || n > MAX_CORES)
		return FAILED(1);
	nlanes = n;
	if (!(stacks = malloc((size_t)n * STACK)))
		return FAILED(1);
	if (tables())
		return FAILED(2);
	for (unsigned i = 0; i < NPAGES; i++)
		PAGE(i)[0] = PAGE_MAGIC;
	PAGE(LAST)[0] = PAGE_MAGIC;
	if (mon_unmap((void *)BASE, 1, 0, NULL) != ERR_NOT_FOUND)
		return FAILED(3);			/* not spanned: the process's own to do */
	for (unsigned k = 0; k < n; k++)
		if (mon_span(k, lane_main, k, stacks + k * STACK, STACK, &id[k]))
			return FAILED(4);
	for (unsigned k = 0; k < n; k++)
		while (!lane[k].ready)
			nap();

	/* 1. Refused, and nothing changed: the counts, and every page that
	 * was mapped still reads (7 of a range 7..8 across the hole too). */
	remember(n);
	if ((bad = refusals()))
		return bad;
	if (!grew_by(n, 0))
		return FAILED(16);
	for (unsigned i = 0; i < NPAGES; i++)
		if (PAGE(i)[0] != PAGE_MAGIC)
			return FAILED(17);
	if (PAGE(LAST)[0] != PAGE_MAGIC)
		return FAILED(17);

	/* 2. Each shape flushes exactly the pages on every core. */
	for (unsigned s = 0; s < 4; s++) {
		remember(n);
		if (mon_unmap((void *)(BASE + 2 * s * 4096), 2, 1 + s, &sd))
			return FAILED(5);
		if (sd.shape != s || sd.cores != (n >= 64 ? ~0ull : (1ull << n) - 1) ||
		    sd.msgs != 2 * (n - 1))
			return FAILED(6);
		if (!grew_by(n, 2))
			return FAILED(7);
	}

	remember(n);
	if (mon_unmap((void *)BASE, 2, 0, NULL) != ERR_NOT_MAPPED || !grew_by(n, 0))
		return FAILED(23);			/* twice: refused, nothing flushed */

	/* 3. The reader on the last core must fault once the unmap returned. */
	unsigned last = n - 1;
	if (n > 1) {
		ctl.cmd = CMD_READ;
		ctl.gen++;
		while (reads < 1000)
			;			/* its TLB holds the page */
		if (mon_unmap((void *)PAGE(LAST), 1, MON_SHAPE_BEST, NULL))
			return FAILED(18);
		after_unmap = 1;
		if (wait_span(id[last], &status, &faulted) || !faulted)
			return status == 99 ? 19 : 20;	/* 19: read after the shootdown */
	}
	/* The pages' capabilities are no longer mapped anywhere: they may go,
	 * though the space is still spanned. */
	if (cnode_delete(CPTR_TASKCN, CADDR_L2(U_PAGES)) ||
	    (n == 1 && mon_unmap((void *)PAGE(LAST), 1, 0, NULL)) ||
	    cnode_delete(CPTR_TASKCN, CADDR_L2(U_LAST)))
		return FAILED(21);
	ctl.cmd = CMD_STOP;
	ctl.gen++;
	for (unsigned k = 0; k < n; k++) {
		if (k == last && n > 1)
			continue;
		if (wait_span(id[k], &status, &faulted) || faulted || status != 0)
			return FAILED(22);
	}
	printf("uprog: core %u: unmapped pages of a space spanned on %u cores over each shape: "
	       "every core flushed exactly them; refusals changed nothing%s\n",
	       sys_core_id(), n, n > 1 ? "; the reader faulted" : "");
	return 0;
}
