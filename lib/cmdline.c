/*
 * The command line's words (rules in cmdline.h): one scan, word by word,
 * that compares each with the key and measures its value before it
 * copies anything.
 */
#include "lib/cmdline.h"
#include "lib/string.h"

err_t cmdline_find(const char *cmdline, const char *key, char *buf, size_t size)
{
	size_t k = strlen(key);

	if (buf && size)
		buf[0] = '\0';
	for (const char *p = cmdline; *p; ) {
		while (*p == ' ')
			p++;
		const char *w = p;
		while (*p && *p != ' ')
			p++;
		/* The key must fit in this word: one with a space would
		 * otherwise match across two. */
		if (k == 0 || (size_t)(p - w) < k || strncmp(w, key, k) != 0 ||
		    (w[k] != '=' && w + k != p))
			continue;
		const char *v = w[k] == '=' ? w + k + 1 : w + k;
		size_t n = (size_t)(p - v);
		if (!buf)
			return OK;
		if (n >= size)
			return ERR_TRUNCATED;	/* refused, not cut */
		memcpy(buf, v, n);
		buf[n] = '\0';
		return OK;
	}
	return ERR_NOT_FOUND;
}

bool cmdline_has(const char *cmdline, const char *key)
{
	return cmdline_find(cmdline, key, NULL, 0) == OK;
}
