/*
 * The x87, SSE and AVX registers of user programs (docs/userspace.md,
 * "Floating point and SSE").
 *
 * The kernel itself never touches them: it is built with -mno-sse
 * -mno-sse2 -mno-80387 -mno-mmx, and `make test` checks its code for any
 * instruction that names a vector or x87 register
 * (check/kernel_uses_no_vector_registers). So whatever they hold belongs to
 * the last user dispatcher that ran, and keeping one copy per dispatcher
 * (the `fpu` area of its dcb, kernel/dispatch.c says when) is all that
 * switching them takes.
 *
 * Each core sets itself up (arch_fpu_init_core): CR0.MP and NE (x87 errors
 * are #MF exceptions, not the legacy FERR# interrupt), not EM and not TS;
 * CR4.OSFXSR (SSE and FXSAVE) and OSXMMEXCPT (SIMD errors are #XM, not
 * #UD); and where the CPU has XSAVE, CR4.OSXSAVE and XCR0, the state
 * components that XSAVE saves and user code may use: x87 and SSE, AVX
 * where the CPU has it, and AVX-512 (opmask, ZMM_Hi256, Hi16_ZMM) where it
 * has that and its area still fits in FPU_AREA_BYTES. Nothing else (MPX,
 * PKRU, AMX, ...) is ever enabled: a program that tries gets #UD. Without
 * XSAVE (no x86-64 CPU lacks FXSAVE) the area is FXSAVE's 512 bytes.
 *
 * With `fpu=lazy` on the command line the kernel does not load a
 * dispatcher's registers when it runs it but sets CR0.TS, and loads them
 * on the #NM that the dispatcher's first x87/SSE/AVX instruction raises
 * (kernel/dispatch.c, sched_fpu_trap). That mode is there to be measured
 * against the default, eager one (docs/benchmarks.md).
 */
#include "lib/string.h"
#include "kernel/console.h"
#include "kernel/core.h"
#include "kernel/machine.h"
#include "kernel/arch/x86_64/cpu.h"

#define CR0_MP		(1ull << 1)
#define CR0_EM		(1ull << 2)
#define CR0_TS		(1ull << 3)
#define CR0_NE		(1ull << 5)
#define CR4_OSFXSR	(1ull << 9)
#define CR4_OSXMMEXCPT	(1ull << 10)
#define CR4_OSXSAVE	(1ull << 18)

#define XCR0_X87	(1ull << 0)
#define XCR0_SSE	(1ull << 1)
#define XCR0_AVX	(1ull << 2)
#define XCR0_AVX512	(7ull << 5)	/* opmask, ZMM_Hi256, Hi16_ZMM: all or none */

#define CPUID1_ECX_XSAVE	(1u << 26)
#define CPUID1_ECX_AVX		(1u << 28)
#define CPUID7_EBX_AVX512F	(1u << 16)

/* FXSAVE's legacy area: the x87 control word at 0, MXCSR at 24; XSAVE's
 * header (XSTATE_BV first) follows it at 512. */
#define AREA_FCW	0
#define AREA_MXCSR	24
#define AREA_LEGACY	512
#define AREA_HEADER	64

static inline uint64_t read_cr0(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline void write_cr0(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

static inline void xsetbv(uint32_t reg, uint64_t v)
{
	__asm__ volatile("xsetbv" : : "c"(reg), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

/* The bytes XSAVE's standard format needs for the components in `mask`:
 * the legacy area and the header, then each component at the offset
 * CPUID leaf 0xD gives it. */
static uint32_t xsave_bytes(uint64_t mask)
{
	uint32_t end = AREA_LEGACY + AREA_HEADER, a, b, c, d;

	for (unsigned i = 2; i < 63; i++) {
		if (!(mask >> i & 1))
			continue;
		cpuid(0xD, i, &a, &b, &c, &d);	/* a: size, b: offset */
		if (b + a > end)
			end = b + a;
	}
	return end;
}

/* XCR0 for this CPU: what it supports and user code may use, as long as
 * the area fits a dcb. */
static uint64_t choose_xcr0(void)
{
	uint32_t a, b, c, d, ecx1, ebx7 = 0;
	uint64_t supported, xcr0 = XCR0_X87 | XCR0_SSE;

	cpuid(1, 0, &a, &b, &ecx1, &d);
	cpuid(0, 0, &a, &b, &c, &d);
	if (a >= 7)
		cpuid(7, 0, &a, &ebx7, &c, &d);
	cpuid(0xD, 0, &a, &b, &c, &d);
	supported = a | (uint64_t)d << 32;
	if ((ecx1 & CPUID1_ECX_AVX) && (supported & XCR0_AVX) &&
	    xsave_bytes(xcr0 | XCR0_AVX) <= FPU_AREA_BYTES)
		xcr0 |= XCR0_AVX;
	if ((xcr0 & XCR0_AVX) && (ebx7 & CPUID7_EBX_AVX512F) &&
	    (supported & XCR0_AVX512) == XCR0_AVX512 &&
	    xsave_bytes(xcr0 | XCR0_AVX512) <= FPU_AREA_BYTES)
		xcr0 |= XCR0_AVX512;
	return xcr0;
}

void arch_fpu_init_core(struct core *c)
{
	struct arch_core *ac = &c->arch;
	uint32_t a, b, ecx1, d;
	char mode[8];

	write_cr0((read_cr0() | CR0_MP | CR0_NE) & ~(CR0_EM | CR0_TS));
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	cpuid(1, 0, &a, &b, &ecx1, &d);
	ac->xcr0 = 0;
	ac->fpu_bytes = 512;
	if (ecx1 & CPUID1_ECX_XSAVE) {
		uint64_t xcr0 = choose_xcr0();
		write_cr4(read_cr4() | CR4_OSXSAVE);
		xsetbv(0, xcr0);
		cpuid(0xD, 0, &a, &b, &ecx1, &d);	/* b: the size for XCR0 as set */
		if (b > FPU_AREA_BYTES) {
			/* Cannot be: the offsets above said it fits. Stay safe. */
			kprintf("core %u: fpu: XSAVE wants %u bytes for XCR0 0x%llx; using FXSAVE\n",
				c->id, b, (unsigned long long)xcr0);
			xsetbv(0, XCR0_X87 | XCR0_SSE);
		} else {
			ac->xcr0 = xcr0;
			ac->fpu_bytes = b;
		}
	}
	ac->fpu_lazy = false;
	if (cmdline_get("fpu", mode, sizeof(mode))) {
		if (!strcmp(mode, "lazy"))
			ac->fpu_lazy = true;
		else if (strcmp(mode, "eager") && c->id == 0)
			kprintf("cmdline: ignoring fpu=%s (want eager or lazy)\n", mode);
	}
	if (c->id == 0)
		kprintf("fpu: %s, XCR0 0x%llx (x87 SSE%s%s), %u-byte save area per dispatcher, %s switch\n",
			ac->xcr0 ? "XSAVE" : "FXSAVE", (unsigned long long)ac->xcr0,
			ac->xcr0 & XCR0_AVX ? " AVX" : "", ac->xcr0 & XCR0_AVX512 ? " AVX-512" : "",
			ac->fpu_bytes, ac->fpu_lazy ? "lazy (fpu=lazy)" : "eager");
}

void arch_fpu_init_area(void *area)
{
	uint8_t *p = area;
	uint16_t fcw = 0x37F;		/* every x87 exception masked, 64-bit precision */
	uint32_t mxcsr = 0x1F80;	/* every SIMD exception masked, round to nearest */

	/* Zero: XSAVE's header says every component is in its initial state,
	 * which XRSTOR loads as such, except MXCSR, which it takes from the
	 * legacy area whenever SSE or AVX is requested: so it must be right
	 * here. FXRSTOR takes both words from here. */
	memset(p, 0, FPU_AREA_BYTES);
	memcpy(p + AREA_FCW, &fcw, sizeof(fcw));
	memcpy(p + AREA_MXCSR, &mxcsr, sizeof(mxcsr));
}

void arch_fpu_save(void *area)
{
	uint64_t xcr0 = this_core()->arch.xcr0;

	if (xcr0)
		__asm__ volatile("xsave64 %0" : "=m"(*(uint8_t (*)[FPU_AREA_BYTES])area)
				 : "a"((uint32_t)xcr0), "d"((uint32_t)(xcr0 >> 32)) : "memory");
	else
		__asm__ volatile("fxsave64 %0" : "=m"(*(uint8_t (*)[FPU_AREA_BYTES])area) : : "memory");
}

void arch_fpu_restore(const void *area)
{
	uint64_t xcr0 = this_core()->arch.xcr0;

	if (xcr0)
		__asm__ volatile("xrstor64 %0" : : "m"(*(const uint8_t (*)[FPU_AREA_BYTES])area),
				 "a"((uint32_t)xcr0), "d"((uint32_t)(xcr0 >> 32)) : "memory");
	else
		__asm__ volatile("fxrstor64 %0" : : "m"(*(const uint8_t (*)[FPU_AREA_BYTES])area)
				 : "memory");
}

bool arch_fpu_lazy(void)
{
	return this_core()->arch.fpu_lazy;
}

void arch_fpu_trap_next(bool trap)
{
	uint64_t cr0 = read_cr0();

	if (trap && !(cr0 & CR0_TS))
		write_cr0(cr0 | CR0_TS);
	else if (!trap && (cr0 & CR0_TS))
		__asm__ volatile("clts" ::: "memory");
}
