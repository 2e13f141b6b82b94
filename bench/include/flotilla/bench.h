/*
 * What every benchmark inside Flotilla shares (`make bench`,
 * docs/benchmarks.md): the monitor's (bench/monitor/bench.c, meshbench.c)
 * and those of the programs it starts for it (tests/user/uprog/bench.c). What
 * they share with the Linux guest's too (the warm-up, the smaller N of
 * the slow workloads, the ordered time-stamp counter and the one format
 * of a figure's line) is lib/bench.h; here is only Flotilla's cap on N.
 */
#ifndef FLOTILLA_BENCH_H
#define FLOTILLA_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include "lib/bench.h"	/* the warm-up, the slow N, tsc_fenced, bench_print */

#define BENCH_MAX_N	20000	/* 160 KB of samples in the 256 KiB heap */

/* The shootdown lines' untimed runs before their timed ones: the slow
 * warm-up unless `benchwarm=W` says otherwise (W <= BENCH_MAX_WARM; the
 * check of the counts against the simulator wants 1, docs/sim.md). The
 * program that runs them gets N and W in one argument. */
#define BENCH_MAX_WARM		1000
#define BENCH_SHOOT_ARG(n, warm)	((uint64_t)(n) | (uint64_t)(warm) << 24)
#define BENCH_SHOOT_N(arg)		((size_t)((arg) & 0xFFFFFF))
#define BENCH_SHOOT_WARM(arg)		((size_t)((arg) >> 24))

#endif
