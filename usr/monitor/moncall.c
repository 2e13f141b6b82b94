/*
 * Requests from processes (flotilla/monitor.h). The monitor mints a
 * send-only copy of its endpoint with badge MON_BADGE into its own
 * CPTR_MONITOR; every process a request or another core starts, and
 * every span dispatcher, gets a copy with a badge of its own (PROC_BADGE,
 * moncall_mint_ep), which a process's spawn passes down to its own
 * children; init, the shell and their admin children share ADMIN_BADGE.
 * A request arrives as an LMP call on the endpoint the monitor already
 * serves; it is answered with lmp_reply before the monitor receives
 * anything else there (the kernel lets a receiver reply only to the call
 * it took last), so while a request waits for another core the monitor
 * reads only its channels (mesh_rings_only): faults, exits and other
 * callers wait in the endpoint's queue meanwhile.
 *
 * An operation that names a core runs on that core's monitor: this one
 * forwards the request over the mesh (fwd: id, operation, core, the
 * three argument words; fwd_r: id, error, the three result words;
 * if/intermon.if) and replies with the answer. A spawn's gift (a
 * capability for the child) crosses with it if it is a Frame: this
 * monitor sends it ahead (rcap_copy: this core stays its owner), fwd
 * names it, the target's monitor gives the child a copy of its import,
 * and the answer's third word is the id under which the caller revokes
 * the copies (mon_cap_revoke). RAM of this core's own comes given (it
 * cannot be copied) and is taken (rcap_move); RAM a request brought and
 * did not take goes back in the reply (moncall_handle). A gift that is itself a copy of another
 * core's Frame is sent on by that core, its owner (rcap.c, relay), and
 * its caller gets no id to revoke (MON_NO_TOKEN): the owner's revoke
 * takes it. Any other type is refused with the error
 * that says why (ERR_CAP_CORE_BOUND for a Dispatcher). Pinging is
 * the exception (it measures from here); console reads and power-off go
 * to core 0, which drives the UART. A console read brings the reader's
 * PML4: its monitor finds which child it is, and forwards its PML4's base
 * and pid instead of the words the process sent (console.c). A process started by a request
 * (MON_SPAWN) is a child of that core's monitor like any other: its
 * faults and its exit are reported on the console. Only such processes
 * may be killed by request; the monitor's own (init, tests) may not.
 * What became of them is kept for their supervisors (procwait.c:
 * MON_WAIT, MON_STOP, MON_BEAT).
 *
 * The requests about channels (MON_EXPORT, MON_BIND, MON_ACCEPT,
 * MON_BIND_CAP) bring an endpoint with them, and some replies carry a
 * capability back: bind.c does them. CPTR_MONITOR has the grant right
 * for that; what a call brings lands at T_MONCAP and is deleted after
 * the reply (supervise.c). A request that comes with the badge of a
 * channel end's control endpoint is about that end's capabilities
 * (MON_CAP_PUT, MON_CAP_GET): bind.c again; MON_CAP_REVOKE is rcap.c's.
 */
#include <stdio.h>
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/lmp.h>
#include <flotilla/monitor.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include "usr/monitor/agreeview.h"
#include "usr/monitor/monitor.h"

#define MON_BADGE	0x4D4F4Eu	/* "MON": not a SPAWN_BADGE */
#define ADMIN_BADGE	0x4D4F4E41u	/* "MONA": T_MONADMIN's, the shell's */
/* A started process's: "MON" in bits 32..55 (no SPAWN_BADGE, ADMIN_BADGE
 * or channel end's CTL_BADGE has them) and a number no other process of
 * this boot gets (for 2^32 spawns). */
#define PROC_BADGE_TAG	0x4D4F4Eull
#define PROC_BADGE(n)	(PROC_BADGE_TAG << 32 | (uint32_t)(n))

static uint32_t proc_badges;	/* the last PROC_BADGE number given */

static unsigned me;

static err_t on_fwd(struct idl_binding *b, uint64_t id, uint8_t op, uint32_t core, uint64_t a1,
		     uint64_t a2, uint64_t a3);
static err_t on_fwd_spawn(struct idl_binding *b, uint64_t id, uint32_t core, uint8_t flags,
		      const char *name, uint64_t arg, bool has_cap, uint64_t cap);
static err_t on_fwd_r(struct idl_binding *b, uint64_t id, err_t status, uint64_t r1,
		      uint64_t r2, uint64_t r3);
static err_t on_fwd_ps(struct idl_binding *b, uint64_t id, uint32_t core, uint32_t index);
static err_t on_fwd_ps_r(struct idl_binding *b, uint64_t id, err_t status, uint32_t pid,
			 uint32_t state, const char *name);

/* Where fwd_ps_r's answer goes (moncall_ps). */
struct ps_answer {
	unsigned *pid, *state;
	char *name;
};

err_t monitor_cnode(bool *ready, capaddr_t task_slot, unsigned level, unsigned slots)
{
	err_t err;

	if (*ready)
		return OK;
	if ((err = ram_retype(CPTR_TASKCN, CADDR_L2(task_slot), CAP_CNODE, slots * CTE_SIZE)) ||
	    (err = cnode_copy(CPTR_ROOTCN, level, task_slot)))
		return err;
	*ready = true;
	return OK;
}

err_t monitor_request_cap(bool has_cap, unsigned type, unsigned rights, uint64_t *base)
{
	return monitor_cap_at(has_cap ? T_MONCAP : 0, type, rights, base);
}

err_t monitor_cap_at(capaddr_t cap, unsigned type, unsigned rights, uint64_t *base)
{
	struct cap_info ci;
	err_t err;

	if (!cap)
		return ERR_CAP_EMPTY;
	if ((err = cap_identify(cap, &ci)))
		return err;
	if (ci.type != type)
		return ERR_CAP_WRONG_TYPE;
	if ((ci.rights & rights) != rights)
		return ERR_CAP_RIGHTS;
	*base = ci.base;
	return OK;
}

err_t moncall_init(unsigned core)
{
	err_t err;

	me = core;
	mesh_handlers.fwd = on_fwd;
	mesh_handlers.fwd_spawn = on_fwd_spawn;
	mesh_handlers.fwd_ps = on_fwd_ps;
	mesh_handlers.fwd_ps_r = on_fwd_ps_r;
	mesh_handlers.fwd_r = on_fwd_r;
	if ((err = bind_init(core)) || (err = span_init(core)))
		return err;
	if ((err = cnode_mint(CPTR_TASKCN, CADDR_L2(CPTR_MONITOR), T_FAULTEP,
			      CAP_RIGHT_WRITE | CAP_RIGHT_GRANT, MON_BADGE)))
		return err;
	return cnode_mint(CPTR_TASKCN, CADDR_L2(T_MONADMIN), T_FAULTEP,
			  CAP_RIGHT_WRITE | CAP_RIGHT_GRANT, ADMIN_BADGE);
}

void moncall_child_ended(unsigned pid, int status, bool faulted)
{
	procwait_ended(pid, status, faulted ? MON_END_FAULT : MON_END_EXIT);
}

bool moncall_is_request(const struct lmp_msg *m)
{
	return m->badge == MON_BADGE || m->badge >> 32 == PROC_BADGE_TAG ||
	       m->badge == ADMIN_BADGE || bind_is_ctl(m->badge);
}

/*
 * Each process a request or another core starts here, and each span
 * dispatcher this core hosts, asks with a badge of its own, so that a
 * moncall conversation, which only a caller with the badge that began
 * it may continue or pull (mcall.c), is that caller's (and its own
 * children's, which its spawn gives its copy): another that guesses its
 * ticket is refused ERR_NOT_FOUND. (init, the shell and what they start
 * with MON_SPAWN_ADMIN share the admin badge, T_MONADMIN's, on purpose.)
 */
err_t moncall_mint_ep(capaddr_t cn, uint64_t slot)
{
	return cnode_mint(cn, slot, T_FAULTEP, CAP_RIGHT_WRITE | CAP_RIGHT_GRANT,
			  PROC_BADGE(++proc_badges));
}

err_t moncall_spawn_program(const char *name, uint64_t arg, struct spawn_opts *o,
			    struct proc *out)
{
	err_t err;

	if (o->monitor_ep)		/* the shell's, which is chosen on purpose */
		return spawn_program_opts(name, arg, o, out);
	cnode_delete(CPTR_TASKCN, CADDR_L2(T_MONPROC));	/* empty but after a failure */
	if ((err = moncall_mint_ep(CPTR_TASKCN, CADDR_L2(T_MONPROC))))
		return err;
	o->monitor_ep = T_MONPROC;
	err = spawn_program_opts(name, arg, o, out);	/* the child gets a copy */
	o->monitor_ep = 0;
	cnode_delete(CPTR_TASKCN, CADDR_L2(T_MONPROC));
	return err;
}

/* A spawn here; with a capability for the child (gift: T_MONCAP, the
 * one the request brought, or T_FWDCAP, the import of a forwarded one;
 * 0: none), that goes to the child. r[1] its pid, r[2] its serial
 * (procwait.c). */
static err_t spawn_here(const struct mon_spawn_req *q, uint64_t *r, capaddr_t gift)
{
	unsigned flags = q->flags;
	struct spawn_opts o = {
		.notify_exit = true, .give = { gift }, .ngive = gift != 0,
		.give_bootimg = !(flags & MON_SPAWN_BARE),
		.ram = flags & MON_SPAWN_BARE ? 0 : flags & MON_SPAWN_RAM_1M ? 1u << 20 :
		       flags & MON_SPAWN_RAM_64K ? 64u << 10 : SPAWNED_RAM,
		.monitor_ep = flags & MON_SPAWN_ADMIN ? T_MONADMIN : 0,
	};
	struct proc p = { 0 };
	err_t err;

	size_t len = strnlen(q->name, MON_PROG_NAME_MAX + 1);

	if (len == 0 || len > MON_PROG_NAME_MAX)
		return ERR_INVALID_ARG;
	if ((flags & MON_SPAWN_SKB) && (err = skbfeed_spawn_opts(&o, gift != 0)))
		return err;
	if ((flags & MON_SPAWN_CONSOLE) && (err = consvc_spawn_opts(&o, gift != 0)))
		return err;
	err = moncall_spawn_program(q->name, q->arg, &o, &p);
	if (flags & MON_SPAWN_CONSOLE)
		consvc_spawned(err, p.idx);
	if (err)
		return err;
	r[1] = p.idx;
	r[2] = procwait_started(p.idx);
	return OK;
}

static err_t kill_here(uint64_t pid)
{
	struct proc p;
	const char *name;
	err_t err;

	if (pid >= SPAWN_MAX || !proc_at((unsigned)pid, &p, &name))
		return ERR_NOT_FOUND;
	if (!procwait_by_request((unsigned)pid))
		return ERR_CAP_RIGHTS;
	err = proc_kill(&p);
	procwait_ended((unsigned)pid, -1, MON_END_KILLED);
	return err;
}

err_t moncall_kill(unsigned pid)
{
	return kill_here(pid);
}

/* The index-th living child, then the index-th span dispatcher this core
 * runs for a process (span.c): its pid, state and whole name. */
static err_t ps_at(uint64_t index, unsigned *pid, unsigned *state,
		   char name[MON_PROG_NAME_MAX + 1])
{
	for (unsigned i = 0; i < SPAWN_MAX; i++) {
		struct disp_info info;
		struct proc p;
		const char *n;
		if (!proc_at(i, &p, &n) || index--)
			continue;
		if (disp_info(p.disp, &info))
			info.state = DISP_STATE_NEW;
		*pid = i;
		*state = info.state;
		snprintf(name, MON_PROG_NAME_MAX + 1, "%s", n);	/* a boot-image name: fits */
		return OK;
	}
	/* index now counts past the children */
	if (index >= SPAN_PID_FIRST ||
	    !span_at((unsigned)index, pid, name, MON_PROG_NAME_MAX + 1, state))
		return ERR_NOT_FOUND;
	return OK;
}

/* MON_PS's packed answer: pid | state << 32, and the name in two words
 * (NUL-padded, or all 16 bytes used); a longer one does not fit
 * (ERR_TRUNCATED: the ps rpc carries it). */
static err_t ps_here(uint64_t index, uint64_t *r)
{
	char name[MON_PROG_NAME_MAX + 1];
	unsigned pid, state;
	err_t err = ps_at(index, &pid, &state, name);

	if (err)
		return err;
	size_t len = strlen(name);
	if (len > 2 * sizeof(r[0]))
		return ERR_TRUNCATED;
	r[1] = pid | (uint64_t)state << 32;
	memcpy(&r[2], name, len);
	return OK;
}

err_t moncall_ps(unsigned core, unsigned index, unsigned *pid, unsigned *state,
		 char name[MON_PROG_NAME_MAX + 1])
{
	struct mesh_ask a;
	err_t err;

	name[0] = '\0';
	if (core == me)
		return ps_at(index, pid, state, name);
	struct ps_answer out = { pid, state, name };
	if ((err = mesh_ask(&a, core, IF_INTERMON_FWD_PS_R, &out)))
		return err;
	return mesh_await(&a, if_intermon_fwd_ps_send(mesh_to(core), a.id, core, index));
}

static err_t on_fwd_ps(struct idl_binding *b, uint64_t id, uint32_t core, uint32_t index)
{
	char name[MON_PROG_NAME_MAX + 1] = "";
	unsigned pid = 0, state = 0;

	if (core != me)
		return ERR_BAD_MESSAGE;
	err_t err = ps_at(index, &pid, &state, name);
	return if_intermon_fwd_ps_r_send(b, id, err, pid, state, name);
}

static err_t on_fwd_ps_r(struct idl_binding *b, uint64_t id, err_t status, uint32_t pid,
			 uint32_t state, const char *name)
{
	struct mesh_ask *a = mesh_answer(b, IF_INTERMON_FWD_PS_R, id, status);
	struct ps_answer *out;

	if (!a)
		return ERR_BAD_MESSAGE;
	out = a->out;
	*out->pid = pid;
	*out->state = state;
	snprintf(out->name, MON_PROG_NAME_MAX + 1, "%s", name);	/* string[31]: fits */
	return OK;
}

/* Operations that run on the core they name (see the file comment). */
static bool named_core_op(unsigned op)
{
	return op == MON_KILL || op == MON_PS || op == MON_MEM ||
	       op == MON_CONSOLE_READ || op == MON_POWEROFF || op == MON_TRACE || op == MON_WAIT ||
	       op == MON_STOP || op == MON_CONSOLE_OWNER;
}

/* A request for this core, from a process of core `from` (this one, or
 * another whose monitor forwarded it). */
static err_t serve_here(unsigned from, const uint64_t *w, uint64_t *r)
{
	unsigned core = MON_CORE(w[0]);

	switch (MON_OP(w[0])) {
	case MON_CONSOLE_READ:		/* (PML4 base, pid, max): who reads (serve) */
		return console_read_for(from, (unsigned)w[2], w[1], (unsigned)w[3], r);
	case MON_CONSOLE_OWNER: {	/* core 0 keeps it (serve) */
		unsigned c, p;
		if (!console_owner(&c, &p))
			return ERR_NOT_FOUND;
		r[1] = c;
		r[2] = p;
		return OK;
	}
	case MON_WAIT:
		return procwait_wait(w[1], w[2], r);
	case MON_STOP:
		return procwait_stop(w[1], w[2]);
	case MON_KILL:
		return kill_here(w[1]);
	case MON_PS:
		return ps_here(w[1], r);
	case MON_MEM: {
		unsigned count;
		r[2] = monitor_ram_bytes(&count);
		r[1] = r[2] - ram_used_bytes();
		return OK;
	}
	case MON_TRACE:
		return mtrace_request(w[1], w[2], r);
	case MON_POWEROFF:
		if (w[1] > 127 || w[2] > MON_POWEROFF_REBOOT)
			return ERR_INVALID_ARG;
		if (w[2] == MON_POWEROFF_REBOOT)
			return monitor_reboot();
		monitor_poweroff((unsigned)w[1]);
		return ERR_UNSUPPORTED;		/* no machine to power off */
	case MON_CORES: {
		uint32_t epoch;

		agreeview_get(&epoch, &r[3]);	/* the membership view */
		r[1] = mesh_cores();
		r[2] = epoch;
		return OK;
	}
	case MON_PING:
		return mesh_ping(core, &r[1]);
	}
	return ERR_BAD_MESSAGE;
}

/* Request q (op | core << 8, three argument words) on the core it names,
 * through that core's monitor (fwd); its answer in r. */
static err_t forward(const uint64_t q[4], uint64_t *r)
{
	unsigned core = MON_CORE(q[0]);
	struct mesh_ask a;
	err_t err;

	if ((err = mesh_ask(&a, core, IF_INTERMON_FWD_R, r)))
		return err;
	return mesh_await(&a, if_intermon_fwd_send(mesh_to(core), a.id, (uint8_t)MON_OP(q[0]),
						  core, q[1], q[2], q[3]));
}

/* Spawn q on the core it names, through that core's monitor (spawn of
 * if/intermon.if), with the rcap id of a gift sent ahead (has_cap). */
static err_t forward_spawn(const struct mon_spawn_req *q, bool has_cap, uint64_t cap, uint64_t *r)
{
	struct mesh_ask a;
	err_t err;

	if ((err = mesh_ask(&a, q->core, IF_INTERMON_FWD_R, r)))
		return err;
	return mesh_await(&a, if_intermon_fwd_spawn_send(mesh_to(q->core), a.id, q->core,
						    (uint8_t)q->flags, q->name, q->arg, has_cap,
						    cap));
}

/* A spawn: gift the capability for the child (T_MONCAP, or 0). Its
 * flags travel with it; the authority to give T_MONADMIN, or to start the
 * SKB or the console service, is checked here, where it is known. */
err_t moncall_spawn(const struct mon_spawn_req *q, bool admin, capaddr_t gift, uint64_t r[4])
{
	unsigned core = q->core, flags = q->flags;
	struct rcap sent = { 0 };
	bool sends_gift = false;
	err_t err;

	r[3] = MON_NO_TOKEN;
	if (flags & ~MON_SPAWN_FLAGS)
		return ERR_INVALID_ARG;
	if ((flags & (MON_SPAWN_ADMIN | MON_SPAWN_SKB | MON_SPAWN_CONSOLE)) && !admin)
		return ERR_CAP_RIGHTS;
	if ((flags & MON_SPAWN_SKB) && (flags & MON_SPAWN_CONSOLE))
		return ERR_INVALID_ARG;	/* two services' gifts in one */
	if (core == me)
		return spawn_here(q, r, gift);
	if (gift) {
		/* The gift goes ahead (a Frame, or RAM, which is taken:
		 * rcap.c). The spawn may still fail; the answer names it all
		 * the same, so that its sender can revoke it. */
		if ((err = rcap_move(CPTR_TASKCN, CADDR_L2(gift), gift, core, &sent))) {
			if (err == ERR_TIMEOUT && sent.owner == me)
				r[3] = sent.id;		/* it may land yet: revoke it */
			return err;
		}
		sends_gift = true;
		rcap_keep(&sent, true);		/* until the spawn's answer says */
	}
	err = forward_spawn(q, sends_gift, sent.id, r);
	/* RAM the spawn took for a gift that then failed comes back (to
	 * T_MONCAP, which the reply gives back). */
	struct cap_info gi;
	bool kept = sends_gift;
	if (err && sends_gift && sent.owner == me && cap_identify(gift, &gi) == ERR_CAP_EMPTY &&
	    rcap_take_back(&sent, CPTR_TASKCN, CADDR_L2(gift)) == OK)
		sends_gift = false;		/* gone: nothing to keep */
	else if (kept)
		rcap_keep(&sent, false);
	/* Only the owner revokes: a relayed gift's caller gets no token. */
	r[3] = sends_gift && sent.owner == me ? sent.id : MON_NO_TOKEN;
	return err;
}

/* MON_SPAWN's packed words: a name of at most 15 characters in w1..w2. */
static err_t spawn_words(const uint64_t w[4], bool admin, capaddr_t gift, uint64_t r[4])
{
	char name[2 * sizeof(w[0])];
	const struct mon_spawn_req q = { .core = MON_CORE(w[0]), .flags = MON_FLAGS(w[0]),
				     .name = name, .arg = w[3] };

	r[3] = MON_NO_TOKEN;
	if (!names_from_words(&w[1], name))	/* a program's name travels as a name does */
		return ERR_BAD_MESSAGE;
	return moncall_spawn(&q, admin, gift, r);
}

static err_t serve(const uint64_t *w, bool admin, bool has_cap, uint64_t *r, capaddr_t *give)
{
	unsigned op = MON_OP(w[0]);
	unsigned core = op == MON_POWEROFF || op == MON_CONSOLE_OWNER ? 0 : MON_CORE(w[0]);
	const uint64_t q[4] = { op | (uint64_t)core << 8, w[1], w[2], w[3] };

	if (op == MON_SPAWN)
		return spawn_words(w, admin, has_cap ? T_MONCAP : 0, r);
	if (op == MON_BEAT)
		return procwait_beat(has_cap, r);
	if (op == MON_CONSOLE_READ)	/* w1: bytes the caller takes (0: 16) */
		return moncall_console_read(has_cap ? T_MONCAP : 0, (unsigned)w[1], r);

	if (op == MON_NS_REGISTER || op == MON_NS_LOOKUP || op == MON_NS_REMOVE ||
	    op == MON_NS_PART)
		return names_request(w, r);	/* names.c: before the flags go */
	if (op == MON_POWEROFF && !admin)
		return ERR_CAP_RIGHTS;		/* checked here: fwd trusts its sender */
	if (op == MON_EXPORT || op == MON_BIND || op == MON_ACCEPT || op == MON_BIND_CAP)
		return bind_request(w, has_cap, r, give);
	if (op == MON_SPAN || op == MON_SPAN_WAIT || op == MON_UNMAP)
		return span_request(w, has_cap, r);
	if (op == MON_CAP_PUT || op == MON_CAP_GET)
		return ERR_CAP_RIGHTS;		/* only on an end's control endpoint */
	if (op == MON_CAP_REVOKE)
		return rcap_revoke_request(w, has_cap, r);
	if (op == MON_RAM_RETYPE)
		return rcap_retype_request(w, has_cap, give);
	if (!named_core_op(op) || core == me)
		return serve_here(me, q, r);
	return forward(q, r);
}

/* A console read names its reader by the PML4 it brought: core 0 gets
 * the reader's PML4 base and pid, never the caller's words. */
err_t moncall_console_read(capaddr_t cap, unsigned max, uint64_t r[4])
{
	uint64_t q[4] = { MON_CONSOLE_READ, 0, 0, max };
	unsigned pid = 0;
	err_t err;

	if ((err = console_reader(cap, &q[1], &pid)))
		return err;
	q[2] = pid;
	if (me == 0)
		return serve_here(me, q, r);
	return forward(q, r);
}

err_t moncall_serve_words(const uint64_t w[LMP_WORDS], bool admin, bool has_cap,
			  uint64_t r[LMP_WORDS], capaddr_t *give)
{
	*give = 0;
	return serve(w, admin, has_cap, r, give);
}

/* A request forwarded by another core's monitor: one that runs on the
 * core it names, this one. A spawn's gift is the sender's import here
 * (rcap.c), of which the child gets a copy. */
static err_t on_fwd(struct idl_binding *b, uint64_t id, uint8_t op, uint32_t core, uint64_t a1,
		     uint64_t a2, uint64_t a3)
{
	const uint64_t w[4] = { op | (uint64_t)core << 8, a1, a2, a3 };
	uint64_t r[LMP_WORDS] = { 0 };

	if (!named_core_op(op) || core != me)
		return ERR_BAD_MESSAGE;
	err_t err = serve_here(mesh_peer(b), w, r);
	return if_intermon_fwd_r_send(b, id, err, r[1], r[2], r[3]);
}

/* A spawn forwarded by another core's monitor, for this core. Its gift
 * is the sender's import here (rcap.c), of which the child gets a copy;
 * the authority its flags need was checked by the sender (moncall_spawn). */
static err_t on_fwd_spawn(struct idl_binding *b, uint64_t id, uint32_t core, uint8_t flags,
		      const char *name, uint64_t arg, bool has_cap, uint64_t cap)
{
	const struct mon_spawn_req q = { .core = core, .flags = flags, .name = name, .arg = arg };
	const struct rcap gift = rcap_named(cap);	/* the sender's, or relayed by its owner */
	uint64_t r[LMP_WORDS] = { 0 };
	err_t err;

	if (core != me || (flags & ~MON_SPAWN_FLAGS))
		return ERR_BAD_MESSAGE;
	if (has_cap && (err = rcap_get(&gift, mesh_peer(b), CPTR_TASKCN, CADDR_L2(T_FWDCAP))))
		return if_intermon_fwd_r_send(b, id, err, 0, 0, 0);	/* no such import */
	err = spawn_here(&q, r, has_cap ? T_FWDCAP : 0);
	if (has_cap) {
		cnode_delete(CPTR_TASKCN, CADDR_L2(T_FWDCAP));	/* the child has its copy */
		rcap_collect_soon();	/* or, if the spawn failed, nobody has */
	}
	return if_intermon_fwd_r_send(b, id, err, r[1], r[2], r[3]);
}

static err_t on_fwd_r(struct idl_binding *b, uint64_t id, err_t status, uint64_t r1,
		      uint64_t r2, uint64_t r3)
{
	struct mesh_ask *a = mesh_answer(b, IF_INTERMON_FWD_R, id, status);
	uint64_t *r;

	if (!a)
		return ERR_BAD_MESSAGE;
	r = a->out;
	r[1] = r1;
	r[2] = r2;
	r[3] = r3;
	return OK;
}

/* Is `give` made for the reply alone, so that the reply moves it? What
 * bind.c made for it, and what came with the request (T_MONCAP, deleted
 * after the reply anyway): RAM given back, which cannot be copied. */
static bool gives_away(capaddr_t give)
{
	return give == T_MONCAP || bind_gives_away(give);
}

void moncall_handle(const struct lmp_msg *m)
{
	uint64_t r[LMP_WORDS] = { 0 };

	if (LMP_INFO_KIND(m->info) != LMP_KIND_CALL) {
		printf("monitor: core %u: a request must be a call (kind %u): dropped\n",
		       sys_core_id(), LMP_INFO_KIND(m->info));
		return;
	}
	capaddr_t give = 0;
	if (mcall_is_ours(m->w[0])) {		/* if/moncall.if (an end's calls too) */
		mcall_handle(m, m->badge == ADMIN_BADGE, r, &give);
	} else {
		mesh_rings_only(true);
		if (bind_is_ctl(m->badge))
			r[0] = bind_ctl_request(m->badge, m->w, m->info & LMP_INFO_CAP, r, &give);
		else
			r[0] = serve(m->w, m->badge == ADMIN_BADGE, m->info & LMP_INFO_CAP, r,
				     &give);
		mesh_rings_only(false);
	}
	/* RAM of this core's own that came with the request was given (no
	 * copy of it can be made); if the request did not take it, it goes
	 * back, into the slot it came from (the library asks for that: a
	 * packed call's, or a lent one's, also with a refusal, mcall.c). */
	if (!give && (m->info & LMP_INFO_CAP) && rcap_own_ram(T_MONCAP))
		give = T_MONCAP;
	/* What bind.c made for this reply alone is moved, not copied: a
	 * fetched import's copy left here would keep it from going back. */
	lmp_reply(give ? LMP_SEND_CAP | (gives_away(give) ? LMP_GIVE : 0) : 0, give, r);
}
