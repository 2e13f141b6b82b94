/*
 * Channels bound by name through the monitors (bind.c, docs/binding.md),
 * tested from core 0: a server (uprog UPROG_BIND_SERVER) exports a name
 * on the last core; then a client on every core, this one and the
 * server's own included, binds to it by name, checks the errors of bad
 * binds, and pushes messages of every length through the channel the
 * monitors made, checking every echo. Afterwards, with the server gone,
 * binding finds nothing and its name has been removed. And another
 * core's monitor drops malformed BIND messages and goes on serving.
 */
#include <flotilla/monitor.h>
#include <flotilla/spawn.h>
#include <flotilla/uprog.h>
#include <flotilla/utest.h>
#include "usr/monitor/monitor.h"

UTEST(channels_bind_by_name_from_every_core)
{
	unsigned n = mesh_cores(), srv = n - 1;
	struct rproc sr, cr;
	struct proc sp, cp;
	int status;

	UCHECK_ERR(uprog_start(srv, UPROG_BIND_SERVER | (uint64_t)n << 8, &sr, &sp), OK);
	for (unsigned k = 0; k < n; k++) {
		UCHECK_ERR(uprog_start(k, UPROG_BIND_CLIENT | (uint64_t)srv << 8, &cr, &cp), OK);
		status = -1;
		UCHECK_ERR(uprog_finish(k, &cr, &cp, &status), OK);
		if (status != 0)
			utest_fail(__FILE__, __LINE__, "client on core %u: check %d failed", k,
				   status);
	}
	status = -1;
	UCHECK_ERR(uprog_finish(srv, &sr, &sp, &status), OK);
	if (status != (int)n)
		utest_fail(__FILE__, __LINE__, "server on core %u: %d (%u clients expected)", srv,
			   status, n);
	/* The server has exited: its name is found dead at the next bind. */
	unsigned k = n > 1 ? 1 : 0;
	uint64_t gone = UPROG_BIND_CLIENT | (uint64_t)srv << 8 | (uint64_t)UPROG_BIND_GONE << 16;
	UCHECK_ERR(uprog_start(k, gone, &cr, &cp), OK);
	status = -1;
	UCHECK_ERR(uprog_finish(k, &cr, &cp, &status), OK);
	if (status != 0)
		utest_fail(__FILE__, __LINE__, "client after the server: check %d failed", status);
}

/* Malformed BIND messages to another core's monitor: each is dropped
 * (and reported by it), and it goes on serving; a well-formed BIND for a
 * service it does not have is answered with ERR_NOT_FOUND. */
UTEST(malformed_bind_messages_are_dropped)
{
	unsigned last = mesh_cores() - 1;
	uint64_t w[7] = { 0, 0x6f6f66 /* "foo" */, 0, 0, 0, 0, 0 }, a[7], cycles;

	if (last == 0)
		return;
	UCHECK_ERR(mesh_send(last, BIND_FIRST, w, 5), OK);		/* BIND, short */
	w[1] = w[2] = ~0ull;						/* a name without its NUL */
	UCHECK_ERR(mesh_send(last, BIND_FIRST, w, 6), OK);
	w[1] = 0x6f6f66;
	w[2] = 0;
	w[5] = last;							/* the client's doorbell on another core */
	UCHECK_ERR(mesh_send(last, BIND_FIRST, w, 6), OK);
	UCHECK_ERR(mesh_send(last, BIND_FIRST + 1, w, 3), OK);		/* BIND_R, unasked */
	UCHECK_ERR(mesh_send(last, BIND_FIRST + 5, w, 1), OK);		/* no such type */
	UCHECK_ERR(mesh_ping(last, &cycles), OK);
	w[3] = 9999;							/* no such service */
	w[5] = 0 | 8 << 8;
	UCHECK_ERR(mesh_ask(last, BIND_FIRST, w, 6, a), ERR_NOT_FOUND);
	w[3] = 0;							/* none exported there */
	UCHECK_ERR(mesh_ask(last, BIND_FIRST, w, 6, a), ERR_NOT_FOUND);
	console_sync();
}
