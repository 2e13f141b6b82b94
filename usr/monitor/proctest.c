/*
 * Starting programs in user space (usr/lib/spawn.c) and what happens to
 * them: a program runs and exits with its status; an ordinary process
 * holds no Kernel capability; a program that faults, in each of five ways,
 * is stopped while the monitor on the same core keeps running; a running
 * program is killed and every object it was made of goes.
 */
#include <flotilla/caps.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include "usr/monitor/utest.h"

/* Yields until the child stops; returns its exit status. */
static int wait_stopped(const struct proc *p, err_t *err)
{
	uint64_t st = 0;

	for (;;) {
		*err = proc_status(p, &st);
		if (*err || (st & 0xFFFFFFFF) == DISP_STATE_STOPPED)
			return (int)(st >> 32);
		sys_yield();
	}
}

static void run_and_expect(uint64_t arg, int want)
{
	struct proc p;
	err_t err;

	UCHECK_ERR(spawn_program("uprog", arg, &p), OK);
	int status = wait_stopped(&p, &err);
	UCHECK_ERR(err, OK);
	UCHECK_ERR(proc_kill(&p), OK);
	if (status != want)
		utest_fail(__FILE__, __LINE__, "uprog %llu exited %d, want %d",
			   (unsigned long long)arg, status, want);
}

UTEST(spawn_runs_a_program_to_its_exit)
{
	run_and_expect(0, 0);
}

UTEST(spawned_program_has_its_well_known_caps)
{
	run_and_expect(8, 0);
}

UTEST(ordinary_process_cannot_invoke_the_kernel_cap)
{
	run_and_expect(6, ERR_CAP_EMPTY);
}

UTEST(faulting_program_stops_and_the_core_goes_on)
{
	static const int vector[6] = { 0, 0, 14, 13, 6, 3 };

	for (unsigned kind = 1; kind <= 5; kind++) {
		run_and_expect(kind, -(vector[kind] + 1));
		if (utest_failed)
			return;
	}
}

UTEST(kill_a_running_program)
{
	struct proc p;
	uint64_t st;

	UCHECK_ERR(spawn_program("uprog", 7, &p), OK);
	for (int i = 0; i < 10; i++)
		sys_yield();
	UCHECK_ERR(proc_status(&p, &st), OK);
	UCHECK((st & 0xFFFFFFFF) == DISP_STATE_RUNNABLE);
	UCHECK_ERR(proc_kill(&p), OK);
	UCHECK_ERR(proc_status(&p, &st), ERR_CAP_EMPTY);
}

UTEST(spawn_errors)
{
	struct proc p;

	UCHECK_ERR(spawn_program("no-such-program", 0, &p), ERR_NOT_FOUND);
	/* Many in a row: slots and memory are given back by kill. */
	for (int i = 0; i < 40; i++) {
		UCHECK_ERR(spawn_program("uprog", 0, &p), OK);
		UCHECK_ERR(proc_kill(&p), OK);
	}
}
