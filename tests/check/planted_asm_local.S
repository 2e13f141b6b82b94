/*
 * A deliberate violation of the multikernel invariant written in assembly
 * under a local label, which never reaches the symbol table: writable
 * data that every core would share. tools/check-shared.py must reject
 * build/flotilla-planted-asm-local.elf, a kernel linked with this file
 * and never booted.
 */
	.data
	.p2align 3
.Lplanted_hidden_counter:
	.quad 0

	.text
	.globl planted_asm_local_touch
planted_asm_local_touch:
	incq .Lplanted_hidden_counter(%rip)
	ret
