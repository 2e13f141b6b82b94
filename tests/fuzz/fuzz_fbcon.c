/*
 * libFuzzer target for lib/fbcon.c: the first 16 bytes are a geometry
 * (pitch, width, height, bpp, colour fields, the size of the buffer as a
 * signed slack beside pitch * height) and the rest is text. The buffer is
 * allocated at exactly the size the console is told, so AddressSanitizer
 * reports any write outside it. When fbcon_init accepts the geometry, the
 * text is written in pieces, and after each piece the cursor must be
 * inside the text area and every cell must show, pixel for pixel, the
 * character the console says it holds (so scrolling and wrapping never
 * leave the screen behind the text).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/fbcon.h"

static uint8_t cells[2048];

static uint32_t pixel(const struct fbcon *c, uint32_t x, uint32_t y)
{
	const uint8_t *p = c->fb + (uint64_t)y * c->g.pitch + x * (c->g.bpp / 8u);
	uint32_t v = 0;

	for (unsigned i = 0; i < c->g.bpp / 8u; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

static void check_screen(const struct fbcon *c)
{
	const struct fbcon_font *f = c->font;

	if (c->col > c->cols || c->row >= c->rows) {
		fprintf(stderr, "fuzz_fbcon: cursor (%u, %u) outside %u x %u cells\n", c->col, c->row,
			c->cols, c->rows);
		__builtin_trap();
	}
	for (uint32_t row = 0; row < c->rows; row++)
		for (uint32_t col = 0; col < c->cols; col++) {
			uint8_t ch = c->cells[row * c->cols + col];
			if (ch < 0x20 || ch > 0x7E) {
				fprintf(stderr, "fuzz_fbcon: cell (%u, %u) holds 0x%02x\n", col, row, ch);
				__builtin_trap();
			}
			const uint8_t *glyph = f->glyphs + (ch - f->first) * f->height;
			for (unsigned y = 0; y < f->height; y++)
				for (unsigned x = 0; x < 8; x++) {
					uint32_t want = (glyph[y] & (0x80u >> x)) ? c->fg : c->bg;
					if (pixel(c, col * 8 + x, row * f->height + y) == want)
						continue;
					fprintf(stderr, "fuzz_fbcon: cell (%u, %u) does not show '%c'\n",
						col, row, ch);
					__builtin_trap();
				}
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fbcon_geom g;
	struct fbcon c;

	if (size < 16)
		return 0;
	/* Small screens (up to 255 x 255), so that each run is quick, but
	 * every field free: odd pitches, bpp, fields, sizes. */
	g.pitch = data[0] | (uint32_t)data[1] << 8;
	g.width = data[2];
	g.height = data[3];
	g.bpp = data[4];
	g.red_pos = data[5], g.red_size = data[6];
	g.green_pos = data[7], g.green_size = data[8];
	g.blue_pos = data[9], g.blue_size = data[10];
	int slack = (int8_t)data[11];
	size_t ncells = data[12] | (size_t)(data[13] & 7) << 8;
	uint8_t pieces = (data[14] & 3) + 1;
	uint64_t fb_size = (uint64_t)g.pitch * g.height;
	fb_size = (int64_t)fb_size + slack > 0 ? fb_size + slack : 1;
	data += 16, size -= 16;

	uint8_t *fb = malloc(fb_size);
	if (fbcon_init(&c, fb, fb_size, &g, &fbcon_font8x16, cells, ncells) == OK) {
		check_screen(&c);
		for (size_t done = 0, step = size / pieces + 1; done < size; done += step) {
			fbcon_write(&c, (const char *)data + done, size - done < step ? size - done : step);
			check_screen(&c);
		}
	}
	free(fb);
	return 0;
}
