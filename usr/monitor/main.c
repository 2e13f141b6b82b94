/*
 * The monitor: one per core, the first process the CPU driver starts
 * (kernel/boot_user.c), holding the Kernel capability and all of its
 * core's memory as RAM capabilities. Monitors are the system's control
 * plane: channels, spawning, capability transfer between cores, the
 * console service, the membership view (docs/monitor.md).
 *
 * This is the production monitor's main (build/flotilla.bin, make run).
 * Each monitor sets itself up (boot.c); the monitor on core 0 then waits
 * for the others, takes the console, and starts init, which supervises
 * the shell and the programs the command line names, and the SKB. Then
 * each monitor supervises: it waits on its fault endpoint (supervise.c),
 * blocked, so an idle core halts. The test image's monitor
 * (tests/monitor/main.c) takes the same steps around its tests.
 */
#include <stdio.h>
#include <flotilla/caps.h>
#include <flotilla/sys.h>
#include "usr/monitor/monitor.h"

int main(int argc, char **argv)
{
	unsigned core = sys_core_id();
	char cmdline[KERNEL_CMDLINE_MAX];
	err_t err;

	if (monitor_hello(core, cmdline))
		return 1;
	err = monitor_setup(core, cmdline, true);
	if (core == 0) {
		if (!err)
			monitor_greet(true);
		monitor_start_system(cmdline, "0");	/* even so: its shell still reads the console */
	}
	supervisor_serve();
	return 0;
}
