/*
 * Tests for lib/heap.c: alignment, exhaustion and recovery of the whole
 * space, coalescing in every order, realloc and calloc edge cases, size
 * overflow, tiny arenas, several regions, and the reports of double and bad
 * frees through heap_corrupt(), which this file overrides to count them.
 * heap_check() runs after every step, and a random run checks fill
 * patterns against a table of live blocks.
 */
#include <stdint.h>
#include <string.h>
#include "lib/test.h"
#include "lib/heap.h"

#define ARENA_SIZE	(64 * 1024)
#define OVERHEAD	24	/* header and footer of a block */
#define MIN_BLOCK	48
#define REGION_MIN	96	/* region header, one minimal block, epilogue */

static _Alignas(16) unsigned char arena[ARENA_SIZE];
static _Alignas(16) unsigned char arena2[16 * 1024];

static int corrupt_count;
static const char *corrupt_what;

/* Overrides the weak default in lib/heap.c, which traps. */
void heap_corrupt(const char *what)
{
	corrupt_count++;
	corrupt_what = what;
}

#define CHECK_HEAP(h)	CHECK(heap_check(h))

static void setup(struct heap *h, size_t size)
{
	memset(arena, 0x5A, sizeof(arena));
	heap_init(h, arena, size);
	corrupt_count = 0;
	corrupt_what = NULL;
}

static bool aligned(const void *p)
{
	return ((uintptr_t)p & 15) == 0;
}

static bool all_bytes(const void *p, unsigned char c, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != c)
			return false;
	return true;
}

TEST(init_whole_arena_is_one_free_block)
{
	struct heap h;

	setup(&h, ARENA_SIZE);
	CHECK_HEAP(&h);
	CHECK_EQ(heap_free_bytes(&h), ARENA_SIZE - 48);	/* region header and epilogue */
	CHECK_EQ(h.nfree, 1);
	CHECK_EQ(h.nregions, 1);
}

TEST(alignment_of_every_allocation)
{
	struct heap h;
	void *p[200];

	setup(&h, ARENA_SIZE);
	for (size_t i = 0; i < 200; i++) {
		p[i] = heap_alloc(&h, i * 7 % 257);
		CHECK(p[i] != NULL);
		CHECK(aligned(p[i]));
		memset(p[i], (int)i, i * 7 % 257);
		CHECK_HEAP(&h);
	}
	for (size_t i = 0; i < 200; i++) {
		CHECK(all_bytes(p[i], (unsigned char)i, i * 7 % 257));
		if (i % 3 == 0) {
			heap_free(&h, p[i]);
			CHECK_HEAP(&h);
		}
	}
	for (size_t i = 0; i < 200; i += 3) {
		p[i] = heap_alloc(&h, i + 1);
		CHECK(p[i] != NULL && aligned(p[i]));
		CHECK_HEAP(&h);
	}
	CHECK_EQ(corrupt_count, 0);
}

/* Fills the heap with `size`-byte blocks until an alloc fails, frees them
 * in the order `order` picks, and checks the whole space comes back. */
static size_t fill_and_free(struct heap *h, size_t size, int order, void **p, size_t max)
{
	size_t n = 0, initial = heap_free_bytes(h);

	while (n < max && (p[n] = heap_alloc(h, size)) != NULL)
		n++;
	if (n == max || !heap_check(h) || heap_free_bytes(h) >= initial)
		return 0;
	for (size_t i = 0; i < n; i++) {
		size_t k = order == 0 ? i : order == 1 ? n - 1 - i
			 : (i * 7919) % n;	/* 7919 is prime: a permutation unless n divides */

		if (order == 2 && n % 7919 == 0)
			k = i;
		heap_free(h, p[k]);
		if (!heap_check(h))
			return 0;
	}
	return heap_free_bytes(h) == initial && h->nfree == 1 ? n : 0;
}

TEST(exhaust_then_free_all_in_every_order)
{
	static void *p[ARENA_SIZE / MIN_BLOCK + 1];
	size_t sizes[] = { 0, 1, 24, 25, 100, 1000, 5000 };
	struct heap h;

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		for (int order = 0; order < 3; order++) {
			setup(&h, ARENA_SIZE);
			CHECK(fill_and_free(&h, sizes[s], order, p, ARENA_SIZE / MIN_BLOCK + 1) > 0);
		}
	}
	/* Minimal blocks tile the arena: 48 bytes each. */
	setup(&h, ARENA_SIZE);
	CHECK_EQ(fill_and_free(&h, 1, 0, p, ARENA_SIZE / MIN_BLOCK + 1), (ARENA_SIZE - 48) / 48);
	/* And the whole space is one allocation again. */
	p[0] = heap_alloc(&h, ARENA_SIZE - 48 - OVERHEAD);
	CHECK(p[0] != NULL);
	CHECK_EQ(heap_free_bytes(&h), 0);
	CHECK(heap_alloc(&h, 0) == NULL);
	heap_free(&h, p[0]);
	CHECK_HEAP(&h);
	CHECK_EQ(heap_free_bytes(&h), ARENA_SIZE - 48);
	CHECK_EQ(corrupt_count, 0);
}

/* Four neighbouring 64-byte blocks and a guard; frees the ones named in
 * `order` (indices 0-3) in that order and returns the free block count. */
static size_t free_in_order(struct heap *h, const int *order, int n)
{
	void *p[5];

	for (int i = 0; i < 5; i++)
		p[i] = heap_alloc(h, 40);
	for (int i = 0; i < n; i++)
		heap_free(h, p[order[i]]);
	return heap_check(h) ? h->nfree : 0;
}

TEST(coalesce_prev_next_both)
{
	static const struct { int order[4]; int n; size_t nfree; } cases[] = {
		{ { 1 }, 1, 2 },		/* alone: the tail and it */
		{ { 1, 2 }, 2, 2 },		/* 2 merges with prev 1 */
		{ { 2, 1 }, 2, 2 },		/* 1 merges with next 2 */
		{ { 1, 3, 2 }, 3, 2 },		/* 2 merges with both */
		{ { 0, 1 }, 2, 2 },		/* 0 is first in the region */
		{ { 3, 1, 0, 2 }, 4, 2 },
		{ { 0, 2 }, 2, 3 },		/* not adjacent */
	};
	struct heap h;

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		setup(&h, ARENA_SIZE);
		size_t before = heap_free_bytes(&h);

		CHECK_EQ(free_in_order(&h, cases[c].order, cases[c].n), cases[c].nfree);
		CHECK_EQ(heap_free_bytes(&h), before - 5 * 64 + (size_t)cases[c].n * 64);
	}
	/* Freeing the guard too merges everything, including the tail. */
	setup(&h, 5 * 64 + REGION_MIN - MIN_BLOCK);
	int all[5] = { 4, 0, 2, 3, 1 };
	void *p[5];

	for (int i = 0; i < 5; i++) {
		p[i] = heap_alloc(&h, 40);
		CHECK(p[i] != NULL);
	}
	CHECK(heap_alloc(&h, 0) == NULL);
	for (int i = 0; i < 5; i++) {
		heap_free(&h, p[all[i]]);
		CHECK_HEAP(&h);
	}
	CHECK_EQ(h.nfree, 1);
	CHECK_EQ(heap_free_bytes(&h), 5 * 64);
}

TEST(alloc_zero_is_unique_and_freeable)
{
	struct heap h;
	void *a, *b;

	setup(&h, ARENA_SIZE);
	a = heap_alloc(&h, 0);
	b = heap_alloc(&h, 0);
	CHECK(a && b && a != b && aligned(a) && aligned(b));
	CHECK_EQ(heap_free_bytes(&h), ARENA_SIZE - 48 - 2 * MIN_BLOCK);
	heap_free(&h, a);
	heap_free(&h, b);
	CHECK_HEAP(&h);
	CHECK_EQ(heap_free_bytes(&h), ARENA_SIZE - 48);
	CHECK_EQ(corrupt_count, 0);
}

TEST(size_overflow_returns_null)
{
	static const size_t bad[] = {
		SIZE_MAX, SIZE_MAX - 8, SIZE_MAX - 15, SIZE_MAX - 23, SIZE_MAX - 24,
		SIZE_MAX - 38, SIZE_MAX - 39, SIZE_MAX / 2, ARENA_SIZE,
		ARENA_SIZE - 48 - OVERHEAD + 1,
	};
	struct heap h;
	void *p;

	setup(&h, ARENA_SIZE);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(heap_alloc(&h, bad[i]) == NULL);
		CHECK(heap_calloc(&h, 1, bad[i]) == NULL);
		CHECK_HEAP(&h);
	}
	p = heap_alloc(&h, 16);
	CHECK(p != NULL);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(heap_realloc(&h, p, bad[i]) == NULL);
	CHECK_HEAP(&h);
	heap_free(&h, p);
	CHECK_EQ(heap_free_bytes(&h), ARENA_SIZE - 48);
	CHECK_EQ(corrupt_count, 0);
}

TEST(calloc_zeroes_and_checks_overflow)
{
	struct heap h;
	unsigned char *p;

	setup(&h, ARENA_SIZE);
	p = heap_alloc(&h, 1000);
	CHECK(p != NULL);
	memset(p, 0xAA, 1000);
	heap_free(&h, p);
	p = heap_calloc(&h, 25, 40);		/* reuses the dirty block */
	CHECK(p != NULL && aligned(p));
	CHECK(all_bytes(p, 0, 1000));
	heap_free(&h, p);
	CHECK(heap_calloc(&h, SIZE_MAX / 2 + 1, 2) == NULL);
	CHECK(heap_calloc(&h, 2, SIZE_MAX / 2 + 1) == NULL);
	CHECK(heap_calloc(&h, SIZE_MAX, SIZE_MAX) == NULL);
	CHECK(heap_calloc(&h, (size_t)1 << 32, (size_t)1 << 32) == NULL);
	p = heap_calloc(&h, 0, SIZE_MAX);	/* product 0: a minimal block */
	CHECK(p != NULL);
	heap_free(&h, p);
	CHECK_HEAP(&h);
	CHECK_EQ(heap_free_bytes(&h), ARENA_SIZE - 48);
}

TEST(realloc_grow_in_place)
{
	struct heap h;
	unsigned char *a, *b, *c, *r;

	setup(&h, ARENA_SIZE);
	a = heap_alloc(&h, 100);
	b = heap_alloc(&h, 200);
	c = heap_alloc(&h, 10);			/* keeps b's space from the tail */
	memset(a, 1, 100);
	heap_free(&h, b);
	r = heap_realloc(&h, a, 300);		/* a's 128 + b's 224 >= 336 */
	CHECK(r == a);
	CHECK(all_bytes(r, 1, 100));
	CHECK_HEAP(&h);
	CHECK_EQ(h.nfree, 1);			/* b's block is gone: no 16-byte rest */
	r = heap_realloc(&h, a, 1000);		/* c is in the way: moves */
	CHECK(r != a && r > c);
	CHECK(all_bytes(r, 1, 100));
	CHECK_HEAP(&h);
	heap_free(&h, c);
	CHECK_HEAP(&h);
	/* r is now right after the merged a..c space; growing at the end of
	 * the arena takes from the tail block. */
	a = heap_realloc(&h, r, 2000);
	CHECK(a == r);
	CHECK(all_bytes(a, 1, 100));
	heap_free(&h, a);
	CHECK_HEAP(&h);
	CHECK_EQ(heap_free_bytes(&h), ARENA_SIZE - 48);
	CHECK_EQ(corrupt_count, 0);
}

TEST(realloc_move_shrink_null_zero)
{
	struct heap h;
	unsigned char *a, *b, *r;
	size_t before;

	setup(&h, ARENA_SIZE);
	a = heap_realloc(&h, NULL, 500);	/* NULL: plain alloc */
	CHECK(a != NULL && aligned(a));
	b = heap_alloc(&h, 16);
	for (int i = 0; i < 500; i++)
		a[i] = (unsigned char)i;
	r = heap_realloc(&h, a, 600);		/* b is in the way */
	CHECK(r != NULL && r != a && aligned(r));
	for (int i = 0; i < 500; i++)
		CHECK_EQ(r[i], (unsigned char)i);
	CHECK_HEAP(&h);
	before = heap_free_bytes(&h);
	a = heap_realloc(&h, r, 100);		/* shrink: same block, rest freed */
	CHECK(a == r);
	for (int i = 0; i < 100; i++)
		CHECK_EQ(a[i], (unsigned char)i);
	CHECK_EQ(heap_free_bytes(&h), before + 496);	/* 624 -> 128 */
	CHECK_HEAP(&h);
	a = heap_realloc(&h, a, 90);		/* same block size: nothing moves */
	CHECK(a == r);
	CHECK_EQ(heap_free_bytes(&h), before + 496);
	a = heap_realloc(&h, a, 0);		/* 0: shrinks to a minimal block */
	CHECK(a == r);
	CHECK_EQ(heap_free_bytes(&h), before + 496 + 128 - MIN_BLOCK);
	CHECK_HEAP(&h);
	heap_free(&h, a);
	heap_free(&h, b);
	CHECK_HEAP(&h);
	CHECK_EQ(heap_free_bytes(&h), ARENA_SIZE - 48);
	CHECK_EQ(corrupt_count, 0);
}

TEST(realloc_failure_keeps_block)
{
	struct heap h;
	unsigned char *a, *b;

	setup(&h, 1024);
	a = heap_alloc(&h, 300);
	b = heap_alloc(&h, 300);
	CHECK(a && b);
	memset(a, 7, 300);
	CHECK(heap_realloc(&h, a, 700) == NULL);
	CHECK(all_bytes(a, 7, 300));
	CHECK_HEAP(&h);
	heap_free(&h, a);
	heap_free(&h, b);
	CHECK_EQ(heap_free_bytes(&h), 1024 - 48);
}

TEST(tiny_and_unaligned_arenas)
{
	struct heap h;
	void *p;

	heap_init(&h, NULL, 0);
	CHECK_HEAP(&h);
	CHECK(heap_alloc(&h, 0) == NULL);
	heap_free(&h, NULL);
	for (size_t size = 0; size < REGION_MIN; size++) {
		setup(&h, size);
		CHECK_HEAP(&h);
		CHECK_EQ(heap_free_bytes(&h), 0);
		CHECK(heap_alloc(&h, 0) == NULL);
		CHECK(heap_calloc(&h, 1, 1) == NULL);
		CHECK(heap_realloc(&h, NULL, 1) == NULL);
	}
	/* Exactly one minimal block; then unaligned starts lose up to 15. */
	setup(&h, REGION_MIN);
	CHECK_EQ(heap_free_bytes(&h), MIN_BLOCK);
	p = heap_alloc(&h, MIN_BLOCK - OVERHEAD);
	CHECK(p != NULL && aligned(p));
	CHECK(heap_alloc(&h, 0) == NULL);
	heap_free(&h, p);
	CHECK_HEAP(&h);
	for (size_t off = 1; off < 16; off++) {
		heap_init(&h, arena + off, REGION_MIN + 16 - off);
		CHECK_HEAP(&h);
		CHECK_EQ(heap_free_bytes(&h), MIN_BLOCK);
		heap_init(&h, arena + off, REGION_MIN + 15 - off);
		CHECK_EQ(heap_free_bytes(&h), 0);
		heap_init(&h, arena + off, 1000);
		p = heap_alloc(&h, 1);
		CHECK(p != NULL && aligned(p) && (unsigned char *)p < arena + 1000);
		CHECK_HEAP(&h);
	}
	/* An end that would wrap past the address space is clipped, not used. */
	heap_init(&h, (void *)(UINTPTR_MAX - 40), 100);
	CHECK_EQ(h.nregions, 0);
}

TEST(add_second_region)
{
	struct heap h;
	unsigned char *a, *b, *c;
	size_t first, total;

	setup(&h, 1024);
	first = heap_free_bytes(&h);
	a = heap_alloc(&h, 800);
	CHECK(a != NULL && heap_alloc(&h, 800) == NULL);
	heap_add(&h, arena2, sizeof(arena2));
	CHECK_HEAP(&h);
	CHECK_EQ(h.nregions, 2);
	total = first + sizeof(arena2) - 48;
	b = heap_alloc(&h, 800);		/* from the new region */
	CHECK(b >= arena2 && b < arena2 + sizeof(arena2));
	c = heap_alloc(&h, 8000);
	CHECK(c >= arena2 && c < arena2 + sizeof(arena2));
	memset(a, 1, 800);
	memset(b, 2, 800);
	memset(c, 3, 8000);
	CHECK(all_bytes(a, 1, 800) && all_bytes(b, 2, 800));
	CHECK(heap_alloc(&h, sizeof(arena2)) == NULL);	/* regions do not merge */
	CHECK_HEAP(&h);
	heap_free(&h, c);
	heap_free(&h, a);			/* first on the free list now */
	a = heap_alloc(&h, 900);		/* fits in the first region again */
	CHECK(a >= arena && a < arena + 1024);
	heap_free(&h, b);
	heap_free(&h, a);
	CHECK_HEAP(&h);
	CHECK_EQ(heap_free_bytes(&h), total);
	CHECK_EQ(h.nfree, 2);
	/* A region too small to hold a block is ignored. */
	heap_add(&h, arena + 2048, REGION_MIN - 1);
	CHECK_EQ(h.nregions, 2);
	CHECK_HEAP(&h);
	CHECK_EQ(corrupt_count, 0);
}

TEST(double_free_is_reported)
{
	struct heap h;
	void *a, *b, *c;
	size_t before;

	setup(&h, ARENA_SIZE);
	a = heap_alloc(&h, 64);
	b = heap_alloc(&h, 64);
	c = heap_alloc(&h, 64);
	heap_free(&h, b);
	before = heap_free_bytes(&h);
	heap_free(&h, b);			/* a free block of its own */
	CHECK_EQ(corrupt_count, 1);
	CHECK_STR(corrupt_what, "heap: double free");
	CHECK_EQ(heap_free_bytes(&h), before);
	CHECK_HEAP(&h);
	heap_free(&h, a);			/* b is merged into a's block */
	heap_free(&h, b);
	CHECK_EQ(corrupt_count, 2);
	CHECK_STR(corrupt_what, "heap: double free");
	heap_free(&h, a);
	CHECK_EQ(corrupt_count, 3);
	CHECK(heap_realloc(&h, a, 10) == NULL);	/* realloc checks too */
	CHECK_EQ(corrupt_count, 4);
	CHECK_STR(corrupt_what, "heap: double free");
	CHECK_HEAP(&h);
	heap_free(&h, c);			/* c is merged into the a..b block */
	heap_free(&h, c);
	CHECK_EQ(corrupt_count, 5);
	CHECK_STR(corrupt_what, "heap: double free");
	CHECK_HEAP(&h);
	CHECK_EQ(heap_free_bytes(&h), ARENA_SIZE - 48);
}

TEST(bad_pointers_are_reported)
{
	static _Alignas(16) unsigned char elsewhere[64];
	struct heap h;
	unsigned char *a, *b;
	size_t before;

	setup(&h, ARENA_SIZE);
	a = heap_alloc(&h, 100);
	b = heap_alloc(&h, 100);
	memset(a, 0, 100);
	before = heap_free_bytes(&h);
	heap_free(&h, elsewhere + 16);
	CHECK_STR(corrupt_what, "heap: pointer not from this heap");
	heap_free(&h, a + 1);			/* misaligned */
	CHECK_STR(corrupt_what, "heap: pointer not from this heap");
	heap_free(&h, arena);			/* before the first payload */
	CHECK_STR(corrupt_what, "heap: pointer not from this heap");
	heap_free(&h, a + 32);			/* inside a block */
	CHECK_STR(corrupt_what, "heap: bad pointer or overwritten block header");
	CHECK(heap_realloc(&h, a + 16, 10) == NULL);
	CHECK_EQ(corrupt_count, 5);
	CHECK_EQ(heap_free_bytes(&h), before);
	CHECK_HEAP(&h);
	/* An overrun of a's payload onto its footer is caught when a, or its
	 * neighbour b, is freed. */
	a[128 - OVERHEAD] = 0xFF;		/* a's footer */
	CHECK(!heap_check(&h));
	heap_free(&h, a);
	CHECK_STR(corrupt_what, "heap: bad pointer or overwritten block header");
	heap_free(&h, b);
	CHECK_STR(corrupt_what, "heap: neighbouring block overwritten");
	CHECK_EQ(corrupt_count, 7);
	a[128 - OVERHEAD] = 128 | 1;		/* repair */
	CHECK_HEAP(&h);
	heap_free(&h, a);
	heap_free(&h, b);
	CHECK_EQ(corrupt_count, 7);
	CHECK_HEAP(&h);
	CHECK_EQ(heap_free_bytes(&h), ARENA_SIZE - 48);
}

TEST(write_after_free_is_reported)
{
	struct heap h;
	unsigned char *a, *b, saved[16];

	setup(&h, ARENA_SIZE);
	a = heap_alloc(&h, 100);
	b = heap_alloc(&h, 100);		/* keeps a apart from the tail */
	heap_free(&h, a);
	memcpy(saved, a, 16);
	memset(a, 0x41, 16);			/* a's free-list links */
	CHECK(!heap_check(&h));
	CHECK(heap_alloc(&h, 8) == NULL);
	CHECK_EQ(corrupt_count, 1);
	CHECK_STR(corrupt_what, "heap: free list overwritten (write after free?)");
	memcpy(a, saved, 16);			/* repair */
	CHECK_HEAP(&h);
	CHECK(heap_alloc(&h, 8) == a);
	heap_free(&h, a);
	heap_free(&h, b);
	CHECK_HEAP(&h);
	CHECK_EQ(heap_free_bytes(&h), ARENA_SIZE - 48);
	CHECK_EQ(corrupt_count, 1);
}

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

struct live {
	unsigned char *p;
	size_t n;
	unsigned char seed;
};

static bool pattern_ok(const struct live *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->p[i] != (unsigned char)(l->seed + i))
			return false;
	return true;
}

static void pattern_fill(struct live *l)
{
	for (size_t i = 0; i < l->n; i++)
		l->p[i] = (unsigned char)(l->seed + i);
}

/* Random alloc/realloc/free over two regions; every live block keeps its
 * pattern, and freeing everything gives the whole space back. */
TEST(random_ops_keep_contents)
{
	enum { SLOTS = 64 };
	struct live l[SLOTS] = { { 0 } };
	struct heap h;
	size_t initial;

	setup(&h, ARENA_SIZE / 2);
	heap_add(&h, arena2, sizeof(arena2));
	initial = heap_free_bytes(&h);
	for (int op = 0; op < 20000; op++) {
		struct live *s = &l[rng() % SLOTS];
		size_t n = rng() % 4 ? rng() % 256 : rng() % 4096;

		if (s->p)
			CHECK(pattern_ok(s));
		if (!s->p || rng() % 2) {
			unsigned char *q = s->p ? heap_realloc(&h, s->p, n) : heap_alloc(&h, n);

			if (q) {
				CHECK(aligned(q));
				/* realloc keeps the shorter of the two; alloc, nothing */
				s->n = !s->p ? 0 : s->n < n ? s->n : n;
				s->p = q;
				CHECK(pattern_ok(s));
				s->n = n;
				s->seed = (unsigned char)rng();
				pattern_fill(s);
			}
		} else {
			heap_free(&h, s->p);
			s->p = NULL;
		}
		CHECK_HEAP(&h);
	}
	for (int i = 0; i < SLOTS; i++) {
		if (l[i].p) {
			CHECK(pattern_ok(&l[i]));
			heap_free(&h, l[i].p);
		}
	}
	CHECK_HEAP(&h);
	CHECK_EQ(heap_free_bytes(&h), initial);
	CHECK_EQ(corrupt_count, 0);
}
