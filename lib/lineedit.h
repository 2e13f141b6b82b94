/*
 * Line editing for a serial console (lib/lineedit.c): the part of a shell
 * that turns keystrokes into lines, and lines into words and numbers.
 * It makes no system calls and keeps no global state, so the shell
 * (usr/shell) links it and the host tests (tests/host/test_lineedit.c)
 * drive it byte by byte under the sanitizers.
 *
 * The editor is fed one byte at a time. It answers what happened and
 * leaves in le->echo the bytes to print back, because a serial terminal
 * does not echo what is typed: the program it talks to does.
 *
 *	printable 0x20..0x7E	appended and echoed; on a full line it is not
 *				held, BEL is echoed and the line is too long
 *				(below)
 *	0x7F or 0x08		erase one character: "\b \b" (nothing if empty);
 *				on a line that is too long, first the bytes
 *				not held, one each (nothing to echo)
 *	Ctrl-U (0x15)		erase the whole line: "\b \b" per character
 *	CR or LF		the line is complete: "\n"; the LF of a CR LF
 *				pair is swallowed, not a second, empty line.
 *				A line too long is refused whole
 *				(LINEEDIT_TOO_LONG), never cut: the echo says
 *				so (LINEEDIT_TOO_LONG_FMT)
 *	Ctrl-C (0x03)		abandon the line: "^C\n"
 *	ESC sequences		ignored whole: ESC [ params final (the arrow
 *				keys, Home, Delete: ESC [ A, ESC [ 3 ~), ESC O x,
 *				ESC x; a control byte inside one ends it and
 *				counts as itself
 *	anything else		ignored: other control bytes, bytes >= 0x80
 */
#ifndef LIB_LINEEDIT_H
#define LIB_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kpi/errors.h>

#define LINEEDIT_SIZE		128	/* bytes of a line, its NUL included */
/* The longest echo: Ctrl-U on a full line, three bytes per character
 * (the line-too-long message is shorter). */
#define LINEEDIT_ECHO_MAX	(3 * (LINEEDIT_SIZE - 1))


enum lineedit_event {
	LINEEDIT_NONE,		/* keep feeding */
	LINEEDIT_LINE,		/* le->line holds a complete line (without CR/LF) */
	LINEEDIT_CANCEL,	/* Ctrl-C: the line was abandoned */
	LINEEDIT_TOO_LONG,	/* a line longer than LINEEDIT_SIZE - 1 ended: it
				 * is refused whole, and le->line is empty */
};

/* What the echo says after the "\n" of a line that was too long: the
 * characters typed and the most a line holds. A line that was cut would
 * run something else than what was typed ("kill 1:10" as "kill 1:1"),
 * so nothing of it runs. */
#define LINEEDIT_TOO_LONG_FMT	"line too long: %zu characters, at most %u; nothing run\n"

/* One line being edited. le->line is NUL-terminated at all times; after
 * LINEEDIT_LINE it stays valid until the next lineedit_feed, which starts
 * a new line. le->echo is what the last feed asks to print (NUL-terminated,
 * echo_len bytes; empty when nothing is to be printed). */
struct lineedit {
	char line[LINEEDIT_SIZE];
	size_t len;
	size_t lost;			/* typed past a full line, not held */
	bool done;			/* the last feed ended a line */
	bool after_cr;			/* the last byte was CR: swallow one LF */
	uint8_t esc;			/* inside an escape sequence: how far */
	char echo[LINEEDIT_ECHO_MAX + 1];
	size_t echo_len;
};

void lineedit_init(struct lineedit *le);
enum lineedit_event lineedit_feed(struct lineedit *le, uint8_t c);

/* Splits `line` in place into words separated by spaces and tabs: words[i]
 * points into line, each NUL-terminated, *n their number (0 for a blank
 * line). More than `max` words is ERR_TOO_MANY (then *n is 0): a command
 * with an extra argument must be refused, not silently shortened. */
err_t lineedit_split(char *line, char **words, unsigned max, unsigned *n);

/* Parses an unsigned number: decimal ("42"), or hex after 0x or 0X
 * ("0x2a"). Strict: no sign, no blanks, no empty string, no digits-less
 * "0x", no trailing characters, and nothing above UINT64_MAX; all of those
 * are ERR_INVALID_ARG and leave *out untouched. */
err_t lineedit_parse_u64(const char *s, uint64_t *out);

#endif
