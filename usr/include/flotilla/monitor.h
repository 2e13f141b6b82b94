/*
 * Asking this core's monitor (usr/lib/moncall.c): every process has, at
 * CPTR_MONITOR, a send-only endpoint to the monitor of its core (the
 * monitor mints it, and spawn copies it to every child, so grandchildren
 * have it too). A request is one LMP call: w0 the operation and, for
 * those that name one, a core (op | core << 8), w1..w3 its arguments; the
 * reply's w0 is the error and w1..w3 the results. A malformed request
 * (unknown operation, a name without its NUL) gets ERR_BAD_MESSAGE and
 * the monitor goes on serving.
 *
 * The name service maps a name (at most NS_NAME_MAX characters) to the
 * core it was registered from and a 64-bit value the registrant chooses
 * (what its clients need to reach it). Core 0's monitor keeps the table;
 * the other monitors ask it over the mesh, so a name registered on any
 * core is found from every core.
 */
#ifndef FLOTILLA_MONITOR_H
#define FLOTILLA_MONITOR_H

#include <stdint.h>
#include <kpi/caps.h>
#include <kpi/errors.h>

enum mon_op {
	MON_CORES = 1,		/* () -> w1 = how many cores the monitors span */
	MON_PING,		/* core: () -> w1 = URPC round trip to its monitor,
				 * in cycles (ERR_INVALID_ARG for this core) */
	MON_NS_REGISTER,	/* (name, name, value) -> ERR_NAME_IN_USE if taken */
	MON_NS_LOOKUP,		/* (name, name) -> w1 = core, w2 = value */
	MON_NS_REMOVE,		/* (name, name): only from the core that registered it */
};

#define MON_OP(w0)		((unsigned)((w0) & 0xFF))
#define MON_CORE(w0)		((unsigned)(((w0) >> 8) & 0xFFFF))
#define NS_NAME_MAX		15	/* two words with the NUL */

struct ns_entry {
	unsigned core;
	uint64_t value;
};

err_t mon_cores(unsigned *n);
err_t mon_ping(unsigned core, uint64_t *cycles);
/* ERR_INVALID_ARG for an empty name or one longer than NS_NAME_MAX. */
err_t ns_register(const char *name, uint64_t value);
err_t ns_lookup(const char *name, struct ns_entry *out);
err_t ns_remove(const char *name);
/* Any request as it is, for tests of malformed ones: w[0..3] in, reply
 * words out. */
err_t mon_call_raw(const uint64_t w[4], uint64_t reply[4]);

#endif
