/*
 * Kernel bugs the system-call fuzzer found (fuzz.c), each kept as a test
 * that fails on the kernel before its fix.
 */
#include <flotilla/caps.h>
#include <flotilla/lmp.h>
#include <flotilla/sys.h>
#include "tests/monitor/mtest.h"
#include "lib/test.h"

/*
 * SYS_LMP_REPLY_RECV that gives away (LMP_SEND_CAP | LMP_GIVE) the very
 * endpoint capability it then receives on. The kernel did the reply
 * first, which moved the capability out of the slot it had decoded, and
 * then read the endpoint from that emptied slot: a kernel page fault at
 * physical address 0 (found by `ufuzz` at 10^6 calls). Now the receive
 * goes on with the endpoint the call named when it was decoded.
 *
 * The server is a dispatcher of its own in the monitor's address space,
 * whose CSpace holds only a copy of the endpoint (S_EP); the monitor calls
 * it and offers a slot for a capability in the reply.
 */
#define S_ROOT		SCRATCH(0)
#define S_TASK		SCRATCH(1)
#define S_DISP		SCRATCH(2)
#define EP		SCRATCH(3)
#define GOT		SCRATCH(4)
#define S_EP		CADDR(TASK_CN, 1)	/* in the server's CSpace */

static volatile err_t server_err;
static uint64_t server_stack[512] __attribute__((aligned(16)));

static void __attribute__((noreturn)) give_own_endpoint(void)
{
	const uint64_t w[LMP_WORDS] = { 7 };
	struct lmp_msg m;
	err_t err = lmp_recv(S_EP, 0, 0, &m);

	if (!err)
		err = lmp_reply_recv(S_EP, LMP_SEND_CAP | LMP_GIVE | LMP_NONBLOCK, S_EP, 0, w, &m);
	server_err = err;
	sys_exit(0);
}

TEST(lmp_reply_recv_may_give_away_the_endpoint_it_receives_on)
{
	const uint64_t w[LMP_WORDS] = { 1 };
	struct lmp_msg r;
	struct cap_info ci;
	uint64_t st = 0;

	server_err = ERR_TIMEOUT;
	CHECK_ERR(cnode_retype(T_SCRATCHCN, 0, T_TESTRAM, CAP_CNODE, 1, 0, 16 * CTE_SIZE), OK);
	CHECK_ERR(cnode_retype(T_SCRATCHCN, 1, T_TESTRAM, CAP_CNODE, 1, 4096, 16 * CTE_SIZE), OK);
	CHECK_ERR(cnode_retype(T_SCRATCHCN, 2, T_TESTRAM, CAP_DISPATCHER, 1, 8192, 0), OK);
	CHECK_ERR(cnode_retype(T_SCRATCHCN, 3, T_TESTRAM, CAP_ENDPOINT, 1, 12288, 0), OK);
	CHECK_ERR(cnode_copy(S_ROOT, TASK_CN, S_TASK), OK);
	CHECK_ERR(cnode_copy(S_TASK, CADDR_L2(S_EP), EP), OK);
	CHECK_ERR(disp_setup(S_DISP, S_ROOT, CPTR_VROOT, (uintptr_t)give_own_endpoint,
			      (uintptr_t)&server_stack[511], 0), OK);	/* as if called */
	CHECK_ERR(disp_run(S_DISP), OK);
	/* Blocks until the server has received the call and replied. */
	CHECK_ERR(lmp_call(EP, LMP_RECV_CAP, 0, GOT, w, &r), OK);
	CHECK(LMP_INFO_KIND(r.info) == LMP_KIND_REPLY && (r.info & LMP_INFO_CAP) && r.w[0] == 7);
	CHECK_ERR(cap_identify(GOT, &ci), OK);
	CHECK(ci.type == CAP_ENDPOINT);
	for (unsigned i = 0; i < 1000 && (st & 0xFFFFFFFF) != DISP_STATE_STOPPED; i++) {
		sys_yield();
		st = sys_invoke(S_DISP, DISP_STATUS, 0, 0, 0, 0, 0).value;
	}
	CHECK((st & 0xFFFFFFFF) == DISP_STATE_STOPPED);
	/* Its receive went on, on the endpoint it named: nobody sends. */
	CHECK_ERR(server_err, ERR_WOULD_BLOCK);
}
