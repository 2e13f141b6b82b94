/*
 * Requests from processes (flotilla/monitor.h). The monitor mints a
 * send-only copy of its endpoint with badge MON_BADGE into its own
 * CPTR_MONITOR, and spawn passes it down to every process on this core.
 * A request arrives as an LMP call on the endpoint the monitor already
 * serves; it is answered with lmp_reply before the monitor receives
 * anything else there (the kernel lets a receiver reply only to the call
 * it took last), so while a request waits for another core the monitor
 * reads only its channels (mesh_rings_only): faults, exits and other
 * callers wait in the endpoint's queue meanwhile.
 */
#include <stdio.h>
#include <flotilla/caps.h>
#include <flotilla/lmp.h>
#include <flotilla/monitor.h>
#include <flotilla/sys.h>
#include "usr/monitor/monitor.h"

#define MON_BADGE	0x4D4F4Eu	/* "MON": not a SPAWN_BADGE */

err_t moncall_init(void)
{
	return cnode_mint(CPTR_TASKCN, CADDR_L2(CPTR_MONITOR), T_FAULTEP, CAP_RIGHT_WRITE,
			  MON_BADGE);
}

bool moncall_is_request(const struct lmp_msg *m)
{
	return m->badge == MON_BADGE;
}

static err_t serve(const uint64_t *w, uint64_t *r)
{
	unsigned core = MON_CORE(w[0]);
	err_t err;

	switch (MON_OP(w[0])) {
	case MON_CORES:
		r[1] = mesh_cores();
		return OK;
	case MON_PING:
		return mesh_ping(core, &r[1]);
	case MON_NS_REGISTER:
		return names_register(&w[1], w[3]);
	case MON_NS_LOOKUP: {
		unsigned where = 0;
		err = names_lookup(&w[1], &where, &r[2]);
		r[1] = where;
		return err;
	}
	case MON_NS_REMOVE:
		return names_remove(&w[1]);
	}
	return ERR_BAD_MESSAGE;
}

void moncall_handle(const struct lmp_msg *m)
{
	uint64_t r[LMP_WORDS] = { 0 };

	if (LMP_INFO_KIND(m->info) != LMP_KIND_CALL) {
		printf("monitor: core %u: a request must be a call (kind %u): dropped\n",
		       sys_core_id(), LMP_INFO_KIND(m->info));
		return;
	}
	mesh_rings_only(true);
	r[0] = serve(m->w, r);
	mesh_rings_only(false);
	lmp_reply(0, 0, r);
}
