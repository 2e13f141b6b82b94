/*
 * A system-call fuzzer: thousands of random calls with random arguments,
 * aimed at a sandbox (the scratch CNode, seeded with objects of every
 * kind, and the test RAM). Every call must come back with a defined error
 * code or OK, and the kernel must keep running: a kernel fault or hang
 * ends the boot and fails the test.
 *
 * The calls come from a dispatcher of their own: it shares the monitor's
 * address space (this code, its data, a stack below) but its CSpace holds
 * nothing except the sandbox, so no random number can name one of the
 * monitor's capabilities (any small number is a valid capability address
 * in the monitor's own CSpace: an early version fuzzing from the monitor
 * once moved the monitor's RAM away). The test RAM is lent to it and taken
 * back, or made again if the fuzzer destroyed it.
 */
#include <stdio.h>
#include <flotilla/caps.h>
#include <flotilla/spawn.h>
#include <flotilla/lmp.h>
#include <flotilla/sys.h>
#include "usr/monitor/monitor.h"
#include "lib/test.h"

#define PAGE	4096ull

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;	/* xorshift64 */
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static uint64_t pick(uint64_t n)
{
	return rnd() % n;
}

/* A capability address: a sandbox slot, or one past every CNode. */
static capaddr_t rnd_caddr(void)
{
	if (pick(8))
		return SCRATCH((unsigned)pick(CNODE_L2_SLOTS));
	return CADDR(64 + (unsigned)pick(0xFFFF), (unsigned)pick(256));
}

static struct cap_info scratch_out;

/* An argument: often meaningful for some method, sometimes anything. */
static uint64_t rnd_arg(void)
{
	switch (pick(10)) {
	case 0: return rnd();
	case 1: return pick(300);			/* slots, entries */
	case 2: return rnd_caddr();
	case 3: return pick(CAP_TYPE_COUNT + 2) | (pick(4) << 16);	/* type | count */
	case 4: return PAGE * pick(64);			/* offsets, sizes */
	case 5: return pick(16);			/* rights */
	case 6: return (uintptr_t)&scratch_out;		/* a valid out pointer */
	case 7: return 0xFFFF800000000000ull + PAGE * pick(1024);	/* kernel memory */
	case 8: return 1ull << pick(64);
	default: return pick(4096);
	}
}

static const unsigned methods[] = {
	CAP_IDENTIFY, CNODE_COPY, CNODE_MINT, CNODE_DELETE, CNODE_REVOKE, CNODE_RETYPE,
	CNODE_MOVE, VNODE_MAP, VNODE_UNMAP, DISP_SETUP, DISP_SET_NAME, DISP_SET_EXC_EP,
	DISP_REGS, DISP_STATUS, KERNEL_POWEROFF,
	KERNEL_CMDLINE, 1, 99, 0xFFFFFFFF,
};

/* Objects of every kind in the sandbox, so that calls reach deep paths. */
static err_t seed_sandbox(void)
{
	static const struct { unsigned type; uint64_t size; } k[] = {
		{ CAP_FRAME, PAGE }, { CAP_FRAME, 4 * PAGE }, { CAP_CNODE, 16 * CTE_SIZE },
		{ CAP_PML4, 0 }, { CAP_PDPT, 0 }, { CAP_PDIR, 0 }, { CAP_PTABLE, 0 },
		{ CAP_DISPATCHER, 0 }, { CAP_ENDPOINT, 0 }, { CAP_RAM, 64 * PAGE },
	};
	err_t err;

	for (unsigned i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if ((err = cnode_retype(T_SCRATCHCN, i, T_TESTRAM, k[i].type, 1,
					(TEST_RAM_BYTES / 2) + i * 64 * PAGE, k[i].size)))
			return err;
	return OK;
}

static struct sys_ret one_call(void)
{
	uint64_t a[5];

	for (int i = 0; i < 5; i++)
		a[i] = rnd_arg();
	switch (pick(20)) {
	case 0:
		return syscall6(SYS_COUNT + pick(1000), a[0], a[1], a[2], a[3], a[4], rnd());
	case 1:	/* only pointers that cannot print anything: not mapped or kernel */
		return syscall6(SYS_DEBUG_PRINT, pick(2) ? 0x10 : 0xFFFFFFFF80000000ull,
				pick(2048) + 1, 0, 0, 0, 0);
	case 2:
		return syscall6(SYS_CORE_ID, a[0], a[1], a[2], a[3], a[4], 0);
	case 3:
		sys_yield();
		return (struct sys_ret){ OK, 0 };
	case 4:
	case 5: {
		/* Messages, never blocking: the sandbox has no one to meet. */
		unsigned flags = (unsigned)(pick(4) ? pick(16) : rnd()) | LMP_NONBLOCK;
		struct lmp_msg m;
		err_t err = lmp_syscall(SYS_LMP_SEND + (unsigned)pick(5), rnd_caddr(), rnd_caddr(),
					flags, rnd_caddr(), a, &m);
		return (struct sys_ret){ err, 0 };
	}
	}
	unsigned m = methods[pick(sizeof(methods) / sizeof(methods[0]))];
	return sys_invoke(rnd_caddr(), m, a[0], a[1], a[2], a[3], a[4]);
}

static unsigned fuzz_calls_here(unsigned core, unsigned calls, unsigned *ok)
{
	unsigned bad = 0;

	rng_state = 0x9E3779B97F4A7C15ull ^ (core + 1);
	*ok = 0;
	for (unsigned i = 0; i < calls; i++) {
		if (i % 500 == 0 && seed_sandbox() != OK) {
			scratch_reset();	/* the sandbox is full: start again */
			seed_sandbox();
		}
		struct sys_ret r = one_call();
		if (r.err < 0 || r.err >= ERR__COUNT) {
			if (bad++ < 5)
				printf("fuzz: core %u: call %u returned %d, not an error code\n",
				       core, i, r.err);
		} else if (r.err == OK) {
			(*ok)++;
		}
	}
	return bad;
}

/* The fuzzing dispatcher: its objects in the monitor's task CNode, and
 * the level-1 slot through which the monitor reaches its task CNode. */
#define FZ_ROOT		CADDR(TASK_CN, 32)
#define FZ_TASK		CADDR(TASK_CN, 33)
#define FZ_DISP		CADDR(TASK_CN, 34)
#define FZ_CN		8
#define FZ_STACK_WORDS	4096

static struct {
	unsigned core, calls, ok, bad;
} fz;
static uint64_t fz_stack[FZ_STACK_WORDS] __attribute__((aligned(16)));

static void __attribute__((noreturn)) fuzz_entry(void)
{
	fz.bad = fuzz_calls_here(fz.core, fz.calls, &fz.ok);
	sys_exit(0);
}

/* Its CSpace: a root CNode holding its task CNode (level 1 slot TASK_CN)
 * and the scratch CNode (SCRATCH_CN); the task CNode holds the root, itself,
 * the scratch CNode and the lent test RAM, in the monitor's slot numbers,
 * so that seed_sandbox() and scratch_reset() work unchanged there. */
static err_t fuzz_dispatcher_start(void)
{
	err_t err;

	if ((err = ram_retype(CPTR_TASKCN, CADDR_L2(FZ_ROOT), CAP_CNODE, 64 * CTE_SIZE)) ||
	    (err = ram_retype(CPTR_TASKCN, CADDR_L2(FZ_TASK), CAP_CNODE, 256 * CTE_SIZE)) ||
	    (err = ram_retype(CPTR_TASKCN, CADDR_L2(FZ_DISP), CAP_DISPATCHER, 0)) ||
	    (err = cnode_copy(CPTR_ROOTCN, FZ_CN, FZ_TASK)) ||
	    (err = cnode_copy(FZ_ROOT, TASK_CN, FZ_TASK)) ||
	    (err = cnode_copy(FZ_ROOT, SCRATCH_CN, T_SCRATCHCN)) ||
	    (err = cnode_copy(FZ_TASK, CADDR_L2(CPTR_ROOTCN), FZ_ROOT)) ||
	    (err = cnode_copy(FZ_TASK, CADDR_L2(CPTR_TASKCN), FZ_TASK)) ||
	    (err = cnode_copy(FZ_TASK, CADDR_L2(T_SCRATCHCN), T_SCRATCHCN)) ||
	    (err = cnode_move(FZ_TASK, CADDR_L2(T_TESTRAM), T_TESTRAM)))
		return err;
	if ((err = disp_setup(FZ_DISP, FZ_ROOT, CPTR_VROOT, (uintptr_t)fuzz_entry,
			      (uintptr_t)&fz_stack[FZ_STACK_WORDS - 1], 0)) ||
	    (err = disp_set_name(FZ_DISP, "fuzz")))
		return err;
	return disp_run(FZ_DISP);
}

/* Takes the test RAM back (or makes it again), then destroys the fuzzing
 * dispatcher and its CNodes, and empties the sandbox. */
static err_t fuzz_dispatcher_end(void)
{
	err_t err = cnode_move(CPTR_TASKCN, CADDR_L2(T_TESTRAM), CADDR(FZ_CN, CADDR_L2(T_TESTRAM)));
	static const capaddr_t mine[3] = { FZ_DISP, FZ_ROOT, FZ_TASK };

	for (unsigned i = 0; i < 3; i++) {
		cnode_revoke(CPTR_TASKCN, CADDR_L2(mine[i]));
		cnode_delete(CPTR_TASKCN, CADDR_L2(mine[i]));
	}
	cnode_delete(CPTR_ROOTCN, FZ_CN);
	scratch_reset();	/* the test RAM too, wherever the fuzzer left it */
	if (err)	/* the fuzzer moved or deleted it: the range is free again */
		err = cnode_retype(CPTR_TASKCN, CADDR_L2(T_TESTRAM), T_FIXRAM, CAP_RAM, 1,
				   TEST_RAM_BYTES, TEST_RAM_BYTES);
	return err;
}

unsigned fuzz_syscalls(unsigned core, unsigned calls, unsigned *ok)
{
	uint64_t st = 0;
	err_t err;

	fz.core = core;
	fz.calls = calls;
	fz.ok = fz.bad = 0;
	if ((err = fuzz_dispatcher_start())) {
		printf("fuzz: core %u: cannot start the fuzzing dispatcher: %s\n", core, err_name(err));
		fuzz_dispatcher_end();
		*ok = 0;
		return 1;
	}
	for (;;) {
		struct sys_ret r = sys_invoke(FZ_DISP, DISP_STATUS, 0, 0, 0, 0, 0);
		st = r.value;
		if (r.err || (st & 0xFFFFFFFF) == DISP_STATE_STOPPED)
			break;
		sys_yield();
	}
	if ((err = fuzz_dispatcher_end()))
		printf("fuzz: core %u: cannot make the test RAM again: %s\n", core, err_name(err));
	*ok = fz.ok;
	if ((st & 0xFFFFFFFF) != DISP_STATE_STOPPED || (int)(st >> 32) != 0) {
		printf("fuzz: core %u: the fuzzing dispatcher did not exit cleanly (state %llu)\n",
		       core, (unsigned long long)st);
		return fz.bad + 1;
	}
	return fz.bad + (err != OK);
}

TEST(syscall_fuzzer_5000_random_calls)
{
	unsigned ok, bad = fuzz_syscalls(sys_core_id(), 5000, &ok);

	printf("fuzz: core %u: 5000 calls, %u succeeded, %u failed with an error code\n",
	       sys_core_id(), ok, 5000 - ok - bad);
	CHECK(bad == 0);
	CHECK(ok > 0);		/* the fuzzer reached working paths too */
}

/* `ufuzz` on the command line: every core's monitor fuzzes its own kernel,
 * and prints one verdict line for the host to collect. */
void fuzz_every_core(unsigned core)
{
	unsigned ok, bad;

	if (scratch_init()) {
		printf("FAIL user/core%u/syscall_fuzzer: no sandbox\n", core);
		return;
	}
	bad = fuzz_syscalls(core, 5000, &ok);	/* leaves the sandbox empty */
	if (bad)
		printf("FAIL user/core%u/syscall_fuzzer: %u results were not error codes\n", core, bad);
	else
		printf("PASS user/core%u/syscall_fuzzer (5000 calls, %u succeeded)\n", core, ok);
}
