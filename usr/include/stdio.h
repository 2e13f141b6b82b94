/* Formatted output for Flotilla programs (usr/lib/stdio.c). Output goes to
 * the console; one printf call is one console write, so lines from
 * different programs and cores do not interleave. */
#ifndef _FLOTILLA_STDIO_H
#define _FLOTILLA_STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define EOF	(-1)

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int puts(const char *s);
int putchar(int c);

#endif
