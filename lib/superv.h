/*
 * Supervision with Erlang/OTP's semantics: the decisions of one
 * supervisor, as a state machine with no side effects of its own, so that
 * the host tests can drive it through every case (tests/host/test_superv.c)
 * and every runtime (usr/lib/superv.c, init) follows the same rules.
 * docs/supervision.md puts each rule beside OTP's documentation.
 *
 * Events go in: the supervisor is started (sv_start), a child was started
 * or failed to (sv_started), a child ended and how (sv_exited), a child
 * beat (sv_beat), the time moved (sv_tick), the parent asks it to stop
 * (sv_stop), a simple_one_for_one child is added (sv_add). Actions come
 * out, one at a time (sv_next): start child i, stop child i (ask it to
 * end, within its shutdown limit), kill child i, end. The runtime does
 * each action and reports what came of it; stop and kill are done when
 * the child's end is reported with sv_exited. A supervisor does one thing
 * at a time, as OTP's does: it stops children one after another, waiting
 * for each, and starts them one after another; an exit that comes in the
 * meantime is decided once that plan is done.
 *
 * Time is the caller's, in nanoseconds (guest time: the kernel's clock).
 */
#ifndef LIB_SUPERV_H
#define LIB_SUPERV_H

#include <stdbool.h>
#include <stdint.h>
#include <kpi/errors.h>

#define SV_MAX_CHILDREN		16
#define SV_NAME_MAX		15	/* characters of a name, without the NUL */
#define SV_MAX_INTENSITY	64	/* restarts remembered */
#define SV_NS_PER_S		1000000000ull
#define SV_NONE			0xFFFFFFFFu

enum sv_strategy { SV_ONE_FOR_ONE, SV_ONE_FOR_ALL, SV_REST_FOR_ONE, SV_SIMPLE_ONE_FOR_ONE };
/* When a child that ended is started again (OTP's restart types). */
enum sv_restart { SV_PERMANENT, SV_TRANSIENT, SV_TEMPORARY };
/* How a child ended. NORMAL is exit status 0; SHUTDOWN is the end of a
 * child its supervisor stopped, or of a supervisor that gave up (OTP's
 * reason shutdown); ABNORMAL a fault or a non-zero status; KILLED a
 * child killed by someone else, or by its supervisor because it hung. */
enum sv_exit { SV_EXIT_NORMAL, SV_EXIT_SHUTDOWN, SV_EXIT_ABNORMAL, SV_EXIT_KILLED };

struct sv_child_spec {
	char name[SV_NAME_MAX + 1];	/* its id in the tree */
	char prog[SV_NAME_MAX + 1];	/* boot-image program ("" for a supervisor) */
	uint64_t arg;
	unsigned core;
	enum sv_restart restart;
	/* 0: killed at once (OTP's brutal_kill); else asked to stop, and
	 * killed if it has not ended this many ns later. */
	uint64_t shutdown_ns;
	/* 0: none; else it must beat at least this often or be killed as hung. */
	uint64_t heartbeat_ns;
	bool supervisor;		/* a supervisor itself (OTP's type supervisor) */
	unsigned rt_flags;		/* the runtime's own (usr/lib/superv.c); not used here */
};

struct sv_spec {
	char name[SV_NAME_MAX + 1];
	enum sv_strategy strategy;
	int64_t intensity;		/* R: at most R restarts ... */
	int64_t period_s;		/* ... in T seconds */
	unsigned nchildren;		/* simple_one_for_one: 1, the template */
	struct sv_child_spec child[SV_MAX_CHILDREN];
};

enum sv_act_kind { SV_ACT_START, SV_ACT_STOP, SV_ACT_KILL, SV_ACT_END };
struct sv_action {
	enum sv_act_kind kind;
	unsigned child;			/* START, STOP, KILL */
};

/* Why a supervisor ended (SV_ACT_END). */
enum sv_end { SV_END_NONE, SV_END_INTENSITY, SV_END_START_FAILED, SV_END_STOPPED };

/* What sv_exited decided about the child that ended. */
enum sv_decision {
	SV_DEC_RESTART,		/* restarted, by the strategy */
	SV_DEC_LEFT,		/* not restarted: its restart type says so */
	SV_DEC_GIVE_UP,		/* one restart too many: the supervisor ends */
	SV_DEC_STOPPED,		/* it was being stopped by its supervisor */
	SV_DEC_LATER,		/* decided when what is under way is done */
	SV_DEC_IGNORED,		/* not a running child, or the supervisor has ended */
};

enum sv_cstate {
	SV_C_IDLE,		/* not running: not started yet, or left ended */
	SV_C_STARTING,		/* START given, sv_started not yet */
	SV_C_RUNNING,
	SV_C_STOPPING,		/* STOP given: waiting for its end */
	SV_C_KILLING,		/* KILL given: waiting for its end */
	SV_C_GONE,		/* a temporary child that ended: removed */
};

struct sv_kid {
	enum sv_cstate state;
	unsigned restarts;	/* times started again after its first start */
	bool started_once;
	bool hung;		/* killed for a missed heartbeat */
	bool pending;		/* ended while a plan ran: decide afterwards */
	enum sv_exit pending_how;
	uint64_t deadline;	/* STOPPING: kill after; RUNNING: heartbeat due */
	uint64_t arg;		/* simple_one_for_one: this instance's argument */
};

struct sv {
	struct sv_spec spec;
	struct sv_kid kid[SV_MAX_CHILDREN];
	unsigned nkids;			/* simple_one_for_one: instances added */
	uint64_t now;
	uint64_t restart_at[SV_MAX_INTENSITY + 1];	/* newest first */
	unsigned nrestarts;
	/* The plan under way: stop stop_q in order, then start start_q in
	 * order, then end if end_after. */
	unsigned stop_q[SV_MAX_CHILDREN], nstop, stop_pos;
	unsigned start_q[SV_MAX_CHILDREN], nstart, start_pos;
	bool planning, end_after, initial, ended, end_given;
	enum sv_end end_reason;
	/* Ends decided after a plan (SV_DEC_LATER before), for sv_decided. */
	struct sv_late { unsigned child; enum sv_exit how; enum sv_decision d; } late[SV_MAX_CHILDREN];
	unsigned nlate;
};

/* Checks spec: a known strategy, intensity 0..SV_MAX_INTENSITY, a period
 * above 0, 1..SV_MAX_CHILDREN children (exactly 1 for simple_one_for_one),
 * names of 1..SV_NAME_MAX characters and unique, known restart types, a
 * core below ncores, and a program for which have_prog (if not NULL) says
 * yes. ERR_INVALID_ARG, ERR_TOO_MANY or ERR_NOT_FOUND, with one line
 * saying what is wrong in why[0..why_size). */
err_t sv_check(const struct sv_spec *spec, unsigned ncores, bool (*have_prog)(const char *),
	       char *why, unsigned why_size);

/* Sets sv up from spec (which sv_check accepted) and starts its children
 * in order: the first actions are their STARTs. */
void sv_start(struct sv *sv, const struct sv_spec *spec, uint64_t now);
/* simple_one_for_one: a new instance of the template with argument arg;
 * its index in *child, its START next. ERR_UNSUPPORTED for another
 * strategy, ERR_TOO_MANY when full, ERR_INVALID_ARG once ended. */
err_t sv_add(struct sv *sv, uint64_t arg, uint64_t now, unsigned *child);

/* The next action, or false when there is none until an event. */
bool sv_next(struct sv *sv, struct sv_action *out);
/* The START of child i was done: ok, or it failed to start. */
void sv_started(struct sv *sv, unsigned i, bool ok, uint64_t now);
/* Child i ended. */
enum sv_decision sv_exited(struct sv *sv, unsigned i, enum sv_exit how, uint64_t now);
/* An end that sv_exited answered SV_DEC_LATER has been decided since:
 * which child, how it ended and what was decided; false when none is
 * left to tell. */
bool sv_decided(struct sv *sv, struct sv_late *out);
/* Child i beat: it is alive until now + its heartbeat_ns. */
void sv_beat(struct sv *sv, unsigned i, uint64_t now);
/* The time is now: stop limits and heartbeats that ran out give KILLs. */
void sv_tick(struct sv *sv, uint64_t now);
/* The parent asks sv to end: its children are stopped, last first. */
void sv_stop(struct sv *sv, uint64_t now);
/* The earliest deadline sv waits for (UINT64_MAX: none): call sv_tick then. */
uint64_t sv_deadline(const struct sv *sv);
/* The name of a child: the spec's, for simple_one_for_one the template's. */
const struct sv_child_spec *sv_child(const struct sv *sv, unsigned i);

const char *sv_strategy_name(enum sv_strategy s);
const char *sv_restart_name(enum sv_restart r);
const char *sv_exit_name(enum sv_exit e);
const char *sv_state_name(enum sv_cstate s);
const char *sv_end_name(enum sv_end e);
/* The strategy or restart type called name; false if none is. */
bool sv_strategy_parse(const char *name, enum sv_strategy *out);
bool sv_restart_parse(const char *name, enum sv_restart *out);


/*
 * Specs as text (init's arguments, the kernel command line's init= and
 * initsup=; docs/supervision.md):
 *	child		PROG[:ARG][@CORE][/OPTION]...
 *			OPTION: permanent, transient, temporary (the default),
 *			hb=MS (it beats at least every MS ms), stop=MS (its
 *			shutdown limit; 0, the default, kills at once)
 *	flags		STRATEGY[:R/T] (R restarts in T seconds; default 1/5)
 * Each fills its part of the spec and returns OK, or ERR_INVALID_ARG
 * with one line in why[0..why_size) saying what is wrong. The child's
 * name is its program's.
 */
err_t sv_parse_child(const char *text, struct sv_child_spec *out, char *why, unsigned why_size);
err_t sv_parse_flags(const char *text, struct sv_spec *out, char *why, unsigned why_size);

#endif
