/*
 * libFuzzer target for lib/tforce.c. The first byte picks the machine's
 * core count (1..64); the rest is read three ways:
 *  - as CORES: an accepted set is not empty and names only cores below
 *    the count, and the same set written back as a list parses to itself;
 *    a refused one always says why;
 *  - as the words of `tf run` (split at spaces): an accepted one has
 *    names that pack into a request that unpacks to the same force;
 *  - as a request of four words from a process: one accepted packs back
 *    to exactly those words (nothing in it was ignored).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "lib/tforce.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[256], again[512], why[128];
	static char *words[8];
	struct tf_run r, back;
	uint64_t set, set2, w[4] = { 0 }, w2[4];
	unsigned ncores, n = 0;

	if (size < 1)
		return 0;
	ncores = data[0] % 64 + 1;
	size--;
	data++;
	if (size >= sizeof(text))
		size = sizeof(text) - 1;
	memcpy(text, data, size);
	text[size] = '\0';

	why[0] = '\0';
	if (tf_parse_cores(text, ncores, &set, why, sizeof(why)) == OK) {
		if (set == 0 || (ncores < 64 && (set >> ncores) != 0))
			__builtin_trap();
		size_t len = 0;
		for (unsigned c = 0; c < 64; c++)
			if ((set >> c) & 1)
				len += (size_t)snprintf(again + len, sizeof(again) - len, "%s%u",
							len ? "," : "", c);
		if (tf_parse_cores(again, ncores, &set2, why, sizeof(why)) != OK || set2 != set)
			__builtin_trap();
	} else if (why[0] == '\0') {
		__builtin_trap();
	}

	for (char *p = strtok(text, " "); p && n < 8; p = strtok(NULL, " "))
		words[n++] = p;
	why[0] = '\0';
	if (tf_parse_run(n, words, ncores, &r, why, sizeof(why)) == OK) {
		tf_pack_run(&r, w);
		if (tf_unpack_run(w, &back) != OK || strcmp(back.name, r.name) ||
		    strcmp(back.prog, r.prog) || back.arg != r.arg || back.cores != r.cores ||
		    tf_count(r.cores) > TF_MAX_MEMBERS)
			__builtin_trap();
	} else if (why[0] == '\0') {
		__builtin_trap();
	}

	memcpy(w, data, size < sizeof(w) ? size : sizeof(w));
	if (tf_unpack_run(w, &back) == OK) {
		tf_pack_run(&back, w2);
		if (memcmp(w, w2, sizeof(w)) != 0)
			__builtin_trap();
	}
	return 0;
}
