/*
 * Processes on other cores, through their monitors: start a program on
 * any core, ask how one is doing, kill it, and learn how it ended. The
 * requesting monitor sends a request over the mesh (mesh.c) and serves
 * its endpoint until the answer comes; the monitor of the target core does
 * the work with its own capabilities and answers. A process is named by
 * (core, pid), pid being the target monitor's index for it.
 *
 * A remote spawn can hand the new process the makings of a channel to its
 * requester: a frame of the requester's (sent ahead with rcap_copy, so the
 * requester's core stays its owner and can revoke it: rcap.c; the message
 * carries its id, and the child gets a copy of the target's import; a
 * frame the requester holds only a copy of is relayed by its owner), a
 * Notify capability for a doorbell the
 * requester names, and an endpoint of its own that one of the target
 * core's doorbells notifies (its slot comes back in the answer, so the
 * requester can ring it). flotilla/uchan.h builds the channel from those.
 *
 * Messages (if/intermon.if): spawn -> spawn_r, info -> info_r, kill ->
 * kill_r, and exited (target -> requester, unasked). A malformed one is
 * refused by the interface's runtime (mesh.c counts and reports it), as
 * is an answer nobody asked for or an exited about a pid that cannot be;
 * a request that is well formed but names nothing gets an answer with
 * the error.
 */
#include <stdio.h>
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/lmp.h>
#include <flotilla/monitor.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include "usr/monitor/monitor.h"

/* The target's records of the processes it runs for others. Their
 * capabilities live in the REMOTE_CN CNode, 4 slots each: endpoint,
 * imported frame, Notify capability (slot 3 unused). */
#define RSLOT(pid, k)		CADDR(REMOTE_CN, 4 * (pid) + (k))

static struct {
	bool used;
	unsigned from;		/* the requesting core */
	unsigned bell;		/* the doorbell of its endpoint */
	struct proc p;
} kids[SPAWN_MAX];
static bool ready;

/* The requester's side: how processes it started elsewhere ended. */
static struct {
	bool ended;
	int status;
	bool faulted;
} ended[MAX_MESH_CORES][SPAWN_MAX];

static err_t remote_setup(void)
{
	return monitor_cnode(&ready, T_REMOTECN, REMOTE_CN, 256);
}

/* Frees what the target kept for process pid (its capabilities here). */
static void forget(unsigned pid)
{
	for (unsigned k = 0; k < 3; k++) {
		cnode_revoke(T_REMOTECN, 4 * pid + k);
		cnode_delete(T_REMOTECN, 4 * pid + k);
	}
	kids[pid].used = false;
	bell_free(kids[pid].bell);
}

/* What a spawn asks for beside the program's name and argument. */
struct spawn_req {
	bool has_frame, has_bell;
	uint64_t frame;
	unsigned bell_core, bell_slot;
};

/* spawn on the target: builds the child's gifts, starts it. */
static err_t do_spawn(unsigned from, const char *name, uint64_t arg, const struct spawn_req *q,
		      unsigned *pid, int *bell)
{
	struct spawn_opts o = { .ngive = 3, .exc_ep_set = false, .notify_exit = true,
				.ram = SPAWNED_RAM, .give_bootimg = true };
	struct proc p;
	err_t err;
	unsigned slot;

	if ((err = remote_setup()))
		return err;
	for (slot = 0; slot < SPAWN_MAX && kids[slot].used; slot++)
		;
	if (slot == SPAWN_MAX || (*bell = bell_alloc()) < 0)
		return ERR_TOO_MANY;
	/* Its endpoint, which doorbell *bell notifies. */
	if ((err = ram_retype(T_REMOTECN, 4 * slot, CAP_ENDPOINT, 0)) ||
	    (err = kernel_notify_bind(CPTR_DOORBELL, RSLOT(slot, 0), (unsigned)*bell)))
		goto fail;
	const struct rcap frame = rcap_named(q->frame);	/* its owner's or relayed */
	if (q->has_frame && (err = rcap_get(&frame, from, T_REMOTECN, 4 * slot + 1)))
		goto fail;
	if (q->has_bell &&
	    (err = kernel_notify_mint(CPTR_DOORBELL, q->bell_core, q->bell_slot, T_REMOTECN,
				      4 * slot + 2)))
		goto fail;
	o.give[0] = RSLOT(slot, 0);
	o.give[1] = q->has_frame ? RSLOT(slot, 1) : SPAWN_GIVE_NONE;
	o.give[2] = q->has_bell ? RSLOT(slot, 2) : SPAWN_GIVE_NONE;
	if ((err = moncall_spawn_program(name, arg, &o, &p)))
		goto fail;
	kids[p.idx].used = true;
	kids[p.idx].from = from;
	kids[p.idx].p = p;
	kids[p.idx].bell = (unsigned)*bell;
	if (p.idx != slot) {	/* spawn.c picked another index: move the gifts */
		for (unsigned k = 0; k < 3; k++)
			cnode_move(T_REMOTECN, 4 * p.idx + k, RSLOT(slot, k));
	}
	*pid = p.idx;
	return OK;
fail:
	bell_free((unsigned)*bell);
	for (unsigned k = 0; k < 3; k++)
		cnode_delete(T_REMOTECN, 4 * slot + k);
	rcap_collect_soon();		/* the frame's import may be unheld again */
	return err;
}

/* ---- The target's handlers ---- */

static err_t on_spawn(struct idl_binding *b, uint64_t id, const char *name, uint64_t arg,
		      bool has_frame, uint64_t frame, bool has_bell, uint32_t bell_core,
		      uint32_t bell_slot)
{
	const struct spawn_req q = { .has_frame = has_frame, .has_bell = has_bell,
				     .frame = frame, .bell_core = bell_core,
				     .bell_slot = bell_slot };
	unsigned pid = 0;
	int bell = -1;
	err_t err = do_spawn(mesh_peer(b), name, arg, &q, &pid, &bell);

	return if_intermon_spawn_r_send(b, id, err, err ? 0 : pid, err ? 0 : (uint32_t)bell);
}

static err_t on_info(struct idl_binding *b, uint64_t id, uint32_t pid)
{
	struct disp_info info = { 0 };
	err_t err = pid < SPAWN_MAX && kids[pid].used ? disp_info(kids[pid].p.disp, &info)
						      : ERR_NOT_FOUND;

	if (err)
		info = (struct disp_info){ 0 };
	return if_intermon_info_r_send(b, id, err, info.state, info.exit_status, info.cycles,
				       info.dispatches, info.blocks);
}

static err_t on_kill(struct idl_binding *b, uint64_t id, uint32_t pid)
{
	err_t err = ERR_NOT_FOUND;

	if (pid < SPAWN_MAX && kids[pid].used && kids[pid].from == mesh_peer(b)) {
		err = proc_kill(&kids[pid].p);
		forget(pid);
	}
	return if_intermon_kill_r_send(b, id, err);
}

/* ---- The requester's handlers ---- */

static err_t on_spawn_r(struct idl_binding *b, uint64_t id, err_t status, uint32_t pid,
			uint32_t bell)
{
	struct mesh_ask *a = mesh_answer(b, IF_INTERMON_SPAWN_R, id, status);
	struct rproc *p;

	if (!a)
		return ERR_BAD_MESSAGE;		/* no one asked, or asked already */
	if (status != OK)
		return OK;
	p = a->out;
	p->pid = pid;
	p->bell = bell;
	/* A new process: forget how the last one with its pid ended. Its
	 * exited comes after this on the same channel, never before. */
	if (pid < SPAWN_MAX)
		ended[a->core][pid].ended = false;
	return OK;
}

static err_t on_info_r(struct idl_binding *b, uint64_t id, err_t status, uint32_t state,
		       int64_t exit_status, uint64_t cycles, uint64_t dispatches, uint64_t blocks)
{
	struct mesh_ask *a = mesh_answer(b, IF_INTERMON_INFO_R, id, status);
	struct disp_info *out;

	if (!a)
		return ERR_BAD_MESSAGE;
	out = a->out;
	memset(out, 0, sizeof(*out));
	out->state = state;
	out->exit_status = (int32_t)exit_status;
	out->cycles = cycles;
	out->dispatches = dispatches;
	out->blocks = blocks;
	return OK;
}

static err_t on_kill_r(struct idl_binding *b, uint64_t id, err_t status)
{
	return mesh_answer(b, IF_INTERMON_KILL_R, id, status) ? OK : ERR_BAD_MESSAGE;
}

static err_t on_exited(struct idl_binding *b, uint32_t pid, int64_t status, bool faulted)
{
	unsigned from = mesh_peer(b);

	if (pid >= SPAWN_MAX)
		return ERR_BAD_MESSAGE;
	ended[from][pid].ended = true;
	ended[from][pid].status = (int)status;
	ended[from][pid].faulted = faulted;
	return OK;
}

err_t remote_init(void)
{
	mesh_handlers.spawn = on_spawn;
	mesh_handlers.spawn_r = on_spawn_r;
	mesh_handlers.info = on_info;
	mesh_handlers.info_r = on_info_r;
	mesh_handlers.kill = on_kill;
	mesh_handlers.kill_r = on_kill_r;
	mesh_handlers.exited = on_exited;
	return OK;
}

bool remote_child_ended(unsigned pid, int status, bool faulted, err_t *kill_err)
{
	if (pid >= SPAWN_MAX || !kids[pid].used)
		return false;
	unsigned from = kids[pid].from;
	*kill_err = proc_kill(&kids[pid].p);
	forget(pid);
	if_intermon_exited_send(mesh_to(from), pid, status, faulted);
	return true;
}

/* Requests go to another core only (one to this core itself is refused:
 * use the local calls). */
err_t remote_spawn(unsigned core, const char *name, uint64_t arg, const struct remote_gifts *g,
		   struct rproc *out)
{
	struct spawn_req q = { 0 };
	struct mesh_ask a;
	err_t err;

	if (strlen(name) > NS_WORDS_NAME_MAX)
		return ERR_INVALID_ARG;	/* the message carries 15 characters */
	if (core >= mesh_cores() || core == sys_core_id())
		return ERR_INVALID_ARG;
	out->frame = (struct rcap){ 0 };
	if (g && g->frame) {	/* sent ahead; out->frame names it even if the spawn fails */
		if (g->object)
			err = rcap_send(g->object, core);
		else
			err = rcap_copy(g->frame_cap, core, &out->frame);
		if (err)
			return err;
		if (g->object)
			out->frame = *g->object;
		q.has_frame = true;
		q.frame = out->frame.id;
	}
	if (g && g->bell) {
		q.has_bell = true;
		q.bell_core = g->bell_core;
		q.bell_slot = g->bell_slot;
	}
	out->core = core;
	if ((err = mesh_ask(&a, core, IF_INTERMON_SPAWN_R, out)))
		return err;
	return mesh_await(&a, if_intermon_spawn_send(mesh_to(core), a.id, name, arg, q.has_frame,
						     q.frame, q.has_bell, q.bell_core,
						     q.bell_slot));
}

err_t remote_info(const struct rproc *p, struct disp_info *out)
{
	struct mesh_ask a;
	err_t err;

	if ((err = mesh_ask(&a, p->core, IF_INTERMON_INFO_R, out)))
		return err;
	return mesh_await(&a, if_intermon_info_send(mesh_to(p->core), a.id, p->pid));
}

err_t remote_kill(const struct rproc *p)
{
	struct mesh_ask a;
	err_t err;

	if ((err = mesh_ask(&a, p->core, IF_INTERMON_KILL_R, NULL)))
		return err;
	return mesh_await(&a, if_intermon_kill_send(mesh_to(p->core), a.id, p->pid));
}

static const struct rproc *waiting_for;
static bool has_ended(unsigned unused)
{
	return ended[waiting_for->core][waiting_for->pid].ended;
}

bool remote_ended(const struct rproc *p)
{
	return p->core < MAX_MESH_CORES && p->pid < SPAWN_MAX && ended[p->core][p->pid].ended;
}

err_t remote_wait(const struct rproc *p, int *status, bool *faulted)
{
	if (p->core >= MAX_MESH_CORES || p->pid >= SPAWN_MAX)
		return ERR_INVALID_ARG;
	waiting_for = p;
	if (!mesh_serve_until(has_ended, 0, sys_clock_ns() + MESH_WAIT_NS))
		return ERR_TIMEOUT;
	*status = ended[p->core][p->pid].status;
	*faulted = ended[p->core][p->pid].faulted;
	return OK;
}
