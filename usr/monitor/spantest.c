/*
 * Spanning a process over cores (span.c, docs/span.md), tested from core
 * 0: a process on core 0, then one on the last core, spans itself over
 * every core and checks what the spans see (uprog UPROG_SPAN); and
 * killing a process whose span runs on another core stops that span
 * before anything is destroyed: the counter it was bumping in a frame the
 * test watches stands still afterwards.
 */
#include <flotilla/caps.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/uprog.h>
#include <flotilla/utest.h>
#include "usr/monitor/monitor.h"

UTEST(a_process_spans_every_core_and_shares_its_memory)
{
	unsigned last = mesh_cores() - 1;
	struct rproc r;
	struct proc p;
	int status;

	for (unsigned core = 0; core <= last; core += last ? last : 1) {
		status = -1;
		UCHECK_ERR(uprog_start(core, UPROG_SPAN, &r, &p), OK);
		UCHECK_ERR(uprog_finish(core, &r, &p, &status), OK);
		if (status != 0)
			utest_fail(__FILE__, __LINE__, "spanning from core %u: check %d failed",
				   core, status);
	}
}

UTEST(unmapping_in_a_spanned_space_shoots_down_every_tlb)
{
	unsigned last = mesh_cores() - 1;
	struct rproc r;
	struct proc p;
	int status = -1;

	UCHECK_ERR(uprog_start(0, UPROG_SPAN_UNMAP, &r, &p), OK);
	UCHECK_ERR(uprog_finish(0, &r, &p, &status), OK);
	if (status != 0)
		utest_fail(__FILE__, __LINE__, "reader on core %u: check %d failed", last, status);
}

static volatile uint64_t *beat;
static bool beating(unsigned unused)
{
	static uint64_t first;

	if (beat[0] != UPROG_WATCH_MAGIC)
		return false;
	if (!first)
		first = beat[1] + 1;
	return beat[1] > first;
}

static bool never(unsigned unused)
{
	return false;
}

UTEST(killing_a_process_stops_its_span_on_another_core_first)
{
	unsigned there = mesh_cores() - 1;
	struct spawn_opts o = { .ram = SPAWNED_RAM, .give_bootimg = true, .ngive = 1,
				.give = { SCRATCH(0) } };
	struct proc p;

	UCHECK_ERR(cnode_retype(T_SCRATCHCN, 0, T_TESTRAM, CAP_FRAME, 1, 0, 4096), OK);
	UCHECK_ERR(window_map_page(SCRATCH(0), (void **)&beat), OK);
	UCHECK_ERR(spawn_program_opts("uprog", UPROG_SPAN_FOREVER | (uint64_t)there << 8, &o, &p),
		   OK);
	UCHECK(mesh_serve_until(beating, 0, sys_clock_ns() + MESH_WAIT_NS));
	UCHECK_ERR(proc_kill(&p), OK);
	uint64_t then = beat[1];
	mesh_serve_until(never, 0, sys_clock_ns() + 200 * 1000 * 1000);
	UCHECK(beat[1] == then);		/* nothing runs in its memory any more */
}

/* Malformed span messages to another core's monitor: each is dropped (and
 * reported by it) or refused in its answer, and it goes on serving. */
UTEST(malformed_span_messages_are_refused)
{
	unsigned last = mesh_cores() - 1;
	enum { TABLES = SPAN_FIRST, SPAN, SPAN_R, STOP, SHOOT = SPAN_FIRST + 6, SHOT };
	const uint64_t vroot = 0x7000;
	uint64_t w[7] = { 0 }, a[7], cycles;
	struct cap_info f;

	if (last == 0)
		return;
	UCHECK_ERR(cnode_retype(T_SCRATCHCN, 0, T_TESTRAM, CAP_FRAME, 1, 0, 4096), OK);
	UCHECK_ERR(cap_identify(SCRATCH(0), &f), OK);
	UCHECK_ERR(mesh_send(last, TABLES, w, 0), OK);			/* TABLES, empty */
	w[0] = vroot + 0x1000;						/* a continuation of nothing */
	UCHECK_ERR(mesh_send(last, TABLES, w, 2), OK);
	UCHECK_ERR(mesh_send(last, SPAN, w, 5), OK);			/* SPAN, short */
	UCHECK_ERR(mesh_send(last, SPAN_R, w, 3), OK);			/* SPAN_R, unasked */
	UCHECK_ERR(mesh_send(last, SHOOT, w, 2), OK);			/* SHOOT, too long */
	UCHECK_ERR(mesh_send(last, SHOT, w, 1), OK);			/* SHOT, unasked */
	UCHECK_ERR(mesh_send(last, SPAN_FIRST + 9, w, 1), OK);		/* no such type */
	UCHECK_ERR(mesh_ping(last, &cycles), OK);

	/* A SPAN whose tables did not come: refused in the answer. */
	uint64_t q[6] = { 0, vroot, 0x401000, 0x500000, 0, 1 };
	UCHECK_ERR(mesh_ask(last, SPAN, q, 6, a), ERR_BAD_MESSAGE);
	/* Tables outside every core's RAM, or past the user half: the kernel
	 * that would make the replica refuses, and nothing is left behind. */
	w[0] = vroot | 1;
	w[1] = 0xFFFFFFFFF000ull | 5;
	UCHECK_ERR(mesh_send(last, TABLES, w, 2), OK);
	UCHECK_ERR(mesh_ask(last, SPAN, q, 6, a), ERR_BAD_ADDRESS);
	w[1] = f.base | 300;
	UCHECK_ERR(mesh_send(last, TABLES, w, 2), OK);
	UCHECK_ERR(mesh_ask(last, SPAN, q, 6, a), ERR_MAP_RANGE);
	/* Stopping a span that does not exist. */
	uint64_t s[3] = { 0, 3, 0 };
	UCHECK_ERR(mesh_ask(last, STOP, s, 3, a), ERR_NOT_FOUND);
	UCHECK_ERR(mesh_ping(last, &cycles), OK);
	console_sync();
}
