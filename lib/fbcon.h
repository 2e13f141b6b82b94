/*
 * A text console on a linear framebuffer (lib/fbcon.c): the screen half
 * of the console, for the kernel's boot log and the console service
 * (docs/console.md). Library code with no global state: the caller owns
 * the struct, the framebuffer mapping and the cell buffer, so the host
 * tests (tests/host/test_fbcon.c) render into memory under the sanitizers.
 *
 * The console keeps the text it shows in a grid of cells (one byte per
 * character) and draws a cell only when its character changes: scrolling
 * moves the grid and redraws the cells that differ, and nothing ever reads
 * the framebuffer, which may be mapped uncached (slow to read on real
 * hardware) or be write-only video memory.
 *
 * Bytes written:
 *	0x20..0x7E	drawn at the cursor, which moves right; past the right
 *			edge the text wraps to the next line
 *	\n		to the start of the next line (the kernel writes bare LF)
 *	\r		to the start of this line
 *	\b		one cell left, not past the line's start (the shell's
 *			echo erases with "\b \b")
 *	\t		to the next multiple of 8 columns (wraps at the edge)
 *	ESC sequences	skipped whole (ESC [ params final, ESC x), like
 *			lib/lineedit.c's input: the screen does not act on them
 *	anything else	other control bytes (BEL) ignored; bytes >= 0x80
 *			drawn as '?'
 * A new line below the last one scrolls the text up by one line and
 * clears the last.
 */
#ifndef LIB_FBCON_H
#define LIB_FBCON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kpi/errors.h>

/* A bitmap font: glyphs of `height` rows of one byte each (width 8, the
 * leftmost pixel in bit 7), for the characters first..first+count-1. The
 * build makes one from a console font (tools/psf2c.py: build/gen/font.c). */
struct fbcon_font {
	uint8_t width, height;
	uint8_t first;
	uint16_t count;
	const uint8_t *glyphs;		/* count * height bytes */
};

/* The font the build converted (docs/console.md says which). */
extern const struct fbcon_font fbcon_font8x16;

/* A framebuffer's geometry and pixel format, as Multiboot2's tag 8 gives
 * it (direct RGB only): bytes per line, pixels, bits per pixel (24 or 32)
 * and each colour's bit position and width in a pixel. */
struct fbcon_geom {
	uint32_t pitch;
	uint32_t width, height;
	uint8_t bpp;
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

/* Limits that make absurd geometry an error instead of a multiplication
 * that wraps: no screen today is larger. */
#define FBCON_MAX_PIXELS	16384	/* width or height */

struct fbcon {
	uint8_t *fb;			/* the framebuffer's first byte */
	uint64_t fb_size;		/* bytes the caller mapped */
	struct fbcon_geom g;
	const struct fbcon_font *font;
	uint8_t *cells;			/* rows * cols, the characters shown */
	uint32_t cols, rows;		/* text cells */
	uint32_t col, row;		/* the cursor */
	uint32_t fg, bg;		/* pixel values of the colours */
	uint8_t esc;			/* where in an escape sequence */
	uint64_t scrolls;		/* lines scrolled off (for the tests) */
};

/*
 * Sets c up on the framebuffer fb of fb_size bytes (what the caller
 * mapped) with geometry g and font f, keeping its text in `cells` (ncells
 * bytes), and clears the screen. The text area is the screen's whole
 * cells, fewer rows if the cell buffer is smaller. ERR_INVALID_ARG with
 * nothing written when the geometry is absurd: no width or height, more
 * than FBCON_MAX_PIXELS, bpp other than 24 or 32, a pitch too short for a
 * line, a colour field outside the pixel or wider than 8 bits, a buffer
 * shorter than pitch * height, a screen smaller than one cell, or a font
 * that is not 8 pixels wide.
 */
err_t fbcon_init(struct fbcon *c, void *fb, uint64_t fb_size, const struct fbcon_geom *g,
		 const struct fbcon_font *f, uint8_t *cells, size_t ncells);

/*
 * Takes over a screen that another fbcon drew (the kernel's, handed to the
 * console service: kpi/caps.h, CONSOLE_SCREEN): the same checks as
 * fbcon_init, and the grid they give must be cols x rows, with the cursor
 * (col, row) on it (col may be cols: the next character wraps);
 * `cells` holds the text shown, which is kept, and nothing is drawn.
 * ERR_INVALID_ARG, with c untouched, when anything does not match.
 */
err_t fbcon_adopt(struct fbcon *c, void *fb, uint64_t fb_size, const struct fbcon_geom *g,
		  const struct fbcon_font *f, uint8_t *cells, size_t ncells, uint32_t cols,
		  uint32_t rows, uint32_t col, uint32_t row);

/* Clears the screen and puts the cursor top left. */
void fbcon_clear(struct fbcon *c);

/* Writes n bytes (rules above). Never writes outside the framebuffer. */
void fbcon_write(struct fbcon *c, const char *s, size_t n);

/* The pixel value of an 8-bit-per-channel colour in c's format. */
uint32_t fbcon_pixel(const struct fbcon *c, uint8_t r, uint8_t g, uint8_t b);

#endif
