/*
 * Thread contexts (struct disp_regs, kpi/caps.h) and the upcall entries.
 *
 * thread_ctx_save(r): saves the callee-saved registers, the stack pointer
 * and the return address; returns 0 now and 1 when the context is resumed.
 *
 * thread_ctx_resume(r, &area->disabled): switches to r's stack, enables
 * the dispatcher and restores every register. From the store that enables
 * to the final ret, a preemption must not save this half-restored state as
 * a thread: that range, [thread_crit_lo, thread_crit_hi), is the area's
 * critical range, which the kernel treats as disabled.
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
	xor	%eax, %eax
	ret

	.global thread_ctx_resume
thread_ctx_resume:
	mov	R_RSP(%rdi), %rax
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
	call	thread_upcall_run
	ud2

	.global thread_fault_upcall
thread_fault_upcall:
	and	$-16, %rsp
	call	thread_upcall_fault
	ud2
