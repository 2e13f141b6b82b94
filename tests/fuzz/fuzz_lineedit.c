/*
 * libFuzzer target for lib/lineedit.c: the input is what is typed at the
 * console, byte by byte. After every byte the line must be NUL-terminated
 * at its length, shorter than LINEEDIT_SIZE and hold only printable bytes,
 * and the echo must fit and be NUL-terminated at its length. Every
 * finished line is split into words and each word parsed as a number, as
 * the shell does; a word the parser accepts must print back to itself
 * (leading zeros and 0X aside), so no digit is skipped or invented.
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lineedit le;

	lineedit_init(&le);
	for (size_t i = 0; i < size; i++) {
		enum lineedit_event ev = lineedit_feed(&le, data[i]);

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
