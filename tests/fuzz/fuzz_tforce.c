/*
 * libFuzzer target for lib/tforce.c. The first byte picks the machine's
 * core count (1..64); the rest is read three ways:
 *  - as CORES: an accepted set is not empty and names only cores below
 *    the count, and the same set written back as a list parses to itself;
 *    a refused one always says why;
 *  - as the words of `tf run` (split at spaces): an accepted one has
 *    names that pack into a request that unpacks to the same force, or a
 *    placement (spread:N, packed:N) of a count that can be placed, which
 *    is then placed on a machine made of the input's bytes: the answer
 *    has that many present cores, and a spread one as many nodes as it
 *    can; a refusal always says why;
 *  - as a request of four words from a process: one accepted packs back
 *    to exactly those words (nothing in it was ignored).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "lib/tforce.h"

/* A machine made from the input's bytes (present cores, nodes, caches),
 * placed on: an answer has `want` present cores; a spread one uses as
 * many nodes as it can. */
static void place_check(const uint8_t *data, size_t size, enum tf_place place, unsigned want)
{
	struct tf_topo t = { .ncores = 64 };
	char why[128] = "";
	uint64_t out;

	for (size_t i = 0; i < size && i < 64; i++) {
		t.present |= (uint64_t)(data[i] & 1) << i;
		t.node[i] = data[i] >> 5;
		t.llc[i] = data[i] & 2 ? 0xFull << (i & ~3u) : 0;
	}
	if (tf_place_cores(place, want, &t, &out, why, sizeof(why)) != OK) {
		if (why[0] == '\0' || tf_count(t.present) >= want)
			__builtin_trap();	/* refused without a reason, or wrongly */
		return;
	}
	if (tf_count(out) != want || (out & ~t.present))
		__builtin_trap();
	if (place == TF_PLACE_SPREAD) {
		unsigned nodes = 0, used = 0;
		for (unsigned node = 0; node < 8; node++) {
			uint64_t in = 0;
			for (unsigned c = 0; c < 64; c++)
				if ((t.present >> c & 1) && t.node[c] == node)
					in |= 1ull << c;
			nodes += in != 0;
			used += (in & out) != 0;
		}
		if (used != (want < nodes ? want : nodes))
			__builtin_trap();
	}
}

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
	err_t perr = tf_parse_run(n, words, ncores, &r, why, sizeof(why));
	if (perr == OK && r.place != TF_PLACE_GIVEN) {
		/* Left for the SKB: a count that can be placed, no cores yet. */
		if (r.cores != 0 || r.want == 0 || r.want > TF_MAX_MEMBERS || r.want > ncores)
			__builtin_trap();
		place_check(data, size, r.place, r.want);
	} else if (perr == OK) {
		tf_pack_run(&r, w);
		if (tf_unpack_run(w, &back) != OK || strcmp(back.name, r.name) ||
		    strcmp(back.prog, r.prog) || back.arg != r.arg || back.cores != r.cores ||
		    back.hb_s != r.hb_s || r.hb_s > TF_HB_MAX_S ||
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
