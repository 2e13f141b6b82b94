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

/* With user-level threads (usr/lib/thread.c), the heap is touched with
 * the dispatcher disabled, so no other thread runs in between; a program
 * without threads gets these no-op versions. */
__attribute__((weak)) unsigned thread_crit_enter(void)
{
	return 0;
}

__attribute__((weak)) void thread_crit_exit(unsigned was)
{
	(void)was;
}

void *malloc(size_t size)
{
	unsigned was = thread_crit_enter();
	void *p = heap_alloc(the_heap(), size);
	thread_crit_exit(was);
	return p;
}

void *calloc(size_t n, size_t size)
{
	unsigned was = thread_crit_enter();
	void *p = heap_calloc(the_heap(), n, size);
	thread_crit_exit(was);
	return p;
}

void *realloc(void *p, size_t size)
{
	unsigned was = thread_crit_enter();
	void *q = heap_realloc(the_heap(), p, size);
	thread_crit_exit(was);
	return q;
}

void free(void *p)
{
	unsigned was = thread_crit_enter();
	heap_free(the_heap(), p);
	thread_crit_exit(was);
}
