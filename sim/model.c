/*
 * The simulator's machines and its two calibrations (shootsim.h says what
 * each is; docs/sim.md where every number comes from).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim/shootsim.h"

/*
 * The Multikernel paper, Table 2, the 8x4-core AMD rows: URPC latency in
 * cycles and pipelined throughput in messages per kilocycle, for two
 * cores that share an L3 (0 hops), one HyperTransport hop apart, and two.
 */
const struct sim_paper_row sim_paper_8x4[3] = {
	{ 538, 277 },
	{ 613, 279 },
	{ 618, 275 },
};

static err_t refuse(err_t err, const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return err;
}

/* Hops between nodes from the links between them (Floyd-Warshall), and
 * the distances the trees order by: 10 + 6 per hop, as tests/host/
 * test_mtree.c models the paper's machines. */
static void links(struct sim_machine *mc, unsigned nn, const uint8_t (*l)[2], unsigned nl)
{
	unsigned h[MTREE_MAX_NODES][MTREE_MAX_NODES];

	for (unsigned a = 0; a < nn; a++)
		for (unsigned b = 0; b < nn; b++)
			h[a][b] = a == b ? 0 : 99;
	for (unsigned i = 0; i < nl; i++)
		h[l[i][0]][l[i][1]] = h[l[i][1]][l[i][0]] = 1;
	for (unsigned k = 0; k < nn; k++)
		for (unsigned a = 0; a < nn; a++)
			for (unsigned b = 0; b < nn; b++)
				if (h[a][k] + h[k][b] < h[a][b])
					h[a][b] = h[a][k] + h[k][b];
	for (unsigned a = 0; a < nn; a++) {
		for (unsigned b = 0; b < nn; b++) {
			mc->hops[a][b] = (uint8_t)h[a][b];
			mc->t.dist[a][b] = (uint8_t)(10 + 6 * h[a][b]);
		}
	}
}

/* The X4600's twisted ladder: rungs 0-1, 2-3, 4-5, 6-7; rails 0-2-4-6 and
 * 1-3-5-7; the ends crossed, 0-7 and 1-6. */
static void amd_ladder(struct sim_machine *mc, unsigned per_node)
{
	static const uint8_t ladder[][2] = {
		{ 0, 1 }, { 2, 3 }, { 4, 5 }, { 6, 7 }, { 0, 2 }, { 2, 4 }, { 4, 6 },
		{ 1, 3 }, { 3, 5 }, { 5, 7 }, { 0, 7 }, { 1, 6 },
	};

	mc->t.ncores = 8 * per_node;
	for (unsigned c = 0; c < mc->t.ncores; c++)
		mc->t.node[c] = mc->t.cache[c] = (uint8_t)(c / per_node);
	links(mc, 8, ladder, sizeof(ladder) / sizeof(ladder[0]));
}

/* "N,K" with nothing after. */
static bool two_numbers(const char *s, unsigned *n, unsigned *k)
{
	char *end;
	unsigned long a, b;

	if (*s < '0' || *s > '9')
		return false;
	a = strtoul(s, &end, 10);
	if (*end != ',' || end[1] < '0' || end[1] > '9')
		return false;
	b = strtoul(end + 1, &end, 10);
	if (*end || a > 1000 || b > 1000)
		return false;
	*n = (unsigned)a;
	*k = (unsigned)b;
	return true;
}

err_t sim_machine_parse(const char *spec, struct sim_machine *out, const char **why)
{
	struct sim_machine mc;
	unsigned n, k;

	if (why)
		*why = NULL;
	if (!spec || !out)
		return refuse(ERR_INVALID_ARG, why, "no machine");
	memset(&mc, 0, sizeof(mc));
	if (strcmp(spec, "amd8x4") == 0) {
		amd_ladder(&mc, 4);
	} else if (strcmp(spec, "amd8x8") == 0) {
		amd_ladder(&mc, 8);
	} else if (strncmp(spec, "qemu:", 5) == 0) {
		if (!two_numbers(spec + 5, &n, &k))
			return refuse(ERR_INVALID_ARG, why, "qemu:N,K wants two numbers, cores and nodes");
		if (n < 1 || n > SIM_MAX_CORES)
			return refuse(ERR_INVALID_ARG, why, "qemu:N,K: N must be 1 to 64 cores");
		if (k < 1 || k > n || k > MTREE_MAX_NODES)
			return refuse(ERR_INVALID_ARG, why, "qemu:N,K: K must be 1 to N nodes, at most 16");
		/* tools/qemu.py: node i gets N / K cores from i x (N / K); the
		 * last node also takes the rest. */
		mc.t.ncores = n;
		for (unsigned c = 0; c < n; c++) {
			unsigned node = c / (n / k);

			mc.t.node[c] = (uint8_t)(node < k ? node : k - 1);
		}
		for (unsigned a = 0; a < k; a++) {
			for (unsigned b = 0; b < k; b++) {
				mc.t.dist[a][b] = a == b ? MTREE_LOCAL : 21;
				mc.hops[a][b] = a != b;
			}
		}
	} else {
		return refuse(ERR_NOT_FOUND, why, "no such machine (amd8x4, amd8x8, qemu:N,K)");
	}
	snprintf(mc.name, sizeof(mc.name), "%s", spec);
	*out = mc;
	return OK;
}

unsigned sim_paper_occupancy_permille(void)
{
	unsigned o = (100000 + sim_paper_8x4[0].msgs_per_kcycle_x100 / 2) /
		     sim_paper_8x4[0].msgs_per_kcycle_x100;

	return (o * 1000 + sim_paper_8x4[0].latency / 2) / sim_paper_8x4[0].latency;
}

void sim_costs_paper(const struct sim_machine *mc, struct sim_costs *out)
{
	const struct mtree_topo *t = &mc->t;
	unsigned grow = (sim_paper_8x4[2].latency - sim_paper_8x4[0].latency) / 2;

	memset(out, 0, sizeof(*out));
	out->ncores = t->ncores;
	out->flush = SIM_PAPER_FLUSH;
	for (unsigned a = 0; a < t->ncores; a++) {
		for (unsigned b = 0; b < t->ncores; b++) {
			unsigned h = mc->hops[t->node[a]][t->node[b]];
			const struct sim_paper_row *row = &sim_paper_8x4[h < 2 ? h : 2];
			/* o = 1000 / throughput, rounded. */
			unsigned o = (100000 + row->msgs_per_kcycle_x100 / 2) /
				     row->msgs_per_kcycle_x100;

			out->send[a][b] = o / 2;
			out->recv[a][b] = o - o / 2;
			out->prop[a][b] = row->latency - o + (h > 2 ? (h - 2) * grow : 0);
		}
	}
}

void sim_costs_rtt(unsigned ncores, const uint32_t rtt[SIM_MAX_CORES][SIM_MAX_CORES],
		   unsigned occupancy_permille, uint32_t flush, struct sim_costs *out)
{
	uint32_t nearest = UINT32_MAX, busy;

	memset(out, 0, sizeof(*out));
	out->ncores = ncores;
	out->flush = flush;
	for (unsigned a = 0; a < ncores; a++)
		for (unsigned b = 0; b < ncores; b++)
			if (a != b && rtt[a][b] / 2 < nearest)
				nearest = rtt[a][b] / 2;
	if (occupancy_permille > 1000)
		occupancy_permille = 1000;
	busy = ncores > 1 ? (uint32_t)((uint64_t)nearest * occupancy_permille / 1000) : 0;
	for (unsigned a = 0; a < ncores; a++) {
		for (unsigned b = 0; b < ncores; b++) {
			if (a == b)
				continue;
			out->send[a][b] = busy / 2;
			out->recv[a][b] = busy - busy / 2;
			/* busy <= nearest <= this pair's one-way time. */
			out->prop[a][b] = rtt[a][b] / 2 - busy;
		}
	}
}

static err_t bad_line(char *why, unsigned whylen, unsigned line, const char *what)
{
	if (why && whylen)
		snprintf(why, whylen, "line %u: %s", line, what);
	return ERR_INVALID_ARG;
}

/* One decimal number at *p, at most max; moves *p past it. */
static bool number(const char **p, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	const char *s = *p;

	if (*s < '0' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (unsigned long)(*s++ - '0');
		if (v > max)
			return false;
	}
	*p = s;
	*out = v;
	return true;
}

err_t sim_rtt_parse(const char *text, uint32_t rtt[SIM_MAX_CORES][SIM_MAX_CORES],
		    unsigned *ncores, char *why, unsigned whylen)
{
	static uint32_t got[SIM_MAX_CORES][SIM_MAX_CORES];
	unsigned line = 0, n = 0;
	bool pairs = false;	/* a pair seen: no header any more */
	const char *p = text;

	if (why && whylen)
		why[0] = 0;
	if (!text || !rtt || !ncores)
		return bad_line(why, whylen, 0, "no input");
	memset(got, 0, sizeof(got));
	while (*p) {
		const char *eol = strchr(p, '\n');
		const char *end = eol ? eol : p + strlen(p);
		unsigned long from, to, cycles;
		const char *q = p;

		line++;
		if (end > p && end[-1] == '\r')
			end--;
		if (end == p || *p == '#' ||
		    ((size_t)(end - p) == 14 && strncmp(p, "from,to,cycles", 14) == 0 && !pairs))
			goto next;
		if (!number(&q, SIM_MAX_CORES - 1, &from) || *q++ != ',' ||
		    !number(&q, SIM_MAX_CORES - 1, &to) || *q++ != ',' ||
		    !number(&q, 1000000000, &cycles) || q != end)
			return bad_line(why, whylen, line,
					"not `from,to,cycles` (cores 0 to 63, cycles at most 10^9)");
		if (from == to)
			return bad_line(why, whylen, line, "a round trip from a core to itself");
		if (cycles == 0)
			return bad_line(why, whylen, line, "a round trip of 0 cycles");
		if (got[from][to])
			return bad_line(why, whylen, line, "this pair was given before");
		got[from][to] = (uint32_t)cycles;
		pairs = true;
		if (from + 1 > n)
			n = (unsigned)from + 1;
		if (to + 1 > n)
			n = (unsigned)to + 1;
next:
		p = eol ? eol + 1 : p + strlen(p);
	}
	if (n < 2)
		return bad_line(why, whylen, line, "no round trips between two cores");
	for (unsigned a = 0; a < n; a++) {
		for (unsigned b = 0; b < n; b++) {
			if (a != b && !got[a][b] && !got[b][a]) {
				if (why && whylen)
					snprintf(why, whylen, "no round trip between cores %u and %u", a, b);
				return ERR_INVALID_ARG;
			}
		}
	}
	memset(rtt, 0, sizeof(uint32_t) * SIM_MAX_CORES * SIM_MAX_CORES);
	for (unsigned a = 0; a < n; a++)
		for (unsigned b = 0; b < n; b++)
			if (a != b)
				rtt[a][b] = got[a][b] ? got[a][b] : got[b][a];
	*ncores = n;
	return OK;
}
