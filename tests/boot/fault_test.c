/*
 * Boot tests: a kernel fault stops only the core it happens on. The
 * bootstrap core asks the last core to divide by zero / touch an unmapped
 * page / execute ud2. That core prints its fault report (tools/boottest.py
 * checks the report's contents in the log) and tells us through its boot
 * channel that it halted. Then a different core must still run: it answers
 * a ping and its timer still ticks. Finally the halted core is restarted
 * with INIT-SIPI-SIPI, as membership will do for a dead core, and must
 * answer again, so the next test has it back.
 */
#include "kernel/kchan.h"
#include "tests/boot/ktest.h"
#include "tests/boot/faulting.h"

static void fault_on_one_core(enum kchan_fault kind, uint64_t vector)
{
	struct kchan_rep rep;

	fault_and_recover(faulting_victim(), kind, 0, vector, &rep);
}

TEST_CORES(fault_divide_error_halts_only_that_core, 2)
{
	fault_on_one_core(FAULT_DIVIDE, 0);
}

TEST_CORES(fault_page_fault_halts_only_that_core, 2)
{
	fault_on_one_core(FAULT_PAGE, 14);
}

TEST_CORES(fault_invalid_opcode_halts_only_that_core, 2)
{
	fault_on_one_core(FAULT_INVALID_OPCODE, 6);
}
