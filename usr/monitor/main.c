/*
 * The monitor: one per core, the first process the CPU driver starts
 * (kernel/boot_user.c), holding the Kernel capability and all of its core's
 * memory as RAM capabilities. Monitors become the system's control plane
 * (channels, spawning, capability transfer between cores); for now each
 * one says what it holds, and with `ufuzz` every monitor runs the
 * system-call fuzzer against its own core's kernel. The monitor on core 0
 * starts init (initstart.c, usr/init), which starts the programs the
 * command line names; with `utest` it first runs its own user-space tests,
 * then has init run the test programs (usertest) and powers off with the
 * verdict. Otherwise init also supervises the shell on the serial console,
 * which the monitor on core 0 drives as the console service (console.c).
 * Then each monitor supervises: it waits on its fault endpoint
 * (supervise.c), blocked, so an idle core halts.
 */
#include <stdio.h>
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/testfault.h>
#include "lib/test.h"
#include "usr/monitor/agreeview.h"
#include "usr/monitor/fuzz.h"
#include "usr/monitor/monitor.h"
#include "usr/shell/shell.h"

extern unsigned long libc_arg;

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

/* Core 0: waits for every monitor to join, then pings each over URPC
 * (unless `ping` is false: in a `ufuzz` boot the others are fuzzing and
 * fuzz_every_core pings them once they are done). */
static void mesh_greet(bool ping)
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
			printf("monitor: core 0: cannot read the console: %s: %s\n",
			       err_name(err), err_msg(err));
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
			skbfeed_rtt(k, cycles);		/* the SKB's first row */
	}
}

/* The System Knowledge Base (usr/skb, docs/skb.md): its process; the
 * round trips between the other cores are measured meanwhile. Before
 * the test programs, which ask it; otherwise after init and the shell,
 * which matter more where memory is short (clients wait for its name). */
static void skb_start(void)
{
	err_t err = skbfeed_start();

	if (err)
		printf("monitor: core 0: cannot start the SKB: %s: %s\n", err_name(err),
		       err_msg(err));
}

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
	if ((err = init_start(cmdline, true, "usertest", NULL, &init))) {
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
	unsigned core = sys_core_id(), nram;
	uint64_t ram = monitor_ram_bytes(&nram);
	char cmdline[KERNEL_CMDLINE_MAX];
	err_t err;

	printf("monitor: core %u up (argument %lu), %u RAM capabilities, %llu KiB\n", core,
	       libc_arg, nram, (unsigned long long)(ram >> 10));
	err = kernel_cmdline(CPTR_INFO, cmdline, sizeof(cmdline));
	if (err) {
		printf("monitor: cannot read the command line: %s: %s\n", err_name(err), err_msg(err));
		return 1;
	}
	if ((err = supervisor_init()))
		printf("monitor: core %u: no fault endpoint: %s: %s\n", core, err_name(err),
		       err_msg(err));
	/* `ufault`: the monitor on core k (1..5) faults in the k-th way, before
	 * it joins the others; only it stops. The others go on without the
	 * mesh (not every core will join), with everything else: core 0 runs
	 * its tests, or init and the shell, whose requests it serves. */
	bool ufault = cmdline_has(cmdline, "ufault");
	if (core != 0 && ufault) {
		printf("monitor: core %u faults on purpose (ufault)\n", core);
		fault_on_purpose(core);
	}
	/* Without a trace the system runs on, so this error stops nothing. */
	err_t terr = err ? OK : mtrace_init(core, cmdline);
	if (terr)
		printf("monitor: core %u: no event trace: %s: %s\n", core, err_name(terr),
		       err_msg(terr));
	if (!err && (err = console_init(core)))
		printf("monitor: core %u: no console service: %s: %s\n", core, err_name(err),
		       err_msg(err));
	if (!err && (err = skbfeed_init(core)))
		printf("monitor: core %u: nothing for the SKB: %s: %s\n", core, err_name(err),
		       err_msg(err));
	if (!err && !ufault && (err = mesh_init(core)))
		printf("monitor: core %u: no channels to the other monitors: %s: %s\n", core,
		       err_name(err), err_msg(err));
	if (!err && !ufault && (err = skbfeed_report(core)))
		printf("monitor: core %u: cannot tell the SKB its CPUID: %s: %s\n", core,
		       err_name(err), err_msg(err));
	if (!err && !ufault && core != 0 && (err = console_take()))
		printf("monitor: core %u: cannot hand the console over: %s: %s\n", core,
		       err_name(err), err_msg(err));
	meshbench_init();	/* make bench's pairs; nothing unless the mesh is up */
	if (!err && (err = remote_init()))
		printf("monitor: core %u: no remote operations: %s: %s\n", core, err_name(err),
		       err_msg(err));
	if (!err && (err = rcap_init(core)))
		printf("monitor: core %u: no capabilities across cores: %s: %s\n", core,
		       err_name(err), err_msg(err));
	if (!err && (err = names_init(core)))
		printf("monitor: core %u: no name service: %s: %s\n", core, err_name(err),
		       err_msg(err));
	if (!err && (err = agreeview_init(core)))
		printf("monitor: core %u: no membership view: %s: %s\n", core, err_name(err),
		       err_msg(err));
	if (!err && (err = moncall_init(core)))
		printf("monitor: core %u: processes cannot ask the monitor: %s: %s\n", core,
		       err_name(err), err_msg(err));
	/* `ufuzz` (fuzz.h); a value too long to read is refused like a bad one. */
	char fuzz[KERNEL_CMDLINE_MAX];
	err_t fuzz_err = cmdline_find(cmdline, "ufuzz", fuzz, sizeof(fuzz));
	if (core == 0 && !err && !ufault)
		mesh_greet(fuzz_err == ERR_NOT_FOUND);
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
	if (cmdline_has(cmdline, "bench"))	/* usr/monitor/bench.c */
		monitor_poweroff(bench_main(cmdline) ? 0x11 : 0x10);
	if (cmdline_has(cmdline, "utest")) {
		int failed = utest_main(cmdline);
		/* With ufault the host decides when it has seen every fault. */
		if (ufault)
			supervisor_serve();
		skb_start();
		failed += run_init_tests(cmdline);
		monitor_poweroff(failed ? 0x11 : 0x10);
	}
	/* init supervises the shell on the serial console (usr/shell,
	 * docs/shell.md) beside the programs: `noshell` leaves it out, and
	 * with `shellfault` it faults once on purpose (the boot test of its
	 * restart). */
	struct proc init;
	const char *shell = cmdline_has(cmdline, "noshell") ? NULL :
			    cmdline_has(cmdline, "shellfault") ? "1" : "0";
	_Static_assert(SHELL_ARG_FAULT == 1, "the shell's argument for shellfault");
	if ((err = init_start(cmdline, false, "", shell, &init)))
		printf("monitor: core 0: cannot start init: %s: %s\n", err_name(err), err_msg(err));
	skb_start();	/* after init and the shell, which matter more where memory is short */
	supervisor_serve();
	return 0;
}

/* A number, decimal or 0x hex, all of s[0..n) and at most `max`. */
static bool parse_number(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	unsigned base = n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 16 : 10;
	uint64_t v = 0;
	size_t i = base == 16 ? 2 : 0;

	if (i == n)
		return false;
	for (; i < n; i++) {
		char c = s[i];
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') :
			     base == 16 && c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) :
			     base == 16 && c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 99;
		if (d >= base || v > (max - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

const char *fuzz_opts_parse(const char *value, struct fuzz_opts *o)
{
	*o = (struct fuzz_opts){ .calls = FUZZ_CALLS_DEFAULT, .kernel_core = FUZZ_LAST_CORE };
	for (const char *p = value; *p; ) {
		const char *w = p;
		while (*p && *p != ',')
			p++;
		size_t n = (size_t)(p - w);
		uint64_t v;
		if (*p)
			p++;
		if (n > 6 && strncmp(w, "calls=", 6) == 0) {
			if (!parse_number(w + 6, n - 6, FUZZ_CALLS_MAX, &v) || v == 0)
				return "calls= wants a number from 1 to 1000000000";
			o->calls = (unsigned)v;
		} else if (n == 6 && strncmp(w, "kernel", 6) == 0) {
			o->kernel = true;
		} else if (n > 7 && strncmp(w, "kernel=", 7) == 0) {
			if (!parse_number(w + 7, n - 7, MAX_MESH_CORES, &v) || v == 0)
				return "kernel= wants a core other than 0, whose loss is acceptable";
			o->kernel = true;
			o->kernel_core = (unsigned)v;
		} else if (n && parse_number(w, n, UINT64_MAX, &v) && !o->seeded) {
			o->seed = v;
			o->seeded = true;
		} else {
			return "each option is a seed (decimal or 0x hex, once), calls=N, kernel or kernel=CORE";
		}
	}
	return NULL;
}
