/*
 * Processes started, listed and killed on any core through the monitors
 * (moncall.c: MON_SPAWN, MON_PS, MON_KILL, MON_MEM, MON_CONSOLE_READ),
 * tested from core 0: a process on every core asks its own monitor to
 * start a program on the next core, finds it there, kills it, and checks
 * that bad requests get errors (uprog's UPROG_PROCESS_CALLS), then
 * supervision's requests (MON_SPAWN's flags, MON_WAIT, MON_STOP,
 * MON_BEAT: how an instance ended, and their refusals). Requests
 * for another core are forwarded over the mesh, so every pair of
 * neighbours is crossed.
 */
#include <stdio.h>
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/uprog.h>
#include "lib/test.h"
#include "tests/monitor/mtest.h"

TEST(processes_start_list_and_kill_programs_on_other_cores)
{
	unsigned last = mesh_cores() - 1;

	for (unsigned k = 1; k <= last; k++) {
		struct rproc p;
		int status = -1;
		bool faulted = true;

		CHECK_ERR(remote_spawn(k, "uprog", UPROG_PROCESS_CALLS, NULL, &p), OK);
		CHECK_ERR(remote_wait(&p, &status, &faulted), OK);
		CHECK(!faulted);
		if (status != 0)
			test_fail("uprog on core %u: check %d failed", k, status);
	}
	/* And on this core, whose requests come to this monitor while the
	 * test serves its endpoint. */
	struct proc p;
	int status = -1;
	/* RAM and the boot image, as remote.c gives: it makes and maps a Frame. */
	const struct spawn_opts o = { .ram = SPAWNED_RAM, .give_bootimg = true };
	CHECK_ERR(spawn_program_opts("uprog", UPROG_PROCESS_CALLS, &o, &p), OK);
	CHECK_ERR(serve_until_stopped(&p, &status), OK);
	if (status != 0)
		test_fail("uprog on core 0: check %d failed", status);
	CHECK_ERR(proc_kill(&p), OK);
}

/* A packed request that brings no capability, as mcall.c serves one. */
static err_t serve_words(const uint64_t w[4], bool admin, uint64_t r[4])
{
	capaddr_t give;

	return moncall_serve_words(w, admin, false, r, &give);
}

/* MON_SPAWN_SKB: only a caller with the admin endpoint may ask for the
 * SKB's facts (ERR_CAP_RIGHTS), and only core 0's monitor has them: a
 * request for core 1, forwarded there, is refused by that core
 * (ERR_UNSUPPORTED); with MON_SPAWN_CONSOLE too, or with a gift of the
 * caller's, it is ERR_INVALID_ARG. Nothing is started either way. */
TEST_CORES(only_core_0s_monitor_starts_an_skb_and_only_for_its_admin, 2)
{
	uint64_t w[4] = { MON_SPAWN | 1ull << 8 | (uint64_t)MON_SPAWN_SKB << 24 }, r[4] = { 0 };

	memcpy(&w[1], "skb", 4);
	CHECK_ERR(serve_words(w, false, r), ERR_CAP_RIGHTS);
	CHECK_ERR(serve_words(w, true, r), ERR_UNSUPPORTED);
	w[0] &= ~(0xFFFFull << 8);		/* core 0, without the right */
	CHECK_ERR(serve_words(w, false, r), ERR_CAP_RIGHTS);
	w[0] |= (uint64_t)MON_SPAWN_CONSOLE << 24;	/* two services' gifts at once */
	CHECK_ERR(serve_words(w, true, r), ERR_INVALID_ARG);
	struct spawn_opts o = { 0 };
	CHECK_ERR(skbfeed_spawn_opts(&o, true), ERR_INVALID_ARG);	/* never with a gift */
	CHECK(o.ngive == 0);
}

/* MON_SPAWN_CONSOLE likewise: only for the admin endpoint, and only core
 * 0's monitor drives the serial port (a request for core 1 is refused
 * there). Nothing is started. (Core 0's own, with the right, would start
 * one: consvctest.c starts its stand-ins directly.) */
TEST_CORES(only_core_0s_monitor_starts_a_console_service_and_only_for_its_admin, 2)
{
	uint64_t w[4] = { MON_SPAWN | 1ull << 8 | (uint64_t)MON_SPAWN_CONSOLE << 24 }, r[4] = { 0 };
	unsigned pid;

	memcpy(&w[1], "console", 8);
	CHECK_ERR(serve_words(w, false, r), ERR_CAP_RIGHTS);
	CHECK_ERR(serve_words(w, true, r), ERR_UNSUPPORTED);
	w[0] &= ~(0xFFFFull << 8);		/* core 0, without the right */
	CHECK_ERR(serve_words(w, false, r), ERR_CAP_RIGHTS);
	CHECK(!consvc_attached(&pid));
}
