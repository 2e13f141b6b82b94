/*
 * `faults=N[,SEED]`: the fault-injection campaign (tests/user/faults,
 * docs/supervision.md). init runs its driver on core 0 with -w, and the
 * monitor powers off with the driver's verdict. A bad value is refused
 * with a line saying what is wrong, and the system boots on without it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include "tests/monitor/mtest.h"
#include "tests/user/faults/faults.h"
#include "usr/monitor/monitor.h"

/* A decimal number in [lo, hi] that is all of s; false otherwise. */
static bool number(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (hi - (unsigned)(*s - '0')) / 10)
			return false;
		v = v * 10 + (unsigned)(*s - '0');
	}
	*out = v;
	return v >= lo && v <= hi;
}

int faults_campaign(const char *cmdline)
{
	char value[64], spec[48];
	uint64_t n, seed;
	struct proc init;
	err_t err = cmdline_find(cmdline, "faults", value, sizeof(value));

	if (err == ERR_NOT_FOUND)
		return FAULTS_NOT_ASKED;
	char *comma = err ? NULL : strchr(value, ',');
	if (comma)
		*comma = '\0';
	if (err || !number(value, 1, FLT_N_MAX, &n) ||
	    (comma && !number(comma + 1, 1, FLT_SEED_MAX, &seed))) {
		printf("faults: refused faults=%s%s%s: want faults=N[,SEED], N injections 1 to %u, SEED 1 to %u; booting without the campaign\n",
		       err ? "..." : value, comma ? "," : "", comma ? comma + 1 : "", FLT_N_MAX,
		       FLT_SEED_MAX);
		return FAULTS_REFUSED;
	}
	if (!comma)	/* a fresh seed, which the driver prints for a replay */
		seed = sys_clock_ns() % FLT_SEED_MAX + 1;
	snprintf(spec, sizeof(spec), "faults:0x%llx@0",
		 (unsigned long long)(FLT_DRIVER | n << 4 | seed << 32));
	if ((err = init_start(cmdline, true, spec, NULL, false, &init))) {
		printf("faults: FAIL: cannot start init: %s: %s\n", err_name(err), err_msg(err));
		return 1;
	}
	return init_wait(&init);
}
