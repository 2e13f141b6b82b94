/*
 * agree_commit (`make bench`; docs/benchmarks.md, "Agreement"): one
 * commit of the monitors' agreement, timed on core 0, the coordinator of
 * the full view: registering a name, from the submission until the
 * commit is known here (names_register returns), over the view's tree
 * (usr/monitor/agreeview.c). Each timed commit is followed by an untimed
 * one that removes the name again. The line also gives what core 0's
 * own agreement sent per commit (coord_sent: its PREPAREs and DECIDEs,
 * one of each to every child of its tree); the messages of every core,
 * the node crossings and the rounds of each tree are `make sim`'s
 * (docs/sim.md), which counts lib/agree.c's exact messages.
 */
#include <stdio.h>
#include <stdlib.h>
#include "lib/agree.h"
#include "lib/mtree.h"
#include "bench/monitor/bench.h"
#include "tests/monitor/mtest.h"
#include "usr/monitor/agreeview.h"

static unsigned sent_total(void)
{
	const struct agree_stats *st = agreeview_stats();
	unsigned sum = 0;

	for (unsigned t = 0; t < AGREE_NTYPES; t++)
		sum += st->sent[t];
	return sum;
}

int agreebench_commit(size_t n)
{
	static const char name[] = "bench.agree";
	unsigned cores = mesh_cores(), before;
	uint64_t all = cores >= 64 ? ~0ull : (1ull << cores) - 1, *s;
	size_t timed = bench_slow_n(n);
	enum mtree_shape shape;
	char extra[40];
	err_t err = OK;
	int failed;

	if (mtree_best(shoot_topo(), 0, all, NULL, &shape)) {
		printf("BENCH error name=agree_commit reason=\"no tree for %u cores\"\n", cores);
		return 1;
	}
	s = malloc(timed * sizeof(*s));
	if (!s) {
		printf("BENCH error name=agree_commit reason=\"no memory for %zu samples\"\n", timed);
		return 1;
	}
	before = sent_total();
	for (size_t i = 0; i < BENCH_SLOW_WARMUP + timed && !err; i++) {
		uint64_t t0 = tsc_fenced();

		err = names_register(name, i);
		uint64_t d = tsc_fenced() - t0;
		if (!err)
			err = names_remove(name);
		if (i == BENCH_SLOW_WARMUP - 1)
			before = sent_total();
		if (i >= BENCH_SLOW_WARMUP)
			s[i - BENCH_SLOW_WARMUP] = d;
	}
	if (err) {
		printf("BENCH error name=agree_commit reason=\"a commit failed: %s\"\n", err_name(err));
		free(s);
		return 1;
	}
	/* Two commits per iteration: the register and the remove. */
	snprintf(extra, sizeof(extra), "coord_sent=%u",
		 (unsigned)((sent_total() - before) / (2 * timed)));
	failed = bench_report_cores("agree_commit", mtree_shape_name(shape), cores, s, timed, extra);
	free(s);
	return failed;
}
