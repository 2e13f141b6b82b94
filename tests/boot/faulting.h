/*
 * For boot tests that make one core fault on purpose (fault_test.c,
 * memguard_test.c): the fault must stop only that core, be answered on its
 * boot channel, and the core must come back when restarted.
 */
#ifndef TESTS_BOOT_FAULTING_H
#define TESTS_BOOT_FAULTING_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/kchan.h"

/* The core the tests fault: the last one (0 if there is only one). */
unsigned faulting_victim(void);

/*
 * Asks core `victim` to fault in the way `kind` says (writing at `addr`
 * for FAULT_WRITE_AT) and checks that it answers ERR_CORE_HALTED with
 * `vector`; that another core still runs (its timer ticks, it answers);
 * and restarts the victim with INIT-SIPI-SIPI, so that the next test has
 * it back. The answer is left in *rep. On any failure the test is failed
 * with the reason and false returned.
 */
bool fault_and_recover(unsigned victim, enum kchan_fault kind, uint64_t addr, uint64_t vector,
		       struct kchan_rep *rep);

#endif
