/*
 * Tests for lib/memmap.c: adding raw ranges, and deriving the usable list,
 * both on hand-made cases (overlaps, alignment, the top of the address
 * space) and against a brute-force bitmap model on random small maps.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "lib/test.h"
#include "lib/memmap.h"

#define MiB (1ull << 20)

static int check_clean(const struct memmap *m)
{
	for (unsigned i = 0; i < m->n; i++) {
		const struct mem_range *r = &m->r[i];

		if (r->len == 0 || (r->base | r->len) % PAGE_SIZE || r->kind != MEM_USABLE)
			return 0;
		if (i && r->base <= m->r[i - 1].base + m->r[i - 1].len)
			return 0;
	}
	return 1;
}

TEST(add_ignores_zero_and_clips_wrap)
{
	struct memmap m = { 0 };

	CHECK_EQ(memmap_add(&m, 0x1000, 0, MEM_USABLE), OK);
	CHECK_EQ(m.n, 0);
	CHECK_EQ(memmap_add(&m, 0xFFFFFFFFFFFF0000ull, 0x20000, MEM_USABLE), OK);
	CHECK_EQ(m.n, 1);
	CHECK_EQ(m.r[0].base, 0xFFFFFFFFFFFF0000ull);
	CHECK_EQ(m.r[0].len, 0xFFFFull);
	CHECK_EQ(memmap_add(&m, 0, UINT64_MAX, MEM_RESERVED), OK);
	CHECK_EQ(m.r[1].len, UINT64_MAX);
	CHECK_EQ(m.r[1].kind, MEM_RESERVED);
}

TEST(add_full_map_counts_dropped)
{
	struct memmap m = { 0 };

	for (unsigned i = 0; i < MEMMAP_MAX; i++)
		CHECK_EQ(memmap_add(&m, i * 0x2000ull, 0x1000, MEM_USABLE), OK);
	CHECK_EQ(memmap_add(&m, 1ull << 40, 0x1000, MEM_USABLE), ERR_TOO_MANY);
	CHECK_EQ(memmap_add(&m, 1ull << 41, 0x1000, MEM_USABLE), ERR_TOO_MANY);
	CHECK_EQ(m.n, MEMMAP_MAX);
	CHECK_EQ(m.dropped, 2);
}

TEST(usable_pc_map)
{
	struct memmap in = { 0 }, out;

	/* Unsorted, unaligned, as a BIOS reports it. */
	memmap_add(&in, 0x100000, 0x7EE0000 - 0x100000, MEM_USABLE);
	memmap_add(&in, 0, 0x9FC00, MEM_USABLE);
	memmap_add(&in, 0x9FC00, 0x400, MEM_RESERVED);
	memmap_add(&in, 0xF0000, 0x10000, MEM_RESERVED);
	memmap_add(&in, 0x7EE0000, 0x20000, MEM_ACPI_RECLAIM);
	CHECK_EQ(memmap_usable(&in, NULL, 0, 0, &out), OK);
	CHECK_EQ(out.n, 2);
	CHECK_EQ(out.r[0].base, 0);
	CHECK_EQ(out.r[0].len, 0x9F000);
	CHECK_EQ(out.r[1].base, 0x100000);
	CHECK_EQ(out.r[1].len, 0x7EE0000 - 0x100000);
	CHECK_EQ(memmap_total(&out), 0x9F000 + 0x7EE0000 - 0x100000);
	CHECK(check_clean(&out));
}

TEST(usable_reserved_wins_over_usable)
{
	struct memmap in = { 0 }, out;

	memmap_add(&in, 0, 16 * MiB, MEM_USABLE);
	memmap_add(&in, 4 * MiB + 0x10, 0x100, MEM_RESERVED);	/* kills one page */
	memmap_add(&in, 8 * MiB, 1 * MiB, MEM_BAD);
	memmap_add(&in, 2 * MiB, 16 * MiB, MEM_USABLE);		/* overlaps itself */
	CHECK_EQ(memmap_usable(&in, NULL, 0, 0, &out), OK);
	CHECK_EQ(out.n, 3);
	CHECK_EQ(out.r[0].base, 0);
	CHECK_EQ(out.r[0].len, 4 * MiB);
	CHECK_EQ(out.r[1].base, 4 * MiB + PAGE_SIZE);
	CHECK_EQ(out.r[1].len, 4 * MiB - PAGE_SIZE);
	CHECK_EQ(out.r[2].base, 9 * MiB);
	CHECK_EQ(out.r[2].len, 9 * MiB);
}

TEST(usable_merges_adjacent_and_aligns_inward)
{
	struct memmap in = { 0 }, out;

	/* Adjacent unaligned pieces form one run before alignment. */
	memmap_add(&in, 0x1800, 0x1000, MEM_USABLE);
	memmap_add(&in, 0x2800, 0x1000, MEM_USABLE);
	memmap_add(&in, 0x10001, 0xFFF, MEM_USABLE);		/* no whole page */
	memmap_add(&in, 0x20000, 0x1000, MEM_USABLE);
	memmap_add(&in, 0x21000, 0x1000, MEM_USABLE);
	CHECK_EQ(memmap_usable(&in, NULL, 0, 0, &out), OK);
	CHECK_EQ(out.n, 2);
	CHECK_EQ(out.r[0].base, 0x2000);
	CHECK_EQ(out.r[0].len, 0x1000);
	CHECK_EQ(out.r[1].base, 0x20000);
	CHECK_EQ(out.r[1].len, 0x2000);
}

TEST(usable_reserve_list_and_min_addr)
{
	struct memmap in = { 0 }, out;
	struct mem_range res[2] = {
		{ 0x200000, 0x12345, MEM_RESERVED },	/* the kernel */
		{ 0x800000, 0x1000, MEM_RESERVED },	/* boot info */
	};

	memmap_add(&in, 0, 16 * MiB, MEM_USABLE);
	CHECK_EQ(memmap_usable(&in, res, 2, 1 * MiB + 1, &out), OK);
	CHECK_EQ(out.n, 3);
	CHECK_EQ(out.r[0].base, 1 * MiB + PAGE_SIZE);
	CHECK_EQ(out.r[0].len, 0x200000 - (1 * MiB + PAGE_SIZE));
	CHECK_EQ(out.r[1].base, 0x213000);
	CHECK_EQ(out.r[1].len, 0x800000 - 0x213000);
	CHECK_EQ(out.r[2].base, 0x801000);
	CHECK_EQ(out.r[2].len, 16 * MiB - 0x801000);
}

TEST(usable_top_of_address_space)
{
	struct memmap in = { 0 }, out;
	struct mem_range res = { UINT64_MAX - 0x100, UINT64_MAX, MEM_RESERVED };

	memmap_add(&in, 0xFFFFFFFFFFF00000ull, UINT64_MAX, MEM_USABLE);
	CHECK_EQ(memmap_usable(&in, NULL, 0, 0, &out), OK);
	CHECK_EQ(out.n, 1);
	CHECK_EQ(out.r[0].base, 0xFFFFFFFFFFF00000ull);
	CHECK_EQ(out.r[0].len, 0xFF000);	/* the last page cannot be expressed */
	CHECK_EQ(memmap_usable(&in, &res, 1, UINT64_MAX, &out), OK);
	CHECK_EQ(out.n, 0);
	CHECK_EQ(memmap_total(&out), 0);
}

TEST(usable_nothing_usable)
{
	struct memmap in = { 0 }, out;

	memmap_add(&in, 0, 1 * MiB, MEM_RESERVED);
	memmap_add(&in, 1 * MiB, 1 * MiB, MEM_ACPI_NVS);
	CHECK_EQ(memmap_usable(&in, NULL, 0, 0, &out), OK);
	CHECK_EQ(out.n, 0);
}

TEST(usable_too_many_pieces)
{
	struct memmap in = { 0 }, out;
	struct mem_range res[MEMMAP_MAX];

	/* One usable range cut into MEMMAP_MAX+1 pieces by reserves. */
	memmap_add(&in, 0, (2 * MEMMAP_MAX + 2) * PAGE_SIZE, MEM_USABLE);
	for (unsigned i = 0; i < MEMMAP_MAX; i++)
		res[i] = (struct mem_range){ (2 * i + 1) * PAGE_SIZE, PAGE_SIZE, MEM_RESERVED };
	CHECK_EQ(memmap_usable(&in, res, MEMMAP_MAX - 1, 0, &out), OK);
	CHECK_EQ(out.n, MEMMAP_MAX);
	CHECK_EQ(memmap_usable(&in, res, MEMMAP_MAX, 0, &out), ERR_TOO_MANY);
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Random maps within 64 KiB, addresses on 64-byte steps, checked against a
 * bitmap of 64-byte chunks. */
TEST(usable_matches_bitmap_model)
{
	enum { CHUNK = 64, SPACE = 16 * PAGE_SIZE, NCH = SPACE / CHUNK };

	for (int iter = 0; iter < 2000; iter++) {
		struct memmap in = { 0 }, out;
		struct mem_range res[3];
		int good[NCH] = { 0 }, bad[NCH] = { 0 };
		unsigned nres = rng() % 4, nin = rng() % 8;
		uint64_t min = (rng() % 3 == 0) ? (rng() % NCH) * CHUNK : 0;

		for (unsigned i = 0; i < nin; i++) {
			uint64_t b = rng() % NCH, l = rng() % (NCH - b + 1);
			uint32_t k = rng() % 3 ? MEM_USABLE : 2 + rng() % 4;

			memmap_add(&in, b * CHUNK, l * CHUNK, k);
			for (uint64_t c = b; c < b + l; c++)
				(k == MEM_USABLE ? good : bad)[c] = 1;
		}
		for (unsigned i = 0; i < nres && i < 3; i++) {
			uint64_t b = rng() % NCH, l = rng() % (NCH - b + 1);

			res[i] = (struct mem_range){ b * CHUNK, l * CHUNK, MEM_RESERVED };
			for (uint64_t c = b; c < b + l; c++)
				bad[c] = 1;
		}
		for (uint64_t c = 0; c < min / CHUNK; c++)
			bad[c] = 1;
		CHECK_EQ(memmap_usable(&in, res, nres < 3 ? nres : 3, min, &out), OK);
		CHECK(check_clean(&out));
		for (uint64_t pg = 0; pg < SPACE / PAGE_SIZE; pg++) {
			int want = 1, got = 0;

			for (uint64_t c = 0; c < PAGE_SIZE / CHUNK; c++) {
				uint64_t ch = pg * (PAGE_SIZE / CHUNK) + c;

				want &= good[ch] && !bad[ch];
			}
			for (unsigned i = 0; i < out.n; i++)
				got |= pg * PAGE_SIZE >= out.r[i].base &&
				       pg * PAGE_SIZE < out.r[i].base + out.r[i].len;
			if (want != got)
				FAIL("iter %d page %llu: want %d got %d",
				     iter, (unsigned long long)pg, want, got);
		}
	}
}

TEST(usable_min_addr_is_exclusive_below)
{
	struct memmap in = { 0 }, out;

	/* A boundary right at min_addr-1 must not make that byte usable. */
	memmap_add(&in, 1 * MiB, 1, MEM_USABLE);
	memmap_add(&in, 1 * MiB + 1, 1 * MiB, MEM_USABLE);
	CHECK_EQ(memmap_usable(&in, NULL, 0, 1 * MiB + 1, &out), OK);
	CHECK_EQ(out.n, 1);
	CHECK_EQ(out.r[0].base, 1 * MiB + PAGE_SIZE);
	CHECK_EQ(memmap_usable(&in, NULL, 0, 1 * MiB, &out), OK);
	CHECK_EQ(out.r[0].base, 1 * MiB);
}

/* memmap_take: the head of the lowest range long enough; an emptied range
 * goes; a request no range can meet, or a bad length, changes nothing. */
TEST(take_from_the_lowest_range_with_room)
{
	struct memmap m = { 0 };
	uint64_t base = 0;

	memmap_add(&m, 1 * MiB, 1 * MiB, MEM_USABLE);
	memmap_add(&m, 4 * MiB, 4 * MiB, MEM_USABLE);
	memmap_add(&m, 16 * MiB, 2 * MiB, MEM_USABLE);
	CHECK_EQ(memmap_take(&m, 2 * MiB, &base), OK);		/* skips the 1 MiB range */
	CHECK_EQ(base, 4 * MiB);
	CHECK_EQ(m.n, 3);
	CHECK_EQ(m.r[1].base, 6 * MiB);
	CHECK_EQ(m.r[1].len, 2 * MiB);
	CHECK_EQ(memmap_take(&m, 1 * MiB, &base), OK);		/* all of the first */
	CHECK_EQ(base, 1 * MiB);
	CHECK_EQ(m.n, 2);
	CHECK_EQ(m.r[0].base, 6 * MiB);
	CHECK_EQ(m.r[1].base, 16 * MiB);
	CHECK_EQ(memmap_take(&m, 2 * MiB, &base), OK);		/* all of what was the second */
	CHECK_EQ(base, 6 * MiB);
	CHECK_EQ(m.n, 1);
	CHECK_EQ(m.r[0].base, 16 * MiB);
	CHECK_EQ(memmap_total(&m), 2 * MiB);
	CHECK(check_clean(&m));
}

TEST(take_refuses_what_no_range_holds_and_bad_lengths)
{
	struct memmap m = { 0 }, before;
	uint64_t base = 7;

	memmap_add(&m, 1 * MiB, 1 * MiB, MEM_USABLE);
	memmap_add(&m, 3 * MiB, 1 * MiB, MEM_USABLE);
	before = m;
	/* 2 MiB in all, but in no one piece. */
	CHECK_EQ(memmap_take(&m, 2 * MiB, &base), ERR_NO_MEMORY);
	CHECK_EQ(memmap_take(&m, 0, &base), ERR_INVALID_ARG);
	CHECK_EQ(memmap_take(&m, PAGE_SIZE + 1, &base), ERR_INVALID_ARG);
	CHECK_EQ(base, 7);
	CHECK_EQ(memcmp(&m, &before, sizeof(m)), 0);
	m.n = 0;
	CHECK_EQ(memmap_take(&m, PAGE_SIZE, &base), ERR_NO_MEMORY);
}

/* Taking pages one at a time until nothing is left leaves a clean list
 * at every step, hands out every page exactly once, in address order. */
TEST(take_every_page_keeps_the_list_clean)
{
	struct memmap m = { 0 };
	uint64_t base, expect_total, taken = 0, last = 0;

	memmap_add(&m, 0x100000, 0x3000, MEM_USABLE);
	memmap_add(&m, 0x200000, 0x1000, MEM_USABLE);
	memmap_add(&m, 0x300000, 0x2000, MEM_USABLE);
	expect_total = memmap_total(&m);
	while (memmap_take(&m, PAGE_SIZE, &base) == OK) {
		CHECK(check_clean(&m));
		CHECK(base >= last);
		last = base + PAGE_SIZE;
		taken += PAGE_SIZE;
		CHECK_EQ(memmap_total(&m) + taken, expect_total);
	}
	CHECK_EQ(taken, expect_total);
	CHECK_EQ(m.n, 0);
}
