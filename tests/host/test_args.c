/*
 * Tests for lib/args.c: arguments survive a pack/unpack round trip (none,
 * one, empty strings, the most that fit), too many or too long are refused
 * without writing, and garbled blocks (bad counts, lengths, missing NULs,
 * trailing bytes) are rejected with ERR_BAD_MESSAGE and no arguments.
 */
#include <stdint.h>
#include <string.h>
#include "lib/test.h"
#include "lib/args.h"

static uint8_t block[ARGS_SIZE];
static const char *out[ARGS_MAX + 1];

TEST(round_trip)
{
	const char *in[] = { "init", "-w", "", "uprog:2/permanent" };
	unsigned argc;

	CHECK_EQ(args_pack(block, 4, in), OK);
	CHECK_EQ(args_unpack(block, &argc, out), OK);
	CHECK_EQ(argc, 4);
	for (unsigned i = 0; i < 4; i++)
		CHECK_STR(out[i], in[i]);
	CHECK(out[4] == NULL);
}

TEST(no_arguments)
{
	unsigned argc = 99;

	CHECK_EQ(args_pack(block, 0, NULL), OK);
	CHECK_EQ(args_unpack(block, &argc, out), OK);
	CHECK_EQ(argc, 0);
	CHECK(out[0] == NULL);
	memset(block, 0, sizeof(block));	/* no magic: started without any */
	CHECK_EQ(args_unpack(block, &argc, out), OK);
	CHECK_EQ(argc, 0);
}

TEST(the_most_that_fit)
{
	static char big[ARGS_SIZE];
	const char *in[ARGS_MAX];
	unsigned argc;

	memset(big, 'x', ARGS_SIZE - ARGS_HDR - 1);	/* with its NUL: exactly full */
	in[0] = big;
	CHECK_EQ(args_pack(block, 1, in), OK);
	CHECK_EQ(args_unpack(block, &argc, out), OK);
	CHECK_EQ(argc, 1);
	CHECK_EQ(strlen(out[0]), ARGS_SIZE - ARGS_HDR - 1);
	for (unsigned i = 0; i < ARGS_MAX; i++)
		in[i] = "a";
	CHECK_EQ(args_pack(block, ARGS_MAX, in), OK);
	CHECK_EQ(args_unpack(block, &argc, out), OK);
	CHECK_EQ(argc, ARGS_MAX);
}

TEST(too_long_or_too_many_is_refused_untouched)
{
	static char big[ARGS_SIZE];
	const char *in[ARGS_MAX + 1];

	memset(block, 0x5A, sizeof(block));
	memset(big, 'x', ARGS_SIZE - ARGS_HDR);		/* one byte too many */
	in[0] = big;
	CHECK_EQ(args_pack(block, 1, in), ERR_ARGS_TOO_LONG);
	for (unsigned i = 0; i <= ARGS_MAX; i++)
		in[i] = "a";
	CHECK_EQ(args_pack(block, ARGS_MAX + 1, in), ERR_ARGS_TOO_LONG);
	in[1] = NULL;
	CHECK_EQ(args_pack(block, 2, in), ERR_INVALID_ARG);
	CHECK_EQ(block[0], 0x5A);			/* nothing written */
}

static void set_hdr(uint32_t argc, uint32_t len)
{
	uint32_t h[3] = { ARGS_MAGIC, argc, len };
	memcpy(block, h, sizeof(h));
}

TEST(garbled_blocks_are_rejected)
{
	const char *in[] = { "ab", "cd" };
	unsigned argc;

	CHECK_EQ(args_pack(block, 2, in), OK);
	set_hdr(ARGS_MAX + 1, 6);			/* too many */
	CHECK_EQ(args_unpack(block, &argc, out), ERR_BAD_MESSAGE);
	CHECK(argc == 0 && out[0] == NULL);
	set_hdr(2, ARGS_SIZE);				/* runs past the block */
	CHECK_EQ(args_unpack(block, &argc, out), ERR_BAD_MESSAGE);
	set_hdr(3, 6);					/* a third string missing */
	CHECK_EQ(args_unpack(block, &argc, out), ERR_BAD_MESSAGE);
	CHECK(argc == 0 && out[0] == NULL);
	set_hdr(1, 6);					/* bytes after the last */
	CHECK_EQ(args_unpack(block, &argc, out), ERR_BAD_MESSAGE);
	set_hdr(2, 5);					/* last NUL outside len */
	CHECK_EQ(args_unpack(block, &argc, out), ERR_BAD_MESSAGE);
	memset(block + ARGS_HDR, 'z', ARGS_SIZE - ARGS_HDR);
	set_hdr(1, ARGS_SIZE - ARGS_HDR);		/* no NUL anywhere */
	CHECK_EQ(args_unpack(block, &argc, out), ERR_BAD_MESSAGE);
	set_hdr(2, 6);
	memcpy(block + ARGS_HDR, "ab\0cd\0", 6);
	CHECK_EQ(args_unpack(block, &argc, out), OK);	/* repaired: fine again */
	CHECK_EQ(argc, 2);
	CHECK_STR(out[1], "cd");
}
