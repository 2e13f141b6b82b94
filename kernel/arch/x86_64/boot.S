/*
 * The bootstrap core's first instructions. A Multiboot or Multiboot2
 * loader enters _start32 in 32-bit protected mode with paging off (eax =
 * the loader's magic, which says which of the two it is, ebx = physical
 * address of the boot information). QEMU's -kernel speaks only Multiboot
 * (version 1); GRUB's `multiboot2` command, which make iso uses, speaks
 * Multiboot2, the only one that carries the ACPI RSDP and the EFI memory
 * map of a UEFI machine (docs/boot.md). We record the TSC (the boot
 * clock's zero), check the CPU can do long mode, build the boot page tables
 * (the first 4 GiB identity-mapped and at the direct map, the kernel image
 * at -2 GiB), enable long mode and jump to kmain() in the higher half.
 *
 * The boot page tables and boot stack are boot hand-off data: the bootstrap
 * core uses them until it switches to its own tables and stack, and the
 * other cores use the tables only while they start (trampoline.S).
 */
#include "kernel/arch/x86_64/layout.h"

#define MB_MAGIC	0x1BADB002
#define MB_FLAGS	((1 << 0) | (1 << 1) | (1 << 16))	/* align mods, mem info, a.out kludge */

	.section .multiboot, "a"
	.align 4
mb_header:
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)
	.long mb_header			/* header_addr (physical: .boot is identity) */
	.long __kernel_phys_start	/* load_addr */
	.long __load_end_phys		/* load_end_addr */
	.long __bss_end_phys		/* bss_end_addr */
	.long _start32			/* entry_addr */

/*
 * The Multiboot2 header (the Multiboot2 specification, "Header tags"):
 * the same load addresses as above (the address tag), the entry point,
 * and an optional framebuffer request. Asking for a framebuffer tells
 * GRUB that the kernel accepts a linear framebuffer console, so under
 * UEFI, where there is no VGA text mode, GRUB sets a graphics mode and
 * passes it on instead of warning "no console will be available to OS".
 * Optional (flags bit 0): a machine without one still boots.
 */
#define MB2_MAGIC	0xE85250D6
#define MB2_ARCH_I386	0		/* 32-bit protected mode entry */
#define MB2_LENGTH	(mb2_header_end - mb2_header)
	.align 8
mb2_header:
	.long MB2_MAGIC
	.long MB2_ARCH_I386
	.long MB2_LENGTH
	.long -(MB2_MAGIC + MB2_ARCH_I386 + MB2_LENGTH)
	.align 8
	.short 2, 0			/* address tag */
	.long 24
	.long mb2_header		/* header_addr */
	.long __kernel_phys_start	/* load_addr */
	.long __load_end_phys		/* load_end_addr */
	.long __bss_end_phys		/* bss_end_addr */
	.align 8
	.short 3, 0			/* entry address tag */
	.long 12
	.long _start32
	.align 8
	.short 5, 1			/* framebuffer tag, optional */
	.long 20
	.long 0, 0, 0			/* width, height, depth: no preference */
	.align 8
	.short 0, 0			/* end tag */
	.long 8
mb2_header_end:

	.section .boot.text, "ax"
	.code32
	.global _start32
_start32:
	mov	%eax, %edi			/* loader's magic -> kmain arg 1 */
	rdtsc
	mov	%eax, PHYS(boot_tsc)
	mov	%edx, PHYS(boot_tsc) + 4
	mov	%ebx, %esi			/* boot info (physical) -> kmain arg 2 */
	mov	$PHYS(boot_stack_top), %esp

	/* Long mode needs CPUID leaf 0x80000001 EDX bit 29. */
	mov	$0x80000000, %eax
	cpuid
	cmp	$0x80000001, %eax
	jb	no_long_mode
	mov	$0x80000001, %eax
	cpuid
	test	$(1 << 29), %edx
	jz	no_long_mode

	/* PML4[0] and PML4[256] -> pdpt_low (4 GiB of 2 MiB pages);
	 * PML4[511] -> pdpt_high, whose entry 510 maps -2 GiB to physical 0. */
	mov	$PHYS(boot_pdpt_low) + 3, %eax
	mov	%eax, PHYS(boot_pml4)
	mov	%eax, PHYS(boot_pml4) + 256 * 8
	mov	$PHYS(boot_pdpt_high) + 3, %eax
	mov	%eax, PHYS(boot_pml4) + 511 * 8
	mov	$PHYS(boot_pd) + 3, %eax
	mov	%eax, PHYS(boot_pdpt_high) + 510 * 8
	xor	%ecx, %ecx
1:	mov	%ecx, %eax			/* pdpt_low[i] = pd + i * 4096 */
	shl	$12, %eax
	add	$PHYS(boot_pd) + 3, %eax
	mov	%eax, PHYS(boot_pdpt_low)(, %ecx, 8)
	inc	%ecx
	cmp	$4, %ecx
	jb	1b
	xor	%ecx, %ecx
2:	mov	%ecx, %eax			/* pd[i] = i * 2 MiB, present|rw|large */
	shl	$21, %eax
	or	$0x83, %eax
	mov	%eax, PHYS(boot_pd)(, %ecx, 8)
	mov	%ecx, %eax
	shr	$11, %eax			/* high dword: bits 32+ of i * 2 MiB */
	mov	%eax, PHYS(boot_pd) + 4(, %ecx, 8)
	inc	%ecx
	cmp	$2048, %ecx
	jb	2b

	mov	%cr4, %eax
	or	$(1 << 5), %eax			/* PAE */
	mov	%eax, %cr4
	mov	$PHYS(boot_pml4), %eax
	mov	%eax, %cr3
	mov	$0xC0000080, %ecx		/* EFER.LME */
	rdmsr
	or	$(1 << 8), %eax
	wrmsr
	mov	%cr0, %eax
	or	$((1 << 31) | (1 << 16) | 1), %eax	/* PG, WP, PE */
	mov	%eax, %cr0
	lgdt	boot_gdt_ptr
	ljmp	$0x08, $long_mode_low

no_long_mode:
	mov	$no_lm_msg, %ebx
3:	movb	(%ebx), %al
	test	%al, %al
	jz	4f
	mov	$0x3F8, %dx
	outb	%al, %dx
	inc	%ebx
	jmp	3b
4:	cli
	hlt
	jmp	4b

	.code64
long_mode_low:
	mov	$0x10, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	xor	%eax, %eax
	mov	%eax, %fs
	mov	%eax, %gs
	movabs	$boot_higher_half, %rax
	jmp	*%rax

	.section .boot.data, "a"
	.align 16
	.global boot_gdt
boot_gdt:
	.quad	0
	.quad	0x00AF9A000000FFFF		/* 0x08: 64-bit code */
	.quad	0x00CF92000000FFFF		/* 0x10: data */
boot_gdt_end:
	.global boot_gdt_ptr
boot_gdt_ptr:
	.word	boot_gdt_end - boot_gdt - 1
	.long	boot_gdt
no_lm_msg:
	.asciz	"Flotilla: this CPU cannot run 64-bit code (no long mode); halting.\r\n"

	.text
boot_higher_half:
	movabs	$boot_stack_top, %rsp
	xor	%ebp, %ebp
	/* edi = magic, esi = boot info physical address */
	call	kmain
5:	cli
	hlt
	jmp	5b

/* Boot hand-off data (see the file comment). */
	.section .shared.handoff, "aw"
	.align 4096
	.global boot_pml4, boot_pdpt_low, boot_pdpt_high, boot_pd
	.type boot_pml4, @object
	.size boot_pml4, 4096
boot_pml4:	.skip 4096
	.type boot_pdpt_low, @object
	.size boot_pdpt_low, 4096
boot_pdpt_low:	.skip 4096
	.type boot_pdpt_high, @object
	.size boot_pdpt_high, 4096
boot_pdpt_high:	.skip 4096
	.type boot_pd, @object
	.size boot_pd, 4 * 4096
boot_pd:	.skip 4 * 4096
	.type boot_stack, @object
	.size boot_stack, BOOT_STACK_SIZE
boot_stack:	.skip BOOT_STACK_SIZE
boot_stack_top:
	.global boot_tsc
	.type boot_tsc, @object
	.size boot_tsc, 8
boot_tsc:	.quad 0
