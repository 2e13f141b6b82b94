/*
 * Process entry. The creator set rsp to the top of the stack and rdi to
 * one argument (for monitors, the core number). main()'s return value
 * becomes the exit status.
 */
	.text
	.global _start
_start:
	xor	%ebp, %ebp
	and	$-16, %rsp
	call	libc_start
1:	ud2
	jmp	1b
