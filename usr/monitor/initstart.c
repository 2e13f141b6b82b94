/*
 * The monitor on core 0 starts init (usr/init), the first ordinary process:
 * with RAM of its own (INIT_RAM_MAX, or half of what the monitor has free
 * if that is less), a copy of the boot image, and the programs to start,
 * from the command line's `init=SPEC,SPEC,...` (SPEC is
 * PROG[:ARG][@CORE][/OPTION]..., see usr/init/main.c) under the supervisor
 * flags of `initsup=`, the shell to start (if any), and whether it
 * supervises the SKB; it gets T_MONADMIN as its CPTR_MONITOR, to pass
 * the right to power off to the shell it supervises, and to start the
 * SKB (MON_SPAWN_SKB). init's faults and its exit come to the monitor's
 * fault endpoint, like any child's. Specs that do not fit (too long, more
 * than ARGS_MAX) start nothing, not the part that fit.
 */
#include <stdio.h>
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/lmp.h>
#include <flotilla/spawn.h>
#include "lib/args.h"
#include "usr/monitor/monitor.h"

#define INIT_RAM_MAX	(16ull << 20)

err_t init_start(const char *cmdline, bool wait, const char *default_specs, const char *shell,
		 bool skb, struct proc *out)
{
	static char specs[KERNEL_CMDLINE_MAX], sup[KERNEL_CMDLINE_MAX + 8];
	static char shell_opt[32];
	const char *argv[ARGS_MAX];
	unsigned argc = 0;
	uint64_t size;
	err_t err;

	if (ram_largest(&size) < 0)
		return ERR_NO_MEMORY;
	/* A spec that does not fit is refused, not cut: a cut one would
	 * start another program, or the same with another argument. */
	err = cmdline_find(cmdline, "init", specs, sizeof(specs));
	if (err == ERR_TRUNCATED) {
		printf("init: the init= spec is longer than %zu bytes; starting nothing\n",
		       sizeof(specs) - 1);
		return err;
	}
	if (err && strlcpy(specs, default_specs, sizeof(specs)) >= sizeof(specs))
		return ERR_TRUNCATED;
	argv[argc++] = "init";
	if (wait)
		argv[argc++] = "-w";
	if (shell) {
		snprintf(shell_opt, sizeof(shell_opt), "-shell=%s", shell);
		argv[argc++] = shell_opt;
	}
	if (skb && skbfeed_on())	/* none where core 0 had too little RAM */
		argv[argc++] = "-skb";
	/* An interactive system: its console's writer a service, where core
	 * 0's monitor drives the port (not where it stays the kernel's). */
	if (shell && console_serving() && consvc_room())
		argv[argc++] = "-console";
	/* initsup=STRATEGY[:R/T]: the programs' supervisor (usr/init). */
	strlcpy(sup, "-sup=", sizeof(sup));
	err = cmdline_find(cmdline, "initsup", sup + 5, sizeof(sup) - 5);
	if (err == ERR_TRUNCATED) {
		printf("init: the initsup= value is longer than %zu bytes; starting nothing\n",
		       sizeof(sup) - 6);
		return err;
	}
	if (!err)
		argv[argc++] = sup;
	/* Commas separate the specs: one argument each. */
	for (char *p = specs; *p; ) {
		if (argc == ARGS_MAX)
			return ERR_ARGS_TOO_LONG;	/* never start half of them */
		argv[argc++] = p;
		while (*p && *p != ',')
			p++;
		if (*p)
			*p++ = '\0';
	}
	uint64_t free = size - ram_used_bytes();
	struct spawn_opts o = {
		.notify_exit = true, .argc = argc, .argv = argv, .give_bootimg = true,
		.monitor_ep = T_MONADMIN,	/* for the shell it starts */
		.ram = (free / 2 < INIT_RAM_MAX ? free / 2 : INIT_RAM_MAX) & ~4095ull,
	};
	return spawn_program_opts("init", 0, &o, out);
}

int init_wait(const struct proc *init)
{
	for (;;) {
		struct lmp_msg m;
		err_t err = supervisor_recv(&m);
		if (err) {
			printf("monitor: fault endpoint: %s: %s\n", err_name(err), err_msg(err));
			return -1000;
		}
		bool about_init = m.badge == SPAWN_BADGE(init->idx);
		unsigned kind = LMP_INFO_KIND(m.info);
		int status = kind == LMP_KIND_EXIT ? (int)m.w[0] :
			     -(int)LMP_FAULT_VECTOR(m.w[0]) - 1;
		supervisor_handle(&m);		/* reports it, destroys it */
		if (about_init && (kind == LMP_KIND_EXIT || kind == LMP_KIND_FAULT))
			return status;
	}
}
