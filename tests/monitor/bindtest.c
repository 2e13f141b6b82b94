/*
 * Channels bound by name through the monitors (bind.c, docs/binding.md),
 * tested from core 0: a server (uprog UPROG_BIND_SERVER) exports a name
 * on the last core; then a client on every core, this one and the
 * server's own included, binds to it by name, checks the errors of bad
 * binds, and pushes messages of every length through the channel the
 * monitors made, checking every echo. Afterwards, with the server gone,
 * binding finds nothing and its name has been removed. A channel whose
 * processes both end without closing it gives its memory back. And
 * another core's monitor drops malformed BIND messages and goes on
 * serving.
 */
#include <flotilla/monitor.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/uprog.h>
#include "lib/test.h"
#include "tests/monitor/mtest.h"

TEST(channels_bind_by_name_from_every_core)
{
	unsigned n = mesh_cores(), srv = n - 1;
	struct rproc sr, cr;
	struct proc sp, cp;
	int status;

	CHECK_ERR(uprog_start(srv, UPROG_BIND_SERVER | (uint64_t)n << 8, &sr, &sp), OK);
	for (unsigned k = 0; k < n; k++) {
		CHECK_ERR(uprog_start(k, UPROG_BIND_CLIENT | (uint64_t)srv << 8, &cr, &cp), OK);
		status = -1;
		CHECK_ERR(uprog_finish(k, &cr, &cp, &status), OK);
		if (status != 0) {
			/* The server waits for every client's quit, so it
			 * cannot end well any more; and if it never served,
			 * each further client would spend UPROG_BIND_WAIT_NS
			 * looking for its name (minutes at 33 cores, past the
			 * boot's deadline): stop at the first. */
			test_fail("client on core %u: check %d failed", k,
				  status);
			break;
		}
	}
	status = -1;
	CHECK_ERR(uprog_finish(srv, &sr, &sp, &status), OK);
	if (status != (int)n)
		test_fail("server on core %u: %d (%u clients expected)", srv,
			  status, n);
	/* The server has exited: its name is found dead at the next bind. */
	unsigned k = n > 1 ? 1 : 0;
	uint64_t gone = UPROG_BIND_CLIENT | (uint64_t)srv << 8 | (uint64_t)UPROG_BIND_GONE << 16;
	CHECK_ERR(uprog_start(k, gone, &cr, &cp), OK);
	status = -1;
	CHECK_ERR(uprog_finish(k, &cr, &cp, &status), OK);
	if (status != 0)
		test_fail("client after the server: check %d failed", status);
}

/* This core's monitor's free RAM, in bytes (MON_MEM's figure). */
static uint64_t free_here(void)
{
	unsigned count;

	return monitor_ram_bytes(&count) - ram_used_bytes();
}

static uint64_t free_before;

/* At least as much as after the first round: a frame of that round may
 * still have been on its way back when it was measured. */
static bool free_again(unsigned unused)
{
	(void)unused;
	return free_here() >= free_before;
}

/* A server on the last core and a client here, one channel; neither
 * closes it, both exit. Exit status of each in *cs and *ss. */
static void one_channel(int *cs, int *ss)
{
	unsigned srv = mesh_cores() - 1;
	struct rproc sr, cr;
	struct proc sp, cp;

	*cs = *ss = -1;
	CHECK_ERR(uprog_start(srv, UPROG_BIND_SERVER | 1ull << 8, &sr, &sp), OK);
	CHECK_ERR(uprog_start(0, UPROG_BIND_CLIENT | (uint64_t)srv << 8, &cr, &cp), OK);
	CHECK_ERR(uprog_finish(0, &cr, &cp, cs), OK);
	CHECK_ERR(uprog_finish(srv, &sr, &sp, ss), OK);
}

/*
 * The client's core owns the channel's frame, so its memory comes back
 * here only once both ends are closed; processes that die holding their
 * ends close them as they are destroyed (bind.c, bind_proc_ending). The
 * first round makes what stays made (the monitors' CNodes for channels
 * and capabilities across cores); the second must leave this core's free
 * RAM as it found it. Before, each such channel kept its frame for ever.
 */
TEST(a_channel_its_processes_never_closed_gives_its_memory_back)
{
	int cs, ss;

	one_channel(&cs, &ss);
	if (cs != 0 || ss != 1) {
		test_fail("first round: client %d, server %d (0 and 1 expected)", cs, ss);
		return;
	}
	free_before = free_here();
	one_channel(&cs, &ss);
	CHECK(cs == 0 && ss == 1);
	if (!mesh_serve_until(free_again, 0, sys_clock_ns() + MESH_WAIT_NS))
		test_fail("core 0 has %lld bytes less free RAM once the channel's processes ended",
			  (long long)(free_before - free_here()));
}

/* Asks core `core`'s monitor for the server's end of a channel, as a
 * client's monitor does (bind.c); its doorbell in *bell. */
static err_t ask_bind(unsigned core, const char *name, unsigned svc, unsigned client_bell,
		      unsigned *bell)
{
	struct mesh_ask a;
	err_t err;

	if ((err = mesh_ask(&a, core, IF_INTERMON_BIND_R, bell)))
		return err;
	return mesh_await(&a, if_intermon_bind_send(mesh_to(core), a.id, name, svc, 0,
						    client_bell));
}

/* Malformed bind messages to another core's monitor, and well-formed ones
 * that make no sense: each is dropped (counted: mesh_dropped_more, and
 * reported by it), and it goes on serving; a well-formed bind for a
 * service it does not have, or a grant for a channel it does not have,
 * is answered with ERR_NOT_FOUND, and an unbind of one with "nothing
 * of it here" (closed). */
TEST_CORES(malformed_bind_messages_are_dropped, 2)
{
	unsigned last = mesh_cores() - 1, bell;
	uint64_t w[7] = { 0, 3, 0x6f6f66 /* "foo" */, 0, 0, 0, 0 }, seen, cycles;

	CHECK_ERR(mesh_drops(last, &seen), OK);
	CHECK_ERR(mesh_inject(last, IF_INTERMON_BIND, 5, w, 5), OK);		/* bind, short */
	CHECK(mesh_dropped_more(last, &seen, 1));
	w[2] = ~0ull;								/* a name without its NUL */
	w[5] = FIRST_BELL;
	CHECK_ERR(mesh_inject(last, IF_INTERMON_BIND, 6, w, 6), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	CHECK_ERR(if_intermon_bind_send(mesh_to(last), 1, "foo", 0, 0, NOTIFY_SLOTS), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));				/* no such doorbell */
	CHECK_ERR(if_intermon_bind_send(mesh_to(last), 1, "", 0, 0, FIRST_BELL), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));				/* an empty name */
	CHECK_ERR(if_intermon_bind_r_send(mesh_to(last), 1, OK, 8), OK);	/* unasked */
	CHECK(mesh_dropped_more(last, &seen, 1));
	CHECK_ERR(mesh_inject(last, IF_INTERMON_NMSGS + 5, 1, w, 1), OK);	/* no such message */
	CHECK(mesh_dropped_more(last, &seen, 1));
	CHECK_ERR(mesh_ping(last, &cycles), OK);
	CHECK_ERR(ask_bind(last, "foo", 9999, FIRST_BELL, &bell), ERR_NOT_FOUND);	/* no such service */
	CHECK_ERR(ask_bind(last, "foo", 0, FIRST_BELL, &bell), ERR_NOT_FOUND);	/* none exported there */
	/* Offers of a capability: malformed, unasked, for no channel. */
	CHECK_ERR(mesh_inject(last, IF_INTERMON_GRANT, 2, w, 2), OK);	/* grant, short */
	CHECK(mesh_dropped_more(last, &seen, 1));
	CHECK_ERR(if_intermon_grant_r_send(mesh_to(last), 1, OK), OK);	/* unasked */
	CHECK(mesh_dropped_more(last, &seen, 1));
	CHECK_ERR(bind_ask_grant(last, 0x1000, 5), ERR_NOT_FOUND);		/* no such channel */
	/* Closing: malformed, unasked, for no channel (nothing to close). */
	CHECK_ERR(mesh_inject(last, IF_INTERMON_UNBIND, 3, w, 3), OK);	/* unbind, long */
	CHECK(mesh_dropped_more(last, &seen, 1));
	CHECK_ERR(if_intermon_unbind_r_send(mesh_to(last), 1, OK, true), OK);	/* unasked */
	CHECK(mesh_dropped_more(last, &seen, 1));
	/* (A bool of 2 in an answer is test_idl's scalars_out_of_range case:
	 * here an unasked answer is dropped whatever its bool holds.) */
	bool closed = false;
	CHECK_ERR(bind_ask_unbind(last, 0x1000, &closed), OK);
	CHECK(closed);
	CHECK(mesh_dropped_more(last, &seen, 0));
	/* A dead process's end: channel 0 (an end being made is named so)
	 * and a malformed one are dropped; one for no channel is news of an
	 * end that went already, and changes nothing. */
	CHECK_ERR(if_intermon_end_closed_send(mesh_to(last), 0), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	CHECK_ERR(mesh_inject(last, IF_INTERMON_END_CLOSED, 2, w, 2), OK);	/* long */
	CHECK(mesh_dropped_more(last, &seen, 1));
	CHECK_ERR(if_intermon_end_closed_send(mesh_to(last), 0x1000), OK);
	CHECK_ERR(mesh_ping(last, &cycles), OK);
	CHECK(mesh_dropped_more(last, &seen, 0));
	console_sync();
}
