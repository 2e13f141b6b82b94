/*
 * Doorbells on one core (kernel/notify.c): a ring becomes a notification
 * on the bound endpoint, rings coalesce into one message whose bits name
 * the doorbells, a ring before anyone waits is kept for the next receive,
 * a blocked receiver is woken, and bad slots, cores and capabilities get
 * their errors. Across cores: usr/monitor/mesh.c.
 */
#include <flotilla/caps.h>
#include <flotilla/lmp.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/uprog.h>
#include "lib/test.h"
#include "tests/monitor/mtest.h"

#define EP	SCRATCH(0)
#define SLOT_A	6		/* slots 0..5 are left to the monitors */
#define SLOT_B	7

TEST(doorbell_rings_become_one_notification)
{
	unsigned core = sys_core_id();
	struct lmp_msg m;

	CHECK_ERR(cnode_retype(T_SCRATCHCN, CADDR_L2(EP), T_TESTRAM, CAP_ENDPOINT, 1, 0, 0), OK);
	CHECK_ERR(kernel_notify_bind(CPTR_DOORBELL, EP, SLOT_A), OK);
	CHECK_ERR(kernel_notify_bind(CPTR_DOORBELL, EP, SLOT_B), OK);
	CHECK_ERR(lmp_recv(EP, LMP_NONBLOCK, 0, &m), ERR_WOULD_BLOCK);	/* nothing yet */
	/* Rung before anyone receives: kept, and coalesced. */
	CHECK_ERR(kernel_notify(CPTR_DOORBELL, core, SLOT_A), OK);
	CHECK_ERR(kernel_notify(CPTR_DOORBELL, core, SLOT_A), OK);
	CHECK_ERR(kernel_notify(CPTR_DOORBELL, core, SLOT_B), OK);
	CHECK_ERR(lmp_recv(EP, LMP_NONBLOCK, 0, &m), OK);
	CHECK(LMP_INFO_KIND(m.info) == LMP_KIND_NOTIFY);
	CHECK(m.w[0] == ((1u << SLOT_A) | (1u << SLOT_B)) && m.badge == 0);
	CHECK_ERR(lmp_recv(EP, LMP_NONBLOCK, 0, &m), ERR_WOULD_BLOCK);	/* consumed */
}

TEST(doorbell_wakes_a_blocked_receiver)
{
	struct spawn_opts o = { .give = { EP }, .ngive = 1 };
	struct proc p;
	err_t err;

	CHECK_ERR(cnode_retype(T_SCRATCHCN, CADDR_L2(EP), T_TESTRAM, CAP_ENDPOINT, 1, 0, 0), OK);
	CHECK_ERR(kernel_notify_bind(CPTR_DOORBELL, EP, SLOT_A), OK);
	CHECK_ERR(spawn_program_opts("uprog", UPROG_RECV_ONCE, &o, &p), OK);
	CHECK(until_blocked(&p));			/* it waits in its receive */
	CHECK_ERR(kernel_notify(CPTR_DOORBELL, sys_core_id(), SLOT_A), OK);
	CHECK(wait_stopped(&p, &err) == OK);		/* its receive returned OK */
	CHECK_ERR(err, OK);
	CHECK_ERR(proc_kill(&p), OK);
}

TEST(doorbell_errors)
{
	CHECK_ERR(cnode_retype(T_SCRATCHCN, CADDR_L2(EP), T_TESTRAM, CAP_ENDPOINT, 1, 0, 0), OK);
	CHECK_ERR(cnode_retype(T_SCRATCHCN, 1, T_TESTRAM, CAP_FRAME, 1, 4096, 4096), OK);
	CHECK_ERR(kernel_notify_bind(CPTR_DOORBELL, EP, NOTIFY_SLOTS), ERR_INVALID_ARG);
	CHECK_ERR(kernel_notify_bind(CPTR_DOORBELL, SCRATCH(1), SLOT_A), ERR_CAP_WRONG_TYPE);
	CHECK_ERR(kernel_notify_bind(CPTR_DOORBELL, SCRATCH(2), SLOT_A), ERR_CAP_EMPTY);
	CHECK_ERR(kernel_notify(CPTR_DOORBELL, 0, NOTIFY_SLOTS), ERR_INVALID_ARG);
	CHECK_ERR(kernel_notify(CPTR_DOORBELL, 4096, 0), ERR_INVALID_ARG);
	/* Only the Kernel capability rings: an endpoint is the wrong type. */
	CHECK_ERR(sys_invoke(EP, DOORBELL_RING, 0, SLOT_A, 0, 0, 0).err, ERR_CAP_WRONG_TYPE);
	/* An unbound doorbell rings into nothing, harmlessly. */
	CHECK_ERR(kernel_notify(CPTR_DOORBELL, sys_core_id(), 5), OK);
}
