/*
 * Application-processor start-up code. smp.c copies it to TRAMPOLINE_PA
 * (below 1 MiB) and sends INIT-SIPI-SIPI; the core starts here in 16-bit
 * real mode at CS:IP = TRAMPOLINE_PA>>4 : 0 and climbs to long mode on the
 * boot page tables, then jumps to the kernel's ap_entry(core_id) on a small
 * stack inside the trampoline page. Cores start one at a time, so one stack
 * and one hand-off block suffice.
 *
 * The hand-off block at the end of the page (struct tramp_handoff in smp.c)
 * is filled in by the bootstrap core before each start.
 */
#include "kernel/arch/x86_64/layout.h"

#define ABS(x)		(TRAMPOLINE_PA + ((x) - tramp_start))
#define HANDOFF		(TRAMPOLINE_PA + 0xF00)

	.section .rodata
	.global tramp_start, tramp_end
	.code16
tramp_start:
	cli
	cld
	xor	%ax, %ax
	mov	%ax, %ds
	lgdtl	ABS(tramp_gdt_ptr)
	mov	%cr0, %eax
	or	$1, %eax
	mov	%eax, %cr0
	ljmpl	$0x08, $ABS(tramp32)

	.code32
tramp32:
	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	%cr4, %eax
	or	$(1 << 5), %eax			/* PAE */
	mov	%eax, %cr4
	mov	HANDOFF + 0, %eax		/* boot page tables */
	mov	%eax, %cr3
	mov	$0xC0000080, %ecx		/* EFER.LME */
	rdmsr
	or	$(1 << 8), %eax
	wrmsr
	mov	%cr0, %eax
	or	$((1 << 31) | (1 << 16)), %eax	/* PG, WP */
	mov	%eax, %cr0
	ljmp	$0x18, $ABS(tramp64)

	.code64
tramp64:
	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	HANDOFF + 8, %rsp		/* stack */
	mov	HANDOFF + 24, %edi		/* core id */
	mov	HANDOFF + 16, %rax		/* entry */
	xor	%ebp, %ebp
	jmp	*%rax

	.align 16
tramp_gdt:
	.quad	0
	.quad	0x00CF9A000000FFFF		/* 0x08: 32-bit code */
	.quad	0x00CF92000000FFFF		/* 0x10: data */
	.quad	0x00AF9A000000FFFF		/* 0x18: 64-bit code */
tramp_gdt_ptr:
	.word	tramp_gdt_ptr - tramp_gdt - 1
	.long	ABS(tramp_gdt)
tramp_end:
