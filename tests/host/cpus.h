/*
 * Two CPUs for two threads, shared by the host tests and benchmarks that
 * pin a pair of threads (tests/host/test_urpc_stress.c, bench/host/
 * urpc_bench.c). Define _GNU_SOURCE before including any header.
 */
#ifndef TESTS_HOST_CPUS_H
#define TESTS_HOST_CPUS_H

#include <pthread.h>
#include <sched.h>
#include <time.h>

/* The first two CPUs this process may run on, or -1s when it has one. */
static inline void pick_cpus(int cpu[2])
{
	cpu_set_t set;
	int k = 0;

	cpu[0] = cpu[1] = -1;
	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return;
	for (int c = 0; c < CPU_SETSIZE && k < 2; c++)
		if (CPU_ISSET(c, &set))
			cpu[k++] = c;
	if (k < 2)
		cpu[0] = cpu[1] = -1;
}

/* Pins the calling thread to `cpu` (nothing for -1); 0 or an errno. */
static inline int pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

/* Monotonic seconds. */
static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

#endif
