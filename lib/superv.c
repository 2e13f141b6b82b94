/*
 * One supervisor's decisions, after Erlang/OTP's supervisor (lib/superv.h;
 * docs/supervision.md cites OTP's documentation for each rule).
 *
 * The rules, in the order the code applies them:
 *  - A child that ends is restarted by its restart type: permanent
 *    always, transient unless it ended normally (status 0, or shutdown),
 *    temporary never. A temporary child that ends is removed, even when
 *    its supervisor stopped it to restart its siblings.
 *  - Each restart is counted; restarts older than the period are
 *    forgotten (OTP keeps those at most period seconds old); with more
 *    than intensity left, the supervisor gives up: it stops every child,
 *    last started first, and ends with reason shutdown for its parent to
 *    decide on.
 *  - Otherwise the strategy says what restarts: the child alone
 *    (one_for_one, simple_one_for_one); every child, after stopping the
 *    others last first (one_for_all); the child and those started after
 *    it, after stopping those last first (rest_for_one).
 *  - Stopping a child asks it to end and kills it if it has not within
 *    its shutdown limit; a limit of 0 kills at once. A child that misses
 *    its heartbeat is killed, and its end then decided like any other.
 *  - Children start in order. One that fails to start while the
 *    supervisor starts makes it stop those it started and end; one that
 *    fails to start on a restart counts as ending abnormally.
 *
 * Invariant: at most one plan (stops, then starts, then maybe the end)
 * runs at a time; while it runs, an unexpected end is kept pending and
 * decided when the plan is done, as OTP's supervisor, busy restarting,
 * takes its next exit message only afterwards.
 */
#include "lib/superv.h"
#include "lib/string.h"

static const char *const strategy_names[] = { "one_for_one", "one_for_all", "rest_for_one",
					      "simple_one_for_one" };
static const char *const restart_names[] = { "permanent", "transient", "temporary" };
static const char *const exit_names[] = { "normal", "shutdown", "abnormal", "killed" };
static const char *const state_names[] = { "idle", "starting", "running", "stopping",
					   "killing", "gone" };
static const char *const end_names[] = { "running", "too many restarts", "a child failed to start",
					 "stopped by its parent" };

const char *sv_strategy_name(enum sv_strategy s)
{
	return (unsigned)s < 4 ? strategy_names[s] : "?";
}

const char *sv_restart_name(enum sv_restart r)
{
	return (unsigned)r < 3 ? restart_names[r] : "?";
}

const char *sv_exit_name(enum sv_exit e)
{
	return (unsigned)e < 4 ? exit_names[e] : "?";
}

const char *sv_state_name(enum sv_cstate s)
{
	return (unsigned)s < 6 ? state_names[s] : "?";
}

const char *sv_end_name(enum sv_end e)
{
	return (unsigned)e < 4 ? end_names[e] : "?";
}

bool sv_strategy_parse(const char *name, enum sv_strategy *out)
{
	for (unsigned i = 0; i < 4; i++)
		if (strcmp(name, strategy_names[i]) == 0) {
			*out = (enum sv_strategy)i;
			return true;
		}
	return false;
}

bool sv_restart_parse(const char *name, enum sv_restart *out)
{
	for (unsigned i = 0; i < 3; i++)
		if (strcmp(name, restart_names[i]) == 0) {
			*out = (enum sv_restart)i;
			return true;
		}
	return false;
}

const struct sv_child_spec *sv_child(const struct sv *sv, unsigned i)
{
	return &sv->spec.child[sv->spec.strategy == SV_SIMPLE_ONE_FOR_ONE ? 0 : i];
}

static void say(char *why, unsigned size, const char *what)
{
	unsigned n = 0;

	for (; size && n + 1 < size && what[n]; n++)
		why[n] = what[n];
	if (size)
		why[n] = '\0';
}

static bool name_ok(const char *name)
{
	size_t n = strnlen(name, SV_NAME_MAX + 1);
	return n >= 1 && n <= SV_NAME_MAX;
}

err_t sv_check(const struct sv_spec *spec, unsigned ncores, bool (*have_prog)(const char *),
	       char *why, unsigned why_size)
{
	bool simple = spec->strategy == SV_SIMPLE_ONE_FOR_ONE;

	if (!name_ok(spec->name))
		return say(why, why_size, "the supervisor's name must be 1 to 15 characters"),
		       ERR_INVALID_ARG;
	if ((unsigned)spec->strategy > SV_SIMPLE_ONE_FOR_ONE)
		return say(why, why_size, "unknown strategy (one_for_one, one_for_all, rest_for_one or simple_one_for_one)"),
		       ERR_INVALID_ARG;
	if (spec->intensity < 0 || spec->intensity > SV_MAX_INTENSITY)
		return say(why, why_size, "the intensity (restarts allowed in a period) must be 0 to 64"),
		       ERR_INVALID_ARG;
	if (spec->period_s <= 0)
		return say(why, why_size, "the period must be at least 1 second"), ERR_INVALID_ARG;
	if (spec->period_s > 1000000)
		return say(why, why_size, "the period must be at most 1000000 seconds"), ERR_INVALID_ARG;
	if (spec->nchildren > SV_MAX_CHILDREN)
		return say(why, why_size, "more than 16 children"), ERR_TOO_MANY;
	if (simple && spec->nchildren != 1)
		return say(why, why_size, "simple_one_for_one takes exactly one child spec, the template"),
		       ERR_INVALID_ARG;
	for (unsigned i = 0; i < spec->nchildren; i++) {
		const struct sv_child_spec *c = &spec->child[i];
		if (!name_ok(c->name))
			return say(why, why_size, "a child's name must be 1 to 15 characters"),
			       ERR_INVALID_ARG;
		for (unsigned j = 0; j < i; j++)
			if (strcmp(spec->child[j].name, c->name) == 0)
				return say(why, why_size, "two children have the same name"),
				       ERR_INVALID_ARG;
		if ((unsigned)c->restart > SV_TEMPORARY)
			return say(why, why_size, "unknown restart type (permanent, transient or temporary)"),
			       ERR_INVALID_ARG;
		if (c->core >= ncores)
			return say(why, why_size, "a child names a core that does not exist"),
			       ERR_NOT_FOUND;
		if (!c->supervisor && (!name_ok(c->prog) || (have_prog && !have_prog(c->prog))))
			return say(why, why_size, "a child names a program that is not in the boot image"),
			       ERR_NOT_FOUND;
	}
	say(why, why_size, "");
	return OK;
}

static bool restarts_by_type(enum sv_restart r, enum sv_exit how)
{
	return r == SV_PERMANENT ||
	       (r == SV_TRANSIENT && (how == SV_EXIT_ABNORMAL || how == SV_EXIT_KILLED));
}

/* OTP's add_restart: count a restart now, forget those older than the
 * period; true if more than intensity remain. */
static bool one_too_many(struct sv *sv)
{
	uint64_t period = (uint64_t)sv->spec.period_s * SV_NS_PER_S;
	uint64_t oldest = sv->now > period ? sv->now - period : 0;
	unsigned n = sv->nrestarts;

	while (n && sv->restart_at[n - 1] < oldest)	/* newest first: drop the tail */
		n--;
	if (n > SV_MAX_INTENSITY)
		n = SV_MAX_INTENSITY;
	memmove(&sv->restart_at[1], &sv->restart_at[0], n * sizeof(sv->restart_at[0]));
	sv->restart_at[0] = sv->now;
	sv->nrestarts = n + 1;
	return sv->nrestarts > (unsigned)sv->spec.intensity;
}

static void plan_begin(struct sv *sv)
{
	sv->nstop = sv->stop_pos = sv->nstart = sv->start_pos = 0;
	sv->end_after = false;
	sv->planning = true;
}

static bool alive(const struct sv_kid *k)
{
	return k->state == SV_C_RUNNING || k->state == SV_C_STOPPING || k->state == SV_C_KILLING;
}

/* Stop the living children from `from` on, the last started first. */
static void plan_stops(struct sv *sv, unsigned from)
{
	for (unsigned i = sv->nkids; i-- > from;)
		if (alive(&sv->kid[i]))
			sv->stop_q[sv->nstop++] = i;
}

static void plan_start(struct sv *sv, unsigned i)
{
	sv->start_q[sv->nstart++] = i;
	sv->kid[i].pending = false;	/* this start answers its end */
}

/* Start child `first` and every child after it that is still a child
 * (not removed) and not temporary, in order. */
static void plan_restarts(struct sv *sv, unsigned first)
{
	plan_start(sv, first);
	for (unsigned i = first + 1; i < sv->nkids; i++)
		if (sv->kid[i].state != SV_C_GONE && sv_child(sv, i)->restart != SV_TEMPORARY)
			plan_start(sv, i);
}

static void plan_end(struct sv *sv, enum sv_end why)
{
	plan_begin(sv);
	plan_stops(sv, 0);
	sv->end_after = true;
	sv->end_reason = why;
	for (unsigned i = 0; i < sv->nkids; i++)
		sv->kid[i].pending = false;
}

void sv_start(struct sv *sv, const struct sv_spec *spec, uint64_t now)
{
	memset(sv, 0, sizeof(*sv));
	sv->spec = *spec;
	sv->now = now;
	sv->initial = true;
	sv->nkids = spec->strategy == SV_SIMPLE_ONE_FOR_ONE ? 0 : spec->nchildren;
	plan_begin(sv);
	for (unsigned i = 0; i < sv->nkids; i++)
		plan_start(sv, i);
}

err_t sv_add(struct sv *sv, uint64_t arg, uint64_t now, unsigned *child)
{
	unsigned i;

	if (sv->spec.strategy != SV_SIMPLE_ONE_FOR_ONE)
		return ERR_UNSUPPORTED;
	if (sv->ended || sv->end_after)
		return ERR_INVALID_ARG;
	sv->now = now;
	/* A removed instance's place is reused while nothing else runs. */
	for (i = 0; i < sv->nkids && !(sv->kid[i].state == SV_C_GONE && !sv->planning); i++)
		;
	if (i == SV_MAX_CHILDREN || (sv->planning && sv->nstart == SV_MAX_CHILDREN))
		return ERR_TOO_MANY;
	if (i == sv->nkids)
		sv->nkids++;
	memset(&sv->kid[i], 0, sizeof(sv->kid[i]));
	sv->kid[i].arg = arg;
	if (!sv->planning)
		plan_begin(sv);
	plan_start(sv, i);
	*child = i;
	return OK;
}

/* What child i's end means, outside a plan (see the file comment). */
static enum sv_decision decide(struct sv *sv, unsigned i, enum sv_exit how)
{
	const struct sv_child_spec *c = sv_child(sv, i);
	struct sv_kid *k = &sv->kid[i];
	bool simple = sv->spec.strategy == SV_SIMPLE_ONE_FOR_ONE;

	k->state = SV_C_IDLE;
	if (!restarts_by_type(c->restart, how)) {
		if (c->restart == SV_TEMPORARY || simple)
			k->state = SV_C_GONE;
		return SV_DEC_LEFT;
	}
	if (one_too_many(sv)) {
		plan_end(sv, SV_END_INTENSITY);
		return SV_DEC_GIVE_UP;
	}
	plan_begin(sv);
	switch (sv->spec.strategy) {
	case SV_ONE_FOR_ALL:
		plan_stops(sv, 0);
		for (unsigned j = 0; j < sv->nkids; j++)
			if (j == i || (sv->kid[j].state != SV_C_GONE &&
				       sv_child(sv, j)->restart != SV_TEMPORARY))
				plan_start(sv, j);
		break;
	case SV_REST_FOR_ONE:
		plan_stops(sv, i + 1);
		plan_restarts(sv, i);
		break;
	default:
		plan_start(sv, i);
	}
	return SV_DEC_RESTART;
}

/* The plan is done: end, or decide the ends that came meanwhile. */
static void plan_done(struct sv *sv)
{
	sv->planning = false;
	sv->initial = false;
	if (sv->end_after) {
		sv->ended = true;
		return;
	}
	for (unsigned i = 0; i < sv->nkids && !sv->planning && !sv->ended; i++)
		if (sv->kid[i].pending) {
			enum sv_exit how = sv->kid[i].pending_how;
			enum sv_decision d;
			sv->kid[i].pending = false;
			d = decide(sv, i, how);
			if (sv->nlate < SV_MAX_CHILDREN)	/* one pending end per child */
				sv->late[sv->nlate++] = (struct sv_late){ i, how, d };
		}
}

bool sv_decided(struct sv *sv, struct sv_late *out)
{
	if (!sv->nlate)
		return false;
	*out = sv->late[0];
	memmove(&sv->late[0], &sv->late[1], --sv->nlate * sizeof(sv->late[0]));
	return true;
}

static bool emit(struct sv_action *out, enum sv_act_kind kind, unsigned child)
{
	out->kind = kind;
	out->child = child;
	return true;
}

bool sv_next(struct sv *sv, struct sv_action *out)
{
	while (sv->planning) {
		if (sv->start_pos && sv->kid[sv->start_q[sv->start_pos - 1]].state == SV_C_STARTING)
			return false;		/* sv_started first */
		if (sv->stop_pos < sv->nstop) {
			unsigned i = sv->stop_q[sv->stop_pos];
			struct sv_kid *k = &sv->kid[i];
			uint64_t limit = sv_child(sv, i)->shutdown_ns;
			switch (k->state) {
			case SV_C_RUNNING:
				if (k->hung || limit == 0) {
					k->state = SV_C_KILLING;
					return emit(out, SV_ACT_KILL, i);
				}
				k->state = SV_C_STOPPING;
				k->deadline = sv->now + limit;
				return emit(out, SV_ACT_STOP, i);
			case SV_C_STOPPING:
				if (sv->now < k->deadline)
					return false;
				k->state = SV_C_KILLING;
				return emit(out, SV_ACT_KILL, i);
			case SV_C_KILLING:
				return false;
			default:		/* it has ended */
				sv->stop_pos++;
				continue;
			}
		}
		if (sv->start_pos < sv->nstart) {
			unsigned i = sv->start_q[sv->start_pos++];
			if (sv->kid[i].state != SV_C_IDLE)
				continue;	/* removed meanwhile */
			sv->kid[i].state = SV_C_STARTING;
			sv->kid[i].pending = false;	/* an end it had is answered */
			return emit(out, SV_ACT_START, i);
		}
		plan_done(sv);
	}
	if (sv->ended && !sv->end_given) {
		sv->end_given = true;
		return emit(out, SV_ACT_END, SV_NONE);
	}
	return false;
}

void sv_started(struct sv *sv, unsigned i, bool ok, uint64_t now)
{
	struct sv_kid *k;

	sv->now = now;
	if (i >= sv->nkids || (k = &sv->kid[i])->state != SV_C_STARTING)
		return;
	if (ok) {
		k->state = SV_C_RUNNING;
		k->restarts += k->started_once;
		k->started_once = true;
		k->deadline = now + sv_child(sv, i)->heartbeat_ns;
		return;
	}
	k->state = SV_C_IDLE;
	if (!k->started_once && sv->spec.strategy == SV_SIMPLE_ONE_FOR_ONE)
		k->state = SV_C_GONE;		/* never added (OTP's start_child error) */
	else if (sv->initial)
		plan_end(sv, SV_END_START_FAILED);
	else {
		k->pending = true;		/* a failed restart: another end */
		k->pending_how = SV_EXIT_ABNORMAL;
	}
}

enum sv_decision sv_exited(struct sv *sv, unsigned i, enum sv_exit how, uint64_t now)
{
	struct sv_kid *k;

	sv->now = now;
	if (i >= sv->nkids || sv->ended)
		return SV_DEC_IGNORED;
	k = &sv->kid[i];
	if (k->state == SV_C_STOPPING || k->state == SV_C_KILLING) {
		bool simple = sv->spec.strategy == SV_SIMPLE_ONE_FOR_ONE;
		if (k->hung) {		/* killed as hung: an end like any other */
			k->hung = false;
			k->state = SV_C_IDLE;
			k->pending = true;
			k->pending_how = SV_EXIT_KILLED;
			return SV_DEC_LATER;
		}
		k->state = sv_child(sv, i)->restart == SV_TEMPORARY || simple ? SV_C_GONE :
			   SV_C_IDLE;
		return SV_DEC_STOPPED;
	}
	if (k->state != SV_C_RUNNING)
		return SV_DEC_IGNORED;
	if (sv->planning) {
		k->state = SV_C_IDLE;
		k->pending = true;
		k->pending_how = how;
		return SV_DEC_LATER;
	}
	return decide(sv, i, how);
}

void sv_beat(struct sv *sv, unsigned i, uint64_t now)
{
	sv->now = now;
	if (i < sv->nkids && sv->kid[i].state == SV_C_RUNNING)
		sv->kid[i].deadline = now + sv_child(sv, i)->heartbeat_ns;
}

void sv_tick(struct sv *sv, uint64_t now)
{
	sv->now = now;
	if (sv->planning || sv->ended)
		return;		/* a hang is looked for between plans */
	for (unsigned i = 0; i < sv->nkids; i++) {
		struct sv_kid *k = &sv->kid[i];
		if (k->state == SV_C_RUNNING && sv_child(sv, i)->heartbeat_ns && now >= k->deadline) {
			k->hung = true;
			plan_begin(sv);
			sv->stop_q[sv->nstop++] = i;
			return;
		}
	}
}

void sv_stop(struct sv *sv, uint64_t now)
{
	sv->now = now;
	if (!sv->ended && !sv->end_after)
		plan_end(sv, SV_END_STOPPED);
}

uint64_t sv_deadline(const struct sv *sv)
{
	uint64_t first = UINT64_MAX;

	for (unsigned i = 0; i < sv->nkids; i++) {
		const struct sv_kid *k = &sv->kid[i];
		bool waits = k->state == SV_C_STOPPING ||
			     (k->state == SV_C_RUNNING && sv_child(sv, i)->heartbeat_ns);
		if (waits && k->deadline < first)
			first = k->deadline;
	}
	return first;
}

/* ---- Specs as text ---- */

/* A number in s[0..n): decimal, or hex after 0x; a leading '-' if neg_ok.
 * False unless all of it is a number that fits. */
static bool number(const char *s, unsigned n, bool neg_ok, int64_t *out)
{
	bool neg = n && s[0] == '-' && neg_ok;
	unsigned i = neg, base = 10;
	uint64_t v = 0;

	if (n > i + 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
		base = 16;
		i += 2;
	}
	if (i == n)
		return false;
	for (; i < n; i++) {
		char c = s[i];
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') :
			     base == 16 && c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) :
			     base == 16 && c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 99;
		if (d >= base || v > ((uint64_t)INT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	*out = neg ? -(int64_t)v : (int64_t)v;
	return true;
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.';
}

/* The end of the field that starts at p: the next of `stops`, or the NUL. */
static const char *field_end(const char *p, const char *stops)
{
	while (*p && !strchr(stops, *p))
		p++;
	return p;
}

static bool same(const char *p, unsigned n, const char *word)
{
	return strlen(word) == n && memcmp(p, word, n) == 0;
}

/* One /OPTION of a child spec, p[0..n). */
static err_t child_option(const char *p, unsigned n, struct sv_child_spec *c, char *why,
			  unsigned size)
{
	int64_t ms;

	for (unsigned r = 0; r < 3; r++)
		if (same(p, n, restart_names[r])) {
			c->restart = (enum sv_restart)r;
			return OK;
		}
	if (n > 3 && memcmp(p, "hb=", 3) == 0) {
		if (!number(p + 3, n - 3, false, &ms) || ms < 1 || ms > 3600000)
			return say(why, size, "hb= wants milliseconds, 1 to 3600000"), ERR_INVALID_ARG;
		c->heartbeat_ns = (uint64_t)ms * 1000000;
		return OK;
	}
	if (n > 5 && memcmp(p, "stop=", 5) == 0) {
		if (!number(p + 5, n - 5, false, &ms) || ms > 3600000)
			return say(why, size, "stop= wants milliseconds, 0 to 3600000"), ERR_INVALID_ARG;
		c->shutdown_ns = (uint64_t)ms * 1000000;
		return OK;
	}
	say(why, size, "unknown option (permanent, transient, temporary, hb=MS or stop=MS)");
	return ERR_INVALID_ARG;
}

err_t sv_parse_child(const char *text, struct sv_child_spec *c, char *why, unsigned size)
{
	const char *p = text, *e = field_end(p, ":@/");
	int64_t v;
	err_t err;

	memset(c, 0, sizeof(*c));
	c->restart = SV_TEMPORARY;
	if (e == p || e - p > SV_NAME_MAX)
		return say(why, size, "the program's name must be 1 to 15 characters"),
		       ERR_INVALID_ARG;
	for (const char *q = p; q < e; q++)
		if (!is_name_char(*q))
			return say(why, size, "a program's name is letters, digits, '_', '-' and '.'"),
			       ERR_INVALID_ARG;
	memcpy(c->prog, p, (size_t)(e - p));
	memcpy(c->name, p, (size_t)(e - p));
	p = e;
	if (*p == ':') {
		e = field_end(++p, "@/");
		if (!number(p, (unsigned)(e - p), false, &v))
			return say(why, size, "ARG must be a number (decimal, or hex after 0x)"),
			       ERR_INVALID_ARG;
		c->arg = (uint64_t)v;
		p = e;
	}
	if (*p == '@') {
		e = field_end(++p, "/");
		if (!number(p, (unsigned)(e - p), false, &v) || v > 0xFFFF)
			return say(why, size, "CORE must be a number"), ERR_INVALID_ARG;
		c->core = (unsigned)v;
		p = e;
	}
	while (*p == '/') {
		e = field_end(++p, "/");
		if ((err = child_option(p, (unsigned)(e - p), c, why, size)))
			return err;
		p = e;
	}
	if (*p)
		return say(why, size, "want PROG[:ARG][@CORE][/OPTION]..."), ERR_INVALID_ARG;
	say(why, size, "");
	return OK;
}

err_t sv_parse_flags(const char *text, struct sv_spec *s, char *why, unsigned size)
{
	const char *colon = field_end(text, ":"), *slash;
	char name[24];
	unsigned n = (unsigned)(colon - text);

	if (n >= sizeof(name))
		n = sizeof(name) - 1;
	memcpy(name, text, n);
	name[n] = '\0';
	if (!sv_strategy_parse(name, &s->strategy))
		return say(why, size, "unknown strategy (one_for_one, one_for_all, rest_for_one or simple_one_for_one)"),
		       ERR_INVALID_ARG;
	s->intensity = 1;		/* OTP's defaults */
	s->period_s = 5;
	if (*colon) {
		slash = field_end(colon + 1, "/");
		if (!*slash || !number(colon + 1, (unsigned)(slash - colon - 1), true, &s->intensity) ||
		    !number(slash + 1, (unsigned)strlen(slash + 1), true, &s->period_s))
			return say(why, size, "want STRATEGY[:R/T], R restarts in T seconds"),
			       ERR_INVALID_ARG;
	}
	if (s->intensity < 0 || s->intensity > SV_MAX_INTENSITY)
		return say(why, size, "the intensity (restarts allowed in a period) must be 0 to 64"),
		       ERR_INVALID_ARG;
	if (s->period_s <= 0)
		return say(why, size, "the period must be at least 1 second"), ERR_INVALID_ARG;
	say(why, size, "");
	return OK;
}
