/*
 * The name service (names.c) and requests from processes (moncall.c),
 * tested from core 0: a process on every core asks its own monitor, which
 * asks core 0's table over the mesh; names registered anywhere are found
 * everywhere; bad requests get errors and the monitor keeps answering.
 */
#include <stdio.h>
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/monitor.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/uprog.h>
#include "lib/test.h"
#include "tests/monitor/mtest.h"

static void name_of(const char *s, uint64_t w[2])
{
	w[0] = w[1] = 0;
	memcpy(w, s, strlen(s));
}

TEST(names_are_found_from_every_core_and_processes_ask_their_monitor)
{
	unsigned last = mesh_cores() - 1, core;
	uint64_t hub[2], svc[2], value;
	char s[16];

	name_of(UPROG_NS_HUB, hub);
	CHECK_ERR(names_register(hub, UPROG_NS_HUB_VALUE), OK);
	CHECK_ERR(names_register(hub, 1), ERR_NAME_IN_USE);
	CHECK_ERR(names_lookup(hub, &core, &value), OK);
	CHECK(core == 0 && value == UPROG_NS_HUB_VALUE);
	uint64_t bad[2] = { ~0ull, ~0ull };
	CHECK_ERR(names_lookup(bad, &core, &value), ERR_BAD_MESSAGE);

	/* A process on every other core: its monitor asks this one. */
	for (unsigned k = 1; k <= last; k++) {
		struct rproc p;
		int status = -1;
		bool faulted = true;

		CHECK_ERR(remote_spawn(k, "uprog", UPROG_MONITOR_CALLS, NULL, &p), OK);
		CHECK_ERR(remote_wait(&p, &status, &faulted), OK);
		CHECK(!faulted);
		if (status != 0)
			test_fail("uprog on core %u: check %d failed", k, status);
		snprintf(s, sizeof(s), "svc%u", k);
		name_of(s, svc);
		CHECK_ERR(names_lookup(svc, &core, &value), OK);
		CHECK(core == k && value == UPROG_NS_VALUE(k));
		CHECK_ERR(names_remove(svc), ERR_NOT_FOUND);	/* core k's, not ours */
	}
	/* And one on this core, whose requests come to this monitor while
	 * the test serves its endpoint. */
	if (last > 0) {
		struct proc p;
		int status = -1;
		CHECK_ERR(spawn_program("uprog", UPROG_MONITOR_CALLS, &p), OK);
		CHECK_ERR(serve_until_stopped(&p, &status), OK);
		if (status != 0)
			test_fail("uprog on core 0: check %d failed", status);
		CHECK_ERR(proc_kill(&p), OK);
		name_of("svc0", svc);
		CHECK_ERR(names_lookup(svc, &core, &value), OK);
		CHECK(core == 0 && value == UPROG_NS_VALUE(0));
		CHECK_ERR(names_remove(svc), OK);
	}
	CHECK_ERR(names_remove(hub), OK);
	CHECK_ERR(names_remove(hub), ERR_NOT_FOUND);
	CHECK_ERR(names_lookup(hub, &core, &value), ERR_NOT_FOUND);
}
