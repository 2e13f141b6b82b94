#ifndef KERNEL_FAULT_H
#define KERNEL_FAULT_H

#include <stdint.h>

struct trap_frame;

/* The current dispatcher took exception `f` (cr2: faulting address for a
 * page fault). The kernel reports it and stops that dispatcher; it never
 * stops the core. */
void user_fault(struct trap_frame *f, uint64_t addr) __attribute__((noreturn));

#endif
