/*
 * What the URPC host tests (test_urpc.c, test_urpc_stress.c) share: fresh
 * channels in memory of exactly their size, and a deterministic stream of
 * messages (message i's length and words follow from i) that a receiver
 * checks word by word.
 */
#ifndef TESTS_HOST_URPC_MSGS_H
#define TESTS_HOST_URPC_MSGS_H

#include <stdint.h>
#include <stdlib.h>
#include "lib/urpc.h"

/* A fresh zeroed channel of n slots in memory of exactly its size, so
 * AddressSanitizer catches any access past it. */
static inline void *new_chan(unsigned n)
{
	void *mem = aligned_alloc(URPC_LINE, URPC_CHAN_BYTES(n));

	if (mem && urpc_chan_init(mem, URPC_CHAN_BYTES(n), n) != OK) {
		free(mem);
		return NULL;
	}
	return mem;
}

/* Both ends of a channel of n slots at mem. */
static inline int open_ends(void *mem, unsigned n, struct urpc_sender *s, struct urpc_receiver *r)
{
	return urpc_sender_init(s, mem, URPC_CHAN_BYTES(n), n) == OK &&
	       urpc_receiver_init(r, mem, URPC_CHAN_BYTES(n), n) == OK;
}

static inline uint64_t mix(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ull;	/* splitmix64 */
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
	return x ^ (x >> 31);
}

/* Message i of a test stream: its length and words follow from i. */
static inline unsigned msg_len(uint64_t i)
{
	return (unsigned)(mix(i) % (URPC_MAX_WORDS + 1));
}

static inline uint64_t msg_word(uint64_t i, unsigned j)
{
	return mix(i * 8 + j + 1);
}

static inline unsigned make_msg(uint64_t i, uint64_t *w)
{
	unsigned len = msg_len(i);

	for (unsigned j = 0; j < len; j++)
		w[j] = msg_word(i, j);
	return len;
}

/* 1 if (w, len, type) is message i of a test stream. */
static inline int is_msg(uint64_t i, const uint64_t *w, unsigned len, uint32_t type)
{
	if (type != (uint32_t)i || len != msg_len(i))
		return 0;
	for (unsigned j = 0; j < len; j++)
		if (w[j] != msg_word(i, j))
			return 0;
	return 1;
}

#endif
