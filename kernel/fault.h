#ifndef KERNEL_FAULT_H
#define KERNEL_FAULT_H

#include <stdint.h>

struct trap_frame;
struct dcb;

/* The current dispatcher took exception `f` (cr2: faulting address for a
 * page fault). It becomes a message to its exception endpoint; without
 * one, the kernel reports it and stops that dispatcher. It never stops
 * the core. */
void user_fault(struct trap_frame *f, uint64_t addr) __attribute__((noreturn));

/* `d` faulted (d->fault_w0, d->fault_addr, its saved registers) and no
 * one will handle it, for the reason `why`: report it and stop it. */
void fault_unhandled(struct dcb *d, const char *why);

#endif
