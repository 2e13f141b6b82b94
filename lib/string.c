/*
 * Memory and string functions for the kernel, which has no C library. The
 * compiler emits calls to memcpy/memset/memmove/memcmp by itself (struct
 * copies, zeroing), so these must never call themselves: gcc's loop
 * distribution could turn the copy loops below back into memcpy calls, and
 * NO_LIBCALL_LOOPS forbids it (clang already refuses inside functions with
 * these names). Bulk copies move aligned 8-byte words through a may_alias
 * type, so they break neither alignment nor strict aliasing.
 */
#include "lib/string.h"
#include <stdint.h>
#include <stdbool.h>

#if defined(__GNUC__) && !defined(__clang__)
#define NO_LIBCALL_LOOPS __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define NO_LIBCALL_LOOPS
#endif

typedef uint64_t __attribute__((may_alias)) word_t;
#define WORD		sizeof(word_t)
#define WORD_MASK	(WORD - 1)

/* Forward copy; also correct for overlap when dst is below src. */
NO_LIBCALL_LOOPS
static void copy_forward(unsigned char *d, const unsigned char *s, size_t n)
{
	if ((((uintptr_t)d ^ (uintptr_t)s) & WORD_MASK) == 0) {
		while (n && ((uintptr_t)d & WORD_MASK)) {
			*d++ = *s++;
			n--;
		}
		for (; n >= WORD; n -= WORD, d += WORD, s += WORD)
			*(word_t *)d = *(const word_t *)s;
	}
	while (n--)
		*d++ = *s++;
}

/* Backward copy, for overlap with dst above src; d and s point past the end. */
NO_LIBCALL_LOOPS
static void copy_backward(unsigned char *d, const unsigned char *s, size_t n)
{
	if ((((uintptr_t)d ^ (uintptr_t)s) & WORD_MASK) == 0) {
		while (n && ((uintptr_t)d & WORD_MASK)) {
			*--d = *--s;
			n--;
		}
		for (; n >= WORD; n -= WORD) {
			d -= WORD;
			s -= WORD;
			*(word_t *)d = *(const word_t *)s;
		}
	}
	while (n--)
		*--d = *--s;
}

NO_LIBCALL_LOOPS
void *memcpy(void *dst, const void *src, size_t n)
{
	copy_forward(dst, src, n);
	return dst;
}

/* Compares addresses as integers: the buffers may be different objects. */
NO_LIBCALL_LOOPS
void *memmove(void *dst, const void *src, size_t n)
{
	uintptr_t d = (uintptr_t)dst, s = (uintptr_t)src;

	if (d <= s || d - s >= n)
		copy_forward(dst, src, n);
	else
		copy_backward((unsigned char *)dst + n, (const unsigned char *)src + n, n);
	return dst;
}

NO_LIBCALL_LOOPS
void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	word_t pattern = (unsigned char)c * (word_t)0x0101010101010101ull;

	while (n && ((uintptr_t)d & WORD_MASK)) {
		*d++ = (unsigned char)c;
		n--;
	}
	for (; n >= WORD; n -= WORD, d += WORD)
		*(word_t *)d = pattern;
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x - *y;
	}
	return 0;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

/* Bytes compare as unsigned char, as C requires. */
int strcmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	while (*x && *x == *y) {
		x++;
		y++;
	}
	return *x - *y;
}

int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	for (; n; n--, x++, y++) {
		if (*x != *y || !*x)
			return *x - *y;
	}
	return 0;
}

/* c == 0 finds the terminator, as C specifies. */
char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

unsigned long strtoul(const char *s, char **end, int base)
{
	const char *p = s;
	unsigned long v = 0;
	bool overflow = false, any = false;

	if (base == 0 || base == 16) {
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && digit_value(p[2]) < 16) {
			p += 2;
			base = 16;
		} else if (base == 0) {
			base = p[0] == '0' ? 8 : 10;
		}
	}
	for (; digit_value(*p) < base; p++, any = true) {
		unsigned d = (unsigned)digit_value(*p);
		if (v > (~0ul - d) / (unsigned)base)
			overflow = true;
		v = v * (unsigned)base + d;
	}
	if (end)
		*end = (char *)(any ? p : s);
	return overflow ? ~0ul : v;
}
