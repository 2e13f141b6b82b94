/*
 * Host tests of lib/siphash.c (the reference vectors) and lib/token.c (the
 * export tokens' checks: each field covered by the MAC, each malformed
 * token refused, each token taken at most once and in order).
 */
#include <stdint.h>
#include "lib/test.h"
#include "lib/cap.h"
#include "lib/siphash.h"
#include "lib/token.h"

/* SipHash-2-4's published vectors: key 00 01 .. 0f, message 00 01 .. (i-1)
 * for i = 0..63 (from the SipHash paper's reference code). */
static const uint64_t vectors[64] = {
	0x726fdb47dd0e0e31, 0x74f839c593dc67fd, 0x0d6c8009d9a94f5a, 0x85676696d7fb7e2d,
	0xcf2794e0277187b7, 0x18765564cd99a68d, 0xcbc9466e58fee3ce, 0xab0200f58b01d137,
	0x93f5f5799a932462, 0x9e0082df0ba9e4b0, 0x7a5dbbc594ddb9f3, 0xf4b32f46226bada7,
	0x751e8fbc860ee5fb, 0x14ea5627c0843d90, 0xf723ca908e7af2ee, 0xa129ca6149be45e5,
	0x3f2acc7f57c29bdb, 0x699ae9f52cbe4794, 0x4bc1b3f0968dd39c, 0xbb6dc91da77961bd,
	0xbed65cf21aa2ee98, 0xd0f2cbb02e3b67c7, 0x93536795e3a33e88, 0xa80c038ccd5ccec8,
	0xb8ad50c6f649af94, 0xbce192de8a85b8ea, 0x17d835b85bbb15f3, 0x2f2e6163076bcfad,
	0xde4daaaca71dc9a5, 0xa6a2506687956571, 0xad87a3535c49ef28, 0x32d892fad841c342,
	0x7127512f72f27cce, 0xa7f32346f95978e3, 0x12e0b01abb051238, 0x15e034d40fa197ae,
	0x314dffbe0815a3b4, 0x027990f029623981, 0xcadcd4e59ef40c4d, 0x9abfd8766a33735c,
	0x0e3ea96b5304a7d0, 0xad0c42d6fc585992, 0x187306c89bc215a9, 0xd4a60abcf3792b95,
	0xf935451de4f21df2, 0xa9538f0419755787, 0xdb9acddff56ca510, 0xd06c98cd5c0975eb,
	0xe612a3cb9ecba951, 0xc766e62cfcadaf96, 0xee64435a9752fe72, 0xa192d576b245165a,
	0x0a8787bf8ecb74b2, 0x81b3e73d20b49b6f, 0x7fa8220ba3b2ecea, 0x245731c13ca42499,
	0xb78dbfaf3a8d83bd, 0xea1ad565322a1a0b, 0x60e61c23a3795013, 0x6606d7e446282b93,
	0x6ca4ecb15c5f91e1, 0x9f626da15c9625f3, 0xe51b38608ef25f57, 0x958a324ceb064572,
};

TEST(siphash24_gives_the_reference_vectors)
{
	const struct sipkey key = { 0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull };
	uint8_t msg[64];

	for (unsigned i = 0; i < 64; i++)
		msg[i] = (uint8_t)i;
	for (unsigned len = 0; len < 64; len++)
		CHECK_EQ(siphash24(&key, msg, len), vectors[len]);
}

static const struct sipkey key = { 0x243f6a8885a308d3ull, 0x13198a2e03707344ull };

/* A good token from core 1 to core 2 of 4. */
static struct frame_token good(void)
{
	struct frame_token t = { .owner = 1, .dest = 2, .base = 0x200000, .size = 0x3000,
				 .rights = CAP_RIGHT_READ | CAP_RIGHT_WRITE, .seq = 5 };
	t.mac = token_mac(&t, &key);
	return t;
}

TEST(token_minted_for_this_core_is_taken_once_and_in_order)
{
	struct frame_token t = good();

	CHECK_EQ(token_check(&t, &key, TOKEN_FRAME, 2, 4, 0), OK);
	CHECK_EQ(token_check(&t, &key, TOKEN_FRAME, 2, 4, 4), OK);
	CHECK_EQ(token_check(&t, &key, TOKEN_FRAME, 2, 4, 5), ERR_TOKEN_USED);	/* taken */
	CHECK_EQ(token_check(&t, &key, TOKEN_FRAME, 2, 4, 9), ERR_TOKEN_USED);	/* a newer one was */
}

TEST(token_with_any_field_changed_is_refused)
{
	/* Every byte the MAC covers, one bit flipped at a time. */
	for (unsigned byte = 0; byte < 40; byte++)
		for (unsigned bit = 0; bit < 8; bit++) {
			struct frame_token t = good();
			((uint8_t *)&t)[byte] ^= (uint8_t)(1u << bit);
			if (token_check(&t, &key, TOKEN_FRAME, 2, 4, 0) != ERR_BAD_TOKEN) {
				test_fail("byte %u bit %u flipped: accepted", byte,
					  bit);
				return;
			}
		}
	struct frame_token t = good();
	t.mac ^= 1ull << 63;
	CHECK_EQ(token_check(&t, &key, TOKEN_FRAME, 2, 4, 0), ERR_BAD_TOKEN);
	const struct sipkey other = { key.k0 ^ 1, key.k1 };
	t = good();
	CHECK_EQ(token_check(&t, &other, TOKEN_FRAME, 2, 4, 0), ERR_BAD_TOKEN);	/* another boot's key */
}

/* A token with one field set as given, its MAC made right again: only the
 * checks after the MAC can refuse it. */
static err_t check_with(void (*edit)(struct frame_token *), unsigned me, unsigned ncores)
{
	struct frame_token t = good();

	edit(&t);
	t.mac = token_mac(&t, &key);
	return token_check(&t, &key, TOKEN_FRAME, me, ncores, 0);
}

static void owner_is_dest(struct frame_token *t) { t->owner = 2; }
static void owner_too_big(struct frame_token *t) { t->owner = 4; }
static void size_zero(struct frame_token *t) { t->size = 0; }
static void base_odd(struct frame_token *t) { t->base += 8; }
static void size_odd(struct frame_token *t) { t->size += 1; }
static void wraps(struct frame_token *t) { t->base = 0xFFFFFFFFFFFFF000ull; }
static void rights_big(struct frame_token *t) { t->rights = 0x10; }
static void other_kind(struct frame_token *t) { t->kind = TOKEN_TABLE; }
static void kind_unknown(struct frame_token *t) { t->kind = 7; }
static void nothing(struct frame_token *t) { (void)t; }

TEST(well_signed_but_malformed_tokens_are_refused)
{
	CHECK_EQ(check_with(nothing, 2, 4), OK);
	CHECK_EQ(check_with(nothing, 3, 4), ERR_BAD_TOKEN);	/* for another core */
	CHECK_EQ(check_with(nothing, 2, 1), ERR_BAD_TOKEN);	/* no core 1 here */
	CHECK_EQ(check_with(owner_is_dest, 2, 4), ERR_BAD_TOKEN);
	CHECK_EQ(check_with(owner_too_big, 2, 4), ERR_BAD_TOKEN);
	CHECK_EQ(check_with(size_zero, 2, 4), ERR_BAD_TOKEN);
	CHECK_EQ(check_with(base_odd, 2, 4), ERR_BAD_TOKEN);
	CHECK_EQ(check_with(size_odd, 2, 4), ERR_BAD_TOKEN);
	CHECK_EQ(check_with(wraps, 2, 4), ERR_BAD_TOKEN);
	CHECK_EQ(check_with(rights_big, 2, 4), ERR_BAD_TOKEN);
	CHECK_EQ(check_with(other_kind, 2, 4), ERR_BAD_TOKEN);
	CHECK_EQ(check_with(kind_unknown, 2, 4), ERR_BAD_TOKEN);
}

/* A table token from core 1 to core 2: one page, no rights. */
static struct frame_token table(uint64_t size, uint32_t rights)
{
	struct frame_token t = { .owner = 1, .dest = 2, .base = 0x7000, .size = size,
				 .rights = rights, .kind = TOKEN_TABLE, .seq = 1 };
	t.mac = token_mac(&t, &key);
	return t;
}

TEST(table_tokens_name_one_page_and_are_no_frame_tokens)
{
	struct frame_token t = table(4096, 0);

	CHECK_EQ(token_check(&t, &key, TOKEN_TABLE, 2, 4, 0), OK);
	CHECK_EQ(token_check(&t, &key, TOKEN_FRAME, 2, 4, 0), ERR_BAD_TOKEN);
	t = table(8192, 0);
	CHECK_EQ(token_check(&t, &key, TOKEN_TABLE, 2, 4, 0), ERR_BAD_TOKEN);
	t = table(4096, CAP_RIGHT_READ);
	CHECK_EQ(token_check(&t, &key, TOKEN_TABLE, 2, 4, 0), ERR_BAD_TOKEN);
	t = good();		/* a frame's token does not make a table */
	CHECK_EQ(token_check(&t, &key, TOKEN_TABLE, 2, 4, 0), ERR_BAD_TOKEN);
	t = table(4096, 0);	/* a span on the owner's core: its own table */
	t.dest = 1;
	t.mac = token_mac(&t, &key);
	CHECK_EQ(token_check(&t, &key, TOKEN_TABLE, 1, 4, 0), OK);
}

/* A RAM token (TOKEN_RAM) from core 1 to core 2. */
static struct frame_token ram(unsigned owner, unsigned kind)
{
	struct frame_token t = good();

	t.owner = owner;
	t.kind = kind;
	t.mac = token_mac(&t, &key);
	return t;
}

TEST(a_capability_import_takes_a_frame_or_ram_token_and_nothing_else)
{
	struct frame_token t = ram(1, TOKEN_RAM);

	CHECK_EQ(token_check(&t, &key, TOKEN_CAP, 2, 4, 0), OK);
	CHECK_EQ(token_check(&t, &key, TOKEN_RAM, 2, 4, 0), OK);
	CHECK_EQ(token_check(&t, &key, TOKEN_FRAME, 2, 4, 0), ERR_BAD_TOKEN);
	CHECK_EQ(token_check(&t, &key, TOKEN_CAP, 2, 4, 5), ERR_TOKEN_USED);
	t = good();
	CHECK_EQ(token_check(&t, &key, TOKEN_CAP, 2, 4, 0), OK);
	CHECK_EQ(token_check(&t, &key, TOKEN_RAM, 2, 4, 0), ERR_BAD_TOKEN);
	t = table(4096, 0);	/* a table is no capability's memory */
	CHECK_EQ(token_check(&t, &key, TOKEN_CAP, 2, 4, 0), ERR_BAD_TOKEN);
	t = ram(2, TOKEN_RAM);	/* RAM of this core's own share */
	t.dest = 2;
	t.mac = token_mac(&t, &key);
	CHECK_EQ(token_check(&t, &key, TOKEN_CAP, 2, 4, 0), ERR_BAD_TOKEN);
	t = ram(1, 7);		/* no such kind */
	CHECK_EQ(token_check(&t, &key, TOKEN_CAP, 2, 4, 0), ERR_BAD_TOKEN);
}
