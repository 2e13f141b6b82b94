/*
 * The x87, SSE and AVX registers, seen from user space (docs/userspace.md,
 * "Floating point and SSE"). The kernel keeps them per dispatcher, and the
 * thread library (flotilla/thread.h) per thread; a new dispatcher starts
 * with the default state: registers zero, every exception masked (MXCSR
 * FPU_MXCSR_DEFAULT, x87 control word FPU_FCW_DEFAULT). An unmasked
 * exception that occurs is a fault of the process (#MF for x87, #XM for
 * SSE/AVX), reported like any other.
 */
#ifndef FLOTILLA_FPU_H
#define FLOTILLA_FPU_H

#include <stdbool.h>
#include <stdint.h>

#define FPU_MXCSR_DEFAULT	0x1F80u
#define FPU_MXCSR_FLAGS		0x003Fu	/* the exceptions that occurred (sticky) */
#define FPU_FCW_DEFAULT		0x037Fu

/* What this core's kernel enabled, read with CPUID (every core enables
 * the same on one machine). */
struct fpu_info {
	bool xsave;		/* areas are XSAVE's (else FXSAVE's 512 bytes) */
	bool avx;		/* the upper halves of ymm0..15 are usable */
	uint64_t xcr0;		/* the components XSAVE saves (0 without XSAVE) */
	uint32_t bytes;		/* the size of a save area; align it to 64 */
};
void fpu_info(struct fpu_info *out);

/* Each is a compiler barrier ("memory"): a volatile store of a result
 * computed in one mode cannot move past the change to another. */
static inline uint32_t fpu_get_mxcsr(void)
{
	uint32_t v;
	__asm__ volatile("stmxcsr %0" : "=m"(v) : : "memory");
	return v;
}

static inline void fpu_set_mxcsr(uint32_t v)
{
	__asm__ volatile("ldmxcsr %0" : : "m"(v) : "memory");
}

static inline uint16_t fpu_get_fcw(void)
{
	uint16_t v;
	__asm__ volatile("fnstcw %0" : "=m"(v) : : "memory");
	return v;
}

static inline void fpu_set_fcw(uint16_t v)
{
	__asm__ volatile("fldcw %0" : : "m"(v) : "memory");
}

#endif
