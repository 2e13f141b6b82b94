/*
 * Tests for lib/memshare.c: exact splits for 1..16 cores, odd sizes and
 * holes, node-local shares on two NUMA nodes, the error cases, and
 * memshare_check catching shares that were broken on purpose. A random test
 * checks every split with memshare_check and a page-by-page locality model.
 */
#include <stdint.h>
#include "lib/test.h"
#include "lib/memshare.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)
#define PG PAGE_SIZE

static struct memshare sh[64];
static uint32_t nodes0[64];		/* every core on node 0 */

static void usable_of(struct memmap *u, const uint64_t (*r)[2], unsigned n)
{
	u->n = 0;
	u->dropped = 0;
	for (unsigned i = 0; i < n; i++)
		memmap_add(u, r[i][0], r[i][1], MEM_USABLE);
}

static const uint64_t pc[][2] = {
	{ 0x1000, 0x9E000 },
	{ 1 * MiB, 3 * GiB - 1 * MiB },		/* up to the PCI hole */
	{ 4 * GiB, 1 * GiB + 5 * PG },
};

TEST(split_pc_map_among_n_cores)
{
	static const unsigned counts[] = { 1, 2, 3, 4, 8, 16 };
	struct numa_view nv = { 1, NULL, 0, NULL };
	struct memmap u;

	usable_of(&u, pc, 3);
	for (unsigned k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) {
		unsigned n = counts[k];
		uint64_t pages = memmap_total(&u) / PG;

		CHECK_EQ(memshare_split(&u, &nv, nodes0, n, sh), OK);
		CHECK_EQ(memshare_check(&u, sh, n), OK);
		for (unsigned i = 0; i < n; i++) {
			CHECK_EQ(sh[i].total, (pages / n + (i < pages % n)) * PG);
			CHECK_EQ(sh[i].node, 0);
		}
		/* Address order: core 0 starts at the bottom, the last core
		 * ends at the top. */
		CHECK_EQ(sh[0].r[0].base, 0x1000);
		CHECK_EQ(sh[n - 1].r[sh[n - 1].n - 1].base + sh[n - 1].r[sh[n - 1].n - 1].len,
			 5 * GiB + 5 * PG);
	}
	/* One core gets all three ranges, with the holes in between. */
	CHECK_EQ(memshare_split(&u, NULL, nodes0, 1, sh), OK);
	CHECK_EQ(sh[0].n, 3);
	CHECK_EQ(sh[0].r[1].base, 1 * MiB);
}

TEST(split_odd_sizes)
{
	static const uint64_t r[][2] = { { 0x10000, 3 * PG }, { 0x20000, 4 * PG } };
	struct memmap u;

	usable_of(&u, r, 2);
	CHECK_EQ(memshare_split(&u, NULL, nodes0, 3, sh), OK);
	CHECK_EQ(memshare_check(&u, sh, 3), OK);
	CHECK_EQ(sh[0].total, 3 * PG);
	CHECK_EQ(sh[0].n, 1);
	CHECK_EQ(sh[0].r[0].base, 0x10000);
	CHECK_EQ(sh[1].total, 2 * PG);
	CHECK_EQ(sh[1].r[0].base, 0x20000);
	CHECK_EQ(sh[2].total, 2 * PG);
	CHECK_EQ(sh[2].r[0].base, 0x22000);

	/* Exactly one page each. */
	CHECK_EQ(memshare_split(&u, NULL, nodes0, 7, sh), OK);
	CHECK_EQ(memshare_check(&u, sh, 7), OK);
	CHECK_EQ(sh[6].r[0].base, 0x23000);
	CHECK_EQ(memshare_split(&u, NULL, nodes0, 8, sh), ERR_NO_MEMORY);
}

static const uint64_t two_node_mem[][2] = { { 1 * MiB, 4 * GiB - 1 * MiB } };

static const struct acpi_memaff two_aff[] = {
	{ 0, 2 * GiB, 0, false },
	{ 2 * GiB, 2 * GiB, 1, false },
};

TEST(split_two_nodes_local)
{
	static const uint32_t cn[] = { 1, 0, 1, 0 };
	struct numa_view nv = { 2, two_aff, 2, NULL };
	struct memmap u;

	usable_of(&u, two_node_mem, 1);
	CHECK_EQ(memshare_split(&u, &nv, cn, 4, sh), OK);
	CHECK_EQ(memshare_check(&u, sh, 4), OK);
	CHECK_EQ(sh[1].r[0].base, 1 * MiB);
	CHECK_EQ(sh[1].total, 1 * GiB - 512 * 1024);
	CHECK_EQ(sh[3].r[0].base + sh[3].r[0].len, 2 * GiB);
	CHECK_EQ(sh[0].r[0].base, 2 * GiB);
	CHECK_EQ(sh[0].total, 1 * GiB);
	CHECK_EQ(sh[2].r[0].base, 3 * GiB);
	CHECK_EQ(sh[0].node, 1);
	CHECK_EQ(sh[1].node, 0);
	for (unsigned i = 0; i < 4; i++)
		CHECK_EQ(sh[i].n, 1);
}

TEST(split_uncovered_and_coreless_memory)
{
	static const uint64_t mem[][2] = { { 0, 6 * GiB } };
	/* [4G, 5G) belongs to node 2, which has no cores; [5G, 6G) to nobody. */
	static const struct acpi_memaff aff[] = {
		{ 0, 2 * GiB, 0, false },
		{ 2 * GiB, 2 * GiB, 1, false },
		{ 4 * GiB, 1 * GiB, 2, true },
	};
	static const uint8_t dist[ACPI_MAX_NODES][ACPI_MAX_NODES] = {
		{ 10, 20, 30 }, { 20, 10, 15 }, { 30, 15, 10 },
	};
	static const uint32_t cn[] = { 0, 1 };
	struct numa_view nv = { 3, aff, 3, dist };
	struct memmap u;

	usable_of(&u, mem, 1);
	CHECK_EQ(memshare_split(&u, &nv, cn, 2, sh), OK);
	CHECK_EQ(memshare_check(&u, sh, 2), OK);
	/* Node 2 is nearest to node 1; uncovered memory goes to node 0. */
	CHECK_EQ(sh[0].total, 3 * GiB);
	CHECK_EQ(sh[0].n, 2);
	CHECK_EQ(sh[0].r[1].base, 5 * GiB);
	CHECK_EQ(sh[1].total, 3 * GiB);
	CHECK_EQ(sh[1].n, 1);		/* [2G, 4G) and [4G, 5G) merged */
	CHECK_EQ(sh[1].r[0].len, 3 * GiB);

	/* Without distances the lowest-indexed node with cores gets it. */
	nv.dist = NULL;
	CHECK_EQ(memshare_split(&u, &nv, cn, 2, sh), OK);
	CHECK_EQ(memshare_check(&u, sh, 2), OK);
	CHECK_EQ(sh[0].total, 4 * GiB);
	CHECK_EQ(sh[1].total, 2 * GiB);
}

TEST(split_unaligned_affinity_edges)
{
	static const uint64_t mem[][2] = { { 0, 16 * PG } };
	/* A page belongs to the node covering its first byte. */
	static const struct acpi_memaff aff[] = { { 0, 5 * PG + 1, 0, false },
						  { 5 * PG + 1, 11 * PG, 1, false } };
	static const uint32_t cn[] = { 0, 1 };
	struct numa_view nv = { 2, aff, 2, NULL };
	struct memmap u;

	usable_of(&u, mem, 1);
	CHECK_EQ(memshare_split(&u, &nv, cn, 2, sh), OK);
	CHECK_EQ(memshare_check(&u, sh, 2), OK);
	CHECK_EQ(sh[0].total, 6 * PG);
	CHECK_EQ(sh[1].total, 10 * PG);
}

TEST(split_errors)
{
	static const uint32_t bad[] = { 0, 2 };
	static const uint32_t cn[] = { 0, 1 };
	static const struct acpi_memaff aff[] = { { 0, 4 * GiB, 0, false } };
	struct numa_view nv = { 2, two_aff, 2, NULL };
	struct memmap u, frag = { 0 };

	usable_of(&u, two_node_mem, 1);
	CHECK_EQ(memshare_split(&u, &nv, cn, 0, sh), ERR_INVALID_ARG);
	CHECK_EQ(memshare_split(&u, &nv, bad, 2, sh), ERR_INVALID_ARG);
	nv.nnodes = 0;
	CHECK_EQ(memshare_split(&u, &nv, nodes0, 1, sh), ERR_INVALID_ARG);

	/* Node 1 has a core but no memory. */
	nv = (struct numa_view){ 2, aff, 1, NULL };
	CHECK_EQ(memshare_split(&u, &nv, cn, 2, sh), ERR_NO_MEMORY);

	/* 20 single pages with gaps: one core would need 20 ranges. */
	for (unsigned i = 0; i < 20; i++)
		memmap_add(&frag, i * 2 * PG, PG, MEM_USABLE);
	CHECK_EQ(memshare_split(&frag, NULL, nodes0, 1, sh), ERR_TOO_MANY);
	CHECK_EQ(memshare_split(&frag, NULL, nodes0, 2, sh), ERR_TOO_MANY);
	CHECK_EQ(memshare_split(&frag, NULL, nodes0, 3, sh), OK);
	CHECK_EQ(memshare_check(&frag, sh, 3), OK);
	CHECK_EQ(sh[0].n, 7);

	/* A usable list that memmap_usable could not have made. */
	frag.r[3].base += 1;
	CHECK_EQ(memshare_split(&frag, NULL, nodes0, 3, sh), ERR_INVALID_ARG);
}

TEST(check_catches_broken_shares)
{
	struct memmap u;

	usable_of(&u, pc, 3);
	CHECK_EQ(memshare_split(&u, NULL, nodes0, 4, sh), OK);
	CHECK_EQ(memshare_check(&u, sh, 4), OK);

	/* Core 1 also claims core 0's first page. */
	sh[1].r[0].base -= PG;
	sh[1].r[0].len += PG;
	sh[1].total += PG;
	CHECK_EQ(memshare_check(&u, sh, 4), ERR_OVERLAP);
	/* Core 1 gives the page up, and one more: not covered. */
	sh[1].r[0].base += 2 * PG;
	sh[1].r[0].len -= 2 * PG;
	sh[1].total -= 2 * PG;
	CHECK_EQ(memshare_check(&u, sh, 4), ERR_INVALID_ARG);
	CHECK_EQ(memshare_check(&u, sh, 3), ERR_INVALID_ARG);

	CHECK_EQ(memshare_split(&u, NULL, nodes0, 4, sh), OK);
	sh[0].total += PG;			/* a lying total */
	CHECK_EQ(memshare_check(&u, sh, 4), ERR_INVALID_ARG);

	CHECK_EQ(memshare_split(&u, NULL, nodes0, 1, sh), OK);
	sh[0].r[0].base = 0;			/* page 0 is not usable */
	sh[0].r[0].len += PG;
	sh[0].total += PG;
	CHECK_EQ(memshare_check(&u, sh, 1), ERR_OVERLAP);

	CHECK_EQ(memshare_split(&u, NULL, nodes0, 1, sh), OK);
	sh[0].r[1].base += 0x800;		/* misaligned */
	CHECK_EQ(memshare_check(&u, sh, 1), ERR_INVALID_ARG);

	CHECK_EQ(memshare_split(&u, NULL, nodes0, 1, sh), OK);
	struct mem_range t = sh[0].r[0];	/* out of order */
	sh[0].r[0] = sh[0].r[1];
	sh[0].r[1] = t;
	CHECK_EQ(memshare_check(&u, sh, 1), ERR_INVALID_ARG);

	CHECK_EQ(memshare_split(&u, NULL, nodes0, 2, sh), OK);
	sh[1].n = 0;				/* an empty share */
	CHECK_EQ(memshare_check(&u, sh, 2), ERR_INVALID_ARG);
}

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* The node whose cores must own the page at pa, straight from the rules. */
static uint32_t model_home(const struct numa_view *nv, const unsigned *ncores_of, uint64_t pa)
{
	uint32_t n = 0, best = UINT32_MAX;

	for (unsigned i = 0; i < nv->naff; i++)
		if (pa >= nv->aff[i].base && pa - nv->aff[i].base < nv->aff[i].len) {
			n = nv->aff[i].node;
			break;
		}
	if (ncores_of[n])
		return n;
	for (uint32_t m = 0; m < nv->nnodes; m++)
		if (ncores_of[m] && (best == UINT32_MAX ||
				     (nv->dist && nv->dist[n][m] < nv->dist[n][best])))
			best = m;
	return best;
}

TEST(split_random_against_model)
{
	for (int iter = 0; iter < 3000; iter++) {
		struct memmap raw = { 0 }, u;
		struct acpi_memaff aff[6];
		uint8_t dist[ACPI_MAX_NODES][ACPI_MAX_NODES];
		uint32_t cn[16];
		unsigned ncores_of[ACPI_MAX_NODES] = { 0 };
		unsigned nn = 1 + rng() % 4, nc = 1 + rng() % 16, na = rng() % 6;
		struct numa_view nv = { nn, aff, na, rng() % 2 ? NULL : dist };
		err_t err;

		for (unsigned i = 0; i < 1 + rng() % 6; i++)
			memmap_add(&raw, rng() % 256 * PG, rng() % 64 * PG, MEM_USABLE);
		CHECK_EQ(memmap_usable(&raw, NULL, 0, 0, &u), OK);
		for (unsigned i = 0; i < na; i++)
			aff[i] = (struct acpi_memaff){ rng() % 300 * PG, rng() % 100 * PG,
						       (uint32_t)(rng() % nn), false };
		for (unsigned a = 0; a < ACPI_MAX_NODES; a++)
			for (unsigned b = 0; b < ACPI_MAX_NODES; b++)
				dist[a][b] = a == b ? 10 : 11 + rng() % 20;
		for (unsigned i = 0; i < nc; i++) {
			cn[i] = rng() % nn;
			ncores_of[cn[i]]++;
		}
		err = memshare_split(&u, &nv, cn, nc, sh);
		if (err == ERR_NO_MEMORY || err == ERR_TOO_MANY)
			continue;
		CHECK_EQ(err, OK);
		CHECK_EQ(memshare_check(&u, sh, nc), OK);
		for (unsigned i = 0; i < nc; i++) {
			for (unsigned j = 0; j < sh[i].n; j++) {
				for (uint64_t pa = sh[i].r[j].base;
				     pa < sh[i].r[j].base + sh[i].r[j].len; pa += PG)
					CHECK_EQ(model_home(&nv, ncores_of, pa), cn[i]);
			}
		}
		/* Inside a node: equal quotas, the first cores one page more. */
		for (unsigned n = 0; n < nn; n++) {
			uint64_t pages = 0, rank = 0;

			for (unsigned i = 0; i < nc; i++)
				pages += cn[i] == n ? sh[i].total / PG : 0;
			for (unsigned i = 0; i < nc; i++) {
				if (cn[i] != n)
					continue;
				CHECK_EQ(sh[i].total / PG, pages / ncores_of[n] +
					 (rank < pages % ncores_of[n]));
				rank++;
			}
		}
	}
}
