/*
 * Host tests of lib/superv.c, the supervisor's decisions, against OTP's
 * documented behaviour (docs/supervision.md cites each rule).
 *
 * A small harness plays the runtime: it takes each action the state
 * machine gives, writes it down ("start B", "stop C", "kill B", "end
 * (why)") and answers as a process would: a start succeeds unless the
 * test says it fails; a stopped child ends at once (reason shutdown)
 * unless the test says it ignores the request; a killed one ends at once.
 * The children are A, B, C (indices 0, 1, 2). The table puts every
 * strategy, every restart type of the child that ends (B; its siblings
 * are permanent, except under simple_one_for_one, where every instance
 * has the template's type) and every way of ending (normal, fault, kill)
 * beside the actions OTP takes; then, for the ends that restart, a
 * second end one second later with intensity 1 in 5 seconds, past which
 * the supervisor must give up.
 */
#include <stdio.h>
#include <string.h>
#include "lib/test.h"
#include "lib/superv.h"

#define MS	(1000ull * 1000)
#define S	SV_NS_PER_S

struct harness {
	struct sv sv;
	char log[512];
	bool ignores_stop[SV_MAX_CHILDREN];
	bool fails_start[SV_MAX_CHILDREN];
	uint64_t now;
};

static void note(struct harness *h, const char *what, unsigned child)
{
	size_t n = strlen(h->log);

	snprintf(h->log + n, sizeof(h->log) - n, "%s%s", n ? ", " : "", what);
	if (child != SV_NONE) {
		n = strlen(h->log);
		snprintf(h->log + n, sizeof(h->log) - n, " %c", 'A' + child);
	}
}

/* Does every action there is now, as a process would answer it. */
static void drive(struct harness *h)
{
	struct sv_action a;
	char end[64];

	while (sv_next(&h->sv, &a)) {
		switch (a.kind) {
		case SV_ACT_START:
			note(h, "start", a.child);
			sv_started(&h->sv, a.child, !h->fails_start[a.child], h->now);
			break;
		case SV_ACT_STOP:
			note(h, "stop", a.child);
			if (!h->ignores_stop[a.child])
				sv_exited(&h->sv, a.child, SV_EXIT_SHUTDOWN, h->now);
			break;
		case SV_ACT_KILL:
			note(h, "kill", a.child);
			sv_exited(&h->sv, a.child, SV_EXIT_KILLED, h->now);
			break;
		case SV_ACT_END:
			snprintf(end, sizeof(end), "end (%s)", sv_end_name(h->sv.end_reason));
			note(h, end, SV_NONE);
			break;
		}
	}
}

static void child(struct sv_spec *s, unsigned i, enum sv_restart r)
{
	struct sv_child_spec *c = &s->child[i];

	snprintf(c->name, sizeof(c->name), "%c", 'A' + i);
	strcpy(c->prog, "uprog");
	c->restart = r;
	c->shutdown_ns = 5 * S;		/* OTP's default for a worker: 5000 ms */
}

/* A, B, C with B of type b_type (every instance, for simple_one_for_one),
 * intensity 1 in 5 s (OTP's defaults), all started at time 0. */
static void setup(struct harness *h, enum sv_strategy st, enum sv_restart b_type)
{
	struct sv_spec s = { .name = "sup", .strategy = st, .intensity = 1, .period_s = 5 };

	memset(h, 0, sizeof(*h));
	if (st == SV_SIMPLE_ONE_FOR_ONE) {
		s.nchildren = 1;
		child(&s, 0, b_type);
	} else {
		s.nchildren = 3;
		child(&s, 0, SV_PERMANENT);
		child(&s, 1, b_type);
		child(&s, 2, SV_PERMANENT);
	}
	sv_start(&h->sv, &s, 0);
	drive(h);
	for (unsigned i = 0; st == SV_SIMPLE_ONE_FOR_ONE && i < 3; i++) {
		unsigned k;
		if (sv_add(&h->sv, i, 0, &k) != OK || k != i)
			test_fail("sv_add %u", i);
		drive(h);
	}
	h->log[0] = '\0';
}

/* Child i ends `how` at time t; the actions that follow, in h->log. */
static enum sv_decision end_child(struct harness *h, unsigned i, enum sv_exit how, uint64_t t)
{
	enum sv_decision d;

	h->log[0] = '\0';
	h->now = t;
	d = sv_exited(&h->sv, i, how, t);
	drive(h);
	return d;
}

#define O4O	SV_ONE_FOR_ONE
#define O4A	SV_ONE_FOR_ALL
#define R4O	SV_REST_FOR_ONE
#define S4O	SV_SIMPLE_ONE_FOR_ONE
#define PERM	SV_PERMANENT
#define TRAN	SV_TRANSIENT
#define TEMP	SV_TEMPORARY
#define NORM	SV_EXIT_NORMAL
#define FAULT	SV_EXIT_ABNORMAL
#define KILL	SV_EXIT_KILLED

#define ALL_AGAIN	"stop C, stop A, start A, start B, start C"
#define REST_AGAIN	"stop C, start B, start C"
#define GIVE_UP		"stop C, stop A, end (too many restarts)"

static const struct row {
	enum sv_strategy strategy;
	enum sv_restart type;
	enum sv_exit how;
	const char *first;	/* what follows B's end */
	const char *second;	/* what follows a second end 1 s later */
} table[] = {
	/* one_for_one: "only that child process is affected" */
	{ O4O, PERM, NORM, "start B", GIVE_UP },
	{ O4O, PERM, FAULT, "start B", GIVE_UP },
	{ O4O, PERM, KILL, "start B", GIVE_UP },
	{ O4O, TRAN, NORM, "", "" },
	{ O4O, TRAN, FAULT, "start B", GIVE_UP },
	{ O4O, TRAN, KILL, "start B", GIVE_UP },
	{ O4O, TEMP, NORM, "", "" },
	{ O4O, TEMP, FAULT, "", "" },
	{ O4O, TEMP, KILL, "", "" },
	/* one_for_all: the others are stopped (last first), then all start */
	{ O4A, PERM, NORM, ALL_AGAIN, GIVE_UP },
	{ O4A, PERM, FAULT, ALL_AGAIN, GIVE_UP },
	{ O4A, PERM, KILL, ALL_AGAIN, GIVE_UP },
	{ O4A, TRAN, NORM, "", "" },
	{ O4A, TRAN, FAULT, ALL_AGAIN, GIVE_UP },
	{ O4A, TRAN, KILL, ALL_AGAIN, GIVE_UP },
	{ O4A, TEMP, NORM, "", "" },
	{ O4A, TEMP, FAULT, "", "" },
	{ O4A, TEMP, KILL, "", "" },
	/* rest_for_one: those started after it are stopped, then restarted */
	{ R4O, PERM, NORM, REST_AGAIN, GIVE_UP },
	{ R4O, PERM, FAULT, REST_AGAIN, GIVE_UP },
	{ R4O, PERM, KILL, REST_AGAIN, GIVE_UP },
	{ R4O, TRAN, NORM, "", "" },
	{ R4O, TRAN, FAULT, REST_AGAIN, GIVE_UP },
	{ R4O, TRAN, KILL, REST_AGAIN, GIVE_UP },
	{ R4O, TEMP, NORM, "", "" },
	{ R4O, TEMP, FAULT, "", "" },
	{ R4O, TEMP, KILL, "", "" },
	/* simple_one_for_one: like one_for_one, instances of one template */
	{ S4O, PERM, NORM, "start B", GIVE_UP },
	{ S4O, PERM, FAULT, "start B", GIVE_UP },
	{ S4O, PERM, KILL, "start B", GIVE_UP },
	{ S4O, TRAN, NORM, "", "" },
	{ S4O, TRAN, FAULT, "start B", GIVE_UP },
	{ S4O, TRAN, KILL, "start B", GIVE_UP },
	{ S4O, TEMP, NORM, "", "" },
	{ S4O, TEMP, FAULT, "", "" },
	{ S4O, TEMP, KILL, "", "" },
};

TEST(every_strategy_type_and_end_does_what_otp_documents)
{
	for (unsigned r = 0; r < sizeof(table) / sizeof(table[0]); r++) {
		const struct row *w = &table[r];
		struct harness h;
		char what[96];

		snprintf(what, sizeof(what), "%s, B %s, ends %s", sv_strategy_name(w->strategy),
			 sv_restart_name(w->type), sv_exit_name(w->how));
		setup(&h, w->strategy, w->type);
		end_child(&h, 1, w->how, 0);
		if (strcmp(h.log, w->first)) {
			FAIL("%s: did '%s', OTP does '%s'", what, h.log, w->first);
		}
		/* B ends again 1 s later: a second restart in 5 s is one too many. */
		end_child(&h, 1, w->how, 1 * S);
		if (strcmp(h.log, w->second)) {
			FAIL("%s, then again 1 s later: did '%s', OTP does '%s'", what, h.log,
			     w->second);
		}
		bool ended = strcmp(w->second, GIVE_UP) == 0;
		CHECK_EQ(h.sv.ended, ended);
	}
}

TEST(a_temporary_sibling_is_stopped_and_not_restarted)
{
	struct harness h;

	/* "A temporary child process is never restarted (even when the
	 * supervisor's restart strategy is rest_for_one or one_for_all and a
	 * sibling's death causes the temporary process to be terminated)." */
	setup(&h, O4A, PERM);
	h.sv.spec.child[2].restart = TEMP;	/* C temporary */
	end_child(&h, 1, FAULT, 0);
	CHECK_STR(h.log, "stop C, stop A, start A, start B");
	CHECK_EQ(h.sv.kid[2].state, SV_C_GONE);
	setup(&h, R4O, PERM);
	h.sv.spec.child[2].restart = TEMP;
	end_child(&h, 1, FAULT, 0);
	CHECK_STR(h.log, "stop C, start B");
	CHECK_EQ(h.sv.kid[2].state, SV_C_GONE);
	/* An idle transient sibling is started again with all the others. */
	setup(&h, O4A, TRAN);
	end_child(&h, 1, NORM, 0);
	CHECK_STR(h.log, "");
	end_child(&h, 0, FAULT, 0);
	CHECK_STR(h.log, "stop C, start A, start B, start C");
}

TEST(restarts_older_than_the_period_are_forgotten)
{
	struct harness h;

	/* OTP keeps the restarts at most `period` old: at 0 and at exactly 5 s
	 * there are two in the period, one too many for intensity 1. */
	setup(&h, O4O, PERM);
	end_child(&h, 1, FAULT, 0);
	CHECK_STR(h.log, "start B");
	CHECK_EQ(end_child(&h, 1, FAULT, 5 * S), SV_DEC_GIVE_UP);
	CHECK_STR(h.log, GIVE_UP);
	/* 1 ns later the first has left the period: restarted again, and so
	 * on for ever at that pace. */
	setup(&h, O4O, PERM);
	for (uint64_t t = 0; t < 100 * S; t += 5 * S + 1) {
		CHECK_EQ(end_child(&h, 1, FAULT, t), SV_DEC_RESTART);
		CHECK_STR(h.log, "start B");
	}
	CHECK_EQ(h.sv.kid[1].restarts, 20u);
	/* Intensity 0: no restart at all. */
	setup(&h, O4O, PERM);
	h.sv.spec.intensity = 0;
	CHECK_EQ(end_child(&h, 0, KILL, 0), SV_DEC_GIVE_UP);
	CHECK_STR(h.log, "stop C, stop B, end (too many restarts)");
	/* Restarts of different children count together. */
	setup(&h, O4O, PERM);
	h.sv.spec.intensity = 2;
	end_child(&h, 0, FAULT, 0);
	end_child(&h, 2, FAULT, 1 * S);
	CHECK_STR(h.log, "start C");
	end_child(&h, 1, FAULT, 2 * S);
	CHECK_STR(h.log, "stop C, stop A, end (too many restarts)");
	/* An end that restarts nothing counts for nothing. */
	setup(&h, O4O, TRAN);
	end_child(&h, 1, NORM, 0);
	end_child(&h, 0, FAULT, 1 * S);
	CHECK_STR(h.log, "start A");
}

TEST(children_start_in_order_and_stop_last_first)
{
	struct harness h;
	struct sv_spec s = { .name = "sup", .strategy = O4O, .intensity = 1, .period_s = 5,
			     .nchildren = 3 };

	memset(&h, 0, sizeof(h));
	for (unsigned i = 0; i < 3; i++)
		child(&s, i, PERM);
	s.child[0].shutdown_ns = 100 * MS;
	s.child[1].shutdown_ns = 0;		/* brutal_kill */
	sv_start(&h.sv, &s, 0);
	drive(&h);
	CHECK_STR(h.log, "start A, start B, start C");
	/* The parent stops it: C asked (and obeys), B killed at once, A asked
	 * and ignores it, killed when its 100 ms are up, then the end. */
	h.log[0] = '\0';
	h.ignores_stop[0] = true;
	sv_stop(&h.sv, 0);
	drive(&h);
	CHECK_STR(h.log, "stop C, kill B, stop A");
	CHECK_EQ(sv_deadline(&h.sv), 100 * MS);
	h.now = 100 * MS - 1;
	sv_tick(&h.sv, h.now);
	drive(&h);
	CHECK_STR(h.log, "stop C, kill B, stop A");
	h.now = 100 * MS;
	sv_tick(&h.sv, h.now);
	drive(&h);
	CHECK_STR(h.log, "stop C, kill B, stop A, kill A, end (stopped by its parent)");
	CHECK(h.sv.ended);
	/* Nothing after the end. */
	CHECK_EQ(sv_exited(&h.sv, 0, FAULT, h.now), SV_DEC_IGNORED);
	CHECK_ERR(sv_add(&h.sv, 0, h.now, &(unsigned){ 0 }), ERR_UNSUPPORTED);
}

TEST(a_child_that_misses_its_heartbeat_is_killed_and_restarted)
{
	struct harness h;

	setup(&h, O4O, PERM);
	h.sv.spec.child[1].heartbeat_ns = 1 * S;
	sv_beat(&h.sv, 1, 0);
	CHECK_EQ(sv_deadline(&h.sv), 1 * S);
	sv_beat(&h.sv, 1, 500 * MS);		/* it answers: alive until 1.5 s */
	sv_tick(&h.sv, 1500 * MS - 1);
	drive(&h);
	CHECK_STR(h.log, "");
	h.now = 1500 * MS;
	sv_tick(&h.sv, h.now);
	drive(&h);
	CHECK_STR(h.log, "kill B, start B");
	CHECK_EQ(h.sv.kid[1].restarts, 1u);
	CHECK_EQ(h.sv.kid[0].restarts, 0u);
	CHECK_EQ(h.sv.kid[2].restarts, 0u);
	CHECK_EQ(h.sv.kid[0].state, SV_C_RUNNING);
	CHECK_EQ(h.sv.kid[2].state, SV_C_RUNNING);
	/* Restarted, it has a full bound again. */
	CHECK_EQ(sv_deadline(&h.sv), 1500 * MS + 1 * S);
	/* A hung child counts as killed: a transient one is restarted too,
	 * and under one_for_all its siblings with it. */
	setup(&h, O4A, TRAN);
	h.sv.spec.child[1].heartbeat_ns = 1 * S;
	h.now = 2 * S;
	sv_tick(&h.sv, h.now);
	drive(&h);
	CHECK_STR(h.log, "kill B, " ALL_AGAIN);
}

TEST(a_child_that_fails_to_start_stops_the_supervisor_or_counts_as_an_end)
{
	struct harness h;
	struct sv_spec s = { .name = "sup", .strategy = O4O, .intensity = 2, .period_s = 5,
			     .nchildren = 3 };

	/* While the supervisor starts: those started stop, it ends. */
	memset(&h, 0, sizeof(h));
	for (unsigned i = 0; i < 3; i++)
		child(&s, i, PERM);
	h.fails_start[1] = true;
	sv_start(&h.sv, &s, 0);
	drive(&h);
	CHECK_STR(h.log, "start A, start B, stop A, end (a child failed to start)");
	/* A restart that fails counts as another end: tried again until the
	 * intensity is spent. */
	memset(&h, 0, sizeof(h));
	sv_start(&h.sv, &s, 0);
	drive(&h);
	h.fails_start[1] = true;
	end_child(&h, 1, FAULT, 0);
	CHECK_STR(h.log, "start B, start B, stop C, stop A, end (too many restarts)");
}

TEST(ends_during_a_restart_are_decided_after_it)
{
	struct harness h;

	/* one_for_all: while C takes its time to stop, A faults. A is
	 * restarted once, by the restart under way, not twice. */
	setup(&h, O4A, PERM);
	h.sv.spec.intensity = 5;
	h.ignores_stop[2] = true;
	end_child(&h, 1, FAULT, 0);
	CHECK_STR(h.log, "stop C");
	CHECK_EQ(end_child(&h, 0, FAULT, 1 * MS), SV_DEC_LATER);
	CHECK_EQ(end_child(&h, 2, SV_EXIT_SHUTDOWN, 2 * MS), SV_DEC_STOPPED);
	CHECK_STR(h.log, "start A, start B, start C");
	CHECK_EQ(h.sv.kid[0].restarts, 1u);
	CHECK(!h.sv.planning);
	/* rest_for_one: B faults; while C stops, A (started before B) faults:
	 * its own restart follows, with B and C. */
	setup(&h, R4O, PERM);
	h.sv.spec.intensity = 5;
	h.ignores_stop[2] = true;
	end_child(&h, 1, FAULT, 0);
	CHECK_STR(h.log, "stop C");
	h.ignores_stop[2] = false;
	CHECK_EQ(end_child(&h, 0, FAULT, 1 * MS), SV_DEC_LATER);
	end_child(&h, 2, SV_EXIT_SHUTDOWN, 2 * MS);
	CHECK_STR(h.log, "start B, start C, stop C, stop B, start A, start B, start C");
}

TEST(simple_one_for_one_adds_instances_at_run_time)
{
	struct harness h;
	unsigned k;

	setup(&h, S4O, TEMP);
	CHECK_EQ(h.sv.nkids, 3u);
	CHECK_EQ(h.sv.kid[2].arg, 2u);
	CHECK_STR(sv_child(&h.sv, 2)->name, "A");	/* the template's */
	/* A temporary instance that ends is removed; its place is reused. */
	end_child(&h, 1, FAULT, 0);
	CHECK_EQ(h.sv.kid[1].state, SV_C_GONE);
	CHECK_ERR(sv_add(&h.sv, 42, 0, &k), OK);
	CHECK_EQ(k, 1u);
	drive(&h);
	CHECK_STR(h.log, "start B");
	CHECK_EQ(h.sv.kid[1].arg, 42u);
	CHECK_EQ(h.sv.kid[1].restarts, 0u);
	for (unsigned i = 3; i < SV_MAX_CHILDREN; i++) {
		CHECK_ERR(sv_add(&h.sv, i, 0, &k), OK);
		drive(&h);
	}
	CHECK_ERR(sv_add(&h.sv, 0, 0, &k), ERR_TOO_MANY);
	/* An instance that fails to start is not added. */
	setup(&h, S4O, PERM);
	h.fails_start[3] = true;
	CHECK_ERR(sv_add(&h.sv, 9, 0, &k), OK);
	drive(&h);
	CHECK_STR(h.log, "start D");
	CHECK_EQ(h.sv.kid[3].state, SV_C_GONE);
	CHECK(!h.sv.ended);
	/* Only simple_one_for_one adds instances. */
	setup(&h, O4O, PERM);
	CHECK_ERR(sv_add(&h.sv, 0, 0, &k), ERR_UNSUPPORTED);
}

/* A supervisor under a supervisor: the harness runs the child supervisor
 * (S, index 0 of the parent, beside worker W) itself. */
TEST(a_supervisor_that_gives_up_is_decided_on_by_its_parent)
{
	struct sv_spec ps = { .name = "root", .strategy = O4O, .intensity = 1, .period_s = 5,
			      .nchildren = 2 };
	struct harness parent, sub;

	for (int type = PERM; type <= TRAN; type++) {
		memset(&parent, 0, sizeof(parent));
		child(&ps, 0, (enum sv_restart)type);
		ps.child[0].supervisor = true;
		child(&ps, 1, PERM);
		sv_start(&parent.sv, &ps, 0);
		drive(&parent);
		setup(&sub, O4O, PERM);		/* S, started by the parent's "start A" */
		/* S's B faults twice in a second: S gives up and ends (shutdown). */
		end_child(&sub, 1, FAULT, 0);
		end_child(&sub, 1, FAULT, 1 * S);
		CHECK_STR(sub.log, GIVE_UP);
		CHECK_EQ(end_child(&parent, 0, SV_EXIT_SHUTDOWN, 1 * S),
			 type == PERM ? SV_DEC_RESTART : SV_DEC_LEFT);
		/* OTP: a permanent supervisor is restarted; shutdown is a normal
		 * reason, so a transient one is not. */
		CHECK_STR(parent.log, type == PERM ? "start A" : "");
	}
}

static bool only_uprog(const char *prog)
{
	return strcmp(prog, "uprog") == 0;
}

TEST(bad_specs_get_clear_errors)
{
	struct sv_spec good = { .name = "sup", .strategy = O4O, .intensity = 1, .period_s = 5,
				.nchildren = 2 };
	struct sv_spec s;
	char why[128];

	child(&good, 0, PERM);
	child(&good, 1, TRAN);
	good.child[1].core = 3;
	CHECK_ERR(sv_check(&good, 4, only_uprog, why, sizeof(why)), OK);
	CHECK_STR(why, "");
#define BAD(change, err, text) do {						\
		s = good;							\
		change;								\
		CHECK_ERR(sv_check(&s, 4, only_uprog, why, sizeof(why)), err);	\
		CHECK_STR(why, text);						\
	} while (0)
	BAD(s.strategy = (enum sv_strategy)7, ERR_INVALID_ARG,
	    "unknown strategy (one_for_one, one_for_all, rest_for_one or simple_one_for_one)");
	BAD(s.period_s = 0, ERR_INVALID_ARG, "the period must be at least 1 second");
	BAD(s.period_s = -5, ERR_INVALID_ARG, "the period must be at least 1 second");
	BAD(s.intensity = -1, ERR_INVALID_ARG,
	    "the intensity (restarts allowed in a period) must be 0 to 64");
	BAD(s.intensity = 65, ERR_INVALID_ARG,
	    "the intensity (restarts allowed in a period) must be 0 to 64");
	BAD(s.child[1].core = 4, ERR_NOT_FOUND, "a child names a core that does not exist");
	BAD(strcpy(s.child[0].prog, "nope"), ERR_NOT_FOUND,
	    "a child names a program that is not in the boot image");
	BAD(s.child[0].prog[0] = '\0', ERR_NOT_FOUND,
	    "a child names a program that is not in the boot image");
	BAD(strcpy(s.child[1].name, "A"), ERR_INVALID_ARG, "two children have the same name");
	BAD(s.child[1].name[0] = '\0', ERR_INVALID_ARG, "a child's name must be 1 to 15 characters");
	BAD(s.child[1].restart = (enum sv_restart)3, ERR_INVALID_ARG,
	    "unknown restart type (permanent, transient or temporary)");
	BAD(s.nchildren = 17, ERR_TOO_MANY, "more than 16 children");
	BAD(s.strategy = S4O, ERR_INVALID_ARG,
	    "simple_one_for_one takes exactly one child spec, the template");
	BAD(memset(s.name, 'x', sizeof(s.name)), ERR_INVALID_ARG,
	    "the supervisor's name must be 1 to 15 characters");
	/* A supervisor child names no program. */
	s = good;
	s.child[0].supervisor = true;
	s.child[0].prog[0] = '\0';
	CHECK_ERR(sv_check(&s, 4, only_uprog, why, sizeof(why)), OK);
	/* Names of strategies and restart types. */
	enum sv_strategy st;
	enum sv_restart rt;
	CHECK(sv_strategy_parse("rest_for_one", &st) && st == R4O);
	CHECK(!sv_strategy_parse("one_for_some", &st));
	CHECK(sv_restart_parse("transient", &rt) && rt == TRAN);
	CHECK(!sv_restart_parse("sometimes", &rt));
}

TEST(specs_as_text_are_read_or_refused_with_a_reason)
{
	struct sv_child_spec c;
	struct sv_spec s;
	char why[128];

	CHECK_ERR(sv_parse_child("uprog:0x11@2/permanent/hb=2000/stop=300", &c, why, sizeof(why)),
		  OK);
	CHECK_STR(c.prog, "uprog");
	CHECK_STR(c.name, "uprog");
	CHECK_EQ(c.arg, 17u);
	CHECK_EQ(c.core, 2u);
	CHECK_EQ(c.restart, PERM);
	CHECK_EQ(c.heartbeat_ns, 2 * S);
	CHECK_EQ(c.shutdown_ns, 300 * MS);
	CHECK_ERR(sv_parse_child("usertest", &c, why, sizeof(why)), OK);
	CHECK_EQ(c.restart, TEMP);		/* init's default, as before */
	CHECK_EQ(c.core, 0u);
	CHECK_EQ(c.shutdown_ns, 0u);
#define BAD_CHILD(text, reason) do {						\
		CHECK_ERR(sv_parse_child(text, &c, why, sizeof(why)), ERR_INVALID_ARG);\
		CHECK_STR(why, reason);						\
	} while (0)
	BAD_CHILD("uprog:0/bogus", "unknown option (permanent, transient, temporary, hb=MS or stop=MS)");
	BAD_CHILD("", "the program's name must be 1 to 15 characters");
	BAD_CHILD(":3", "the program's name must be 1 to 15 characters");
	BAD_CHILD("a_name_far_too_long", "the program's name must be 1 to 15 characters");
	BAD_CHILD("up rog", "a program's name is letters, digits, '_', '-' and '.'");
	BAD_CHILD("uprog:12x", "ARG must be a number (decimal, or hex after 0x)");
	BAD_CHILD("uprog:", "ARG must be a number (decimal, or hex after 0x)");
	BAD_CHILD("uprog@", "CORE must be a number");
	BAD_CHILD("uprog@-1", "CORE must be a number");
	BAD_CHILD("uprog/hb=0", "hb= wants milliseconds, 1 to 3600000");
	BAD_CHILD("uprog/stop=x", "stop= wants milliseconds, 0 to 3600000");
	CHECK_ERR(sv_parse_flags("rest_for_one:3/10", &s, why, sizeof(why)), OK);
	CHECK_EQ(s.strategy, R4O);
	CHECK_EQ(s.intensity, 3);
	CHECK_EQ(s.period_s, 10);
	CHECK_ERR(sv_parse_flags("one_for_all", &s, why, sizeof(why)), OK);
	CHECK_EQ(s.intensity, 1);
	CHECK_EQ(s.period_s, 5);
#define BAD_FLAGS(text, reason) do {						\
		CHECK_ERR(sv_parse_flags(text, &s, why, sizeof(why)), ERR_INVALID_ARG);	\
		CHECK_STR(why, reason);						\
	} while (0)
	BAD_FLAGS("one_for_some:1/5",
		  "unknown strategy (one_for_one, one_for_all, rest_for_one or simple_one_for_one)");
	BAD_FLAGS("one_for_one:1/0", "the period must be at least 1 second");
	BAD_FLAGS("one_for_one:1/-5", "the period must be at least 1 second");
	BAD_FLAGS("one_for_one:-1/5", "the intensity (restarts allowed in a period) must be 0 to 64");
	BAD_FLAGS("one_for_one:3", "want STRATEGY[:R/T], R restarts in T seconds");
	BAD_FLAGS("one_for_one:a/5", "want STRATEGY[:R/T], R restarts in T seconds");
}
