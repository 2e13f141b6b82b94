/*
 * A deliberate violation of the multikernel invariant written in assembly
 * under a zero-size label named like a linker marker ("__..."): writable
 * data that every core would share. tools/check-shared.py must reject
 * build/flotilla-planted-asm-marker.elf, a kernel linked with this file
 * and never booted.
 */
	.bss
	.p2align 3
	.globl __planted_scratch
__planted_scratch:
	.skip 16

	.text
	.globl planted_asm_marker_touch
planted_asm_marker_touch:
	incq __planted_scratch(%rip)
	ret
