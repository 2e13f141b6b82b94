/*
 * x87, SSE and AVX registers in user space (docs/userspace.md, "Floating
 * point and SSE"): two dispatchers on one core, on core 0 and on the last
 * core, and two spans of one process on another core, each holding values
 * unique to it in every register while they yield and are preempted; a
 * new dispatcher starts with the default state, not the last one's;
 * unmasked SIMD and x87 errors are faults of their process; known results
 * computed exactly; and the same for user-level threads of the monitor,
 * preempted by the timer (the run upcall saves everything) or yielding
 * (a call keeps MXCSR and the x87 control word).
 */
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/fpu.h>
#include <flotilla/fputest.h>
#include <flotilla/lmp.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/thread.h>
#include <flotilla/uprog.h>
#include "tests/monitor/mtest.h"
#include "lib/test.h"

bool threads_up(void);	/* threadtest.c */

#define HARMONIC_N		1000
#define HARMONIC_1000_BITS	0x401DF11F45F4E618ull	/* Python's sum(1.0 / k), in order */

/* MXCSR without the exception flags, which any arithmetic may set. */
static uint32_t mxcsr_control(void)
{
	return fpu_get_mxcsr() & ~FPU_MXCSR_FLAGS;
}

static uint64_t bits(double d)
{
	uint64_t b;
	memcpy(&b, &d, sizeof(b));
	return b;
}

/* ---- Dispatchers ---- */

TEST(fpu_two_dispatchers_on_a_core_keep_their_registers)
{
	unsigned last = mesh_cores() - 1;
	struct fpu_info fi;
	struct fpu_regs want, got;

	fpu_info(&fi);
	for (unsigned core = 0; core <= last; core += last ? last : 1) {
		struct rproc r[2];
		struct proc p[2];
		int status[2] = { -1, -1 };

		for (unsigned k = 0; k < 2; k++)
			CHECK_ERR(uprog_start(core, UPROG_FPU_HOLD | (1 + k) << 8, &r[k], &p[k]), OK);
		if (core == 0) {	/* and the monitor itself, a third */
			fpu_pattern(3, fi.avx, &want);
			fpu_hold_yielding(&want, &got, UPROG_FPU_ROUNDS * UPROG_FPU_YIELDS, 10000);
			fpu_set_mxcsr(FPU_MXCSR_DEFAULT);
			fpu_set_fcw(FPU_FCW_DEFAULT);
			unsigned d = fpu_regs_differ(&want, &got);
			if (d)
				test_fail("the monitor's register %u changed", d);
		}
		for (unsigned k = 0; k < 2; k++) {
			CHECK_ERR(uprog_finish(core, &r[k], &p[k], &status[k]), OK);
			if (status[k])
				test_fail("core %u, seed %u: check %d failed", core, 1 + k,
					  status[k]);
		}
	}
}

TEST(fpu_two_spans_on_another_core_keep_their_registers)
{
	unsigned last = mesh_cores() - 1;
	struct rproc r;
	struct proc p;
	int status = -1;

	CHECK_ERR(uprog_start(0, UPROG_FPU_SPANS | last << 8, &r, &p), OK);
	CHECK_ERR(uprog_finish(0, &r, &p, &status), OK);
	if (status)
		test_fail("spans on core %u: check %d failed", last, status);
}

/* A dispatcher that leaves odd rounding modes and its values in every
 * register runs just before a new one, which must see none of it. */
TEST(fpu_a_new_dispatcher_starts_with_the_default_state)
{
	struct proc dirty, clean;
	err_t err;

	CHECK_ERR(spawn_program("uprog", UPROG_FPU_DIRTY, &dirty), OK);
	for (int i = 0; i < 3; i++) {
		for (int y = 0; y < 5; y++)
			sys_yield();	/* it has loaded its registers */
		/* Queued behind it: it runs right before the new one. */
		CHECK_ERR(spawn_program("uprog", UPROG_FPU_CLEAN, &clean), OK);
		int status = wait_stopped(&clean, &err);
		CHECK_ERR(err, OK);
		CHECK_ERR(proc_kill(&clean), OK);
		if (status)
			test_fail("the new dispatcher: check %d failed", status);
	}
	CHECK(proc_state(&dirty) == DISP_STATE_RUNNABLE);
	CHECK_ERR(proc_kill(&dirty), OK);
}

/* An unmasked x87 (kind 1) or SIMD (kind 0) error in a process is a
 * fault like any other: a message to its monitor, which destroys it; and
 * the core goes on. */
static void error_is_a_fault(unsigned kind, unsigned vector)
{
	struct lmp_msg m;
	struct proc p;
	uint64_t st;
	err_t err;

	CHECK_ERR(spawn_program("uprog", UPROG_FPU_FAULT | kind << 8, &p), OK);
	if (!until_blocked(&p)) {	/* blocked on its fault, or it exited */
		int status = wait_stopped(&p, &err);
		CHECK_ERR(proc_kill(&p), OK);
		if (status == 2 && vector == 19)
			SKIP("this CPU set MXCSR's divide-by-zero flag with the exception "
			     "unmasked and raised no #XM: QEMU's TCG does not emulate SIMD "
			     "exceptions, KVM and hardware do");
		FAIL("no fault (its exit status %d)", status);
	}
	CHECK_ERR(supervisor_recv(&m), OK);
	CHECK(LMP_INFO_KIND(m.info) == LMP_KIND_FAULT);
	if (LMP_FAULT_VECTOR(m.w[0]) != vector)
		test_fail("vector %u, want %u", (unsigned)LMP_FAULT_VECTOR(m.w[0]), vector);
	CHECK(m.badge == SPAWN_BADGE(p.idx));
	CHECK(supervisor_handle(&m));
	CHECK_ERR(proc_status(&p, &st), ERR_CAP_EMPTY);	/* destroyed */
	CHECK_ERR(spawn_program("uprog", UPROG_FPU_HOLD | 5 << 8, &p), OK);
	int status = wait_stopped(&p, &err);
	CHECK_ERR(err, OK);
	CHECK_ERR(proc_kill(&p), OK);
	CHECK(status == 0);
}

TEST(fpu_x87_error_is_a_fault_of_the_process)
{
	error_is_a_fault(1, 16);	/* #MF */
}

TEST(fpu_simd_error_is_a_fault_of_the_process)
{
	error_is_a_fault(0, 19);	/* #XM */
}

TEST(fpu_computes_known_results)
{
	volatile double one = 1, three = 3, q;
	volatile long double three_x87 = 3, t;
	static const uint8_t third_x87[10] = { 0xAB, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA,
					       0xFD, 0x3F };	/* 1/3, 64-bit mantissa rounded up */
	uint64_t nearest, up;

	CHECK(mxcsr_control() == FPU_MXCSR_DEFAULT && fpu_get_fcw() == FPU_FCW_DEFAULT);
	CHECK(bits(fpu_harmonic(HARMONIC_N)) == HARMONIC_1000_BITS);
	/* Each result is stored (volatile) before the mode changes again. */
	q = one / three;
	nearest = bits(q);
	fpu_set_mxcsr(FPU_MXCSR_DEFAULT | 2u << 13);	/* round up */
	q = one / three;
	up = bits(q);
	fpu_set_mxcsr(FPU_MXCSR_DEFAULT);
	CHECK(nearest == 0x3FD5555555555555ull && up == nearest + 1);
	t = 1.0L / three_x87;
	long double third = t;
	CHECK(memcmp(&third, third_x87, 10) == 0);
	CHECK((double)(int64_t)-7 / 2 == -3.5 && (int64_t)(one * 1e15 + 0.5) == 1000000000000000);
}

/* ---- Threads of the monitor ---- */

struct holder {
	unsigned seed;
	volatile uint64_t count;	/* iterations held; the other watches it */
	struct holder *other;
	int check;			/* 0, or what failed */
};

/* Holds its pattern until the other thread has run, UPROG_FPU_ROUNDS
 * times: every round, it was preempted with its registers loaded. */
static void *hold_until_preempted(void *arg)
{
	struct holder *h = arg;
	struct fpu_info fi;
	struct fpu_regs want, got;

	fpu_info(&fi);
	fpu_pattern(h->seed, fi.avx, &want);
	fpu_set_mxcsr(want.mxcsr);
	double ref = fpu_harmonic(HARMONIC_N);
	for (unsigned round = 0; round < UPROG_FPU_ROUNDS && !h->check; round++) {
		/* 2^33 iterations: many seconds, where a preemption takes 20 ms. */
		if (!fpu_hold_watching(&want, &got, &h->count, &h->other->count, 1ull << 33))
			h->check = 100;
		else if ((h->check = (int)fpu_regs_differ(&want, &got)) == 0 &&
			 bits(fpu_harmonic(HARMONIC_N)) != bits(ref))
			h->check = 27;	/* in its own rounding mode, from the hold */
	}
	fpu_set_mxcsr(FPU_MXCSR_DEFAULT);
	fpu_set_fcw(FPU_FCW_DEFAULT);
	return NULL;
}

TEST(fpu_preempted_threads_keep_their_registers)
{
	struct holder h[2] = { { .seed = 7 }, { .seed = 8 } };
	struct thread_stats before, after;
	struct thread *t[2];

	CHECK(threads_up());
	h[0].other = &h[1];
	h[1].other = &h[0];
	thread_get_stats(&before);
	for (int k = 0; k < 2; k++)
		CHECK_ERR(thread_create(&t[k], hold_until_preempted, &h[k]), OK);
	for (int k = 0; k < 2; k++)
		CHECK_ERR(thread_join(t[k], NULL, NULL), OK);
	thread_get_stats(&after);
	for (int k = 0; k < 2; k++)
		if (h[k].check)
			test_fail("thread with seed %u: check %d failed", h[k].seed,
				  h[k].check);
	CHECK(after.run_upcalls - before.run_upcalls >= UPROG_FPU_ROUNDS);
}

struct yielder {
	uint32_t mxcsr;
	uint16_t fcw;
	int check;
};

/* Sets its own rounding modes, then yields many times: each time the
 * other thread runs in its modes, and these must come back. */
static void *yield_in_my_modes(void *arg)
{
	struct yielder *y = arg;

	fpu_set_mxcsr(y->mxcsr);
	fpu_set_fcw(y->fcw);
	double ref = fpu_harmonic(HARMONIC_N);
	long double ref_x87 = fpu_harmonic_x87(HARMONIC_N);
	for (int i = 0; i < 200 && !y->check; i++) {
		thread_yield();
		double h = fpu_harmonic(HARMONIC_N);
		long double hx = fpu_harmonic_x87(HARMONIC_N);
		if ((fpu_get_mxcsr() & ~FPU_MXCSR_FLAGS) != y->mxcsr)	/* the flags are the sums' */
			y->check = 1;
		else if (fpu_get_fcw() != y->fcw)
			y->check = 2;
		else if (bits(h) != bits(ref))
			y->check = 3;
		else if (memcmp((const void *)&hx, (const void *)&ref_x87, 10))
			y->check = 4;
	}
	fpu_set_mxcsr(FPU_MXCSR_DEFAULT);
	fpu_set_fcw(FPU_FCW_DEFAULT);
	return NULL;
}

TEST(fpu_yielding_threads_keep_their_control_words)
{
	struct yielder y[2] = {
		{ FPU_MXCSR_DEFAULT | 1u << 13, 0x0B7F, 0 },	/* down; x87 up, 64-bit */
		{ FPU_MXCSR_DEFAULT | 3u << 13, 0x027F, 0 },	/* to zero; x87 nearest, 53-bit */
	};
	struct thread *t[2];

	CHECK(threads_up());
	for (int k = 0; k < 2; k++)
		CHECK_ERR(thread_create(&t[k], yield_in_my_modes, &y[k]), OK);
	for (int k = 0; k < 2; k++)
		CHECK_ERR(thread_join(t[k], NULL, NULL), OK);
	for (int k = 0; k < 2; k++)
		if (y[k].check)
			test_fail("thread %d: check %d failed", k, y[k].check);
	CHECK(mxcsr_control() == FPU_MXCSR_DEFAULT && fpu_get_fcw() == FPU_FCW_DEFAULT);
}

static void *divide_by_zero(void *arg)
{
	static const int izero = 0;

	fpu_set_fcw(FPU_FCW_DEFAULT & ~(1u << 2));	/* x87 divide-by-zero unmasked */
	__asm__ volatile("fld1; fidivl %0; fwait; fstp %%st(0)" : : "m"(izero));
	return arg;
}

static void *report_modes(void *arg)
{
	uint32_t *out = arg;

	out[0] = fpu_get_mxcsr();
	out[1] = fpu_get_fcw();
	return NULL;
}

/* An x87 error in one thread ends that thread (the fault upcall), not the
 * process, and no other thread inherits its unmasked control word or the
 * pending error; a new thread starts with its creator's control words.
 * (x87: QEMU's TCG raises #MF, not #XM.) */
TEST(fpu_x87_error_ends_only_that_thread)
{
	struct thread *bad, *t;
	uint32_t modes[2];
	int fault;

	CHECK(threads_up());
	CHECK_ERR(thread_create(&bad, divide_by_zero, NULL), OK);
	CHECK_ERR(thread_join(bad, NULL, &fault), OK);
	CHECK(fault == 16 + 1);	/* #MF */
	CHECK(mxcsr_control() == FPU_MXCSR_DEFAULT && fpu_get_fcw() == FPU_FCW_DEFAULT);
	CHECK(bits(fpu_harmonic(HARMONIC_N)) == HARMONIC_1000_BITS);
	fpu_set_mxcsr(FPU_MXCSR_DEFAULT | 2u << 13);
	fpu_set_fcw(0x0E7F);
	CHECK_ERR(thread_create(&t, report_modes, modes), OK);
	fpu_set_mxcsr(FPU_MXCSR_DEFAULT);
	fpu_set_fcw(FPU_FCW_DEFAULT);
	CHECK_ERR(thread_join(t, NULL, NULL), OK);
	CHECK(modes[0] == (FPU_MXCSR_DEFAULT | 2u << 13) && modes[1] == 0x0E7F);
}
