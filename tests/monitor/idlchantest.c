/*
 * The interface runtime over a channel the monitors bound between two
 * processes (flotilla/idl_chan.h), capabilities in its messages moved by
 * the monitors (bind.c: MON_CAP_PUT, MON_CAP_GET; rcap.c: MON_CAP_REVOKE
 * and the revocation of a dead process's memory elsewhere). The server,
 * uprog UPROG_IDL_CHAN_SERVER, runs on the last core; the client on core
 * 0. With one core both are on core 0, where putting a capability must be
 * refused while the binding goes on working. tests/user/uprog/idlchan.c is the
 * two halves and lists their checks.
 */
#include <flotilla/spawn.h>
#include <flotilla/uprog.h>
#include "lib/test.h"
#include "tests/monitor/mtest.h"

TEST(idl_over_a_bound_channel_carries_capabilities_across_cores)
{
	unsigned srv = mesh_cores() - 1;
	struct rproc sr, cr;
	struct proc sp, cp;
	int status = -1;

	CHECK_ERR(uprog_start(srv, UPROG_IDL_CHAN_SERVER, &sr, &sp), OK);
	CHECK_ERR(uprog_start(0, UPROG_IDL_CHAN_CLIENT | (uint64_t)srv << 8, &cr, &cp), OK);
	CHECK_ERR(uprog_finish(0, &cr, &cp, &status), OK);
	if (status != 0)
		test_fail("client: check %d failed", status);
	status = -1;
	CHECK_ERR(uprog_finish(srv, &sr, &sp, &status), OK);
	if (status != 0)
		test_fail("server on core %u: check %d failed", srv, status);
}
