/*
 * Same-core messages (LMP) from user space, between the monitor and the
 * test program uprog (flotilla/uprog.h): call and reply with words and
 * capabilities, badges, blocking receive, every error the ABI names, an
 * endpoint destroyed under a waiting dispatcher, a server that ends
 * without replying, a process handling its own fault, and the fault
 * endpoint refusing messages that are not faults.
 */
#include <flotilla/caps.h>
#include <flotilla/lmp.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/uprog.h>
#include "tests/monitor/mtest.h"
#include "lib/test.h"

#define EP		SCRATCH(0)
#define PAGE		4096ull

static err_t make_ep(void)
{
	return cnode_retype(T_SCRATCHCN, CADDR_L2(EP), T_TESTRAM, CAP_ENDPOINT, 1, 0, 0);
}

/* uprog in `mode`, holding a copy of `ep` as UPROG_EP. */
static err_t spawn_with(unsigned mode, capaddr_t ep, struct proc *p)
{
	struct spawn_opts o = { .give = { ep }, .ngive = 1 };
	return spawn_program_opts("uprog", mode, &o, p);
}

TEST(lmp_call_and_reply_with_an_echo_server)
{
	struct lmp_msg r;
	struct cap_info ci;
	struct proc p;
	err_t err;

	CHECK_ERR(make_ep(), OK);
	CHECK_ERR(cnode_mint(T_SCRATCHCN, 1, EP, CAP_RIGHT_WRITE | CAP_RIGHT_GRANT, 0x77), OK);
	CHECK_ERR(spawn_with(UPROG_ECHO, EP, &p), OK);
	for (uint64_t i = 0; i < 100; i++) {
		const uint64_t w[LMP_WORDS] = { i, 2 * i, 0, 0 };
		CHECK_ERR(lmp_call(SCRATCH(1), 0, 0, 0, w, &r), OK);
		CHECK(r.w[0] == i + 1 && r.w[1] == 2 * i + 1);
		CHECK(r.w[2] == 0x77);				/* the badge it saw */
		CHECK(LMP_INFO_KIND(r.w[3]) == LMP_KIND_CALL);	/* what it saw */
		CHECK(LMP_INFO_KIND(r.info) == LMP_KIND_REPLY && r.badge == 0);
	}
	/* A capability, copied: the server sees a frame; ours stays. */
	CHECK_ERR(cnode_retype(T_SCRATCHCN, 2, T_TESTRAM, CAP_FRAME, 1, PAGE, PAGE), OK);
	CHECK_ERR(lmp_call(SCRATCH(1), LMP_SEND_CAP, SCRATCH(2), 0, (uint64_t[4]){ 1 }, &r), OK);
	CHECK((r.w[3] & LMP_INFO_CAP) && (r.w[3] >> 32) == CAP_FRAME);
	CHECK_ERR(cap_identify(SCRATCH(2), &ci), OK);
	/* Given (moved): ours is gone. */
	CHECK_ERR(lmp_call(SCRATCH(1), LMP_SEND_CAP | LMP_GIVE, SCRATCH(2), 0, (uint64_t[4]){ 1 },
			    &r), OK);
	CHECK((r.w[3] & LMP_INFO_CAP) && (r.w[3] >> 32) == CAP_FRAME);
	CHECK_ERR(cap_identify(SCRATCH(2), &ci), ERR_CAP_EMPTY);
	/* A capability in the reply, into the slot we offer... */
	const uint64_t back[LMP_WORDS] = { 5, UPROG_SEND_BACK };
	CHECK_ERR(lmp_call(SCRATCH(1), LMP_RECV_CAP, 0, SCRATCH(3), back, &r), OK);
	CHECK(r.info & LMP_INFO_CAP);
	CHECK_ERR(cap_identify(SCRATCH(3), &ci), OK);
	CHECK(ci.type == CAP_DISPATCHER);
	/* ... and none without one: the words still arrive. */
	CHECK_ERR(lmp_call(SCRATCH(1), 0, 0, 0, back, &r), OK);
	CHECK(!(r.info & LMP_INFO_CAP) && LMP_INFO_CAP_ERR(r.info) == ERR_NO_SLOT);
	CHECK(r.w[0] == 6);
	CHECK_ERR(lmp_call(SCRATCH(1), 0, 0, 0, (uint64_t[4]){ UPROG_QUIT }, &r), OK);
	CHECK(wait_stopped(&p, &err) == OK);
	CHECK_ERR(err, OK);
	CHECK_ERR(proc_kill(&p), OK);
}

TEST(lmp_blocking_receive_and_badges)
{
	struct lmp_msg m;
	struct proc p;
	err_t err;

	CHECK_ERR(make_ep(), OK);
	CHECK_ERR(cnode_mint(T_SCRATCHCN, 1, EP, CAP_RIGHT_WRITE, 0x1234), OK);
	CHECK_ERR(spawn_with(UPROG_SEND_LATER, SCRATCH(1), &p), OK);
	CHECK_ERR(lmp_recv(EP, 0, 0, &m), OK);	/* blocks until it sends */
	CHECK(m.w[0] == 11 && m.w[1] == 12 && m.w[2] == 13 && m.w[3] == 14);
	CHECK(m.badge == 0x1234 && LMP_INFO_KIND(m.info) == LMP_KIND_SEND);
	CHECK(wait_stopped(&p, &err) == OK);
	CHECK_ERR(err, OK);
	CHECK_ERR(proc_kill(&p), OK);
}

TEST(lmp_errors)
{
	const uint64_t w[LMP_WORDS] = { 1, 2, 3, 4 };
	const unsigned nb = LMP_NONBLOCK;
	struct lmp_msg m;
	struct cap_info ci;

	CHECK_ERR(make_ep(), OK);
	CHECK_ERR(cnode_retype(T_SCRATCHCN, 2, T_TESTRAM, CAP_FRAME, 1, PAGE, PAGE), OK);
	CHECK_ERR(cnode_mint(T_SCRATCHCN, 3, EP, CAP_RIGHT_READ, 0), OK);
	CHECK_ERR(cnode_mint(T_SCRATCHCN, 4, EP, CAP_RIGHT_WRITE, 0), OK);
	CHECK_ERR(cnode_retype(T_SCRATCHCN, 5, T_TESTRAM, CAP_RAM, 1, 2 * PAGE, PAGE), OK);
	/* Not an endpoint, nothing there, out of range. */
	CHECK_ERR(lmp_send(SCRATCH(2), nb, 0, w), ERR_CAP_WRONG_TYPE);
	CHECK_ERR(lmp_recv(SCRATCH(9), nb, 0, &m), ERR_CAP_EMPTY);
	CHECK_ERR(lmp_call(CADDR(64, 0), nb, 0, 0, w, &m), ERR_CAP_RANGE);
	/* Missing rights: send needs WRITE, receive READ, a capability GRANT. */
	CHECK_ERR(lmp_send(SCRATCH(3), nb, 0, w), ERR_CAP_RIGHTS);
	CHECK_ERR(lmp_recv(SCRATCH(4), nb, 0, &m), ERR_CAP_RIGHTS);
	CHECK_ERR(lmp_send(SCRATCH(4), nb | LMP_SEND_CAP, SCRATCH(2), w), ERR_CAP_RIGHTS);
	/* The capability to send: RAM is only given; an empty slot is not one. */
	CHECK_ERR(lmp_send(EP, nb | LMP_SEND_CAP, SCRATCH(5), w), ERR_CAP_NOT_COPYABLE);
	CHECK_ERR(lmp_send(EP, nb | LMP_SEND_CAP, SCRATCH(9), w), ERR_CAP_EMPTY);
	/* The slot for one to receive must be empty, but for a call's that
	 * gives the capability in it (the send empties it first): no
	 * partner here, so that call gets as far as waiting. */
	CHECK_ERR(lmp_recv(EP, nb | LMP_RECV_CAP, SCRATCH(2), &m), ERR_CAP_SLOT_IN_USE);
	CHECK_ERR(lmp_call(EP, nb | LMP_SEND_CAP | LMP_RECV_CAP, SCRATCH(2), SCRATCH(2), w, &m),
		  ERR_CAP_SLOT_IN_USE);
	CHECK_ERR(lmp_call(EP, nb | LMP_SEND_CAP | LMP_RECV_CAP, SCRATCH(2), SCRATCH(3), w, &m),
		  ERR_CAP_SLOT_IN_USE);
	CHECK_ERR(lmp_call(EP, nb | LMP_SEND_CAP | LMP_GIVE | LMP_RECV_CAP, SCRATCH(5), SCRATCH(5),
			   w, &m), ERR_WOULD_BLOCK);
	/* Flags that mean nothing, or nothing here. */
	CHECK_ERR(lmp_send(EP, nb | 0x100, 0, w), ERR_INVALID_ARG);
	CHECK_ERR(lmp_send(EP, nb | LMP_GIVE, 0, w), ERR_INVALID_ARG);
	CHECK_ERR(lmp_recv(EP, nb | LMP_SEND_CAP, 0, &m), ERR_INVALID_ARG);
	CHECK_ERR(lmp_send(EP, nb | LMP_RECV_CAP, 0, w), ERR_INVALID_ARG);
	/* No partner, and asked not to wait. */
	CHECK_ERR(lmp_send(EP, nb, 0, w), ERR_WOULD_BLOCK);
	CHECK_ERR(lmp_recv(EP, nb, 0, &m), ERR_WOULD_BLOCK);
	CHECK_ERR(lmp_call(EP, nb, 0, 0, w, &m), ERR_WOULD_BLOCK);
	/* Nothing to reply to. */
	CHECK_ERR(lmp_reply(0, 0, w), ERR_NO_CALLER);
	CHECK_ERR(lmp_reply_recv(EP, nb, 0, 0, w, &m), ERR_NO_CALLER);
	/* A system call number past the last one. */
	CHECK_ERR(lmp_syscall(SYS_COUNT, EP, 0, nb, 0, w, &m), ERR_BAD_SYSCALL);
	/* None of it changed anything. */
	CHECK_ERR(cap_identify(SCRATCH(2), &ci), OK);
	CHECK_ERR(cap_identify(SCRATCH(5), &ci), OK);
	CHECK(ci.type == CAP_RAM);
}

TEST(lmp_destroying_an_endpoint_wakes_its_waiters)
{
	struct proc p;
	err_t err;

	CHECK_ERR(make_ep(), OK);
	CHECK_ERR(spawn_with(UPROG_RECV_ONCE, EP, &p), OK);
	CHECK(until_blocked(&p));
	CHECK_ERR(cnode_revoke(T_SCRATCHCN, CADDR_L2(EP)), OK);	/* its copy too */
	CHECK_ERR(cnode_delete(T_SCRATCHCN, CADDR_L2(EP)), OK);	/* the last one */
	CHECK(wait_stopped(&p, &err) == ERR_EP_GONE);
	CHECK_ERR(err, OK);
	CHECK_ERR(proc_kill(&p), OK);
}

TEST(lmp_server_that_ends_without_replying)
{
	struct lmp_msg r;
	struct proc p;
	err_t err;

	CHECK_ERR(make_ep(), OK);
	CHECK_ERR(spawn_with(UPROG_RECV_ONCE, EP, &p), OK);
	CHECK_ERR(lmp_call(EP, 0, 0, 0, (uint64_t[4]){ 7 }, &r), ERR_NO_REPLY);
	CHECK(wait_stopped(&p, &err) == OK);	/* it received, then exited */
	CHECK_ERR(proc_kill(&p), OK);
}

TEST(process_sets_its_own_fault_handler)
{
	struct disp_regs regs;
	struct lmp_msg m;
	struct proc p;
	err_t err;

	CHECK_ERR(make_ep(), OK);
	CHECK_ERR(spawn_with(UPROG_OWN_HANDLER, EP, &p), OK);
	CHECK_ERR(lmp_recv(EP, 0, 0, &m), OK);
	CHECK(LMP_INFO_KIND(m.info) == LMP_KIND_FAULT && LMP_FAULT_VECTOR(m.w[0]) == 3);
	CHECK(m.badge == 0);			/* its own, unbadged copy */
	CHECK(proc_state(&p) == DISP_STATE_BLOCKED);
	CHECK_ERR(disp_regs(p.disp, &regs), OK);
	CHECK(regs.rip == m.w[2] && regs.rsp == m.w[3]);
	CHECK_ERR(lmp_reply(0, 0, NULL), OK);	/* resume it */
	CHECK(wait_stopped(&p, &err) == 42);
	CHECK_ERR(err, OK);
	CHECK_ERR(proc_kill(&p), OK);
}

TEST(fault_endpoint_refuses_ordinary_messages)
{
	struct lmp_msg m;
	struct proc p;
	err_t err;

	CHECK_ERR(cnode_mint(T_SCRATCHCN, 1, T_FAULTEP, CAP_RIGHT_WRITE, 0x999), OK);
	CHECK_ERR(spawn_with(UPROG_SEND_LATER, SCRATCH(1), &p), OK);
	CHECK_ERR(supervisor_recv(&m), OK);
	CHECK(LMP_INFO_KIND(m.info) == LMP_KIND_SEND && m.badge == 0x999);
	CHECK(!supervisor_handle(&m));		/* refused; nothing destroyed */
	CHECK(wait_stopped(&p, &err) == OK);
	CHECK_ERR(proc_kill(&p), OK);
}
