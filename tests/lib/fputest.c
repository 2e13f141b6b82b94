/*
 * Register values for the x87/SSE/AVX tests (flotilla/fputest.h); the
 * loads and stores are in fpuhold.S.
 */
#include <stddef.h>
#include <string.h>
#include <flotilla/fputest.h>
#include <kpi/syscalls.h>

_Static_assert(SYS_YIELD == 1, "fpuhold.S knows it");
_Static_assert(offsetof(struct fpu_regs, st) == 512 && offsetof(struct fpu_regs, mxcsr) == 640 &&
	       offsetof(struct fpu_regs, fcw) == 644 && offsetof(struct fpu_regs, avx) == 648,
	       "fpuhold.S knows the layout");

void fpu_pattern(unsigned seed, bool avx, struct fpu_regs *r)
{
	memset(r, 0, sizeof(*r));
	/* 37 is odd, so two seeds below 256 differ in every byte. */
	for (unsigned i = 0; i < 16; i++)
		for (unsigned b = 0; b < 32; b++)
			r->ymm[i][b] = (uint8_t)(seed * 37 + i * 32 + b);
	for (unsigned j = 0; j < 8; j++) {
		/* A normal extended number: integer bit set, biased exponent. */
		uint64_t mant = 1ull << 63 | (uint64_t)(seed & 0xFFFF) << 40 | (uint64_t)j << 32 |
				0x1234567u;
		uint16_t exp = (uint16_t)(0x3FFF + (seed & 0xFF) + j);
		memcpy(r->st[j], &mant, 8);
		memcpy(r->st[j] + 8, &exp, 2);
	}
	/* Every exception masked; rounding (and x87 precision) from the seed. */
	r->mxcsr = 0x1F80u | (seed & 3) << 13;
	r->fcw = (uint16_t)(0x7F | ((seed & 1) ? 0x200 : 0x300) | ((seed + 1) & 3) << 10);
	r->avx = avx;
}

unsigned fpu_regs_differ(const struct fpu_regs *want, const struct fpu_regs *got)
{
	size_t n = want->avx ? 32 : 16;

	for (unsigned i = 0; i < 16; i++)
		if (memcmp(want->ymm[i], got->ymm[i], n))
			return 1 + i;
	for (unsigned j = 0; j < 8; j++)
		if (memcmp(want->st[j], got->st[j], 10))
			return 17 + j;
	if (want->mxcsr != got->mxcsr)
		return 25;
	if (want->fcw != got->fcw)
		return 26;
	return 0;
}

unsigned fpu_regs_share_xmm(const struct fpu_regs *a, const struct fpu_regs *b)
{
	for (unsigned i = 0; i < 16; i++)
		if (!memcmp(a->ymm[i], b->ymm[i], 16))
			return 1 + i;
	return 0;
}

double fpu_harmonic(unsigned n)
{
	double s = 0;

	for (unsigned k = 1; k <= n; k++)
		s += 1.0 / k;
	return s;
}

long double fpu_harmonic_x87(unsigned n)
{
	long double s = 0;

	for (unsigned k = 1; k <= n; k++)
		s += 1.0L / k;
	return s;
}
