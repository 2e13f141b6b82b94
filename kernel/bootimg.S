/*
 * The boot image (user programs, packed by tools/mkbootimg.py) inside the
 * kernel: page-aligned, so each file inside it, itself page-aligned, can
 * be handed to user space as frames. kernel/boot_user.c reads it.
 */
	.section .bootimg, "a"
	.balign 4096
	.global __bootimg_start, __bootimg_end
__bootimg_start:
	.incbin BOOTIMG_PATH
__bootimg_end:
