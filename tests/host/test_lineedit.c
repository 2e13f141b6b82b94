/*
 * Tests for lib/lineedit.c, the shell's line editor, byte by byte: every
 * rule of lineedit.h (printable bytes, a full line rings the bell, and a
 * line longer than it holds is refused whole at its end with a message,
 * never run cut; backspace in both spellings and at an empty line,
 * Ctrl-U, CR, LF, CR LF as one end of line, Ctrl-C, ignored bytes and
 * escape sequences), then
 * the word splitter's limit and the strict number parser's edge cases.
 */
#include <stdint.h>
#include <string.h>
#include "lib/test.h"
#include "lib/lineedit.h"

static struct lineedit le;

/* Feeds every byte of s but the last and checks that none ended a line
 * or cancelled it; returns the last byte's event. */
static enum lineedit_event feed(const char *s)
{
	enum lineedit_event ev = LINEEDIT_NONE;

	for (; *s; s++) {
		ev = lineedit_feed(&le, (uint8_t)*s);
		if (s[1] && ev != LINEEDIT_NONE)
			return (enum lineedit_event)-1;
	}
	return ev;
}

TEST(printable_bytes_are_appended_and_echoed)
{
	lineedit_init(&le);
	CHECK_EQ(lineedit_feed(&le, 'l'), LINEEDIT_NONE);
	CHECK_STR(le.echo, "l");
	CHECK_EQ(le.echo_len, 1);
	CHECK_EQ(feed("s -l ~"), LINEEDIT_NONE);
	CHECK_STR(le.line, "ls -l ~");
	CHECK_EQ(le.len, 7);
	CHECK_STR(le.echo, "~");
	CHECK_EQ(lineedit_feed(&le, ' '), LINEEDIT_NONE);	/* 0x20: first printable */
	CHECK_EQ(lineedit_feed(&le, '~'), LINEEDIT_NONE);	/* 0x7E: last */
	CHECK_STR(le.line, "ls -l ~ ~");
}

TEST(cr_ends_the_line_and_echoes_a_newline)
{
	lineedit_init(&le);
	CHECK_EQ(feed("help\r"), LINEEDIT_LINE);
	CHECK_STR(le.line, "help");
	CHECK_STR(le.echo, "\n");
	CHECK_EQ(lineedit_feed(&le, 'x'), LINEEDIT_NONE);	/* a new line starts */
	CHECK_STR(le.line, "x");
}

TEST(lf_ends_the_line_too)
{
	lineedit_init(&le);
	CHECK_EQ(feed("ps\n"), LINEEDIT_LINE);
	CHECK_STR(le.line, "ps");
	CHECK_STR(le.echo, "\n");
	CHECK_EQ(feed("\n"), LINEEDIT_LINE);			/* LF LF: two lines */
	CHECK_STR(le.line, "");
}

TEST(cr_lf_is_one_end_of_line)
{
	lineedit_init(&le);
	CHECK_EQ(feed("cores\r"), LINEEDIT_LINE);
	CHECK_STR(le.line, "cores");
	CHECK_EQ(lineedit_feed(&le, '\n'), LINEEDIT_NONE);	/* swallowed */
	CHECK_EQ(le.echo_len, 0);
	CHECK_STR(le.line, "");
	CHECK_EQ(lineedit_feed(&le, '\n'), LINEEDIT_LINE);	/* a second LF is a line */
	CHECK_EQ(lineedit_feed(&le, '\r'), LINEEDIT_LINE);	/* CR CR: two lines */
	CHECK_EQ(lineedit_feed(&le, '\r'), LINEEDIT_LINE);
	CHECK_EQ(feed("a\r"), LINEEDIT_LINE);
	CHECK_EQ(lineedit_feed(&le, 'b'), LINEEDIT_NONE);	/* only an LF is swallowed */
	CHECK_STR(le.line, "b");
}

TEST(empty_line_is_a_line)
{
	lineedit_init(&le);
	CHECK_EQ(lineedit_feed(&le, '\r'), LINEEDIT_LINE);
	CHECK_STR(le.line, "");
	CHECK_EQ(le.len, 0);
}

/* Fills the line to the brim with 'a'..'z' and returns it in want. */
static void fill(char want[LINEEDIT_SIZE])
{
	for (unsigned i = 0; i < LINEEDIT_SIZE - 1; i++) {
		want[i] = (char)('a' + i % 26);
		lineedit_feed(&le, (uint8_t)want[i]);
	}
	want[LINEEDIT_SIZE - 1] = '\0';
}

TEST(full_line_rings_the_bell_and_holds_no_more)
{
	char want[LINEEDIT_SIZE];

	lineedit_init(&le);
	fill(want);
	CHECK_EQ(le.len, LINEEDIT_SIZE - 1);
	CHECK_STR(le.line, want);
	CHECK_EQ(lineedit_feed(&le, 'Z'), LINEEDIT_NONE);
	CHECK_STR(le.echo, "\a");
	CHECK_EQ(lineedit_feed(&le, 'Z'), LINEEDIT_NONE);
	CHECK_STR(le.echo, "\a");
	CHECK_EQ(le.len, LINEEDIT_SIZE - 1);
	CHECK_STR(le.line, want);
}

/* The case: 119 spaces and "kill 1:10" are 128 characters, one
 * more than a line holds; run cut, they would kill 1:1. */
TEST(line_too_long_is_refused_whole_not_run_cut)
{
	lineedit_init(&le);
	for (unsigned i = 0; i < 119; i++)
		CHECK_EQ(lineedit_feed(&le, ' '), LINEEDIT_NONE);
	CHECK_EQ(feed("kill 1:1"), LINEEDIT_NONE);
	CHECK_EQ(le.len, LINEEDIT_SIZE - 1);			/* full now */
	CHECK_EQ(lineedit_feed(&le, '0'), LINEEDIT_NONE);
	CHECK_STR(le.echo, "\a");
	CHECK_EQ(lineedit_feed(&le, '\r'), LINEEDIT_TOO_LONG);
	CHECK_STR(le.echo, "\nline too long: 128 characters, at most 127; nothing run\n");
	CHECK_EQ(le.echo_len, strlen(le.echo));
	CHECK_STR(le.line, "");
	CHECK_EQ(le.len, 0);
	CHECK_EQ(lineedit_feed(&le, '\n'), LINEEDIT_NONE);	/* its CR LF's LF */
	CHECK_EQ(feed("ps\r"), LINEEDIT_LINE);			/* the next line is whole */
	CHECK_STR(le.line, "ps");
}

TEST(line_too_long_counts_every_byte_typed)
{
	char want[LINEEDIT_SIZE];

	lineedit_init(&le);
	fill(want);
	for (unsigned i = 0; i < 1000; i++)
		lineedit_feed(&le, 'x');
	CHECK_EQ(feed("\x1b[A"), LINEEDIT_NONE);		/* an arrow key adds nothing */
	CHECK_EQ(lineedit_feed(&le, 0x80), LINEEDIT_NONE);	/* nor an ignored byte */
	CHECK_EQ(lineedit_feed(&le, '\n'), LINEEDIT_TOO_LONG);
	CHECK_STR(le.echo, "\nline too long: 1127 characters, at most 127; nothing run\n");
}

TEST(line_erased_back_under_the_limit_is_whole_again)
{
	char want[LINEEDIT_SIZE];

	lineedit_init(&le);
	fill(want);
	CHECK_EQ(feed("YZ"), LINEEDIT_NONE);			/* two not held */
	CHECK_EQ(lineedit_feed(&le, 0x7F), LINEEDIT_NONE);	/* takes back Z: never shown */
	CHECK_EQ(le.echo_len, 0);
	CHECK_EQ(lineedit_feed(&le, 0x08), LINEEDIT_NONE);	/* and Y */
	CHECK_EQ(le.echo_len, 0);
	CHECK_STR(le.line, want);
	CHECK_EQ(lineedit_feed(&le, 0x7F), LINEEDIT_NONE);	/* now a character held */
	CHECK_STR(le.echo, "\b \b");
	CHECK_EQ(lineedit_feed(&le, '!'), LINEEDIT_NONE);
	CHECK_STR(le.echo, "!");
	CHECK_EQ(lineedit_feed(&le, '\r'), LINEEDIT_LINE);
	want[LINEEDIT_SIZE - 2] = '!';
	CHECK_STR(le.line, want);
}

TEST(ctrl_u_and_ctrl_c_forget_a_line_too_long)
{
	char want[LINEEDIT_SIZE];

	lineedit_init(&le);
	fill(want);
	CHECK_EQ(feed("xyz"), LINEEDIT_NONE);
	CHECK_EQ(lineedit_feed(&le, 0x15), LINEEDIT_NONE);	/* Ctrl-U: all of it */
	CHECK_EQ(feed("ps\r"), LINEEDIT_LINE);
	CHECK_STR(le.line, "ps");
	fill(want);
	CHECK_EQ(feed("xyz"), LINEEDIT_NONE);
	CHECK_EQ(lineedit_feed(&le, 0x03), LINEEDIT_CANCEL);	/* Ctrl-C */
	CHECK_STR(le.echo, "^C\n");
	CHECK_EQ(feed("cores\r"), LINEEDIT_LINE);
	CHECK_STR(le.line, "cores");
}

TEST(line_of_exactly_127_characters_runs)
{
	char want[LINEEDIT_SIZE];

	lineedit_init(&le);
	fill(want);
	CHECK_EQ(lineedit_feed(&le, '\r'), LINEEDIT_LINE);
	CHECK_STR(le.line, want);
}

TEST(backspace_erases_one_character)
{
	lineedit_init(&le);
	CHECK_EQ(feed("pinx"), LINEEDIT_NONE);
	CHECK_EQ(lineedit_feed(&le, 0x7F), LINEEDIT_NONE);	/* DEL, what terminals send */
	CHECK_STR(le.echo, "\b \b");
	CHECK_STR(le.line, "pin");
	CHECK_EQ(lineedit_feed(&le, 0x08), LINEEDIT_NONE);	/* BS, Ctrl-H */
	CHECK_STR(le.echo, "\b \b");
	CHECK_STR(le.line, "pi");
	CHECK_EQ(feed("ng 2\r"), LINEEDIT_LINE);
	CHECK_STR(le.line, "ping 2");
}

TEST(backspace_at_an_empty_line_does_nothing)
{
	lineedit_init(&le);
	CHECK_EQ(lineedit_feed(&le, 0x7F), LINEEDIT_NONE);
	CHECK_EQ(le.echo_len, 0);
	CHECK_STR(le.echo, "");
	CHECK_EQ(lineedit_feed(&le, 0x08), LINEEDIT_NONE);
	CHECK_EQ(le.echo_len, 0);
	CHECK_EQ(feed("a\x7f\x7f"), LINEEDIT_NONE);		/* one erased, then nothing */
	CHECK_EQ(le.echo_len, 0);
	CHECK_EQ(le.len, 0);
}

TEST(ctrl_u_erases_the_whole_line)
{
	lineedit_init(&le);
	CHECK_EQ(feed("abc"), LINEEDIT_NONE);
	CHECK_EQ(lineedit_feed(&le, 0x15), LINEEDIT_NONE);
	CHECK_STR(le.echo, "\b \b\b \b\b \b");
	CHECK_STR(le.line, "");
	CHECK_EQ(le.len, 0);
	CHECK_EQ(lineedit_feed(&le, 0x15), LINEEDIT_NONE);	/* at an empty line */
	CHECK_EQ(le.echo_len, 0);
	CHECK_EQ(feed("ok\r"), LINEEDIT_LINE);
	CHECK_STR(le.line, "ok");
}

TEST(ctrl_u_on_a_full_line_fits_the_echo)
{
	lineedit_init(&le);
	for (unsigned i = 0; i < LINEEDIT_SIZE + 5; i++)
		lineedit_feed(&le, 'x');
	CHECK_EQ(lineedit_feed(&le, 0x15), LINEEDIT_NONE);
	CHECK_EQ(le.echo_len, LINEEDIT_ECHO_MAX);
	CHECK_EQ(strlen(le.echo), LINEEDIT_ECHO_MAX);
	CHECK_EQ(le.len, 0);
}

TEST(ctrl_c_abandons_the_line)
{
	lineedit_init(&le);
	CHECK_EQ(feed("kill 2:0"), LINEEDIT_NONE);
	CHECK_EQ(lineedit_feed(&le, 0x03), LINEEDIT_CANCEL);
	CHECK_STR(le.echo, "^C\n");
	CHECK_STR(le.line, "");
	CHECK_EQ(lineedit_feed(&le, 0x03), LINEEDIT_CANCEL);	/* at an empty line too */
	CHECK_EQ(feed("ps\r"), LINEEDIT_LINE);
	CHECK_STR(le.line, "ps");
}

TEST(other_control_bytes_and_high_bytes_are_ignored)
{
	static const uint8_t ignored[] = { 0x00, 0x01, 0x02, 0x04, 0x07, 0x09, 0x0B, 0x0C,
					   0x1B, 0x1F, 0x80, 0x9B, 0xC3, 0xFF };

	lineedit_init(&le);
	CHECK_EQ(feed("ab"), LINEEDIT_NONE);
	for (unsigned i = 0; i < sizeof(ignored); i++) {
		CHECK_EQ(lineedit_feed(&le, ignored[i]), LINEEDIT_NONE);
		CHECK_EQ(le.echo_len, 0);
	}
	CHECK_STR(le.line, "ab");
	CHECK_EQ(le.len, 2);
}

TEST(ignored_byte_between_cr_and_lf_ends_the_swallowing)
{
	lineedit_init(&le);
	CHECK_EQ(feed("a\r"), LINEEDIT_LINE);
	CHECK_EQ(lineedit_feed(&le, 0x80), LINEEDIT_NONE);
	CHECK_EQ(lineedit_feed(&le, '\n'), LINEEDIT_LINE);	/* not part of CR LF */
	CHECK_STR(le.line, "");
}

TEST(escape_sequences_are_ignored_whole)
{
	lineedit_init(&le);
	CHECK_EQ(feed("ab"), LINEEDIT_NONE);
	CHECK_EQ(feed("\x1b[A"), LINEEDIT_NONE);		/* up arrow */
	CHECK_EQ(le.echo_len, 0);
	CHECK_EQ(feed("\x1b[D\x1b[3~\x1b[1;5C"), LINEEDIT_NONE);	/* left, Delete, Ctrl-right */
	CHECK_EQ(feed("\x1bOH"), LINEEDIT_NONE);		/* Home, as some terminals send it */
	CHECK_EQ(feed("\x1b" "b"), LINEEDIT_NONE);		/* Alt-b */
	CHECK_EQ(le.echo_len, 0);
	CHECK_STR(le.line, "ab");
	CHECK_EQ(feed("c\r"), LINEEDIT_LINE);			/* after the final byte: normal */
	CHECK_STR(le.line, "abc");
}

TEST(control_byte_inside_an_escape_sequence_counts_as_itself)
{
	lineedit_init(&le);
	CHECK_EQ(feed("ps\x1b["), LINEEDIT_NONE);
	CHECK_EQ(lineedit_feed(&le, '\r'), LINEEDIT_LINE);	/* ends the sequence and the line */
	CHECK_STR(le.line, "ps");
	CHECK_EQ(feed("x\x1b\x7f"), LINEEDIT_NONE);		/* DEL after ESC still erases */
	CHECK_STR(le.line, "");
	CHECK_EQ(feed("\x1b\x1b[Bq"), LINEEDIT_NONE);		/* ESC ESC [ B: one sequence */
	CHECK_STR(le.line, "q");
}

TEST(split_words_on_spaces_and_tabs)
{
	char line[] = "  spawn\tuprog  17 on 2\t ";
	char *w[8];
	unsigned n;

	CHECK_EQ(lineedit_split(line, w, 8, &n), OK);
	CHECK_EQ(n, 5);
	CHECK_STR(w[0], "spawn");
	CHECK_STR(w[1], "uprog");
	CHECK_STR(w[2], "17");
	CHECK_STR(w[3], "on");
	CHECK_STR(w[4], "2");
}

TEST(split_blank_line_gives_no_words)
{
	char empty[] = "", blank[] = " \t  ";
	char *w[2];
	unsigned n = 9;

	CHECK_EQ(lineedit_split(empty, w, 2, &n), OK);
	CHECK_EQ(n, 0);
	n = 9;
	CHECK_EQ(lineedit_split(blank, w, 2, &n), OK);
	CHECK_EQ(n, 0);
}

TEST(split_exactly_max_words_fits)
{
	char line[] = "a b c";
	char *w[3];
	unsigned n;

	CHECK_EQ(lineedit_split(line, w, 3, &n), OK);
	CHECK_EQ(n, 3);
	CHECK_STR(w[2], "c");
}

TEST(split_too_many_words_is_an_error)
{
	char line[] = "a b c d";
	char *w[3];
	unsigned n = 9;

	CHECK_EQ(lineedit_split(line, w, 3, &n), ERR_TOO_MANY);
	CHECK_EQ(n, 0);
	char none[] = "x";
	CHECK_EQ(lineedit_split(none, w, 0, &n), ERR_TOO_MANY);
}

static err_t parse(const char *s, uint64_t *v)
{
	*v = 0xDEAD;
	return lineedit_parse_u64(s, v);
}

TEST(parse_decimal)
{
	uint64_t v;

	CHECK_EQ(parse("0", &v), OK);
	CHECK_EQ(v, 0);
	CHECK_EQ(parse("17", &v), OK);
	CHECK_EQ(v, 17);
	CHECK_EQ(parse("007", &v), OK);				/* decimal, not octal */
	CHECK_EQ(v, 7);
	CHECK_EQ(parse("18446744073709551615", &v), OK);	/* UINT64_MAX */
	CHECK_EQ(v, UINT64_MAX);
}

TEST(parse_hex)
{
	uint64_t v;

	CHECK_EQ(parse("0x1F", &v), OK);
	CHECK_EQ(v, 0x1F);
	CHECK_EQ(parse("0X1f", &v), OK);
	CHECK_EQ(v, 0x1F);
	CHECK_EQ(parse("0x0", &v), OK);
	CHECK_EQ(v, 0);
	CHECK_EQ(parse("0xffffffffffffffff", &v), OK);
	CHECK_EQ(v, UINT64_MAX);
	CHECK_EQ(parse("0x00000000000000000001", &v), OK);	/* leading zeros: no overflow */
	CHECK_EQ(v, 1);
}

TEST(parse_rejects_overflow)
{
	uint64_t v;

	CHECK_EQ(parse("18446744073709551616", &v), ERR_INVALID_ARG);	/* UINT64_MAX + 1 */
	CHECK_EQ(v, 0xDEAD);
	CHECK_EQ(parse("99999999999999999999", &v), ERR_INVALID_ARG);
	CHECK_EQ(parse("0x10000000000000000", &v), ERR_INVALID_ARG);
	CHECK_EQ(v, 0xDEAD);
}

TEST(parse_rejects_empty_and_garbage)
{
	static const char *const bad[] = { "", "0x", "0X", "12x", "x12", "-1", "+1", " 1", "1 ",
					   "0x1g", "1.5", "0xx1", "abc", "0b101", "1:2" };
	uint64_t v;

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i], &v) != ERR_INVALID_ARG || v != 0xDEAD)
			FAIL("\"%s\" was accepted", bad[i]);
	}
}
