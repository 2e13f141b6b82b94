/*
 * Boot tests of the x87/SSE/AVX set-up (kernel/arch/x86_64/fpu.c), on
 * every core, since each sets itself up: user code may use the
 * registers (control registers, XCR0 as chosen, the area size CPUID gives
 * within FPU_AREA_BYTES), and a save area goes through XRSTOR and XSAVE
 * (or FXRSTOR and FXSAVE) intact. No user dispatcher exists yet, so the
 * registers these tests load are nobody's.
 */
#include "lib/string.h"
#include "kernel/arch.h"
#include "kernel/core.h"
#include "tests/boot/ktest.h"
#include "kernel/arch/x86_64/cpu.h"

#define CR0_MP		(1ull << 1)
#define CR0_EM		(1ull << 2)
#define CR0_TS		(1ull << 3)
#define CR0_NE		(1ull << 5)
#define CR4_OSFXSR	(1ull << 9)
#define CR4_OSXMMEXCPT	(1ull << 10)
#define CR4_OSXSAVE	(1ull << 18)
#define AREA_MXCSR	24

TEST_EACH_CORE(fpu_usable_by_user_code_on_every_core, 1)
{
	struct core *c = this_core();
	uint64_t cr0, cr4;
	uint32_t a, b, ecx, d;

	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	if ((cr0 & (CR0_MP | CR0_NE | CR0_EM | CR0_TS)) != (CR0_MP | CR0_NE))
		FAIL("core %u: CR0 0x%llx: want MP and NE, not EM or TS", c->id,
		     (unsigned long long)cr0);
	if ((cr4 & (CR4_OSFXSR | CR4_OSXMMEXCPT)) != (CR4_OSFXSR | CR4_OSXMMEXCPT))
		FAIL("core %u: CR4 0x%llx: want OSFXSR and OSXMMEXCPT", c->id,
		     (unsigned long long)cr4);
	cpuid(1, 0, &a, &b, &ecx, &d);
	if (!(ecx & (1u << 26))) {	/* no XSAVE: FXSAVE's 512 bytes */
		if (c->arch.xcr0 || c->arch.fpu_bytes != 512)
			FAIL("core %u: no XSAVE, but XCR0 0x%llx and %u bytes", c->id,
			     (unsigned long long)c->arch.xcr0, c->arch.fpu_bytes);
		return;
	}
	uint32_t lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	uint64_t xcr0 = lo | (uint64_t)hi << 32;
	cpuid(0xD, 0, &a, &b, &ecx, &d);
	if (!(cr4 & CR4_OSXSAVE) || xcr0 != c->arch.xcr0 || (xcr0 & 3) != 3)
		FAIL("core %u: CR4 0x%llx, XCR0 0x%llx, chosen 0x%llx: want OSXSAVE, x87 and "
		     "SSE, and XCR0 as chosen", c->id, (unsigned long long)cr4,
		     (unsigned long long)xcr0, (unsigned long long)c->arch.xcr0);
	if (b != c->arch.fpu_bytes || b > FPU_AREA_BYTES)
		FAIL("core %u: CPUID says %u bytes for XCR0, the core %u, the dcb has %u",
		     c->id, b, c->arch.fpu_bytes, FPU_AREA_BYTES);
}

TEST_EACH_CORE(fpu_area_round_trips_on_every_core, 1)
{
	static const uint32_t modes[2] = { 0x1F80, 0x7FC0 };	/* default; to zero, FZ, DAZ */
	uint8_t in[FPU_AREA_BYTES] __attribute__((aligned(64)));
	uint8_t out[FPU_AREA_BYTES] __attribute__((aligned(64)));

	for (unsigned i = 0; i < 2; i++) {
		uint32_t got;
		uint16_t fcw;

		arch_fpu_init_area(in);
		memcpy(in + AREA_MXCSR, &modes[i], 4);
		memset(out, 0xA5, sizeof(out));
		memset(out + 512, 0, 64);	/* XSAVE leaves most of the header alone */
		arch_fpu_restore(in);
		arch_fpu_save(out);
		memcpy(&got, out + AREA_MXCSR, 4);
		memcpy(&fcw, out, 2);
		if (got != modes[i] || fcw != 0x37F) {
			test_fail("core %u: MXCSR 0x%x and control word 0x%x came back as 0x%x "
				  "and 0x%x", this_core()->id, modes[i], 0x37F, got, fcw);
			break;
		}
	}
	arch_fpu_init_area(in);
	arch_fpu_restore(in);		/* leave the default state */
}
