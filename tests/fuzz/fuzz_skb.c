/*
 * libFuzzer target for the System Knowledge Base's store (lib/skb.c) and
 * its CPUID decoder (lib/skb_cpuid.c). The input describes a machine the
 * way the SKB hears of it: the kernel's record (MADT, SRAT, SLIT, with
 * counts that may run past their arrays and node numbers past the nodes),
 * each core's CPUID leaves (any registers, for the leaves the decoder
 * reads), and round trips; then a sequence of changes (cores up and down,
 * new round trips, new tables) and queries with any arguments. After every
 * step the store must hold together: every present core in exactly one
 * node, distances 10 on the diagonal and symmetric, every cache shared by
 * the core itself and by present cores only, every conflict a sentence;
 * a refused input must change nothing; and a tree (lib/skb_tree.c) is
 * over present cores only and reaches each member once.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "tests/fuzz/fuzz_input.h"
#include "lib/skb.h"

static const uint32_t leaves[] = { 0, 1, 4, 0xB, 0x1F, 0x40000000, 0x80000000, 0x80000008,
				   0x8000001D, 0x8000001E };

static void check(const struct skb *s)
{
	uint64_t present = skb_present(s), seen = 0;

	if (s->ncores > SKB_MAX_CORES || s->nnodes > SKB_MAX_NODES ||
	    s->nconflicts > SKB_MAX_CONFLICTS || (s->ncores && !s->nnodes))
		__builtin_trap();
	for (unsigned n = 0; n < s->nnodes; n++) {
		if (s->node[n].cores & seen)
			__builtin_trap();
		seen |= s->node[n].cores;
		for (unsigned m = 0; m < s->nnodes; m++)
			if ((n == m) != (s->dist[n][m] == 10) || s->dist[n][m] != s->dist[m][n])
				__builtin_trap();
	}
	if (seen != present)
		__builtin_trap();
	for (unsigned i = 0; i < SKB_MAX_CORES; i++) {
		const struct skb_core *c = &s->core[i];
		if ((c->present && !c->known) || (c->known && i >= s->ncores))
			__builtin_trap();
		if (c->cpu.ncaches > SKB_MAX_CACHES || c->cpu.smt_shift > c->cpu.pkg_shift ||
		    c->cpu.pkg_shift > 32 || c->llc >= (int)c->cpu.ncaches ||
		    c->cpu.vendor[12] || c->cpu.hypervisor[12])
			__builtin_trap();
		for (unsigned k = 0; c->present && k < c->cpu.ncaches; k++)
			if (!(c->sharers[k] >> i & 1) || (c->sharers[k] & ~present))
				__builtin_trap();
		if (c->known && c->node >= s->nnodes)
			__builtin_trap();
	}
	for (unsigned k = 0; k < s->nconflicts; k++)
		if (s->conflict[k].kind >= SKB_C_NKINDS || !s->conflict[k].reason[0] ||
		    strnlen(s->conflict[k].reason, SKB_REASON_MAX) == SKB_REASON_MAX)
			__builtin_trap();
}

static void cpuid_from(struct input *in, struct skb_cpuid *c)
{
	c->n = take(in, 1) % (SKB_MAX_CPUID + 2);	/* one past the limit too */
	for (unsigned i = 0; i < c->n && i < SKB_MAX_CPUID; i++) {
		struct skb_cpuid_leaf *l = &c->l[i];
		l->leaf = leaves[take(in, 1) % (sizeof(leaves) / sizeof(leaves[0]))];
		l->subleaf = take(in, 1) % 4;
		l->eax = (uint32_t)take(in, 4);
		l->ebx = (uint32_t)take(in, 4);
		l->ecx = (uint32_t)take(in, 4);
		l->edx = (uint32_t)take(in, 2);		/* small x2APIC ids meet */
	}
}

static void topo_from(struct input *in, struct kpi_topo *t)
{
	memset(t, 0, sizeof(*t));
	t->flags = (uint32_t)take(in, 1) & 0x1F;
	t->ncores = take(in, 1) % (TOPO_MAX_CORES + 2);
	t->mem_usable = take(in, 4) << 12;
	for (unsigned i = 0; i < t->ncores && i < TOPO_MAX_CORES; i++)
		t->core_apic[i] = take(in, 1) % 16;
	t->nmadt = take(in, 1) % 20;
	for (unsigned i = 0; i < t->nmadt; i++)
		t->madt_apic[i] = take(in, 1) % 24;
	t->nnodes = take(in, 1) % (TOPO_MAX_NODES + 2);
	for (unsigned i = 0; i < t->nnodes && i < TOPO_MAX_NODES; i++)
		t->node_domain[i] = take(in, 1) % 20;
	t->nsrat_cpus = take(in, 1) % 24;
	for (unsigned i = 0; i < t->nsrat_cpus; i++) {
		t->srat_cpu[i].apic_id = take(in, 1) % 24;
		t->srat_cpu[i].node = take(in, 1) % 18;
	}
	t->nmem = take(in, 1) % 6;
	for (unsigned i = 0; i < t->nmem; i++) {
		t->mem[i].base = take(in, 4) << 12;
		t->mem[i].len = take(in, 4) << 12;
		t->mem[i].node = take(in, 1) % 18;
	}
	t->slit_localities = take(in, 1) % 24;
	for (unsigned a = 0; a < TOPO_MAX_NODES; a++)
		for (unsigned b = 0; b < TOPO_MAX_NODES; b++)
			t->dist[a][b] = a == b ? 10 : 20;
	unsigned nd = take(in, 1) % 8;
	for (unsigned k = 0; k < nd; k++) {
		unsigned a = take(in, 1) % 4, b = take(in, 1) % 4;
		t->dist[a][b] = (uint8_t)take(in, 1);
	}
}

/* A change that is refused must leave the store as it was. */
static void refused_changes_nothing(const struct skb *s, const struct skb *before, err_t err)
{
	if (err && memcmp(s, before, sizeof(*s)))
		__builtin_trap();
}

/* A tree is over present cores only, reaches each member once from the
 * root, and a refusal names a core that may not take part. */
static void tree(const struct skb *s, unsigned shape, unsigned root, uint64_t members)
{
	static struct mtree t;
	struct mtree_edge e[MTREE_MAX_CORES];
	unsigned bad = 0;
	err_t err = skb_tree(s, shape, root, members, &t, &bad);
	uint64_t present = skb_present(s), reached;

	if (err == ERR_NO_SUCH_CORE || err == ERR_CORE_ABSENT) {
		if (bad < SKB_MAX_CORES && present >> bad & 1)
			__builtin_trap();
		return;
	}
	if (err)
		return;		/* an unknown shape, no root among members, distances mtree refuses */
	if (!(present >> root & 1) || (t.members & ~present) || !(t.members >> root & 1) ||
	    (members && t.members != members) || (!members && t.members != present))
		__builtin_trap();
	unsigned n = mtree_edges(&t, e, MTREE_MAX_CORES);
	reached = 1ull << root;
	for (unsigned i = 0; i < n; i++) {
		if (!(reached >> e[i].from & 1) || reached >> e[i].to & 1)
			__builtin_trap();
		reached |= 1ull << e[i].to;
	}
	if (reached != t.members)
		__builtin_trap();
}

static void query(struct input *in, const struct skb *s)
{
	unsigned a = take(in, 1) % 70, b = take(in, 1) % 20, v;
	uint64_t m, row[SKB_MAX_CORES];
	const struct skb_core *c;
	const struct skb_node *n;
	char buf[48];

	if (skb_core(s, a, &c) == OK && !c->known)
		__builtin_trap();
	if (skb_node_of(s, a, &v) == OK && v >= s->nnodes)
		__builtin_trap();
	if (skb_node(s, b, &n) == OK && b >= s->nnodes)
		__builtin_trap();
	if (skb_node_cores(s, b, &m) == OK && (m & ~skb_present(s)))
		__builtin_trap();
	if (skb_distance(s, b, a % 20, &v) == OK && (v < 10 || b >= s->nnodes))
		__builtin_trap();
	if (skb_cache_sharers(s, a, b % 5, &m) == OK && !(m >> a & 1))
		__builtin_trap();
	if (skb_rtt_row(s, a, row) == OK && row[a])
		__builtin_trap();
	m = take(in, 8);
	if (skb_check_cores(s, m, &v) == OK && (m & ~skb_present(s)))
		__builtin_trap();
	tree(s, take(in, 1) % 5, a, take(in, 1) & 1 ? m : 0);
	int len = skb_fmt_cores(m, buf, sizeof(buf));
	if (len < 0 || strnlen(buf, sizeof(buf)) != ((size_t)len < sizeof(buf) ? (size_t)len :
						      sizeof(buf) - 1))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct skb s, before;
	static struct skb_input inp;
	static struct skb_cpuid c;
	struct input in = { data, size };
	uint64_t row[SKB_MAX_CORES];
	err_t err;

	skb_init(&s);
	memset(&inp, 0, sizeof(inp));
	topo_from(&in, &inp.topo);
	unsigned n = take(&in, 1) % (SKB_MAX_CORES + 1);
	for (unsigned i = 0; i < n; i++) {
		inp.core[i].state = take(&in, 1) % 4;	/* 3 is no state */
		cpuid_from(&in, &inp.core[i].cpuid);
	}
	for (unsigned k = take(&in, 1) % 8; k; k--) {
		unsigned a = take(&in, 1) % 8, b = take(&in, 1) % 8;
		inp.rtt[a][b] = take(&in, 2);
	}
	before = s;
	err = skb_load(&s, &inp);
	refused_changes_nothing(&s, &before, err);
	check(&s);
	for (unsigned steps = 0; in.n && steps < 32; steps++) {
		unsigned op = take(&in, 1) % 6, core = take(&in, 1) % 66;
		uint32_t gen = s.generation;
		before = s;
		switch (op) {
		case 0:
			cpuid_from(&in, &c);
			err = skb_core_up(&s, core, &c);
			break;
		case 1:
			err = skb_core_down(&s, core);
			break;
		case 2:
			for (unsigned j = 0; j < SKB_MAX_CORES; j++)
				row[j] = take(&in, 1) & 1 ? take(&in, 2) : 0;
			err = skb_set_rtt(&s, core, row, take(&in, 1) % 66);
			break;
		case 3:
			topo_from(&in, &inp.topo);
			err = skb_set_topology(&s, &inp.topo);
			break;
		default:
			query(&in, &s);
			continue;
		}
		refused_changes_nothing(&s, &before, err);
		if (!err && s.generation != gen + 1)
			__builtin_trap();
		check(&s);
	}
	return 0;
}
