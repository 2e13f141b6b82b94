/*
 * make bench's workloads that run in processes of their own rather than
 * in the monitor (uprog's UPROG_BENCH_* modes, tests/user/uprog/bench.c, which
 * time themselves and print their own lines): a blocking URPC round trip
 * between a process on core 0 and an echo server on core 1, and
 * unmapping a page of a process that spans every core. Each runs
 * bench_slow_n(N) timed iterations (flotilla/bench.h).
 *
 * The timing processes run on core 0, so their lines go into this
 * core's console log, in order with the monitor's own, before `BENCH
 * done`. While one runs, the monitor serves its endpoint blocked
 * (serve_until_exit), as it does when idle: the processes call it
 * (binding; mon_unmap), and a monitor that looked only every millisecond,
 * as mesh_serve_until does, would add that wait to every call, and on
 * core 0 a tick's wake-up to the round trips. So it sets no deadline of
 * its own: the processes give up on what they wait for, except the
 * client on an echo that a dead server would never send, and a boot that
 * hangs is ended by the host (tools/bench.py --timeout).
 */
#include <stdio.h>
#include <flotilla/lmp.h>
#include <flotilla/spawn.h>
#include <flotilla/uprog.h>
#include "bench/monitor/bench.h"
#include "tests/monitor/mtest.h"

/* Starts uprog with `arg` on this core, with what remote.c gives (RAM,
 * and the boot image, which window_map_page's window needs); its exit
 * comes as a message. */
static err_t start(uint64_t arg, struct proc *p)
{
	struct spawn_opts o = { .ram = SPAWNED_RAM, .give_bootimg = true, .notify_exit = true };

	return spawn_program_opts("uprog", arg, &o, p);
}

/* Serves the monitor's endpoint, blocked, until child p has exited or
 * faulted (supervise.c reports and destroys it); its exit status in
 * *status, -1000 if it faulted. */
static err_t serve_until_exit(const struct proc *p, int *status)
{
	for (;;) {
		struct lmp_msg m;
		err_t err = supervisor_recv(&m);
		if (err)
			return err;
		unsigned kind = LMP_INFO_KIND(m.info);
		bool ended = (kind == LMP_KIND_EXIT || kind == LMP_KIND_FAULT) &&
			     m.badge == SPAWN_BADGE(p->idx);
		if (ended)
			*status = kind == LMP_KIND_EXIT ? (int)m.w[0] : -1000;
		supervisor_handle(&m);
		if (ended)
			return OK;
	}
}

static int fail(const char *name, const char *what, err_t err)
{
	printf("BENCH error name=%s reason=\"%s: %s: %s\"\n", name, what, err_name(err),
	       err_msg(err));
	return 1;
}

/* Runs uprog with `arg` on this core to its end; nonzero if it failed
 * (it has said why, unless it faulted). */
static int run_here(const char *name, uint64_t arg)
{
	struct proc p;
	int status = -1;
	err_t err;

	if ((err = start(arg, &p)))
		return fail(name, "starting uprog", err);
	if ((err = serve_until_exit(&p, &status)))
		return fail(name, "waiting for uprog", err);
	if (status == -1000)
		printf("BENCH error name=%s reason=\"uprog faulted\"\n", name);
	return status != 0;
}

/*
 * uchan_roundtrip pair=0-1: the echo server on core 1 (started there by
 * core 1's monitor), the timing client here. Only the pair 0-1, as Linux's
 * blocking round trips: each iteration wakes a halted core twice, which
 * on every pair would take longer than all of `make bench` may. With one
 * core there is no pair: urpc_pairs' n/a line stands for it too.
 */
int procbench_uchan(size_t n)
{
	const uint64_t total = BENCH_SLOW_WARMUP + bench_slow_n(n);
	struct rproc server;
	int status = -1, failed;
	bool faulted = false;
	err_t err;

	if (mesh_cores() < 2)
		return 0;
	if ((err = remote_spawn(1, "uprog", UPROG_BENCH_ECHO, NULL, &server)))
		return fail("uchan_roundtrip", "starting the echo server on core 1", err);
	failed = run_here("uchan_roundtrip", UPROG_BENCH_UCHAN | bench_slow_n(n) << 8);
	if (failed) {
		remote_kill(&server);		/* it may wait for ever */
		return 1;
	}
	if ((err = remote_wait(&server, &status, &faulted)))
		return fail("uchan_roundtrip", "waiting for the echo server", err);
	if (faulted)
		printf("BENCH error name=uchan_roundtrip reason=\"the echo server faulted\"\n");
	else if (status < 0 || (uint64_t)status != total)
		printf("BENCH error name=uchan_roundtrip reason=\"the echo server echoed %d "
		       "messages, not %llu\"\n", status, (unsigned long long)total);
	return faulted || (uint64_t)status != total;
}

/* unmap_ncores: uprog on this core spans a reader to every other one. */
int procbench_unmap(size_t n)
{
	return run_here("unmap_ncores", UPROG_BENCH_UNMAP | bench_slow_n(n) << 8);
}

/* shootdown protocol=P cores=N: the same, over each shape at 2..all cores. */
int procbench_shoot(size_t n, size_t warm)
{
	return run_here("shootdown", UPROG_BENCH_SHOOT | BENCH_SHOOT_ARG(bench_slow_n(n), warm) << 8);
}

/* moncall_packed, moncall_idl, moncall_ps_packed, moncall_ps_idl: uprog on
 * this core asks its monitor, packed by hand and as if/moncall.if's rpcs. */
int procbench_moncall(size_t n)
{
	return run_here("moncall_packed", UPROG_BENCH_MONCALL | n << 8);
}

/* shm_update and msg_update (Figure 3): uprog on this core spans a
 * worker to every other one (lib/updbench.h's lines). */
int procbench_updates(size_t n)
{
	return run_here("shm_update", UPROG_BENCH_UPDATES | bench_slow_n(n) << 8);
}
