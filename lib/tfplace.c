/*
 * Placing a task force by the machine's shape (lib/tforce.h,
 * tf_place_cores): StarOS chose a task force's processors by what they
 * share; here the System Knowledge Base's facts (docs/skb.md) choose
 * them, in two ways the issue names: spread over NUMA nodes, so that
 * members use every memory controller, or packed by shared cache, so that
 * they share data cheaply. Pure: the shell asks the SKB and passes what
 * it said, so the host tests (tests/host/test_tforce.c) and the fuzzer
 * give it any machine.
 */
#include "lib/tforce.h"
#include "lib/fmt.h"

#define say(...)	(fmt_snprintf(why, why_size, __VA_ARGS__), ERR_INVALID_ARG)

const char *tf_place_name(enum tf_place place)
{
	return place == TF_PLACE_SPREAD ? "spread" : place == TF_PLACE_PACKED ? "packed" : "given";
}

static uint64_t lowest(uint64_t set)
{
	return set & -set;
}

/* The present cores of `node`. */
static uint64_t node_cores(const struct tf_topo *t, unsigned node)
{
	uint64_t set = 0;

	for (unsigned c = 0; c < t->ncores; c++)
		if ((t->present >> c & 1) && t->node[c] == node)
			set |= 1ull << c;
	return set;
}

static uint64_t spread(const struct tf_topo *t, unsigned want)
{
	uint64_t taken = 0;

	while (tf_count(taken) < want)
		for (unsigned node = 0; node < 256 && tf_count(taken) < want; node++)
			taken |= lowest(node_cores(t, node) & ~taken);
	return taken;
}

/* The free cores that share core c's last-level cache and node (c with
 * them); a core whose cache the SKB does not know stands alone. */
static uint64_t group_of(const struct tf_topo *t, unsigned c, uint64_t taken)
{
	uint64_t llc = t->llc[c] ? t->llc[c] : 1ull << c;

	return llc & node_cores(t, t->node[c]) & ~taken;
}

static uint64_t packed(const struct tf_topo *t, unsigned want)
{
	uint64_t taken = 0;

	while (tf_count(taken) < want) {
		uint64_t best = 0;
		for (unsigned c = 0; c < t->ncores; c++) {
			uint64_t g;
			if (!(t->present >> c & 1) || (taken >> c & 1))
				continue;
			g = group_of(t, c, taken) | 1ull << c;
			if (tf_count(g) > tf_count(best))
				best = g;	/* ties keep the first: the lowest core's */
		}
		while (best && tf_count(taken) < want) {
			taken |= lowest(best);
			best &= best - 1;
		}
	}
	return taken;
}

err_t tf_place_cores(enum tf_place place, unsigned want, const struct tf_topo *t, uint64_t *out,
		     char *why, unsigned why_size)
{
	if (place != TF_PLACE_SPREAD && place != TF_PLACE_PACKED)
		return say("no such placement (%u): spread or packed", (unsigned)place);
	if (want == 0 || want > TF_MAX_MEMBERS)
		return say("%s:%u: a force has 1..%u members", tf_place_name(place), want,
			   TF_MAX_MEMBERS);
	if (t->ncores == 0 || t->ncores > TF_MAX_CORES ||
	    (t->ncores < TF_MAX_CORES && t->present >> t->ncores) || !t->present)
		return say("the SKB's machine of %u cores, present %#llx, does not add up", t->ncores,
			   (unsigned long long)t->present);
	if (want > tf_count(t->present))
		return say("%s:%u: only %u core%s present", tf_place_name(place), want,
			   tf_count(t->present), tf_count(t->present) == 1 ? " is" : "s are");
	*out = place == TF_PLACE_SPREAD ? spread(t, want) : packed(t, want);
	return OK;
}
