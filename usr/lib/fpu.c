/*
 * What the kernel enabled of the x87/SSE/AVX state (flotilla/fpu.h): CPUID
 * leaf 1 says whether the kernel turned XSAVE on (OSXSAVE), XGETBV which
 * components, and leaf 0xD how big their area is.
 */
#include <flotilla/fpu.h>

#define CPUID1_ECX_OSXSAVE	(1u << 27)
#define XCR0_AVX		(1u << 2)

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

void fpu_info(struct fpu_info *out)
{
	uint32_t r[4], lo, hi;

	cpuid(1, 0, r);
	*out = (struct fpu_info){ .bytes = 512 };
	if (!(r[2] & CPUID1_ECX_OSXSAVE))
		return;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	cpuid(0xD, 0, r);	/* ebx: the size for the components XCR0 enables */
	out->xsave = true;
	out->xcr0 = lo | (uint64_t)hi << 32;
	out->avx = out->xcr0 & XCR0_AVX;
	out->bytes = r[1];
}
