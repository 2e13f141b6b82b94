#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H

#include <stdint.h>

/* A newly started core announces itself and its boot channel. */
void smp_check_in(unsigned id, uint64_t chan_pa);

#endif
