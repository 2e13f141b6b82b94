/*
 * The test fixture: a scratch CNode reachable as CADDR(SCRATCH_CN, i), and
 * a piece of RAM (T_TESTRAM) that tests retype from. Both are carved from
 * the largest RAM capability the kernel gave this monitor. Resetting
 * deletes every scratch slot and revokes the test RAM, so each test starts
 * from nothing and its objects are truly destroyed.
 */
#include <flotilla/caps.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include "tests/monitor/mtest.h"

err_t scratch_init(void)
{
	err_t err;

	if ((err = ram_retype(CPTR_TASKCN, CADDR_L2(T_FIXRAM), CAP_RAM, FIXTURE_RAM_BYTES)) ||
	    (err = cnode_retype(CPTR_TASKCN, CADDR_L2(T_SCRATCHCN), T_FIXRAM, CAP_CNODE, 1, 0,
				CNODE_L2_SLOTS * CTE_SIZE)) ||
	    (err = cnode_copy(CPTR_ROOTCN, SCRATCH_CN, T_SCRATCHCN)) ||
	    (err = cnode_retype(CPTR_TASKCN, CADDR_L2(T_TESTRAM), T_FIXRAM, CAP_RAM, 1,
				TEST_RAM_BYTES, TEST_RAM_BYTES)))
		return err;
	return OK;
}

void scratch_reset(void)
{
	for (unsigned i = 0; i < CNODE_L2_SLOTS; i++)
		cnode_delete(T_SCRATCHCN, i);	/* ERR_CAP_EMPTY for most: fine */
	cnode_revoke(CPTR_TASKCN, CADDR_L2(T_TESTRAM));
}

static const struct proc *awaited;
static bool awaited_stopped(unsigned unused)
{
	uint64_t st;

	return proc_status(awaited, &st) != OK || (st & 0xFFFFFFFF) == DISP_STATE_STOPPED;
}

static bool never(unsigned unused)
{
	return false;
}

void serve_for(uint64_t ns)
{
	mesh_serve_until(never, 0, sys_clock_ns() + ns);
}

err_t serve_until_stopped(const struct proc *p, int *status)
{
	uint64_t st;
	err_t err;

	awaited = p;
	if (!mesh_serve_until(awaited_stopped, 0, sys_clock_ns() + MESH_WAIT_NS))
		return ERR_TIMEOUT;
	if ((err = proc_status(p, &st)))
		return err;
	*status = (int)(st >> 32);
	return OK;
}
