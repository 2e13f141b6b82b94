/*
 * The test image's monitor (build/flotilla-test.bin): the production
 * monitor (usr/monitor, its bring-up in boot.c) with the user-space
 * tests, the system-call fuzzer and the benchmarks linked in, and this
 * main in place of usr/monitor/main.c. The command line chooses:
 *
 *   utest[=PATTERN]  core 0 runs the monitor's tests (utest.c), then init
 *                    runs the test programs (usertest), and powers off
 *                    with the verdict
 *   ufuzz[=OPTS]     every monitor fuzzes its own kernel (fuzz.h)
 *   ufault           the monitor on core k (1..5) faults in the k-th way
 *                    before it joins the others; only it stops
 *   bench            core 0 runs make bench's workloads (bench/monitor)
 *   shellfault       the shell faults once on purpose (tests/shell)
 *   faults=N[,SEED]  the fault-injection campaign (faults.c), then power
 *                    off with its verdict; a bad value is refused and the
 *                    system boots on
 *
 * Without any of them it boots as the production monitor does.
 */
#include <stdio.h>
#include <flotilla/caps.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/testfault.h>
#include "lib/test.h"
#include "bench/monitor/bench.h"
#include "tests/monitor/fuzz.h"
#include "tests/monitor/mtest.h"
#include "usr/shell/shell.h"

/* `utest`: init runs the test programs (init=SPECS, or usertest) with -w
 * and exits with how many ended badly. Skipped when `utest=PATTERN` is
 * not part of "init/usertest". */
static int run_init_tests(const char *cmdline)
{
	char pattern[KERNEL_CMDLINE_MAX];	/* holds any value on the line */
	struct proc init;
	err_t err;

	cmdline_find(cmdline, "utest", pattern, sizeof(pattern));
	if (!test_selected("init/usertest", pattern))
		return 0;
	if ((err = init_start(cmdline, true, "usertest", NULL, true, &init))) {
		printf("FAIL user/init_runs_the_test_programs: cannot start init: %s: %s\n",
		       err_name(err), err_msg(err));
		return 1;
	}
	int status = init_wait(&init);
	if (status) {
		printf("FAIL user/init_runs_the_test_programs: init ended with status %d\n", status);
		return 1;
	}
	printf("PASS user/init_runs_the_test_programs\n");
	return 0;
}

/* `ufuzz[=OPTS]`: this core's part of the system-call fuzzer's boot
 * (value NULL: too long to read). */
static void ufuzz(unsigned core, const char *value)
{
	struct fuzz_opts o;
	const char *why = value ? fuzz_opts_parse(value, &o) : "the value is too long";

	if (why)
		printf("FAIL user/core%u/syscall_fuzzer: ufuzz=%s: %s\n", core, value ? value : "...",
		       why);
	else
		fuzz_every_core(core, &o);
}

int main(int argc, char **argv)
{
	unsigned core = sys_core_id();
	char cmdline[KERNEL_CMDLINE_MAX];
	err_t err;

	if (monitor_hello(core, cmdline))
		return 1;
	/* `ufault`: the others go on without the mesh (not every core will
	 * join), with everything else: core 0 runs its tests, or init and
	 * the shell, whose requests it serves. */
	bool ufault = cmdline_has(cmdline, "ufault");
	if (core != 0 && ufault) {
		printf("monitor: core %u faults on purpose (ufault)\n", core);
		fault_on_purpose(core);
	}
	err = monitor_setup(core, cmdline, !ufault);
	meshbench_init();	/* make bench's pairs; nothing unless the mesh is up */
	/* A value too long to read is refused like a bad one. */
	char fuzz[KERNEL_CMDLINE_MAX];
	err_t fuzz_err = cmdline_find(cmdline, "ufuzz", fuzz, sizeof(fuzz));
	if (core == 0 && !err && !ufault)
		monitor_greet(fuzz_err == ERR_NOT_FOUND);
	/* Without the mesh the kernels keep writing the console, but core 0
	 * still reads it, so that the shell is not left unable to. */
	if (core == 0 && !err && ufault && (err = console_listen()))
		printf("monitor: core 0: cannot read the console: %s: %s\n", err_name(err),
		       err_msg(err));
	if (fuzz_err != ERR_NOT_FOUND)
		ufuzz(core, fuzz_err ? NULL : fuzz);
	if (core != 0) {
		supervisor_serve();
		return 0;
	}
	if (cmdline_has(cmdline, "bench"))	/* bench/monitor/bench.c */
		monitor_poweroff(bench_main(cmdline) ? 0x11 : 0x10);
	if (cmdline_has(cmdline, "utest")) {
		/* The round trips first, and the SKB's facts for the
		 * shootdown's trees from them, so that every test sees the
		 * trees a running system has (and no test's messages queue
		 * behind the measuring). */
		monitor_skb_measure();
		if (skbfeed_on() && !mesh_serve_until(skbfeed_measured, 0,
						      sys_clock_ns() + 120000000000ull))
			printf("monitor: the round trips were not all measured in 120 s\n");
		int failed = utest_main(cmdline);
		/* With ufault the host decides when it has seen every fault. */
		if (ufault)
			supervisor_serve();
		failed += run_init_tests(cmdline);
		monitor_poweroff(failed ? 0x11 : 0x10);
	}
	int campaign = faults_campaign(cmdline);
	if (campaign >= 0 || campaign < FAULTS_REFUSED)
		monitor_poweroff(campaign ? 0x11 : 0x10);
	_Static_assert(SHELL_ARG_FAULT == 1, "the shell's argument for shellfault");
	monitor_start_system(cmdline, cmdline_has(cmdline, "shellfault") ? "1" : "0");
	supervisor_serve();
	return 0;
}
