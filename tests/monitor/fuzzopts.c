/*
 * The fuzzer's options, `ufuzz=OPTS` on the test image's command line
 * (fuzz.h): a seed, calls=N, kernel or kernel=CORE, separated by commas.
 */
#include <string.h>
#include "tests/monitor/fuzz.h"
#include "tests/monitor/mtest.h"

/* A number, decimal or 0x hex, all of s[0..n) and at most `max`. */
static bool parse_number(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	unsigned base = n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 16 : 10;
	uint64_t v = 0;
	size_t i = base == 16 ? 2 : 0;

	if (i == n)
		return false;
	for (; i < n; i++) {
		char c = s[i];
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') :
			     base == 16 && c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) :
			     base == 16 && c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 99;
		if (d >= base || v > (max - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

const char *fuzz_opts_parse(const char *value, struct fuzz_opts *o)
{
	*o = (struct fuzz_opts){ .calls = FUZZ_CALLS_DEFAULT, .kernel_core = FUZZ_LAST_CORE };
	for (const char *p = value; *p; ) {
		const char *w = p;
		while (*p && *p != ',')
			p++;
		size_t n = (size_t)(p - w);
		uint64_t v;
		if (*p)
			p++;
		if (n > 6 && strncmp(w, "calls=", 6) == 0) {
			if (!parse_number(w + 6, n - 6, FUZZ_CALLS_MAX, &v) || v == 0)
				return "calls= wants a number from 1 to 1000000000";
			o->calls = (unsigned)v;
		} else if (n == 6 && strncmp(w, "kernel", 6) == 0) {
			o->kernel = true;
		} else if (n > 7 && strncmp(w, "kernel=", 7) == 0) {
			if (!parse_number(w + 7, n - 7, MAX_MESH_CORES, &v) || v == 0)
				return "kernel= wants a core other than 0, whose loss is acceptable";
			o->kernel = true;
			o->kernel_core = (unsigned)v;
		} else if (n && parse_number(w, n, UINT64_MAX, &v) && !o->seeded) {
			o->seed = v;
			o->seeded = true;
		} else {
			return "each option is a seed (decimal or 0x hex, once), calls=N, kernel or kernel=CORE";
		}
	}
	return NULL;
}
