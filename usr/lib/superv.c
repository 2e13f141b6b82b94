/*
 * Supervision trees in a process (flotilla/superv.h): lib/superv.c's
 * state machines, one per supervisor, joined into a tree, and carried out
 * through the monitors. Every child process is started by a monitor
 * request (mon_spawn_opts) on the core its spec names, so it is a child
 * of that core's monitor, which reports its fault or exit on the console
 * and keeps how it ended (usr/monitor/procwait.c); this process asks
 * every SVR_POLL_NS (mon_wait), which is also how it sees heartbeats.
 *
 * The actions: START a process (mon_spawn_opts) or a supervisor (its
 * state machine starts); STOP a process (mon_stop: its next beat says so)
 * or a supervisor (sv_stop); KILL a process (mon_kill) or a supervisor
 * (every process under it killed at once); END: the root's ends the tree,
 * another's is its parent's child ending with reason shutdown.
 *
 * Invariants: in[i].live while a process started for child i has not
 * been seen to end; at most one instance per child runs (a restart comes
 * only after the end is seen).
 */
#include <stdio.h>
#include <string.h>
#include <flotilla/lmp.h>
#include <flotilla/monitor.h>
#include <flotilla/superv.h>
#include <flotilla/sys.h>

struct inst {
	char end[32];		/* how its last end was seen, for a late decision */
	bool live;		/* started, its end not yet seen */
	bool was;		/* an instance ran before: was_core:was_pid */
	bool bad;		/* its last end was abnormal, or it did not start */
	unsigned core, pid, was_core, was_pid;
	uint64_t serial, beat_ns;
};

static struct node {
	struct sv_spec spec;
	struct sv sv;
	bool started;
	bool free;		/* a group's node given back (svr_add_group reuses it) */
	int parent;
	unsigned in_parent;
	int sub[SV_MAX_CHILDREN];	/* a supervisor child's node, or -1 */
	struct inst in[SV_MAX_CHILDREN];
	struct svr_gift gift;		/* a group's, for each of its processes */
} nodes[SVR_MAX_NODES];
static int nnodes;
static const char *who = "superv";
static capaddr_t gift;
static void (*on_release)(int node, const struct svr_gift *g);
static err_t start_err;		/* the last start's failure (svr_add_group's answer) */

void svr_init(const char *name, capaddr_t ep)
{
	who = name;
	gift = ep;
}

err_t svr_add(const struct sv_spec *spec, int parent, unsigned in_parent, int *node)
{
	struct node *d;

	if (nnodes == SVR_MAX_NODES)
		return ERR_TOO_MANY;
	if ((parent < 0) != (nnodes == 0))
		return ERR_INVALID_ARG;		/* the root first, and once */
	if (parent >= 0 && (parent >= nnodes || in_parent >= nodes[parent].spec.nchildren ||
			    !nodes[parent].spec.child[in_parent].supervisor ||
			    nodes[parent].sub[in_parent] >= 0))
		return ERR_INVALID_ARG;
	d = &nodes[nnodes];
	memset(d, 0, sizeof(*d));
	d->spec = *spec;
	d->parent = parent;
	d->in_parent = in_parent;
	for (unsigned i = 0; i < SV_MAX_CHILDREN; i++)
		d->sub[i] = -1;
	if (parent >= 0)
		nodes[parent].sub[in_parent] = nnodes;
	*node = nnodes++;
	return OK;
}

static const char *nname(int n)
{
	return nodes[n].spec.name;
}

/* "NAME: " before a supervisor's reports, or nothing for a root named
 * like the tree itself ("init: started ...", not "init: init: ..."). */
static const char *pfx(int n)
{
	static char buf[SV_NAME_MAX + 3];

	if (strcmp(nname(n), who) == 0)
		return "";
	snprintf(buf, sizeof(buf), "%s: ", nname(n));
	return buf;
}

static const char *end_text(enum sv_exit how, const struct mon_ended *e, err_t err, char *buf,
			    size_t size)
{
	if (err)
		return "its end was not recorded";
	if (how == SV_EXIT_KILLED)
		return "killed";
	if (e->how == MON_END_FAULT)
		return "fault";
	snprintf(buf, size, "exit status %d", e->status);
	return buf;
}

/* One line about how child i of node n ended and what was decided. */
static void report_end(int n, unsigned i, const char *how, enum sv_decision d)
{
	const struct sv *sv = &nodes[n].sv;
	const struct sv_child_spec *c = sv_child(sv, i);
	const struct inst *x = &nodes[n].in[i];

	if (nodes[n].sub[i] >= 0)	/* a supervisor child: no instance to name */
		printf("%s: %ssupervisor %s ended (shutdown); ", who, pfx(n), c->name);
	else
		printf("%s: %s%s %u:%u ended (%s); ", who, pfx(n), c->name, x->was_core, x->was_pid,
		       how);
	switch (d) {
	case SV_DEC_RESTART:
		printf("restarting (%s)\n", sv_strategy_name(sv->spec.strategy));
		break;
	case SV_DEC_LEFT:
		printf("not restarted (%s)\n", sv_restart_name(c->restart));
		break;
	case SV_DEC_GIVE_UP:
		printf("more than %lld restart%s in %lld s: stopping every child and ending\n",
		       (long long)sv->spec.intensity, sv->spec.intensity == 1 ? "" : "s",
		       (long long)sv->spec.period_s);
		break;
	case SV_DEC_STOPPED:
		printf("it was asked to stop\n");
		break;
	case SV_DEC_LATER:
		printf("decided when the restart under way is done\n");
		break;
	case SV_DEC_IGNORED:
		printf("nothing to decide\n");
		break;
	}
}

/* The process of child i is gone: remember it as the instance that was. */
static void gone(struct inst *x)
{
	x->live = false;
	x->was = true;
	x->was_core = x->core;
	x->was_pid = x->pid;
}

static void start_child(int n, unsigned i, uint64_t now)
{
	struct node *d = &nodes[n];
	const struct sv_child_spec *c = sv_child(&d->sv, i);
	struct inst *x = &d->in[i];
	bool simple = d->spec.strategy == SV_SIMPLE_ONE_FOR_ONE;
	uint64_t token = MON_NO_TOKEN;
	struct mon_spawn_opts o = {
		.flags = c->rt_flags & 0xFF,
		.give = d->gift.cap ? d->gift.cap :
			(c->rt_flags & SVR_GIFT) && c->core == sys_core_id() ? gift : 0,
		.token = &token,
	};
	err_t err;

	if (c->supervisor) {
		int s = d->sub[i];
		if (s < 0) {
			printf("%s: %s%s is a supervisor nobody described\n", who, pfx(n), c->name);
			sv_started(&d->sv, i, false, now);
			return;
		}
		printf("%s: %sstarting supervisor %s (%s, at most %lld restarts in %lld s)\n", who,
		       pfx(n), nname(s), sv_strategy_name(nodes[s].spec.strategy),
		       (long long)nodes[s].spec.intensity, (long long)nodes[s].spec.period_s);
		sv_start(&nodes[s].sv, &nodes[s].spec, now);
		nodes[s].started = true;
		sv_started(&d->sv, i, true, now);
		return;
	}
	err = mon_spawn_opts(c->prog, c->core, simple ? d->sv.kid[i].arg : c->arg, &o, &x->pid,
			     &x->serial);
	if (d->gift.cap && token != MON_NO_TOKEN) {	/* a copy on c->core now */
		d->gift.cores |= 1ull << c->core;
		d->gift.token = token;
	}
	if (err) {
		printf("%s: %scannot start %s on core %u: %s: %s\n", who, pfx(n), c->prog,
		       c->core, err_name(err), err_msg(err));
		x->bad = true;
		start_err = err;
		sv_started(&d->sv, i, false, now);
		return;
	}
	x->live = true;
	x->bad = false;
	x->core = c->core;
	x->beat_ns = 0;
	sv_started(&d->sv, i, true, now);
	if (x->was && d->sv.kid[i].restarts)
		printf("%s: %srestarted %s as %u:%u (was %u:%u; restart %u)\n", who, pfx(n), c->name,
		       x->core, x->pid, x->was_core, x->was_pid, d->sv.kid[i].restarts);
	else if (x->was)
		printf("%s: %sstarted %s as %u:%u (was %u:%u, before its supervisor restarted)\n", who,
		       pfx(n), c->name, x->core, x->pid, x->was_core, x->was_pid);
	else
		printf("%s: %sstarted %s as %u:%u (%s)\n", who, pfx(n), c->name, x->core, x->pid,
		       sv_restart_name(c->restart));
}

/* Every process under node s is killed now, and s has ended. */
static void kill_tree(int s)
{
	struct node *d = &nodes[s];

	for (unsigned i = 0; i < d->sv.nkids; i++) {
		if (d->sub[i] >= 0 && nodes[d->sub[i]].started)
			kill_tree(d->sub[i]);
		if (d->in[i].live) {
			mon_kill(d->in[i].core, d->in[i].pid);
			gone(&d->in[i]);
		}
	}
	d->sv.planning = false;
	d->sv.ended = d->sv.end_given = true;	/* no END: its parent knows */
}

/* A group (a supervisor added with svr_add_group) whose place in its
 * parent is gone (it ended and is temporary): its node is given back. */
static void release_if_gone(int s)
{
	struct node *d = &nodes[s];
	struct node *p = d->parent >= 0 ? &nodes[d->parent] : NULL;

	if (!p || p->spec.strategy != SV_SIMPLE_ONE_FOR_ONE ||
	    p->sv.kid[d->in_parent].state != SV_C_GONE || p->sub[d->in_parent] != s)
		return;
	p->sub[d->in_parent] = -1;
	if (d->gift.cap && on_release)
		on_release(s, &d->gift);
	memset(d, 0, sizeof(*d));
	d->free = true;
	d->parent = -1;
	for (unsigned i = 0; i < SV_MAX_CHILDREN; i++)
		d->sub[i] = -1;
}

static void stop_or_kill(int n, unsigned i, bool kill, uint64_t now)
{
	struct node *d = &nodes[n];
	const struct sv_child_spec *c = sv_child(&d->sv, i);
	struct inst *x = &d->in[i];
	int s = d->sub[i];
	const char *why = d->sv.kid[i].hung ? "it missed its heartbeat" :
			  c->shutdown_ns == 0 ? "brutal_kill" : "its shutdown limit ran out";

	if (!kill) {
		if (s >= 0) {
			printf("%s: %sstopping supervisor %s\n", who, pfx(n), nname(s));
			sv_stop(&nodes[s].sv, now);
			return;
		}
		printf("%s: %sstopping %s %u:%u (killed if not ended in %llu ms)\n", who, pfx(n),
		       c->name, x->core, x->pid, (unsigned long long)(c->shutdown_ns / 1000000));
		mon_stop(x->core, x->pid, x->serial);	/* an error: its end is on its way */
		return;
	}
	if (s >= 0) {
		printf("%s: %skilling supervisor %s and everything under it\n", who, pfx(n), nname(s));
		kill_tree(s);
		sv_exited(&d->sv, i, SV_EXIT_KILLED, now);
		release_if_gone(s);
		return;
	} else {
		printf("%s: %skilling %s %u:%u (%s)\n", who, pfx(n), c->name, x->core, x->pid, why);
		if (x->live)
			mon_kill(x->core, x->pid);
		gone(x);
		x->bad = d->sv.kid[i].hung;	/* not when stopped */
		strlcpy(x->end, d->sv.kid[i].hung ? "killed: hung" : "killed", sizeof(x->end));
	}
	sv_exited(&d->sv, i, SV_EXIT_KILLED, now);
}

static void ended(int n, uint64_t now)
{
	struct node *d = &nodes[n];

	printf("%s: supervisor %s ended: %s\n", who, nname(n), sv_end_name(d->sv.end_reason));
	if (d->parent >= 0) {
		enum sv_decision dec = sv_exited(&nodes[d->parent].sv, d->in_parent,
						 SV_EXIT_SHUTDOWN, now);
		printf("%s: %ssupervisor %s: ", who, pfx(d->parent), nname(n));
		printf("%s\n", dec == SV_DEC_RESTART ? "restarting it" :
			       dec == SV_DEC_GIVE_UP ? "one restart too many: ending too" :
			       dec == SV_DEC_STOPPED ? "stopped, as asked" :
			       dec == SV_DEC_LATER ? "decided when the restart under way is done" :
			       "not restarted");
		release_if_gone(n);
	}
}

/* Carries out every action of every supervisor until none has one. */
static void run_all(uint64_t now)
{
	bool any;

	do {
		any = false;
		for (int n = 0; n < nnodes; n++) {
			struct sv_action a;
			struct sv_late l;
			while (nodes[n].started && sv_next(&nodes[n].sv, &a)) {
				any = true;
				/* Ends decided only now, before what follows from them. */
				while (sv_decided(&nodes[n].sv, &l))
					report_end(n, l.child, nodes[n].in[l.child].end, l.d);
				if (a.kind == SV_ACT_START)
					start_child(n, a.child, now);
				else if (a.kind == SV_ACT_END)
					ended(n, now);
				else
					stop_or_kill(n, a.child, a.kind == SV_ACT_KILL, now);
			}
			while (sv_decided(&nodes[n].sv, &l))
				report_end(n, l.child, nodes[n].in[l.child].end, l.d);
		}
	} while (any);
}

void svr_start(uint64_t now)
{
	if (!nnodes)
		return;
	printf("%s: starting the root supervisor %s (%s, at most %lld restarts in %lld s)\n", who,
	       nname(0), sv_strategy_name(nodes[0].spec.strategy), (long long)nodes[0].spec.intensity,
	       (long long)nodes[0].spec.period_s);
	sv_start(&nodes[0].sv, &nodes[0].spec, now);
	nodes[0].started = true;
	run_all(now);
}

err_t svr_add_instance(int n, uint64_t arg, uint64_t now)
{
	unsigned i;
	err_t err;

	if (n < 0 || n >= nnodes || !nodes[n].started)
		return ERR_INVALID_ARG;
	if ((err = sv_add(&nodes[n].sv, arg, now, &i)))
		return err;
	memset(&nodes[n].in[i], 0, sizeof(nodes[n].in[i]));
	run_all(now);
	return OK;
}

/* Child i of node n: how is its process? */
static void poll_child(int n, unsigned i, uint64_t now)
{
	struct node *d = &nodes[n];
	struct inst *x = &d->in[i];
	struct mon_ended e;
	char buf[32];
	err_t err = mon_wait(x->core, x->pid, x->serial, &e);
	enum sv_exit how;

	if (err == ERR_WOULD_BLOCK) {
		if (e.beat_ns && e.beat_ns != x->beat_ns) {
			x->beat_ns = e.beat_ns;
			sv_beat(&d->sv, i, now);
		}
		return;
	}
	if (err && err != ERR_NOT_FOUND)
		return;		/* not known now (its core is busy): ask again */
	gone(x);
	how = err ? SV_EXIT_ABNORMAL : e.how == MON_END_KILLED ? SV_EXIT_KILLED :
	      e.how == MON_END_FAULT || e.status ? SV_EXIT_ABNORMAL : SV_EXIT_NORMAL;
	x->bad = how == SV_EXIT_ABNORMAL || how == SV_EXIT_KILLED;
	enum sv_cstate before = d->sv.kid[i].state;
	enum sv_decision dec = sv_exited(&d->sv, i, how, now);
	if (dec == SV_DEC_STOPPED)
		x->bad = before == SV_C_KILLING;
	strlcpy(x->end, end_text(how, &e, err, buf, sizeof(buf)), sizeof(x->end));
	report_end(n, i, x->end, dec);
}

void svr_poll(uint64_t now)
{
	for (int n = 0; n < nnodes; n++)
		for (unsigned i = 0; nodes[n].started && i < nodes[n].sv.nkids; i++)
			if (nodes[n].in[i].live)
				poll_child(n, i, now);
	for (int n = 0; n < nnodes; n++)
		if (nodes[n].started)
			sv_tick(&nodes[n].sv, now);
	run_all(now);
}

uint64_t svr_wake_at(uint64_t now)
{
	uint64_t at = UINT64_MAX;

	for (int n = 0; n < nnodes; n++) {
		if (!nodes[n].started)
			continue;
		uint64_t d = sv_deadline(&nodes[n].sv);
		if (d < at)
			at = d;
		for (unsigned i = 0; i < nodes[n].sv.nkids; i++)
			if (nodes[n].in[i].live && now + SVR_POLL_NS < at)
				at = now + SVR_POLL_NS;
	}
	return at;
}

bool svr_root_ended(void)
{
	return nnodes && nodes[0].sv.ended;
}

/* Node n is busy, or one of its process children runs. */
static bool busy(int n)
{
	if (nodes[n].started && nodes[n].sv.planning && !nodes[n].sv.ended)
		return true;
	for (unsigned i = 0; i < nodes[n].sv.nkids; i++)
		if (nodes[n].in[i].live)
			return true;
	return false;
}

bool svr_quiet(void)
{
	for (int n = 0; n < nnodes; n++)
		if (busy(n))
			return false;
	return true;
}

bool svr_quiet_under(int n)
{
	if (n < 0 || n >= nnodes)
		return true;
	if (busy(n))
		return false;
	for (unsigned i = 0; i < SV_MAX_CHILDREN; i++)
		if (nodes[n].sub[i] >= 0 && !svr_quiet_under(nodes[n].sub[i]))
			return false;
	return true;
}

unsigned svr_bad(void)
{
	unsigned bad = 0;

	for (int n = 0; n < nnodes; n++)
		for (unsigned i = 0; i < SV_MAX_CHILDREN; i++)
			bad += nodes[n].sub[i] < 0 && nodes[n].in[i].bad;
	return bad;
}

/* ---- Groups: supervisors added and ended at run time ---- */

void svr_on_release(void (*fn)(int node, const struct svr_gift *g))
{
	on_release = fn;
}

err_t svr_add_group(int parent, const struct sv_spec *spec, capaddr_t group_gift, uint64_t now,
		    int *node)
{
	struct node *p, *d;
	unsigned i;
	int s;
	err_t err;

	if (parent < 0 || parent >= nnodes || !(p = &nodes[parent])->started || p->sv.ended ||
	    p->spec.strategy != SV_SIMPLE_ONE_FOR_ONE || !p->spec.child[0].supervisor)
		return ERR_INVALID_ARG;
	for (s = 0; s < nnodes && !nodes[s].free; s++)
		;
	if (s == SVR_MAX_NODES)
		return ERR_TOO_MANY;
	if ((err = sv_add(&p->sv, 0, now, &i)))
		return err;
	if (s == nnodes)
		nnodes++;
	d = &nodes[s];
	memset(d, 0, sizeof(*d));
	d->spec = *spec;
	d->parent = parent;
	d->in_parent = i;
	d->gift.cap = group_gift;
	for (unsigned j = 0; j < SV_MAX_CHILDREN; j++)
		d->sub[j] = -1;
	p->sub[i] = s;
	memset(&p->in[i], 0, sizeof(p->in[i]));
	start_err = OK;
	run_all(now);		/* its START: it starts, and its children */
	if (d->free)		/* a child did not start: it ended, and was given back */
		return start_err ? start_err : ERR_INVALID_ARG;
	*node = s;
	return OK;
}

err_t svr_end_group(int s, uint64_t now)
{
	struct node *d;

	if (s < 0 || s >= nnodes || (d = &nodes[s])->free || d->parent < 0 ||
	    nodes[d->parent].sub[d->in_parent] != s)
		return ERR_NOT_FOUND;
	printf("%s: %skilling supervisor %s and everything under it, as asked\n", who,
	       pfx(d->parent), nname(s));
	kill_tree(s);
	sv_exited(&nodes[d->parent].sv, d->in_parent, SV_EXIT_KILLED, now);
	release_if_gone(s);
	run_all(now);
	return OK;
}

int svr_group(int parent, unsigned k)
{
	const struct node *p = parent >= 0 && parent < nnodes ? &nodes[parent] : NULL;

	for (unsigned i = 0; p && p->started && i < p->sv.nkids; i++)
		if (p->sub[i] >= 0 && k-- == 0)
			return p->sub[i];
	return -1;
}

const struct sv_spec *svr_spec(int n)
{
	return n >= 0 && n < nnodes && !nodes[n].free ? &nodes[n].spec : NULL;
}

err_t svr_child_row(int n, unsigned i, struct svr_row *out)
{
	const struct node *d;

	if (n < 0 || n >= nnodes || (d = &nodes[n])->free || !d->started || i >= d->sv.nkids ||
	    d->sub[i] >= 0)
		return ERR_NOT_FOUND;
	memset(out, 0, sizeof(*out));
	strlcpy(out->name, sv_child(&d->sv, i)->name, sizeof(out->name));
	out->state = d->sv.kid[i].state;
	out->has_proc = d->in[i].live;
	out->core = d->in[i].live ? d->in[i].core : sv_child(&d->sv, i)->core;
	out->pid = d->in[i].pid;
	out->restarts = d->sv.kid[i].restarts;
	return OK;
}

/* ---- The tree as rows ---- */

static void node_row(int s, unsigned depth, struct svr_row *out)
{
	const struct node *d = &nodes[s];

	memset(out, 0, sizeof(*out));
	out->depth = depth;
	out->supervisor = true;
	strlcpy(out->name, d->spec.name, sizeof(out->name));
	out->state = !d->started ? SVR_SUP_IDLE : d->sv.ended ? SVR_SUP_ENDED :
		     d->sv.planning ? SVR_SUP_BUSY : SVR_SUP_RUNNING;
	if (d->parent >= 0)
		out->restarts = nodes[d->parent].sv.kid[d->in_parent].restarts;
}

/* Depth first from node s; *index counts down to the row wanted. */
static bool walk(int s, unsigned depth, unsigned *index, struct svr_row *out)
{
	const struct node *d = &nodes[s];
	unsigned kids = d->started ? d->sv.nkids :
			d->spec.strategy == SV_SIMPLE_ONE_FOR_ONE ? 0 : d->spec.nchildren;

	if ((*index)-- == 0) {
		node_row(s, depth, out);
		return true;
	}
	for (unsigned i = 0; i < kids; i++) {
		if (d->sub[i] < 0 && d->started && d->sv.kid[i].state == SV_C_GONE &&
		    sv_child(&d->sv, i)->supervisor)
			continue;	/* a group's place, given back */
		if (d->sub[i] >= 0) {
			if (walk(d->sub[i], depth + 1, index, out))
				return true;
			continue;
		}
		if ((*index)-- != 0)
			continue;
		memset(out, 0, sizeof(*out));
		out->depth = depth + 1;
		strlcpy(out->name, d->started ? sv_child(&d->sv, i)->name : d->spec.child[i].name,
			sizeof(out->name));
		out->state = d->started ? d->sv.kid[i].state : SV_C_IDLE;
		out->has_proc = d->in[i].live;
		out->core = d->in[i].live ? d->in[i].core : d->spec.child[i].core;
		out->pid = d->in[i].pid;
		out->restarts = d->started ? d->sv.kid[i].restarts : 0;
		return true;
	}
	return false;
}

err_t svr_row(unsigned index, struct svr_row *out)
{
	return !nnodes || !walk(0, 0, &index, out) ? ERR_NOT_FOUND : OK;
}

void svr_serve(const struct lmp_msg *m)
{
	uint64_t r[LMP_WORDS] = { ERR_BAD_MESSAGE };
	struct svr_row row;

	if (LMP_INFO_KIND(m->info) != LMP_KIND_CALL) {
		printf("%s: refused a message of kind %u (badge 0x%llx): only calls for rows come here\n",
		       who, LMP_INFO_KIND(m->info), (unsigned long long)m->badge);
		return;
	}
	if (m->w[0] == SVR_REQ_ROW && m->w[1] < 256 && !(r[0] = svr_row((unsigned)m->w[1], &row))) {
		r[1] = svr_pack_row(&row);
		memcpy(&r[2], row.name, sizeof(row.name));
	}
	lmp_reply(0, 0, r);
}
