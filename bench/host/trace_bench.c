/*
 * make bench-host's trace line: what recording one event (lib/trace.h)
 * costs on this machine's real cores, beside the cheapest Linux system
 * call, both timed the same way (lib/bench.h's TIME_EACH, lfence; rdtsc).
 * Inside Flotilla, make bench's trace_event line measures the same code
 * under QEMU. Prints BENCH lines in lib/bench.c's format.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "lib/bench.h"
#include "lib/trace.h"

static uint64_t ring[TRACE_RING_BYTES(12) / 8] __attribute__((aligned(64)));

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 0) : 100000;
	uint64_t *s = calloc(n, sizeof(*s));
	struct trace_ring *r = (struct trace_ring *)ring;
	uint64_t i = 0;

	if (!s || !n || trace_ring_init(ring, sizeof(ring)) != OK) {
		fprintf(stderr, "trace_bench: no memory for %zu samples\n", n);
		return 1;
	}
	TIME_EACH(s, BENCH_WARMUP, n, (void)0, (void)0);
	bench_report("host_rdtsc_overhead", NULL, s, n, 1);
	TIME_EACH(s, BENCH_WARMUP, n, trace_record(r, 0, TRACE_MARK, (uint32_t)i, i, i), i++);
	bench_report("host_trace_event", NULL, s, n, 1);
	TIME_EACH(s, BENCH_WARMUP, n, syscall(SYS_getppid), (void)0);
	bench_report("host_getppid", NULL, s, n, 1);
	free(s);
	return r->written == BENCH_WARMUP + n ? 0 : 1;
}
