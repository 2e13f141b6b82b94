/*
 * The console service's monitor side (usr/monitor/consvc.c): a service
 * that stops draining its ring, or writes a tail it could not have, is
 * detached, and every byte the ring held still reaches the wire, in order
 * (the host reads the lines: tools/boottest.py, check_consvc). uprog
 * stands in for the service: UPROG_IDLE never drains; UPROG_CONSOLE_TAIL
 * writes a tail past the head. And what a MON_SPAWN_CONSOLE may not be:
 * one with a gift, a second one while one is attached; and the ring may
 * not be sent to another core.
 */
#include <stdio.h>
#include <string.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/uprog.h>
#include "lib/conring.h"
#include "lib/test.h"
#include "tests/monitor/mtest.h"

/* A stand-in service started as MON_SPAWN_CONSOLE starts one. */
static err_t start(uint64_t arg, struct proc *p)
{
	struct spawn_opts o = { .notify_exit = true };
	err_t err = consvc_spawn_opts(&o, false);

	if (err)
		return err;
	err = spawn_program_opts("uprog", arg, &o, p);
	consvc_spawned(err, p->idx);
	return err;
}

/* Why a stand-in cannot be tried on this boot, or NULL. */
static const char *cannot(void)
{
	unsigned pid;

	if (!console_serving())
		return "this monitor does not write the console (console_serve has not run)";
	if (consvc_attached(&pid))
		return "a console service is attached already";
	return NULL;
}

TEST(a_console_service_that_never_drains_is_detached_and_nothing_is_lost)
{
	struct spawn_opts o = { 0 };
	struct rcap rc;
	unsigned pid;
	struct proc p;

	if (cannot())
		SKIP("%s", cannot());
	CHECK_ERR(consvc_spawn_opts(&o, true), ERR_INVALID_ARG);	/* a gift */
	CHECK_ERR(start(UPROG_IDLE, &p), OK);
	CHECK(consvc_attached(&pid) && pid == p.idx);
	CHECK_ERR(consvc_spawn_opts(&o, false), ERR_NAME_IN_USE);	/* one at a time */
	if (mesh_cores() > 1)		/* the ring never leaves core 0 */
		CHECK_ERR(rcap_copy(T_CONRING, 1, &rc), ERR_CAP_RIGHTS);
	/* More than the ring holds: it fills, and after a second the
	 * monitor takes the wire back and writes what it held. */
	for (unsigned i = 0; i < CONSVC_TEST_LINES; i++)
		printf("consvc: line %u of %u: %.*s\n", i, CONSVC_TEST_LINES, (int)(i % 40) + 20,
		       "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ");
	CHECK(!consvc_attached(&pid));
	CHECK_ERR(proc_kill(&p), OK);
	CHECK(!consvc_attached(&pid));
}

TEST(a_console_service_that_writes_a_tail_it_cannot_have_is_detached)
{
	uint64_t deadline = sys_clock_ns() + 10ull * 1000 * 1000 * 1000;
	unsigned pid;
	struct proc p;

	if (cannot())
		SKIP("%s", cannot());
	CHECK_ERR(start(UPROG_CONSOLE_TAIL, &p), OK);
	/* Its tail goes bad when it runs; the next bytes for the wire see
	 * it. The deadline only turns a hang into a failure. */
	for (unsigned i = 0; consvc_attached(&pid) && sys_clock_ns() < deadline; i++) {
		printf("consvc: waiting for the bad tail (%u)\n", i);
		sys_sleep_until(sys_clock_ns() + 10ull * 1000 * 1000);
	}
	CHECK(!consvc_attached(&pid));
	CHECK_ERR(proc_kill(&p), OK);
}
