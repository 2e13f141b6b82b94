#ifndef _FLOTILLA_STDLIB_H
#define _FLOTILLA_STDLIB_H

#include <stddef.h>

void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);
void free(void *p);
void exit(int status) __attribute__((noreturn));
void abort(void) __attribute__((noreturn));
/* strtoul: lib/string.c (bases 0, 8, 10, 16). */
unsigned long strtoul(const char *s, char **end, int base);

#endif
