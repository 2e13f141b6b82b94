/*
 * Channels bound by name through the monitors (bind.c, docs/binding.md),
 * tested from core 0: a server (uprog UPROG_BIND_SERVER) exports a name
 * on the last core; then a client on every core, this one and the
 * server's own included, binds to it by name, checks the errors of bad
 * binds, and pushes messages of every length through the channel the
 * monitors made, checking every echo. Afterwards, with the server gone,
 * binding finds nothing and its name has been removed.
 */
#include <flotilla/spawn.h>
#include <flotilla/uprog.h>
#include <flotilla/utest.h>
#include "usr/monitor/monitor.h"

/* uprog with `arg` on `core`: through remote.c on another core, as a
 * child of this monitor here (with what remote.c gives: RAM and the
 * boot image). */
static err_t start(unsigned core, uint64_t arg, struct rproc *r, struct proc *p)
{
	struct spawn_opts o = { .ram = 256 << 10, .give_bootimg = true };

	if (core != 0)
		return remote_spawn(core, "uprog", arg, NULL, r);
	return spawn_program_opts("uprog", arg, &o, p);
}

/* Waits for it to end; its exit status in *status (-1000: it faulted). */
static err_t finish(unsigned core, const struct rproc *r, struct proc *p, int *status)
{
	bool faulted = false;
	err_t err;

	if (core != 0) {
		err = remote_wait(r, status, &faulted);
		if (faulted)
			*status = -1000;
		return err;
	}
	if ((err = serve_until_stopped(p, status)))
		return err;
	return proc_kill(p);
}

UTEST(channels_bind_by_name_from_every_core)
{
	unsigned n = mesh_cores(), srv = n - 1;
	struct rproc sr, cr;
	struct proc sp, cp;
	int status;

	UCHECK_ERR(start(srv, UPROG_BIND_SERVER | (uint64_t)n << 8, &sr, &sp), OK);
	for (unsigned k = 0; k < n; k++) {
		UCHECK_ERR(start(k, UPROG_BIND_CLIENT | (uint64_t)srv << 8, &cr, &cp), OK);
		status = -1;
		UCHECK_ERR(finish(k, &cr, &cp, &status), OK);
		if (status != 0)
			utest_fail(__FILE__, __LINE__, "client on core %u: check %d failed", k,
				   status);
	}
	status = -1;
	UCHECK_ERR(finish(srv, &sr, &sp, &status), OK);
	if (status != (int)n)
		utest_fail(__FILE__, __LINE__, "server on core %u: %d (%u clients expected)", srv,
			   status, n);
	/* The server has exited: its name is found dead at the next bind. */
	unsigned k = n > 1 ? 1 : 0;
	uint64_t gone = UPROG_BIND_CLIENT | (uint64_t)srv << 8 | (uint64_t)UPROG_BIND_GONE << 16;
	UCHECK_ERR(start(k, gone, &cr, &cp), OK);
	status = -1;
	UCHECK_ERR(finish(k, &cr, &cp, &status), OK);
	if (status != 0)
		utest_fail(__FILE__, __LINE__, "client after the server: check %d failed", status);
}
