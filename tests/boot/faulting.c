/*
 * See faulting.h. The witness that keeps running is an AP other than the
 * victim if there is one, else the bootstrap core itself.
 */
#include "kernel/arch.h"
#include "kernel/core.h"
#include "tests/boot/ktest.h"
#include "kernel/machine.h"
#include "kernel/smp.h"
#include "tests/boot/faulting.h"

unsigned faulting_victim(void)
{
	return machine.ncores - 1;
}

static bool witness_runs(unsigned witness)
{
	struct kchan_rep a, b;
	err_t err;

	if (!witness)
		return ktest_wait_ticks(3, 20) == OK;
	err = kchan_call(witness, KCHAN_PING, 0, &a);
	if (!err)
		err = ktest_wait_ticks(3, 20);
	if (!err)
		err = kchan_call(witness, KCHAN_PING, 0, &b);
	if (err || b.value <= a.value) {
		test_fail("core %u stopped too: %s, ticks %llu then %llu", witness, err_name(err),
			  (unsigned long long)a.value, (unsigned long long)b.value);
		return false;
	}
	return true;
}

bool fault_and_recover(unsigned victim, enum kchan_fault kind, uint64_t addr, uint64_t vector,
		       struct kchan_rep *rep)
{
	err_t err;

	if (victim == 0 || !this_core()->chan[victim]) {
		test_skip("needs a second core that is online");
		return false;
	}
	err = kchan_call_addr(victim, KCHAN_FAULT, kind, addr, rep);
	if (err != ERR_CORE_HALTED || rep->value != vector) {
		test_fail("core %u: got %s (vector %llu%s%s), want ERR_CORE_HALTED with vector %llu",
			  victim, err_name(err), (unsigned long long)rep->value,
			  rep->msg[0] ? ": " : "", rep->msg, (unsigned long long)vector);
		return false;
	}
	if (!witness_runs(victim > 1 ? 1 : 0))
		return false;
	struct kchan_rep again;
	if (kchan_call(victim, KCHAN_PING, 0, &again) != ERR_CORE_HALTED) {
		test_fail("core %u is marked running after its fault", victim);
		return false;
	}
	err = smp_start_core(victim);
	if (!err)
		err = kchan_call(victim, KCHAN_PING, 0, &again);
	if (err) {
		test_fail("core %u did not come back after restart: %s", victim, err_name(err));
		return false;
	}
	return true;
}
