/*
 * Interrupt and exception entry. Each of the 256 vectors has a stub that
 * makes the stack look the same (a dummy error code where the CPU pushes
 * none, then the vector number) and jumps to trap_common, which saves the
 * general registers as a struct trap_frame (trap.h) and calls
 * trap_dispatch(frame). Coming from user mode (CS RPL 3, later issues) it
 * swaps GS so the kernel's GS base (this core's struct core) is active.
 *
 * System calls enter at syscall_entry, which builds the same struct
 * trap_frame by hand (vector TRAP_SYSCALL), so a dispatcher's saved state
 * has one shape however it entered the kernel. Both leave through
 * frame_exit: sysretq when the frame came from a system call and returns
 * to a canonical user address, iretq otherwise.
 */
#include "kernel/arch/x86_64/layout.h"
#include "kernel/arch/x86_64/trap.h"


/* The general registers, in struct trap_frame's order (r15 lowest). */
.macro SAVE_GPRS
	pushq	%rax
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
.endm

.macro RESTORE_GPRS
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
.endm

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
1:	SAVE_GPRS
	cld
	mov	%rsp, %rdi
	mov	%rsp, %rbx		/* callee-saved: restores rsp after the call */
	and	$-16, %rsp
	call	trap_dispatch
	mov	%rbx, %rsp
frame_exit:
	cmpq	$TRAP_SYSCALL, 15*8(%rsp)
	je	sysret_exit
iret_exit:
	RESTORE_GPRS
	testb	$3, 24(%rsp)
	jz	2f
	swapgs
2:	add	$16, %rsp		/* vector, error code */
	iretq

/*
 * syscall: rcx = user rip, r11 = user rflags, interrupts masked by SFMASK,
 * still on the user stack with the user's GS.
 */
	.global syscall_entry
syscall_entry:
	swapgs
	mov	%rsp, %gs:GS_USER_RSP
	mov	%gs:GS_KSTACK_TOP, %rsp
	pushq	$USER_DS
	pushq	%gs:GS_USER_RSP
	pushq	%r11
	pushq	$USER_CS
	pushq	%rcx
	pushq	$0
	pushq	$TRAP_SYSCALL
	SAVE_GPRS
	cld
	mov	%rsp, %rdi
	call	syscall_dispatch	/* the stack is 16-byte aligned here */
	jmp	frame_exit

/*
 * sysretq loads rip from rcx and rflags from r11. A non-canonical rip would
 * fault in ring 0 on some processors, so such frames leave by iretq
 * (which faults, if at all, as the user's fault).
 */
sysret_exit:
	mov	17*8(%rsp), %rcx	/* rip */
	mov	%rcx, %r11
	sar	$47, %r11
	jnz	iret_exit		/* not in the lower canonical half */
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	add	$8, %rsp		/* r11: from the frame's rflags below */
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	add	$8, %rsp		/* rcx: the frame's rip below */
	popq	%rbx
	popq	%rax
	mov	16(%rsp), %rcx		/* rip (after vector, error) */
	mov	32(%rsp), %r11		/* rflags */
	mov	40(%rsp), %rsp		/* user rsp; nothing touches the stack after this */
	swapgs
	sysretq

/*
 * arch_resume(frame): leave the kernel into the saved user state `frame`
 * (in a dispatcher, not on the stack). The frame is copied to the top of
 * this core's kernel stack, where an entry from user mode would have put
 * it, and leaves through frame_exit. Whatever the kernel stack held is
 * abandoned: the kernel keeps no state on it between entries.
 */
	.global arch_resume
arch_resume:
	mov	%gs:GS_KSTACK_TOP, %rsp
	sub	$TRAP_FRAME_SIZE, %rsp
	mov	%rdi, %rsi
	mov	%rsp, %rdi
	mov	$TRAP_FRAME_SIZE/8, %ecx
	rep movsq
	jmp	frame_exit

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
