/*
 * init: the first ordinary process, and the root of the system's
 * supervision tree (docs/supervision.md). The monitor on core 0 starts it
 * with RAM of its own, the boot image, T_MONADMIN as its CPTR_MONITOR (so
 * that it can give the shell the right to power off) and an argument list:
 *
 *	init [-w] [-shell[=ARG]] [-skb] [-console] [-sup=STRATEGY[:R/T]] SPEC...
 *	SPEC = PROG[:ARG][@CORE][/OPTION]...	(lib/superv.h)
 *
 * The tree, each supervisor after OTP's rules (lib/superv.c):
 *
 *	init		one_for_one, 1 restart in 5 s (OTP's defaults)
 *	  programs	the SPECs, by -sup= (default one_for_one:1/5);
 *			transient: when it gives up (reason shutdown) the
 *			root leaves it, so that programs in a restart loop
 *			do not take the shell down with them
 *	  system	one_for_one, 3 restarts in 5 s (with -skb, -console or -shell)
 *	    console	permanent, on core 0 (-console): the console
 *			service's writer (usr/console), to which core 0's
 *			monitor hands the serial port (MON_SPAWN_CONSOLE);
 *			while it is down the monitor writes the port itself
 *	    skb		permanent, on core 0 (-skb): the System Knowledge
 *			Base (usr/skb), with the facts core 0's monitor
 *			gathers (MON_SPAWN_SKB); restarted, it exports its
 *			name again and its clients bind again
 *	    shell	permanent, on core 0, with the power-off right and
 *			init's endpoint, through which `tree` asks for rows
 *			and `tf` for task forces
 *	  forces	(with the shell) simple_one_for_one: each instance
 *			a task force the shell's `tf run` added, a
 *			temporary supervisor (usr/init/tforce.c)
 *
 * Children run on the cores their specs name, each started by a request
 * to that core's monitor, which reports its faults and exit; init watches
 * them through the monitors (usr/lib/superv.c). With simple_one_for_one
 * every SPEC must name the same program, core and options: the first is
 * the template, and each SPEC is an instance with its own ARG. A bad SPEC,
 * or more than SV_MAX_CHILDREN, starts none of the programs (a part of
 * the list would run as if it were the whole); the rest of the tree runs.
 *
 * With -w init exits once nothing runs under `programs` (the system's
 * services run for ever), with the number of programs that ended badly
 * (or never started): that is how the boot tests run test programs
 * (tools/boottest.py). Otherwise it serves until
 * the root gives up: it polls the monitors every SVR_POLL_NS while
 * children run, and answers `tree` in between.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/lmp.h>
#include <flotilla/monitor.h>
#include <flotilla/spawn.h>
#include <flotilla/superv.h>
#include <flotilla/sys.h>
#include "tforce.h"

#define INIT_EP		CADDR(TASK_CN, 20)	/* requests for rows of the tree */
#define INIT_TREE_EP	CADDR(TASK_CN, 21)	/* the copy the shell gets */
#define TREE_BADGE	0x545245u		/* "TRE" */

static struct sv_spec root = { .name = "init", .strategy = SV_ONE_FOR_ONE, .intensity = 1,
			       .period_s = 5 };
static struct sv_spec programs = { .name = "programs", .strategy = SV_ONE_FOR_ONE,
				   .intensity = 1, .period_s = 5 };
static struct sv_spec system_sup = { .name = "system", .strategy = SV_ONE_FOR_ONE,
				     .intensity = 3, .period_s = 5 };
/* Task forces: the template is a supervisor, each force's own spec given
 * when it is added (svr_add_group); temporary, so that a force that gives
 * up is gone, and never restarts by itself. */
static struct sv_spec forces_sup = {
	.name = "forces", .strategy = SV_SIMPLE_ONE_FOR_ONE, .intensity = 1, .period_s = 5,
	.nchildren = 1,
	.child[0] = { .name = "force", .restart = SV_TEMPORARY, .supervisor = true },
};
static uint64_t instance_args[SV_MAX_CHILDREN];
static unsigned ninstances;

/* A supervisor child of the root. */
static void under_root(const char *name, enum sv_restart r)
{
	struct sv_child_spec *c = &root.child[root.nchildren++];

	strlcpy(c->name, name, sizeof(c->name));
	c->restart = r;
	c->supervisor = true;
}

/* PROG, or PROG.i when the name is taken, cut to fit. */
static void unique_name(struct sv_spec *s, unsigned i)
{
	struct sv_child_spec *c = &s->child[i];

	for (unsigned j = 0; j < i; j++)
		if (strcmp(s->child[j].name, c->name) == 0) {
			char base[SV_NAME_MAX + 1];
			strlcpy(base, c->prog, SV_NAME_MAX - 3);
			snprintf(c->name, sizeof(c->name), "%s.%u", base, i);
			return;
		}
}

static bool same_but_arg(const struct sv_child_spec *a, const struct sv_child_spec *b)
{
	return strcmp(a->prog, b->prog) == 0 && a->core == b->core && a->restart == b->restart &&
	       a->shutdown_ns == b->shutdown_ns && a->heartbeat_ns == b->heartbeat_ns;
}

/* The programs' supervisor from the SPECs; false (and why) if any is bad. */
static bool read_programs(int nspecs, char **specs, const char *flags, unsigned *bad)
{
	unsigned ncores = 1;
	char why[128];
	err_t err;

	mon_cores(&ncores);
	if (flags && (err = sv_parse_flags(flags, &programs, why, sizeof(why)))) {
		printf("init: bad supervisor flags '%s': %s\n", flags, why);
		*bad += (unsigned)nspecs;
		return false;
	}
	if (nspecs > SV_MAX_CHILDREN) {
		printf("init: %d programs to start, more than the %u it supervises; starting none\n",
		       nspecs, SV_MAX_CHILDREN);
		*bad += (unsigned)nspecs;
		return false;
	}
	for (int i = 0; i < nspecs; i++) {
		struct sv_child_spec c;
		if ((err = sv_parse_child(specs[i], &c, why, sizeof(why)))) {
			printf("init: bad spec '%s': %s\n", specs[i], why);
			(*bad)++;
			continue;
		}
		if (c.core >= ncores) {
			printf("init: bad spec '%s': there is no core %u (cores 0..%u)\n", specs[i],
			       c.core, ncores - 1);
			(*bad)++;
			continue;
		}
		if (!spawn_has_program(c.prog)) {
			printf("init: bad spec '%s': there is no program '%s' in the boot image\n",
			       specs[i], c.prog);
			(*bad)++;
			continue;
		}
		c.rt_flags = MON_SPAWN_RAM_1M;	/* room to build and start programs */
		if (programs.strategy == SV_SIMPLE_ONE_FOR_ONE) {
			if (i && !same_but_arg(&c, &programs.child[0])) {
				printf("init: bad spec '%s': under simple_one_for_one every program must be the first one's PROG@CORE/OPTIONS; only ARG may differ\n",
				       specs[i]);
				(*bad)++;
				continue;
			}
			instance_args[ninstances++] = c.arg;
			if (i)
				continue;
		}
		programs.child[programs.nchildren] = c;
		unique_name(&programs, programs.nchildren++);
	}
	if (*bad) {
		printf("init: starting none of the programs: %u bad spec%s\n", *bad, *bad == 1 ? "" : "s");
		return false;
	}
	if ((err = sv_check(&programs, ncores, spawn_has_program, why, sizeof(why)))) {
		printf("init: bad supervisor 'programs': %s: %s; starting none of the programs\n",
		       err_name(err), why);
		*bad += (unsigned)nspecs;
		return false;
	}
	return nspecs > 0;
}

/* A child of `system`: a service on core 0 that runs for ever. */
static struct sv_child_spec *system_child(const char *name, unsigned rt_flags)
{
	struct sv_child_spec *c = &system_sup.child[system_sup.nchildren++];

	strlcpy(c->name, name, sizeof(c->name));
	strlcpy(c->prog, name, sizeof(c->prog));
	c->restart = SV_PERMANENT;
	c->rt_flags = rt_flags;
	return c;
}

int main(int argc, char **argv)
{
	const char *flags = NULL, *shell = NULL;
	bool skb = false, console = false;
	int first = 1, node, programs_node = -1;
	unsigned bad = 0;
	err_t err;

	for (; first < argc && argv[first][0] == '-'; first++) {
		if (strcmp(argv[first], "-w") == 0)
			;
		else if (strncmp(argv[first], "-shell", 6) == 0)
			shell = argv[first][6] == '=' ? argv[first] + 7 : "0";
		else if (strcmp(argv[first], "-skb") == 0)
			skb = true;
		else if (strcmp(argv[first], "-console") == 0)
			console = true;
		else if (strncmp(argv[first], "-sup=", 5) == 0)
			flags = argv[first] + 5;
		else
			printf("init: unknown option '%s' ignored\n", argv[first]);
	}
	bool wait = argc > 1 && strcmp(argv[1], "-w") == 0;

	if ((err = ram_retype(CPTR_TASKCN, CADDR_L2(INIT_EP), CAP_ENDPOINT, 0)) ||
	    (err = cnode_mint(CPTR_TASKCN, CADDR_L2(INIT_TREE_EP), INIT_EP, CAP_RIGHT_WRITE,
			      TREE_BADGE))) {
		printf("init: no endpoint for requests: %s: %s\n", err_name(err), err_msg(err));
		return 100;
	}
	svr_init("init", INIT_TREE_EP);
	bool have_programs = read_programs(argc - first, argv + first, flags, &bad);
	if (have_programs)
		under_root("programs", SV_TRANSIENT);
	/* The console service first: everything after it is written
	 * through it. No heartbeat: core 0's monitor finds one that hangs
	 * (its ring stays full) and takes the port back; restarted, it is
	 * given the port again. */
	if (console)
		system_child("console", MON_SPAWN_CONSOLE);
	/* The SKB next: the shell's `skb` and `tf` wait for its name. */
	if (skb)
		system_child("skb", MON_SPAWN_SKB);
	if (shell)
		/* 64 KiB of RAM and the boot image: what binding a channel to
		 * the SKB takes (the shell's `skb`, docs/skb.md), and no more,
		 * for core 0 may be short of memory. */
		system_child("shell", MON_SPAWN_ADMIN | MON_SPAWN_RAM_64K | SVR_GIFT)->arg =
			strtoul(shell, NULL, 0);
	if (system_sup.nchildren)
		under_root("system", SV_PERMANENT);
	if (shell)
		under_root("forces", SV_PERMANENT);
	unsigned in_root = 0;
	if ((err = svr_add(&root, -1, 0, &node)) ||
	    (have_programs && (err = svr_add(&programs, 0, in_root++, &programs_node))) ||
	    (system_sup.nchildren && (err = svr_add(&system_sup, 0, in_root++, &node))) ||
	    (shell && (err = svr_add(&forces_sup, 0, in_root++, &node)))) {
		printf("init: cannot build the tree: %s: %s\n", err_name(err), err_msg(err));
		return 100;
	}
	if (shell)
		tf_forces_node(node);	/* the last added */
	svr_start(sys_clock_ns());
	for (unsigned i = 0; have_programs && i < ninstances; i++)
		if ((err = svr_add_instance(programs_node, instance_args[i], sys_clock_ns())))
			printf("init: cannot add instance %u: %s: %s\n", i, err_name(err), err_msg(err));
	unsigned n = !have_programs ? 0 : programs.strategy == SV_SIMPLE_ONE_FOR_ONE ? ninstances :
		     programs.nchildren;
	printf("init: supervising %u program%s\n", n, n == 1 ? "" : "s");
	for (;;) {
		uint64_t now = sys_clock_ns();
		struct lmp_msg m;

		svr_poll(now);
		if (svr_root_ended()) {
			printf("init: the root supervisor has ended; init exits\n");
			return 100 + (int)svr_bad();
		}
		if (wait && (programs_node < 0 || svr_quiet_under(programs_node)))
			break;
		uint64_t at = svr_wake_at(now);
		err = lmp_recv(INIT_EP, at == UINT64_MAX ? 0 : LMP_NONBLOCK, 0, &m);
		if (err == ERR_WOULD_BLOCK) {
			sys_sleep_until(at);
			continue;
		}
		if (err) {
			printf("init: its endpoint failed: %s: %s\n", err_name(err), err_msg(err));
			return 101;
		}
		if (m.badge == TREE_BADGE) {
			if (LMP_INFO_KIND(m.info) != LMP_KIND_CALL || !tf_serve(&m))
				svr_serve(&m);
		} else {
			printf("init: refused a message of kind %u (badge 0x%llx): only rows of the tree are asked for here\n",
			       LMP_INFO_KIND(m.info), (unsigned long long)m.badge);
			if (LMP_INFO_KIND(m.info) == LMP_KIND_CALL)
				lmp_reply(0, 0, (const uint64_t[LMP_WORDS]){ ERR_BAD_MESSAGE });
		}
	}
	bad += svr_bad();
	printf("init: nothing left to supervise; %u program%s ended badly\n", bad,
	       bad == 1 ? "" : "s");
	return (int)bad;
}
