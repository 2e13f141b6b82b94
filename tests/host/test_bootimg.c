/*
 * Tests for lib/bootimg.c. make_img() writes a valid three-file archive
 * into a buffer, the layout tools/mkbootimg.py produces; most tests then
 * corrupt one field and check the verdict. check() hands bootimg_check() a
 * heap copy of exactly the given length, so AddressSanitizer reports any
 * read past it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/test.h"
#include "lib/bootimg.h"

#define IMG_MAX		0x8000u
#define ENT(i)		(BOOTIMG_HDR_SIZE + BOOTIMG_ENTRY_SIZE * (uint64_t)(i))
#define E_OFFSET	32
#define E_SIZE		40

static uint8_t img[IMG_MAX];
static uint64_t img_len;

static void put32(uint64_t at, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		img[at + i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint64_t at, uint64_t v)
{
	put32(at, (uint32_t)v);
	put32(at + 4, (uint32_t)(v >> 32));
}

static void header(uint32_t count, uint32_t total)
{
	memset(img, 0, sizeof(img));
	memcpy(img, BOOTIMG_MAGIC, 8);
	put32(8, count);
	put32(12, total);
	img_len = total;
}

static void set_entry(unsigned i, const char *name, uint64_t off, uint64_t size)
{
	memset(img + ENT(i), 0, BOOTIMG_NAME_MAX);
	memcpy(img + ENT(i), name, strlen(name));
	put64(ENT(i) + E_OFFSET, off);
	put64(ENT(i) + E_SIZE, size);
}

/*
 * "init" (5000 bytes at 0x1000), "shell" (0x1000 at 0x3000) and
 * "motd.txt" (16 at 0x4000); total_size 0x5000. Each file's bytes are
 * its index plus one, so a test can tell them apart.
 */
static void make_img(void)
{
	header(3, 0x5000);
	set_entry(0, "init", 0x1000, 5000);
	set_entry(1, "shell", 0x3000, 0x1000);
	set_entry(2, "motd.txt", 0x4000, 16);
	memset(img + 0x1000, 1, 5000);
	memset(img + 0x3000, 2, 0x1000);
	memset(img + 0x4000, 3, 16);
}

static err_t check_len(uint64_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	err_t err;

	memcpy(copy, img, len);
	err = bootimg_check(copy, len);
	free(copy);
	return err;
}

static err_t check(void)
{
	return check_len(img_len);
}

/* Whether all n bytes at p are v. */
static int all(const void *p, uint64_t n, uint8_t v)
{
	const uint8_t *b = p;

	while (n--)
		if (*b++ != v)
			return 0;
	return 1;
}

TEST(valid_three_files)
{
	struct bootimg_file f;

	make_img();
	CHECK_EQ(check(), OK);
	CHECK_EQ(bootimg_count(img), 3);
	CHECK_EQ(bootimg_get(img, 0, &f), OK);
	CHECK_STR(f.name, "init");
	CHECK_EQ(f.offset, 0x1000);
	CHECK_EQ(f.size, 5000);
	CHECK(f.data == img + 0x1000);
	CHECK(all(f.data, f.size, 1));
	CHECK_EQ(bootimg_get(img, 1, &f), OK);
	CHECK_STR(f.name, "shell");
	CHECK(all(f.data, f.size, 2));
	CHECK_EQ(bootimg_get(img, 2, &f), OK);
	CHECK_STR(f.name, "motd.txt");
	CHECK_EQ(f.offset, 0x4000);
	CHECK_EQ(f.size, 16);
	CHECK(all(f.data, f.size, 3));
	CHECK_EQ(bootimg_get(img, 3, &f), ERR_NOT_FOUND);
	CHECK_EQ(bootimg_get(img, 0xFFFFFFFF, &f), ERR_NOT_FOUND);

	/* Trailing bytes after total_size are not part of it, and allowed. */
	CHECK_EQ(check_len(img_len + 100), OK);
}

TEST(find)
{
	struct bootimg_file f, g;

	make_img();
	CHECK_EQ(check(), OK);
	for (unsigned i = 0; i < 3; i++) {
		CHECK_EQ(bootimg_get(img, i, &f), OK);
		CHECK_EQ(bootimg_find(img, f.name, &g), OK);
		CHECK(g.name == f.name && g.data == f.data);
		CHECK_EQ(g.offset, f.offset);
		CHECK_EQ(g.size, f.size);
	}
	CHECK_EQ(bootimg_find(img, "shell", &f), OK);
	CHECK_EQ(f.offset, 0x3000);
	CHECK_EQ(bootimg_find(img, "nope", &f), ERR_NOT_FOUND);
	CHECK_EQ(bootimg_find(img, "", &f), ERR_NOT_FOUND);
	CHECK_EQ(bootimg_find(img, "ini", &f), ERR_NOT_FOUND);
	CHECK_EQ(bootimg_find(img, "init2", &f), ERR_NOT_FOUND);
	CHECK_EQ(bootimg_find(img, "INIT", &f), ERR_NOT_FOUND);
	CHECK_EQ(bootimg_find(img, "motd.txt and a name longer than the field", &f),
		 ERR_NOT_FOUND);
}

TEST(empty_archive)
{
	struct bootimg_file f;

	header(0, BOOTIMG_HDR_SIZE);
	CHECK_EQ(check(), OK);
	CHECK_EQ(bootimg_count(img), 0);
	CHECK_EQ(bootimg_get(img, 0, &f), ERR_NOT_FOUND);
	CHECK_EQ(bootimg_find(img, "init", &f), ERR_NOT_FOUND);
}

TEST(magic)
{
	make_img();
	CHECK_EQ(bootimg_check(NULL, 0), ERR_BAD_SIGNATURE);
	CHECK_EQ(check_len(0), ERR_BAD_SIGNATURE);
	CHECK_EQ(check_len(7), ERR_BAD_SIGNATURE);
	CHECK_EQ(check_len(8), ERR_TRUNCATED);
	CHECK_EQ(check_len(15), ERR_TRUNCATED);
	for (unsigned i = 0; i < 8; i++) {
		make_img();
		img[i] ^= 0x01;
		CHECK_EQ(check(), ERR_BAD_SIGNATURE);
	}
}

TEST(total_size)
{
	make_img();
	CHECK_EQ(check_len(img_len - 1), ERR_TRUNCATED);	/* total_size > len */
	put32(12, 0xFFFFFFFF);
	CHECK_EQ(check(), ERR_TRUNCATED);

	/* total_size smaller than the table, or than a file. */
	make_img();
	put32(12, ENT(3) - 1);
	CHECK_EQ(check(), ERR_TRUNCATED);
	put32(12, ENT(3));
	CHECK_EQ(check(), ERR_TRUNCATED);
	put32(12, 0x4000 + 15);
	CHECK_EQ(check(), ERR_TRUNCATED);
	put32(12, 0x4000 + 16);		/* motd.txt ends exactly there */
	CHECK_EQ(check(), OK);
	put32(12, 0);
	CHECK_EQ(check(), ERR_TRUNCATED);

	/* The entry table must fit in total_size before it is read: here it
	 * would run past the end of the input. */
	make_img();
	put32(12, 100);
	CHECK_EQ(check_len(100), ERR_TRUNCATED);
	header(0, 8);			/* shorter than its own header */
	CHECK_EQ(check_len(BOOTIMG_HDR_SIZE), ERR_TRUNCATED);
}

TEST(every_prefix_fails)
{
	make_img();
	for (uint64_t len = 0; len < img_len; len++) {
		err_t err = check_len(len);

		if (err != ERR_TRUNCATED && err != ERR_BAD_SIGNATURE)
			FAIL("prefix of %llu bytes: %s",
			     (unsigned long long)len, err_name(err));
	}
}

TEST(count_limit)
{
	char name[8];
	struct bootimg_file f;

	/* 64 empty files, all at 0x1000: empty files occupy nothing. */
	header(BOOTIMG_MAX_FILES, 0x1000);
	for (unsigned i = 0; i < BOOTIMG_MAX_FILES; i++) {
		snprintf(name, sizeof(name), "f%u", i);
		set_entry(i, name, 0x1000, 0);
	}
	CHECK_EQ(check(), OK);
	CHECK_EQ(bootimg_count(img), BOOTIMG_MAX_FILES);
	CHECK_EQ(bootimg_find(img, "f63", &f), OK);
	CHECK(f.name == (const char *)img + ENT(63));

	put32(8, BOOTIMG_MAX_FILES + 1);
	CHECK_EQ(check(), ERR_TOO_MANY);
	put32(8, 0xFFFFFFFF);
	CHECK_EQ(check(), ERR_TOO_MANY);
	put32(8, 0x80000000);
	CHECK_EQ(check(), ERR_TOO_MANY);
}

TEST(names)
{
	static const char *const bad[] = {
		"", "a/b", "/", "tab\there", "del\x7f", "high\x80", "nl\n",
	};
	static const char *const good[] = {
		"a", "with space", "~!@#$%^&*()_+-=[]{};':\",.<>?\\|`",
		"abcdefghijklmnopqrstuvwxyz01234",	/* 31 characters */
	};

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		make_img();
		set_entry(1, bad[i], 0x3000, 0x1000);
		CHECK_EQ(check(), ERR_INVALID_ARG);
	}
	for (unsigned i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		make_img();
		set_entry(1, good[i], 0x3000, 0x1000);
		CHECK_EQ(check(), OK);
	}

	/* No NUL inside the 32 bytes. */
	make_img();
	memset(img + ENT(2), 'a', BOOTIMG_NAME_MAX);
	CHECK_EQ(check(), ERR_INVALID_ARG);
	img[ENT(2) + BOOTIMG_NAME_MAX - 1] = 0;
	CHECK_EQ(check(), OK);

	/* Bytes after the NUL are not part of the name. */
	make_img();
	memset(img + ENT(1) + 6, 0xFF, BOOTIMG_NAME_MAX - 6);
	CHECK_EQ(check(), OK);
}

TEST(duplicate_names)
{
	make_img();
	set_entry(2, "init", 0x4000, 16);
	CHECK_EQ(check(), ERR_INVALID_ARG);

	/* Equal up to the NUL, different after it: still the same name. */
	make_img();
	set_entry(2, "shell", 0x4000, 16);
	img[ENT(2) + 10] = 'x';
	CHECK_EQ(check(), ERR_INVALID_ARG);

	/* A prefix is another name. */
	make_img();
	set_entry(2, "shel", 0x4000, 16);
	CHECK_EQ(check(), OK);
}

TEST(alignment)
{
	static const uint64_t bad[] = { 0x3001, 0x3800, 0x2FFF, 0x10 };

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		make_img();
		put64(ENT(1) + E_OFFSET, bad[i]);
		put64(ENT(1) + E_SIZE, 0x10);
		CHECK_EQ(check(), ERR_INVALID_ARG);
	}
}

TEST(file_outside_archive)
{
	make_img();
	put64(ENT(2) + E_SIZE, 0x1000);		/* ends exactly at total_size */
	CHECK_EQ(check(), OK);
	put64(ENT(2) + E_SIZE, 0x1001);
	CHECK_EQ(check(), ERR_TRUNCATED);
	put64(ENT(2) + E_SIZE, UINT64_MAX);
	CHECK_EQ(check(), ERR_TRUNCATED);

	make_img();
	put64(ENT(2) + E_OFFSET, 0x5000);	/* at the end, empty: fine */
	put64(ENT(2) + E_SIZE, 0);
	CHECK_EQ(check(), OK);
	put64(ENT(2) + E_OFFSET, 0x6000);	/* past the end, even empty */
	CHECK_EQ(check(), ERR_TRUNCATED);

	/* offset + size wraps to 0x1000. */
	make_img();
	put64(ENT(2) + E_OFFSET, 0xFFFFFFFFFFFFF000ull);
	put64(ENT(2) + E_SIZE, 0x2000);
	CHECK_EQ(check(), ERR_TRUNCATED);
}

TEST(overlap)
{
	/* Over the header and table: offset 0 is aligned but taken. */
	make_img();
	put64(ENT(1) + E_OFFSET, 0);
	CHECK_EQ(check(), ERR_OVERLAP);
	put64(ENT(1) + E_SIZE, 0);		/* even when empty */
	CHECK_EQ(check(), ERR_OVERLAP);

	/* init is 5000 bytes from 0x1000: it reaches into 0x2000. */
	make_img();
	put64(ENT(1) + E_OFFSET, 0x2000);
	CHECK_EQ(check(), ERR_OVERLAP);
	put64(ENT(1) + E_SIZE, 0x800);
	CHECK_EQ(check(), ERR_OVERLAP);

	/* The same range twice; one inside another (later in the table). */
	make_img();
	put64(ENT(2) + E_OFFSET, 0x3000);
	put64(ENT(2) + E_SIZE, 0x1000);
	CHECK_EQ(check(), ERR_OVERLAP);
	make_img();
	put64(ENT(0) + E_OFFSET, 0x3000);
	put64(ENT(0) + E_SIZE, 0x2000);
	CHECK_EQ(check(), ERR_OVERLAP);

	/* Table order need not be address order. */
	make_img();
	set_entry(0, "init", 0x4000, 0x1000);
	set_entry(2, "motd.txt", 0x1000, 0x2000);
	CHECK_EQ(check(), OK);
	set_entry(2, "motd.txt", 0x1000, 0x2001);
	CHECK_EQ(check(), ERR_OVERLAP);

	/* Adjacent: shell ends where motd.txt starts. And an empty file
	 * inside another occupies nothing. */
	make_img();
	CHECK_EQ(check(), OK);
	put64(ENT(2) + E_OFFSET, 0x2000);
	put64(ENT(2) + E_SIZE, 0);
	CHECK_EQ(check(), OK);
}
