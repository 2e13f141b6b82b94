/*
 * The one format of a benchmark's figure (lib/bench.h), for the monitor,
 * the programs it starts for `make bench`, and linuxbench in the Linux
 * guest; tools/bench.py parses it. Not in the kernel: it needs printf.
 */
#include <stdio.h>
#include "lib/bench.h"
#include "lib/stats.h"

void bench_print(const char *name, const char *pair, const struct stats *st)
{
	printf("BENCH name=%s%s%s unit=cycles n=%zu min=%llu median=%llu p99=%llu max=%llu\n",
	       name, pair ? " pair=" : "", pair ? pair : "", st->n,
	       (unsigned long long)st->min, (unsigned long long)st->median,
	       (unsigned long long)st->p99, (unsigned long long)st->max);
}
