/*
 * build/sim/agree: one two-phase commit of lib/agree.c, simulated
 * (`make sim`; docs/sim.md, "Agreement"). For each core count and each of
 * the four tree shapes it builds the view's tree with lib/mtree.c from
 * root 0 (the coordinator) over the first N cores, submits one operation
 * at the coordinator and one at the last core, and prints per commit:
 * the cycles until the origin hears the commit and the messages, those
 * between nodes and the rounds on the critical path.
 *
 *	agree				the paper's 8x4-core AMD, 2 to 32 cores,
 *					and 64 on amd8x8; the paper's costs
 *	agree --machine SPEC		that machine (sim/shootsim.h's names)
 *	agree --csv FILE		also one line per run
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/agree.h"
#include "sim/agreesim.h"

static uint64_t first(unsigned n)
{
	return n >= 64 ? ~0ull : (1ull << n) - 1;
}

static void run(const struct sim_machine *mc, const struct sim_costs *c, enum mtree_shape s,
		unsigned n, unsigned origin, struct sim_agree_result *r)
{
	const char *why = NULL;
	struct mtree m;
	err_t err = mtree_check(&mc->t, s, 0, first(n), &why);

	if (err || (err = mtree_build(&mc->t, s, 0, first(n), &m))) {
		fprintf(stderr, "agree: %s %s on %u cores: %s\n", mc->name, mtree_shape_name(s), n,
			why ? why : err_name(err));
		exit(1);
	}
	if ((err = sim_agree(&m, &mc->t, c, origin, r))) {
		fprintf(stderr, "agree: %s %s on %u cores, origin %u: the simulation failed: %s\n",
			mc->name, mtree_shape_name(s), n, origin, err_name(err));
		exit(2);
	}
}

int main(int argc, char **argv)
{
	static struct sim_machine mcs[2];
	static struct sim_costs cs[2];
	const char *spec = NULL, *csv_path = NULL, *why;
	unsigned nmc = 1;
	FILE *csv = NULL;

	for (int i = 1; i < argc; i++) {
		if (i + 1 < argc && strcmp(argv[i], "--machine") == 0)
			spec = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--csv") == 0)
			csv_path = argv[++i];
		else {
			fprintf(stderr, "usage: agree [--machine amd8x4|amd8x8|qemu:N,K] [--csv FILE]\n");
			return 1;
		}
	}
	if (sim_machine_parse(spec ? spec : "amd8x4", &mcs[0], &why)) {
		fprintf(stderr, "agree: --machine %s: %s\n", spec, why);
		return 1;
	}
	if (!spec) {
		sim_machine_parse("amd8x8", &mcs[1], &why);	/* only for 64 cores */
		nmc = 2;
	}
	for (unsigned i = 0; i < nmc; i++)
		sim_costs_paper(&mcs[i], &cs[i]);
	if (csv_path && !(csv = fopen(csv_path, "w"))) {
		perror(csv_path);
		return 1;
	}
	if (csv)
		fprintf(csv, "machine,shape,cores,origin,commit_cycles,applied_cycles,msgs,cross_node,rounds\n");
	printf("One two-phase commit (lib/agree.c), simulated: cycles until the origin hears the\n"
	       "commit, and msgs/cross_node/rounds; paper's costs (Multikernel, Table 2).\n"
	       "Origin: the coordinator (core 0), then the last core (a SUBMIT first).\n");
	printf("%5s %-8s %-6s", "cores", "machine", "origin");
	for (unsigned s = 0; s < MTREE_NSHAPES; s++)
		printf(" %18s", mtree_shape_name((enum mtree_shape)s));
	printf("\n");
	for (unsigned i = 0; i < nmc; i++) {
		const struct sim_machine *mc = &mcs[i];
		unsigned from = i == 0 ? 2 : mc->t.ncores;
		unsigned to = i == 0 && nmc == 2 ? 32 : mc->t.ncores;

		for (unsigned n = from; n <= to; n++) {
			for (unsigned o = 0; o < 2; o++) {
				unsigned origin = o ? n - 1 : 0;

				printf("%5u %-8s %-6u", n, mc->name, origin);
				for (unsigned s = 0; s < MTREE_NSHAPES; s++) {
					struct sim_agree_result r;
					char cnt[24];

					run(mc, &cs[i], (enum mtree_shape)s, n, origin, &r);
					snprintf(cnt, sizeof(cnt), "%u/%u/%u", r.msgs, r.cross_node,
						 r.rounds);
					printf(" %7llu %10s", (unsigned long long)r.committed, cnt);
					if (csv)
						fprintf(csv, "\"%s\",%s,%u,%u,%llu,%llu,%u,%u,%u\n",
							mc->name, mtree_shape_name((enum mtree_shape)s),
							n, origin, (unsigned long long)r.committed,
							(unsigned long long)r.applied, r.msgs,
							r.cross_node, r.rounds);
				}
				printf("\n");
			}
		}
	}
	if (csv && fclose(csv) != 0) {
		perror(csv_path);
		return 1;
	}
	return 0;
}
