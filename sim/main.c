/*
 * build/sim/shootdown: the paper's unmap figure, simulated (`make sim`;
 * docs/sim.md). For each core count and each of the four shapes it builds
 * the tree with lib/mtree.c from root 0 over the first N cores, runs the
 * shootdown through sim/shootsim.c, checks the simulation's counts against
 * mtree_cost() (exit status 2 if they differ), prints a table and, with
 * --csv, writes one line per run.
 *
 *	shootdown				the paper's machine, 2 to 32 cores,
 *						and 64 on amd8x8; the paper's costs
 *	shootdown --machine SPEC		that machine, 2 to all its cores
 *	shootdown --machine SPEC --rtt FILE	with costs from a measured round-
 *						trip matrix (`from,to,cycles`)
 *	shootdown --machine SPEC --counts SHAPE N [--root R] [--members 0xMASK]
 *						one run over the first N cores (or
 *						those of the mask); prints its
 *						counts and latency on one line
 * --flush N sets a member's flush cycles; --occupancy P the share (per
 * mille) of the nearest pair's one-way time that sender and receiver
 * spend, with --rtt (default: the paper's, 671).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim/shootsim.h"

struct opts {
	const char *machine, *rtt, *csv, *counts_shape;
	unsigned counts_n, root, flush, occupancy;
	uint64_t members;	/* --members; 0: the first counts_n cores */
	bool flush_set;
};

struct run_out {
	struct sim_result r;
	struct mtree_cost want;
};

static void usage(void)
{
	fprintf(stderr,
		"usage: shootdown [--machine amd8x4|amd8x8|qemu:N,K] [--rtt FILE] [--flush N]\n"
		"                 [--occupancy PERMILLE] [--csv FILE]\n"
		"                 [--counts SHAPE N [--root R] [--members HEXMASK]]\n");
	exit(1);
}

static unsigned num(const char *s, const char *what, unsigned max)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s < '0' || *s > '9' || *end || v > max) {
		fprintf(stderr, "shootdown: %s: %s is not a number from 0 to %u\n", what, s, max);
		exit(1);
	}
	return (unsigned)v;
}

static uint64_t hexmask(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 16);

	if (strncmp(s, "0x", 2) != 0 || !s[2] || *end || !v) {
		fprintf(stderr, "shootdown: --members: %s is not a mask of cores like 0xff\n", s);
		exit(1);
	}
	return v;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f) {
		perror(path);
		exit(1);
	}
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || n > (1 << 20) ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fprintf(stderr, "shootdown: %s: cannot read it, or it is above 1 MiB\n", path);
		exit(1);
	}
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "shootdown: %s: read failed\n", path);
		exit(1);
	}
	buf[n] = 0;
	fclose(f);
	if (memchr(buf, 0, (size_t)n)) {
		fprintf(stderr, "shootdown: %s: not text (a NUL byte)\n", path);
		exit(1);
	}
	return buf;
}

static uint64_t first(unsigned n)
{
	return n >= 64 ? ~0ull : (1ull << n) - 1;
}

/* One run: shape s from root over members (n of them). Exits on an error,
 * and with status 2 when the simulation's counts are not mtree_cost's. */
static void run_one(const struct sim_machine *mc, const struct sim_costs *c, enum mtree_shape s,
		    unsigned n, uint64_t members, unsigned root, struct run_out *out)
{
	const char *why;
	struct mtree m;
	err_t err = mtree_check(&mc->t, s, root, members, &why);

	if (err || (err = mtree_build(&mc->t, s, root, members, &m))) {
		fprintf(stderr, "shootdown: %s %s on %u cores, root %u: %s\n", mc->name,
			mtree_shape_name(s), n, root, why ? why : err_name(err));
		exit(1);
	}
	err = sim_shootdown(&m, &mc->t, c, &out->r);
	if (err) {
		fprintf(stderr, "shootdown: %s %s on %u cores: the simulation failed: %s\n",
			mc->name, mtree_shape_name(s), n, err_name(err));
		exit(2);
	}
	mtree_cost(&m, &mc->t, &out->want);
	if (out->r.msgs != out->want.msgs || out->r.cross_node != out->want.cross_node ||
	    out->r.rounds != out->want.rounds) {
		fprintf(stderr, "shootdown: %s %s on %u cores: simulated msgs=%u cross_node=%u "
			"rounds=%u, but mtree_cost says msgs=%u cross_node=%u rounds=%u\n",
			mc->name, mtree_shape_name(s), n, out->r.msgs, out->r.cross_node,
			out->r.rounds, out->want.msgs, out->want.cross_node, out->want.rounds);
		exit(2);
	}
}

static void machine(const char *spec, struct sim_machine *mc)
{
	const char *why;

	if (sim_machine_parse(spec, mc, &why)) {
		fprintf(stderr, "shootdown: --machine %s: %s\n", spec, why);
		exit(1);
	}
}

/* The costs for mc: from the matrix in o->rtt, else the paper's. */
static const char *costs(const struct opts *o, const struct sim_machine *mc, struct sim_costs *c)
{
	if (o->rtt) {
		static uint32_t rtt[SIM_MAX_CORES][SIM_MAX_CORES];
		char why[160], *text = read_file(o->rtt);
		unsigned n;

		if (sim_rtt_parse(text, rtt, &n, why, sizeof(why))) {
			fprintf(stderr, "shootdown: %s: %s\n", o->rtt, why);
			exit(1);
		}
		free(text);
		if (n != mc->t.ncores) {
			fprintf(stderr, "shootdown: %s has round trips of %u cores, but %s has %u\n",
				o->rtt, n, mc->name, mc->t.ncores);
			exit(1);
		}
		sim_costs_rtt(n, rtt, o->occupancy, o->flush_set ? o->flush : SIM_PAPER_FLUSH, c);
		return "rtt";
	}
	sim_costs_paper(mc, c);
	if (o->flush_set)
		c->flush = o->flush;
	return "paper";
}

static void counts_mode(const struct opts *o)
{
	static struct sim_machine mc;
	static struct sim_costs c;
	enum mtree_shape s;
	struct run_out r;

	machine(o->machine ? o->machine : "amd8x4", &mc);
	if (mtree_shape_parse(o->counts_shape, &s)) {
		fprintf(stderr, "shootdown: --counts %s: not broadcast, unicast, multicast or numa\n",
			o->counts_shape);
		exit(1);
	}
	if (o->counts_n < 1 || o->counts_n > mc.t.ncores) {
		fprintf(stderr, "shootdown: --counts: %u cores, but %s has 1 to %u\n", o->counts_n,
			mc.name, mc.t.ncores);
		exit(1);
	}
	if (o->members && (unsigned)__builtin_popcountll(o->members) != o->counts_n) {
		fprintf(stderr, "shootdown: --members %#llx holds %d cores, not %u\n",
			(unsigned long long)o->members, __builtin_popcountll(o->members), o->counts_n);
		exit(1);
	}
	costs(o, &mc, &c);
	run_one(&mc, &c, s, o->counts_n, o->members ? o->members : first(o->counts_n), o->root, &r);
	printf("machine=%s protocol=%s cores=%u root=%u members=%#llx msgs=%u cross_node=%u "
	       "rounds=%u latency=%llu\n", mc.name, mtree_shape_name(s), o->counts_n, o->root,
	       (unsigned long long)(o->members ? o->members : first(o->counts_n)), r.r.msgs,
	       r.r.cross_node, r.r.rounds, (unsigned long long)r.r.latency);
}

/* The sweep: a table on stdout, and the CSV. */
static void sweep(const struct opts *o)
{
	static struct sim_machine mcs[2];
	static struct sim_costs cs[2];
	const char *cal = NULL;
	unsigned nmc = 1, lowest = 2;
	FILE *csv = NULL;

	if (o->machine) {
		machine(o->machine, &mcs[0]);
	} else {
		machine("amd8x4", &mcs[0]);
		machine("amd8x8", &mcs[1]);	/* only for 64 cores */
		nmc = 2;
	}
	for (unsigned i = 0; i < nmc; i++)
		cal = costs(o, &mcs[i], &cs[i]);
	if (mcs[0].t.ncores < 2)
		lowest = 1;
	if (o->csv) {
		csv = fopen(o->csv, "w");
		if (!csv) {
			perror(o->csv);
			exit(1);
		}
		fprintf(csv, "calibration,machine,shape,cores,latency_cycles,msgs,cross_node,rounds\n");
	}
	printf("TLB shootdown latency, simulated (cycles; %s costs: %s); counts msgs/cross_node/rounds\n",
	       cal, strcmp(cal, "paper") == 0 ?
	       "Multikernel paper, Table 2, 8x4-core AMD" : o->rtt);
	printf("%5s %-10s", "cores", "machine");
	for (unsigned s = 0; s < MTREE_NSHAPES; s++)
		printf(" %18s", mtree_shape_name((enum mtree_shape)s));
	printf("  %-16s %s\n", "fastest", "mtree_best");
	for (unsigned i = 0; i < nmc; i++) {
		const struct sim_machine *mc = &mcs[i];
		unsigned from = i == 0 ? lowest : mc->t.ncores;
		unsigned to = i == 0 && nmc == 2 ? 32 : mc->t.ncores;

		for (unsigned n = from; n <= to; n++) {
			uint64_t members = first(n);
			uint64_t lat[MTREE_NSHAPES], best_lat = UINT64_MAX;
			enum mtree_shape chosen;
			char fastest[48] = "";
			struct run_out r[MTREE_NSHAPES];

			/* All four runs first: an error then stands on a line of its own. */
			for (unsigned s = 0; s < MTREE_NSHAPES; s++)
				run_one(mc, &cs[i], (enum mtree_shape)s, n, members, 0, &r[s]);
			printf("%5u %-10s", n, mc->name);
			for (unsigned s = 0; s < MTREE_NSHAPES; s++) {
				char cnt[24];

				snprintf(cnt, sizeof(cnt), "%u/%u/%u", r[s].r.msgs, r[s].r.cross_node,
					 r[s].r.rounds);
				printf(" %7llu %10s", (unsigned long long)r[s].r.latency, cnt);
				lat[s] = r[s].r.latency;
				if (lat[s] < best_lat)
					best_lat = lat[s];
				/* The machine is quoted: qemu:N,K has a comma. */
				if (csv)
					fprintf(csv, "%s,\"%s\",%s,%u,%llu,%u,%u,%u\n", cal, mc->name,
						mtree_shape_name((enum mtree_shape)s), n,
						(unsigned long long)lat[s], r[s].r.msgs,
						r[s].r.cross_node, r[s].r.rounds);
			}
			/* The fastest shapes, ties joined by '='. */
			for (unsigned s = 0; s < MTREE_NSHAPES; s++)
				if (lat[s] == best_lat)
					snprintf(fastest + strlen(fastest), sizeof(fastest) - strlen(fastest),
						 "%s%s", fastest[0] ? "=" : "",
						 mtree_shape_name((enum mtree_shape)s));
			mtree_best(&mc->t, 0, members, NULL, &chosen);
			printf("  %-16s %s\n", fastest, mtree_shape_name(chosen));
		}
	}
	if (csv && fclose(csv) != 0) {
		perror(o->csv);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	struct opts o = { .occupancy = sim_paper_occupancy_permille() };

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (i + 1 >= argc)
			usage();
		if (strcmp(a, "--machine") == 0)
			o.machine = argv[++i];
		else if (strcmp(a, "--rtt") == 0)
			o.rtt = argv[++i];
		else if (strcmp(a, "--csv") == 0)
			o.csv = argv[++i];
		else if (strcmp(a, "--root") == 0)
			o.root = num(argv[++i], "--root", SIM_MAX_CORES - 1);
		else if (strcmp(a, "--flush") == 0)
			o.flush = num(argv[++i], "--flush", 1000000000), o.flush_set = true;
		else if (strcmp(a, "--members") == 0)
			o.members = hexmask(argv[++i]);
		else if (strcmp(a, "--occupancy") == 0)
			o.occupancy = num(argv[++i], "--occupancy", 1000);
		else if (strcmp(a, "--counts") == 0 && i + 2 < argc) {
			o.counts_shape = argv[++i];
			o.counts_n = num(argv[++i], "--counts", SIM_MAX_CORES);
		} else
			usage();
	}
	if (o.rtt && !o.machine) {
		fprintf(stderr, "shootdown: --rtt needs --machine: the cores' nodes, which the "
			"matrix does not say\n");
		return 1;
	}
	if (o.counts_shape)
		counts_mode(&o);
	else
		sweep(&o);
	return 0;
}
