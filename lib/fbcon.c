/*
 * A framebuffer text console (rules in fbcon.h). fbcon_init checks the
 * geometry once, with every product computed in 64 bits from values
 * bounded by FBCON_MAX_PIXELS, so that afterwards a cell's pixels are
 * inside the buffer by construction: cell (col, row) spans pixels
 * [col*8, col*8+8) x [row*h, row*h+h), and cols*8 <= width, rows*h <=
 * height, and pitch * (height - 1) + width * bytes-per-pixel <= fb_size.
 */
#include "lib/fbcon.h"
#include "lib/string.h"

#define ESC	0x1B
#define TAB_STOP 8

/* Where in an escape sequence the console is (c->esc). */
enum { ESC_NONE, ESC_START, ESC_CSI };

static bool field_ok(uint8_t pos, uint8_t size, uint8_t bpp)
{
	return size >= 1 && size <= 8 && pos + size <= bpp;
}

uint32_t fbcon_pixel(const struct fbcon *c, uint8_t r, uint8_t g, uint8_t b)
{
	const struct fbcon_geom *x = &c->g;

	/* The top bits of each 8-bit channel, as many as the field holds. */
	return ((uint32_t)(r >> (8 - x->red_size)) << x->red_pos) |
	       ((uint32_t)(g >> (8 - x->green_size)) << x->green_pos) |
	       ((uint32_t)(b >> (8 - x->blue_size)) << x->blue_pos);
}

static void put_pixel(struct fbcon *c, uint8_t *p, uint32_t v)
{
	/* Little-endian bytes: the pixel's bit 0 is in its first byte. */
	if (c->g.bpp == 32 && ((uintptr_t)p & 3) == 0) {
		*(volatile uint32_t *)p = v;
		return;
	}
	for (unsigned i = 0; i < c->g.bpp / 8u; i++)
		((volatile uint8_t *)p)[i] = (uint8_t)(v >> (8 * i));
}

static void draw_cell(struct fbcon *c, uint32_t col, uint32_t row, uint8_t ch)
{
	const struct fbcon_font *f = c->font;
	unsigned bytes = c->g.bpp / 8u;
	const uint8_t *glyph = NULL;

	if (ch >= f->first && ch - f->first < f->count)
		glyph = f->glyphs + (size_t)(ch - f->first) * f->height;
	for (unsigned y = 0; y < f->height; y++) {
		uint8_t bits = glyph ? glyph[y] : 0;
		uint8_t *p = c->fb + ((uint64_t)row * f->height + y) * c->g.pitch +
			     (uint64_t)col * f->width * bytes;
		for (unsigned x = 0; x < f->width; x++, p += bytes)
			put_pixel(c, p, (bits & (0x80u >> x)) ? c->fg : c->bg);
	}
}

static void set_cell(struct fbcon *c, uint32_t col, uint32_t row, uint8_t ch)
{
	uint8_t *cell = &c->cells[(size_t)row * c->cols + col];

	if (*cell == ch)
		return;
	*cell = ch;
	draw_cell(c, col, row, ch);
}

/* Moves the text up one line: each cell takes the character of the cell
 * below, drawn only where it differs; the last line is cleared. */
static void scroll(struct fbcon *c)
{
	for (uint32_t r = 0; r + 1 < c->rows; r++)
		for (uint32_t x = 0; x < c->cols; x++)
			set_cell(c, x, r, c->cells[(size_t)(r + 1) * c->cols + x]);
	for (uint32_t x = 0; x < c->cols; x++)
		set_cell(c, x, c->rows - 1, ' ');
	c->scrolls++;
}

static void newline(struct fbcon *c)
{
	c->col = 0;
	if (c->row + 1 < c->rows)
		c->row++;
	else
		scroll(c);
}

static void put_char(struct fbcon *c, uint8_t ch)
{
	if (c->col >= c->cols)
		newline(c);
	set_cell(c, c->col, c->row, ch);
	c->col++;
}

/* Checks the geometry (fbcon.h) and sets c up on it, drawing nothing. */
static err_t setup(struct fbcon *c, void *fb, uint64_t fb_size, const struct fbcon_geom *g,
		   const struct fbcon_font *f, uint8_t *cells, size_t ncells)
{
	uint64_t bytes = g->bpp / 8u;

	if (!fb || !cells || !f || !f->glyphs || f->width != 8 || f->height == 0 ||
	    f->count == 0 || f->first + f->count > 256)
		return ERR_INVALID_ARG;
	if (g->width == 0 || g->height == 0 || g->width > FBCON_MAX_PIXELS ||
	    g->height > FBCON_MAX_PIXELS || (g->bpp != 24 && g->bpp != 32))
		return ERR_INVALID_ARG;
	if ((uint64_t)g->pitch < g->width * bytes ||
	    (uint64_t)g->pitch * (g->height - 1) + g->width * bytes > fb_size)
		return ERR_INVALID_ARG;
	if (!field_ok(g->red_pos, g->red_size, g->bpp) || !field_ok(g->green_pos, g->green_size, g->bpp) ||
	    !field_ok(g->blue_pos, g->blue_size, g->bpp))
		return ERR_INVALID_ARG;
	if (g->width < f->width || g->height < f->height)
		return ERR_INVALID_ARG;

	uint32_t cols = g->width / f->width, rows = g->height / f->height;
	if (ncells < cols)
		return ERR_INVALID_ARG;
	if ((uint64_t)cols * rows > ncells)
		rows = (uint32_t)(ncells / cols);

	memset(c, 0, sizeof(*c));
	c->fb = fb;
	c->fb_size = fb_size;
	c->g = *g;
	c->font = f;
	c->cells = cells;
	c->cols = cols;
	c->rows = rows;
	c->fg = fbcon_pixel(c, 0xAA, 0xAA, 0xAA);	/* the PC console's grey on black */
	c->bg = fbcon_pixel(c, 0, 0, 0);
	return OK;
}

void fbcon_clear(struct fbcon *c)
{
	uint64_t bytes = c->g.bpp / 8u;

	/* The whole screen (the loader's picture may be on it), then the
	 * cells are known to be blank. */
	for (uint32_t y = 0; y < c->g.height; y++)
		for (uint32_t x = 0; x < c->g.width; x++)
			put_pixel(c, c->fb + (uint64_t)y * c->g.pitch + x * bytes, c->bg);
	memset(c->cells, ' ', (size_t)c->cols * c->rows);
	c->col = c->row = 0;
	c->esc = ESC_NONE;
}

err_t fbcon_init(struct fbcon *c, void *fb, uint64_t fb_size, const struct fbcon_geom *g,
		 const struct fbcon_font *f, uint8_t *cells, size_t ncells)
{
	err_t err = setup(c, fb, fb_size, g, f, cells, ncells);

	if (!err)
		fbcon_clear(c);
	return err;
}

err_t fbcon_adopt(struct fbcon *c, void *fb, uint64_t fb_size, const struct fbcon_geom *g,
		  const struct fbcon_font *f, uint8_t *cells, size_t ncells, uint32_t cols,
		  uint32_t rows, uint32_t col, uint32_t row)
{
	struct fbcon t;
	err_t err = setup(&t, fb, fb_size, g, f, cells, ncells);

	if (err)
		return err;
	/* The grid must be the one the text was laid out on, and the
	 * cursor on it (one past the last column: the next byte wraps). */
	if (t.cols != cols || t.rows != rows || col > cols || row >= rows)
		return ERR_INVALID_ARG;
	t.col = col;
	t.row = row;
	*c = t;
	return OK;
}

void fbcon_write(struct fbcon *c, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t ch = (uint8_t)s[i];

		if (c->esc == ESC_START) {
			c->esc = ch == '[' ? ESC_CSI : ESC_NONE;
			continue;
		}
		if (c->esc == ESC_CSI) {
			/* Parameters and intermediates run to a final byte
			 * 0x40..0x7E; a control byte ends the sequence and
			 * counts as itself. */
			if (ch >= 0x40 && ch <= 0x7E) {
				c->esc = ESC_NONE;
				continue;
			}
			if (ch >= 0x20)
				continue;
			c->esc = ESC_NONE;
		}
		switch (ch) {
		case '\n':
			newline(c);
			break;
		case '\r':
			c->col = 0;
			break;
		case '\b':
			if (c->col > 0)
				c->col--;
			break;
		case '\t':
			if (c->col >= c->cols)
				newline(c);
			c->col = (c->col / TAB_STOP + 1) * TAB_STOP;
			if (c->col > c->cols)
				c->col = c->cols;
			break;
		case ESC:
			c->esc = ESC_START;
			break;
		default:
			if (ch >= 0x20 && ch < 0x7F)
				put_char(c, ch);
			else if (ch >= 0x80)
				put_char(c, '?');
			break;
		}
	}
}
