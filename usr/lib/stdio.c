/*
 * printf and friends over lib/fmt.c. Output is collected in a buffer and
 * written with one SYS_DEBUG_PRINT per DEBUG_PRINT_MAX bytes, so a line is
 * one console write (no interleaving) and nothing is cut off. Once the
 * console is a service (docs/console.md), a write goes into this core's
 * console log, whole, and the monitor sends it on to the console; when
 * the log has no room the kernel says ERR_WOULD_BLOCK, and the write is
 * tried again after letting the monitor run (stdio_log_full).
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

/* The console log is full: let the monitor, which empties it, run. The
 * monitor empties it itself (usr/monitor/console.c has its own). */
__attribute__((weak)) void stdio_log_full(void)
{
	sys_yield();
}

/* After each write; the monitor sends its own output on at once. */
__attribute__((weak)) void stdio_written(void)
{
}

static err_t write_out(const char *s, size_t n)
{
	err_t err;

	while ((err = sys_debug_print(s, n)) == ERR_WOULD_BLOCK)
		stdio_log_full();
	stdio_written();
	return err;
}

static void flush(struct outbuf *o)
{
	if (o->n)
		write_out(o->buf, o->n);
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
	return write_out(&ch, 1) ? EOF : (unsigned char)c;
}
