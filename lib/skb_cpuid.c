/*
 * What a core says about itself through CPUID (lib/skb.h): which leaves
 * to ask, and what they mean for the SKB. CPUID is unprivileged, so each
 * core's monitor asks on its own core (skb_cpuid_read with the real
 * instruction) and sends the raw registers; decoding them is pure code,
 * run by the SKB and by the host tests on CPUs described as tables.
 *
 * The fields used (Intel SDM vol. 2A, "CPUID"; AMD APM vol. 3, appendix E):
 *
 *   0           eax: highest basic leaf; ebx, edx, ecx: the vendor
 *   1           ebx[31:24]: initial APIC id; ebx[23:16]: logical processor
 *               ids per package (with edx[28], HTT); ecx[31]: a hypervisor
 *   4, n        (Intel) eax[4:0]: type (0: no more); eax[7:5]: level;
 *               eax[25:14]: APIC ids sharing it, minus 1; eax[31:26]: core
 *               ids per package, minus 1; ebx: ways, partitions, line size,
 *               each minus 1; ecx: sets minus 1
 *   0xB, 0x1F   eax[4:0]: bits to shift the x2APIC id right to reach the
 *               next level's id; ebx[15:0]: 0 past the last level;
 *               ecx[15:8]: level type (1: SMT, 2: core, 3+: module, tile,
 *               die); edx: this core's x2APIC id
 *   0x40000000  ebx, ecx, edx: the hypervisor's signature ("TCGTCGTCGTCG"
 *               for QEMU's TCG, "KVMKVMKVM" for KVM)
 *   0x80000008  (AMD) ecx[7:0]: cores per package minus 1; ecx[15:12]:
 *               APIC id bits of the core
 *   0x8000001D  (AMD) as leaf 4
 *   0x8000001E  (AMD) ebx[15:8]: threads per compute unit, minus 1
 */
#include "lib/skb.h"
#include "lib/string.h"

#define SUBLEAVES_MAX	8

const struct skb_cpuid_leaf *skb_cpuid_find(const struct skb_cpuid *c, uint32_t leaf,
					    uint32_t subleaf)
{
	for (uint32_t i = 0; i < c->n && i < SKB_MAX_CPUID; i++)
		if (c->l[i].leaf == leaf && c->l[i].subleaf == subleaf)
			return &c->l[i];
	return NULL;
}

/* One leaf into out; when out is full, nothing is asked and r reads as
 * zeros (as a leaf past the CPU's maximum would). */
static bool ask(struct skb_cpuid *out, skb_cpuid_fn cpuid, void *ctx, uint32_t leaf,
		uint32_t sub, uint32_t r[4])
{
	r[0] = r[1] = r[2] = r[3] = 0;
	if (out->n == SKB_MAX_CPUID)
		return false;
	cpuid(ctx, leaf, sub, r);
	out->l[out->n++] = (struct skb_cpuid_leaf){ leaf, sub, r[0], r[1], r[2], r[3] };
	return true;
}

static void vendor_of(uint32_t b, uint32_t c, uint32_t d, char out[13])
{
	uint32_t w[3] = { b, c, d };

	for (unsigned i = 0; i < 12; i++)
		out[i] = (char)(w[i / 4] >> (8 * (i % 4)));
	out[12] = '\0';
}

static bool is_amd(const char *vendor)
{
	return !strcmp(vendor, "AuthenticAMD") || !strcmp(vendor, "HygonGenuine");
}

/* Every subleaf of `leaf` until done(r) says it was the last. */
static void ask_subleaves(struct skb_cpuid *out, skb_cpuid_fn cpuid, void *ctx, uint32_t leaf,
			  bool (*done)(const uint32_t r[4]))
{
	uint32_t r[4];

	for (uint32_t sub = 0; sub < SUBLEAVES_MAX; sub++)
		if (!ask(out, cpuid, ctx, leaf, sub, r) || done(r))
			return;
}

static bool cache_done(const uint32_t r[4])
{
	return (r[0] & 0x1F) == 0;
}

static bool level_done(const uint32_t r[4])
{
	return (r[1] & 0xFFFF) == 0 || ((r[2] >> 8) & 0xFF) == 0;
}

void skb_cpuid_read(struct skb_cpuid *out, skb_cpuid_fn cpuid, void *ctx)
{
	uint32_t r[4], max, ext, ecx1;
	char vendor[13];

	memset(out, 0, sizeof(*out));
	ask(out, cpuid, ctx, 0, 0, r);
	max = r[0];
	vendor_of(r[1], r[3], r[2], vendor);
	if (max >= 1) {
		ask(out, cpuid, ctx, 1, 0, r);
		ecx1 = r[2];
		if (ecx1 & (1u << 31))
			ask(out, cpuid, ctx, 0x40000000, 0, r);
	}
	if (max >= 4)
		ask_subleaves(out, cpuid, ctx, 4, cache_done);
	if (max >= 0xB)
		ask_subleaves(out, cpuid, ctx, 0xB, level_done);
	if (max >= 0x1F)
		ask_subleaves(out, cpuid, ctx, 0x1F, level_done);
	ask(out, cpuid, ctx, 0x80000000, 0, r);
	ext = r[0];
	if (ext < 0x80000000 || ext > 0x8000FFFF)
		return;				/* no extended leaves */
	if (ext >= 0x80000001)
		ask(out, cpuid, ctx, 0x80000001, 0, r);
	if (ext >= 0x80000008)
		ask(out, cpuid, ctx, 0x80000008, 0, r);
	if (!is_amd(vendor))
		return;
	if (ext >= 0x8000001D)
		ask_subleaves(out, cpuid, ctx, 0x8000001D, cache_done);
	if (ext >= 0x8000001E)
		ask(out, cpuid, ctx, 0x8000001E, 0, r);
}

/* ---- Decoding ---- */

static struct skb_cpuid_leaf get(const struct skb_cpuid *c, uint32_t leaf, uint32_t sub)
{
	const struct skb_cpuid_leaf *l = skb_cpuid_find(c, leaf, sub);

	return l ? *l : (struct skb_cpuid_leaf){ leaf, sub, 0, 0, 0, 0 };
}

/* The bits needed for n values: 0 for 1, 1 for 2, 2 for 3 and 4, ... */
static uint8_t bits_for(uint32_t n)
{
	uint8_t b = 0;

	while (b < 32 && (1ull << b) < n)
		b++;
	return b;
}

/* Leaf 4 or 0x8000001D: the caches, in the order listed. */
static void decode_caches(const struct skb_cpuid *c, uint32_t leaf, struct skb_cpu *out)
{
	for (uint32_t sub = 0; sub < SUBLEAVES_MAX; sub++) {
		struct skb_cpuid_leaf l = get(c, leaf, sub);
		unsigned type = l.eax & 0x1F, level = (l.eax >> 5) & 7;

		if (type == 0)
			return;
		if (type > SKB_CACHE_UNIFIED || level == 0) {
			out->bad = "a cache of unknown type or level 0 (dropped)";
			continue;
		}
		if (out->ncaches == SKB_MAX_CACHES) {
			out->bad = "more caches than the SKB keeps (the rest dropped)";
			return;
		}
		struct skb_cache *k = &out->cache[out->ncaches++];
		k->level = (uint8_t)level;
		k->type = (uint8_t)type;
		k->sharing = ((l.eax >> 14) & 0xFFF) + 1;
		k->shift = bits_for(k->sharing);
		k->size = (uint64_t)((l.ebx >> 22) + 1) * (((l.ebx >> 12) & 0x3FF) + 1) *
			  ((l.ebx & 0xFFF) + 1) * ((uint64_t)l.ecx + 1);
	}
}

/* Leaf 0xB or 0x1F: the thread and package shifts, and the x2APIC id. */
static bool decode_levels(const struct skb_cpuid *c, uint32_t leaf, struct skb_cpu *out)
{
	int smt = -1, pkg = -1;

	for (uint32_t sub = 0; sub < SUBLEAVES_MAX; sub++) {
		struct skb_cpuid_leaf l = get(c, leaf, sub);
		unsigned type = (l.ecx >> 8) & 0xFF, shift = l.eax & 0x1F;

		if ((l.ebx & 0xFFFF) == 0 || type == 0)
			break;
		if (sub == 0)
			out->apic_id = l.edx;
		if (type == 1)
			smt = (int)shift;
		if (shift < (unsigned)(pkg < 0 ? 0 : pkg)) {
			out->bad = "CPUID's topology levels shrink upwards (leaf 0xB/0x1F not used)";
			return false;
		}
		pkg = (int)shift;
	}
	if (pkg < 0)
		return false;			/* no valid level: not there */
	out->x2apic_id = true;
	out->smt_shift = (uint8_t)(smt < 0 ? 0 : smt);
	out->pkg_shift = (uint8_t)pkg;
	if (out->smt_shift > out->pkg_shift) {
		out->bad = "CPUID's thread field is wider than its package field (ignored)";
		out->smt_shift = 0;
	}
	return true;
}

/* Without leaf 0xB: leaf 1's logical count, and the core count of leaf 4
 * (Intel) or of 0x80000008 and 0x8000001E (AMD). */
static void decode_legacy(const struct skb_cpuid *c, bool amd, struct skb_cpu *out)
{
	struct skb_cpuid_leaf l1 = get(c, 1, 0);
	uint32_t logical = (l1.edx & (1u << 28)) ? (l1.ebx >> 16) & 0xFF : 1, cores = 1;
	struct skb_cpuid_leaf ext = get(c, 0x80000000, 0);

	if (logical == 0)
		logical = 1;
	if (amd && ext.eax >= 0x80000008) {
		struct skb_cpuid_leaf l8 = get(c, 0x80000008, 0);
		uint32_t width = (l8.ecx >> 12) & 0xF;
		cores = (l8.ecx & 0xFF) + 1;
		out->pkg_shift = width ? (uint8_t)width : bits_for(cores);
		if (ext.eax >= 0x8000001E) {
			uint32_t threads = ((get(c, 0x8000001E, 0).ebx >> 8) & 0xFF) + 1;
			out->smt_shift = bits_for(threads);
		}
		out->topo = SKB_TOPO_AMD;
	} else {
		if (skb_cpuid_find(c, 4, 0))
			cores = (get(c, 4, 0).eax >> 26) + 1;
		out->pkg_shift = bits_for(logical);
		out->smt_shift = logical > cores ? bits_for(logical / cores) : 0;
		out->topo = logical > 1 ? SKB_TOPO_LEGACY : SKB_TOPO_NONE;
	}
	if (out->smt_shift > out->pkg_shift) {
		out->bad = "CPUID's thread count is above its package's (ignored)";
		out->smt_shift = 0;
	}
}

err_t skb_cpuid_decode(const struct skb_cpuid *c, struct skb_cpu *out)
{
	struct skb_cpuid_leaf l0, l1;
	bool amd;

	if (c->n > SKB_MAX_CPUID)
		return ERR_INVALID_ARG;
	memset(out, 0, sizeof(*out));
	l0 = get(c, 0, 0);
	l1 = get(c, 1, 0);
	vendor_of(l0.ebx, l0.edx, l0.ecx, out->vendor);
	amd = is_amd(out->vendor);
	if (l1.ecx & (1u << 31)) {
		struct skb_cpuid_leaf h = get(c, 0x40000000, 0);
		vendor_of(h.ebx, h.ecx, h.edx, out->hypervisor);
	}
	/* The vendor and the signature are printed: nothing but what prints. */
	for (unsigned i = 0; i < 12; i++) {
		if (out->vendor[i] && (out->vendor[i] < ' ' || out->vendor[i] > '~'))
			out->vendor[i] = '?';
		if (out->hypervisor[i] && (out->hypervisor[i] < ' ' || out->hypervisor[i] > '~'))
			out->hypervisor[i] = '?';
	}
	out->apic_id = l1.ebx >> 24;
	if (l0.eax >= 0x1F && decode_levels(c, 0x1F, out))
		out->topo = SKB_TOPO_LEAF_1F;
	else if (l0.eax >= 0xB && decode_levels(c, 0xB, out))
		out->topo = SKB_TOPO_LEAF_B;
	else
		decode_legacy(c, amd, out);
	if (amd && get(c, 0x80000000, 0).eax >= 0x8000001D && skb_cpuid_find(c, 0x8000001D, 0))
		decode_caches(c, 0x8000001D, out);
	else if (l0.eax >= 4)
		decode_caches(c, 4, out);
	return OK;
}
