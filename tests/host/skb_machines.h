/*
 * Machines described as facts, for the SKB's host tests and fuzzer: a
 * made-up CPU that answers CPUID the way Intel's and AMD's manuals say
 * (leaf 1, 4, 0xB, 0x40000000, 0x80000008, 0x8000001D, 0x8000001E) for
 * each core of a machine of packages x cores x threads, and the kernel's
 * record of it (struct kpi_topo) with a SRAT and SLIT when it has nodes.
 * skb_machine() builds the whole input the way Flotilla does: each core's
 * leaves through skb_cpuid_read, the record as INFO_TOPOLOGY gives it.
 *
 * The paper's machines (Baumann et al., SOSP 2009, table 1):
 *   2x4-core Intel  Xeon X5355: 2 packages of 4 cores, each pair of cores
 *                   sharing a 4 MiB L2; one memory controller (no NUMA)
 *   2x2-core AMD    Opteron 2220: 1 MiB L2 per core, a node per package
 *   4x4-core AMD    Opteron 8350: 512 KiB L2 per core, 2 MiB L3 per
 *                   package, a node per package
 *   8x4-core AMD    Opteron 8380: 512 KiB L2 per core, 6 MiB L3 per
 *                   package, a node per package
 */
#ifndef TESTS_HOST_SKB_MACHINES_H
#define TESTS_HOST_SKB_MACHINES_H

#include <stdint.h>
#include <string.h>
#include "lib/skb.h"

struct mach_cache {
	unsigned level, type;	/* SKB_CACHE_* */
	unsigned kib;
	unsigned shared_by;	/* APIC ids sharing it (a power of two here) */
};

struct mach {
	const char *vendor;		/* "GenuineIntel" or "AuthenticAMD" */
	unsigned packages, cores, threads;	/* per package, per core */
	unsigned nodes;			/* 0: no SRAT; else packages split evenly */
	const uint8_t *dist;		/* nodes x nodes, NULL: no SLIT */
	bool leaf_b;			/* leaf 0xB (else legacy leaves) */
	const char *hypervisor;		/* NULL: none */
	unsigned ncaches;
	struct mach_cache cache[6];
};

static inline unsigned mach_bits(unsigned n)
{
	unsigned b = 0;

	while ((1u << b) < n)
		b++;
	return b;
}

static inline unsigned mach_cores(const struct mach *m)
{
	return m->packages * m->cores * m->threads;
}

/* Core i's APIC id: package, core and thread fields, Flotilla's core
 * order being the APIC order. */
static inline uint32_t mach_apic(const struct mach *m, unsigned i)
{
	unsigned t = i % m->threads, c = i / m->threads % m->cores, p = i / m->threads / m->cores;
	unsigned smt = mach_bits(m->threads), pkg = smt + mach_bits(m->cores);

	return (uint32_t)(p << pkg | c << smt | t);
}

static inline unsigned mach_node(const struct mach *m, unsigned i)
{
	unsigned p = i / m->threads / m->cores;

	return m->nodes ? p * m->nodes / m->packages : 0;
}

struct fake_cpu {
	const struct mach *m;
	uint32_t apic;
	unsigned asked;		/* how many times CPUID ran */
};

static inline void regs_vendor(const char *v, uint32_t *b, uint32_t *d, uint32_t *c)
{
	memcpy(b, v, 4);
	memcpy(d, v + 4, 4);
	memcpy(c, v + 8, 4);
}

static inline void fake_cache(const struct mach *m, uint32_t sub, uint32_t r[4])
{
	if (sub >= m->ncaches)
		return;				/* type 0: no more */
	const struct mach_cache *k = &m->cache[sub];
	uint32_t ways = 8, line = 64, sets = k->kib * 1024 / (ways * line);
	r[0] = k->type | k->level << 5 | (k->shared_by - 1) << 14 |
	       (m->cores * m->threads > 1 ? m->cores - 1 : 0) << 26;
	r[1] = (ways - 1) << 22 | (line - 1);
	r[2] = sets - 1;
}

static inline void fake_cpuid(void *ctx, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	struct fake_cpu *f = ctx;
	const struct mach *m = f->m;
	bool amd = !strcmp(m->vendor, "AuthenticAMD");
	unsigned smt = mach_bits(m->threads), pkg = smt + mach_bits(m->cores);
	unsigned logical = m->cores * m->threads;

	f->asked++;
	r[0] = r[1] = r[2] = r[3] = 0;
	switch (leaf) {
	case 0:
		r[0] = m->leaf_b ? 0xB : 4;
		regs_vendor(m->vendor, &r[1], &r[3], &r[2]);
		break;
	case 1:
		r[1] = f->apic << 24 | (logical > 1 ? 1u << pkg : 1) << 16;
		r[3] = logical > 1 ? 1u << 28 : 0;
		r[2] = m->hypervisor ? 1u << 31 : 0;
		break;
	case 4:
		if (!amd)
			fake_cache(m, sub, r);
		break;
	case 0xB:
		if (!m->leaf_b || sub > 1)
			break;
		r[0] = sub == 0 ? smt : pkg;
		r[1] = sub == 0 ? m->threads : logical;
		r[2] = (sub + 1) << 8 | sub;
		r[3] = f->apic;
		break;
	case 0x40000000:
		if (m->hypervisor)
			regs_vendor(m->hypervisor, &r[1], &r[2], &r[3]);
		break;
	case 0x80000000:
		r[0] = amd ? 0x8000001E : 0x80000008;
		break;
	case 0x80000008:
		if (amd)
			r[2] = (logical - 1) | (pkg << 12);
		break;
	case 0x8000001D:
		if (amd)
			fake_cache(m, sub, r);
		break;
	case 0x8000001E:
		if (amd)
			r[1] = (m->threads - 1) << 8;
		break;
	}
}

/* The whole input for machine m: every core up, no round trips. */
static inline void skb_machine(const struct mach *m, struct skb_input *in)
{
	struct kpi_topo *t = &in->topo;
	unsigned n = mach_cores(m);

	memset(in, 0, sizeof(*in));
	t->flags = TOPO_ACPI | TOPO_MADT;
	t->ncores = t->ncores_found = t->nmadt = n;
	t->mem_usable = 256ull << 20;
	for (unsigned i = 0; i < n; i++) {
		struct fake_cpu f = { m, mach_apic(m, i), 0 };
		t->core_apic[i] = t->madt_apic[i] = f.apic;
		skb_cpuid_read(&in->core[i].cpuid, fake_cpuid, &f);
		in->core[i].state = SKB_CORE_UP;
	}
	for (unsigned a = 0; a < TOPO_MAX_NODES; a++)
		for (unsigned b = 0; b < TOPO_MAX_NODES; b++)
			t->dist[a][b] = a == b ? 10 : 20;
	if (!m->nodes)
		return;
	t->flags |= TOPO_SRAT;
	t->nnodes = m->nodes;
	for (unsigned d = 0; d < m->nodes; d++) {
		t->node_domain[d] = d;
		t->mem[t->nmem++] = (struct topo_mem){ (uint64_t)d << 30, 1ull << 30, d, 0 };
	}
	for (unsigned i = 0; i < n; i++)
		t->srat_cpu[t->nsrat_cpus++] = (struct topo_srat_cpu){ mach_apic(m, i),
								       mach_node(m, i) };
	if (!m->dist)
		return;
	t->flags |= TOPO_SLIT;
	t->slit_localities = m->nodes;
	for (unsigned a = 0; a < m->nodes; a++)
		for (unsigned b = 0; b < m->nodes; b++)
			t->dist[a][b] = m->dist[a * m->nodes + b];
}

/* The paper's machines and a few odd ones. */
static const uint8_t dist_2[] = { 10, 20, 20, 10 };
static const uint8_t dist_4[] = {	/* a square of HyperTransport links */
	10, 16, 16, 22,
	16, 10, 22, 16,
	16, 22, 10, 16,
	22, 16, 16, 10,
};
static const uint8_t dist_8[] = {	/* hops on a ladder of links, 10 + 6 each */
	10, 16, 16, 22, 22, 28, 28, 34,
	16, 10, 22, 16, 28, 22, 34, 28,
	16, 22, 10, 16, 16, 22, 22, 28,
	22, 16, 16, 10, 22, 16, 28, 22,
	22, 28, 16, 22, 10, 16, 16, 22,
	28, 22, 22, 16, 16, 10, 22, 16,
	28, 34, 22, 28, 16, 22, 10, 16,
	34, 28, 28, 22, 22, 16, 16, 10,
};

static const struct mach intel_2x4 = {
	"GenuineIntel", 2, 4, 1, 0, NULL, false, NULL, 3, {
		{ 1, SKB_CACHE_DATA, 32, 1 }, { 1, SKB_CACHE_INST, 32, 1 },
		{ 2, SKB_CACHE_UNIFIED, 4096, 2 } } };
static const struct mach amd_2x2 = {
	"AuthenticAMD", 2, 2, 1, 2, dist_2, false, NULL, 3, {
		{ 1, SKB_CACHE_DATA, 64, 1 }, { 1, SKB_CACHE_INST, 64, 1 },
		{ 2, SKB_CACHE_UNIFIED, 1024, 1 } } };
static const struct mach amd_4x4 = {
	"AuthenticAMD", 4, 4, 1, 4, dist_4, false, NULL, 4, {
		{ 1, SKB_CACHE_DATA, 64, 1 }, { 1, SKB_CACHE_INST, 64, 1 },
		{ 2, SKB_CACHE_UNIFIED, 512, 1 }, { 3, SKB_CACHE_UNIFIED, 2048, 4 } } };
static const struct mach amd_8x4 = {
	"AuthenticAMD", 8, 4, 1, 8, dist_8, false, NULL, 4, {
		{ 1, SKB_CACHE_DATA, 64, 1 }, { 1, SKB_CACHE_INST, 64, 1 },
		{ 2, SKB_CACHE_UNIFIED, 512, 1 }, { 3, SKB_CACHE_UNIFIED, 6144, 4 } } };
/* What `make run SMP=6 NUMA=2` looks like: 6 packages of one core, two
 * nodes of 3, QEMU's TCG. */
static const struct mach qemu_6_numa2 = {
	"GenuineIntel", 6, 1, 1, 2, dist_2, true, "TCGTCGTCGTCG", 2, {
		{ 1, SKB_CACHE_DATA, 32, 1 }, { 2, SKB_CACHE_UNIFIED, 4096, 1 } } };
/* 2 packages of 2 cores of 2 threads, Intel, leaf 0xB, a shared L3. */
static const struct mach intel_smt = {
	"GenuineIntel", 2, 2, 2, 2, dist_2, true, NULL, 3, {
		{ 1, SKB_CACHE_DATA, 32, 2 }, { 2, SKB_CACHE_UNIFIED, 256, 2 },
		{ 3, SKB_CACHE_UNIFIED, 8192, 4 } } };
static const struct mach one_core = {
	"GenuineIntel", 1, 1, 1, 0, NULL, false, NULL, 1, { { 1, SKB_CACHE_DATA, 32, 1 } } };

#endif
