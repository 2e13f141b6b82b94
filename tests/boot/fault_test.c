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
#include "kernel/arch.h"
#include "kernel/core.h"
#include "kernel/kchan.h"
#include "kernel/ktest.h"
#include "kernel/machine.h"
#include "kernel/smp.h"

static void fault_on_one_core(enum kchan_fault kind, uint64_t vector)
{
	unsigned victim = machine.ncores - 1;
	struct kchan_rep rep;
	err_t err;

	if (victim == 0 || !this_core()->chan[victim]) {
		ktest_skip("needs a second core that is online");
		return;
	}
	err = kchan_call(victim, KCHAN_FAULT, kind, &rep);
	if (err != ERR_CORE_HALTED || rep.value != vector) {
		ktest_fail("core %u: got %s (vector %llu), want ERR_CORE_HALTED with vector %llu",
			   victim, err_name(err), (unsigned long long)rep.value,
			   (unsigned long long)vector);
		return;
	}
	/* Another core keeps running: an AP if there is one, else this one. */
	unsigned witness = victim > 1 ? 1 : 0;
	if (witness) {
		struct kchan_rep a, b;
		err = kchan_call(witness, KCHAN_PING, 0, &a);
		if (!err)
			err = ktest_wait_ticks(3, 20);
		if (!err)
			err = kchan_call(witness, KCHAN_PING, 0, &b);
		if (err || b.value <= a.value) {
			ktest_fail("core %u stopped too: %s, ticks %llu then %llu", witness,
				   err_name(err), (unsigned long long)a.value,
				   (unsigned long long)b.value);
			return;
		}
	} else if (ktest_wait_ticks(3, 20)) {
		return;
	}
	if (kchan_call(victim, KCHAN_PING, 0, &rep) != ERR_CORE_HALTED) {
		ktest_fail("core %u is marked running after its fault", victim);
		return;
	}
	err = smp_start_core(victim);
	if (!err)
		err = kchan_call(victim, KCHAN_PING, 0, &rep);
	if (err)
		ktest_fail("core %u did not come back after restart: %s", victim, err_name(err));
}

KTEST(fault_divide_error_halts_only_that_core, KTEST_BSP, 2)
{
	fault_on_one_core(FAULT_DIVIDE, 0);
}

KTEST(fault_page_fault_halts_only_that_core, KTEST_BSP, 2)
{
	fault_on_one_core(FAULT_PAGE, 14);
}

KTEST(fault_invalid_opcode_halts_only_that_core, KTEST_BSP, 2)
{
	fault_on_one_core(FAULT_INVALID_OPCODE, 6);
}
