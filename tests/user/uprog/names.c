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

int ns_race(uint64_t param)
{
	unsigned round = (unsigned)(param & 0xFF);
	char go[NS_NAME_MAX + 1], name[NS_NAME_MAX + 1];
	uint64_t deadline = sys_clock_ns() + UPROG_NS_WAIT_NS;
	struct ns_entry e;
	err_t err;

	snprintf(name, sizeof(name), UPROG_NS_RACE_FMT, round);
	if (param & (UPROG_NS_REMOVE >> 8))
		return (err = ns_remove(name)) ? 100 + (int)err : 0;
	snprintf(go, sizeof(go), UPROG_NS_GO_FMT, round);
	/* The lookups are local: spinning on them costs the mesh nothing. */
	while ((err = ns_lookup(go, &e)) == ERR_NOT_FOUND) {
		if (sys_clock_ns() > deadline)
			return FAILED(2);
		sys_yield();
	}
	if (err)
		return 100 + (int)err;
	err = ns_register(name, UPROG_NS_VALUE(sys_core_id()));
	return err == OK ? 0 : err == ERR_NAME_IN_USE ? 1 : 100 + (int)err;
}
