/*
 * Boot test: every core's own local APIC timer interrupts it. Each core
 * halts until its tick counter has advanced, so a core whose timer is not
 * running fails (after a deadline) instead of passing by spinning.
 */
#include "kernel/core.h"
#include "tests/boot/ktest.h"

TEST_EACH_CORE(timer_ticks_on_every_core, 1)
{
	ktest_wait_ticks(5, 20);
}
