/* The serial line's ring: see lib/conring.h. */
#include "lib/conring.h"

#define BARRIER()	__asm__ volatile("" ::: "memory")

void conring_reset(struct conring *r)
{
	r->head = 0;
	r->tail = 0;
	BARRIER();
}

bool conring_sane(const struct conring *r)
{
	uint64_t head = r->head, tail = r->tail;

	return tail <= head && head - tail <= CONRING_DATA;
}

size_t conring_space(const struct conring *r)
{
	return conring_sane(r) ? CONRING_DATA - (size_t)(r->head - r->tail) : 0;
}

size_t conring_put(struct conring *r, const char *s, size_t n)
{
	size_t room = conring_space(r), k = n < room ? n : room;
	uint64_t head = r->head;

	for (size_t i = 0; i < k; i++)
		r->data[(head + i) % CONRING_DATA] = s[i];
	BARRIER();		/* the bytes, then that they are there */
	r->head = head + k;
	return k;
}

size_t conring_peek(const struct conring *r, const char **p)
{
	uint64_t head = r->head, tail = r->tail;
	size_t at = (size_t)(tail % CONRING_DATA), n;

	BARRIER();		/* head, then the bytes it covers */
	if (tail > head || head - tail > CONRING_DATA)
		return 0;
	n = (size_t)(head - tail);
	if (n > CONRING_DATA - at)
		n = CONRING_DATA - at;
	*p = &r->data[at];
	return n;
}

void conring_took(struct conring *r, size_t n)
{
	BARRIER();		/* written out, then given back */
	r->tail = r->tail + n;
}
