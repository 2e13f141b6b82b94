/*
 * The shell's commands. Each one is a thin layer over a monitor call
 * (flotilla/monitor.h) or a capability invocation: it checks its words,
 * makes the call, and prints the answer or the error. The shell holds no
 * state of its own about the system; `ps` and `mem` ask every core's
 * monitor afresh, `tree` asks init (through the endpoint init gave it), and `caps` identifies the shell's own slots one by one.
 *
 * A core number is checked against mon_cores before it is used, so a
 * mistyped core is a usage message rather than a monitor error. Errors
 * the monitors return are printed with their names (shell_error), and the
 * shell goes on: nothing a user types ends it.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/monitor.h>
#include <flotilla/superv.h>
#include <flotilla/sys.h>
#include "lib/lineedit.h"
#include "shell.h"

/* How many cores the monitors span, or 0 after printing why not. */
static unsigned cores(const char *what)
{
	unsigned n;
	err_t err = mon_cores(&n);

	if (err) {
		shell_error(err, NULL, "%s: cannot count the cores", what);
		return 0;
	}
	return n;
}

/* Parses `word` as a core number below the number of cores. */
static bool core_arg(const struct command *cmd, const char *word, unsigned *core)
{
	uint64_t v;
	unsigned n;

	if (lineedit_parse_u64(word, &v)) {
		shell_usage(cmd, "'%s' is not a core number", word);
		return false;
	}
	if (!(n = cores(cmd->name)))
		return false;
	if (v >= n) {
		shell_usage(cmd, "there is no core %s (cores 0..%u)", word, n - 1);
		return false;
	}
	*core = (unsigned)v;
	return true;
}

/* Parses "CORE:PID". */
static bool proc_arg(const struct command *cmd, const char *word, unsigned *core, unsigned *pid)
{
	char buf[LINEEDIT_SIZE];
	char *colon;
	uint64_t v;

	strlcpy(buf, word, sizeof(buf));
	colon = strchr(buf, ':');
	if (!colon) {
		shell_usage(cmd, "'%s' is not CORE:PID", word);
		return false;
	}
	*colon = '\0';
	if (lineedit_parse_u64(colon + 1, &v) || v > 0xFFFFFFFFu) {
		shell_usage(cmd, "'%s' is not a process number", colon + 1);
		return false;
	}
	*pid = (unsigned)v;
	return core_arg(cmd, buf, core);
}

static void cmd_help(const struct command *cmd, unsigned n, char **words)
{
	for (unsigned i = 0; i < shell_ncommands; i++) {
		const struct command *c = &shell_commands[i];
		char syntax[48];

		snprintf(syntax, sizeof(syntax), "%s%s%s", c->name, c->args[0] ? " " : "", c->args);
		printf("  %-30s %s\n", syntax, c->what);
	}
}

/* The members of a view as ranges: "0-3", "0,2-5". */
static void print_members(uint64_t set)
{
	const char *sep = "";

	for (unsigned c = 0; c < 64; c++) {
		unsigned e = c;

		if (!((set >> c) & 1))
			continue;
		while (e + 1 < 64 && ((set >> (e + 1)) & 1))
			e++;
		if (e == c)
			printf("%s%u", sep, c);
		else
			printf("%s%u-%u", sep, c, e);
		sep = ",";
		c = e;
	}
}

static void cmd_cores(const struct command *cmd, unsigned n, char **words)
{
	unsigned count = cores("cores");
	uint32_t epoch;
	uint64_t members;
	err_t err;

	if (!count)
		return;
	printf("%u core%s\n", count, count == 1 ? "" : "s");
	if ((err = mon_view(&epoch, &members))) {
		shell_error(err, NULL, "cores: cannot read the membership view");
		return;
	}
	printf("view: epoch %u, members ", epoch);
	print_members(members);
	printf("\n");
}

static void cmd_ping(const struct command *cmd, unsigned n, char **words)
{
	unsigned core, self = sys_core_id();
	uint64_t cycles;
	err_t err;

	if (!core_arg(cmd, words[1], &core))
		return;
	err = mon_ping(core, &cycles);
	if (err == ERR_INVALID_ARG && core == self)
		shell_error(err, "the shell's own core: only other cores' monitors are pinged over URPC",
			    "ping core %u", core);
	else if (err)
		shell_error(err, NULL, "ping core %u", core);
	else
		printf("ping core %u: URPC round trip %llu cycles\n", core,
		       (unsigned long long)cycles);
}

static const char *state_name(unsigned state, char *buf, size_t size)
{
	static const char *const names[] = {
		[DISP_STATE_NEW] = "new",
		[DISP_STATE_READY] = "ready",
		[DISP_STATE_RUNNABLE] = "runnable",
		[DISP_STATE_STOPPED] = "stopped",
		[DISP_STATE_BLOCKED] = "blocked",
	};

	if (state < sizeof(names) / sizeof(names[0]) && names[state])
		return names[state];
	snprintf(buf, size, "%u", state);
	return buf;
}

/* One core's processes; returns how many, after reporting an error. */
static unsigned ps_core(unsigned core)
{
	struct mon_proc p;
	unsigned i;
	err_t err;

	for (i = 0; (err = mon_ps(core, i, &p)) == OK; i++) {
		char proc[24], state[12];

		snprintf(proc, sizeof(proc), "%u:%u", core, p.pid);
		printf("%-7s %-9s %s\n", proc, state_name(p.state, state, sizeof(state)), p.name);
	}
	if (err != ERR_NOT_FOUND)
		shell_error(err, NULL, "ps: core %u", core);
	return i;
}

static void cmd_ps(const struct command *cmd, unsigned n, char **words)
{
	unsigned ncores = cores("ps"), total = 0;

	if (!ncores)
		return;
	printf("%-7s %-9s %s\n", "PROC", "STATE", "NAME");
	for (unsigned core = 0; core < ncores; core++)
		total += ps_core(core);
	printf("%u process%s on %u core%s\n", total, total == 1 ? "" : "es", ncores,
	       ncores == 1 ? "" : "s");
}

static void cmd_spawn(const struct command *cmd, unsigned n, char **words)
{
	const char *prog = words[1];
	unsigned core = sys_core_id(), pid;
	uint64_t arg = 0;
	err_t err;

	if (strlen(prog) > MON_PROG_NAME_MAX) {
		shell_usage(cmd, "a program name has at most %u characters", MON_PROG_NAME_MAX);
		return;
	}
	/* spawn PROG [ARG] [on CORE]: "on CORE" is the last two words. */
	if (n >= 3 && strcmp(words[n - 1], "on") == 0) {
		shell_usage(cmd, "a core number must follow 'on'");
		return;
	}
	if (n >= 4 && strcmp(words[n - 2], "on") == 0) {
		if (!core_arg(cmd, words[n - 1], &core))
			return;
		n -= 2;
	}
	if (n > 3) {
		shell_usage(cmd, "'%s' is neither the argument nor 'on CORE'", words[3]);
		return;
	}
	if (n == 3 && lineedit_parse_u64(words[2], &arg)) {
		shell_usage(cmd, "'%s' is not a number", words[2]);
		return;
	}
	err = mon_spawn(prog, core, arg, &pid);
	if (err == ERR_NOT_FOUND)
		shell_error(err, "no program of that name in the boot image", "spawn '%s' on core %u",
			    prog, core);
	else if (err)
		shell_error(err, NULL, "spawn '%s' on core %u", prog, core);
	else
		printf("started %s as %u:%u\n", prog, core, pid);
}

static void cmd_kill(const struct command *cmd, unsigned n, char **words)
{
	unsigned core, pid;
	err_t err;

	if (!proc_arg(cmd, words[1], &core, &pid))
		return;
	err = mon_kill(core, pid);
	if (err)
		shell_error(err, NULL, "kill %u:%u", core, pid);
	else
		printf("killed %u:%u\n", core, pid);
}

static void rights_text(unsigned rights, char out[5])
{
	out[0] = rights & CAP_RIGHT_READ ? 'r' : '-';
	out[1] = rights & CAP_RIGHT_WRITE ? 'w' : '-';
	out[2] = rights & CAP_RIGHT_EXECUTE ? 'x' : '-';
	out[3] = rights & CAP_RIGHT_GRANT ? 'g' : '-';
	out[4] = '\0';
}

/* What base and size mean depends on the type (struct cap_info). */
static void cap_details(const struct cap_info *c, char *buf, size_t size)
{
	switch (c->type) {
	case CAP_IOPORT:
		snprintf(buf, size, "ports 0x%llx..0x%llx", (unsigned long long)c->base,
			 (unsigned long long)(c->base + c->size - 1));
		break;
	case CAP_NOTIFY:
		snprintf(buf, size, "core %llu, doorbell %llu", (unsigned long long)c->base,
			 (unsigned long long)c->size);
		break;
	case CAP_IRQ:
		snprintf(buf, size, "IRQ %llu", (unsigned long long)c->base);
		break;
	case CAP_ENDPOINT:
		snprintf(buf, size, "at 0x%llx, badge 0x%llx", (unsigned long long)c->base,
			 (unsigned long long)c->badge);
		break;
	case CAP_INFO: case CAP_POWER: case CAP_DOORBELL: case CAP_EXPORT: case CAP_SPAN:
	case CAP_CONSOLE:	/* authority: no memory, the type says it all */
		buf[0] = '\0';
		break;
	default:		/* memory: RAM, frames, CNodes, page tables, dispatchers */
		snprintf(buf, size, "at 0x%llx, %llu bytes", (unsigned long long)c->base,
			 (unsigned long long)c->size);
		break;
	}
}

/* The RAM capabilities in the RAM CNode: how many, how many bytes. */
static unsigned ram_caps(uint64_t *bytes)
{
	unsigned count = 0;

	*bytes = 0;
	for (unsigned i = 0; i < CNODE_L2_SLOTS; i++) {
		struct cap_info c;
		if (cap_identify(CADDR(RAM_CN, i), &c) || c.type != CAP_RAM)
			continue;
		*bytes += c.size;
		count++;
	}
	return count;
}

static void cmd_caps(const struct command *cmd, unsigned n, char **words)
{
	unsigned count = 0, nram;
	uint64_t ram;

	printf("%-4s %-10s %-6s %s\n", "SLOT", "TYPE", "RIGHTS", "OBJECT");
	for (unsigned i = 0; i < CNODE_L2_SLOTS; i++) {
		struct cap_info c;
		char rights[5], details[64];
		err_t err = cap_identify(CADDR(TASK_CN, i), &c);

		if (err == ERR_CAP_EMPTY)
			continue;
		if (err == ERR_CAP_RANGE)
			break;			/* a task CNode smaller than usual */
		if (err) {
			shell_error(err, NULL, "caps: slot %u", i);
			continue;
		}
		rights_text(c.rights, rights);
		cap_details(&c, details, sizeof(details));
		printf("%4u %-10s %-6s %s\n", i, cap_type_name(c.type), rights, details);
		count++;
	}
	nram = ram_caps(&ram);
	if (nram)
		printf("%u capabilities in the task CNode; %u RAM capabilities (%llu KiB) in the RAM CNode\n",
		       count, nram, (unsigned long long)(ram >> 10));
	else
		printf("%u capabilities in the task CNode; no RAM capabilities\n", count);
}

static void cmd_mem(const struct command *cmd, unsigned n, char **words)
{
	unsigned ncores = cores("mem");

	for (unsigned core = 0; core < ncores; core++) {
		uint64_t free, total;
		err_t err = mon_mem(core, &free, &total);

		if (err)
			shell_error(err, NULL, "mem: core %u", core);
		else
			printf("core %u: %llu KiB free of %llu KiB\n", core,
			       (unsigned long long)(free >> 10), (unsigned long long)(total >> 10));
	}
}

/* The event trace (docs/trace.md): every core's snapshot first, then
 * each core prints its own, between a begin and an end line that
 * tools/trace.py looks for. */
static void cmd_trace(const struct command *cmd, unsigned n, char **words)
{
	uint64_t count = 256, kept, lost, printed;
	unsigned ncores;
	err_t err;

	if (n == 2 && (lineedit_parse_u64(words[1], &count) || count == 0 ||
		       count > MON_TRACE_MAX)) {
		shell_usage(cmd, "'%s' is not a count of events from 1 to %u", words[1],
			    MON_TRACE_MAX);
		return;
	}
	if (!(ncores = cores(cmd->name)))
		return;
	printf("trace: begin %u cores, %llu events per ring\n", ncores, (unsigned long long)count);
	for (unsigned core = 0; core < ncores; core++)
		if ((err = mon_trace_snap(core, (unsigned)count, &kept, &lost)))
			shell_error(err, err == ERR_UNSUPPORTED ? "the trace is off (trace=off)" : NULL,
				    "trace: core %u", core);
	for (unsigned core = 0; core < ncores; core++)
		if ((err = mon_trace_print(core, &printed)) && err != ERR_NOT_FOUND &&
		    err != ERR_UNSUPPORTED)
			shell_error(err, NULL, "trace: core %u", core);
	printf("trace: end\n");
}

/* The supervision tree, from init (docs/supervision.md): every
 * supervisor and child, indented under its supervisor, with its core and
 * pid while it runs, its state and how often it was restarted. */
static void cmd_tree(const struct command *cmd, unsigned n, char **words)
{
	struct svr_row r;
	unsigned i;
	err_t err = OK;

	printf("%-24s %-9s %-11s %s\n", "SUPERVISOR / CHILD", "CORE:PID", "STATE", "RESTARTS");
	for (i = 0; i < 256 && !(err = svr_ask_row(CPTR_SUPERVISOR, i, &r)); i++) {
		char name[40], where[16] = "-";
		snprintf(name, sizeof(name), "%*s%s%s", 2 * r.depth, "", r.name,
			 r.supervisor ? "/" : "");
		if (r.has_proc)
			snprintf(where, sizeof(where), "%u:%u", r.core, r.pid);
		else if (!r.supervisor)
			snprintf(where, sizeof(where), "%u:-", r.core);
		printf("%-24s %-9s %-11s %u\n", name, where, svr_state_name(r.state), r.restarts);
	}
	if (err != ERR_NOT_FOUND)
		shell_error(err, err == ERR_CAP_EMPTY ? "this shell was not started by init" : NULL,
			    "tree: row %u", i);
}

static void cmd_poweroff(const struct command *cmd, unsigned n, char **words)
{
	err_t err;

	printf("shell: powering off\n");
	err = mon_poweroff(0);			/* it returns only on an error */
	shell_error(err, err == ERR_UNSUPPORTED ?
		    "the machine is still on; the kernel's poweroff line above says why" : NULL,
		    "poweroff");
}

static void cmd_reboot(const struct command *cmd, unsigned n, char **words)
{
	err_t err;

	printf("shell: rebooting\n");
	err = mon_reboot();			/* it returns only on an error */
	shell_error(err, NULL, "reboot");
}

const struct command shell_commands[] = {
	{ "help", "", "this list", 1, 1, cmd_help },
	{ "cores", "", "how many cores the monitors span; the membership view", 1, 1, cmd_cores },
	{ "ping", "CORE", "URPC round trip from this core's monitor to CORE's", 2, 2, cmd_ping },
	{ "ps", "", "processes the monitors started, and spans: CORE:PID, state, name", 1, 1, cmd_ps },
	{ "spawn", "PROG [ARG] [on CORE]", "start boot-image program PROG (default: ARG 0, this core)",
	  2, 5, cmd_spawn },
	{ "kill", "CORE:PID", "end a process that spawn started", 2, 2, cmd_kill },
	{ "caps", "", "the shell's own capabilities", 1, 1, cmd_caps },
	{ "mem", "", "free and total RAM of every core's monitor", 1, 1, cmd_mem },
	/* The syntax fits help's column; SHAPE after ROOT is in the text. */
	{ "skb", "[core N|node N|tree ROOT]",
	  "the machine's facts (System Knowledge Base); tree ROOT [SHAPE]: a tree's edges", 1, 4,
	  shell_skb },
	{ "trace", "[N]", "every core's newest N events (256) for tools/trace.py", 1, 2, cmd_trace },
	{ "tree", "", "the supervision tree: core, state and restarts of each child", 1, 1,
	  cmd_tree },
	{ "tf", "run NAME PROG [ARG] on CORES [hb=S]|ls|kill NAME",
	  "task forces: a program on each core of CORES (1-3, 0,2, spread:N, packed:N), one supervisor", 2, 8,
	  shell_tf },
	{ "poweroff", "", "power the machine off", 1, 1, cmd_poweroff },
	{ "reboot", "", "reset the machine (ACPI reset register, keyboard controller, triple fault)",
	  1, 1, cmd_reboot },
};
const unsigned shell_ncommands = sizeof(shell_commands) / sizeof(shell_commands[0]);
