/*
 * lib/fmt.c against the host's snprintf: every case formats the same
 * arguments with both and wants identical text and return values. The few
 * places where fmt deliberately differs from (or goes beyond) glibc, such as
 * unknown conversions, are checked against fixed strings.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "lib/fmt.h"
#include "lib/test.h"

/*
 * The table deliberately combines flags gcc calls redundant ("%+ d", "%0-d",
 * "%+u", "%020p"), passes NULL to %s and uses unknown conversions: all of
 * them are what this file is here to test, so gcc's format checks are off.
 */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#pragma GCC diagnostic ignored "-Wformat-overflow"
#pragma GCC diagnostic ignored "-Wformat-truncation"

/* Formats with both; on a mismatch records it and returns from the test. */
#define SAME(...) do {							\
	char want_[256], got_[256];					\
	int wn_ = snprintf(want_, sizeof(want_), __VA_ARGS__);		\
	int gn_ = fmt_snprintf(got_, sizeof(got_), __VA_ARGS__);	\
	if (wn_ != gn_ || strcmp(want_, got_) != 0) {			\
		test_fail("%s: \"%s\" (%d) != \"%s\" (%d)", \
			  #__VA_ARGS__, got_, gn_, want_, wn_);		\
		return;							\
	}								\
} while (0)

/* Expects exactly `want` from fmt_snprintf. */
#define GIVES(want, ...) do {						\
	char got_[256];							\
	int gn_ = fmt_snprintf(got_, sizeof(got_), __VA_ARGS__);	\
	CHECK_STR(got_, want);						\
	CHECK_EQ(gn_, strlen(want));					\
} while (0)

TEST(plain_text)
{
	SAME("hello, world");
	SAME("%s", "");
	SAME("%%");
	SAME("100%% sure %d%%", 5);
	GIVES("", "%s", "");
}

TEST(signed_decimal)
{
	static const int64_t vals[] = {
		0, 1, -1, 7, -7, 42, 1000000, INT32_MAX, INT32_MIN,
		(int64_t)INT32_MAX + 1, INT64_MAX, INT64_MIN, INT64_MIN + 1,
	};

	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		long long v = vals[i];
		int v32 = (int)v;

		SAME("%d", v32);
		SAME("%i", v32);
		SAME("%lld", v);
		SAME("%ld", (long)v);
		SAME("%jd", (intmax_t)v);
		SAME("%zd", (ssize_t)v);
		SAME("%td", (ptrdiff_t)v);
		SAME("%hd", (short)v);
		SAME("%hhd", (signed char)v);
		SAME("[%25lld]", v);
		SAME("[%-25lld|", v);
		SAME("[%025lld]", v);
		SAME("[%+lld]", v);
		SAME("[% lld]", v);
		SAME("[%+ lld]", v);
		SAME("[%+08d]", v32);
		SAME("[% 08d]", v32);
		SAME("[%.0lld]", v);
		SAME("[%.5lld]", v);
		SAME("[%.30lld]", v);
		SAME("[%30.22lld]", v);
		SAME("[%-30.22lld]", v);
		SAME("[%030.22lld]", v);
		SAME("[%-010d]", v32);
		SAME("[%+.3d]", v32);
		SAME("[%5.0d]", v32);
	}
}

TEST(unsigned_conversions)
{
	static const uint64_t vals[] = {
		0, 1, 7, 8, 15, 16, 255, 256, 0xdeadbeef, UINT32_MAX,
		(uint64_t)UINT32_MAX + 1, 0x0123456789abcdefull, INT64_MAX,
		(uint64_t)INT64_MAX + 1, UINT64_MAX,
	};

	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		unsigned long long v = vals[i];
		unsigned v32 = (unsigned)v;

		SAME("%u %x %X %o", v32, v32, v32, v32);
		SAME("%llu %llx %llX %llo", v, v, v, v);
		SAME("%lu %lx", (unsigned long)v, (unsigned long)v);
		SAME("%zu %zx", (size_t)v, (size_t)v);
		SAME("%ju %jx", (uintmax_t)v, (uintmax_t)v);
		SAME("%hu %hx %ho", (unsigned short)v, (unsigned short)v, (unsigned short)v);
		SAME("%hhu %hhx", (unsigned char)v, (unsigned char)v);
		SAME("[%#llx] [%#llX] [%#llo]", v, v, v);
		SAME("[%#20llx] [%#-20llX|", v, v);
		SAME("[%#020llx] [%020llo]", v, v);
		SAME("[%#.0llx] [%#.0llo] [%.0llu]", v, v, v);
		SAME("[%#.12llx] [%#.12llo] [%.25llu]", v, v, v);
		SAME("[%#5.3llo] [%#05llo] [%-#8llo|", v, v, v);
		SAME("[%016llx] [%-16llx|", v, v);
		SAME("[%+llu] [% llx]", v, v);
	}
}

TEST(chars_and_strings)
{
	SAME("[%c]", 'a');
	SAME("[%5c] [%-5c|", 'x', 'y');
	SAME("[%c%c%c]", 'f', 'o', 'o');
	SAME("[%c]", 200);
	SAME("[%s]", "hello");
	SAME("[%10s] [%-10s|", "hello", "hello");
	SAME("[%.3s] [%.0s] [%.10s]", "hello", "hello", "hello");
	SAME("[%8.3s] [%-8.3s|", "hello", "hello");
	SAME("[%*.*s]", 9, 2, "hello");
	SAME("[%s]", (char *)NULL);
	SAME("[%10s] [%-10s|", (char *)NULL, (char *)NULL);
}

TEST(precision_does_not_overread)
{
	/* Not NUL-terminated: %.Ns must stop after N bytes (ASan checks). */
	static const char abc[3] = { 'a', 'b', 'c' };

	GIVES("[ab]", "[%.2s]", abc);
	GIVES("[abc]", "[%.3s]", abc);
}

TEST(star_width_and_precision)
{
	SAME("[%*d]", 6, 42);
	SAME("[%*d]", -6, 42);		/* negative '*' width: left-justify */
	SAME("[%-*d]", -6, 42);
	SAME("[%0*d]", -6, 42);
	SAME("[%*s]", -8, "ab");
	SAME("[%.*d]", 4, 7);
	SAME("[%.*d]", -1, 7);		/* negative precision: as if omitted */
	SAME("[%.*s]", -1, "hello");
	SAME("[%0*.*d]", 8, -2, -7);
	SAME("[%*.*lld]", -30, 25, (long long)INT64_MIN);
	SAME("[%*c]", 4, 'z');
	SAME("[%*d]", 0, 42);
}

TEST(pointers)
{
	int x;

	SAME("%p", (void *)&x);
	SAME("%p", (void *)0x1234);
	SAME("%p", (void *)UINTPTR_MAX);
	SAME("[%20p] [%-20p|", (void *)0x1234, (void *)0x1234);
	SAME("[%020p]", (void *)0xabcdef);
	SAME("[%.10p]", (void *)0x1234);
	SAME("[%p]", (void *)NULL);
	SAME("[%10p] [%-10p|", (void *)NULL, (void *)NULL);
}

TEST(mixed)
{
	SAME("%s=%d (%#x) at %p, %c%%", "count", 17, 17, (void *)0x10, '!');
	SAME("%5s|%-5s|%05d|%-5d|%5.1s|", "a", "b", 3, 4, "xyz");
	SAME("%hhd %hd %d %ld %lld", (signed char)-1, (short)-2, -3, -4L, -5LL);
	SAME("%llu %d %s", 1ULL << 63, -1, "end");
}

/* Truncation: always NUL-terminated, the return is the untruncated length. */
TEST(truncation)
{
	char buf[8];
	int n;

	memset(buf, 'X', sizeof(buf));
	n = fmt_snprintf(buf, sizeof(buf), "hello, %s", "world");
	CHECK_EQ(n, 12);
	CHECK_STR(buf, "hello, ");

	n = fmt_snprintf(buf, 1, "abc");
	CHECK_EQ(n, 3);
	CHECK_EQ(buf[0], '\0');
	CHECK_EQ(buf[1], 'e');		/* untouched past size */

	memset(buf, 'X', sizeof(buf));
	n = fmt_snprintf(buf, 0, "%d", 12345);
	CHECK_EQ(n, 5);
	CHECK_EQ(buf[0], 'X');		/* size 0: nothing written */

	n = fmt_snprintf(NULL, 0, "%s-%lld", "abc", (long long)INT64_MIN);
	CHECK_EQ(n, 24);

	n = fmt_snprintf(buf, sizeof(buf), "%7d", 1);
	CHECK_EQ(n, 7);
	CHECK_STR(buf, "      1");
	n = fmt_snprintf(buf, sizeof(buf), "%8d", 1);
	CHECK_EQ(n, 8);
	CHECK_STR(buf, "       ");
}

TEST(truncation_matches_libc)
{
	for (size_t size = 0; size <= 20; size++) {
		char want[24], got[24];
		int wn, gn;

		memset(want, '#', sizeof(want));
		memset(got, '#', sizeof(got));
		wn = snprintf(want, size, "%s:%-6d|%#x", "key", -42, 255);
		gn = fmt_snprintf(got, size, "%s:%-6d|%#x", "key", -42, 255);
		CHECK_EQ(gn, wn);
		CHECK(memcmp(want, got, sizeof(want)) == 0);
	}
}

/* Unknown and unfinished conversions come out as they stand. */
TEST(unknown_conversions)
{
	GIVES("%y", "%y");
	GIVES("a%yb", "a%yb");
	GIVES("[%-5y] 3", "[%-5y] %d", 3);
	GIVES("%k 1 %w 2", "%k %d %w %d", 1, 2);
	GIVES("%n", "%n", (int *)NULL);		/* never writes through %n */
	GIVES("%lly", "%lly");
	GIVES("abc%", "abc%");
	GIVES("abc%-08", "abc%-08");
	GIVES("%l", "%l");
}

struct sink_log {
	char text[64];
	int n;
};

static void log_sink(void *ctx, char c)
{
	struct sink_log *l = ctx;

	if (l->n < (int)sizeof(l->text) - 1)
		l->text[l->n++] = c;
}

static int log_format(struct sink_log *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vformat(log_sink, l, fmt, ap);
	va_end(ap);
	return n;
}

TEST(vformat_sink)
{
	struct sink_log l = { .n = 0 };

	CHECK_EQ(log_format(&l, "%s %d%c", "cpu", 3, '!'), 6);
	l.text[l.n] = '\0';
	CHECK_STR(l.text, "cpu 3!");
	CHECK_EQ(l.n, 6);
}
