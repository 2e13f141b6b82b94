/*
 * libFuzzer target for cmdline_find(): the input is a buffer size (its
 * first byte), a key (up to the first NUL) and a command line (the rest,
 * up to KERNEL_CMDLINE_MAX - 1 bytes). Checked against a plain reference
 * scan of the words: OK only for a word that is the key or starts with
 * "key=", with exactly its value in the buffer, which fits; ERR_TRUNCATED
 * only for a value that does not fit, leaving ""; ERR_NOT_FOUND only when
 * no word matches. So nothing is ever cut.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <kpi/caps.h>
#include "lib/cmdline.h"

/* The reference: the first matching word's value and its length. */
static const char *reference(const char *line, const char *key, size_t *n)
{
	size_t k = strlen(key);

	for (const char *p = line; *p; ) {
		size_t len = strcspn(p, " ");
		if (k && len >= k && !strncmp(p, key, k) && (len == k || p[k] == '=')) {
			*n = len == k ? 0 : len - k - 1;
			return len == k ? p + k : p + k + 1;
		}
		p += len;
		p += strspn(p, " ");
	}
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char line[KERNEL_CMDLINE_MAX], key[KERNEL_CMDLINE_MAX], buf[300];
	const uint8_t *nul;
	size_t bufsize, klen, n;

	if (size < 1)
		return 0;
	bufsize = data[0];
	data++, size--;
	nul = memchr(data, 0, size);
	klen = nul ? (size_t)(nul - data) : size;
	if (klen >= sizeof(key))
		return 0;
	memcpy(key, data, klen);
	key[klen] = '\0';
	data += klen + (nul != NULL);
	size -= klen + (nul != NULL);
	if (size >= sizeof(line))
		size = sizeof(line) - 1;
	memcpy(line, data, size);
	line[size] = '\0';		/* an early NUL ends the line, as in C */
	memset(buf, '#', sizeof(buf));

	const char *v = reference(line, key, &n);
	err_t err = cmdline_find(line, key, buf, bufsize);
	if (!v) {
		if (err != ERR_NOT_FOUND)
			__builtin_trap();
	} else if (n < bufsize) {
		if (err != OK || memcmp(buf, v, n) || buf[n] != '\0')
			__builtin_trap();
	} else if (err != ERR_TRUNCATED || (bufsize && buf[0] != '\0')) {
		__builtin_trap();
	}
	for (size_t i = bufsize ? (err == OK ? n + 1 : 1) : 0; i < sizeof(buf); i++)
		if (buf[i] != '#')
			__builtin_trap();	/* nothing written past what it gave */
	if (cmdline_has(line, key) != (v != NULL))
		__builtin_trap();
	return 0;
}
