/*
 * The name service's race (UPROG_NS_RACE, flotilla/uprog.h): one of these
 * on every core, each waiting for the go and then registering one name
 * at once; the monitors' agreement must let exactly one have it.
 */
#include <stdio.h>
#include <flotilla/monitor.h>
#include <flotilla/sys.h>
#include <flotilla/uprog.h>
#include "failed.h"
#include "names.h"

err_t await_name(const char *name, uint64_t deadline)
{
	struct ns_entry e;
	err_t err;

	while ((err = ns_lookup(name, &e)) == ERR_NOT_FOUND) {
		if (sys_clock_ns() > deadline)
			return ERR_TIMEOUT;
		sys_yield();
	}
	return err;
}

int ns_race(uint64_t param)
{
	unsigned round = (unsigned)(param & 0xFF);
	char go[NS_NAME_MAX + 1], name[NS_NAME_MAX + 1];
	uint64_t deadline = sys_clock_ns() + UPROG_NS_WAIT_NS;
	err_t err;

	snprintf(name, sizeof(name), UPROG_NS_RACE_FMT, round);
	if (param & (UPROG_NS_REMOVE >> 8))
		return (err = ns_remove(name)) ? 100 + (int)err : 0;
	snprintf(go, sizeof(go), UPROG_NS_GO_FMT, round);
	if ((err = await_name(go, deadline)))
		return err == ERR_TIMEOUT ? FAILED(2) : 100 + (int)err;
	err = ns_register(name, UPROG_NS_VALUE(sys_core_id()));
	return err == OK ? 0 : err == ERR_NAME_IN_USE ? 1 : 100 + (int)err;
}
