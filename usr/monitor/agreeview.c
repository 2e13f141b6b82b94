/*
 * The membership view (issue 19, item 3): the set of cores that are
 * members and an epoch, replicated in every monitor and changed only by
 * agreement (lib/agree.h, docs/agreement.md). Every monitor starts with
 * epoch 1 and every core of the mesh; a change (add or remove one core)
 * is submitted to the agreement, whose coordinator is the lowest member,
 * over the tree mtree_best picks for the view's cores on the machine's
 * NUMA nodes (view_tree, below). Each member
 * checks a change against its replica (removing a non-member:
 * ERR_NOT_FOUND; adding a member: ERR_INVALID_ARG; removing the
 * coordinator, or the last member: ERR_INVALID_ARG, for the membership
 * work to do with a view change of its own) and applies it when
 * committed: the view's epoch goes up by one, and every member installs
 * the next view of the agreement with that epoch. A core removed keeps
 * its last view and takes no further part; a core added hears the view it
 * joins from the coordinator (view_is).
 *
 * The same agreement carries the name service's operations (names.c):
 * each payload's first byte says whose it is (enum agree_op_kind), and
 * check and apply hand it on. One instance rather than two because the
 * names' replicas are the view's members: a second instance would have
 * to install every view this one agrees on; this way names and view
 * changes have one order (docs/agreement.md, "The name service").
 * agreeview_change submits any of them and waits for its outcome.
 *
 * Reading the view needs no message (agreeview_get); `cores` in the shell
 * shows it (MON_CORES). The agreement's clock is the monitor's: it ticks
 * (one tick a millisecond) whenever the monitor handles a message or waits
 * for a change it asked for. A monitor blocked with nothing to do does
 * not tick; its retries and deadlines then wait for the next message,
 * which the waiting side's own retries bring.
 */
#include <stdio.h>
#include <string.h>
#include <flotilla/sys.h>
#include "lib/agree.h"
#include "usr/monitor/agreeview.h"
#include "usr/monitor/monitor.h"

#define TICK_NS		1000000ull	/* one tick of the agreement: 1 ms */

enum { VIEW_ADD = AGREE_OP_VIEW_ADD, VIEW_REMOVE = AGREE_OP_VIEW_REMOVE };

struct view_op {
	uint8_t kind, core;
};

static unsigned me;
static bool ready;
static struct agree ag;
static struct {
	uint32_t epoch;
	uint64_t members;
} view;
static uint64_t welcome;	/* cores added, to be told the view (coordinator) */
static uint64_t last_ns;
/* Changes this core asked for and waits on: one per submission the
 * agreement lets a member have waiting (a change may be asked for while
 * another waits: a name removed while a bind is served, say). */
static struct waiter {
	bool used, done;
	uint32_t tag;
	err_t err;
} waits[AGREE_PENDING];
static unsigned malformed;	/* payloads this replica refused as malformed */

static bool is_member(uint64_t set, unsigned c)
{
	return c < 64 && ((set >> c) & 1);
}

static unsigned lowest(uint64_t set)
{
	return (unsigned)__builtin_ctzll(set);
}

static err_t view_check(const void *p, unsigned len)
{
	const struct view_op *op = p;

	if (len != sizeof(*op) || op->core >= mesh_cores())
		return ERR_INVALID_ARG;
	if (op->kind == VIEW_REMOVE) {
		if (!is_member(view.members, op->core))
			return ERR_NOT_FOUND;
		if (op->core == lowest(view.members))
			return ERR_INVALID_ARG;	/* the coordinator */
		return OK;
	}
	if (op->kind == VIEW_ADD)
		return is_member(view.members, op->core) ? ERR_INVALID_ARG : OK;
	return ERR_INVALID_ARG;
}

/* Every operation of the agreement says what it is in its first byte:
 * the view's own, or the name service's (names.c). */
static err_t check(void *ctx, const void *p, unsigned len)
{
	const uint8_t *kind = p;
	err_t err = ERR_BAD_MESSAGE;

	if (len == 0)
		;
	else if (*kind == AGREE_OP_VIEW_ADD || *kind == AGREE_OP_VIEW_REMOVE)
		err = view_check(p, len);
	else if (*kind == AGREE_OP_NS_REGISTER || *kind == AGREE_OP_NS_REMOVE)
		err = names_check(p, len);
	if (err == ERR_BAD_MESSAGE)
		malformed++;
	return err;
}

static void apply(void *ctx, uint64_t id, const void *p, unsigned len)
{
	const struct view_op *op = p;

	if (op->kind == AGREE_OP_NS_REGISTER || op->kind == AGREE_OP_NS_REMOVE) {
		names_apply(p, len);
		return;
	}

	if (op->kind == VIEW_ADD) {
		view.members |= 1ull << op->core;
		if (me == ag.coord)
			welcome |= 1ull << op->core;
	} else {
		view.members &= ~(1ull << op->core);
	}
	view.epoch++;
}

static void done(void *ctx, uint32_t tag, err_t result)
{
	for (unsigned i = 0; i < AGREE_PENDING; i++)
		if (waits[i].used && waits[i].tag == tag) {
			waits[i].done = true;
			waits[i].err = result;
		}
}

static const struct agree_ops view_ops = { .check = check, .apply = apply, .done = done };

/* Bounds in ticks (ms): far above a healthy round trip, even under TCG. */
static const struct agree_conf view_conf = {
	.vote_ticks = 5000, .retry_ticks = 200, .query_ticks = 1000, .submit_ticks = 10000,
};

/*
 * The tree a view's agreement runs over, rooted at its coordinator. Every
 * member must build the same one, so it is made only from what every
 * monitor knows alike: the view and the cores' NUMA nodes, which each
 * kernel read from the same ACPI tables (shoot_topo). mtree_best picks
 * the shape by its estimate: on one node a broadcast, across nodes the
 * NUMA-aware tree, whose commit takes 3968 simulated cycles at 32 cores
 * of the paper's machine against 11203 for a broadcast (make sim;
 * docs/sim.md, "Agreement").
 */
static err_t view_tree(uint64_t members, struct mtree *tree)
{
	enum mtree_shape chosen;

	return mtree_best(shoot_topo(), lowest(members), members, NULL, &chosen) ? ERR_INVALID_ARG :
	       mtree_build(shoot_topo(), chosen, lowest(members), members, tree);
}

/* The agreement's next view, once the replica has moved past it. */
static void install(void)
{
	struct mtree tree;
	err_t err;

	if (view.epoch == ag.epoch || !is_member(view.members, me) || agree_busy(&ag))
		return;
	err = view_tree(view.members, &tree);
	if (!err)
		err = agree_view(&ag, view.epoch, &tree);
	if (err)
		printf("monitor: core %u: cannot install view %u: %s\n", me, view.epoch,
		       err_name(err));
}

/* After every step of the agreement: the clock, the next view, what to send. */
static void pump(void)
{
	uint64_t now = sys_clock_ns();
	struct agree_msg m;

	for (unsigned n = 0; now - last_ns >= TICK_NS && n < 100; n++) {
		last_ns += TICK_NS;
		agree_tick(&ag);
	}
	if (now - last_ns >= TICK_NS)
		last_ns = now;		/* long asleep: do not catch up tick by tick */
	install();
	for (unsigned c = 0; welcome && c < 64; c++) {
		if (!is_member(welcome, c))
			continue;
		welcome &= ~(1ull << c);
		if_intermon_view_is_send(mesh_to(c), view.epoch, view.members);
	}
	while (agree_pop(&ag, &m))
		if_intermon_agree_send(mesh_to(m.to), &m, sizeof(m));
}

static err_t on_agree(struct idl_binding *b, const uint8_t *msg, size_t len)
{
	struct agree_msg m;
	err_t err;

	if (!ready || len != sizeof(m))
		return ERR_BAD_MESSAGE;
	memcpy(&m, msg, sizeof(m));
	if (m.from != mesh_peer(b))
		return ERR_BAD_MESSAGE;		/* the channel says who sent it */
	err = agree_input(&ag, &m);
	pump();
	/* One from before a view change is late, not hostile: counted by
	 * the agreement, not reported by the mesh. */
	if (err && m.epoch < ag.epoch && m.type < AGREE_NTYPES && m.len <= AGREE_PAYLOAD_MAX)
		return OK;
	return err;
}

/* The view a core joins, from the coordinator that committed its addition. */
static err_t on_view_is(struct idl_binding *b, uint32_t epoch, uint64_t members)
{
	unsigned from = mesh_peer(b);

	if (!ready || epoch <= view.epoch || !is_member(members, me) || !is_member(members, from) ||
	    from != lowest(members) || (mesh_cores() < 64 && (members >> mesh_cores())))
		return ERR_BAD_MESSAGE;
	view.epoch = epoch;
	view.members = members;
	pump();
	return OK;
}

static err_t on_view_get(struct idl_binding *b, uint64_t id)
{
	pump();
	return if_intermon_view_get_r_send(b, id, OK, view.epoch, view.members);
}

struct view_answer {
	uint32_t epoch;
	uint64_t members;
};

static err_t on_view_get_r(struct idl_binding *b, uint64_t id, err_t status, uint32_t epoch,
			   uint64_t members)
{
	struct mesh_ask *a = mesh_answer(b, IF_INTERMON_VIEW_GET_R, id, status);
	struct view_answer *out;

	if (!a)
		return ERR_BAD_MESSAGE;
	out = a->out;
	out->epoch = epoch;
	out->members = members;
	return OK;
}

void agreeview_get(uint32_t *epoch, uint64_t *members)
{
	*epoch = view.epoch;
	*members = view.members;
}

err_t agreeview_get_on(unsigned core, uint32_t *epoch, uint64_t *members)
{
	struct view_answer v = { 0 };
	struct mesh_ask a;
	err_t err;

	if (core == me) {
		agreeview_get(epoch, members);
		return OK;
	}
	if ((err = mesh_ask(&a, core, IF_INTERMON_VIEW_GET_R, &v)))
		return err;
	err = mesh_await(&a, if_intermon_view_get_send(mesh_to(core), a.id));
	if (!err) {
		*epoch = v.epoch;
		*members = v.members;
	}
	return err;
}

static bool settled(unsigned i)
{
	pump();
	return waits[i].done;
}

err_t agreeview_change(const void *op, unsigned len)
{
	unsigned i;
	err_t err;

	if (!ready)
		return ERR_UNSUPPORTED;
	if (!is_member(view.members, me))
		return ERR_INVALID_ARG;		/* not in the view: no say */
	for (i = 0; i < AGREE_PENDING && waits[i].used; i++)
		;
	if (i == AGREE_PENDING)
		return ERR_TOO_MANY;
	/* Waiting before the submission: with no other member, it is
	 * decided (done) before agree_submit returns. */
	waits[i] = (struct waiter){ .used = true };
	if ((err = agree_submit(&ag, op, len, &waits[i].tag))) {
		waits[i].used = false;
		return err;
	}
	pump();
	err = mesh_serve_until(settled, i, sys_clock_ns() + MESH_WAIT_NS) ? waits[i].err :
	      ERR_TIMEOUT;
	waits[i].used = false;
	return err;
}

/* Asks for one change of the view and waits for the agreement's answer. */
static err_t change(unsigned kind, unsigned core)
{
	struct view_op op = { .kind = (uint8_t)kind, .core = (uint8_t)core };

	if (core >= mesh_cores())
		return ERR_INVALID_ARG;
	return agreeview_change(&op, sizeof(op));
}

err_t agreeview_add(unsigned core)
{
	return change(VIEW_ADD, core);
}

err_t agreeview_remove(unsigned core)
{
	return change(VIEW_REMOVE, core);
}

/* What the agreement dropped here, by reason (the tests). */
const struct agree_stats *agreeview_stats(void)
{
	return &ag.stats;
}

unsigned agreeview_malformed(void)
{
	return malformed;
}

err_t agreeview_init(unsigned core)
{
	unsigned n = mesh_cores();
	struct mtree tree;
	err_t err;

	me = core;
	mesh_handlers.agree = on_agree;
	mesh_handlers.view_is = on_view_is;
	mesh_handlers.view_get = on_view_get;
	mesh_handlers.view_get_r = on_view_get_r;
	if (!n)
		return OK;		/* no mesh: no view */
	if ((err = agree_init(&ag, core, &view_conf, &view_ops, NULL)))
		return err;
	view.epoch = 1;
	view.members = n >= 64 ? ~0ull : (1ull << n) - 1;
	if ((err = view_tree(view.members, &tree)) ||
	    (err = agree_view(&ag, view.epoch, &tree)))
		return err;
	last_ns = sys_clock_ns();
	ready = true;
	return OK;
}
