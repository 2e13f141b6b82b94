/*
 * The monitor's authority, split by kind (kpi/caps.h, "Authority";
 * docs/userspace.md): the kernel gives the monitor one capability of each
 * authority type; each answers only its own methods, each method that
 * changes something needs WRITE, and a process that holds one kind can
 * do nothing of the others'.
 */
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/uprog.h>
#include "lib/test.h"
#include "tests/include/abi_types.h"
#include "tests/monitor/mtest.h"

/* Each authority type, where the kernel put it, and one of its methods
 * with arguments that change nothing that matters if it ran (the power
 * method only ever reaches its own type, below). */
static const struct {
	unsigned type;
	capaddr_t at;
	uint64_t method, a0, a1;
	bool reads;		/* needs no right (Info) */
} auth[AUTH_COUNT] = {
	{ CAP_POWER, CPTR_POWER, POWER_OFF, 0, 0, false },
	{ CAP_INFO, CPTR_INFO, INFO_CORES, 0, 0, true },
	{ CAP_DOORBELL, CPTR_DOORBELL, DOORBELL_RING, 0, NOTIFY_SLOTS - 1, false },
	{ CAP_EXPORT, CPTR_EXPORT, EXPORT_CAP_REMOTE, SCRATCH(0), 0, false },
	{ CAP_SPAN, CPTR_SPAN, SPAN_TLB_FLUSH, CPTR_VROOT, 0, false },
	{ CAP_CONSOLE, CPTR_CONSOLE, CONSOLE_READ, 0, 0, false },
};

/* Every method if/kernel.abi describes, with its type's name there
 * (kpi/methods.h), for the wrong-type sweep. */
static const struct { uint64_t m; const char *type; } described[] = {
#define X(M, t, right, early, words)	{ (M), #t },
	CAP_METHODS(X)
#undef X
};

TEST(monitor_holds_one_capability_of_each_authority)
{
	struct cap_info i;

	for (unsigned k = 0; k < AUTH_COUNT; k++) {
		CHECK_ERR(cap_identify(auth[k].at, &i), OK);
		CHECK_EQ(i.type, auth[k].type);
		CHECK_EQ(i.rights, CAP_RIGHTS_ALL);
	}
	/* The rest of the authority CNode is empty, and there is no more
	 * Kernel capability in the task CNode's old slot. */
	CHECK_ERR(cap_identify(CADDR(AUTH_CN, AUTH_COUNT), &i), ERR_CAP_EMPTY);
	CHECK_ERR(cap_identify(CADDR(AUTH_CN, AUTH_SLOTS), &i), ERR_CAP_RANGE);
	CHECK_ERR(cap_identify(CADDR(TASK_CN, 6), &i), ERR_CAP_EMPTY);
}

/* Every method of another type (every type's, the authorities' and the
 * others', as if/kernel.abi gives them) is refused before its decode
 * runs, with all-zero words. */
TEST(each_authority_refuses_the_other_kinds_methods)
{
	for (unsigned k = 0; k < AUTH_COUNT; k++)
		for (unsigned i = 0; i < sizeof(described) / sizeof(described[0]); i++) {
			uint64_t m = described[i].m;

			if (m == CAP_IDENTIFY || abi_type_is(described[i].type, auth[k].type))
				continue;
			err_t e = sys_invoke(auth[k].at, m, 0, 0, 0, 0, 0).err;
			if (e != ERR_CAP_WRONG_TYPE)
				test_fail("method %llu on the %s capability: %s, not ERR_CAP_WRONG_TYPE",
					  (unsigned long long)m, cap_type_name(auth[k].type), err_name(e));
		}
	/* Nor does any other type answer them, nor they other types'. */
	CHECK_ERR(sys_invoke(CPTR_DISPATCHER, DOORBELL_RING, 0, 0, 0, 0, 0).err, ERR_CAP_WRONG_TYPE);
	CHECK_ERR(sys_invoke(CPTR_DOORBELL, NOTIFY_RING, 0, 0, 0, 0, 0).err, ERR_CAP_WRONG_TYPE);
	CHECK_ERR(sys_invoke(CPTR_SPAN, VNODE_UNMAP, CPTR_VROOT, 0, 0, 0, 0).err, ERR_CAP_WRONG_TYPE);
}

/* A copy without WRITE may still read (Info) but changes nothing. */
TEST(authority_methods_that_change_something_need_write)
{
	for (unsigned k = 0; k < AUTH_COUNT; k++) {
		CHECK_ERR(cnode_mint(T_SCRATCHCN, 1, auth[k].at, CAP_RIGHT_READ, 0), OK);
		err_t e = sys_invoke(SCRATCH(1), auth[k].method, auth[k].a0, auth[k].a1, 0, 0, 0).err;
		err_t want = auth[k].reads ? OK : ERR_CAP_RIGHTS;
		if (e != want)
			test_fail("method %llu on a read-only %s capability: %s, not %s",
				  (unsigned long long)auth[k].method, cap_type_name(auth[k].type),
				  err_name(e), err_name(want));
		CHECK_ERR(cnode_delete(T_SCRATCHCN, 1), OK);
	}
	/* Info needs no right at all. */
	CHECK_ERR(cnode_mint(T_SCRATCHCN, 1, CPTR_INFO, 0, 0), OK);
	CHECK_EQ(kernel_cores(SCRATCH(1)), kernel_cores(CPTR_INFO));
}

/* A process given exactly one kind, a Doorbell, rings with it and can do
 * nothing of the other kinds' (tests/user/uprog, UPROG_KERNEL_CAP). */
TEST(a_process_holding_one_authority_cannot_use_the_others)
{
	struct spawn_opts o = { .give = { CPTR_DOORBELL }, .ngive = 1 };
	struct proc p;
	err_t err;

	CHECK_ERR(spawn_program_opts("uprog", UPROG_KERNEL_CAP | 1 << 8, &o, &p), OK);
	int status = wait_stopped(&p, &err);
	CHECK_ERR(err, OK);
	CHECK_ERR(proc_kill(&p), OK);
	CHECK_EQ(status, 0);
}
