/*
 * The string and memory functions freestanding code needs. The kernel links
 * lib/string.c; the compiler may also emit calls to memcpy/memset/memmove/
 * memcmp on its own. Host builds use the C library's versions, except in
 * tests/host/test_string.c, which builds lib/string.c with every name
 * prefixed (LIB_STRING_PREFIX) to test it against the C library.
 */
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include <stddef.h>

#ifdef LIB_STRING_PREFIX
#define memcpy	lib_memcpy
#define memmove	lib_memmove
#define memset	lib_memset
#define memcmp	lib_memcmp
#define strlen	lib_strlen
#define strnlen	lib_strnlen
#define strcmp	lib_strcmp
#define strncmp	lib_strncmp
#define strchr	lib_strchr
#define strlcpy	lib_strlcpy
#define strtoul	lib_strtoul
#endif

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
/* Copies at most size-1 bytes and NUL-terminates (size > 0); returns
 * strlen(src), so a result >= size means the copy was truncated. */
size_t strlcpy(char *dst, const char *src, size_t size);

/* Like C's strtoul for bases 0, 8, 10 and 16, without errno: a value
 * too large for unsigned long gives ULONG_MAX, as C's does. Leading
 * blanks and a sign are not accepted (nothing here needs them): *end then
 * points at s, as for any string without digits. */
unsigned long strtoul(const char *s, char **end, int base);

#endif
