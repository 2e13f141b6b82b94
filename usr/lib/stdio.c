/*
 * printf and friends over lib/fmt.c. Output is collected in a buffer and
 * written with one SYS_DEBUG_PRINT per DEBUG_PRINT_MAX bytes, so a line is
 * one console write (no interleaving) and nothing is cut off. The console
 * becomes a user-level service in a later issue; only this file changes.
 */
#include <stdio.h>
#include <flotilla/sys.h>
#include "lib/fmt.h"
#include "lib/string.h"

struct outbuf {
	char buf[DEBUG_PRINT_MAX];
	size_t n;
	int total;
};

static void flush(struct outbuf *o)
{
	if (o->n)
		sys_debug_print(o->buf, o->n);
	o->n = 0;
}

static void sink(void *ctx, char c)
{
	struct outbuf *o = ctx;

	if (o->n == sizeof(o->buf))
		flush(o);
	o->buf[o->n++] = c;
	o->total++;
}

int vprintf(const char *fmt, va_list ap)
{
	struct outbuf o = { .n = 0, .total = 0 };

	fmt_vformat(sink, &o, fmt, ap);
	flush(&o);
	return o.total;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return fmt_vsnprintf(buf, size, fmt, ap);
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int puts(const char *s)
{
	return printf("%s\n", s) < 0 ? EOF : 0;
}

int putchar(int c)
{
	char ch = (char)c;
	return sys_debug_print(&ch, 1) ? EOF : (unsigned char)c;
}
