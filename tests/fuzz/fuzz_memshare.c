/*
 * libFuzzer target for memmap_usable() and memshare_split(). The input
 * describes a raw memory map, reserve ranges, NUMA affinity and the cores'
 * nodes. The split may fail only for lack of memory or ranges; when it
 * succeeds, memshare_check() must agree and the cores of each node must
 * hold equal quotas (the earlier ones at most one page more).
 */
#include <stddef.h>
#include <stdint.h>
#include "tests/fuzz/fuzz_input.h"
#include "lib/memshare.h"

/* An address: mostly 40-bit ones on 256-byte steps, so that ranges meet
 * and overlap; with `wide`, full 64-bit ones near the top of the space. */
static uint64_t addr(struct input *in, int wide)
{
	return wide ? take(in, 8) : take(in, 4) << 8;
}

static void check_quotas(const struct memshare *s, const uint32_t *cn, unsigned nc)
{
	for (unsigned i = 0; i < nc; i++)
		for (unsigned j = i + 1; j < nc; j++)
			if (cn[i] == cn[j] && (s[i].total < s[j].total ||
					       s[i].total - s[j].total > PAGE_SIZE))
				__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct memmap raw, usable;
	static struct memshare shares[64];
	static struct acpi_memaff aff[8];
	static struct mem_range res[4];
	static uint8_t dist[ACPI_MAX_NODES][ACPI_MAX_NODES];
	uint32_t cn[64];
	struct input in = { data, size };
	unsigned mode = take(&in, 1), nc = 1 + take(&in, 1) % 64;
	unsigned nn = 1 + take(&in, 1) % 4, nres = take(&in, 1) % 5;
	unsigned naff = take(&in, 1) % 9, nraw = take(&in, 1) % 20;
	int wide = mode & 1;
	uint64_t min_addr = addr(&in, wide);
	struct numa_view nv = { nn, aff, naff, (mode & 2) ? dist : NULL };
	err_t err;

	for (unsigned i = 0; i < nc; i++)
		cn[i] = take(&in, 1) % nn;
	for (unsigned a = 0; a < ACPI_MAX_NODES; a++)
		for (unsigned b = 0; b < ACPI_MAX_NODES; b++)
			dist[a][b] = a == b ? 10 : (uint8_t)take(&in, 1);
	for (unsigned i = 0; i < naff; i++)
		aff[i] = (struct acpi_memaff){ addr(&in, wide), addr(&in, wide),
					       (uint32_t)take(&in, 1) % (nn + 1), false };
	for (unsigned i = 0; i < nres; i++)
		res[i] = (struct mem_range){ addr(&in, wide), addr(&in, wide), MEM_RESERVED };
	raw.n = raw.dropped = 0;
	for (unsigned i = 0; i < nraw; i++) {
		uint64_t b = addr(&in, wide), l = addr(&in, wide);

		memmap_add(&raw, b, l, take(&in, 1) % 3 ? MEM_USABLE : MEM_RESERVED);
	}
	if (memmap_usable(&raw, res, nres, min_addr, &usable) != OK)
		return 0;
	/* The arguments are valid, so the only acceptable errors are the two
	 * that the memory itself can cause. */
	err = memshare_split(&usable, &nv, cn, nc, shares);
	if (err == ERR_NO_MEMORY || err == ERR_TOO_MANY)
		return 0;
	if (err != OK)
		__builtin_trap();
	if (memshare_check(&usable, shares, nc) != OK)
		__builtin_trap();
	check_quotas(shares, cn, nc);
	return 0;
}
