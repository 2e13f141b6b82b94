/*
 * Reading a fuzzer's input as a stream of little-endian numbers. Past the
 * end every read gives zero bits, so a target never reads out of bounds and
 * short inputs still mean something.
 */
#ifndef TESTS_FUZZ_INPUT_H
#define TESTS_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

struct input {
	const uint8_t *d;
	size_t n;
};

static inline uint64_t take(struct input *in, int bytes)
{
	uint64_t v = 0;

	for (int i = 0; i < bytes; i++) {
		if (in->n) {
			v |= (uint64_t)in->d[0] << (8 * i);
			in->d++;
			in->n--;
		}
	}
	return v;
}

#endif
