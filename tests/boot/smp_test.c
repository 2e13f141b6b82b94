/*
 * Boot tests: every core found is started and answers on its boot channel,
 * and a core given malformed requests answers with an error and keeps
 * serving.
 */
#include "kernel/core.h"
#include "kernel/kchan.h"
#include "tests/boot/ktest.h"
#include "kernel/machine.h"

TEST(every_core_online_and_answering)
{
	struct kchan_rep rep;

	if (machine.ncores != machine.ncores_found && machine.ncores_found <= machine.maxcores)
		FAIL("%u cores found but only %u were to be started", machine.ncores_found,
		     machine.ncores);
	for (unsigned i = 1; i < machine.ncores; i++) {
		err_t err = kchan_call(i, KCHAN_PING, 0, &rep);
		if (err)
			FAIL("core %u does not answer a ping: %s", i, err_name(err));
	}
	if (ktest_cores_online() != machine.ncores)
		FAIL("%u of %u cores online", ktest_cores_online(), machine.ncores);
}

TEST_EACH_CORE(each_core_runs_on_its_own_state, 1)
{
	struct core *c = this_core();

	if (c->self != c)
		FAIL("core %u: GS does not point at its own struct core", c->id);
	else if (c->id >= machine.ncores || c->apic_id != machine.cores[c->id].apic_id)
		FAIL("core %u: APIC id %u, expected %u", c->id, c->apic_id,
		     machine.cores[c->id].apic_id);
}

TEST_CORES(boot_channel_rejects_malformed_requests, 2)
{
	struct kchan_rep rep;
	unsigned peer = machine.ncores - 1;
	err_t err;

	err = kchan_call(peer, 99, 0, &rep);
	if (err != ERR_BAD_MESSAGE)
		FAIL("unknown op: got %s, want ERR_BAD_MESSAGE", err_name(err));
	err = kchan_call(peer, KCHAN_RUN_TEST, 1000000, &rep);
	if (err != ERR_BAD_MESSAGE)
		FAIL("test index out of range: got %s, want ERR_BAD_MESSAGE", err_name(err));
	err = kchan_call(peer, KCHAN_FAULT, 77, &rep);
	if (err != ERR_BAD_MESSAGE)
		FAIL("unknown fault kind: got %s, want ERR_BAD_MESSAGE", err_name(err));
	err = kchan_call(machine.ncores, KCHAN_PING, 0, &rep);
	if (err != ERR_INVALID_ARG)
		FAIL("ping to a core that does not exist: got %s", err_name(err));
	err = kchan_call(peer, KCHAN_PING, 0, &rep);
	if (err)
		FAIL("core %u stopped serving after bad requests: %s", peer, err_name(err));
}
