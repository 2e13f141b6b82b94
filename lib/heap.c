/*
 * Boundary-tag first-fit allocator. A region opens with a struct heap_region
 * ending in a used footer (the prologue) and closes with a used header of
 * size 0 (the epilogue), so merging never looks past it. Between them blocks
 * tile the region: 16-byte header (size, tag), payload, 8-byte footer
 * (size | used); sizes are multiples of 16, at least MIN_BLOCK. The tag is the
 * block's address xor a used/free magic, so double frees, foreign pointers and
 * overwritten headers are caught before anything changes. Invariants: no two
 * free blocks are adjacent; the free list holds exactly the free blocks;
 * free_bytes sums their sizes and total_bytes those of all blocks.
 */
#include "lib/heap.h"
#include "lib/string.h"

/* Block memory is also user memory: read it through a type that may alias. */
typedef size_t __attribute__((may_alias)) word_t;

struct heap_block {
	size_t size;			/* whole block, header and footer included */
	uintptr_t tag;			/* address ^ TAG_USED or TAG_FREE */
	struct heap_block *next, *prev;	/* free blocks only: the free list */
} __attribute__((may_alias));

struct heap_region {
	struct heap_region *next;
	uintptr_t end;			/* the epilogue header; blocks end here */
	size_t bytes;			/* end - first block */
	word_t prologue;		/* FTR_USED: the footer below the first block */
};

#define HDR_SIZE	16		/* offsetof(struct heap_block, next) */
#define FTR_SIZE	sizeof(word_t)
#define OVERHEAD	(HDR_SIZE + FTR_SIZE)
#define MIN_BLOCK	48		/* header, the two list links, footer: 40, rounded */
#define FTR_USED	((size_t)1)
#define SIZE_MASK	(~(size_t)(HEAP_ALIGN - 1))
#define TAG_USED	((uintptr_t)0x5553454448454150ull)
#define TAG_FREE	((uintptr_t)0x4652454548454150ull)
/* Region header, a minimal block and the epilogue. */
#define REGION_MIN	(sizeof(struct heap_region) + MIN_BLOCK + HDR_SIZE)

_Static_assert(sizeof(struct heap_region) % HEAP_ALIGN == 0,
	       "the region header would misalign the blocks");
_Static_assert(sizeof(struct heap_block) + FTR_SIZE <= MIN_BLOCK,
	       "a minimal free block cannot hold its links and footer");

/* The default hook for builds that provide none: stop at once. */
__attribute__((weak)) void heap_corrupt(const char *what)
{
	(void)what;
	__builtin_trap();
}

static uintptr_t tag_of(const struct heap_block *b, bool used)
{
	return (uintptr_t)b ^ (used ? TAG_USED : TAG_FREE);
}

static bool is_free(const struct heap_block *b)
{
	return b->tag == tag_of(b, false);
}

static word_t *footer_of(const struct heap_block *b)
{
	return (word_t *)((uintptr_t)b + b->size - FTR_SIZE);
}

static struct heap_block *next_block(const struct heap_block *b)
{
	return (struct heap_block *)((uintptr_t)b + b->size);
}

static uintptr_t first_block(const struct heap_region *r)
{
	return (uintptr_t)r + sizeof(*r);
}

static void *payload(struct heap_block *b)
{
	return (void *)((uintptr_t)b + HDR_SIZE);
}

static void set_block(struct heap_block *b, size_t size, bool used)
{
	b->size = size;
	b->tag = tag_of(b, used);
	*footer_of(b) = size | (used ? FTR_USED : 0);
}

/* The free block just below b, or NULL when that one is used. */
static struct heap_block *prev_free(const struct heap_block *b)
{
	size_t f = *(const word_t *)((uintptr_t)b - FTR_SIZE);

	if (f & FTR_USED)
		return NULL;
	return (struct heap_block *)((uintptr_t)b - f);
}

static void list_push(struct heap *h, struct heap_block *b)
{
	b->prev = NULL;
	b->next = h->free_list;
	if (b->next)
		b->next->prev = b;
	h->free_list = b;
	h->nfree++;
	h->free_bytes += b->size;
}

static void list_remove(struct heap *h, struct heap_block *b)
{
	if (b->prev)
		b->prev->next = b->next;
	else
		h->free_list = b->next;
	if (b->next)
		b->next->prev = b->prev;
	h->nfree--;
	h->free_bytes -= b->size;
}

/* Frees b (whose size is set, whose neighbours are sound) and merges it
 * with its free neighbours. The header is retagged free before any merge,
 * so that if it ends up inside a bigger block, a second free of the same
 * pointer still reads "free" there and is reported as a double free. */
static void release(struct heap *h, struct heap_block *b)
{
	struct heap_block *n = next_block(b), *p = prev_free(b);
	size_t size = b->size;

	set_block(b, size, false);
	if (is_free(n)) {		/* the epilogue is tagged used */
		list_remove(h, n);
		size += n->size;
	}
	if (p) {
		list_remove(h, p);
		size += p->size;
		b = p;
	}
	set_block(b, size, false);
	list_push(h, b);
}

/* Makes b (off the free list) a used block of `need` bytes, returning the
 * rest to the free list when it can hold a block of its own. */
static void split(struct heap *h, struct heap_block *b, size_t need)
{
	size_t size = b->size;
	struct heap_block *rest;

	if (size - need < MIN_BLOCK) {
		set_block(b, size, true);
		return;
	}
	set_block(b, need, true);	/* first: release() reads this footer */
	rest = next_block(b);
	rest->size = size - need;
	release(h, rest);
}

/* The block size that holds n bytes; false when that overflows. */
static bool block_size(size_t n, size_t *out)
{
	if (n > SIZE_MAX - OVERHEAD - (HEAP_ALIGN - 1))
		return false;
	n = (n + OVERHEAD + HEAP_ALIGN - 1) & SIZE_MASK;
	*out = n < MIN_BLOCK ? MIN_BLOCK : n;
	return true;
}

/* The region whose blocks' payloads may contain address a. */
static const struct heap_region *region_of(const struct heap *h, uintptr_t a)
{
	const struct heap_region *r = h->regions;

	for (size_t i = 0; r && i < h->nregions; i++, r = r->next)
		if (a >= first_block(r) + HDR_SIZE && a < r->end)
			return r;
	return NULL;
}

/* Whether b is a well-formed block of r in the given state; reads nothing
 * outside r. */
static bool block_ok(const struct heap_region *r, const struct heap_block *b,
		     bool used)
{
	uintptr_t a = (uintptr_t)b;

	if (a % HEAP_ALIGN || a < first_block(r) || a >= r->end)
		return false;
	if (b->size % HEAP_ALIGN || b->size < MIN_BLOCK || b->size > r->end - a)
		return false;
	return b->tag == tag_of(b, used) &&
	       *footer_of(b) == (b->size | (used ? FTR_USED : 0));
}

/* Whether the blocks on either side of b are sound, so that merging with
 * them cannot spread an overrun into the free list. */
static bool neighbours_ok(const struct heap_region *r, const struct heap_block *b)
{
	uintptr_t a = (uintptr_t)b;
	size_t f = *(const word_t *)(a - FTR_SIZE);
	const struct heap_block *n = next_block(b);

	if (a == first_block(r)) {
		if (f != FTR_USED)
			return false;
	} else {
		const struct heap_block *p;

		if ((f & ~SIZE_MASK) > FTR_USED || (f & SIZE_MASK) > a - first_block(r))
			return false;
		p = (const struct heap_block *)(a - (f & SIZE_MASK));
		if (!block_ok(r, p, f & FTR_USED) || p->size != (f & SIZE_MASK))
			return false;
	}
	if ((uintptr_t)n == r->end)
		return n->size == 0 && n->tag == tag_of(n, true);
	return block_ok(r, n, true) || block_ok(r, n, false);
}

/* The used block whose payload is p, or NULL after reporting why not. */
static struct heap_block *lookup(struct heap *h, void *p)
{
	uintptr_t a = (uintptr_t)p;
	const struct heap_region *r = region_of(h, a);
	struct heap_block *b = (struct heap_block *)(a - HDR_SIZE);

	if (!r || a % HEAP_ALIGN) {
		heap_corrupt("heap: pointer not from this heap");
		return NULL;
	}
	if (is_free(b)) {
		heap_corrupt("heap: double free");
		return NULL;
	}
	if (!block_ok(r, b, true)) {
		heap_corrupt("heap: bad pointer or overwritten block header");
		return NULL;
	}
	if (!neighbours_ok(r, b)) {
		heap_corrupt("heap: neighbouring block overwritten");
		return NULL;
	}
	return b;
}

void heap_init(struct heap *h, void *arena, size_t size)
{
	h->free_list = NULL;
	h->regions = NULL;
	h->nregions = h->nfree = 0;
	h->free_bytes = h->total_bytes = 0;
	heap_add(h, arena, size);
}

void heap_add(struct heap *h, void *mem, size_t size)
{
	uintptr_t lo = (uintptr_t)mem, start, end;
	struct heap_region *r;
	struct heap_block *b, *epilogue;

	if (!mem)
		return;
	/* Trim both ends to 16 bytes, clipping an end that wraps. */
	start = (lo + HEAP_ALIGN - 1) & SIZE_MASK;
	end = (lo + size < lo ? UINTPTR_MAX : lo + size) & SIZE_MASK;
	if (start < lo || start > end || end - start < REGION_MIN)
		return;
	r = (struct heap_region *)start;
	r->end = end - HDR_SIZE;
	r->bytes = r->end - first_block(r);
	r->prologue = FTR_USED;
	epilogue = (struct heap_block *)r->end;
	epilogue->size = 0;
	epilogue->tag = tag_of(epilogue, true);
	r->next = h->regions;
	h->regions = r;
	h->nregions++;
	h->total_bytes += r->bytes;
	b = (struct heap_block *)first_block(r);
	b->size = r->bytes;
	release(h, b);
}

void *heap_alloc(struct heap *h, size_t size)
{
	struct heap_block *b, *prev = NULL;
	size_t need;

	if (!block_size(size, &need))
		return NULL;
	for (b = h->free_list; b; prev = b, b = b->next) {
		/* The links lie where the payload was: a write after free
		 * lands on them. Stop before following them anywhere. */
		if (b->tag != tag_of(b, false) || b->prev != prev) {
			heap_corrupt("heap: free list overwritten (write after free?)");
			return NULL;
		}
		if (b->size >= need) {
			list_remove(h, b);
			split(h, b, need);
			return payload(b);
		}
	}
	return NULL;
}

void *heap_calloc(struct heap *h, size_t n, size_t size)
{
	size_t total;
	void *p;

	if (__builtin_mul_overflow(n, size, &total))
		return NULL;
	p = heap_alloc(h, total);
	if (p)
		memset(p, 0, total);
	return p;
}

void *heap_realloc(struct heap *h, void *p, size_t size)
{
	struct heap_block *b, *n;
	size_t need;
	void *q;

	if (!p)
		return heap_alloc(h, size);
	b = lookup(h, p);
	if (!b || !block_size(size, &need))
		return NULL;
	if (need <= b->size) {
		split(h, b, need);
		return p;
	}
	n = next_block(b);
	if (is_free(n) && b->size + n->size >= need) {
		list_remove(h, n);
		b->size += n->size;
		split(h, b, need);
		return p;
	}
	q = heap_alloc(h, size);
	if (!q)
		return NULL;
	memcpy(q, p, b->size - OVERHEAD);
	release(h, b);
	return q;
}

void heap_free(struct heap *h, void *p)
{
	struct heap_block *b;

	if (!p)
		return;
	b = lookup(h, p);
	if (b)
		release(h, b);
}

size_t heap_free_bytes(const struct heap *h)
{
	return h->free_bytes;
}

/* Running sums over the blocks, to compare with the free list and h. */
struct heap_sums {
	size_t total, nfree, free_bytes;
	uintptr_t free_addrs;		/* sum of the free blocks' addresses */
};

static bool check_region(const struct heap_region *r, struct heap_sums *s)
{
	uintptr_t a = first_block(r);
	const struct heap_block *e = (const struct heap_block *)r->end;
	bool prev_was_free = false;

	if ((uintptr_t)r % HEAP_ALIGN || r->end % HEAP_ALIGN || r->end < a ||
	    r->end - a != r->bytes || r->prologue != FTR_USED)
		return false;
	if (e->size != 0 || e->tag != tag_of(e, true))
		return false;
	while (a < r->end) {
		const struct heap_block *b = (const struct heap_block *)a;
		bool is_f = is_free(b);

		if (!block_ok(r, b, !is_f) || (is_f && prev_was_free))
			return false;
		if (is_f) {
			s->nfree++;
			s->free_bytes += b->size;
			s->free_addrs += a;
		}
		prev_was_free = is_f;
		a += b->size;
	}
	s->total += r->bytes;
	return true;
}

/* The list must hold s->nfree distinct free blocks of the regions, linked
 * both ways; equal sums of sizes and addresses make them the same blocks
 * as the walk found (a stale header inside a bigger block would differ). */
static bool check_free_list(const struct heap *h, const struct heap_sums *s)
{
	const struct heap_block *b, *prev = NULL;
	size_t n = 0, bytes = 0;
	uintptr_t addrs = 0;

	for (b = h->free_list; b; prev = b, b = b->next) {
		const struct heap_region *r = region_of(h, (uintptr_t)b + HDR_SIZE);

		if (++n > s->nfree || !r || !block_ok(r, b, false) || b->prev != prev)
			return false;
		bytes += b->size;
		addrs += (uintptr_t)b;
	}
	return n == s->nfree && bytes == s->free_bytes && addrs == s->free_addrs;
}

bool heap_check(const struct heap *h)
{
	struct heap_sums s = { 0, 0, 0, 0 };
	const struct heap_region *r = h->regions;
	size_t nr = 0;

	for (; r; r = r->next)
		if (++nr > h->nregions || !check_region(r, &s))
			return false;
	if (nr != h->nregions || s.total != h->total_bytes ||
	    s.nfree != h->nfree || s.free_bytes != h->free_bytes)
		return false;
	return check_free_list(h, &s);
}
