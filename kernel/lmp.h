/*
 * Same-core messages (LMP) between dispatchers on one core, through
 * Endpoint objects: the rendezvous, call/reply, and fault messages. The
 * register layout is include/kpi/lmp.h.
 */
#ifndef KERNEL_LMP_H
#define KERNEL_LMP_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/dispatch.h"

/* SYS_LMP_*: f is the caller's frame; never returns (the caller, or the
 * dispatcher it switched to, resumes). */
void lmp_syscall(struct trap_frame *f) __attribute__((noreturn));

/* Does the current dispatcher have an exception endpoint to fault to? */
bool lmp_has_fault_handler(const struct dcb *d);
/* Sends the current dispatcher's fault (its registers already saved) to
 * its exception endpoint and blocks it until the handler replies. */
void lmp_send_fault(uint64_t vector, uint64_t error, uint64_t addr) __attribute__((noreturn));
/* SYS_EXIT: stops the current dispatcher with `status` and, if it asked
 * for it (DISP_EXC_EXIT), queues its exit message on its exception
 * endpoint. */
void lmp_exit(int status) __attribute__((noreturn));

/* A notification of doorbells `bits` on endpoint ep (kernel/notify.c):
 * to a waiting receiver, or remembered for the next one. */
void lmp_notify(struct cte *ep, uint32_t bits);

/* lib/cap.c hook: the last capability to an Endpoint object went. */
void lmp_endpoint_destroyed(uint64_t pa);
/* `d` stopped or was destroyed: leave every queue and reply it is in. */
void lmp_dcb_gone(struct dcb *d);

#endif
