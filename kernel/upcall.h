/*
 * Upcalls into a dispatcher's user-level scheduler (kpi/dispatcher.h): the
 * kernel side of the dispatcher area.
 */
#ifndef KERNEL_UPCALL_H
#define KERNEL_UPCALL_H

#include <stdbool.h>
#include <kpi/caps.h>
#include "kernel/dispatch.h"

void regs_to_user(const struct trap_frame *f, struct disp_regs *r);
/* DISP_SET_UPCALL: `frame` holds the dispatcher's area from now on. */
err_t upcall_set(struct dcb *d, const struct cte *frame);
/* Its checks alone, changing nothing: a local, read-write Frame big
 * enough for struct disp_area. */
err_t upcall_check(const struct cte *frame);
/* d is preempted with registers f (timer or SYS_YIELD): if it is enabled,
 * they go to its area and it will be upcalled when it next runs. */
void upcall_preempted(struct dcb *d, const struct trap_frame *f);
/* d faulted with f: true if it is enabled with a fault entry, which it
 * will now enter (its registers and the fault are in its area). */
bool upcall_fault(struct dcb *d, const struct trap_frame *f, uint64_t addr);
/* Before d runs: enter the run upcall if one is due. False if the area's
 * entry or stack is not a user address (d is then stopped). */
bool upcall_prepare(struct dcb *d);

#endif
