/*
 * printf-style formatting without a C library. fmt_vformat parses one
 * conversion at a time into a struct spec, fetches its argument and lays the
 * field out as [spaces][sign or 0x][zeros][digits or text][spaces]. Output
 * goes one character at a time to a sink, so the same code serves a serial
 * console and a bounded buffer. Results follow C's printf (and glibc where C
 * leaves a choice: %p of NULL is "(nil)", %s of NULL is "(null)"); anything
 * the parser does not understand, %n included, is copied out verbatim.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "lib/fmt.h"

enum {
	F_LEFT	= 1 << 0,	/* '-' */
	F_ZERO	= 1 << 1,	/* '0' */
	F_PLUS	= 1 << 2,	/* '+' */
	F_SPACE	= 1 << 3,	/* ' ' */
	F_ALT	= 1 << 4,	/* '#' */
};

enum length { L_NONE, L_HH, L_H, L_L, L_LL, L_Z, L_T, L_J };

/* Caps width and precision so that parsing "%99999999999d" cannot overflow. */
#define FMT_MAX_WIDTH	(1 << 20)

struct spec {
	unsigned flags;
	int width;		/* 0 = none */
	int prec;		/* -1 = none */
	enum length len;
	char conv;
};

struct out {
	fmt_sink_fn sink;
	void *ctx;
	int count;
};

static void put(struct out *o, char c)
{
	o->sink(o->ctx, c);
	o->count++;
}

static void put_n(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static void put_text(struct out *o, const char *s, size_t n)
{
	while (n--)
		put(o, *s++);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Reads a decimal number at *p, saturating at FMT_MAX_WIDTH. */
static int parse_num(const char **p)
{
	int v = 0;

	while (is_digit(**p)) {
		if (v < FMT_MAX_WIDTH)
			v = v * 10 + (**p - '0');
		(*p)++;
	}
	return v < FMT_MAX_WIDTH ? v : FMT_MAX_WIDTH;
}

static int clamp_arg(int v)
{
	if (v > FMT_MAX_WIDTH)
		return FMT_MAX_WIDTH;
	if (v < -FMT_MAX_WIDTH)
		return -FMT_MAX_WIDTH;
	return v;
}

static unsigned parse_flags(const char **p)
{
	unsigned flags = 0;

	for (;; (*p)++) {
		switch (**p) {
		case '-': flags |= F_LEFT; break;
		case '0': flags |= F_ZERO; break;
		case '+': flags |= F_PLUS; break;
		case ' ': flags |= F_SPACE; break;
		case '#': flags |= F_ALT; break;
		default: return flags;
		}
	}
}

static enum length parse_length(const char **p)
{
	const char *s = *p;
	enum length len = L_NONE;

	switch (*s) {
	case 'h': len = s[1] == 'h' ? L_HH : L_H; break;
	case 'l': len = s[1] == 'l' ? L_LL : L_L; break;
	case 'z': len = L_Z; break;
	case 't': len = L_T; break;
	case 'j': len = L_J; break;
	default: return L_NONE;
	}
	*p += (len == L_HH || len == L_LL) ? 2 : 1;
	return len;
}

/*
 * Parses the spec after a '%' (p points past it), consuming '*' arguments.
 * A '*' width below zero means '-' flag plus its magnitude; a '*' precision
 * below zero means no precision, as C says. Returns false if the format
 * ends before the conversion character.
 */
static bool parse_spec(const char **p, struct spec *sp, va_list *ap)
{
	sp->flags = parse_flags(p);
	sp->width = 0;
	sp->prec = -1;
	if (**p == '*') {
		(*p)++;
		sp->width = clamp_arg(va_arg(*ap, int));
		if (sp->width < 0) {
			sp->flags |= F_LEFT;
			sp->width = -sp->width;
		}
	} else {
		sp->width = parse_num(p);
	}
	if (**p == '.') {
		(*p)++;
		if (**p == '*') {
			(*p)++;
			sp->prec = clamp_arg(va_arg(*ap, int));
			if (sp->prec < 0)
				sp->prec = -1;
		} else {
			sp->prec = parse_num(p);
		}
	}
	sp->len = parse_length(p);
	sp->conv = **p;
	if (sp->conv == '\0')
		return false;
	(*p)++;
	return true;
}

static uint64_t fetch_unsigned(enum length len, va_list *ap)
{
	switch (len) {
	case L_HH: return (unsigned char)va_arg(*ap, unsigned int);
	case L_H:  return (unsigned short)va_arg(*ap, unsigned int);
	case L_L:  return va_arg(*ap, unsigned long);
	case L_LL: return va_arg(*ap, unsigned long long);
	case L_Z:  return va_arg(*ap, size_t);
	case L_T:  return (uint64_t)va_arg(*ap, ptrdiff_t);
	case L_J:  return va_arg(*ap, uintmax_t);
	default:   return va_arg(*ap, unsigned int);
	}
}

static int64_t fetch_signed(enum length len, va_list *ap)
{
	switch (len) {
	case L_HH: return (signed char)va_arg(*ap, int);
	case L_H:  return (short)va_arg(*ap, int);
	case L_L:  return va_arg(*ap, long);
	case L_LL: return va_arg(*ap, long long);
	case L_Z:  return (int64_t)va_arg(*ap, size_t);
	case L_T:  return va_arg(*ap, ptrdiff_t);
	case L_J:  return va_arg(*ap, intmax_t);
	default:   return va_arg(*ap, int);
	}
}

/* Writes v's digits in `base` to the end of buf; returns the digit count. */
static int to_digits(char *end, uint64_t v, unsigned base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;

	while (v) {
		*--end = digits[v % base];
		v /= base;
		n++;
	}
	return n;
}

/*
 * Lays out one field: prefix (sign, "0x"), `zeros` leading zeros, then
 * body; spaces pad it to the width on the side the '-' flag picks.
 */
static void put_field(struct out *o, const struct spec *sp, const char *prefix,
		      int zeros, const char *body, int body_len)
{
	int prefix_len = 0;
	int pad;

	while (prefix[prefix_len])
		prefix_len++;
	pad = sp->width - prefix_len - zeros - body_len;
	if (!(sp->flags & F_LEFT))
		put_n(o, ' ', pad);
	put_text(o, prefix, (size_t)prefix_len);
	put_n(o, '0', zeros);
	put_text(o, body, (size_t)body_len);
	if (sp->flags & F_LEFT)
		put_n(o, ' ', pad);
}

/*
 * An integer conversion. Precision is a minimum digit count (precision 0
 * and value 0 print no digits); the '0' flag fills the width with zeros
 * only if there is no precision and no '-'; "%#o" keeps a leading zero.
 */
static void put_number(struct out *o, const struct spec *sp, uint64_t mag,
		       const char *prefix, unsigned base)
{
	char buf[24];		/* 64 bits in octal: 22 digits */
	char *end = buf + sizeof(buf);
	int ndig = to_digits(end, mag, base, sp->conv == 'X');
	int prefix_len = 0;
	int zeros = 0;

	if (mag == 0 && sp->prec != 0)
		*(end - ++ndig) = '0';
	while (prefix[prefix_len])
		prefix_len++;
	if (sp->prec > ndig)
		zeros = sp->prec - ndig;
	else if (sp->prec < 0 && (sp->flags & (F_ZERO | F_LEFT)) == F_ZERO &&
		 sp->width > prefix_len + ndig)
		zeros = sp->width - prefix_len - ndig;
	if (base == 8 && (sp->flags & F_ALT) && zeros == 0 &&
	    (ndig == 0 || end[-ndig] != '0'))
		zeros = 1;
	put_field(o, sp, prefix, zeros, end - ndig, ndig);
}

static void put_signed(struct out *o, const struct spec *sp, va_list *ap)
{
	int64_t v = fetch_signed(sp->len, ap);
	/* Negate in unsigned arithmetic so INT64_MIN has a magnitude too. */
	uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
	const char *prefix = "";

	if (v < 0)
		prefix = "-";
	else if (sp->flags & F_PLUS)
		prefix = "+";
	else if (sp->flags & F_SPACE)
		prefix = " ";
	put_number(o, sp, mag, prefix, 10);
}

static void put_unsigned(struct out *o, const struct spec *sp, va_list *ap)
{
	uint64_t v = fetch_unsigned(sp->len, ap);
	const char *prefix = "";
	unsigned base = 10;

	if (sp->conv == 'o') {
		base = 8;
	} else if (sp->conv == 'x' || sp->conv == 'X') {
		base = 16;
		if ((sp->flags & F_ALT) && v != 0)
			prefix = sp->conv == 'x' ? "0x" : "0X";
	}
	put_number(o, sp, v, prefix, base);
}

/* Text (%s, %c, "(nil)"): precision limits the length, never zero-pads. */
static void put_string(struct out *o, const struct spec *sp, const char *s)
{
	int n = 0;

	if (!s)
		s = "(null)";
	while ((sp->prec < 0 || n < sp->prec) && s[n])
		n++;
	put_field(o, sp, "", 0, s, n);
}

static void put_char(struct out *o, const struct spec *sp, char c)
{
	put_field(o, sp, "", 0, &c, 1);
}

/* %p: like "%#lx", and "(nil)" for NULL as glibc prints it. */
static void put_pointer(struct out *o, const struct spec *sp, void *p)
{
	struct spec nil = *sp;

	if (!p) {
		nil.prec = -1;
		put_string(o, &nil, "(nil)");
		return;
	}
	nil.conv = 'x';
	put_number(o, &nil, (uintptr_t)p, "0x", 16);
}

/* Returns false for a conversion this formatter does not know. */
static bool put_conversion(struct out *o, const struct spec *sp, va_list *ap)
{
	switch (sp->conv) {
	case 'd': case 'i':
		put_signed(o, sp, ap);
		return true;
	case 'u': case 'x': case 'X': case 'o':
		put_unsigned(o, sp, ap);
		return true;
	case 'c':
		put_char(o, sp, (char)va_arg(*ap, int));
		return true;
	case 's':
		put_string(o, sp, va_arg(*ap, const char *));
		return true;
	case 'p':
		put_pointer(o, sp, va_arg(*ap, void *));
		return true;
	case '%':
		put(o, '%');	/* flags and width ignored, as glibc does */
		return true;
	default:
		return false;
	}
}

int fmt_vformat(fmt_sink_fn sink, void *ctx, const char *fmt, va_list ap)
{
	struct out o = { sink, ctx, 0 };
	va_list args;

	/* A copy we can pass by pointer: va_list may be an array type. */
	va_copy(args, ap);
	while (*fmt) {
		const char *start = fmt;
		struct spec sp;

		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt++;
		if (!parse_spec(&fmt, &sp, &args)) {
			put_text(&o, start, (size_t)(fmt - start));
			break;
		}
		if (!put_conversion(&o, &sp, &args))
			put_text(&o, start, (size_t)(fmt - start));
	}
	va_end(args);
	return o.count;
}

struct buf_sink {
	char *buf;
	size_t size;
	size_t pos;
};

/* Keeps the last byte for the NUL; counts (in fmt_vformat) past the end. */
static void buf_put(void *ctx, char c)
{
	struct buf_sink *b = ctx;

	if (b->pos + 1 < b->size)
		b->buf[b->pos++] = c;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buf_sink b = { buf, size, 0 };
	int n = fmt_vformat(buf_put, &b, fmt, ap);

	if (size > 0)
		buf[b.pos] = '\0';
	return n;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
