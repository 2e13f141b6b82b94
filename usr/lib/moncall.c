/*
 * Requests to this core's monitor (flotilla/monitor.h): the rpcs of
 * if/moncall.if (usr/lib/mcall.h; span.c has the spans' and unmap), and
 * the packed form, which the library itself no longer sends, for
 * mon_call_raw's callers (tests of malformed requests, make bench's
 * moncall_packed): one LMP call each on the endpoint at CPTR_MONITOR.
 */
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/idl_mcall.h>
#include <flotilla/lmp.h>
#include <flotilla/monitor.h>
#include "usr/lib/mcall.h"

err_t mon_call_cap(const uint64_t w[4], capaddr_t cap, capaddr_t slot, uint64_t reply[4],
		   err_t *cap_err)
{
	unsigned flags = (cap ? LMP_SEND_CAP : 0) | (slot ? LMP_RECV_CAP : 0);
	struct lmp_msg m;
	err_t err = lmp_call(CPTR_MONITOR, flags, cap, slot, w, &m);

	*cap_err = err ? OK : (err_t)LMP_INFO_CAP_ERR(m.info);
	if (err)
		return err;
	memcpy(reply, m.w, 4 * sizeof(reply[0]));
	return (err_t)m.w[0];
}

err_t mon_call_raw(const uint64_t w[4], uint64_t reply[4])
{
	err_t cap_err;

	return mon_call_cap(w, 0, 0, reply, &cap_err);
}

/* ---- The operations of if/moncall.if (usr/lib/mcall.h) ---- */

err_t mon_cores(unsigned *n)
{
	struct mcall c;
	uint32_t cores;
	err_t err = if_moncall_cores_call(mcall_open(&c), &cores);

	if (!(err = mcall_done(&c, err, OK)))
		*n = cores;
	return err;
}

err_t mon_view(uint32_t *epoch, uint64_t *members)
{
	struct mcall c;

	return mcall_done(&c, if_moncall_view_call(mcall_open(&c), epoch, members), OK);
}

err_t mon_ping(unsigned core, uint64_t *cycles)
{
	struct mcall c;
	err_t status = OK, err = if_moncall_ping_call(mcall_open(&c), core, &status, cycles);

	return mcall_done(&c, err, status);
}


/* The name service's rpcs: a name of 1 to NS_NAME_MAX characters in one
 * request (the packed form's parts, MON_NS_PART, are for mon_call_raw's
 * tests only now). */
static bool name_ok(const char *name)
{
	size_t len = strnlen(name, NS_NAME_MAX + 1);

	return len > 0 && len <= NS_NAME_MAX;
}

err_t ns_register(const char *name, uint64_t value)
{
	struct mcall c;
	err_t status = OK, err;

	if (!name_ok(name))
		return ERR_INVALID_ARG;
	err = if_moncall_ns_register_call(mcall_open(&c), name, value, &status);
	return mcall_done(&c, err, status);
}

err_t ns_lookup(const char *name, struct ns_entry *out)
{
	struct mcall c;
	uint32_t core = 0;
	uint64_t value = 0;
	err_t status = OK, err;

	if (!name_ok(name))
		return ERR_INVALID_ARG;
	err = if_moncall_ns_lookup_call(mcall_open(&c), name, &status, &core, &value);
	if (!(err = mcall_done(&c, err, status))) {
		out->core = core;
		out->value = value;
	}
	return err;
}

err_t ns_remove(const char *name)
{
	struct mcall c;
	err_t status = OK, err;

	if (!name_ok(name))
		return ERR_INVALID_ARG;
	err = if_moncall_ns_remove_call(mcall_open(&c), name, &status);
	return mcall_done(&c, err, status);
}

/* The console_read rpc, at most 8 bytes a call: its reply is one
 * fragment, the answer to the call itself, so no other process can pull
 * the bytes; a busy console's owner is a second rpc's. */
err_t mon_console_read(char *buf, size_t size, size_t *n, struct mon_reader *owner)
{
	struct mcall c;
	const uint8_t *data = NULL;
	size_t len = 0;
	err_t status = OK, err;

	*n = 0;
	if (size == 0)
		return ERR_INVALID_ARG;
	err = if_moncall_console_read_call(mcall_open(&c), (uint8_t)(size < 8 ? size : 8), CPTR_VROOT,
					   &status, &data, &len);
	err = mcall_done(&c, err, status);
	if (err == ERR_CONSOLE_BUSY && owner) {
		struct mcall o;
		uint32_t core = 0, pid = 0;
		err_t st = OK, e = if_moncall_console_owner_call(mcall_open(&o), &st, &core, &pid);

		*owner = (struct mon_reader){ 0 };
		if (!mcall_done(&o, e, st))	/* (it may have ended meanwhile) */
			*owner = (struct mon_reader){ .core = core, .pid = pid };
	}
	if (err)
		return err;
	if (len > size)
		return ERR_BAD_MESSAGE;		/* more than we asked for: no monitor's */
	memcpy(buf, data, len);
	*n = len;
	return OK;
}

err_t mon_spawn(const char *prog, unsigned core, uint64_t arg, unsigned *pid)
{
	const struct mon_spawn_opts o = { 0 };
	uint64_t serial;

	return mon_spawn_opts(prog, core, arg, &o, pid, &serial);
}

/* The spawn rpc: the gift is lent (a copy, or RAM of our own, moved,
 * which comes back into its slot if the spawn did not take it). */
err_t mon_spawn_opts(const char *prog, unsigned core, uint64_t arg,
		     const struct mon_spawn_opts *o, unsigned *pid, uint64_t *serial)
{
	struct mcall c;
	uint32_t p = 0;
	uint64_t s = 0, token = MON_NO_TOKEN;
	size_t len = prog ? strnlen(prog, MON_PROG_NAME_MAX + 1) : 0;
	err_t status = OK, err;

	if (o->token)
		*o->token = MON_NO_TOKEN;
	if (len == 0 || len > MON_PROG_NAME_MAX || o->flags > UINT8_MAX)
		return ERR_INVALID_ARG;
	struct idl_binding *b = mcall_open(&c);
	c.t.lend = true;
	capaddr_t back;		/* in o->give's slot: not to be dropped */
	err = if_moncall_spawn_call(b, core, (uint8_t)o->flags, prog, arg, o->give, &status, &p, &s,
				    &token, &back);
	if (o->token && !err)
		*o->token = token;	/* sent ahead, even if the spawn failed */
	if ((err = mcall_done(&c, err, status)))
		return err;
	*pid = p;
	*serial = s;
	return OK;
}

err_t mon_wait(unsigned core, unsigned pid, uint64_t serial, struct mon_ended *out)
{
	struct mcall c;
	int64_t code = 0;
	uint8_t how = MON_END_EXIT;
	uint64_t beat_ns = 0;
	err_t status = OK, err = if_moncall_wait_call(mcall_open(&c), core, pid, serial, &status,
						      &how, &code, &beat_ns);

	err = mcall_done(&c, err, status);
	out->beat_ns = err == ERR_WOULD_BLOCK ? beat_ns : 0;
	out->status = err == OK ? (int)code : 0;
	out->how = err == OK ? (enum mon_end)how : MON_END_EXIT;
	return err;
}

err_t mon_stop(unsigned core, unsigned pid, uint64_t serial)
{
	struct mcall c;
	err_t status = OK, err = if_moncall_stop_call(mcall_open(&c), core, pid, serial, &status);

	return mcall_done(&c, err, status);
}

/* The beat rpc, with this process's PML4 to name it. */
err_t mon_beat(bool *stop)
{
	struct mcall c;
	err_t status = OK;
	bool s = false;
	err_t err = if_moncall_beat_call(mcall_open(&c), CPTR_VROOT, &status, &s);

	err = mcall_done(&c, err, status);
	*stop = !err && s;
	return err;
}

err_t mon_kill(unsigned core, unsigned pid)
{
	struct mcall c;
	err_t status = OK, err = if_moncall_kill_call(mcall_open(&c), core, pid, &status);

	return mcall_done(&c, err, status);
}

err_t mon_ps(unsigned core, unsigned index, struct mon_proc *out)
{
	struct mcall c;
	uint32_t pid = 0, state = 0;
	const char *name = "";
	err_t status = OK, err = if_moncall_ps_call(mcall_open(&c), core, index, &status, &pid,
						    &state, &name);

	if ((err = mcall_done(&c, err, status)))
		return err;
	out->pid = pid;
	out->state = state;
	/* The name points into the binding, gone when we return: copied. A
	 * program's name fits (MON_PROG_NAME_MAX); anything longer is no
	 * monitor's answer. */
	size_t len = strnlen(name, sizeof(out->name));
	if (len == sizeof(out->name))
		return ERR_BAD_MESSAGE;
	memcpy(out->name, name, len);
	out->name[len] = '\0';
	return OK;
}

err_t mon_mem(unsigned core, uint64_t *free, uint64_t *total)
{
	struct mcall c;
	err_t status = OK, err = if_moncall_mem_call(mcall_open(&c), core, &status, free, total);

	return mcall_done(&c, err, status);
}

err_t mon_trace_snap(unsigned core, unsigned count, uint64_t *kept, uint64_t *lost)
{
	struct mcall c;
	err_t status = OK, err = if_moncall_trace_snap_call(mcall_open(&c), core, count, &status,
							    kept, lost);

	return mcall_done(&c, err, status);
}

err_t mon_trace_print(unsigned core, uint64_t *printed)
{
	struct mcall c;
	err_t status = OK, err = if_moncall_trace_print_call(mcall_open(&c), core, &status,
							     printed);

	return mcall_done(&c, err, status);
}

err_t mon_poweroff(unsigned code)
{
	struct mcall c;
	err_t status = OK, err;

	if (code > UINT8_MAX)
		return ERR_INVALID_ARG;
	err = if_moncall_poweroff_call(mcall_open(&c), (uint8_t)code, 0, &status);
	return mcall_done(&c, err, status);
}

err_t mon_reboot(void)
{
	struct mcall c;
	err_t status = OK, err = if_moncall_poweroff_call(mcall_open(&c), 0, MON_POWEROFF_REBOOT,
							  &status);

	return mcall_done(&c, err, status);
}

/* ---- Channels (docs/binding.md) ---- */

/* The reply's capability lands at the slot offered; one that did not is
 * the call's error (the kernel's reason, as for a packed call). */
static err_t landed(const struct mcall *c, err_t err, capaddr_t got)
{
	if (err || got == c->t.slot)
		return err;
	return c->t.cap_err ? c->t.cap_err : ERR_CAP_EMPTY;
}

err_t mon_export(const char *name, capaddr_t ep, unsigned *service)
{
	struct mcall c;
	uint32_t s = 0;
	err_t status = OK, err;

	if (!name_ok(name))
		return ERR_INVALID_ARG;
	err = if_moncall_export_call(mcall_open(&c), name, ep, &status, &s);
	if (!(err = mcall_done(&c, err, status)))
		*service = s;
	return err;
}

/* The second capability of an end (bind_cap): the doorbell's Notify
 * capability (which 0) or the end's control endpoint, at slot. */
static err_t bind_cap(unsigned binding, unsigned which, capaddr_t ep, capaddr_t slot)
{
	struct mcall c;
	capaddr_t got = IDL_CAP_NONE;
	err_t status = OK, err;

	err = if_moncall_bind_cap_call(mcall_open_on(&c, CPTR_MONITOR, slot), binding,
				       (uint8_t)which, ep, &status, &got);
	return landed(&c, mcall_done(&c, err, status), got);
}

/* An end from bind's or accept's answer (its frame at `frame`), and then
 * its doorbell's Notify capability at `bell`. */
static err_t take_end(struct mcall *c, err_t err, capaddr_t got, capaddr_t ep, capaddr_t bell,
		      unsigned side, const uint32_t end[3], struct mon_binding *out)
{
	if ((err = landed(c, err, got)))
		return err;
	*out = (struct mon_binding){ .id = end[0], .side = side, .nslots = end[1],
				     .peer_core = end[2] };
	if ((err = bind_cap(end[0], 0, ep, bell))) {
		if (CADDR_L1(got) == TASK_CN)	/* (elsewhere the caller's to delete) */
			cnode_delete(CPTR_TASKCN, CADDR_L2(got));
		return err;
	}
	return OK;
}

err_t mon_accept(unsigned service, capaddr_t ep, capaddr_t frame, capaddr_t bell,
		 struct mon_binding *out)
{
	struct mcall c;
	uint32_t end[3] = { 0 };
	capaddr_t got = IDL_CAP_NONE;
	err_t status = OK, err;

	err = if_moncall_accept_call(mcall_open_on(&c, CPTR_MONITOR, frame), service, ep, &status,
				     &end[0], &end[1], &end[2], &got);
	return take_end(&c, mcall_done(&c, err, status), got, ep, bell, 1, end, out);
}

err_t mon_bind(const char *name, capaddr_t ep, capaddr_t frame, capaddr_t bell,
	       struct mon_binding *out)
{
	struct mcall c;
	uint32_t end[3] = { 0 };
	capaddr_t got = IDL_CAP_NONE;
	err_t status = OK, err;

	if (!name_ok(name))
		return ERR_INVALID_ARG;
	err = if_moncall_bind_call(mcall_open_on(&c, CPTR_MONITOR, frame), name, ep, &status,
				   &end[0], &end[1], &end[2], &got);
	return take_end(&c, mcall_done(&c, err, status), got, ep, bell, 0, end, out);
}

/* ---- Capabilities over a channel ---- */

err_t mon_binding_ctl(const struct mon_binding *b, capaddr_t ep, capaddr_t slot)
{
	return bind_cap(b->id, BIND_CAP_CTL, ep, slot);
}

err_t mon_cap_put(capaddr_t ctl, capaddr_t frame, uint64_t *token)
{
	struct mcall c;
	uint64_t t = 0;
	err_t status = OK, err = if_moncall_cap_put_call(mcall_open_on(&c, ctl, 0), frame, &status, &t);

	if (!(err = mcall_done(&c, err, status)))
		*token = t;
	return err;
}

err_t mon_cap_get(capaddr_t ctl, uint64_t token, capaddr_t slot)
{
	struct mcall c;
	capaddr_t got = IDL_CAP_NONE;
	err_t status = OK, err;

	if (!slot)
		return ERR_INVALID_ARG;
	err = if_moncall_cap_get_call(mcall_open_on(&c, ctl, slot), token, &status, &got);
	return landed(&c, mcall_done(&c, err, status), got);
}

/* The frame is lent: a copy, or RAM of our own, moved, which comes back
 * into its slot. */
err_t mon_cap_revoke(capaddr_t frame, uint64_t token, uint64_t *cores)
{
	struct mcall c;
	uint64_t n = 0;
	struct idl_binding *b = mcall_open(&c);
	err_t status = OK, err;

	c.t.lend = true;
	capaddr_t back;		/* in frame's slot: not to be dropped */
	err = if_moncall_cap_revoke_call(b, token, frame, &status, &n, &back);
	if (cores)		/* also after an error: the copies that did go */
		*cores = n;
	return mcall_done(&c, err, status);
}

err_t mon_ram_retype(capaddr_t ram, uint64_t offset, uint64_t bytes, capaddr_t slot)
{
	struct mcall c;
	capaddr_t got = IDL_CAP_NONE;
	err_t status = OK, err;

	if (!ram || !slot)
		return ERR_INVALID_ARG;		/* a Frame made for no slot would stay made */
	err = if_moncall_ram_retype_call(mcall_open_on(&c, CPTR_MONITOR, slot), offset, bytes, ram,
					 &status, &got);
	return landed(&c, mcall_done(&c, err, status), got);
}

err_t mon_unbind(capaddr_t ctl)
{
	struct mcall c;
	err_t status = OK, err = if_moncall_unbind_call(mcall_open_on(&c, ctl, 0), &status);

	return mcall_done(&c, err, status);
}
