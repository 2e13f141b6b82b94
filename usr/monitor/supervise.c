/*
 * The monitor as supervisor: the default handler of its children's faults.
 * It makes one endpoint, the bail-out mailbox, and spawn_program gives
 * every child a copy of it as its exception endpoint, minted with a badge
 * naming the child. A fault arrives as a message from the kernel (kpi/lmp.h);
 * the monitor reads the rest of the registers, prints one report naming
 * the process, and destroys it. A child that asked for it (init does) also
 * has its exit sent here: the monitor reports it and destroys the child.
 * Requests from processes come here too, on a copy with a badge of their
 * own (moncall.c). Any other message is refused with ERR_BAD_MESSAGE and
 * changes nothing.
 */
#include <stdio.h>
#include <flotilla/caps.h>
#include <flotilla/lmp.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include "usr/monitor/monitor.h"

err_t supervisor_init(void)
{
	err_t err = ram_retype(CPTR_TASKCN, CADDR_L2(T_FAULTEP), CAP_ENDPOINT, 0);

	if (!err)
		spawn_set_fault_ep(T_FAULTEP);
	return err;
}

err_t monitor_recv(unsigned flags, struct lmp_msg *m)
{
	err_t err = lmp_recv(T_FAULTEP, flags | LMP_RECV_CAP, T_MONCAP, m);

	if (err == ERR_CAP_SLOT_IN_USE) {	/* left by a path that did not empty it */
		cnode_delete(CPTR_TASKCN, CADDR_L2(T_MONCAP));
		err = lmp_recv(T_FAULTEP, flags | LMP_RECV_CAP, T_MONCAP, m);
	}
	return err;
}

static bool handle(const struct lmp_msg *m, int *ended);
static void (*on_end)(unsigned pid);

/* usr/lib/spawn.c's hook: process p is about to be destroyed. No core may
 * still run in its memory (its spans stop) or reach it (what other cores
 * hold of it is revoked); until both are true its memory is kept. If it
 * read the console, core 0 hears that it ended (console.c); the channel
 * ends it never closed are closed (bind.c). */
err_t proc_ending(const struct proc *p)
{
	struct cap_info pool;
	err_t err;

	/* What it held of other cores' may go back, once it is gone: no
	 * look before then (the waits below would spend it too early). */
	rcap_process_ending(true);
	console_proc_ending(p);
	consvc_proc_ending(p);		/* the console service: the wire back */
	err = span_proc_ending(p);

	if (!err && cap_identify(PROC_POOL(p), &pool) == OK) {
		bind_proc_ending(pool.base, pool.size);	/* its channels' ends */
		err = rcap_revoke_within(pool.base, pool.size);
	}
	rcap_process_ending(false);
	return err;
}

void supervisor_on_end(void (*fn)(unsigned pid))
{
	on_end = fn;
}

bool supervisor_handle(const struct lmp_msg *m)
{
	int ended = -1;
	bool gone = handle(m, &ended);

	if (ended >= 0 && on_end)
		on_end((unsigned)ended);	/* after it is destroyed */

	if (m->info & LMP_INFO_CAP)	/* what a request brought is used by now */
		cnode_delete(CPTR_TASKCN, CADDR_L2(T_MONCAP));
	rcap_collect();			/* after a process is destroyed, not before */
	return gone;
}

/* Handles m; the pid of a child of this core that ended in *ended. */
static bool handle(const struct lmp_msg *m, int *ended)
{
	unsigned core = sys_core_id(), kind = LMP_INFO_KIND(m->info);
	unsigned vector = LMP_FAULT_VECTOR(m->w[0]);
	const char *name;
	struct proc p;
	err_t err;

	if (kind == LMP_KIND_NOTIFY) {
		mesh_poll();			/* another core's monitor wrote */
		console_pump();			/* or this core printed */
		return false;
	}
	if (moncall_is_request(m)) {		/* a process asks (moncall.c) */
		moncall_handle(m);
		return false;
	}
	if (span_dispatcher_message(m))		/* a span dispatcher ended (span.c) */
		return false;
	if (kind == LMP_KIND_EXIT && proc_from_badge(m->badge, &p, &name)) {
		printf("monitor: core %u: process '%s' exited with status %d\n", core, name,
		       (int)m->w[0]);
		moncall_child_ended(p.idx, (int)m->w[0], false);
		*ended = (int)p.idx;
		if (remote_child_ended(p.idx, (int)m->w[0], false, &err))
			return err == OK;
		return proc_kill(&p) == OK;
	}
	if (kind != LMP_KIND_FAULT) {
		printf("monitor: core %u: refused a message of kind %u (badge 0x%llx) on the fault endpoint: only the kernel sends faults there\n",
		       core, kind, (unsigned long long)m->badge);
		if (kind == LMP_KIND_CALL) {
			const uint64_t w[LMP_WORDS] = { ERR_BAD_MESSAGE };
			lmp_reply(0, 0, w);
		}
		return false;
	}
	if (!proc_from_badge(m->badge, &p, &name)) {
		printf("monitor: core %u: fault from an unknown process (badge 0x%llx): %s\n", core,
		       (unsigned long long)m->badge, vector_name(vector));
		return false;
	}
	proc_report_fault("monitor", &p, name, m);
	moncall_child_ended(p.idx, -1, true);
	*ended = (int)p.idx;
	if (!remote_child_ended(p.idx, -1, true, &err))
		err = proc_kill(&p);
	if (err)
		printf("monitor: core %u: destroying '%s' failed: %s: %s\n", core, name,
		       err_name(err), err_msg(err));
	return err == OK;
}

err_t supervisor_recv(struct lmp_msg *m)
{
	err_t err;

	while ((err = monitor_recv(0, m)) == OK &&
	       LMP_INFO_KIND(m->info) == LMP_KIND_NOTIFY) {
		mesh_poll();
		console_pump();
		rcap_collect();		/* a process another core killed */
	}
	return err;
}

void supervisor_serve(void)
{
	struct lmp_msg m;

	for (;;) {
		err_t err = supervisor_recv(&m);
		if (err) {
			printf("monitor: core %u: fault endpoint: %s: %s; no longer supervising\n",
			       sys_core_id(), err_name(err), err_msg(err));
			return;
		}
		supervisor_handle(&m);
	}
}
