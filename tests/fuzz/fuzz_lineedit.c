/*
 * libFuzzer target for lib/lineedit.c: the input is what is typed at the
 * console, byte by byte. After every byte the line must be NUL-terminated
 * at its length, shorter than LINEEDIT_SIZE and hold only printable bytes,
 * and the echo must fit and be NUL-terminated at its length. Every
 * finished line is split into words and each word parsed as a number, as
 * the shell does; a word the parser accepts must print back to itself
 * (leading zeros and 0X aside), so no digit is skipped or invented.
 *
 * For input without escape sequences a small model counts the characters
 * of the line as typed (printable bytes in, Backspace and DEL out, Ctrl-U
 * and Ctrl-C clear): a line ends as LINEEDIT_LINE, holding exactly that
 * many characters, when that is at most LINEEDIT_SIZE - 1, and as
 * LINEEDIT_TOO_LONG, with an empty line, when it is more. So no line is
 * ever run cut.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "lib/lineedit.h"

#define MAX_WORDS	8

static void check_number(const char *w)
{
	char again[32];
	uint64_t v;
	bool hex = w[0] == '0' && (w[1] == 'x' || w[1] == 'X');
	const char *digits = hex ? w + 2 : w;

	if (lineedit_parse_u64(w, &v) != OK)
		return;
	while (digits[0] == '0' && digits[1])
		digits++;			/* leading zeros */
	snprintf(again, sizeof(again), hex ? "%llx" : "%llu", (unsigned long long)v);
	if (strcasecmp(again, digits) != 0)
		__builtin_trap();
}

static void check_line(const struct lineedit *le)
{
	char line[LINEEDIT_SIZE], *words[MAX_WORDS];
	unsigned n;

	memcpy(line, le->line, sizeof(line));
	if (lineedit_split(line, words, MAX_WORDS, &n) != OK) {
		if (n != 0)
			__builtin_trap();
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		if (!words[i][0] || strchr(words[i], ' ') || strchr(words[i], '\t'))
			__builtin_trap();
		check_number(words[i]);
	}
}

/* The model's line length after byte c (see the file comment); *ended
 * when c ends a line. after_cr: the last byte was CR. */
static size_t model(size_t typed, uint8_t c, bool *after_cr, bool *ended)
{
	bool cr = *after_cr;

	*after_cr = false;
	*ended = false;
	if (c >= 0x20 && c <= 0x7E)
		return typed + 1;
	if (c == 0x7F || c == 0x08)
		return typed ? typed - 1 : 0;
	if (c == 0x15 || c == 0x03)
		return 0;
	if (c == '\r' || (c == '\n' && !cr)) {
		*after_cr = c == '\r';
		*ended = true;
	}
	return typed;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lineedit le;
	bool modelled = !memchr(data, 0x1B, size), after_cr = false;
	size_t typed = 0;

	lineedit_init(&le);
	for (size_t i = 0; i < size; i++) {
		enum lineedit_event ev = lineedit_feed(&le, data[i]);
		bool ended;

		typed = model(typed, data[i], &after_cr, &ended);
		if (modelled && ended) {
			if (typed < LINEEDIT_SIZE ? ev != LINEEDIT_LINE || le.len != typed
						  : ev != LINEEDIT_TOO_LONG || le.len != 0)
				__builtin_trap();
			typed = 0;
		}
		if (modelled && !ended && (ev == LINEEDIT_LINE || ev == LINEEDIT_TOO_LONG))
			__builtin_trap();

		if (le.len >= LINEEDIT_SIZE || le.line[le.len] != '\0' || strlen(le.line) != le.len)
			__builtin_trap();
		for (size_t j = 0; j < le.len; j++)
			if (le.line[j] < 0x20 || le.line[j] > 0x7E)
				__builtin_trap();
		if (le.echo_len > LINEEDIT_ECHO_MAX || le.echo[le.echo_len] != '\0' ||
		    strlen(le.echo) != le.echo_len)
			__builtin_trap();
		if (ev == LINEEDIT_CANCEL && le.len != 0)
			__builtin_trap();
		if (ev == LINEEDIT_LINE)
			check_line(&le);
	}
	return 0;
}
