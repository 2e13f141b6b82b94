/*
 * Tests for lib/cmdline.c, the command line's words as the kernel and the
 * monitors read them: bare keys and key=VALUE, whole words only, the
 * first of two, and values that do not fit refused (ERR_TRUNCATED), never
 * cut, at every size around the value's length.
 */
#include <string.h>
#include "lib/test.h"
#include "lib/cmdline.h"

static const char line[] = "build/flotilla.bin  utest=map init=uprog:17,uprog:2/permanent noshell maxcores=12 ";

TEST(finds_values_and_bare_keys)
{
	char buf[64];

	CHECK_EQ(cmdline_find(line, "init", buf, sizeof(buf)), OK);
	CHECK_STR(buf, "uprog:17,uprog:2/permanent");
	CHECK_EQ(cmdline_find(line, "utest", buf, sizeof(buf)), OK);
	CHECK_STR(buf, "map");
	CHECK_EQ(cmdline_find(line, "noshell", buf, sizeof(buf)), OK);
	CHECK_STR(buf, "");
	CHECK_EQ(cmdline_find(line, "maxcores", buf, sizeof(buf)), OK);	/* before a trailing space */
	CHECK_STR(buf, "12");
	CHECK(cmdline_has(line, "noshell"));
	CHECK(cmdline_has(line, "init"));
}

TEST(whole_words_only)
{
	char buf[8] = "x";

	CHECK_EQ(cmdline_find(line, "ut", buf, sizeof(buf)), ERR_NOT_FOUND);	/* a prefix */
	CHECK_STR(buf, "");
	CHECK_EQ(cmdline_find(line, "noshel", buf, sizeof(buf)), ERR_NOT_FOUND);
	CHECK_EQ(cmdline_find(line, "shell", buf, sizeof(buf)), ERR_NOT_FOUND);	/* a suffix */
	CHECK_EQ(cmdline_find(line, "map", buf, sizeof(buf)), ERR_NOT_FOUND);	/* a value */
	CHECK_EQ(cmdline_find(line, "", buf, sizeof(buf)), ERR_NOT_FOUND);
	CHECK_EQ(cmdline_find("", "init", buf, sizeof(buf)), ERR_NOT_FOUND);
	CHECK_EQ(cmdline_find("   ", "init", buf, sizeof(buf)), ERR_NOT_FOUND);
	CHECK(!cmdline_has(line, "utes"));
	/* A key with a space never matches across two words (found by
	 * fuzz/fuzz_cmdline: "a b" matched the words "a b=1"). */
	CHECK_EQ(cmdline_find("a b=1", "a b", buf, sizeof(buf)), ERR_NOT_FOUND);
	CHECK(!cmdline_has("a b", "a b"));
}

TEST(the_first_of_two_counts)
{
	char buf[8];

	CHECK_EQ(cmdline_find("bench=5 bench=7", "bench", buf, sizeof(buf)), OK);
	CHECK_STR(buf, "5");
	CHECK_EQ(cmdline_find("bench bench=7", "bench", buf, sizeof(buf)), OK);
	CHECK_STR(buf, "");
}

/* "maxcores=12" in a 2-byte buffer must not be read as 1. */
TEST(a_value_that_does_not_fit_is_refused_not_cut)
{
	char buf[64];

	for (size_t size = 0; size <= 3; size++) {
		memset(buf, '#', sizeof(buf));
		err_t want = size >= 3 ? OK : ERR_TRUNCATED;
		if (cmdline_find(line, "maxcores", buf, size) != want) {
			test_fail("size %zu: not %s", size, err_name(want));
			return;
		}
		if (size && strcmp(buf, want ? "" : "12") != 0) {
			test_fail("size %zu: buf \"%.8s\"", size, buf);
			return;
		}
	}
	CHECK_EQ(buf[3], '#');					/* nothing past its NUL */
	CHECK_EQ(cmdline_find(line, "init", buf, 27), OK);	/* 26 characters */
	CHECK_EQ(cmdline_find(line, "init", buf, 26), ERR_TRUNCATED);
	CHECK_STR(buf, "");
	CHECK_EQ(cmdline_find(line, "noshell", buf, 1), OK);	/* "" fits in one byte */
	CHECK_EQ(cmdline_find(line, "noshell", buf, 0), ERR_TRUNCATED);
	CHECK(cmdline_has(line, "init"));			/* presence needs no room */
}
