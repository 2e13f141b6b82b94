/*
 * The user-space test runner (run by the monitor on core 0 when the
 * command line says `utest` or `utest=PATTERN`) and the shared fixture:
 * a scratch CNode in level-1 slot SCRATCH_CN and RAM carved from the
 * monitor's first RAM capability. Every test starts with an empty scratch
 * CNode and leaves through revoking what it made. The cores online are
 * those the kernel started: a test that needs more is skipped.
 */
#include <stdio.h>
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/spawn.h>
#include "tests/monitor/mtest.h"
#include "lib/test.h"

/* uprog with `arg` on `core`: through remote.c on another core, as a
 * child of this monitor here (with what remote.c gives: RAM and the
 * boot image). */
err_t uprog_start(unsigned core, uint64_t arg, struct rproc *r, struct proc *p)
{
	struct spawn_opts o = { .ram = SPAWNED_RAM, .give_bootimg = true };

	if (core != 0)
		return remote_spawn(core, "uprog", arg, NULL, r);
	return spawn_program_opts("uprog", arg, &o, p);
}

/* Waits for it to end; its exit status in *status (-1000: it faulted). */
err_t uprog_finish(unsigned core, const struct rproc *r, struct proc *p, int *status)
{
	bool faulted = false;
	err_t err;

	if (core != 0) {
		err = remote_wait(r, status, &faulted);
		if (faulted)
			*status = -1000;
		return err;
	}
	if ((err = serve_until_stopped(p, status)))
		return err;
	return proc_kill(p);
}

int utest_main(const char *cmdline)
{
	char pattern[KERNEL_CMDLINE_MAX];	/* holds any value on the line */
	struct test_counts c = { 0 };

	cmdline_find(cmdline, "utest", pattern, sizeof(pattern));	/* "" for all */
	if (scratch_init()) {
		printf("FAIL user/fixture: cannot set up the scratch CNode and RAM\n");
		return 1;
	}
	utest_run("user", pattern, kernel_cores(CPTR_INFO), scratch_reset, &c);
	printf("user tests: %d passed, %d failed, %d skipped\n", c.passed, c.failed, c.skipped);
	return c.failed;
}
