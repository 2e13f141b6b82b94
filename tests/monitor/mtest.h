/*
 * What the monitor's tests share (tests/monitor, linked only into the test
 * image's monitor: docs/testing.md, "Two images"): the fixture, starting
 * uprog, and the runner.
 */
#ifndef TESTS_MONITOR_MTEST_H
#define TESTS_MONITOR_MTEST_H

#include "usr/monitor/monitor.h"

/* The test fixture (scratch.c): slots in the task CNode, the scratch
 * CNode's level-1 slot, and the sizes of the RAM carved for tests. */
#define T_FIXRAM		MON_TEST_SLOT(0)	/* RAM for the whole fixture */
#define T_SCRATCHCN		MON_TEST_SLOT(1)	/* the scratch CNode's capability */
#define T_TESTRAM		MON_TEST_SLOT(2)	/* RAM tests retype from */
#define SCRATCH_CN		MON_TEST_CN(0)
/* The tests' other slots. The rest of MON_TEST_SLOT's range is taken in
 * the files that use it: 4 threadtest.c, 5 bench/monitor/bench.c,
 * 6..10 fuzzrun.c, 16..26 fuzz.h; MON_TEST_CN(1) is fuzzrun.c's. */
#define T_RAMCN			MON_TEST_SLOT(3)	/* captest: a CNode made from RAM */
#define T_NEVER_FILLED		MON_TEST_SLOT(63)	/* captest: always empty */
#define SCRATCH(i)		CADDR(SCRATCH_CN, (i))
#define FIXTURE_RAM_BYTES	(8ull << 20)
#define TEST_RAM_BYTES		(4ull << 20)

err_t scratch_init(void);
void scratch_reset(void);
/* Serves this monitor's endpoint, so that child p's requests are answered,
 * until p has stopped (its exit status in *status) or MESH_WAIT_NS has
 * passed (ERR_TIMEOUT). */
err_t serve_until_stopped(const struct proc *p, int *status);
/* Serves this monitor's endpoint and the mesh for `ns`, whatever comes. */
void serve_for(uint64_t ns);
/* Tests (utest.c): uprog with `arg` on `core`, through remote.c on
 * another core (*r), as a child of this monitor here (*p), with what
 * remote.c gives (RAM, the boot image); and waiting for it to end (its
 * exit status in *status, -1000 if it faulted; a local one is destroyed). */
struct rproc;
err_t uprog_start(unsigned core, uint64_t arg, struct rproc *r, struct proc *p);
err_t uprog_finish(unsigned core, const struct rproc *r, struct proc *p, int *status);

/* Starts the thread library in the monitor once (threadtest.c; the
 * benchmarks use it too). */
bool threads_up(void);
/* User-space tests (utest.c); returns the number that failed. */
int utest_main(const char *cmdline);
/* faults=N[,SEED] (faults.c): the campaign's verdict, init's exit status
 * (0: passed), or one of these. */
#define FAULTS_NOT_ASKED	(-1)
#define FAULTS_REFUSED		(-2)	/* a bad value: said why */
int faults_campaign(const char *cmdline);

#endif
