/*
 * Tests for lib/fbcon.c, the framebuffer text console, rendering into
 * memory with guard bytes on both sides: the pixels of known glyphs of the
 * build's font (and a hand-checked row of 'A', so that a font that is not
 * the font fails too), newline, carriage return, backspace, tab, escape
 * sequences, wrap at the right edge, scrolling, 24- and 32-bit pixels with
 * their colour fields, a screen whose width is not a whole number of
 * cells, and geometry that must be refused with nothing written.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lib/test.h"
#include "lib/fbcon.h"

#define GUARD		64
#define GUARD_BYTE	0x5A

static struct fbcon con;
static uint8_t cells[4096];
static uint8_t *mem;		/* GUARD, the framebuffer, GUARD */
static uint64_t fb_bytes;

/* A 32-bit screen of w x h pixels, pitch bytes per line, x8r8g8b8. */
static struct fbcon_geom geom32(uint32_t w, uint32_t h, uint32_t pitch)
{
	return (struct fbcon_geom){ pitch, w, h, 32, 16, 8, 8, 8, 0, 8 };
}

static uint8_t *screen(uint64_t size)
{
	free(mem);
	fb_bytes = size;
	mem = malloc(size + 2 * GUARD);
	memset(mem, GUARD_BYTE, size + 2 * GUARD);
	return mem + GUARD;
}

static bool guards_intact(void)
{
	for (unsigned i = 0; i < GUARD; i++)
		if (mem[i] != GUARD_BYTE || mem[GUARD + fb_bytes + i] != GUARD_BYTE)
			return false;
	return true;
}

static err_t open32(uint32_t w, uint32_t h)
{
	struct fbcon_geom g = geom32(w, h, w * 4);
	uint8_t *fb = screen((uint64_t)w * h * 4);

	return fbcon_init(&con, fb, fb_bytes, &g, &fbcon_font8x16, cells, sizeof(cells));
}

static uint32_t pixel(uint32_t x, uint32_t y)
{
	const uint8_t *p = con.fb + (uint64_t)y * con.g.pitch + x * (con.g.bpp / 8u);
	uint32_t v = 0;

	for (unsigned i = 0; i < con.g.bpp / 8u; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

/* Whether cell (col, row) shows ch: every pixel fg or bg as the font says. */
static bool shows(uint32_t col, uint32_t row, char ch)
{
	const struct fbcon_font *f = &fbcon_font8x16;
	const uint8_t *glyph = f->glyphs + (size_t)((uint8_t)ch - f->first) * f->height;

	for (unsigned y = 0; y < f->height; y++)
		for (unsigned x = 0; x < 8; x++) {
			uint32_t want = (glyph[y] & (0x80u >> x)) ? con.fg : con.bg;
			if (pixel(col * 8 + x, row * f->height + y) != want)
				return false;
		}
	return true;
}

static bool row_shows(uint32_t row, const char *text)
{
	for (uint32_t col = 0; col < con.cols; col++)
		if (!shows(col, row, *text ? *text++ : ' '))
			return false;
	return true;
}

static void put(const char *s)
{
	fbcon_write(&con, s, strlen(s));
}

TEST(the_font_is_8x16_printable_ascii_and_its_A_is_an_A)
{
	const struct fbcon_font *f = &fbcon_font8x16;

	CHECK_EQ(f->width, 8);
	CHECK_EQ(f->height, 16);
	CHECK_EQ(f->first, 0x20);
	CHECK_EQ(f->count, 95);
	/* 'A' of the VGA font, row 7: the crossbar, seven pixels wide. */
	CHECK_EQ(f->glyphs[('A' - 0x20) * 16 + 7], 0xFE);
	for (unsigned y = 0; y < 16; y++)
		CHECK_EQ(f->glyphs[y], 0);		/* ' ' is blank */
}

TEST(text_is_drawn_with_the_fonts_glyphs_at_the_cursor)
{
	CHECK_ERR(open32(80, 48), OK);
	CHECK_EQ(con.cols, 10);
	CHECK_EQ(con.rows, 3);
	CHECK(row_shows(0, ""));
	put("A|_x");
	CHECK(row_shows(0, "A|_x"));
	CHECK_EQ(con.col, 4);
	/* The colours: grey on black in x8r8g8b8. */
	CHECK_EQ(con.fg, 0xAAAAAAu);
	CHECK_EQ(con.bg, 0u);
	CHECK_EQ(pixel(0 * 8 + 0, 7), 0xAAAAAAu);	/* 'A' crossbar, leftmost */
	CHECK_EQ(pixel(0 * 8 + 7, 7), 0u);		/* and its empty last column */
	CHECK(guards_intact());
}

TEST(newline_carriage_return_backspace_and_tab_move_the_cursor)
{
	CHECK_ERR(open32(160, 64), OK);	/* 20 x 4 cells */
	put("ab\ncd\rX");
	CHECK(row_shows(0, "ab"));
	CHECK(row_shows(1, "Xd"));
	put("\n\b\bq");			/* backspace stops at the line's start */
	CHECK(row_shows(2, "q"));
	put("rs\b\b \b");		/* the shell's erase: "\b \b" */
	CHECK(row_shows(2, "q s"));
	CHECK_EQ(con.col, 1);
	put("\rt\tT\tU");
	CHECK(row_shows(2, "t s     T       U"));	/* a tab moves, it does not erase */
	put("\x07\x01");		/* BEL and other control bytes: nothing */
	CHECK(row_shows(2, "t s     T       U"));
	CHECK_EQ(con.col, 17);
	CHECK(guards_intact());
}

TEST(escape_sequences_are_skipped_whole_and_high_bytes_show_a_question_mark)
{
	CHECK_ERR(open32(160, 32), OK);
	put("a\x1b[2Kb\x1b[1;31mc\x1bxd\xe9");
	CHECK(row_shows(0, "abcd?"));
	put("\x1b[12\ne");		/* a control byte ends the sequence, as itself */
	CHECK(row_shows(1, "e"));
	CHECK(guards_intact());
}

TEST(text_wraps_at_the_right_edge)
{
	CHECK_ERR(open32(40, 64), OK);	/* 5 x 4 cells */
	put("abcde");
	CHECK_EQ(con.row, 0);		/* the wrap waits for the next character */
	put("fg");
	CHECK(row_shows(0, "abcde"));
	CHECK(row_shows(1, "fg"));
	put("hij\n");			/* a full line then \n: one new line, not two */
	CHECK(row_shows(1, "fghij"));
	CHECK_EQ(con.row, 2);
	CHECK_EQ(con.col, 0);
	put("\tk");			/* a tab stops at the edge; the next wraps */
	CHECK(row_shows(2, ""));
	CHECK(row_shows(3, "k"));
	put("\b\b\t\t");		/* a tab from the edge wraps */
	CHECK_EQ(con.scrolls, 1);
	CHECK(row_shows(2, "k"));
	CHECK_EQ(con.col, 5);
	CHECK(guards_intact());
}

TEST(a_new_line_below_the_last_scrolls_up_and_clears_the_last)
{
	CHECK_ERR(open32(40, 48), OK);	/* 3 rows */
	put("one\ntwo\nthree\n");
	CHECK_EQ(con.scrolls, 1);
	CHECK(row_shows(0, "two"));
	CHECK(row_shows(1, "three"));
	CHECK(row_shows(2, ""));
	put("four!\nfive");
	CHECK_EQ(con.scrolls, 2);
	CHECK(row_shows(0, "three"));
	CHECK(row_shows(1, "four!"));
	CHECK(row_shows(2, "five"));
	for (int i = 0; i < 100; i++)
		put("0123456789\n");
	CHECK(row_shows(0, "01234"));
	CHECK(row_shows(1, "56789"));
	CHECK(row_shows(2, ""));
	CHECK(guards_intact());
}

/* The hand-over (kernel to console service): a second console adopts the
 * first one's screen and text, draws nothing doing so, and goes on at the
 * cursor; scrolling then moves the adopted text with its own. */
TEST(an_adopted_screen_keeps_its_text_and_goes_on_at_the_cursor)
{
	static uint8_t kept[sizeof(cells)];
	struct fbcon_geom g = geom32(40, 48, 160);	/* 5 x 3 cells */
	struct fbcon next;

	CHECK_ERR(open32(40, 48), OK);
	put("one\ntw");
	memcpy(kept, cells, sizeof(cells));
	uint8_t *before = malloc(fb_bytes);
	memcpy(before, con.fb, fb_bytes);
	CHECK_ERR(fbcon_adopt(&next, con.fb, fb_bytes, &g, &fbcon_font8x16, kept, sizeof(kept),
			      con.cols, con.rows, con.col, con.row), OK);
	CHECK(memcmp(before, con.fb, fb_bytes) == 0);	/* nothing drawn */
	free(before);
	con = next;
	put("o\nthree\nfour");
	CHECK_EQ(con.scrolls, 1);
	CHECK(row_shows(0, "two"));
	CHECK(row_shows(1, "three"));
	CHECK(row_shows(2, "four"));
	CHECK(guards_intact());
}

TEST(an_adoption_that_does_not_match_is_refused_and_changes_nothing)
{
	struct fbcon_geom g = geom32(40, 48, 160);
	struct fbcon next, was;

	CHECK_ERR(open32(40, 48), OK);
	memset(&next, 0x77, sizeof(next));
	was = next;
	/* Another grid than the text's, a cursor off it, absurd geometry. */
	CHECK_ERR(fbcon_adopt(&next, con.fb, fb_bytes, &g, &fbcon_font8x16, cells, sizeof(cells),
			      6, 3, 0, 0), ERR_INVALID_ARG);
	CHECK_ERR(fbcon_adopt(&next, con.fb, fb_bytes, &g, &fbcon_font8x16, cells, sizeof(cells),
			      5, 4, 0, 0), ERR_INVALID_ARG);
	CHECK_ERR(fbcon_adopt(&next, con.fb, fb_bytes, &g, &fbcon_font8x16, cells, sizeof(cells),
			      5, 3, 6, 0), ERR_INVALID_ARG);
	CHECK_ERR(fbcon_adopt(&next, con.fb, fb_bytes, &g, &fbcon_font8x16, cells, sizeof(cells),
			      5, 3, 0, 3), ERR_INVALID_ARG);
	CHECK_ERR(fbcon_adopt(&next, con.fb, fb_bytes - 1, &g, &fbcon_font8x16, cells, sizeof(cells),
			      5, 3, 0, 0), ERR_INVALID_ARG);
	CHECK(memcmp(&next, &was, sizeof(next)) == 0);
	/* One past the last column is a cursor: the next byte wraps. */
	CHECK_ERR(fbcon_adopt(&next, con.fb, fb_bytes, &g, &fbcon_font8x16, cells, sizeof(cells),
			      5, 3, 5, 2), OK);
	CHECK(guards_intact());
}

TEST(clearing_blanks_the_screen_and_homes_the_cursor)
{
	CHECK_ERR(open32(40, 48), OK);
	put("abc\ndef");
	fbcon_clear(&con);
	CHECK(con.col == 0 && con.row == 0);
	CHECK(row_shows(0, "") && row_shows(1, ""));
	put("x");
	CHECK(row_shows(0, "x"));
	CHECK(guards_intact());
}

TEST(pixels_outside_whole_cells_stay_background_and_no_byte_outside_is_written)
{
	/* 21 x 37 pixels, pitch with 12 bytes of padding: 2 x 2 cells. */
	struct fbcon_geom g = geom32(21, 37, 21 * 4 + 12);
	uint8_t *fb = screen((uint64_t)g.pitch * 36 + 21 * 4);	/* the last line unpadded */

	CHECK_ERR(fbcon_init(&con, fb, fb_bytes, &g, &fbcon_font8x16, cells, sizeof(cells)), OK);
	CHECK_EQ(con.cols, 2);
	CHECK_EQ(con.rows, 2);
	for (int i = 0; i < 50; i++)
		put("#@#@#@\n");
	for (uint32_t y = 0; y < 37; y++)
		for (uint32_t x = 0; x < 21; x++)
			if (x >= 16 || y >= 32)
				CHECK_EQ(pixel(x, y), 0u);
	/* The padding at the end of each line is the loader's, not ours. */
	for (uint32_t y = 0; y < 36; y++)
		for (uint32_t i = 0; i < 12; i++)
			CHECK_EQ(fb[y * g.pitch + 21 * 4 + i], GUARD_BYTE);
	CHECK(guards_intact());
}

TEST(a_small_cell_buffer_gives_fewer_rows)
{
	struct fbcon_geom g = geom32(80, 160, 320);	/* 10 x 10 cells */
	uint8_t few[25];
	uint8_t *fb = screen(320 * 160);

	CHECK_ERR(fbcon_init(&con, fb, fb_bytes, &g, &fbcon_font8x16, few, sizeof(few)), OK);
	CHECK_EQ(con.cols, 10);
	CHECK_EQ(con.rows, 2);
	put("1\n2\n3\n");
	CHECK(row_shows(0, "3"));
	CHECK(guards_intact());
	/* Not even one line of cells: refused. */
	CHECK_ERR(fbcon_init(&con, fb, fb_bytes, &g, &fbcon_font8x16, few, 9), ERR_INVALID_ARG);
}

TEST(pixels_of_24_bits_follow_the_tags_colour_fields)
{
	/* b8g8r8 reversed (red at bit 0), odd pitch, and a 5-6-5-like field
	 * size: every pixel 3 bytes. */
	struct fbcon_geom g = { 8 * 3 + 1, 8, 16, 24, 0, 5, 5, 6, 11, 5 };
	uint8_t *fb = screen((uint64_t)g.pitch * 15 + 8 * 3);

	CHECK_ERR(fbcon_init(&con, fb, fb_bytes, &g, &fbcon_font8x16, cells, sizeof(cells)), OK);
	CHECK_EQ(con.fg, (0xAAu >> 3) | ((0xAAu >> 2) << 5) | ((0xAAu >> 3) << 11));
	put("A");
	CHECK(shows(0, 0, 'A'));
	CHECK_EQ(fb[7 * g.pitch + 0], (uint8_t)con.fg);
	CHECK_EQ(fb[7 * g.pitch + 1], (uint8_t)(con.fg >> 8));
	CHECK_EQ(fb[7 * g.pitch + 2], 0);
	CHECK_EQ(fb[7 * g.pitch + 3 * 7], 0);		/* the empty last column */
	for (uint32_t y = 0; y < 15; y++)
		CHECK_EQ(fb[y * g.pitch + 24], GUARD_BYTE);	/* padding untouched */
	CHECK(guards_intact());
}

/* Each refusal leaves the buffer as it was. */
static err_t refused(struct fbcon_geom g, uint64_t size, uint64_t claim)
{
	uint8_t *fb = screen(size);
	err_t err = fbcon_init(&con, fb, claim, &g, &fbcon_font8x16, cells, sizeof(cells));

	for (uint64_t i = 0; i < size; i++)
		if (fb[i] != GUARD_BYTE)
			return ERR_TOO_MANY;	/* something was written */
	return err;
}

TEST(absurd_geometry_is_refused_and_nothing_is_written)
{
	struct fbcon_geom g = geom32(64, 32, 256);
	struct fbcon_geom b;

	CHECK_ERR(refused(g, 256 * 32, 256 * 32), ERR_TOO_MANY);	/* accepted: it cleared the screen */
	b = g, b.width = 0;
	CHECK_ERR(refused(b, 256 * 32, 256 * 32), ERR_INVALID_ARG);
	b = g, b.height = 0;
	CHECK_ERR(refused(b, 256 * 32, 256 * 32), ERR_INVALID_ARG);
	b = g, b.bpp = 16;
	CHECK_ERR(refused(b, 256 * 32, 256 * 32), ERR_INVALID_ARG);
	b = g, b.bpp = 8;
	CHECK_ERR(refused(b, 256 * 32, 256 * 32), ERR_INVALID_ARG);
	b = g, b.pitch = 64 * 4 - 1;			/* a line does not fit its pitch */
	CHECK_ERR(refused(b, 256 * 32, 256 * 32), ERR_INVALID_ARG);
	CHECK_ERR(refused(g, 256 * 32, 256 * 31 + 64 * 4 - 1), ERR_INVALID_ARG);	/* one byte short */
	CHECK_ERR(refused(g, 256 * 32, 256 * 31 + 64 * 4), ERR_TOO_MANY);	/* just enough: accepted */
	b = g, b.red_pos = 25;				/* 25 + 8 > 32 */
	CHECK_ERR(refused(b, 256 * 32, 256 * 32), ERR_INVALID_ARG);
	b = g, b.blue_size = 0;
	CHECK_ERR(refused(b, 256 * 32, 256 * 32), ERR_INVALID_ARG);
	b = g, b.green_size = 9;
	CHECK_ERR(refused(b, 256 * 32, 256 * 32), ERR_INVALID_ARG);
	b = g, b.width = 7;				/* narrower than a glyph */
	CHECK_ERR(refused(b, 256 * 32, 256 * 32), ERR_INVALID_ARG);
	b = g, b.height = 15;
	CHECK_ERR(refused(b, 256 * 32, 256 * 32), ERR_INVALID_ARG);
	/* Sizes whose products would wrap in 32 bits. */
	b = g, b.width = 0x40000001, b.pitch = 0xFFFFFFFF;
	CHECK_ERR(refused(b, 256 * 32, UINT64_MAX), ERR_INVALID_ARG);
	b = g, b.height = FBCON_MAX_PIXELS + 1, b.pitch = 0xFFFFFFFF;
	CHECK_ERR(refused(b, 256 * 32, UINT64_MAX), ERR_INVALID_ARG);
	/* A font that is not 8 wide, and none. */
	struct fbcon_font wide = fbcon_font8x16;
	uint8_t *fb = screen(256 * 32);
	wide.width = 9;
	CHECK_ERR(fbcon_init(&con, fb, fb_bytes, &g, &wide, cells, sizeof(cells)), ERR_INVALID_ARG);
	CHECK_ERR(fbcon_init(&con, fb, fb_bytes, &g, NULL, cells, sizeof(cells)), ERR_INVALID_ARG);
	free(mem);
	mem = NULL;
}
