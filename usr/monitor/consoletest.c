/*
 * The console service (console.c): a process on every core prints as fast
 * as it can, all at once, more than a core's console log holds, so that
 * writers wait for room (ERR_WOULD_BLOCK) and monitors for their channel
 * to core 0. The host then checks that every line arrived once, whole
 * and in order per core (tools/boottest.py, check_chatter). Here: the
 * kernel's half of the service refuses bad requests and loses nothing.
 */
#include <flotilla/caps.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/uprog.h>
#include <flotilla/utest.h>
#include "usr/monitor/monitor.h"

static const struct proc *local;
static bool local_stopped(unsigned unused)
{
	uint64_t st;

	return proc_status(local, &st) != OK || (st & 0xFFFFFFFF) == DISP_STATE_STOPPED;
}

UTEST(console_lines_from_every_core_arrive_whole)
{
	unsigned last = mesh_cores() - 1;
	struct rproc r[MAX_MESH_CORES];
	struct proc p;
	uint64_t st;

	for (unsigned k = 1; k <= last; k++)
		UCHECK_ERR(remote_spawn(k, "uprog", UPROG_CHATTER, NULL, &r[k]), OK);
	UCHECK_ERR(spawn_program("uprog", UPROG_CHATTER, &p), OK);
	local = &p;
	UCHECK(mesh_serve_until(local_stopped, 0, sys_clock_ns() + MESH_WAIT_NS));
	UCHECK_ERR(proc_status(&p, &st), OK);
	UCHECK((int)(st >> 32) == 0);
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
