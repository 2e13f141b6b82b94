/*
 * The System Knowledge Base's store (lib/skb.h, docs/skb.md): inputs in,
 * facts out, each disagreement between sources written down with what
 * was done about it.
 *
 * derive() makes every fact from the inputs, in this order, each step
 * using only what the steps before it settled:
 *
 *   1. cores: which are known and present, and their APIC ids (CPUID
 *      against the kernel's and the MADT's);
 *   2. nodes: the SRAT's, checked against the cores (or one node);
 *   3. distances: the SLIT's, checked (or 10 within a node, 20 between);
 *   4. caches: who shares each, among present cores;
 *   5. what the machine runs under (for the round trips' meaning).
 */
#include "lib/fmt.h"
#include "lib/skb.h"
#include "lib/string.h"

static void conflict(struct skb *s, unsigned kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void conflict(struct skb *s, unsigned kind, const char *fmt, ...)
{
	va_list ap;

	if (s->nconflicts == SKB_MAX_CONFLICTS) {
		s->conflicts_dropped++;
		return;
	}
	struct skb_conflict *c = &s->conflict[s->nconflicts++];
	c->kind = kind;
	va_start(ap, fmt);
	fmt_vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
}

/* ---- Checking the inputs ---- */

static err_t check_topo(const struct kpi_topo *t)
{
	if (t->ncores > TOPO_MAX_CORES || t->nmadt > TOPO_MAX_APICS ||
	    t->nnodes > TOPO_MAX_NODES || t->nsrat_cpus > TOPO_MAX_APICS ||
	    t->nmem > TOPO_MAX_MEM || t->flags & ~(TOPO_ACPI | TOPO_MADT | TOPO_SRAT | TOPO_SLIT))
		return ERR_INVALID_ARG;
	if ((t->nsrat_cpus || t->nmem) && !t->nnodes)
		return ERR_INVALID_ARG;		/* entries of nodes that are not there */
	for (unsigned i = 0; i < t->nsrat_cpus; i++)
		if (t->srat_cpu[i].node >= t->nnodes)
			return ERR_INVALID_ARG;
	for (unsigned i = 0; i < t->nmem; i++)
		if (t->mem[i].node >= t->nnodes)
			return ERR_INVALID_ARG;
	return OK;
}

static err_t check_input(const struct skb_input *in)
{
	err_t err = check_topo(&in->topo);

	if (err)
		return err;
	for (unsigned i = 0; i < SKB_MAX_CORES; i++) {
		if (in->core[i].state > SKB_CORE_GONE || in->core[i].cpuid.n > SKB_MAX_CPUID)
			return ERR_INVALID_ARG;
		if (in->rtt[i][i])
			return ERR_INVALID_ARG;	/* no round trip to itself */
	}
	return OK;
}

/* ---- 1. Cores ---- */

static bool in_madt(const struct kpi_topo *t, uint32_t apic)
{
	for (unsigned i = 0; i < t->nmadt; i++)
		if (t->madt_apic[i] == apic)
			return true;
	return false;
}

static void derive_cores(struct skb *s)
{
	const struct kpi_topo *t = &s->in.topo;
	bool madt = t->flags & TOPO_MADT;

	for (unsigned i = 0; i < SKB_MAX_CORES; i++) {
		struct skb_core *c = &s->core[i];
		bool started = i < t->ncores;
		uint32_t state = s->in.core[i].state;

		c->llc = -1;
		c->reported = state != SKB_CORE_NONE;
		c->known = started || c->reported;
		if (!c->known)
			continue;
		s->ncores = i + 1;
		c->apic_id = started ? t->core_apic[i] : 0;
		if (!c->reported) {
			conflict(s, SKB_C_NO_CPUID,
				 "core %u (APIC id %u) was started but sent no CPUID facts; it is not present",
				 i, c->apic_id);
			continue;
		}
		skb_cpuid_decode(&s->in.core[i].cpuid, &c->cpu);	/* checked: n fits */
		if (c->cpu.bad)
			conflict(s, SKB_C_CPUID, "core %u: %s", i, c->cpu.bad);
		if (started && c->cpu.apic_id != t->core_apic[i])
			conflict(s, SKB_C_APIC_MISMATCH,
				 "core %u: CPUID says APIC id %u, the kernel started it as %u; CPUID's is used",
				 i, c->cpu.apic_id, t->core_apic[i]);
		else if (!started)
			conflict(s, SKB_C_APIC_MISMATCH,
				 "core %u (APIC id %u) sent CPUID facts, but the kernel started no such core; CPUID's facts are used",
				 i, c->cpu.apic_id);
		c->apic_id = c->cpu.apic_id;
		if (madt && !in_madt(t, c->apic_id))
			conflict(s, SKB_C_NOT_IN_MADT,
				 "core %u's APIC id %u (CPUID) is not in the MADT; CPUID's facts are used",
				 i, c->apic_id);
		c->present = state == SKB_CORE_UP;
		c->thread = c->apic_id & ((1u << c->cpu.smt_shift) - 1);
		c->core = c->cpu.pkg_shift >= 32 ? 0 :
			  (c->apic_id >> c->cpu.smt_shift) &
			  ((1u << (c->cpu.pkg_shift - c->cpu.smt_shift)) - 1);
		c->package = c->cpu.pkg_shift >= 32 ? 0 : c->apic_id >> c->cpu.pkg_shift;
	}
	/* Two present cores cannot be one: the later one is left out. */
	for (unsigned i = 0; i < s->ncores; i++)
		for (unsigned j = i + 1; j < s->ncores; j++)
			if (s->core[i].present && s->core[j].present &&
			    s->core[i].apic_id == s->core[j].apic_id) {
				conflict(s, SKB_C_DUPLICATE_APIC,
					 "cores %u and %u both say APIC id %u; core %u is left out",
					 i, j, s->core[i].apic_id, j);
				s->core[j].present = false;
			}
}

/* ---- 2. Nodes ---- */

/* The SRAT's node of an APIC id: the first entry for it; -1 if none. */
static int srat_node(const struct kpi_topo *t, uint32_t apic)
{
	for (unsigned i = 0; i < t->nsrat_cpus; i++)
		if (t->srat_cpu[i].apic_id == apic)
			return (int)t->srat_cpu[i].node;
	return -1;
}

static bool core_has_apic(const struct skb *s, uint32_t apic)
{
	for (unsigned i = 0; i < s->ncores; i++)
		if (s->core[i].known && s->core[i].apic_id == apic)
			return true;
	return in_madt(&s->in.topo, apic);
}

static void one_node(struct skb *s)
{
	const struct kpi_topo *t = &s->in.topo;

	s->nnodes = 1;
	s->flags &= ~SKB_F_NUMA;
	s->node[0] = (struct skb_node){ 0 };
	for (unsigned i = 0; i < t->nmem; i++) {
		s->node[0].memory += t->mem[i].len;
		s->node[0].nranges++;
	}
	if (!t->nmem)
		s->node[0].memory = t->mem_usable;
	for (unsigned i = 0; i < s->ncores; i++)
		s->core[i].node = 0;
}

static void derive_nodes(struct skb *s)
{
	const struct kpi_topo *t = &s->in.topo;
	bool placed = true;

	if (!(t->flags & TOPO_SRAT) || t->nnodes == 0) {
		one_node(s);
		return;
	}
	for (unsigned i = 0; i < t->nsrat_cpus; i++) {
		uint32_t apic = t->srat_cpu[i].apic_id;
		int first = srat_node(t, apic);
		if (!core_has_apic(s, apic))
			conflict(s, SKB_C_SRAT_UNKNOWN_APIC,
				 "the SRAT puts APIC id %u in node %u, but no core has that APIC id; the entry is ignored",
				 apic, t->srat_cpu[i].node);
		else if ((unsigned)first != t->srat_cpu[i].node)
			conflict(s, SKB_C_SRAT_DUPLICATE,
				 "the SRAT puts APIC id %u in nodes %d and %u; the first stands",
				 apic, first, t->srat_cpu[i].node);
	}
	for (unsigned i = 0; i < s->ncores; i++) {
		struct skb_core *c = &s->core[i];
		int node = c->known ? srat_node(t, c->apic_id) : 0;
		if (node < 0) {
			conflict(s, SKB_C_SRAT_MISSING_CORE,
				 "core %u (APIC id %u) is in no SRAT entry; every core is put in one node",
				 i, c->apic_id);
			placed = false;
		}
		c->node = node < 0 ? 0 : (uint32_t)node;
	}
	if (!placed) {
		one_node(s);
		return;
	}
	s->flags |= SKB_F_NUMA;
	s->nnodes = t->nnodes;
	for (unsigned n = 0; n < t->nnodes; n++)
		s->node[n] = (struct skb_node){ .domain = t->node_domain[n] };
	for (unsigned i = 0; i < t->nmem; i++) {
		s->node[t->mem[i].node].memory += t->mem[i].len;
		s->node[t->mem[i].node].nranges++;
	}
}

/* ---- 3. Distances ---- */

static void default_distances(struct skb *s)
{
	s->flags &= ~SKB_F_SLIT;
	for (unsigned a = 0; a < SKB_MAX_NODES; a++)
		for (unsigned b = 0; b < SKB_MAX_NODES; b++)
			s->dist[a][b] = a == b ? 10 : 20;
}

static bool slit_sound(struct skb *s)
{
	const struct kpi_topo *t = &s->in.topo;
	uint32_t top = 0;

	for (unsigned n = 0; n < s->nnodes; n++)
		if (t->node_domain[n] > top)
			top = t->node_domain[n];
	if (t->slit_localities <= top) {
		conflict(s, SKB_C_SLIT_SIZE,
			 "the SLIT is %ux%u, but the SRAT names proximity domain %u; distances 10 and 20 are used",
			 t->slit_localities, t->slit_localities, top);
		return false;
	}
	if (t->slit_localities > top + 1)
		conflict(s, SKB_C_SLIT_SIZE,
			 "the SLIT is %ux%u for proximity domains up to %u; the rows of the SRAT's domains are used",
			 t->slit_localities, t->slit_localities, top);
	for (unsigned a = 0; a < s->nnodes; a++) {
		if (t->dist[a][a] != 10) {
			conflict(s, SKB_C_SLIT_DIAGONAL,
				 "the SLIT gives node %u a distance of %u to itself, not 10; distances 10 and 20 are used",
				 a, t->dist[a][a]);
			return false;
		}
		for (unsigned b = 0; b < s->nnodes; b++) {
			if (a == b)
				continue;
			if (t->dist[a][b] <= 10) {
				conflict(s, SKB_C_SLIT_RANGE,
					 "the SLIT gives nodes %u and %u a distance of %u, not above 10; distances 10 and 20 are used",
					 a, b, t->dist[a][b]);
				return false;
			}
			if (t->dist[a][b] != t->dist[b][a]) {
				conflict(s, SKB_C_SLIT_ASYMMETRIC,
					 "the SLIT's distance from node %u to %u is %u, back %u; distances 10 and 20 are used",
					 a, b, t->dist[a][b], t->dist[b][a]);
				return false;
			}
		}
	}
	return true;
}

static void derive_distances(struct skb *s)
{
	const struct kpi_topo *t = &s->in.topo;

	default_distances(s);
	if (!(s->flags & SKB_F_NUMA) || !(t->flags & TOPO_SLIT) || !slit_sound(s))
		return;
	s->flags |= SKB_F_SLIT;
	for (unsigned a = 0; a < s->nnodes; a++)
		for (unsigned b = 0; b < s->nnodes; b++)
			s->dist[a][b] = t->dist[a][b];
}

/* ---- 4. Caches ---- */

/* Which of core c's caches of its level and type cache k is: 0 for the
 * first, and so on (CPUID lists one of each on every CPU seen, but need
 * not). */
static unsigned nth(const struct skb_core *c, unsigned k)
{
	unsigned n = 0;

	for (unsigned x = 0; x < k; x++)
		n += c->cpu.cache[x].level == c->cpu.cache[k].level &&
		     c->cpu.cache[x].type == c->cpu.cache[k].type;
	return n;
}

/* Core j's n-th cache of the level and type of k, if it has one. */
static const struct skb_cache *same_cache(const struct skb_core *j, const struct skb_cache *k,
					  unsigned n)
{
	for (unsigned x = 0; x < j->cpu.ncaches; x++)
		if (j->cpu.cache[x].level == k->level && j->cpu.cache[x].type == k->type && !n--)
			return &j->cpu.cache[x];
	return NULL;
}

static uint32_t cache_id(uint32_t apic, unsigned shift)
{
	return shift >= 32 ? 0 : apic >> shift;
}

static void derive_caches(struct skb *s)
{
	for (unsigned i = 0; i < s->ncores; i++) {
		struct skb_core *c = &s->core[i];
		for (unsigned k = 0; c->present && k < c->cpu.ncaches; k++) {
			const struct skb_cache *mine = &c->cpu.cache[k];
			for (unsigned j = 0; j < s->ncores; j++) {
				const struct skb_cache *theirs = s->core[j].present ?
					same_cache(&s->core[j], mine, nth(c, k)) : NULL;
				if (theirs && cache_id(c->apic_id, mine->shift) ==
					      cache_id(s->core[j].apic_id, theirs->shift))
					c->sharers[k] |= 1ull << j;
			}
			if (mine->type != SKB_CACHE_INST &&
			    (c->llc < 0 || mine->level > c->cpu.cache[c->llc].level))
				c->llc = (int)k;
		}
	}
}

/* ---- Putting it together ---- */

static void derive(struct skb *s)
{
	struct skb_input *in = &s->in;

	s->ncores = 0;
	s->nnodes = 0;
	s->flags = in->topo.flags & TOPO_ACPI ? SKB_F_ACPI : 0;
	s->nconflicts = s->conflicts_dropped = 0;
	for (unsigned i = 0; i < SKB_MAX_CORES; i++) {
		uint32_t since = s->core[i].since;
		s->core[i] = (struct skb_core){ .since = since };
	}
	memset(s->node, 0, sizeof(s->node));
	derive_cores(s);
	derive_nodes(s);
	derive_distances(s);
	derive_caches(s);
	for (unsigned i = 0; i < s->ncores; i++)
		if (s->core[i].present)
			s->node[s->core[i].node].cores |= 1ull << i;
	if (s->core[0].reported && !strcmp(s->core[0].cpu.hypervisor, "TCGTCGTCGTCG"))
		s->flags |= SKB_F_EMULATED;
}

void skb_init(struct skb *s)
{
	memset(s, 0, sizeof(*s));
	default_distances(s);
	for (unsigned i = 0; i < SKB_MAX_CORES; i++)
		s->core[i].llc = -1;
}

/* Takes the inputs in s->in (already checked) as a new generation. */
static void next_generation(struct skb *s)
{
	bool was[SKB_MAX_CORES];

	for (unsigned i = 0; i < SKB_MAX_CORES; i++)
		was[i] = s->core[i].present;
	s->generation++;
	derive(s);
	for (unsigned i = 0; i < SKB_MAX_CORES; i++)
		if (s->core[i].present != was[i])
			s->core[i].since = s->generation;
}

err_t skb_load(struct skb *s, const struct skb_input *in)
{
	err_t err = check_input(in);

	if (err)
		return err;
	if (s->generation && !memcmp(&s->in, in, sizeof(*in)))
		return OK;			/* nothing new */
	memmove(&s->in, in, sizeof(*in));
	next_generation(s);
	return OK;
}

err_t skb_set_topology(struct skb *s, const struct kpi_topo *t)
{
	err_t err = check_topo(t);

	if (err)
		return err;
	s->in.topo = *t;
	next_generation(s);
	return OK;
}

err_t skb_core_up(struct skb *s, unsigned core, const struct skb_cpuid *c)
{
	if (core >= SKB_MAX_CORES)
		return ERR_NO_SUCH_CORE;
	if (c->n > SKB_MAX_CPUID)
		return ERR_INVALID_ARG;
	s->in.core[core].state = SKB_CORE_UP;
	s->in.core[core].cpuid = *c;
	/* What was measured before it went is not a fact about it now. */
	for (unsigned j = 0; j < SKB_MAX_CORES; j++)
		s->in.rtt[core][j] = s->in.rtt[j][core] = 0;
	next_generation(s);
	return OK;
}

err_t skb_core_down(struct skb *s, unsigned core)
{
	if (core >= SKB_MAX_CORES || !s->core[core].known)
		return ERR_NO_SUCH_CORE;
	if (s->in.core[core].state == SKB_CORE_UP)
		s->in.core[core].state = SKB_CORE_GONE;
	next_generation(s);
	return OK;
}

err_t skb_set_rtt(struct skb *s, unsigned from, const uint64_t *cycles, unsigned n)
{
	if (from >= SKB_MAX_CORES || !s->core[from].known)
		return ERR_NO_SUCH_CORE;
	if (n > SKB_MAX_CORES || (from < n && cycles[from]))
		return ERR_INVALID_ARG;
	for (unsigned j = 0; j < SKB_MAX_CORES; j++)
		s->in.rtt[from][j] = j < n ? cycles[j] : 0;
	next_generation(s);
	return OK;
}

/* ---- Queries ---- */

err_t skb_core(const struct skb *s, unsigned core, const struct skb_core **out)
{
	if (core >= SKB_MAX_CORES || !s->core[core].known)
		return ERR_NO_SUCH_CORE;
	*out = &s->core[core];
	return OK;
}

err_t skb_node_of(const struct skb *s, unsigned core, unsigned *node)
{
	const struct skb_core *c;
	err_t err = skb_core(s, core, &c);

	if (!err)
		*node = c->node;
	return err;
}

err_t skb_node(const struct skb *s, unsigned node, const struct skb_node **out)
{
	if (node >= s->nnodes)
		return ERR_NO_SUCH_NODE;
	*out = &s->node[node];
	return OK;
}

err_t skb_node_cores(const struct skb *s, unsigned node, uint64_t *cores)
{
	const struct skb_node *n;
	err_t err = skb_node(s, node, &n);

	if (!err)
		*cores = n->cores;
	return err;
}

err_t skb_distance(const struct skb *s, unsigned from, unsigned to, unsigned *distance)
{
	if (from >= s->nnodes || to >= s->nnodes)
		return ERR_NO_SUCH_NODE;
	*distance = s->dist[from][to];
	return OK;
}

static err_t present_core(const struct skb *s, unsigned core, const struct skb_core **out)
{
	err_t err = skb_core(s, core, out);

	return err ? err : (*out)->present ? OK : ERR_CORE_ABSENT;
}

err_t skb_cache_sharers(const struct skb *s, unsigned core, unsigned level, uint64_t *cores)
{
	const struct skb_core *c;
	err_t err = present_core(s, core, &c);

	if (err)
		return err;
	if (level == 0) {
		if (c->llc < 0)
			return ERR_NOT_FOUND;
		*cores = c->sharers[c->llc];
		return OK;
	}
	for (unsigned k = 0; k < c->cpu.ncaches; k++)
		if (c->cpu.cache[k].level == level && c->cpu.cache[k].type != SKB_CACHE_INST) {
			*cores = c->sharers[k];
			return OK;
		}
	return ERR_NOT_FOUND;
}

err_t skb_rtt_row(const struct skb *s, unsigned from, uint64_t row[SKB_MAX_CORES])
{
	const struct skb_core *c;
	err_t err = present_core(s, from, &c);

	if (err)
		return err;
	for (unsigned j = 0; j < SKB_MAX_CORES; j++)
		row[j] = s->core[j].present ? s->in.rtt[from][j] : 0;
	return OK;
}

uint64_t skb_present(const struct skb *s)
{
	uint64_t m = 0;

	for (unsigned i = 0; i < s->ncores; i++)
		if (s->core[i].present)
			m |= 1ull << i;
	return m;
}

err_t skb_check_cores(const struct skb *s, uint64_t cores, unsigned *bad)
{
	for (unsigned i = 0; i < SKB_MAX_CORES; i++) {
		const struct skb_core *c;
		err_t err;
		if (!(cores >> i & 1) || !(err = present_core(s, i, &c)))
			continue;
		*bad = i;
		return err;
	}
	return OK;
}
