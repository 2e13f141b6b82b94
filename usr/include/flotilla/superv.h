/*
 * Supervision trees in a process (usr/lib/superv.c; docs/supervision.md):
 * supervisors whose decisions are lib/superv.c's state machine, OTP's
 * rules, and whose children are processes on any core, started, watched
 * and ended through the monitors (mon_spawn_opts, mon_wait, mon_stop,
 * mon_kill), or supervisors of the same tree. init holds the system's
 * tree; any process with RAM may hold one.
 *
 * The tree lives in one process, so a supervisor under a supervisor is a
 * node of the same table, not a process of its own: starting it starts
 * its children, killing it kills them, and its end (it gave up, or was
 * stopped) is reported to its parent as an end with reason shutdown.
 *
 * Every report is one line that starts with the tree's name and the
 * supervisor's, and names the instance as CORE:PID:
 *	init: programs: uprog 1:0 ended (fault); restarting it (one_for_one)
 *	init: programs: restarted uprog as 1:2 (was 1:0; restart 1)
 */
#ifndef FLOTILLA_SUPERV_H
#define FLOTILLA_SUPERV_H

#include <stdbool.h>
#include <stdint.h>
#include <kpi/caps.h>
#include <kpi/errors.h>
#include "lib/superv.h"

#define SVR_MAX_NODES		10	/* init's 4, and room for task forces */
/* How often the tree asks the monitors about its children: an end or a
 * missed heartbeat is seen at most this late. */
#define SVR_POLL_NS		(100ull * 1000 * 1000)

/* A child spec's rt_flags (lib/superv.h): MON_SPAWN's flags
 * (flotilla/monitor.h), and SVR_GIFT: a child on the tree's core gets
 * the tree's endpoint (svr_set_gift) at CPTR_SUPERVISOR, to ask for rows. */
#define SVR_GIFT		0x100u
#define CPTR_SUPERVISOR		CPTR_TASK_FIRST_FREE

/* The tree's name in its reports ("init"), and the endpoint copy that
 * SVR_GIFT children get (0: none). */
void svr_init(const char *who, capaddr_t gift);
/* Adds a supervisor: the root (parent -1) first, then each under the
 * child spec `in_parent` of its parent, which must be marked supervisor.
 * Its node in *node. ERR_TOO_MANY past SVR_MAX_NODES; ERR_INVALID_ARG if
 * the place in the parent is not a supervisor child. */
err_t svr_add(const struct sv_spec *spec, int parent, unsigned in_parent, int *node);
/* Starts the root, and so the tree, at `now`. */
void svr_start(uint64_t now);
/* simple_one_for_one node n: a new instance of its template with `arg`. */
err_t svr_add_instance(int n, uint64_t arg, uint64_t now);
/*
 * Groups (task forces, docs/taskforce.md): a supervisor added at run time
 * under node `parent`, a simple_one_for_one supervisor whose template is
 * a temporary supervisor child. svr_add_group starts it and its children
 * (ERR_TOO_MANY when no node or place is left; a child's start error,
 * and nothing left, when one does not start); svr_end_group kills every
 * process under it and gives its node back (ERR_NOT_FOUND if s is not a
 * group). A group that gives up ends, and is not restarted (temporary),
 * and its node is given back too.
 */
err_t svr_add_group(int parent, const struct sv_spec *spec, capaddr_t gift, uint64_t now,
		    int *node);
/*
 * A group's gift (svr_add_group's gift; 0: none): each of its processes
 * gets a copy at CPTR_TASK_FIRST_FREE, on whichever core it runs (to
 * another core only a Frame crosses: flotilla/monitor.h, mon_spawn_opts).
 * The gift is the group's, not a process's: it outlives restarts. When
 * the group's node is given back, every process under it ended, the
 * function set by svr_on_release gets it, with the cores its copies were
 * sent to and their id, to revoke them (mon_cap_revoke) and free it.
 */
struct svr_gift {
	capaddr_t cap;
	uint64_t cores;		/* cores a copy went to */
	uint64_t token;		/* their id */
};
void svr_on_release(void (*fn)(int node, const struct svr_gift *g));
err_t svr_end_group(int s, uint64_t now);
/* The k-th group under parent (its node), or -1 past the last. */
int svr_group(int parent, unsigned k);
/* Node n's spec, or NULL. */
const struct sv_spec *svr_spec(int n);
struct svr_row;
/* Process child i of node n as a row (depth 0); ERR_NOT_FOUND if none. */
err_t svr_child_row(int n, unsigned i, struct svr_row *out);
/* Asks the monitors how every child is, feeds ends, beats and the time
 * to the supervisors, and carries out what they decide. */
void svr_poll(uint64_t now);
/* When svr_poll should run next (UINT64_MAX: only on a request). */
uint64_t svr_wake_at(uint64_t now);
/* The root has ended (it gave up, or a child failed to start). */
bool svr_root_ended(void);
/* No child runs anywhere in the tree and no supervisor is busy. */
bool svr_quiet(void);
/* The same for node n and the supervisors under it (true for no node). */
bool svr_quiet_under(int n);
/* Process children whose last end was abnormal, or that never started. */
unsigned svr_bad(void);

/* The tree as rows, depth first: each supervisor, then its children. */
enum svr_row_state {
	SVR_SUP_RUNNING = 8, SVR_SUP_BUSY, SVR_SUP_ENDED, SVR_SUP_IDLE,
};
struct svr_row {
	unsigned depth;
	bool supervisor;
	char name[SV_NAME_MAX + 1];
	unsigned state;		/* enum sv_cstate for a process, svr_row_state else */
	bool has_proc;		/* core and pid name its instance */
	unsigned core, pid;
	unsigned restarts;	/* at most 255 through svr_ask_row */
};
/* The index-th row; ERR_NOT_FOUND past the last. */
err_t svr_row(unsigned index, struct svr_row *out);
const char *svr_state_name(unsigned state);

/* The tree's endpoint protocol: one LMP call, w0 SVR_REQ_ROW, w1 the
 * index; the reply's w0 the error, w1..w3 the row. */
#define SVR_REQ_ROW		1
/* Serves one request m received on the tree's endpoint (replies). */
struct lmp_msg;
void svr_serve(const struct lmp_msg *m);
/* A row in one word (w1 of the reply; restarts at most 255), and back
 * (the name is not in it). */
uint64_t svr_pack_row(const struct svr_row *row);
void svr_unpack_row(uint64_t w, struct svr_row *out);
/* A client's: asks the tree behind endpoint ep for row index. */
err_t svr_ask_row(capaddr_t ep, unsigned index, struct svr_row *out);

#endif
