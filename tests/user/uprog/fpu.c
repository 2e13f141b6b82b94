/*
 * uprog's x87/SSE/AVX modes (flotilla/uprog.h: UPROG_FPU_*): holding a
 * pattern in every register across yields and preemption, checking the
 * state a new dispatcher starts with, unmasked exceptions, spans. The
 * test that starts them is tests/monitor/fputest.c.
 */
#include <string.h>
#include <flotilla/fpu.h>
#include <flotilla/fputest.h>
#include <flotilla/monitor.h>
#include <flotilla/sys.h>
#include <flotilla/uprog.h>
#include "failed.h"

/* Iterations of the spin between two yields: long enough that the timer
 * also preempts some of them. */
#define FPU_SPIN	50000
#define HARMONIC_N	1000

/* UPROG_FPU_HOLD's loop; 0 or the check that failed. */
static int hold(unsigned seed)
{
	struct fpu_info fi;
	struct fpu_regs want, got;

	fpu_info(&fi);
	fpu_pattern(seed, fi.avx, &want);
	/* The sums in this pattern's rounding modes, before anything else ran. */
	fpu_set_mxcsr(want.mxcsr);
	fpu_set_fcw(want.fcw);
	double ref = fpu_harmonic(HARMONIC_N);
	long double ref_x87 = fpu_harmonic_x87(HARMONIC_N);
	for (unsigned round = 0; round < UPROG_FPU_ROUNDS; round++) {
		fpu_hold_yielding(&want, &got, UPROG_FPU_YIELDS, FPU_SPIN);
		unsigned d = fpu_regs_differ(&want, &got);
		if (d)
			return (int)d;
		/* The hold left its MXCSR and control word: compute in them. */
		double h = fpu_harmonic(HARMONIC_N);
		long double hx = fpu_harmonic_x87(HARMONIC_N);
		if (memcmp(&h, &ref, sizeof(h)))
			return FAILED(27);
		if (memcmp(&hx, &ref_x87, 10))
			return FAILED(28);
	}
	fpu_set_mxcsr(FPU_MXCSR_DEFAULT);
	fpu_set_fcw(FPU_FCW_DEFAULT);
	return 0;
}

static int dirty(void)
{
	struct fpu_info fi;
	struct fpu_regs r;

	fpu_info(&fi);
	fpu_pattern(UPROG_FPU_DIRTY_SEED, fi.avx, &r);
	fpu_hold_forever(&r);
}

/* Nothing before main touches MXCSR, the control word, the x87 stack or
 * the upper halves of ymm; crt0 and libc_start may have used some xmm
 * registers, but not to hold another process's values. */
static int clean(void)
{
	struct fpu_info fi;
	struct fpu_regs now, other;

	fpu_info(&fi);
	memset(&now, 0, sizeof(now));
	now.avx = fi.avx;
	fpu_capture(&now);
	fpu_pattern(UPROG_FPU_DIRTY_SEED, fi.avx, &other);
	if (now.mxcsr != FPU_MXCSR_DEFAULT)
		return FAILED(1);
	if (now.fcw != FPU_FCW_DEFAULT)
		return FAILED(2);
	if (fpu_x87_tags() != 0xFFFF)
		return FAILED(3);
	if (fpu_regs_share_xmm(&now, &other))
		return FAILED(4);
	for (unsigned i = 0; fi.avx && i < 16; i++)
		for (unsigned b = 16; b < 32; b++)
			if (now.ymm[i][b])
				return FAILED(5);
	return 0;
}

static int fault(unsigned kind)
{
	static const double zero = 0;
	static const int izero = 0;
	uint16_t fsw;

	if (kind == 0) {
		fpu_set_mxcsr(FPU_MXCSR_DEFAULT & ~(1u << 9));	/* ZM: divide-by-zero */
		__asm__ volatile("mov $1, %%eax; cvtsi2sd %%eax, %%xmm0; divsd %0, %%xmm0"
				 : : "m"(zero) : "eax", "xmm0");
		return fpu_get_mxcsr() & (1u << 2) ? 2 : 1;	/* ZE: it divided, no #XM */
	}
	fpu_set_fcw(FPU_FCW_DEFAULT & ~(1u << 2));	/* ZM */
	/* 1 / 0 (a memory divisor: GAS swaps the register forms' operands).
	 * The error is pending until the next waiting x87 instruction, the
	 * fwait, which raises #MF. */
	__asm__ volatile("fld1; fidivl %1; fwait; fnstsw %0; fstp %%st(0)"
			 : "=m"(fsw) : "m"(izero));
	return fsw & (1u << 2) ? 2 : 1;
}

/* UPROG_FPU_SPANS: two spans on `core`, and this dispatcher, each holding
 * a pattern of its own. */
#define SPAN_STACK	8192
static _Alignas(16) uint8_t stacks[2][SPAN_STACK];

static int span_hold(uint64_t seed)
{
	return hold((unsigned)seed);
}

static int spans(unsigned core)
{
	unsigned id[2];
	int status[2], mine;
	bool faulted;
	err_t err;

	for (unsigned k = 0; k < 2; k++)
		if (mon_span(core, span_hold, 11 + k, stacks[k], SPAN_STACK, &id[k]))
			return 1000 + (int)k;
	mine = hold(13);
	for (unsigned k = 0; k < 2; k++) {
		while ((err = mon_span_wait(id[k], &status[k], &faulted)) == ERR_WOULD_BLOCK)
			sys_yield();
		if (err || faulted)
			return 2000 + (int)k;
	}
	for (unsigned k = 0; k < 2; k++)
		if (status[k])
			return 100 * (int)(k + 1) + status[k];
	return mine ? 300 + mine : 0;
}

/* Keeps xmm0 in use between yields: under fpu=lazy every switch to it
 * then traps once. */
static void __attribute__((noreturn)) yield_using(void)
{
	for (;;) {
		__asm__ volatile("addsd %%xmm0, %%xmm0" : : : "xmm0");
		sys_yield();
	}
}

int fpu_main(unsigned mode, unsigned param)
{
	switch (mode) {
	case UPROG_FPU_HOLD:
		return hold(param);
	case UPROG_FPU_DIRTY:
		return dirty();
	case UPROG_FPU_CLEAN:
		return clean();
	case UPROG_FPU_FAULT:
		return fault(param);
	case UPROG_FPU_SPANS:
		return spans(param);
	case UPROG_FPU_YIELD:
		yield_using();
	}
	return 100;
}
