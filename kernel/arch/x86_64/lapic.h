#ifndef ARCH_LAPIC_H
#define ARCH_LAPIC_H

#include <stdint.h>

struct core;

/* Bootstrap core, once: PIC masked, TSC and APIC timer rates measured. */
void lapic_calibrate(void);
/* Each core: enable its local APIC and start its periodic timer. */
void lapic_init_core(struct core *c);
void lapic_eoi(void);
uint32_t lapic_id(void);
/* Sends an IPI; `icr_low` holds delivery mode and vector. */
void lapic_send_ipi(uint32_t apic_id, uint32_t icr_low);

#endif
