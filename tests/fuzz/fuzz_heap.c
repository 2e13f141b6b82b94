/*
 * libFuzzer target for lib/heap.c. The input picks a 64 KiB arena's trim,
 * then a sequence of alloc/calloc/realloc/free ops on a table of live
 * blocks, heap_add of two more regions, and deliberate bad frees. Each live
 * block holds a pattern of its own, verified before it is freed or
 * reallocated and at the end, so overlapping blocks are caught.
 * heap_check() runs after every op; a bad free must be reported exactly
 * once through heap_corrupt() and change nothing. Freeing everything at the
 * end must give back all the space the regions' geometry promises.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tests/fuzz/fuzz_input.h"
#include <string.h>
#include "lib/heap.h"

#define ARENA_SIZE	(64 * 1024)
#define EXTRA_SIZE	(16 * 1024)
#define TINY_SIZE	112
#define SLOTS		32	/* the op byte's top five bits */

struct live {
	uint8_t *p;
	size_t n;
	uint64_t seed;		/* picks the pattern's window in table */
};

static _Alignas(16) uint8_t arena[ARENA_SIZE];
static _Alignas(16) uint8_t extra[EXTRA_SIZE];
static _Alignas(16) uint8_t tiny[TINY_SIZE];
static struct heap h;
static struct live live[SLOTS];
static unsigned long reports;
static const char *last_report;
static uint64_t next_seed;
/* Per input: which regions were added, and what freeing all must give. */
static bool added_extra, added_tiny;
static size_t expect_bytes;
static size_t expect_regions;

/* Overrides the weak default in lib/heap.c, which traps. */
void heap_corrupt(const char *what)
{
	reports++;
	last_report = what;
}

/* Mostly small sizes, some up to the arena and past it, some that overflow. */
static size_t take_size(struct input *in)
{
	uint8_t b = (uint8_t)take(in, 1);

	switch (b & 3) {
	case 0:
		return b >> 2;
	case 1:
		return (size_t)(b >> 2) << 8 | take(in, 1);
	case 2:
		return take(in, 2);
	default:
		return (b & 4) ? SIZE_MAX - take(in, 1) : ARENA_SIZE - 128 + take(in, 1);
	}
}

/* Patterns are windows of one random table, starting at an offset drawn
 * per fill: a block written over another at any distance does not
 * reproduce the other's bytes, and filling and checking are plain
 * memcpy/memcmp, which keeps the fuzzer fast under the sanitizers. */
#define TABLE_SIZE	(4 * ARENA_SIZE)
static uint8_t table[TABLE_SIZE + ARENA_SIZE + EXTRA_SIZE];
static const uint8_t zeros[ARENA_SIZE + EXTRA_SIZE];

static bool table_ready;

static void make_table(void)
{
	uint64_t x = 0x9E3779B97F4A7C15ull;

	table_ready = true;
	for (size_t i = 0; i < sizeof(table); i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		table[i] = (uint8_t)(x >> 56);
	}
}

static void fill(struct live *l)
{
	l->seed = (++next_seed * 0x9E3779B97F4A7C15ull) >> 32;
	memcpy(l->p, table + l->seed % TABLE_SIZE, l->n);
}

static void verify(const struct live *l, size_t n)
{
	if (memcmp(l->p, table + l->seed % TABLE_SIZE, n) != 0)
		__builtin_trap();
}

/* A new block must be aligned and lie wholly in one of the buffers. */
static void check_new(const uint8_t *p, size_t n)
{
	const uint8_t *bufs[3] = { arena, extra, tiny };
	const size_t sizes[3] = { ARENA_SIZE, EXTRA_SIZE, TINY_SIZE };

	if ((uintptr_t)p % 16)
		__builtin_trap();
	for (int i = 0; i < 3; i++)
		if (p >= bufs[i] && p <= bufs[i] + sizes[i] && n <= (size_t)(bufs[i] + sizes[i] - p))
			return;
	__builtin_trap();
}

static void op_free(struct live *l)
{
	if (!l->p)
		return;
	verify(l, l->n);
	heap_free(&h, l->p);
	l->p = NULL;
}

static void op_alloc(struct live *l, size_t n)
{
	op_free(l);
	l->p = heap_alloc(&h, n);
	if (!l->p)
		return;
	check_new(l->p, n);
	l->n = n;
	fill(l);
}

static void op_calloc(struct live *l, size_t n, size_t m)
{
	size_t total;
	bool over = __builtin_mul_overflow(n, m, &total);

	op_free(l);
	l->p = heap_calloc(&h, n, m);
	if (!l->p)
		return;
	if (over)
		__builtin_trap();
	check_new(l->p, total);		/* so total <= sizeof(zeros) */
	if (memcmp(l->p, zeros, total) != 0)
		__builtin_trap();
	l->n = total;
	fill(l);
}

static void op_realloc(struct live *l, size_t n)
{
	uint8_t *q;

	if (l->p)
		verify(l, l->n);
	q = heap_realloc(&h, l->p, n);
	if (!q) {
		if (l->p)
			verify(l, l->n);	/* failure leaves the block alone */
		return;
	}
	check_new(q, n);
	if (!l->p)
		l->n = 0;
	l->p = q;
	verify(l, l->n < n ? l->n : n);	/* the old seed, at the new place */
	l->n = n;
	fill(l);
}

/* The bytes heap_add should make of [mem, mem + size): trimmed to 16,
 * less the region header and the epilogue; 0 when no block fits. */
static size_t region_bytes(const void *mem, size_t size)
{
	uintptr_t lo = (uintptr_t)mem;
	uintptr_t start = (lo + 15) & ~(uintptr_t)15, end = (lo + size) & ~(uintptr_t)15;

	return end < start + 96 ? 0 : end - start - 48;
}

static void add_region(void *mem, size_t size)
{
	heap_add(&h, mem, size);
	expect_bytes += region_bytes(mem, size);
	expect_regions += region_bytes(mem, size) != 0;
}

/* Adds the extra region, then a tiny one (maybe too small), once each. */
static void op_add(struct input *in)
{
	uint8_t b = (uint8_t)take(in, 1);
	size_t off = b & 15;

	if (!added_extra) {
		added_extra = true;
		add_region(extra + off, EXTRA_SIZE - off - (size_t)(b >> 4) * 32);
	} else if (!added_tiny) {
		added_tiny = true;
		add_region(tiny + off, take(in, 1) % (TINY_SIZE - off + 1));
	}
}

/* A pointer the heap must refuse: one just freed, one inside a live
 * block, a misaligned one, or one outside every region. */
static uint8_t *bad_pointer(struct live *l, uint8_t b)
{
	uint8_t *p = l->p;

	switch (b & 3) {
	case 0:
		if (p)
			op_free(l);
		return p;
	case 1:
		return p && l->n >= 16 ? p + 16 * (1 + (b >> 2) % (l->n / 16)) : NULL;
	case 2:
		return p ? p + 1 + (b >> 2) % 15 : NULL;
	default:
		return (uint8_t *)live + 16 * ((b >> 2) % 8);
	}
}

/* Frees or reallocs a bad pointer: it must be reported exactly once and
 * leave the heap as it was. */
static void op_bad(struct input *in, struct live *l)
{
	uint8_t b = (uint8_t)take(in, 1);
	uint8_t *p = bad_pointer(l, b);
	unsigned long before = reports;
	size_t free_before = heap_free_bytes(&h);

	if (!p)
		return;
	if (b & 0x80) {
		if (heap_realloc(&h, p, b) != NULL)
			__builtin_trap();
	} else {
		heap_free(&h, p);
	}
	if (reports != before + 1 || heap_free_bytes(&h) != free_before)
		__builtin_trap();
	/* A pointer just freed reads "free" even once merged into a neighbour. */
	if ((b & 3) == 0 && strcmp(last_report, "heap: double free") != 0)
		__builtin_trap();
}

static void run_op(struct input *in)
{
	uint8_t op = (uint8_t)take(in, 1);
	struct live *l = &live[op >> 3];

	switch (op & 7) {
	case 0:
	case 1:
		op_alloc(l, take_size(in));
		break;
	case 2:
		op_calloc(l, take(in, 1), take_size(in));
		break;
	case 3:
	case 4:
		op_realloc(l, take_size(in));
		break;
	case 5:
		op_free(l);
		break;
	case 6:
		op_add(in);
		break;
	default:
		op_bad(in, l);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	uint8_t cfg = (uint8_t)take(&in, 1);
	size_t off = cfg & 15;

	if (!table_ready)
		make_table();
	memset(live, 0, sizeof(live));
	added_extra = added_tiny = false;
	expect_bytes = expect_regions = 0;
	heap_init(&h, arena + off, 0);
	add_region(arena + off, ARENA_SIZE - off - (size_t)(cfg >> 4) * 1000);
	for (int ops = 0; in.n && ops < 4096; ops++) {
		run_op(&in);
		if (!heap_check(&h) || heap_free_bytes(&h) > expect_bytes)
			__builtin_trap();
	}
	for (int i = 0; i < SLOTS; i++)
		op_free(&live[i]);
	if (!heap_check(&h) || heap_free_bytes(&h) != expect_bytes ||
	    h.nfree != expect_regions)
		__builtin_trap();
	return 0;
}
