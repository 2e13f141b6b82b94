/*
 * `tf run NAME PROG [ARG] on CORES`, `tf ls`, `tf kill NAME`: task forces
 * (docs/taskforce.md). The shell checks the words with lib/tforce.c and
 * sends init one request (lib/tforce.h), through the endpoint `tree`
 * uses; init checks it again, runs the force in its tree and answers.
 * The shell keeps nothing: `tf ls` asks init afresh.
 */
#include <stdio.h>
#include <string.h>
#include <flotilla/lmp.h>
#include <flotilla/monitor.h>
#include <flotilla/skb.h>
#include <flotilla/superv.h>
#include "lib/skb.h"
#include "lib/tforce.h"
#include "shell.h"

static err_t ask(const uint64_t w[LMP_WORDS], struct lmp_msg *m)
{
	err_t err = lmp_call(CPTR_SUPERVISOR, 0, 0, 0, w, m);

	return err ? err : (err_t)m->w[0];
}

static const char *no_init(err_t err)
{
	return err == ERR_CAP_EMPTY ? "this shell was not started by init" : NULL;
}

/* The machine as the SKB knows it: present cores, their nodes, and who
 * shares each one's last-level cache (the highest level it lists). */
static err_t skb_topo(struct idl_binding *b, struct tf_topo *t)
{
	uint32_t gen, ncores, found, nnodes, flags, nconflicts, rows;
	const char *cpu, *hv;
	err_t status, err;

	err = if_skb_summary_call(b, &status, &gen, &ncores, &t->present, &found, &nnodes, &flags,
				  &nconflicts, &rows, &cpu, &hv);
	if (err || status)
		return err ? err : status;
	t->ncores = ncores < TF_MAX_CORES ? ncores : TF_MAX_CORES;
	for (unsigned c = 0; c < t->ncores; c++) {
		uint32_t node = 0, ncaches = 0;
		uint8_t top = 0;
		if (!(t->present >> c & 1))
			continue;
		if ((err = if_skb_core_call(b, c, &status, NULL, NULL, NULL, NULL, NULL, &node,
					    &ncaches, NULL)) || status)
			return err ? err : status;
		t->node[c] = (uint8_t)node;
		for (unsigned k = 0; k < ncaches; k++) {
			uint8_t level, type;
			uint64_t size, sharers;
			if (!if_skb_cache_call(b, c, k, &status, &level, &type, &size, &sharers) &&
			    !status && type != SKB_CACHE_INST && level > top) {
				top = level;
				t->llc[c] = sharers;
			}
		}
	}
	return OK;
}

/* spread:N or packed:N: where the SKB's facts put the members. */
static bool place(struct tf_run *r)
{
	struct idl_binding *b = skb_binding();
	struct tf_topo t = { 0 };
	char why[128], list[200];
	err_t err;

	if (!b)
		return false;			/* it said why */
	if ((err = skb_topo(b, &t))) {
		shell_error(err, NULL, "tf run: the SKB's facts for %s:%u", tf_place_name(r->place),
			    r->want);
		return false;
	}
	if (tf_place_cores(r->place, r->want, &t, &r->cores, why, sizeof(why))) {
		printf("shell: tf run: %s\n", why);
		return false;
	}
	skb_fmt_cores(r->cores, list, sizeof(list));
	printf("tf run: %s:%u places %s on cores %s\n", tf_place_name(r->place), r->want, r->name,
	       list);
	return true;
}

static void tf_run(const struct command *cmd, unsigned n, char **words)
{
	struct tf_run r;
	struct lmp_msg m;
	uint64_t w[LMP_WORDS];
	unsigned ncores;
	char why[128];
	err_t err;

	if ((err = mon_cores(&ncores))) {
		shell_error(err, NULL, "tf run: cannot count the cores");
		return;
	}
	if (tf_parse_run(n - 2, words + 2, ncores, &r, why, sizeof(why))) {
		shell_usage(cmd, "%s", why);
		return;
	}
	if (r.place != TF_PLACE_GIVEN && !place(&r))
		return;
	tf_pack_run(&r, w);
	err = ask(w, &m);
	if (err == ERR_NOT_FOUND)
		printf("shell: tf run: there is no program '%s' in the boot image\n", r.prog);
	else if (err == ERR_NAME_IN_USE)
		printf("shell: tf run: there is a task force called '%s' already\n", r.name);
	else if (err == ERR_TOO_MANY)
		printf("shell: tf run: init has no room for another task force; 'tf kill' one first\n");
	else if (err)
		shell_error(err, no_init(err), "tf run %s", r.name);
	else
		printf("task force %s: %s on %u core%s\n", r.name, r.prog, tf_count(r.cores),
		       tf_count(r.cores) == 1 ? "" : "s");
}

static void tf_ls(void)
{
	uint64_t w[LMP_WORDS] = { TF_REQ_FORCE };
	struct lmp_msg m;
	err_t err = OK;
	unsigned k;

	printf("%-8s %-8s %-8s %s\n", "FORCE", "PROGRAM", "RESTARTS", "MEMBERS (CORE:PID STATE)");
	for (k = 0; k < 64; k++) {
		char name[TF_NAME_MAX + 1], prog[TF_PROG_MAX + 1];
		unsigned restarts = 0;

		w[0] = TF_REQ_FORCE;
		w[1] = k;
		if ((err = ask(w, &m)))
			break;
		if (tf_word_name(m.w[2], name) || tf_word_name(m.w[3], prog)) {
			printf("shell: tf ls: init's answer for force %u is garbled\n", k);
			return;
		}
		char members[SV_MAX_CHILDREN * 24] = "";
		size_t len = 0;
		for (unsigned i = 0; i < SV_MAX_CHILDREN; i++) {
			struct svr_row row;
			w[0] = TF_REQ_MEMBER;
			w[1] = k | i << 8;
			if (ask(w, &m))
				break;
			svr_unpack_row(m.w[1], &row);
			restarts = (unsigned)m.w[2];
			if (row.has_proc)
				len += snprintf(members + len, sizeof(members) - len, "%s%u:%u %s",
						len ? ", " : "", row.core, row.pid,
						svr_state_name(row.state));
			else
				len += snprintf(members + len, sizeof(members) - len, "%s%u:- %s",
						len ? ", " : "", row.core, svr_state_name(row.state));
			if (len >= sizeof(members))
				break;
		}
		printf("%-8s %-8s %-8u %s\n", name, prog, restarts, members);
	}
	if (err != ERR_NOT_FOUND)
		shell_error(err, no_init(err), "tf ls: force %u", k);
	else if (k == 0)
		printf("(no task forces)\n");
}

static void tf_kill(const struct command *cmd, const char *name)
{
	uint64_t w[LMP_WORDS] = { TF_REQ_KILL };
	struct lmp_msg m;
	char why[128];
	err_t err;

	if (tf_check_name("name", name, TF_NAME_MAX, why, sizeof(why))) {
		shell_usage(cmd, "%s", why);
		return;
	}
	w[2] = tf_name_word(name);
	err = ask(w, &m);
	if (err == ERR_NOT_FOUND)
		printf("shell: tf kill: there is no task force called '%s'\n", name);
	else if (err)
		shell_error(err, no_init(err), "tf kill %s", name);
	else
		printf("task force %s: killed\n", name);
}

void shell_tf(const struct command *cmd, unsigned n, char **words)
{
	if (strcmp(words[1], "run") == 0 && n >= 3)
		tf_run(cmd, n, words);
	else if (strcmp(words[1], "ls") == 0 && n == 2)
		tf_ls();
	else if (strcmp(words[1], "kill") == 0 && n == 3)
		tf_kill(cmd, words[2]);
	else
		shell_usage(cmd, "'%s' with %u word%s is not a tf command", words[1], n - 2,
			    n - 2 == 1 ? "" : "s");
}
