/*
 * SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed hash, short and
 * fast, whose 64-bit output cannot be forged without the 128-bit key.
 * The kernels use it to mint and check tokens that cross cores in
 * messages they do not trust (lib/token.h). Freestanding: kernel, user
 * space and host tests (tests/host/test_token.c, with the reference
 * vectors).
 */
#ifndef LIB_SIPHASH_H
#define LIB_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

struct sipkey {
	uint64_t k0, k1;	/* the key's bytes 0..7 and 8..15, little-endian */
};

uint64_t siphash24(const struct sipkey *key, const void *data, size_t len);

#endif
