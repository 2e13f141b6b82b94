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
 * carries its id, and the child gets a copy of the target's import), a
 * Notify capability for a doorbell the
 * requester names, and an endpoint of its own that one of the target
 * core's doorbells notifies (its slot comes back in the answer, so the
 * requester can ring it). flotilla/uchan.h builds the channel from those.
 *
 * Messages (types REMOTE_FIRST.., one to seven words, w0 the request id
 * where there is an answer):
 *	SPAWN	req, name (16 bytes), arg, frame id, has frame, bell
 *	SPAWNED	req, err, pid, doorbell slot of its endpoint
 *	INFO	req, pid	-> INFO_R req, err, state|status<<32, cycles,
 *				   dispatches, blocks
 *	KILL	req, pid	-> DONE req, err
 *	EXITED	pid, status, faulted	(target -> requester, unasked)
 * A request that is malformed (wrong length, a name without its NUL) is
 * refused like any other bad message (mesh.c counts and reports it); one
 * that is well formed but names nothing gets an answer with the error.
 */
#include <stdio.h>
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/lmp.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include "lib/urpc.h"
#include "usr/monitor/monitor.h"

enum {
	MSG_SPAWN = REMOTE_FIRST, MSG_SPAWNED, MSG_INFO, MSG_INFO_R, MSG_KILL, MSG_DONE,
	MSG_EXITED, MSG_LAST = MSG_EXITED
};

/* The target's records of the processes it runs for others. Their
 * capabilities live in the REMOTE_CN CNode, 4 slots each: endpoint,
 * imported frame, Notify capability (slot 3 unused). */
#define REMOTE_CN		10
#define T_REMOTECN		CADDR(TASK_CN, 27)
#define RSLOT(pid, k)		CADDR(REMOTE_CN, 4 * (pid) + (k))

static struct {
	bool used;
	unsigned from;		/* the requesting core */
	unsigned bell;		/* the doorbell of its endpoint */
	struct proc p;
} kids[SPAWN_MAX];
static bool ready;

/* The requester's side: the last answer, and how processes it started
 * elsewhere ended. */
static uint64_t answer[URPC_MAX_WORDS];
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

/* SPAWN on the target: builds the child's gifts, starts it, answers. */
static err_t do_spawn(unsigned from, const uint64_t *w, unsigned *pid, int *bell)
{
	char name[17];
	struct spawn_opts o = { .ngive = 3, .exc_ep_set = false, .notify_exit = true,
				.ram = SPAWNED_RAM, .give_bootimg = true };
	struct proc p;
	err_t err;
	unsigned slot;

	memcpy(name, &w[1], 16);
	name[16] = '\0';
	if ((err = remote_setup()))
		return err;
	for (slot = 0; slot < SPAWN_MAX && kids[slot].used; slot++)
		;
	if (slot == SPAWN_MAX || (*bell = bell_alloc()) < 0)
		return ERR_TOO_MANY;
	/* Its endpoint, which doorbell *bell notifies. */
	if ((err = ram_retype(T_REMOTECN, 4 * slot, CAP_ENDPOINT, 0)) ||
	    (err = kernel_notify_bind(CPTR_KERNEL, RSLOT(slot, 0), (unsigned)*bell)))
		goto fail;
	struct rcap frame = { .owner = from, .id = w[4] };
	if (w[5] && (err = rcap_get(&frame, T_REMOTECN, 4 * slot + 1)))
		goto fail;
	if ((w[6] >> 16) & 1 &&
	    (err = kernel_notify_mint(CPTR_KERNEL, w[6] & 0xFF, (w[6] >> 8) & 0xFF, T_REMOTECN,
				      4 * slot + 2)))
		goto fail;
	o.give[0] = RSLOT(slot, 0);
	o.give[1] = w[5] ? RSLOT(slot, 1) : SPAWN_GIVE_NONE;
	o.give[2] = (w[6] >> 16) & 1 ? RSLOT(slot, 2) : SPAWN_GIVE_NONE;
	if ((err = spawn_program_opts(name, w[3], &o, &p)))
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
	return err;
}

static bool has_nul(const void *p, size_t n)
{
	const char *c = p;

	for (size_t i = 0; i < n; i++)
		if (!c[i])
			return true;
	return false;
}

static err_t target(unsigned from, uint32_t type, const uint64_t *w, unsigned n)
{
	uint64_t r[6] = { w[0] };
	unsigned pid;
	int bell = -1;
	err_t err;

	switch (type) {
	case MSG_SPAWN:
		if (n != 7 || !has_nul(&w[1], 16))
			return ERR_BAD_MESSAGE;
		err = do_spawn(from, w, &pid, &bell);
		r[1] = err;
		r[2] = err ? 0 : pid;
		r[3] = err ? 0 : (uint64_t)bell;
		return mesh_send(from, MSG_SPAWNED, r, 4);
	case MSG_INFO: {
		struct disp_info info;
		if (n != 2)
			return ERR_BAD_MESSAGE;
		pid = (unsigned)w[1];
		err = w[1] < SPAWN_MAX && kids[pid].used ? disp_info(kids[pid].p.disp, &info)
							 : ERR_NOT_FOUND;
		r[1] = err;
		if (!err) {
			r[2] = info.state | (uint64_t)(uint32_t)info.exit_status << 32;
			r[3] = info.cycles;
			r[4] = info.dispatches;
			r[5] = info.blocks;
		}
		return mesh_send(from, MSG_INFO_R, r, 6);
	}
	case MSG_KILL:
		if (n != 2)
			return ERR_BAD_MESSAGE;
		pid = (unsigned)w[1];
		if (w[1] >= SPAWN_MAX || !kids[pid].used || kids[pid].from != from) {
			r[1] = ERR_NOT_FOUND;
		} else {
			r[1] = proc_kill(&kids[pid].p);
			forget(pid);
		}
		return mesh_send(from, MSG_DONE, r, 2);
	}
	return ERR_BAD_MESSAGE;
}

static err_t requester(unsigned from, uint32_t type, const uint64_t *w, unsigned n)
{
	static const unsigned len[] = {
		[MSG_SPAWNED - REMOTE_FIRST] = 4, [MSG_INFO_R - REMOTE_FIRST] = 6,
		[MSG_DONE - REMOTE_FIRST] = 2, [MSG_EXITED - REMOTE_FIRST] = 3,
	};

	if (n != len[type - REMOTE_FIRST])
		return ERR_BAD_MESSAGE;
	if (type == MSG_EXITED) {
		if (w[0] >= SPAWN_MAX)
			return ERR_BAD_MESSAGE;
		ended[from][w[0]].ended = true;
		ended[from][w[0]].status = (int)w[1];
		ended[from][w[0]].faulted = w[2] != 0;
		return OK;
	}
	if (mesh_answer(w, n))
		return ERR_BAD_MESSAGE;		/* no one asked, or asked already */
	/* A new process: forget how the last one with its pid ended. Its
	 * EXITED comes after this on the same channel, never before. */
	if (type == MSG_SPAWNED && w[1] == OK && w[2] < SPAWN_MAX)
		ended[from][w[2]].ended = false;
	return OK;
}

static err_t on_message(unsigned from, uint32_t type, const uint64_t *w, unsigned n)
{
	if (type == MSG_SPAWN || type == MSG_INFO || type == MSG_KILL)
		return target(from, type, w, n);
	return requester(from, type, w, n);
}

err_t remote_init(void)
{
	return mesh_on(REMOTE_FIRST, MSG_LAST, on_message);
}

bool remote_child_ended(unsigned pid, int status, bool faulted, err_t *kill_err)
{
	if (pid >= SPAWN_MAX || !kids[pid].used)
		return false;
	uint64_t w[3] = { pid, (uint64_t)(int64_t)status, faulted };
	unsigned from = kids[pid].from;
	*kill_err = proc_kill(&kids[pid].p);
	forget(pid);
	mesh_send(from, MSG_EXITED, w, 3);
	return true;
}

/* A request to another core (one to this core itself is refused: use the
 * local calls). */
static err_t ask(unsigned core, uint32_t type, uint64_t *w, unsigned n)
{
	return mesh_ask(core, type, w, n, answer);
}

err_t remote_spawn(unsigned core, const char *name, uint64_t arg, const struct remote_gifts *g,
		   struct rproc *out)
{
	uint64_t w[7] = { 0 };
	size_t len = strlen(name);
	err_t err;

	if (len > 15)
		return ERR_INVALID_ARG;	/* the message carries 15 characters */
	memcpy(&w[1], name, len);
	w[3] = arg;
	out->frame = (struct rcap){ 0 };
	if (g && g->frame) {	/* sent ahead; out->frame names it even if the spawn fails */
		if ((err = rcap_copy(g->frame_cap, core, &out->frame)))
			return err;
		w[4] = out->frame.id;
		w[5] = 1;
	}
	if (g && g->bell)
		w[6] = g->bell_core | g->bell_slot << 8 | 1u << 16;
	if ((err = ask(core, MSG_SPAWN, w, 7)))
		return err;
	out->core = core;
	out->pid = (unsigned)answer[2];
	out->bell = (unsigned)answer[3];
	return OK;
}

err_t remote_info(const struct rproc *p, struct disp_info *out)
{
	uint64_t w[2] = { 0, p->pid };
	err_t err = ask(p->core, MSG_INFO, w, 2);

	if (err)
		return err;
	memset(out, 0, sizeof(*out));
	out->state = (uint32_t)answer[2];
	out->exit_status = (int32_t)(answer[2] >> 32);
	out->cycles = answer[3];
	out->dispatches = answer[4];
	out->blocks = answer[5];
	return OK;
}

err_t remote_kill(const struct rproc *p)
{
	uint64_t w[2] = { 0, p->pid };

	return ask(p->core, MSG_KILL, w, 2);
}

static const struct rproc *waiting_for;
static bool has_ended(unsigned unused)
{
	return ended[waiting_for->core][waiting_for->pid].ended;
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
