/*
 * Starting programs in user space (usr/lib/spawn.c) and what happens to
 * them: a program runs and exits with its status; an ordinary process
 * holds no Kernel capability; a program that faults, in each of five ways,
 * becomes a fault message to the monitor, whose default handler destroys
 * it while everything else keeps running; a running program is killed and
 * every object it was made of goes.
 */
#include <flotilla/caps.h>
#include <flotilla/lmp.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include "tests/monitor/mtest.h"
#include "lib/test.h"

unsigned proc_state(const struct proc *p)
{
	uint64_t st = 0;
	proc_status(p, &st);
	return (unsigned)(st & 0xFFFFFFFF);
}

bool until_blocked(const struct proc *p)
{
	for (int i = 0; i < 1000; i++) {
		if (proc_state(p) == DISP_STATE_BLOCKED)
			return true;
		sys_yield();
	}
	return false;
}

static void run_and_expect(uint64_t arg, int want)
{
	struct proc p;
	err_t err;

	CHECK_ERR(spawn_program("uprog", arg, &p), OK);
	int status = wait_stopped(&p, &err);
	CHECK_ERR(err, OK);
	CHECK_ERR(proc_kill(&p), OK);
	if (status != want)
		test_fail("uprog %llu exited %d, want %d",
			  (unsigned long long)arg, status, want);
}

TEST(spawn_runs_a_program_to_its_exit)
{
	run_and_expect(0, 0);
}

TEST(spawned_program_has_its_well_known_caps)
{
	run_and_expect(8, 0);
}

TEST(ordinary_process_cannot_invoke_the_kernel_cap)
{
	run_and_expect(6, ERR_CAP_EMPTY);
}

/* Each fault becomes a message on the monitor's fault endpoint; the
 * monitor's default handler reports it and destroys the process. */
TEST(faults_go_to_the_monitor_which_destroys_the_process)
{
	static const unsigned vector[6] = { 0, 0, 14, 13, 6, 3 };
	struct lmp_msg m;
	uint64_t st;

	for (unsigned kind = 1; kind <= 5; kind++) {
		struct proc p;
		CHECK_ERR(spawn_program("uprog", kind, &p), OK);
		CHECK_ERR(supervisor_recv(&m), OK);
		CHECK(LMP_INFO_KIND(m.info) == LMP_KIND_FAULT);
		CHECK(LMP_FAULT_VECTOR(m.w[0]) == vector[kind]);
		CHECK(m.badge == SPAWN_BADGE(p.idx));
		CHECK(m.w[2] >= 0x400000 && m.w[3] > 0x400000);	/* rip, rsp */
		if (kind == 2)
			CHECK(m.w[1] == 0x10);		/* the address it touched */
		CHECK_ERR(proc_status(&p, &st), OK);
		CHECK((st & 0xFFFFFFFF) == DISP_STATE_BLOCKED);
		CHECK(supervisor_handle(&m));
		CHECK_ERR(proc_status(&p, &st), ERR_CAP_EMPTY);	/* destroyed */
	}
}

/* A process whose fault endpoint is destroyed before anyone handles its
 * fault is reported by the kernel and stopped; nothing else changes. */
TEST(fault_with_its_handler_gone_stops_the_process)
{
	struct spawn_opts o = { .exc_ep_set = true, .exc_ep = SCRATCH(0), .exc_badge = 5 };
	struct proc p;
	err_t err;

	CHECK_ERR(cnode_retype(T_SCRATCHCN, 0, T_TESTRAM, CAP_ENDPOINT, 1, 0, 0), OK);
	CHECK_ERR(spawn_program_opts("uprog", 4, &o, &p), OK);
	CHECK(until_blocked(&p));
	CHECK_ERR(cnode_revoke(T_SCRATCHCN, 0), OK);
	CHECK_ERR(cnode_delete(T_SCRATCHCN, 0), OK);
	CHECK(wait_stopped(&p, &err) == -(6 + 1));	/* #UD */
	CHECK_ERR(err, OK);
	CHECK_ERR(proc_kill(&p), OK);
}

TEST(kill_a_running_program)
{
	struct proc p;
	uint64_t st;

	CHECK_ERR(spawn_program("uprog", 7, &p), OK);
	for (int i = 0; i < 10; i++)
		sys_yield();
	CHECK_ERR(proc_status(&p, &st), OK);
	CHECK((st & 0xFFFFFFFF) == DISP_STATE_RUNNABLE);
	CHECK_ERR(proc_kill(&p), OK);
	CHECK_ERR(proc_status(&p, &st), ERR_CAP_EMPTY);
}

TEST(spawn_errors)
{
	struct proc p;

	CHECK_ERR(spawn_program("no-such-program", 0, &p), ERR_NOT_FOUND);
	/* Many in a row: slots and memory are given back by kill. */
	CHECK_ERR(spawn_program("uprog", 0, &p), OK);	/* the window, made once */
	CHECK_ERR(proc_kill(&p), OK);
	uint64_t used = ram_used_bytes();
	for (int i = 0; i < 40; i++) {
		CHECK_ERR(spawn_program("uprog", 0, &p), OK);
		CHECK(ram_used_bytes() > used);
		CHECK_ERR(proc_kill(&p), OK);
	}
	CHECK(ram_used_bytes() == used);
}
