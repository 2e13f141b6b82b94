/*
 * Boot tests: every core found is started and answers on its boot channel,
 * and a core given malformed requests answers with an error and keeps
 * serving.
 */
#include "kernel/core.h"
#include "kernel/kchan.h"
#include "kernel/ktest.h"
#include "kernel/machine.h"

KTEST(every_core_online_and_answering, KTEST_BSP, 1)
{
	struct kchan_rep rep;

	if (machine.ncores != machine.ncores_found && machine.ncores_found <= machine.maxcores)
		ktest_fail("%u cores found but only %u were to be started", machine.ncores_found,
			   machine.ncores);
	for (unsigned i = 1; i < machine.ncores; i++) {
		err_t err = kchan_call(i, KCHAN_PING, 0, &rep);
		if (err) {
			ktest_fail("core %u does not answer a ping: %s", i, err_name(err));
			return;
		}
	}
	if (ktest_cores_online() != machine.ncores)
		ktest_fail("%u of %u cores online", ktest_cores_online(), machine.ncores);
}

KTEST(each_core_runs_on_its_own_state, KTEST_EACH_CORE, 1)
{
	struct core *c = this_core();

	if (c->self != c)
		ktest_fail("core %u: GS does not point at its own struct core", c->id);
	else if (c->id >= machine.ncores || c->apic_id != machine.cores[c->id].apic_id)
		ktest_fail("core %u: APIC id %u, expected %u", c->id, c->apic_id,
			   machine.cores[c->id].apic_id);
}

KTEST(boot_channel_rejects_malformed_requests, KTEST_BSP, 2)
{
	struct kchan_rep rep;
	unsigned peer = machine.ncores - 1;
	err_t err;

	err = kchan_call(peer, 99, 0, &rep);
	if (err != ERR_BAD_MESSAGE) {
		ktest_fail("unknown op: got %s, want ERR_BAD_MESSAGE", err_name(err));
		return;
	}
	err = kchan_call(peer, KCHAN_RUN_TEST, 1000000, &rep);
	if (err != ERR_BAD_MESSAGE) {
		ktest_fail("test index out of range: got %s, want ERR_BAD_MESSAGE", err_name(err));
		return;
	}
	err = kchan_call(peer, KCHAN_FAULT, 77, &rep);
	if (err != ERR_BAD_MESSAGE) {
		ktest_fail("unknown fault kind: got %s, want ERR_BAD_MESSAGE", err_name(err));
		return;
	}
	err = kchan_call(machine.ncores, KCHAN_PING, 0, &rep);
	if (err != ERR_INVALID_ARG) {
		ktest_fail("ping to a core that does not exist: got %s", err_name(err));
		return;
	}
	err = kchan_call(peer, KCHAN_PING, 0, &rep);
	if (err)
		ktest_fail("core %u stopped serving after bad requests: %s", peer, err_name(err));
}
