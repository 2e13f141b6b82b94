/*
 * A monitor's bring-up, the steps that every monitor takes whatever its
 * image: the production main (main.c) and the test image's
 * (tests/monitor/main.c) both call them, so that the system the tests
 * see is the one that `make run` boots.
 *
 * monitor_setup makes this core's fault endpoint, its event trace, its
 * part of the console service and of the SKB's feed, then (with `mesh`)
 * its channels to the other monitors, and its services for processes
 * and for the other monitors. A step that fails is reported and stops
 * the rest, except the trace, without which the system runs on.
 */
#include <stdio.h>
#include <flotilla/caps.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include "usr/monitor/agreeview.h"
#include "usr/monitor/monitor.h"

/* Sums the RAM capabilities the kernel gave this monitor. */
uint64_t monitor_ram_bytes(unsigned *count)
{
	uint64_t total = 0;

	*count = 0;
	for (unsigned i = 0; i < CNODE_L2_SLOTS; i++) {
		struct cap_info info;
		if (cap_identify(CADDR(RAM_CN, i), &info) || info.type != CAP_RAM)
			continue;
		total += info.size;
		(*count)++;
	}
	return total;
}

extern unsigned long libc_arg;

err_t monitor_hello(unsigned core, char cmdline[KERNEL_CMDLINE_MAX])
{
	unsigned nram;
	uint64_t ram = monitor_ram_bytes(&nram);
	err_t err;

	printf("monitor: core %u up (argument %lu), %u RAM capabilities, %llu KiB\n", core,
	       libc_arg, nram, (unsigned long long)(ram >> 10));
	if ((err = kernel_cmdline(CPTR_INFO, cmdline, KERNEL_CMDLINE_MAX)))
		printf("monitor: cannot read the command line: %s: %s\n", err_name(err), err_msg(err));
	return err;
}

/* Prints why step `what` failed on this core; returns err. */
static err_t failed(unsigned core, const char *what, err_t err)
{
	printf("monitor: core %u: %s: %s: %s\n", core, what, err_name(err), err_msg(err));
	return err;
}

err_t monitor_setup(unsigned core, const char *cmdline, bool mesh)
{
	err_t err;

	if ((err = supervisor_init()))
		return failed(core, "no fault endpoint", err);
	if ((err = mtrace_init(core, cmdline)))
		failed(core, "no event trace", err);
	if ((err = console_init(core)))
		return failed(core, "no console service", err);
	if ((err = skbfeed_init(core)))
		return failed(core, "nothing for the SKB", err);
	if (mesh) {
		if ((err = mesh_init(core)))
			return failed(core, "no channels to the other monitors", err);
		if ((err = skbfeed_report(core)))
			return failed(core, "cannot tell the SKB its CPUID", err);
		if (core != 0 && (err = console_take()))
			return failed(core, "cannot hand the console over", err);
	}
	if ((err = remote_init()))
		return failed(core, "no remote operations", err);
	if ((err = rcap_init(core)))
		return failed(core, "no capabilities across cores", err);
	if ((err = names_init(core)))
		return failed(core, "no name service", err);
	if ((err = agreeview_init(core)))
		return failed(core, "no membership view", err);
	if ((err = moncall_init(core)))
		return failed(core, "processes cannot ask the monitor", err);
	return OK;
}

/* Core 0: waits for every monitor to join, then pings each over URPC
 * (unless `ping` is false: in a `ufuzz` boot the others are fuzzing and
 * the fuzzer pings them once they are done); the round trips are the
 * SKB's first row. */
void monitor_greet(bool ping)
{
	unsigned n = mesh_join_all(), cores = kernel_cores(CPTR_INFO);

	printf("monitors: %u/%u joined over URPC\n", n, cores);
	/* The UART becomes a service only once no kernel writes it any more
	 * (console.c); a core that did not join still does. */
	err_t err = n == cores ? console_serve() : ERR_TIMEOUT;
	if (err) {
		printf("monitor: the console stays the kernel's: %s: %s\n", err_name(err),
		       err_msg(err));
		/* Input is still read here, so that the shell can be used. */
		if ((err = console_listen()))
			failed(0, "cannot read the console", err);
	}
	for (unsigned k = 1; ping && k < cores; k++) {
		uint64_t cycles;
		if (!mesh_joined(k))
			continue;
		err = mesh_ping(k, &cycles);
		if (err)
			printf("monitor: ping core %u: %s: %s\n", k, err_name(err), err_msg(err));
		else
			printf("monitor: ping core %u: URPC round trip %llu cycles\n", k,
			       (unsigned long long)cycles);
		if (!err)
			skbfeed_rtt(k, cycles);
	}
}

/* The round trips between the other cores, for the System Knowledge
 * Base (usr/skb, docs/skb.md), measured while the boot goes on; nothing
 * where core 0 has no room for an SKB (skbfeed_init said so). */
void monitor_skb_measure(void)
{
	err_t err = skbfeed_on() ? skbfeed_measure() : OK;

	if (err)
		failed(0, "cannot measure the round trips for the SKB", err);
}

/* init, which supervises the SKB and the shell on the serial console
 * (usr/shell, docs/shell.md) beside the programs `init=` names
 * (`noshell` leaves the shell out). Returns after starting it; clients
 * of the SKB wait for its name. The shell's argument is `shell_arg`
 * (SHELL_ARG_*, usr/shell/shell.h). */
void monitor_start_system(const char *cmdline, const char *shell_arg)
{
	const char *shell = cmdline_has(cmdline, "noshell") ? NULL : shell_arg;
	struct proc init;
	err_t err;

	if ((err = init_start(cmdline, false, "", shell, true, &init)))
		failed(0, "cannot start init", err);
	monitor_skb_measure();
}
