#ifndef ARCH_LAPIC_H
#define ARCH_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

struct core;

/* CPUID.1:ECX bit 21: this CPU offers x2APIC mode. */
bool lapic_cpu_has_x2apic(void);
/* Each core: enable its local APIC and start its periodic timer. */
void lapic_init_core(struct core *c);
void lapic_eoi(void);
/* The APIC timer as a stopwatch (masked, divide by 16, from the top),
 * its count now, and stopped; lapic_init_core() starts the tick after. */
void lapic_timer_free_run(void);
uint32_t lapic_timer_now(void);
void lapic_timer_stop(void);
/* The tick, at TIMER_HZ on one grid of global time for every core:
 * arms the one-shot timer for the next point and sets c->tick (lapic.c). */
void lapic_timer_tick(struct core *c);
/* This core's APIC id (32 bits in x2APIC mode, 8 in xAPIC mode). */
uint32_t lapic_id(void);
/* Sends an IPI; `icr_low` holds delivery mode and vector (the ICR's low
 * 32 bits, the same in both modes). */
void lapic_send_ipi(uint32_t apic_id, uint32_t icr_low);

#endif
