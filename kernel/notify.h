/*
 * Doorbells (kernel/notify.c): the one way a core's user space is woken by
 * another core. See kpi/lmp.h (LMP_KIND_NOTIFY) and docs/userspace.md.
 */
#ifndef KERNEL_NOTIFY_H
#define KERNEL_NOTIFY_H

#include <stdint.h>
#include <kpi/errors.h>
#include "lib/cap.h"

/* DOORBELL_BIND: doorbell `slot` of this core notifies endpoint ep. */
err_t notify_bind(struct cte *ep, uint64_t slot);
/* DOORBELL_RING: rings doorbell `slot` of `core`. */
err_t notify_ring(uint64_t core, uint64_t slot);
/* The doorbell interrupt of `slot` arrived on this core. */
void notify_arrived(unsigned slot);

#endif
