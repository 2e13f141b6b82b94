/*
 * A system-call fuzzer: thousands of random calls with random arguments,
 * aimed at a sandbox (the scratch CNode, seeded with objects of every
 * kind, and the test RAM). Capability addresses are either in the sandbox
 * or out of range, so the fuzzer cannot reach the monitor's own
 * capabilities; everything else (methods, slots, sizes, rights, pointers,
 * system call numbers) is random. Every call must come back with a defined
 * error code or OK, and the kernel must keep running: a kernel fault or
 * hang ends the boot and fails the test.
 */
#include <stdio.h>
#include <flotilla/caps.h>
#include <flotilla/sys.h>
#include "usr/monitor/monitor.h"
#include "usr/monitor/utest.h"

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
	CNODE_MOVE, VNODE_MAP, VNODE_UNMAP, DISP_SETUP, DISP_SET_NAME, KERNEL_POWEROFF,
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
	}
	unsigned m = methods[pick(sizeof(methods) / sizeof(methods[0]))];
	return sys_invoke(rnd_caddr(), m, a[0], a[1], a[2], a[3], a[4]);
}

unsigned fuzz_syscalls(unsigned core, unsigned calls, unsigned *ok)
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

UTEST(syscall_fuzzer_5000_random_calls)
{
	unsigned ok, bad = fuzz_syscalls(sys_core_id(), 5000, &ok);

	printf("fuzz: core %u: 5000 calls, %u succeeded, %u failed with an error code\n",
	       sys_core_id(), ok, 5000 - ok - bad);
	UCHECK(bad == 0);
	UCHECK(ok > 0);		/* the fuzzer reached working paths too */
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
	bad = fuzz_syscalls(core, 5000, &ok);
	scratch_reset();
	if (bad)
		printf("FAIL user/core%u/syscall_fuzzer: %u results were not error codes\n", core, bad);
	else
		printf("PASS user/core%u/syscall_fuzzer (5000 calls, %u succeeded)\n", core, ok);
}
