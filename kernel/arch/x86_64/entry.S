/*
 * Interrupt and exception entry. Each of the 256 vectors has a stub that
 * makes the stack look the same (a dummy error code where the CPU pushes
 * none, then the vector number) and jumps to trap_common, which saves the
 * general registers as a struct trap_frame (trap.h) and calls
 * trap_dispatch(frame). Coming from user mode (CS RPL 3, later issues) it
 * swaps GS so the kernel's GS base (this core's struct core) is active.
 */
	.text

.macro VECTOR n
	.align 16
vector_\n:
	.if (\n == 8 || (\n >= 10 && \n <= 14) || \n == 17 || \n == 21 || \n == 29 || \n == 30)
	.else
	pushq	$0
	.endif
	pushq	$\n
	jmp	trap_common
.endm

	.altmacro
	.set i, 0
	.rept 256
	VECTOR %i
	.set i, i + 1
	.endr

trap_common:
	testb	$3, 24(%rsp)		/* frame: vector, error, rip, cs */
	jz	1f
	swapgs
1:	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	cld
	mov	%rsp, %rdi
	mov	%rsp, %rbx		/* callee-saved: restores rsp after the call */
	and	$-16, %rsp
	call	trap_dispatch
	mov	%rbx, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	testb	$3, 24(%rsp)
	jz	2f
	swapgs
2:	add	$16, %rsp		/* vector, error code */
	iretq

/* The stubs' addresses, for building each core's IDT. */
.macro VECADDR n
	.quad vector_\n
.endm
	.section .rodata
	.align 8
	.global trap_vectors
trap_vectors:
	.set i, 0
	.rept 256
	VECADDR %i
	.set i, i + 1
	.endr

/* arch_switch_stack(top, fn): run fn on a fresh stack; fn never returns. */
	.text
	.global arch_switch_stack
arch_switch_stack:
	mov	%rdi, %rsp
	xor	%ebp, %ebp
	call	*%rsi
3:	cli
	hlt
	jmp	3b
