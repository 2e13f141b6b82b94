/*
 * Holding known values in every x87/SSE/AVX register, for the tests
 * (flotilla/fputest.h). No compiled code runs between the load and the
 * store: only the spin loops, system calls and preemption, which must all
 * leave the registers alone.
 */
#define SYS_YIELD	1	/* kpi/syscalls.h (an enum; fputest.c checks) */

/* struct fpu_regs */
#define O_YMM	0
#define O_ST	512
#define O_MXCSR	640
#define O_FCW	644
#define O_AVX	648

/* Loads ymm0..15 (xmm0..15 without avx), st(7)..st(0), MXCSR and the
 * control word from (\r). */
.macro LOAD_ALL r
	ldmxcsr	O_MXCSR(\r)
	fldcw	O_FCW(\r)
	cmpl	$0, O_AVX(\r)
	je	81f
	.irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	vmovdqu	O_YMM+\i*32(\r), %ymm\i
	.endr
	jmp	82f
81:
	.irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	movdqu	O_YMM+\i*32(\r), %xmm\i
	.endr
82:
	.irp i,0,1,2,3,4,5,6,7
	fldt	O_ST+\i*16(\r)
	.endr
.endm

/* The reverse, into (\r), whose O_AVX says how much of ymm to store;
 * pops the x87 stack empty again. */
.macro STORE_ALL r
	stmxcsr	O_MXCSR(\r)
	fnstcw	O_FCW(\r)
	cmpl	$0, O_AVX(\r)
	je	83f
	.irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	vmovdqu	%ymm\i, O_YMM+\i*32(\r)
	.endr
	jmp	84f
83:
	.irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	movdqu	%xmm\i, O_YMM+\i*32(\r)
	.endr
84:
	.irp i,7,6,5,4,3,2,1,0
	fstpt	O_ST+\i*16(\r)
	.endr
.endm

/* fpu_hold_yielding(in, out, rounds, spin) */
	.text
	.global fpu_hold_yielding
fpu_hold_yielding:
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	mov	%rsi, %r12
	mov	%rdx, %r13
	mov	%rcx, %r14
	mov	O_AVX(%rdi), %eax
	mov	%eax, O_AVX(%r12)
	LOAD_ALL %rdi
1:	test	%r13, %r13
	jz	4f
	mov	%r14, %rbx
2:	test	%rbx, %rbx		/* the timer may preempt us here */
	jz	3f
	dec	%rbx
	jmp	2b
3:	mov	$SYS_YIELD, %eax
	syscall				/* clobbers rax, rcx, rdx, r11 */
	dec	%r13
	jmp	1b
4:	STORE_ALL %r12
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	ret

/* fpu_hold_watching(in, out, mine, theirs, limit): iterations left */
	.global fpu_hold_watching
fpu_hold_watching:
	mov	O_AVX(%rdi), %eax
	mov	%eax, O_AVX(%rsi)
	LOAD_ALL %rdi
	mov	(%rcx), %r9
1:	incq	(%rdx)
	cmp	(%rcx), %r9
	jne	2f			/* the other thread ran: we were preempted */
	dec	%r8
	jnz	1b
2:	STORE_ALL %rsi
	mov	%r8, %rax
	ret

/* fpu_hold_forever(in): loads `in`, then yields forever. */
	.global fpu_hold_forever
fpu_hold_forever:
	LOAD_ALL %rdi
1:	mov	$SYS_YIELD, %eax
	syscall
	jmp	1b

/* fpu_capture(out): ymm (or xmm), MXCSR and the control word as they are. */
	.global fpu_capture
fpu_capture:
	stmxcsr	O_MXCSR(%rdi)
	fnstcw	O_FCW(%rdi)
	cmpl	$0, O_AVX(%rdi)
	je	1f
	.irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	vmovdqu	%ymm\i, O_YMM+\i*32(%rdi)
	.endr
	ret
1:
	.irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	movdqu	%xmm\i, O_YMM+\i*32(%rdi)
	.endr
	ret

/* fpu_x87_tags(): the x87 tag word (0xFFFF: every register empty). */
	.global fpu_x87_tags
fpu_x87_tags:
	sub	$32, %rsp
	fnstenv	(%rsp)			/* also masks every x87 exception: */
	fldenv	(%rsp)			/* put the environment back */
	movzwl	8(%rsp), %eax
	add	$32, %rsp
	ret
