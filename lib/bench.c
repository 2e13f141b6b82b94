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

int bench_report(const char *name, const char *pair, uint64_t *s, size_t n, unsigned per)
{
	struct stats st;
	err_t err;

	for (size_t i = 0; s && i < n; i++)
		s[i] /= per ? per : 1;
	if ((err = stats_compute(s, n, &st))) {
		printf("BENCH error name=%s reason=\"no statistics: %s: %s\"\n", name,
		       err_name(err), err_msg(err));
		return 1;
	}
	bench_print(name, pair, &st);
	return 0;
}

int bench_report_cores(const char *name, const char *protocol, unsigned cores, uint64_t *s,
		       size_t n, const char *extra)
{
	struct stats st;
	err_t err;

	if ((err = stats_compute(s, n, &st))) {
		printf("BENCH error name=%s reason=\"no statistics at %u cores: %s: %s\"\n", name,
		       cores, err_name(err), err_msg(err));
		return 1;
	}
	printf("BENCH name=%s%s%s cores=%u unit=cycles n=%zu min=%llu median=%llu p99=%llu "
	       "max=%llu%s%s\n", name, protocol ? " protocol=" : "", protocol ? protocol : "",
	       cores, st.n, (unsigned long long)st.min, (unsigned long long)st.median,
	       (unsigned long long)st.p99, (unsigned long long)st.max, extra ? " " : "",
	       extra ? extra : "");
	return 0;
}
