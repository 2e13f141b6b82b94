/*
 * init: the first ordinary process. The monitor on core 0 starts it with
 * RAM of its own, a copy of the boot image and an argument list naming
 * what to start:
 *
 *	init [-w] SPEC...	SPEC = PROG[:ARG][/permanent|/transient|/temporary]
 *
 * Each child is started on this core from the boot image with INIT_CHILD_RAM
 * bytes of RAM of its own (so it can build objects and start programs in
 * turn), the boot image, argv = { PROG } or { PROG, ARG } and ARG as its
 * numeric argument. init then supervises them, one_for_one in Erlang's
 * terms: their faults and their exits come to init's endpoint as messages
 * from the kernel (kpi/lmp.h), and a child that ends is restarted by its
 * policy:
 *	permanent  always
 *	transient  only when it ended badly (a fault, or a non-zero status)
 *	temporary  never (the default)
 * at most INIT_MAX_RESTARTS times each; after that init reports that it
 * gives up on it. More than INIT_MAX_CHILDREN specs start none. Every ending is reported; a fault gets the same report as
 * the monitor's (usr/lib/report.c). With -w init exits when nothing is left
 * to supervise, with the number of children that ended badly: that is how
 * the boot tests run test programs (tools/boottest.py). Without -w it serves
 * forever, blocked, and costs nothing while nothing happens.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/lmp.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>

#define INIT_EP			CADDR(TASK_CN, 20)	/* its children's faults and exits */
#define INIT_CHILD_RAM		(1ull << 20)
#define INIT_MAX_RESTARTS	3
#define INIT_MAX_CHILDREN	16

enum policy { TEMPORARY, TRANSIENT, PERMANENT };
static const char *const policy_names[] = { "temporary", "transient", "permanent" };

struct child {
	char prog[32], arg[32];
	enum policy policy;
	struct proc p;
	bool alive;
	bool bad;		/* its last ending was bad, or init gave up on it */
	unsigned restarts;
};

static struct child children[INIT_MAX_CHILDREN];
static unsigned nchildren;

/* PROG[:ARG][/POLICY] into c; false (and a message) if malformed. */
static bool parse_spec(const char *spec, struct child *c)
{
	const char *colon = strchr(spec, ':'), *slash = strchr(spec, '/');
	const char *prog_end = colon ? colon : slash ? slash : spec + strlen(spec);
	const char *arg_end = slash ? slash : spec + strlen(spec);
	size_t n = (size_t)(prog_end - spec);

	memset(c, 0, sizeof(*c));
	if (n == 0 || n >= sizeof(c->prog) || (colon && slash && slash < colon)) {
		printf("init: bad spec '%s': want PROG[:ARG][/permanent|/transient|/temporary], PROG of 1 to %u characters\n",
		       spec, (unsigned)sizeof(c->prog) - 1);
		return false;
	}
	memcpy(c->prog, spec, n);
	if (colon) {
		size_t a = (size_t)(arg_end - colon - 1);
		if (a == 0 || a >= sizeof(c->arg)) {
			printf("init: bad spec '%s': ARG must be 1 to %u characters\n", spec,
			       (unsigned)sizeof(c->arg) - 1);
			return false;
		}
		memcpy(c->arg, colon + 1, a);
	}
	c->policy = TEMPORARY;
	if (slash) {
		unsigned i;
		for (i = 0; i < 3 && strcmp(slash + 1, policy_names[i]); i++)
			;
		if (i == 3) {
			printf("init: bad spec '%s': unknown policy '%s' (permanent, transient or temporary)\n",
			       spec, slash + 1);
			return false;
		}
		c->policy = (enum policy)i;
	}
	return true;
}

static bool start(struct child *c)
{
	const char *argv[2] = { c->prog, c->arg };
	struct spawn_opts o = {
		.notify_exit = true, .argc = c->arg[0] ? 2 : 1, .argv = argv,
		.ram = INIT_CHILD_RAM, .give_bootimg = true,
	};
	err_t err = spawn_program_opts(c->prog, strtoul(c->arg, NULL, 0), &o, &c->p);

	if (err) {
		printf("init: cannot start '%s': %s: %s\n", c->prog, err_name(err), err_msg(err));
		c->bad = true;
		return false;
	}
	c->alive = true;
	printf("init: started '%s'%s%s (%s) on core %u\n", c->prog, c->arg[0] ? " " : "",
	       c->arg, policy_names[c->policy], sys_core_id());
	return true;
}

/* c has ended (and is destroyed): restart it if its policy says so. */
static void ended(struct child *c, bool bad)
{
	c->alive = false;
	c->bad = bad;
	if (c->policy == TEMPORARY || (c->policy == TRANSIENT && !bad))
		return;
	if (c->restarts == INIT_MAX_RESTARTS) {
		printf("init: '%s' ended %u times; not restarting it again (at most %u restarts)\n",
		       c->prog, c->restarts + 1, INIT_MAX_RESTARTS);
		c->bad = true;
		return;
	}
	c->restarts++;
	printf("init: restarting '%s' (restart %u of at most %u)\n", c->prog, c->restarts,
	       INIT_MAX_RESTARTS);
	start(c);
}

static struct child *child_of(uint64_t badge)
{
	for (unsigned i = 0; i < nchildren; i++)
		if (children[i].alive && SPAWN_BADGE(children[i].p.idx) == badge)
			return &children[i];
	return NULL;
}

static void handle(const struct lmp_msg *m)
{
	unsigned kind = LMP_INFO_KIND(m->info);
	struct child *c = child_of(m->badge);
	err_t err;

	if ((kind != LMP_KIND_FAULT && kind != LMP_KIND_EXIT) || !c) {
		printf("init: refused a message of kind %u (badge 0x%llx): only the kernel writes here, about init's children\n",
		       kind, (unsigned long long)m->badge);
		if (kind == LMP_KIND_CALL) {
			const uint64_t w[LMP_WORDS] = { ERR_BAD_MESSAGE };
			lmp_reply(0, 0, w);
		}
		return;
	}
	if (kind == LMP_KIND_FAULT)
		proc_report_fault("init", &c->p, c->prog, m);
	else
		printf("init: '%s' exited with status %d\n", c->prog, (int)m->w[0]);
	if ((err = proc_kill(&c->p)))
		printf("init: destroying '%s' failed: %s: %s\n", c->prog, err_name(err), err_msg(err));
	ended(c, kind == LMP_KIND_FAULT || (int)m->w[0] != 0);
}

static unsigned alive(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < nchildren; i++)
		n += children[i].alive;
	return n;
}

int main(int argc, char **argv)
{
	bool wait = argc > 1 && strcmp(argv[1], "-w") == 0;
	unsigned bad = 0;
	err_t err;

	if ((err = ram_retype(CPTR_TASKCN, CADDR_L2(INIT_EP), CAP_ENDPOINT, 0))) {
		printf("init: no endpoint for its children: %s: %s\n", err_name(err), err_msg(err));
		return 100;
	}
	spawn_set_fault_ep(INIT_EP);
	/* More programs than init supervises start none of them: starting
	 * the first ones would run a cut list as if it were the whole. */
	unsigned nspecs = argc > 1 + wait ? (unsigned)argc - 1 - wait : 0;
	if (nspecs > INIT_MAX_CHILDREN) {
		printf("init: %u programs to start, more than the %u it supervises; starting none\n",
		       nspecs, INIT_MAX_CHILDREN);
		bad = nspecs;
		argc = 1 + wait;
	}
	for (int i = 1 + wait; i < argc; i++) {
		struct child *c = &children[nchildren];
		if (!parse_spec(argv[i], c)) {
			bad++;
			continue;
		}
		nchildren++;
		start(c);
	}
	printf("init: supervising %u program%s\n", alive(), alive() == 1 ? "" : "s");
	while (!wait || alive()) {
		struct lmp_msg m;
		if ((err = lmp_recv(INIT_EP, 0, 0, &m))) {
			printf("init: its endpoint failed: %s: %s\n", err_name(err), err_msg(err));
			return 101;
		}
		handle(&m);
	}
	for (unsigned i = 0; i < nchildren; i++)
		bad += children[i].bad;
	printf("init: nothing left to supervise; %u program%s ended badly\n", bad,
	       bad == 1 ? "" : "s");
	return (int)bad;
}
