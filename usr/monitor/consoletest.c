/*
 * The console service (console.c): a process on every core prints as fast
 * as it can, all at once, more than a core's console log holds, so that
 * writers wait for room (ERR_WOULD_BLOCK) and monitors for their channel
 * to core 0. The host then checks that every line arrived once, whole
 * and in order per core (tools/boottest.py, check_chatter). Here: the
 * kernel's half of the service refuses bad requests and loses nothing.
 */
#include <flotilla/caps.h>
#include <flotilla/monitor.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/uprog.h>
#include <flotilla/utest.h>
#include "usr/monitor/monitor.h"

UTEST(console_lines_from_every_core_arrive_whole)
{
	unsigned last = mesh_cores() - 1;
	struct rproc r[MAX_MESH_CORES];
	struct proc p;

	for (unsigned k = 1; k <= last; k++)
		UCHECK_ERR(remote_spawn(k, "uprog", UPROG_CHATTER, NULL, &r[k]), OK);
	int status = -1;
	UCHECK_ERR(spawn_program("uprog", UPROG_CHATTER, &p), OK);
	UCHECK_ERR(serve_until_stopped(&p, &status), OK);
	UCHECK(status == 0);
	UCHECK_ERR(proc_kill(&p), OK);
	for (unsigned k = 1; k <= last; k++) {
		int status = -1;
		bool faulted = true;
		UCHECK_ERR(remote_wait(&r[k], &status, &faulted), OK);
		UCHECK(!faulted && status == 0);
	}
	console_sync();		/* every line is out before the verdict */
}

UTEST(console_kernel_requests_are_checked)
{
	char buf[8];
	size_t n = 99;

	UCHECK_ERR(kernel_console_take(CPTR_KERNEL, NOTIFY_SLOTS), ERR_INVALID_ARG);
	UCHECK_ERR(sys_invoke(CPTR_MONITOR, KERNEL_CONSOLE_READ, (uint64_t)buf, 8, 0, 0, 0).err,
		   ERR_CAP_WRONG_TYPE);
	/* A bad buffer: refused, and the bytes stay in the log. */
	UCHECK_ERR(sys_debug_print("kept\n", 5), OK);
	UCHECK_ERR(kernel_console_read(CPTR_KERNEL, (char *)0xFFFFFFFF80100000ull, 8, &n),
		   ERR_BAD_ADDRESS);
	UCHECK(n == 0);
	UCHECK_ERR(kernel_console_read(CPTR_KERNEL, buf, 5, &n), OK);
	UCHECK(n == 5 && buf[0] == 'k' && buf[3] == 't');
	UCHECK_ERR(kernel_console_read(CPTR_KERNEL, buf, 0, &n), OK);
	UCHECK(n == 0);
	/* Too long for one write: refused whole, never cut. */
	UCHECK_ERR(sys_debug_print(buf, DEBUG_PRINT_MAX + 1), ERR_INVALID_ARG);
}

/* Malformed console and forwarded-request messages to another core: each
 * is dropped (and reported by that monitor), and it goes on serving. */
UTEST(malformed_console_and_request_messages_are_dropped)
{
	unsigned last = mesh_cores() - 1;
	uint64_t w[7] = { 0xFF, 2, 3, 4, 5, 6, 7 }, cycles;

	if (last == 0)
		return;
	UCHECK_ERR(mesh_send(last, CONSOLE_FIRST, w, 2), OK);		/* TEXT, not to core 0 */
	UCHECK_ERR(mesh_send(last, CONSOLE_FIRST + 1, w, 3), OK);	/* SYNC, too long */
	UCHECK_ERR(mesh_send(last, CONSOLE_FIRST + 2, w, 2), OK);	/* SYNCED, unasked */
	UCHECK_ERR(mesh_send(last, CONSOLE_FIRST + 9, w, 1), OK);	/* no such type */
	UCHECK_ERR(mesh_send(last, MONCALL_FIRST, w, 4), OK);		/* FWD, short */
	w[1] = MON_SPAWN | 0ull << 8;					/* FWD, wrong core */
	UCHECK_ERR(mesh_send(last, MONCALL_FIRST, w, 5), OK);
	w[1] = MON_NS_LOOKUP | (uint64_t)last << 8;			/* FWD, not forwardable */
	UCHECK_ERR(mesh_send(last, MONCALL_FIRST, w, 5), OK);
	UCHECK_ERR(mesh_send(last, MONCALL_FIRST + 1, w, 5), OK);	/* FWD_R, unasked */
	UCHECK_ERR(mesh_send(last, MONCALL_FIRST + 7, w, 0), OK);	/* no such type */
	/* It still answers, also a good forwarded request. */
	UCHECK_ERR(mesh_ping(last, &cycles), OK);
	w[1] = MON_PS | (uint64_t)last << 8;
	w[2] = 1000;
	UCHECK_ERR(mesh_ask(last, MONCALL_FIRST, w, 5, w), ERR_NOT_FOUND);
	console_sync();
}
