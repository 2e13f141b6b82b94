/*
 * malloc and free over lib/heap.c. The heap is a fixed arena in the
 * program's .bss for now; growing it by retyping RAM and mapping frames
 * into the process's own address space comes with user-level address-space
 * management (docs/userspace.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include "lib/heap.h"

#define ARENA_BYTES	(256 * 1024)

static char arena[ARENA_BYTES] __attribute__((aligned(16)));
static struct heap heap;
static int heap_ready;

static struct heap *the_heap(void)
{
	if (!heap_ready) {
		heap_init(&heap, arena, sizeof(arena));
		heap_ready = 1;
	}
	return &heap;
}

void heap_corrupt(const char *what)
{
	printf("malloc: heap corruption: %s\n", what);
	abort();
}

void *malloc(size_t size)
{
	return heap_alloc(the_heap(), size);
}

void *calloc(size_t n, size_t size)
{
	return heap_calloc(the_heap(), n, size);
}

void *realloc(void *p, size_t size)
{
	return heap_realloc(the_heap(), p, size);
}

void free(void *p)
{
	heap_free(the_heap(), p);
}
