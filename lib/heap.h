/*
 * A small memory allocator for user programs: boundary-tag first fit over
 * one or more regions of memory the program owns (see lib/heap.c). Every
 * pointer it returns is 16-byte aligned. Not thread-safe: a program that
 * shares a heap between threads must lock around every call.
 */
#ifndef LIB_HEAP_H
#define LIB_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HEAP_ALIGN	16

struct heap_block;
struct heap_region;

/* All the state outside the regions themselves. */
struct heap {
	struct heap_block *free_list;	/* free blocks, most recently freed first */
	struct heap_region *regions;	/* most recently added first */
	size_t nregions;
	size_t nfree;			/* blocks on free_list */
	size_t free_bytes;		/* sum of the sizes of the free blocks */
	size_t total_bytes;		/* sum of the sizes of all blocks */
};

/* Starts a heap on `size` bytes at `arena` (any alignment and size: the
 * ends are trimmed to 16 bytes). A region costs 48 bytes of bookkeeping and
 * a block at least 48, so an arena under 96 bytes once trimmed gives a heap
 * on which every alloc fails. */
void heap_init(struct heap *h, void *arena, size_t size);

/* Adds another region, e.g. pages mapped later; it need not be adjacent to
 * the others, and is ignored when too small to hold one block. */
void heap_add(struct heap *h, void *mem, size_t size);

/* `size` bytes, or NULL when out of memory or when the size overflows.
 * Size 0 gives a unique minimal block, which must be freed like any other. */
void *heap_alloc(struct heap *h, size_t size);

/* n * size zeroed bytes; NULL when the product overflows. */
void *heap_calloc(struct heap *h, size_t n, size_t size);

/* C realloc: p == NULL allocates; otherwise keeps the first
 * min(old, new) bytes, in place when it can. On failure returns NULL and
 * leaves p allocated and untouched. Size 0 shrinks p to a minimal block
 * and returns it (as musl and the BSDs do): NULL always means failure. */
void *heap_realloc(struct heap *h, void *p, size_t size);

/* Frees p (NULL is ignored), merging it with free neighbours. */
void heap_free(struct heap *h, void *p);

/* Sum of the sizes of the free blocks, their 24 bytes of bookkeeping
 * included: constant across any sequence of calls that frees all it
 * allocates. */
size_t heap_free_bytes(const struct heap *h);

/* Walks every region, block and the free list; true when all is
 * consistent. For tests and fuzzers: it takes time linear in the heap. */
bool heap_check(const struct heap *h);

/*
 * Called with a short description when heap_free or heap_realloc is given
 * a pointer that is free already, that the heap never returned, or whose
 * block (or a neighbour's) has been overwritten. The heap is left as it
 * was. The program provides it (print and abort); lib/heap.c has a weak
 * default that traps, which host tests override to count the reports.
 */
void heap_corrupt(const char *what);

#endif
