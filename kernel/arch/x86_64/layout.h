/*
 * The x86-64 virtual address layout, shared by C and assembly.
 *
 *   0x0000_0000_0000_0000 .. 0x0000_7fff_ffff_ffff  user space (kpi/syscalls.h: USER_MIN..USER_TOP)
 *   0xffff_8000_0000_0000 ..                        direct map of physical memory
 *   0xffff_ffff_8000_0000 ..                        kernel image (-2 GiB)
 *   0xffff_ffff_c000_0000 ..                        device window (local APIC; then
 *                                                   paging.c's write window; the HPET;
 *                                                   at +16 MiB the framebuffer)
 */
#ifndef ARCH_LAYOUT_H
#define ARCH_LAYOUT_H

#define KERNEL_VMA	0xFFFFFFFF80000000
#define PHYSMAP_BASE	0xFFFF800000000000
#define DEVICE_WINDOW	0xFFFFFFFFC0000000
#define LAPIC_VA	DEVICE_WINDOW
#define HPET_VA		(DEVICE_WINDOW + 2 * 0x1000)	/* the bootstrap core's only */
/* The boot loader's framebuffer, uncached, on every core (kernel/screen.c):
 * at most SCREEN_MAX_BYTES of it. */
#define SCREEN_VA	(DEVICE_WINDOW + 0x1000000)
#define SCREEN_MAX_BYTES 0x1000000

#define BOOT_STACK_SIZE	(16 * 1024)
#define KSTACK_SIZE	(16 * 1024)	/* each core's kernel stack */
#define IST_STACK_SIZE	(8 * 1024)	/* double fault / NMI stacks */

/* Offsets in struct core (kernel/core.h) that entry.S reads through GS. */
#define GS_USER_RSP	8
#define GS_KSTACK_TOP	16

/* The AP start-up trampoline is copied here (must be < 1 MiB, 4 KiB aligned). */
#define TRAMPOLINE_PA	0x8000

#ifdef __ASSEMBLER__
#define PHYS(sym)	((sym) - KERNEL_VMA)
#endif

#endif
