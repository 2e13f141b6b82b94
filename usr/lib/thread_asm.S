/*
 * Thread contexts (struct disp_regs, kpi/caps.h) and the upcall entries.
 *
 * thread_ctx_save(r, fpu): saves the callee-saved registers, the stack
 * pointer and the return address, and of the x87/SSE/AVX state what the
 * SysV ABI has a call keep: MXCSR and the x87 control word (fpu->full =
 * 0); returns 0 now and 1 when the context is resumed.
 *
 * thread_ctx_resume(r, &area->disabled, fpu): loads the thread's x87/SSE/
 * AVX state (all of it if fpu->full, from fpu->area; else the two control
 * words), still disabled; then switches to r's stack, enables the
 * dispatcher and restores every general register. From the store that
 * enables to the final ret, a preemption must not save this half-restored
 * state as a thread: that range, [thread_crit_lo, thread_crit_hi), is the
 * area's critical range, which the kernel treats as disabled.
 *
 * The run upcall is entered with the preempted thread's x87/SSE/AVX
 * registers still loaded (the kernel keeps them per dispatcher, not in
 * the area): it saves all of them in thread_upcall_fpu before any C code
 * can touch them, then gives the scheduler the default state. The fault
 * upcall only does the latter: the faulting thread ends.
 */
#define R_RAX	0
#define R_RBX	8
#define R_RCX	16
#define R_RDX	24
#define R_RSI	32
#define R_RDI	40
#define R_RBP	48
#define R_RSP	56
#define R_R8	64
#define R_R9	72
#define R_R10	80
#define R_R11	88
#define R_R12	96
#define R_R13	104
#define R_R14	112
#define R_R15	120
#define R_RIP	128
#define R_RFLAGS 136

/* struct thread_fpu (thread.c) */
#define F_FULL	0
#define F_MXCSR	4
#define F_FCW	8
#define F_AREA	16

/* Saves every enabled component at (%rdi): XSAVE with all bits requested
 * (XCR0 limits them), or FXSAVE. Clobbers rax, rdx. The first store, of
 * MXCSR into its own place in the area, takes the #NM of a kernel booted
 * with fpu=lazy, which XSAVE itself should take but does not under QEMU's
 * TCG (7.2): without it, XSAVE would save another dispatcher's registers. */
.macro FPU_SAVE_ALL
	stmxcsr	24(%rdi)
	cmpl	$0, thread_fpu_xsave(%rip)
	je	91f
	mov	$-1, %eax
	mov	$-1, %edx
	xsave64	(%rdi)
	jmp	92f
91:	fxsave64 (%rdi)
92:
.endm

/* The state a function may expect on entry: empty x87 stack, exceptions
 * masked, round to nearest (as a new dispatcher starts). */
.macro FPU_DEFAULT
	fninit
	ldmxcsr	mxcsr_default(%rip)
.endm

	.text
	.global thread_ctx_save
thread_ctx_save:
	mov	%rbx, R_RBX(%rdi)
	mov	%rbp, R_RBP(%rdi)
	mov	%r12, R_R12(%rdi)
	mov	%r13, R_R13(%rdi)
	mov	%r14, R_R14(%rdi)
	mov	%r15, R_R15(%rdi)
	lea	8(%rsp), %rax
	mov	%rax, R_RSP(%rdi)
	mov	(%rsp), %rax
	mov	%rax, R_RIP(%rdi)
	pushfq
	pop	%rax
	mov	%rax, R_RFLAGS(%rdi)
	movq	$1, R_RAX(%rdi)
	stmxcsr	F_MXCSR(%rsi)
	fnstcw	F_FCW(%rsi)
	movl	$0, F_FULL(%rsi)
	xor	%eax, %eax
	ret

	.global thread_ctx_resume
thread_ctx_resume:
	cmpl	$0, F_FULL(%rdx)
	jne	1f
	fnclex				/* another thread's x87 flags must not fault here */
	fldcw	F_FCW(%rdx)
	ldmxcsr	F_MXCSR(%rdx)
	jmp	3f
1:	mov	F_AREA(%rdx), %rcx
	ldmxcsr	24(%rcx)		/* the #NM XRSTOR misses (FPU_SAVE_ALL) */
	cmpl	$0, thread_fpu_xsave(%rip)
	je	2f
	mov	$-1, %eax
	mov	$-1, %edx
	xrstor64 (%rcx)
	jmp	3f
2:	fxrstor64 (%rcx)
3:	mov	R_RSP(%rdi), %rax
	sub	$16, %rax		/* below its rsp: rflags, then rip (no red zone) */
	mov	R_RIP(%rdi), %rcx
	mov	%rcx, 8(%rax)
	mov	R_RFLAGS(%rdi), %rcx
	mov	%rcx, (%rax)
	mov	%rax, %rsp
	.global thread_crit_lo
thread_crit_lo:
	movl	$0, (%rsi)		/* enabled */
	mov	R_RAX(%rdi), %rax
	mov	R_RBX(%rdi), %rbx
	mov	R_RCX(%rdi), %rcx
	mov	R_RDX(%rdi), %rdx
	mov	R_RSI(%rdi), %rsi
	mov	R_RBP(%rdi), %rbp
	mov	R_R8(%rdi), %r8
	mov	R_R9(%rdi), %r9
	mov	R_R10(%rdi), %r10
	mov	R_R11(%rdi), %r11
	mov	R_R12(%rdi), %r12
	mov	R_R13(%rdi), %r13
	mov	R_R14(%rdi), %r14
	mov	R_R15(%rdi), %r15
	mov	R_RDI(%rdi), %rdi
	popfq
	ret
	.global thread_crit_hi
thread_crit_hi:

/* Upcalls: the kernel enters these disabled, on the area's upcall stack. */
	.global thread_run_upcall
thread_run_upcall:
	and	$-16, %rsp
	mov	thread_upcall_fpu(%rip), %rdi
	FPU_SAVE_ALL
	FPU_DEFAULT
	call	thread_upcall_run
	ud2

	.global thread_fault_upcall
thread_fault_upcall:
	and	$-16, %rsp
	FPU_DEFAULT			/* an unmasked exception may be what faulted */
	call	thread_upcall_fault
	ud2

	.section .rodata
	.align	4
mxcsr_default:
	.long	0x1F80
