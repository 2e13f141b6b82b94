#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H

#include <stdint.h>

#include <kpi/errors.h>

/* Bootstrap core: starts (or restarts, after a fault) core `id` and
 * attaches its boot channel. */
err_t smp_start_core(unsigned id);

/* A newly started core announces itself and its boot channel. */
void smp_check_in(unsigned id, uint64_t chan_pa);

#endif
