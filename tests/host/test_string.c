/*
 * lib/string.c against the C library. The file includes string.c itself with
 * LIB_STRING_PREFIX, so its functions come out as lib_memcpy etc. and can
 * sit beside libc's in one binary. The copy and fill tests sweep every small
 * length and alignment, since the word loops have head, body and tail cases.
 */
#include <stdint.h>
#include <string.h>
#include "lib/test.h"

#define LIB_STRING_PREFIX
#include "../../lib/string.c"

/* From here on memcpy, strcmp, ... are the C library's again. */
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef strlcpy
#undef strtoul
#include <stdlib.h>

#define BUF 96

static void fill_pattern(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i * 7 + (i >> 3));
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

TEST(memcpy_all_alignments)
{
	unsigned char src[BUF], want[BUF], got[BUF];

	fill_pattern(src, BUF, 1);
	for (size_t so = 0; so < 9; so++)
		for (size_t doff = 0; doff < 9; doff++)
			for (size_t n = 0; n + so < BUF - 8 && n + doff < BUF - 8; n++) {
				memset(want, 0xee, BUF);
				memset(got, 0xee, BUF);
				memcpy(want + doff, src + so, n);
				CHECK(lib_memcpy(got + doff, src + so, n) == got + doff);
				CHECK(memcmp(want, got, BUF) == 0);
			}
}

TEST(memmove_overlapping)
{
	unsigned char want[BUF], got[BUF];

	for (size_t from = 0; from < 24; from++)
		for (size_t to = 0; to < 24; to++)
			for (size_t n = 0; n <= BUF - 24; n++) {
				fill_pattern(want, BUF, 3);
				fill_pattern(got, BUF, 3);
				memmove(want + to, want + from, n);
				CHECK(lib_memmove(got + to, got + from, n) == got + to);
				CHECK(memcmp(want, got, BUF) == 0);
			}
}

TEST(memmove_disjoint)
{
	unsigned char a[BUF], b[BUF];

	fill_pattern(a, BUF, 9);
	memset(b, 0, BUF);
	lib_memmove(b + 1, a + 3, BUF - 8);
	CHECK(memcmp(b + 1, a + 3, BUF - 8) == 0);
	CHECK_EQ(b[0], 0);
}

TEST(memset_all_alignments)
{
	unsigned char want[BUF], got[BUF];
	static const int values[] = { 0, 0x5a, 0xff, -1, 0x1234 };

	for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++)
		for (size_t off = 0; off < 9; off++)
			for (size_t n = 0; n + off < BUF; n++) {
				fill_pattern(want, BUF, 5);
				fill_pattern(got, BUF, 5);
				memset(want + off, values[v], n);
				CHECK(lib_memset(got + off, values[v], n) == got + off);
				CHECK(memcmp(want, got, BUF) == 0);
			}
}

TEST(memcmp_sign)
{
	static const unsigned char a[] = { 1, 2, 3, 0x80, 5 };
	static const unsigned char b[] = { 1, 2, 3, 0x7f, 5 };

	CHECK_EQ(lib_memcmp(a, b, 0), 0);
	CHECK_EQ(lib_memcmp(a, b, 3), 0);
	CHECK(lib_memcmp(a, b, 4) > 0);	/* bytes compare unsigned */
	CHECK(lib_memcmp(b, a, 5) < 0);
	CHECK_EQ(lib_memcmp(a, a, 5), 0);
	CHECK_EQ(sign(lib_memcmp(a, b, 5)), sign(memcmp(a, b, 5)));
}

static const char *const strs[] = {
	"", "a", "b", "ab", "abc", "abd", "abcd", "hello, world",
	"\x80", "\xff", "a\x80", "zzz", "ABC",
};
#define NSTRS (sizeof(strs) / sizeof(strs[0]))

TEST(strlen_strnlen)
{
	for (size_t i = 0; i < NSTRS; i++) {
		CHECK_EQ(lib_strlen(strs[i]), strlen(strs[i]));
		for (size_t max = 0; max < 16; max++)
			CHECK_EQ(lib_strnlen(strs[i], max), strnlen(strs[i], max));
	}
}

TEST(strnlen_does_not_overread)
{
	static const char abc[3] = { 'a', 'b', 'c' };	/* no NUL: ASan checks */

	CHECK_EQ(lib_strnlen(abc, 3), 3);
	CHECK_EQ(lib_strnlen(abc, 2), 2);
}

TEST(strcmp_strncmp)
{
	for (size_t i = 0; i < NSTRS; i++)
		for (size_t j = 0; j < NSTRS; j++) {
			const char *a = strs[i], *b = strs[j];

			CHECK_EQ(sign(lib_strcmp(a, b)), sign(strcmp(a, b)));
			for (size_t n = 0; n < 6; n++)
				CHECK_EQ(sign(lib_strncmp(a, b, n)), sign(strncmp(a, b, n)));
		}
}

TEST(strchr_finds)
{
	const char *s = "hello, world";

	for (int c = 0; c < 256; c++)
		CHECK(lib_strchr(s, c) == strchr(s, c));
	CHECK(lib_strchr(s, '\0') == s + strlen(s));
	CHECK(lib_strchr(s, 'o') == s + 4);
	CHECK(lib_strchr(s, 'o' + 256) == s + 4);	/* converted to char */
	CHECK(lib_strchr("", 'a') == NULL);
	CHECK(lib_strchr("\xff", 0xff) != NULL);
}

TEST(strlcpy_truncates)
{
	char buf[8];

	memset(buf, 'X', sizeof(buf));
	CHECK_EQ(lib_strlcpy(buf, "hi", sizeof(buf)), 2);
	CHECK_STR(buf, "hi");
	CHECK_EQ(buf[3], 'X');			/* no padding past the NUL */

	CHECK_EQ(lib_strlcpy(buf, "hello, world", sizeof(buf)), 12);
	CHECK_STR(buf, "hello, ");

	CHECK_EQ(lib_strlcpy(buf, "1234567", sizeof(buf)), 7);
	CHECK_STR(buf, "1234567");
	CHECK_EQ(lib_strlcpy(buf, "12345678", sizeof(buf)), 8);
	CHECK_STR(buf, "1234567");

	CHECK_EQ(lib_strlcpy(buf, "abc", 1), 3);
	CHECK_STR(buf, "");

	memset(buf, 'X', sizeof(buf));
	CHECK_EQ(lib_strlcpy(buf, "abc", 0), 3);	/* size 0: writes nothing */
	CHECK_EQ(buf[0], 'X');
}

/* lib_strtoul against the C library's, for every base it supports. */
TEST(strtoul_like_libc)
{
	static const char *const in[] = {
		"0", "7", "42", "0x1F", "0X1f", "017", "09", "0x", "0xg", "", "abc",
		"123abc", "18446744073709551615", "18446744073709551616",
		"99999999999999999999999", "0xFFFFFFFFFFFFFFFF", "0x10000000000000000",
		"zz", "1z",
	};
	static const int bases[] = { 0, 8, 10, 16 };

	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		for (size_t b = 0; b < 4; b++) {
			char *e1, *e2;
			unsigned long want = strtoul(in[i], &e1, bases[b]);
			unsigned long got = lib_strtoul(in[i], &e2, bases[b]);
			if (want != got || e1 != e2)
				FAIL("strtoul(\"%s\", %d): %lu end +%td, want %lu end +%td",
				     in[i], bases[b], got, e2 - in[i], want, e1 - in[i]);
		}
	}
}
