/*
 * Formatted output for freestanding code: the kernel's kprintf and (later)
 * user programs format through fmt_vformat, which hands each character to a
 * sink. Conversions: d i u x X o c s p %, flags - 0 + space #, width and
 * precision (numbers or *), length modifiers hh h l ll z t j. An unknown
 * conversion is printed as it stands (e.g. "%q"), never skipped.
 */
#ifndef LIB_FMT_H
#define LIB_FMT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*fmt_sink_fn)(void *ctx, char c);

/* Returns the number of characters handed to `sink`. */
int fmt_vformat(fmt_sink_fn sink, void *ctx, const char *fmt, va_list ap);

/* Like C's snprintf: always NUL-terminates when size > 0, returns the length
 * the whole output would have had (so a result >= size means truncation). */
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif
