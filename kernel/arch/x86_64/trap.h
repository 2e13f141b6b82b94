/*
 * The register state saved on every interrupt and exception (entry.S), and
 * the vectors Flotilla uses.
 */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H

/* Selectors (cpu_init.c's GDT), with the requested privilege level. */
#define KERNEL_CS	0x08
#define KERNEL_DS	0x10
#define USER_DS		0x23
#define USER_CS		0x2B

/* The `vector` of a frame made by syscall_entry. */
#define TRAP_SYSCALL	256
#define TRAP_FRAME_SIZE	(22 * 8)

#ifndef __ASSEMBLER__
#include <stdint.h>
#include "kernel/arch/x86_64/arch_core.h"

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;	/* pushed by the CPU */
};

#define VEC_TIMER	32
#define VEC_DOORBELL	33	/* "look at your channels" IPI */
#define VEC_NOTIFY_BASE	40	/* user doorbells: 40 + slot (kernel/notify.c) */
#define VEC_SPURIOUS	255

_Static_assert(sizeof(struct trap_frame) == TRAP_FRAME_SIZE, "entry.S knows the size");

void trap_init_idt(struct arch_core *a);
const char *trap_name(uint64_t vector);
#endif

#endif
