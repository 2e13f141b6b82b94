/*
 * Line editing (rules in lineedit.h). The editor is a small state machine
 * over one struct: the line so far, whether the last byte was CR (so that
 * the LF of a CR LF pair is swallowed), how far into an escape sequence
 * it is (so that an arrow key adds nothing) and whether the last byte
 * ended a line (so that the next one starts afresh). Every byte is either acted
 * on completely or ignored; the line never holds more than
 * LINEEDIT_SIZE - 1 characters and is always NUL-terminated.
 *
 * What is typed past a full line is not held, but it is counted (le->lost):
 * the line the user typed is longer than the editor can hold, so at its
 * end it is refused whole. Running the part that fit would run something
 * that was not typed: "kill 1:10" after 119 spaces would kill 1:1.
 * Backspace takes back a byte that was not held before one that was, so
 * the count stays the length of what was typed, and a line erased back
 * under the limit is a good line again.
 *
 * The word splitter and the number parser are strict for the same reason
 * the editor never truncates: a shell that quietly drops an argument or
 * reads "12x" as 12 does something the user did not ask for.
 */
#include "lib/fmt.h"
#include "lib/lineedit.h"
#include "lib/string.h"

#define CTRL_C		0x03
#define BACKSPACE	0x08
#define CTRL_U		0x15
#define ESC		0x1B
#define DEL		0x7F

/* Where in an escape sequence the editor is (le->esc). */
enum { ESC_NONE, ESC_START, ESC_CSI };

void lineedit_init(struct lineedit *le)
{
	memset(le, 0, sizeof(*le));
}

static void echo(struct lineedit *le, const char *s)
{
	size_t n = strlen(s);

	/* Cannot overflow: one feed echoes at most LINEEDIT_ECHO_MAX bytes. */
	memcpy(le->echo + le->echo_len, s, n);
	le->echo_len += n;
	le->echo[le->echo_len] = '\0';
}

static void erase_one(struct lineedit *le)
{
	if (le->lost) {
		le->lost--;			/* never shown: nothing to erase */
		return;
	}
	if (le->len == 0)
		return;
	le->line[--le->len] = '\0';
	echo(le, "\b \b");
}

static void append(struct lineedit *le, char c)
{
	const char s[2] = { c, '\0' };

	if (le->len == LINEEDIT_SIZE - 1) {
		le->lost++;			/* full: say so; refused at its end */
		echo(le, "\a");
		return;
	}
	le->line[le->len++] = c;
	le->line[le->len] = '\0';
	echo(le, s);
}

/* The end of a line that was too long: it is refused whole. */
static enum lineedit_event too_long(struct lineedit *le)
{
	int n = fmt_snprintf(le->echo + le->echo_len, sizeof(le->echo) - le->echo_len,
			     LINEEDIT_TOO_LONG_FMT, le->len + le->lost, LINEEDIT_SIZE - 1);

	le->echo_len += (size_t)n;	/* fits: the message is short (lineedit.h) */
	le->len = 0;
	le->lost = 0;
	le->line[0] = '\0';
	return LINEEDIT_TOO_LONG;
}

/* Swallows printable bytes of an escape sequence: after ESC, one byte
 * ends it unless it is '[' or 'O', which introduce a sequence that a
 * byte in 0x40..0x7E ends (CSI parameters, 0x20..0x3F, go on). A
 * terminal sends these for keys the editor has no use for; appending
 * them would put "[A" into the line for an arrow key. */
static bool in_escape(struct lineedit *le, uint8_t c)
{
	if (c == ESC) {
		le->esc = ESC_START;
		return true;
	}
	if (le->esc == ESC_NONE)
		return false;
	if (c < 0x20 || c > 0x7E) {
		le->esc = ESC_NONE;		/* a control byte counts as itself */
		return false;
	}
	if (le->esc == ESC_START && (c == '[' || c == 'O'))
		le->esc = ESC_CSI;
	else if (le->esc == ESC_START || c >= 0x40)
		le->esc = ESC_NONE;		/* the final byte */
	return true;
}

enum lineedit_event lineedit_feed(struct lineedit *le, uint8_t c)
{
	bool after_cr = le->after_cr;

	le->echo[0] = '\0';
	le->echo_len = 0;
	le->after_cr = false;
	if (le->done) {				/* the previous line was taken */
		le->done = false;
		le->len = 0;
		le->line[0] = '\0';
	}
	if (in_escape(le, c))
		return LINEEDIT_NONE;
	if (c >= 0x20 && c <= 0x7E) {
		append(le, (char)c);
		return LINEEDIT_NONE;
	}
	switch (c) {
	case '\n':
		if (after_cr)
			return LINEEDIT_NONE;	/* the LF of CR LF */
		/* fall through */
	case '\r':
		le->after_cr = c == '\r';
		le->done = true;
		echo(le, "\n");
		return le->lost ? too_long(le) : LINEEDIT_LINE;
	case DEL:
	case BACKSPACE:
		erase_one(le);
		return LINEEDIT_NONE;
	case CTRL_U:
		le->lost = 0;
		while (le->len)
			erase_one(le);
		return LINEEDIT_NONE;
	case CTRL_C:
		le->len = 0;
		le->lost = 0;
		le->line[0] = '\0';
		echo(le, "^C\n");
		return LINEEDIT_CANCEL;
	default:
		return LINEEDIT_NONE;		/* other control bytes, >= 0x80 */
	}
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

err_t lineedit_split(char *line, char **words, unsigned max, unsigned *n)
{
	unsigned count = 0;
	char *p = line;

	*n = 0;
	for (;;) {
		while (is_blank(*p))
			*p++ = '\0';
		if (*p == '\0')
			break;
		if (count == max)
			return ERR_TOO_MANY;
		words[count++] = p;
		while (*p && !is_blank(*p))
			p++;
	}
	*n = count;
	return OK;
}

/* The value of hex or decimal digit c, or -1 if it is not one in `base`. */
static int digit(char c, unsigned base)
{
	int d;

	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'f')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		d = c - 'A' + 10;
	else
		return -1;
	return (unsigned)d < base ? d : -1;
}

err_t lineedit_parse_u64(const char *s, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (*s == '\0')
		return ERR_INVALID_ARG;		/* "" or "0x" */
	for (; *s; s++) {
		int d = digit(*s, base);
		if (d < 0)
			return ERR_INVALID_ARG;	/* trailing garbage */
		if (v > (UINT64_MAX - (unsigned)d) / base)
			return ERR_INVALID_ARG;	/* too large */
		v = v * base + (unsigned)d;
	}
	*out = v;
	return OK;
}
