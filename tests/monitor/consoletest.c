/*
 * The console service (console.c): a process on every core prints as fast
 * as it can, all at once, more than a core's console log holds, so that
 * writers wait for room (ERR_WOULD_BLOCK) and monitors for their channel
 * to core 0. The host then checks that every line arrived once, whole
 * and in order per core (tools/boottest.py, check_chatter). Here: the
 * kernel's half of the service refuses bad requests and loses nothing.
 */
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/monitor.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/uprog.h>
#include "lib/test.h"
#include "tests/monitor/mtest.h"
#include "usr/monitor/monitor.h"

TEST(console_lines_from_every_core_arrive_whole)
{
	unsigned last = mesh_cores() - 1;
	struct rproc r[MAX_MESH_CORES];
	struct proc p;

	for (unsigned k = 1; k <= last; k++)
		CHECK_ERR(remote_spawn(k, "uprog", UPROG_CHATTER, NULL, &r[k]), OK);
	int status = -1;
	CHECK_ERR(spawn_program("uprog", UPROG_CHATTER, &p), OK);
	CHECK_ERR(serve_until_stopped(&p, &status), OK);
	CHECK(status == 0);
	CHECK_ERR(proc_kill(&p), OK);
	for (unsigned k = 1; k <= last; k++) {
		int status = -1;
		bool faulted = true;
		CHECK_ERR(remote_wait(&r[k], &status, &faulted), OK);
		CHECK(!faulted && status == 0);
	}
	console_sync();		/* every line is out before the verdict */
}

TEST(console_kernel_requests_are_checked)
{
	char buf[8];
	size_t n = 99;

	CHECK_ERR(kernel_console_take(CPTR_CONSOLE, NOTIFY_SLOTS), ERR_INVALID_ARG);
	CHECK_ERR(sys_invoke(CPTR_MONITOR, CONSOLE_READ, (uint64_t)buf, 8, 0, 0, 0).err,
		  ERR_CAP_WRONG_TYPE);
	/* A bad buffer: refused, and the bytes stay in the log. */
	CHECK_ERR(sys_debug_print("kept\n", 5), OK);
	CHECK_ERR(kernel_console_read(CPTR_CONSOLE, (char *)0xFFFFFFFF80100000ull, 8, &n),
		  ERR_BAD_ADDRESS);
	CHECK(n == 0);
	CHECK_ERR(kernel_console_read(CPTR_CONSOLE, buf, 5, &n), OK);
	CHECK(n == 5 && buf[0] == 'k' && buf[3] == 't');
	CHECK_ERR(kernel_console_read(CPTR_CONSOLE, buf, 0, &n), OK);
	CHECK(n == 0);
	/* Too long for one write: refused whole, never cut. */
	CHECK_ERR(sys_debug_print(buf, DEBUG_PRINT_MAX + 1), ERR_INVALID_ARG);
}

/* The screen's hand-over (CONSOLE_SCREEN): every bad slot is refused
 * before anything is handed over; a good request is refused too, because
 * a test boot has no framebuffer (QEMU's -kernel), or, where it has one,
 * this monitor took it at boot. The hand-over itself is checked on a
 * real screen by tools/boottest_screen.py. */
TEST(console_screen_requests_are_checked)
{
	static struct console_screen s;
	unsigned cols, rows;
	struct cap_info i;
	bool mine = screen_geometry(&cols, &rows);

	CHECK_ERR(kernel_console_screen(CPTR_CONSOLE, CPTR_MONITOR, 0, &s), ERR_CAP_WRONG_TYPE);
	CHECK_ERR(kernel_console_screen(CPTR_CONSOLE, T_SCRATCHCN, 0xFFFFFFFFu, &s), ERR_CAP_RANGE);
	CHECK_ERR(kernel_console_screen(CPTR_CONSOLE, CPTR_TASKCN, CADDR_L2(CPTR_DISPATCHER), &s),
		  ERR_CAP_SLOT_IN_USE);
	CHECK_ERR(sys_invoke(CPTR_INFO, CONSOLE_SCREEN, T_SCRATCHCN, 0, (uint64_t)&s, 0, 0).err,
		  ERR_CAP_WRONG_TYPE);
	CHECK_ERR(kernel_console_screen(CPTR_CONSOLE, T_SCRATCHCN, 0, &s),
		  mine ? ERR_HANDED_OVER : ERR_UNSUPPORTED);
	CHECK_ERR(cap_identify(SCRATCH(0), &i), ERR_CAP_EMPTY);
}

/* Console input has one reader at a time (console.c): a uprog on the
 * last core reads and keeps the input; a second reader, on this core, is
 * refused and told who has it; once the first is killed the input is
 * free, and the next reader gets it and frees it when it ends. */
static unsigned want_core, want_pid;
static bool owner_is(unsigned held)
{
	unsigned core, pid;

	if (!console_owner(&core, &pid))
		return !held;
	return held && core == want_core && pid == want_pid;
}

TEST(console_input_has_one_reader_until_it_ends)
{
	unsigned k = mesh_cores() - 1, core, pid;
	struct rproc rh, r;
	struct proc ph, p;
	int status = -1;

	CHECK(!console_owner(&core, &pid));		/* nobody reads in a test boot */
	CHECK_ERR(uprog_start(k, UPROG_CONSOLE | UPROG_CONSOLE_HOLD << 8, &rh, &ph), OK);
	want_core = k;
	want_pid = k ? rh.pid : ph.idx;
	CHECK(mesh_serve_until(owner_is, 1, sys_clock_ns() + MESH_WAIT_NS));
	/* A second reader is refused, and told whose the input is. */
	CHECK_ERR(uprog_start(0, UPROG_CONSOLE, &r, &p), OK);
	CHECK_ERR(uprog_finish(0, &r, &p, &status), OK);
	if (status != (int)UPROG_CONSOLE_BUSY(k, want_pid))
		test_fail("the second reader ended with %#x, want %#x", status,
			   UPROG_CONSOLE_BUSY(k, want_pid));
	CHECK(owner_is(1));
	/* The owner ends: the input is free before the kill is answered (the
	 * news comes first on the same channel), and the next reader gets it. */
	CHECK_ERR(k ? remote_kill(&rh) : proc_kill(&ph), OK);
	CHECK(owner_is(0));
	CHECK_ERR(uprog_start(0, UPROG_CONSOLE, &r, &p), OK);
	CHECK_ERR(uprog_finish(0, &r, &p, &status), OK);
	CHECK(status == 0);
	CHECK(owner_is(0));				/* its end freed it again */
}

/* Malformed console and forwarded-request messages to another core, and
 * well-formed ones that make no sense there: each is dropped (counted:
 * mesh_dropped_more, and reported by that monitor), and it goes on
 * serving, also a good forwarded request. */
TEST_CORES(malformed_console_and_request_messages_are_dropped, 2)
{
	unsigned last = mesh_cores() - 1;
	uint64_t w[7] = { 0xFF, 2, 3, 4, 5, 6, 7 }, r[4] = { 0 }, seen, cycles;
	struct mesh_ask a;

	CHECK_ERR(mesh_drops(last, &seen), OK);
	CHECK_ERR(if_intermon_text_send(mesh_to(last), true, "hi\n", 3), OK);	/* not to core 0 */
	CHECK(mesh_dropped_more(last, &seen, 1));
	CHECK_ERR(mesh_inject(last, IF_INTERMON_TEXT, 8, w, 7), OK);		/* text, too long */
	CHECK(mesh_dropped_more(last, &seen, 1));
	CHECK_ERR(mesh_inject(last, IF_INTERMON_SYNC, 3, w, 3), OK);		/* sync, too long */
	CHECK(mesh_dropped_more(last, &seen, 1));
	CHECK_ERR(if_intermon_sync_r_send(mesh_to(last), 5, OK), OK);		/* unasked */
	CHECK(mesh_dropped_more(last, &seen, 1));
	CHECK_ERR(if_intermon_console_ended_send(mesh_to(last), 0x1000), OK);	/* not to core 0 */
	CHECK(mesh_dropped_more(last, &seen, 1));
	CHECK_ERR(mesh_inject(last, IF_INTERMON_FWD, 4, w, 4), OK);		/* fwd, short */
	CHECK(mesh_dropped_more(last, &seen, 1));
	/* (An op out of its uint8's range: fwd's 8 words no longer fit the
	 * one slot mesh_inject writes; the runtime's check is host/idl's.) */
	CHECK_ERR(if_intermon_fwd_send(mesh_to(last), 5, MON_PS, 0, 0, 0, 0), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));				/* the wrong core */
	CHECK_ERR(if_intermon_fwd_send(mesh_to(last), 5, MON_NS_LOOKUP, last, 0, 0, 0), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));				/* not forwardable */
	CHECK_ERR(if_intermon_fwd_send(mesh_to(last), 5, MON_SPAWN, last, 0, 0, 0), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));			/* a spawn goes as fwd_spawn */
	CHECK_ERR(if_intermon_fwd_spawn_send(mesh_to(last), 5, 0, 0, "uprog", 0, false, 0), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));				/* the wrong core */
	CHECK_ERR(if_intermon_fwd_spawn_send(mesh_to(last), 5, last, 0x80, "uprog", 0, false, 0),
		  OK);
	CHECK(mesh_dropped_more(last, &seen, 1));				/* no such flag */
	CHECK_ERR(if_intermon_fwd_r_send(mesh_to(last), 5, OK, 0, 0, 0), OK);	/* unasked */
	CHECK(mesh_dropped_more(last, &seen, 1));
	/* It still answers, also a good forwarded request. */
	CHECK_ERR(mesh_ping(last, &cycles), OK);
	CHECK_ERR(mesh_ask(&a, last, IF_INTERMON_FWD_R, r), OK);
	CHECK_ERR(mesh_await(&a, if_intermon_fwd_send(mesh_to(last), a.id, MON_PS, last, 1000, 0,
						       0)), ERR_NOT_FOUND);
	/* A spawn whose gift names no import there: well formed, answered;
	 * so is one of an empty name. */
	CHECK_ERR(mesh_ask(&a, last, IF_INTERMON_FWD_R, r), OK);
	CHECK_ERR(mesh_await(&a, if_intermon_fwd_spawn_send(mesh_to(last), a.id, last, 0, "uprog",
							     UPROG_IDLE, true, 0xABC00)),
		  ERR_NOT_FOUND);
	CHECK_ERR(mesh_ask(&a, last, IF_INTERMON_FWD_R, r), OK);
	CHECK_ERR(mesh_await(&a, if_intermon_fwd_spawn_send(mesh_to(last), a.id, last, 0, "",
							     UPROG_IDLE, false, 0)),
		  ERR_INVALID_ARG);
	CHECK(mesh_dropped_more(last, &seen, 0));
	console_sync();
}
