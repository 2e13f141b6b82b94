/*
 * linuxbench: the workloads of `make bench` on Linux, the same operations
 * that Flotilla's monitor times (bench/monitor/bench.c, meshbench.c) or their
 * nearest Linux equivalents, printed in Flotilla's format so that one
 * parser reads both (tools/linuxguest.py; the mapping between the two
 * names is tools/benchcmp.py's). It runs as the guest's benchmark in the
 * initramfs that bench/linux/init starts, statically linked, but runs on
 * any Linux machine too:
 *
 *	linuxbench [N]		N timed iterations per workload (10000), then
 *				`BENCH done` (exit 0) or `BENCH failed` (exit 1)
 *	linuxbench --exit CODE	power the guest off through QEMU's
 *				isa-debug-exit device (port 0xf4), as Flotilla
 *				does: QEMU then exits with CODE * 2 + 1
 */
#include "bench/linux/lbench.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "lib/stats.h"

#define DEFAULT_N	10000
#define MAX_N		1000000

struct bench bench_slow(const struct bench *b)
{
	struct bench s = *b;

	s.n = bench_slow_n(b->n);
	s.warm = b->warm / BENCH_SLOW_DIVISOR ? b->warm / BENCH_SLOW_DIVISOR : 1;
	return s;
}

int bench_fail(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("BENCH error name=%s reason=\"", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\"\n");
	fflush(stdout);
	return 1;
}

int bench_na(const char *name, const char *pair, const char *reason)
{
	printf("BENCH name=%s%s%s n/a reason=\"%s\"\n", name, pair ? " pair=" : "",
	       pair ? pair : "", reason);
	fflush(stdout);
	return 0;
}

int pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? errno : 0;
}

void *shared_alloc(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

int spawn_on(int cpu, int (*fn)(void *), void *arg)
{
	int pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (pin_cpu(cpu))
			_exit(100);
		_exit(fn(arg));
	}
	return pid;
}

int reap(int pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

void kill_quietly(int pid)
{
	kill(pid, SIGKILL);
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

int spin_expired(uint64_t *polls, uint64_t deadline)
{
	return (++*polls & 0xFFFF) == 0 && now_ns() > deadline;
}

/* TSC ticks per microsecond, against CLOCK_MONOTONIC over ~50 ms: said
 * for people, used by nothing. */
static unsigned tsc_mhz(void)
{
	uint64_t t0 = now_ns(), c0 = tsc_fenced(), t1;

	while ((t1 = now_ns()) - t0 < 50000000)
		;
	return (unsigned)((tsc_fenced() - c0) * 1000 / (t1 - t0));
}

static int debug_exit(const char *code)
{
	unsigned v = (unsigned)strtoul(code, NULL, 0);

	if (ioperm(0xf4, 4, 1)) {
		fprintf(stderr, "linuxbench: ioperm(0xf4): %s\n", strerror(errno));
		return 1;
	}
	outl(v, 0xf4);
	fprintf(stderr, "linuxbench: isa-debug-exit did not stop the machine\n");
	return 1;
}

int main(int argc, char **argv)
{
	struct bench b = { .n = DEFAULT_N };
	cpu_set_t set;
	int failed = 0;

	/* Every line out at once, whoever prints it (lib/bench.c's printf,
	 * a child that then _exits): nothing is left in a buffer to be lost
	 * or printed twice by a fork. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && strcmp(argv[1], "--exit") == 0)
		return debug_exit(argv[2]);
	if (argc == 2) {
		char *end;
		unsigned long long n = strtoull(argv[1], &end, 10);
		if (n == 0 || n > MAX_N || *end) {
			fprintf(stderr, "usage: linuxbench [N]  (1 <= N <= %u)\n", MAX_N);
			return 2;
		}
		b.n = n;
	} else if (argc > 2) {
		fprintf(stderr, "usage: linuxbench [N] | linuxbench --exit CODE\n");
		return 2;
	}
	b.warm = b.n < 100 ? 10 * b.n : BENCH_WARMUP;
	if (sched_getaffinity(0, sizeof(set), &set))
		return bench_fail("setup", "sched_getaffinity: %s", strerror(errno));
	while (b.ncpus < CPU_SETSIZE && CPU_ISSET(b.ncpus, &set))
		b.ncpus++;
	b.s = malloc(b.n * sizeof(*b.s));
	if (!b.s || pin_cpu(0))
		return bench_fail("setup", "no memory for samples, or cannot pin to CPU 0");
	printf("linuxbench: %zu timed iterations after %zu warm-up, %d CPUs, TSC %u MHz "
	       "(lfence; rdtsc; lfence)\n", b.n, b.warm, b.ncpus, tsc_mhz());
	failed |= bench_local(&b);
	failed |= bench_pairs(&b);
	failed |= bench_unmap(&b);
	failed |= bench_unmap_cores(&b);
	failed |= bench_updates(&b);
	printf("BENCH %s\n", failed ? "failed" : "done");
	return failed;
}
