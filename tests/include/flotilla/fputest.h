/*
 * For the tests of x87/SSE/AVX registers (tests/monitor/fputest.c,
 * tests/user/uprog/fpu.c): a set of register values unique to a seed, held in
 * the registers while the holder is preempted or yields, then read back.
 */
#ifndef FLOTILLA_FPUTEST_H
#define FLOTILLA_FPUTEST_H

#include <stdbool.h>
#include <stdint.h>

struct fpu_regs {
	uint8_t ymm[16][32];	/* xmm0..15 in bytes 0..15, ymm's upper halves above */
	uint8_t st[8][16];	/* x87 st(7)..st(0) as loaded: 10-byte extended values */
	uint32_t mxcsr;		/* every exception masked; the rounding mode varies */
	uint16_t fcw;		/* likewise */
	uint32_t avx;		/* 1: hold the upper halves of ymm too (fpu_info's avx) */
} __attribute__((aligned(32)));

/* Values for `seed`, different in every byte-lane from another seed's
 * (and normal extended numbers in st), rounding modes from the seed. */
void fpu_pattern(unsigned seed, bool avx, struct fpu_regs *r);
/* 0 if `got` holds what `want` does (the upper halves only with avx), else
 * 1 + the index of the first register that differs: 1..16 ymm, 17..24 st,
 * 25 MXCSR, 26 the x87 control word. */
unsigned fpu_regs_differ(const struct fpu_regs *want, const struct fpu_regs *got);
/* 1 + the first i for which xmm<i> is the same in `a` and `b`, or 0. */
unsigned fpu_regs_share_xmm(const struct fpu_regs *a, const struct fpu_regs *b);

/*
 * In assembly, so that no compiled code touches the registers in between:
 * load every register of `in`, hold them, store them all in `out`. MXCSR
 * and the control word stay as loaded: C code that follows computes in
 * `in`'s rounding modes. The x87 stack must be empty on entry (as the ABI
 * has it at every call) and is again on return.
 *
 * fpu_hold_yielding: `rounds` times, spin `spin` iterations, then SYS_YIELD.
 * fpu_hold_watching: add 1 to *mine in a loop until *theirs changes (so
 * another thread ran meanwhile), or `limit` iterations pass; returns the
 * iterations left (0: it gave up).
 */
void fpu_hold_yielding(const struct fpu_regs *in, struct fpu_regs *out, uint64_t rounds,
		       uint64_t spin);
uint64_t fpu_hold_watching(const struct fpu_regs *in, struct fpu_regs *out, volatile uint64_t *mine,
			   const volatile uint64_t *theirs, uint64_t limit);
/* Loads every register of `in`, then yields forever. */
void fpu_hold_forever(const struct fpu_regs *in) __attribute__((noreturn));
/* Stores ymm (xmm without out->avx), MXCSR and the control word as they
 * are now; st is left alone. */
void fpu_capture(struct fpu_regs *out);
/* The x87 tag word: 0xFFFF when every x87 register is empty. */
unsigned fpu_x87_tags(void);

/* A sum of 1/k, k = 1..n, in the current rounding mode: exact for a mode,
 * different between modes. */
double fpu_harmonic(unsigned n);
/* The same in long double: x87 code, in the x87 control word's modes. */
long double fpu_harmonic_x87(unsigned n);

#endif
