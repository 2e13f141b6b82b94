/*
 * Processes on other cores (remote.c), tested from core 0: a program
 * started on every other core runs and its exit comes back; bad requests
 * get errors and malformed ones are dropped while the target goes on
 * serving; and a process on another core that waits on a URPC channel
 * (flotilla/uchan.h) is blocked, costs its core nothing while it waits,
 * and is woken by a message. All but one need a second core
 * (TEST_CORES): with one, they are skipped.
 */
#include <flotilla/caps.h>
#include <flotilla/lmp.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/uchan.h>
#include <flotilla/uprog.h>
#include "lib/test.h"
#include "tests/monitor/mtest.h"

#define DEADLINE_NS	(20ull * 1000000000)

TEST_CORES(remote_spawn_on_every_core, 2)
{
	for (unsigned k = 1; k < mesh_cores(); k++) {
		struct rproc p;
		int status = -1;
		bool faulted = true;

		CHECK_ERR(remote_spawn(k, "uprog", UPROG_ARGS, NULL, &p), OK);
		CHECK(p.core == k);
		CHECK_ERR(remote_wait(&p, &status, &faulted), OK);
		CHECK(!faulted && status == 100 + 5);	/* argv is { "uprog" } */
		/* It is gone: asking about it is an error now. */
		struct disp_info info;
		CHECK_ERR(remote_info(&p, &info), ERR_NOT_FOUND);
	}
}

TEST_CORES(remote_fault_comes_back, 2)
{
	struct rproc p;
	int status = 0;
	bool faulted = false;

	CHECK_ERR(remote_spawn(mesh_cores() - 1, "uprog", UPROG_FAULT_FIRST, NULL, &p), OK);
	CHECK_ERR(remote_wait(&p, &status, &faulted), OK);
	CHECK(faulted);
}

/* With any number of cores: a program starts on another core or nowhere. */
TEST(remote_spawn_on_no_core_but_another)
{
	struct rproc p;

	CHECK_ERR(remote_spawn(mesh_cores(), "uprog", 0, NULL, &p), ERR_INVALID_ARG);
	CHECK_ERR(remote_spawn(0, "uprog", 0, NULL, &p), ERR_INVALID_ARG);	/* this core */
}

TEST_CORES(remote_errors, 2)
{
	struct rproc p, bad;
	struct disp_info info;
	unsigned last = mesh_cores() - 1;

	CHECK_ERR(remote_spawn(last, "a-name-too-long-for-it", 0, NULL, &p), ERR_INVALID_ARG);
	CHECK_ERR(remote_spawn(last, "no-such-prog", 0, NULL, &p), ERR_NOT_FOUND);
	/* A frame gift must be a Frame capability: an endpoint stays on its
	 * core (cap_type_crosses). */
	struct remote_gifts g = { .frame = true, .frame_cap = T_FAULTEP };
	CHECK_ERR(remote_spawn(last, "uprog", 0, &g, &p), ERR_CAP_CORE_BOUND);
	g.frame_cap = SCRATCH(0);
	CHECK_ERR(remote_spawn(last, "uprog", 0, &g, &p), ERR_CAP_EMPTY);
	bad = (struct rproc){ .core = last, .pid = SPAWN_MAX };
	CHECK_ERR(remote_info(&bad, &info), ERR_NOT_FOUND);
	CHECK_ERR(remote_kill(&bad), ERR_NOT_FOUND);
	/* A process killed from afar. */
	CHECK_ERR(remote_spawn(last, "uprog", UPROG_LOOP, NULL, &p), OK);
	CHECK_ERR(remote_info(&p, &info), OK);
	CHECK(info.state == DISP_STATE_RUNNABLE);
	CHECK_ERR(remote_kill(&p), OK);
	CHECK_ERR(remote_info(&p, &info), ERR_NOT_FOUND);
}

/* Malformed remote messages, and well-formed ones that make no sense,
 * to another core: each is dropped there (counted: mesh_dropped_more),
 * and the target answers the next good request. */
TEST_CORES(remote_malformed_requests_are_dropped, 2)
{
	unsigned last = mesh_cores() - 1;
	uint64_t w[7] = { 99, 5, 0x676f7270752121ull, 0, 0, 0, 0 }, seen;
	struct rproc bad = { .core = last, .pid = SPAWN_MAX };
	struct disp_info info;

	CHECK_ERR(mesh_drops(last, &seen), OK);
	CHECK_ERR(mesh_inject(last, IF_INTERMON_SPAWN, 3, w, 3), OK);		/* spawn, short */
	CHECK(mesh_dropped_more(last, &seen, 1));
	CHECK_ERR(mesh_inject(last, IF_INTERMON_INFO, 0, w, 0), OK);		/* info, empty */
	CHECK(mesh_dropped_more(last, &seen, 1));
	CHECK_ERR(mesh_inject(last, IF_INTERMON_KILL, 3, w, 3), OK);		/* kill, too long */
	CHECK(mesh_dropped_more(last, &seen, 1));
	CHECK_ERR(mesh_send(last, 0x7777, w, 7), OK);				/* a type no one knows */
	CHECK(mesh_dropped_more(last, &seen, 1));
	/* Well formed: answers no one asked, a process that cannot be. */
	CHECK_ERR(if_intermon_spawn_r_send(mesh_to(last), 99, OK, 0, 0), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	CHECK_ERR(if_intermon_info_r_send(mesh_to(last), 99, OK, 0, 0, 0, 0, 0), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	CHECK_ERR(if_intermon_exited_send(mesh_to(last), SPAWN_MAX, 0, false), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	/* The target dropped them all and answers the next good request. */
	CHECK_ERR(remote_info(&bad, &info), ERR_NOT_FOUND);
	CHECK_ERR(remote_kill(&bad), ERR_NOT_FOUND);
	CHECK(mesh_dropped_more(last, &seen, 0));
}

/* The test's end of the channel: a frame of core 0's, polled (not slept
 * on) by the test, which only waits with a deadline. */
#define T_FRAME		SCRATCH(0)
#define T_BELL		SCRATCH(1)

static struct uchan *polled;
static bool message_waiting(unsigned unused)
{
	return urpc_poll(&polled->d.rx);
}

static const struct rproc *watched;
static bool watched_blocked(unsigned unused)
{
	struct disp_info info;

	return remote_info(watched, &info) == OK && info.state == DISP_STATE_BLOCKED;
}

TEST_CORES(blocked_receiver_costs_no_cpu_and_wakes_on_a_message, 2)
{
	unsigned last = mesh_cores() - 1;
	struct disp_info before, after, woken;
	struct uchan c;
	struct rproc p;
	uint64_t w[URPC_MAX_WORDS] = { 42, 43 };
	unsigned n;
	uint32_t type;
	void *mem;
	int status;
	bool faulted;

	CHECK_ERR(cnode_retype(T_SCRATCHCN, CADDR_L2(T_FRAME), T_TESTRAM, CAP_FRAME, 1, 0, 4096),
		  OK);
	CHECK_ERR(window_map_page(T_FRAME, &mem), OK);
	CHECK_ERR(urpc_duplex_init(mem, 4096, UPROG_CHAN_SLOTS), OK);
	struct remote_gifts g = { .frame = true, .frame_cap = T_FRAME,
				  .bell = true, .bell_core = 0, .bell_slot = 0 };
	CHECK_ERR(remote_spawn(last, "uprog", UPROG_URPC_ECHO, &g, &p), OK);
	CHECK_ERR(kernel_notify_mint(CPTR_DOORBELL, last, p.bell, T_SCRATCHCN, CADDR_L2(T_BELL)), OK);
	CHECK_ERR(uchan_open(&c, mem, 4096, UPROG_CHAN_SLOTS, 0, T_FAULTEP, T_BELL), OK);

	/* It polls, finds nothing, and blocks. Then 50 ms later it has not
	 * run a single cycle more: blocked, it costs its core nothing. */
	watched = &p;
	CHECK(mesh_serve_until(watched_blocked, 0, sys_clock_ns() + DEADLINE_NS));
	CHECK_ERR(remote_info(&p, &before), OK);
	sys_sleep_until(sys_clock_ns() + 50000000);
	CHECK_ERR(remote_info(&p, &after), OK);
	CHECK(after.state == DISP_STATE_BLOCKED);
	CHECK(after.cycles == before.cycles && after.dispatches == before.dispatches);

	/* A message finds it asleep, so the send rings its doorbell; it wakes,
	 * echoes, and goes back to sleep. */
	CHECK_ERR(uchan_send(&c, w, 2, 7), OK);
	CHECK(c.rings == 1);
	polled = &c;
	CHECK(mesh_serve_until(message_waiting, 0, sys_clock_ns() + DEADLINE_NS));
	CHECK_ERR(urpc_recv(&c.d.rx, w, &n, &type), OK);
	CHECK(n == 2 && w[0] == 42 && w[1] == 43 && type == 7);
	CHECK(mesh_serve_until(watched_blocked, 0, sys_clock_ns() + DEADLINE_NS));
	CHECK_ERR(remote_info(&p, &woken), OK);
	CHECK(woken.dispatches > after.dispatches && woken.blocks > after.blocks);

	w[0] = UPROG_QUIT;
	CHECK_ERR(uchan_send(&c, w, 1, 0), OK);
	CHECK_ERR(remote_wait(&p, &status, &faulted), OK);
	CHECK(!faulted && status == 1);
	CHECK_ERR(rcap_revoke(&p.frame), OK);	/* the frame is ours alone again */
}
