/*
 * SipHash-2-4, from its specification: four 64-bit words of state,
 * initialised from the key and four constants; each 8-byte word of input
 * (little-endian) is xored in around two SipRounds; the last word holds
 * the leftover bytes and the length's low byte at the top; then four
 * SipRounds, and the output is the xor of the state.
 */
#include "lib/siphash.h"

static uint64_t rotl(uint64_t x, unsigned b)
{
	return (x << b) | (x >> (64 - b));
}

static void sipround(uint64_t v[4])
{
	v[0] += v[1]; v[1] = rotl(v[1], 13); v[1] ^= v[0]; v[0] = rotl(v[0], 32);
	v[2] += v[3]; v[3] = rotl(v[3], 16); v[3] ^= v[2];
	v[0] += v[3]; v[3] = rotl(v[3], 21); v[3] ^= v[0];
	v[2] += v[1]; v[1] = rotl(v[1], 17); v[1] ^= v[2]; v[2] = rotl(v[2], 32);
}

static uint64_t load_le(const uint8_t *p, size_t n)
{
	uint64_t w = 0;

	for (size_t i = 0; i < n; i++)
		w |= (uint64_t)p[i] << (8 * i);
	return w;
}

static void absorb(uint64_t v[4], uint64_t m)
{
	v[3] ^= m;
	sipround(v);
	sipround(v);
	v[0] ^= m;
}

uint64_t siphash24(const struct sipkey *key, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t v[4] = {
		key->k0 ^ 0x736f6d6570736575ull, key->k1 ^ 0x646f72616e646f6dull,
		key->k0 ^ 0x6c7967656e657261ull, key->k1 ^ 0x7465646279746573ull,
	};
	size_t whole = len & ~(size_t)7;

	for (size_t i = 0; i < whole; i += 8)
		absorb(v, load_le(p + i, 8));
	absorb(v, load_le(p + whole, len - whole) | (uint64_t)(len & 0xFF) << 56);
	v[2] ^= 0xFF;
	for (int i = 0; i < 4; i++)
		sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}
