/*
 * Task forces' words and requests (lib/tforce.h). Everything a user types
 * or a process sends is checked here before it is used: a force is only
 * started from a request that names valid names and a set of real cores.
 */
#include "lib/tforce.h"
#include "lib/fmt.h"
#include "lib/string.h"

#define say(...)	(fmt_snprintf(why, why_size, __VA_ARGS__), ERR_INVALID_ARG)

/* A decimal number of at most 4 digits from *s, which is moved past it;
 * false if there is none or it runs longer (no core is numbered past 63). */
static bool number(const char **s, unsigned *out)
{
	unsigned v = 0, n = 0;

	while (**s >= '0' && **s <= '9') {
		if (++n > 4)
			return false;
		v = v * 10 + (unsigned)(**s - '0');
		(*s)++;
	}
	*out = v;
	return n > 0;
}

err_t tf_parse_cores(const char *text, unsigned ncores, uint64_t *out, char *why,
		     unsigned why_size)
{
	const char *s = text;
	uint64_t set = 0;

	if (ncores == 0 || ncores > TF_MAX_CORES)
		return say("a machine of %u cores is outside 1..64", ncores);
	if (*s == '\0')
		return say("the set of cores is empty");
	for (;;) {
		unsigned first, last;
		const char *item = s;

		if (*s == ',' || *s == '\0')
			return say("an empty item in the cores '%s'", text);
		if (!number(&s, &first) || (*s != ',' && *s != '-' && *s != '\0'))
			return say("'%s' is not a set of cores (CORE, FIRST-LAST, joined by commas)",
				   text);
		last = first;
		if (*s == '-') {
			s++;
			if (!number(&s, &last) || (*s != ',' && *s != '\0'))
				return say("'%s' is not a set of cores (CORE, FIRST-LAST, joined by commas)",
					   text);
			if (last < first)
				return say("the range %u-%u runs backwards", first, last);
		}
		if (last >= ncores)
			return say("there is no core %u (cores 0..%u)", last, ncores - 1);
		for (unsigned c = first; c <= last; c++) {
			if ((set >> c) & 1)
				return say("core %u is named twice (at '%.*s')", c,
					   (int)(s - item), item);
			set |= 1ull << c;
		}
		if (*s == '\0')
			break;
		s++;	/* the comma */
	}
	*out = set;
	return OK;
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-';
}

err_t tf_check_name(const char *what, const char *text, unsigned max, char *why,
		    unsigned why_size)
{
	size_t n = strnlen(text, max + 1);

	if (n == 0)
		return say("the %s is empty", what);
	if (n > max)
		return say("the %s '%s' is longer than %u characters", what, text, max);
	for (size_t i = 0; i < n; i++)
		if (!name_char(text[i]))
			return say("the %s '%s' has a character other than letters, digits, '_', '.' and '-'",
				   what, text);
	return OK;
}

unsigned tf_count(uint64_t cores)
{
	unsigned n = 0;

	for (; cores; cores &= cores - 1)	/* no libgcc: no __popcountdi2 */
		n++;
	return n;
}

unsigned tf_core_of(uint64_t cores, unsigned rank)
{
	for (unsigned c = 0; c < TF_MAX_CORES; c++)
		if (((cores >> c) & 1) && rank-- == 0)
			return c;
	return TF_MAX_CORES;
}

/* CORES as spread:N or packed:N; anything else is left to
 * tf_parse_cores (place stays GIVEN). */
static err_t tf_parse_place(const char *text, unsigned ncores, struct tf_run *out, char *why,
			    unsigned why_size)
{
	static const struct { const char *prefix; enum tf_place place; } kinds[] = {
		{ "spread:", TF_PLACE_SPREAD }, { "packed:", TF_PLACE_PACKED },
	};

	for (unsigned k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		size_t len = strlen(kinds[k].prefix);
		const char *s = text + len;
		unsigned n;
		if (strncmp(text, kinds[k].prefix, len) != 0)
			continue;
		if (!number(&s, &n) || *s != '\0')
			return say("'%s' wants a number of cores after '%s'", text, kinds[k].prefix);
		if (n == 0 || n > TF_MAX_MEMBERS)
			return say("'%s': a force has 1..%u members", text, TF_MAX_MEMBERS);
		if (n > ncores)
			return say("'%s': the machine has %u core%s", text, ncores,
				   ncores == 1 ? "" : "s");
		out->place = kinds[k].place;
		out->want = n;
		return OK;
	}
	return OK;
}

err_t tf_parse_run(unsigned nwords, char *const *words, unsigned ncores, struct tf_run *out,
		   char *why, unsigned why_size)
{
	unsigned on;
	err_t err;

	out->hb_s = 0;
	if (nwords > 0 && strncmp(words[nwords - 1], "hb=", 3) == 0) {
		const char *s = words[nwords - 1] + 3;
		unsigned v;
		if (!number(&s, &v) || *s != '\0' || v == 0 || v > TF_HB_MAX_S)
			return say("'%s' wants the seconds between a member's beats, 1..%u",
				   words[nwords - 1], TF_HB_MAX_S);
		out->hb_s = v;
		nwords--;
	}
	on = nwords == 4 ? 2 : 3;	/* where "on" must stand */
	if ((nwords == 3 || nwords == 4) && strcmp(words[nwords - 1], "on") == 0)
		return say("nothing after 'on': the set of cores is empty");
	if (nwords != 4 && nwords != 5)
		return say("wants NAME PROG [ARG] on CORES");
	if (strcmp(words[on], "on") != 0)
		return say("wants 'on' before the cores, not '%s'", words[on]);
	if ((err = tf_check_name("name", words[0], TF_NAME_MAX, why, why_size)) ||
	    (err = tf_check_name("program name", words[1], TF_PROG_MAX, why, why_size)))
		return err;
	out->arg = 0;
	if (nwords == 5) {
		const char *s = words[2];
		uint64_t v = 0;
		if (*s == '\0')
			return say("the argument is empty");
		for (; *s; s++) {
			if (*s < '0' || *s > '9')
				return say("the argument '%s' is not a decimal number", words[2]);
			if (v > (TF_ARG_MAX - (unsigned)(*s - '0')) / 10)
				return say("the argument '%s' is above %llu", words[2],
					   (unsigned long long)TF_ARG_MAX);
			v = v * 10 + (unsigned)(*s - '0');
		}
		out->arg = v;
	}
	out->place = TF_PLACE_GIVEN;
	out->want = 0;
	out->cores = 0;
	if ((err = tf_parse_place(words[on + 1], ncores, out, why, why_size)))
		return err;
	if (out->place == TF_PLACE_GIVEN) {
		if ((err = tf_parse_cores(words[on + 1], ncores, &out->cores, why, why_size)))
			return err;
		if (tf_count(out->cores) > TF_MAX_MEMBERS)
			return say("%u cores: a force has at most %u members", tf_count(out->cores),
				   TF_MAX_MEMBERS);
	}
	memcpy(out->name, words[0], strlen(words[0]) + 1);	/* checked to fit */
	memcpy(out->prog, words[1], strlen(words[1]) + 1);
	return OK;
}

uint64_t tf_name_word(const char *name)
{
	uint64_t w = 0;

	for (unsigned i = 0; i < 8 && name[i]; i++)
		w |= (uint64_t)(uint8_t)name[i] << (8 * i);
	return w;
}

err_t tf_word_name(uint64_t w, char out[9])
{
	unsigned n = 0;

	for (unsigned i = 0; i < 8; i++) {
		char c = (char)(w >> (8 * i));
		if (c == '\0')
			break;
		if (!name_char(c))
			return ERR_BAD_MESSAGE;
		out[n++] = c;
	}
	if (n == 0 || (n < 8 && (w >> (8 * n)) != 0))
		return ERR_BAD_MESSAGE;		/* empty, or bytes after the NUL */
	out[n] = '\0';
	return OK;
}

void tf_pack_run(const struct tf_run *r, uint64_t w[4])
{
	w[0] = TF_REQ_RUN | r->arg << 8 | (uint64_t)r->hb_s << 56;
	w[1] = r->cores;
	w[2] = tf_name_word(r->name);
	w[3] = tf_name_word(r->prog);
}

err_t tf_unpack_run(const uint64_t w[4], struct tf_run *out)
{
	err_t err;

	if ((w[0] & 0xFF) != TF_REQ_RUN || w[1] == 0)
		return ERR_BAD_MESSAGE;
	if ((err = tf_word_name(w[2], out->name)) || (err = tf_word_name(w[3], out->prog)))
		return err;
	out->arg = w[0] >> 8 & TF_ARG_MAX;
	out->hb_s = (unsigned)(w[0] >> 56);
	out->cores = w[1];
	return OK;
}
