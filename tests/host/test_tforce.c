/*
 * Tests for lib/tforce.c: the shell's `tf run` words and CORES sets
 * (ranges, lists, every kind of bad input with the line that says why),
 * and the request to init, whose unpacker refuses what the packer never
 * makes.
 */
#include <string.h>
#include "lib/test.h"
#include "lib/tforce.h"

static char why[128];

static err_t cores(const char *text, unsigned ncores, uint64_t *out)
{
	why[0] = '\0';
	return tf_parse_cores(text, ncores, out, why, sizeof(why));
}

TEST(cores_single_ranges_and_lists)
{
	uint64_t s;

	CHECK_EQ(cores("0", 1, &s), OK);
	CHECK_EQ(s, 1);
	CHECK_EQ(cores("1-3", 4, &s), OK);
	CHECK_EQ(s, 0xE);
	CHECK_EQ(cores("0,2", 4, &s), OK);
	CHECK_EQ(s, 0x5);
	CHECK_EQ(cores("3,0-1", 4, &s), OK);
	CHECK_EQ(s, 0xB);
	CHECK_EQ(cores("2-2", 4, &s), OK);
	CHECK_EQ(s, 0x4);
	CHECK_EQ(cores("0-63", 64, &s), OK);
	CHECK_EQ(s, ~0ull);
	CHECK_EQ(cores("63", 64, &s), OK);
	CHECK_EQ(s, 1ull << 63);
}

TEST(cores_empty_is_refused)
{
	uint64_t s;

	CHECK_EQ(cores("", 4, &s), ERR_INVALID_ARG);
	CHECK_STR(why, "the set of cores is empty");
	CHECK_EQ(cores("1,", 4, &s), ERR_INVALID_ARG);
	CHECK_STR(why, "an empty item in the cores '1,'");
	CHECK_EQ(cores(",1", 4, &s), ERR_INVALID_ARG);
	CHECK_EQ(cores("1,,2", 4, &s), ERR_INVALID_ARG);
}

TEST(cores_out_of_range_is_refused)
{
	uint64_t s;

	CHECK_EQ(cores("4", 4, &s), ERR_INVALID_ARG);
	CHECK_STR(why, "there is no core 4 (cores 0..3)");
	CHECK_EQ(cores("1-9", 4, &s), ERR_INVALID_ARG);
	CHECK_STR(why, "there is no core 9 (cores 0..3)");
	CHECK_EQ(cores("64", 64, &s), ERR_INVALID_ARG);
	CHECK_EQ(cores("99999", 64, &s), ERR_INVALID_ARG);	/* not a wrapped 34463 */
	CHECK_EQ(cores("0", 0, &s), ERR_INVALID_ARG);
	CHECK_EQ(cores("0", 65, &s), ERR_INVALID_ARG);
}

TEST(cores_named_twice_are_refused)
{
	uint64_t s;

	CHECK_EQ(cores("1,1", 4, &s), ERR_INVALID_ARG);
	CHECK_STR(why, "core 1 is named twice (at '1')");
	CHECK_EQ(cores("0-2,2-3", 4, &s), ERR_INVALID_ARG);
	CHECK_STR(why, "core 2 is named twice (at '2-3')");
}

TEST(cores_garbage_and_backwards_ranges_are_refused)
{
	const char *bad[] = { "x", "1-", "-1", "1--2", "1 2", "1,a", "0x1", "+1", "1-2-3", " 1" };
	uint64_t s;

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_EQ(cores(bad[i], 4, &s), ERR_INVALID_ARG);
		CHECK(why[0] != '\0');
	}
	CHECK_EQ(cores("3-1", 4, &s), ERR_INVALID_ARG);
	CHECK_STR(why, "the range 3-1 runs backwards");
}

static err_t run(const char *line, unsigned ncores, struct tf_run *r)
{
	static char buf[128];
	char *words[8];
	unsigned n = 0;

	strcpy(buf, line);
	for (char *p = strtok(buf, " "); p && n < 8; p = strtok(NULL, " "))
		words[n++] = p;
	why[0] = '\0';
	return tf_parse_run(n, words, ncores, r, why, sizeof(why));
}

TEST(run_words_are_read)
{
	struct tf_run r;

	CHECK_EQ(run("sort uprog 42 on 1-3", 4, &r), OK);
	CHECK_STR(r.name, "sort");
	CHECK_STR(r.prog, "uprog");
	CHECK_EQ(r.arg, 42);
	CHECK_EQ(r.cores, 0xE);
	CHECK_EQ(run("abcdefgh tfdemo on 0,2", 4, &r), OK);
	CHECK_STR(r.name, "abcdefgh");
	CHECK_EQ(r.arg, 0);
	CHECK_EQ(r.cores, 0x5);
	CHECK_EQ(run("a uprog 281474976710655 on 0", 1, &r), OK);	/* 2^48 - 1 */
	CHECK_EQ(r.arg, TF_ARG_MAX);
}

TEST(run_bad_words_are_refused_with_reasons)
{
	struct tf_run r;

	CHECK_EQ(run("sort uprog on", 4, &r), ERR_INVALID_ARG);
	CHECK_STR(why, "nothing after 'on': the set of cores is empty");
	CHECK_EQ(run("sort uprog 5 on", 4, &r), ERR_INVALID_ARG);
	CHECK_STR(why, "nothing after 'on': the set of cores is empty");
	CHECK_EQ(run("sort uprog 1-3", 4, &r), ERR_INVALID_ARG);
	CHECK_STR(why, "wants NAME PROG [ARG] on CORES");
	CHECK_EQ(run("sort uprog 4 at 1-3", 4, &r), ERR_INVALID_ARG);
	CHECK_STR(why, "wants 'on' before the cores, not 'at'");
	CHECK_EQ(run("abcdefghi uprog on 1", 4, &r), ERR_INVALID_ARG);
	CHECK_STR(why, "the name 'abcdefghi' is longer than 8 characters");
	CHECK_EQ(run("a/b uprog on 1", 4, &r), ERR_INVALID_ARG);
	CHECK_EQ(run("s averylongprog on 1", 4, &r), ERR_INVALID_ARG);
	CHECK_STR(why, "the program name 'averylongprog' is longer than 8 characters");
	CHECK_EQ(run("s uprog x1 on 1", 4, &r), ERR_INVALID_ARG);
	CHECK_STR(why, "the argument 'x1' is not a decimal number");
	CHECK_EQ(run("s uprog 281474976710656 on 1", 4, &r), ERR_INVALID_ARG);
	CHECK_STR(why, "the argument '281474976710656' is above 281474976710655");
	CHECK_EQ(run("s uprog on 5", 4, &r), ERR_INVALID_ARG);
	CHECK_STR(why, "there is no core 5 (cores 0..3)");
	CHECK_EQ(run("s uprog on 0-16", 32, &r), ERR_INVALID_ARG);
	CHECK_STR(why, "17 cores: a force has at most 16 members");
}

TEST(ranks_and_cores)
{
	CHECK_EQ(TF_ID(TF_MEMBER_ARG(TF_ARG_MAX, 255, TF_HB_MAX_S)), 255);
	CHECK_EQ(TF_USER_ARG(TF_MEMBER_ARG(TF_ARG_MAX, 255, TF_HB_MAX_S)), TF_ARG_MAX);
	CHECK_EQ(TF_HB_S(TF_MEMBER_ARG(TF_ARG_MAX, 255, TF_HB_MAX_S)), TF_HB_MAX_S);
	CHECK_EQ(TF_USER_ARG(TF_MEMBER_ARG(17, 3, 0)), 17);
	CHECK_EQ(TF_ID(TF_MEMBER_ARG(17, 3, 0)), 3);
	CHECK_EQ(TF_HB_S(TF_MEMBER_ARG(17, 3, 0)), 0);
	CHECK_EQ(TF_HB_S(TF_MEMBER_ARG(0, 1, 7)), 7);
	CHECK_EQ(TF_ID(TF_MEMBER_ARG(0, 1, 7)), 1);
	CHECK_EQ(tf_count(0xB), 3);
	CHECK_EQ(tf_core_of(0xB, 0), 0);
	CHECK_EQ(tf_core_of(0xB, 1), 1);
	CHECK_EQ(tf_core_of(0xB, 2), 3);
	CHECK_EQ(tf_core_of(0xB, 3), TF_MAX_CORES);
}

TEST(requests_round_trip_and_garbage_is_refused)
{
	struct tf_run r = { .name = "abcdefgh", .prog = "uprog", .arg = 7, .cores = 0x6 }, back;
	uint64_t w[4];
	char name[9];

	tf_pack_run(&r, w);
	CHECK_EQ(tf_unpack_run(w, &back), OK);
	CHECK_STR(back.name, "abcdefgh");
	CHECK_STR(back.prog, "uprog");
	CHECK_EQ(back.arg, 7);
	CHECK_EQ(back.cores, 0x6);
	w[1] = 0;
	CHECK_EQ(tf_unpack_run(w, &back), ERR_BAD_MESSAGE);	/* no core */
	tf_pack_run(&r, w);
	w[0] = (w[0] & ~0xFFull) | TF_REQ_KILL;
	CHECK_EQ(tf_unpack_run(w, &back), ERR_BAD_MESSAGE);
	CHECK_EQ(tf_word_name(0, name), ERR_BAD_MESSAGE);		/* empty */
	CHECK_EQ(tf_word_name(0x6100, name), ERR_BAD_MESSAGE);	/* a NUL first */
	CHECK_EQ(tf_word_name(0x2061, name), ERR_BAD_MESSAGE);	/* a space */
	CHECK_EQ(tf_word_name(0x610062, name), ERR_BAD_MESSAGE);	/* "b", NUL, "a" */
	CHECK_EQ(tf_word_name(0x61, name), OK);
	CHECK_STR(name, "a");
}

/* ---- Placement by the SKB's facts (lib/tfplace.c) ---- */

TEST(placements_are_read_and_left_for_the_skb)
{
	struct tf_run r;

	CHECK_EQ(run("s uprog 7 on spread:2", 4, &r), OK);
	CHECK_EQ(r.place, TF_PLACE_SPREAD);
	CHECK_EQ(r.want, 2);
	CHECK_EQ(r.cores, 0);
	CHECK_EQ(run("p uprog on packed:4", 4, &r), OK);
	CHECK_EQ(r.place, TF_PLACE_PACKED);
	CHECK_EQ(r.want, 4);
	CHECK_EQ(run("g uprog on 1-2", 4, &r), OK);
	CHECK_EQ(r.place, TF_PLACE_GIVEN);
	CHECK_EQ(r.cores, 0x6);
}

TEST(bad_placements_are_refused_with_reasons)
{
	struct tf_run r;

	CHECK_EQ(run("s uprog on spread:", 4, &r), ERR_INVALID_ARG);
	CHECK(strstr(why, "wants a number of cores after 'spread:'"));
	CHECK_EQ(run("s uprog on spread:x", 4, &r), ERR_INVALID_ARG);
	CHECK_EQ(run("s uprog on spread:2,3", 4, &r), ERR_INVALID_ARG);
	CHECK_EQ(run("s uprog on packed:0", 4, &r), ERR_INVALID_ARG);
	CHECK(strstr(why, "a force has 1..16 members"));
	CHECK_EQ(run("s uprog on packed:17", 64, &r), ERR_INVALID_ARG);
	CHECK_EQ(run("s uprog on spread:5", 4, &r), ERR_INVALID_ARG);
	CHECK(strstr(why, "the machine has 4 cores"));
	CHECK_EQ(run("s uprog on wide:2", 4, &r), ERR_INVALID_ARG);	/* not a core set either */
}

/* Two nodes of n cores each, cores 0..n-1 and n..2n-1; each node one
 * last-level cache, or two halves (split). */
static struct tf_topo two_nodes(unsigned n, bool split)
{
	struct tf_topo t = { .ncores = 2 * n, .present = (1ull << (2 * n)) - 1 };

	for (unsigned c = 0; c < 2 * n; c++) {
		unsigned first = c / n * n, len = n;
		if (split) {
			first = c / (n / 2) * (n / 2);
			len = n / 2;
		}
		t.node[c] = (uint8_t)(c / n);
		t.llc[c] = ((1ull << len) - 1) << first;
	}
	return t;
}

static uint64_t place(enum tf_place p, unsigned want, const struct tf_topo *t)
{
	uint64_t out = 0;

	why[0] = '\0';
	if (tf_place_cores(p, want, t, &out, why, sizeof(why)) != OK)
		return ~0ull;
	return out;
}

TEST(spread_goes_round_the_nodes)
{
	struct tf_topo t = two_nodes(2, false);

	CHECK_EQ(place(TF_PLACE_SPREAD, 1, &t), 0x1);
	CHECK_EQ(place(TF_PLACE_SPREAD, 2, &t), 0x5);	/* 0 and 2: one per node */
	CHECK_EQ(place(TF_PLACE_SPREAD, 3, &t), 0x7);	/* then 1 */
	CHECK_EQ(place(TF_PLACE_SPREAD, 4, &t), 0xF);
	/* Nodes numbered with gaps, and absent cores left out. */
	t.node[2] = t.node[3] = 7;
	t.present &= ~0x1ull;
	CHECK_EQ(place(TF_PLACE_SPREAD, 2, &t), 0x6);	/* 1 (node 0), 2 (node 7) */
}

TEST(packed_fills_the_largest_shared_cache_first)
{
	struct tf_topo t = two_nodes(2, false);

	CHECK_EQ(place(TF_PLACE_PACKED, 2, &t), 0x3);	/* one node's cache */
	CHECK_EQ(place(TF_PLACE_PACKED, 3, &t), 0x7);
	/* Node 0's cache split in two, node 1's whole: node 1 first. */
	t = two_nodes(4, true);
	for (unsigned c = 4; c < 8; c++)
		t.llc[c] = 0xF0;
	CHECK_EQ(place(TF_PLACE_PACKED, 3, &t), 0x70);
	CHECK_EQ(place(TF_PLACE_PACKED, 6, &t), 0xF3);	/* then the half with core 0 */
	/* A cache shared across nodes is not a group: the node splits it
	 * (nodes interleaved here: 0 and 3 on node 0, 1 and 2 on node 1). */
	t = two_nodes(2, false);
	for (unsigned c = 0; c < 4; c++)
		t.llc[c] = 0xF;
	t.node[1] = t.node[2] = 1;
	t.node[3] = 0;
	CHECK_EQ(place(TF_PLACE_PACKED, 2, &t), 0x9);
	CHECK_EQ(place(TF_PLACE_SPREAD, 2, &t), 0x3);
	t = two_nodes(2, false);
	/* No cache known: each core alone, lowest first. */
	for (unsigned c = 0; c < 4; c++)
		t.llc[c] = 0;
	CHECK_EQ(place(TF_PLACE_PACKED, 2, &t), 0x3);
}

TEST(placements_that_cannot_be_made_are_refused)
{
	struct tf_topo t = two_nodes(2, false);

	CHECK_EQ(place(TF_PLACE_SPREAD, 0, &t), ~0ull);
	CHECK_EQ(place(TF_PLACE_SPREAD, 17, &t), ~0ull);
	CHECK_EQ(place(TF_PLACE_GIVEN, 2, &t), ~0ull);
	t.present = 0x3;
	CHECK_EQ(place(TF_PLACE_PACKED, 3, &t), ~0ull);
	CHECK(strstr(why, "only 2 cores are present"));
	t.present = 0x10;				/* past ncores */
	CHECK_EQ(place(TF_PLACE_SPREAD, 1, &t), ~0ull);
	t.present = 0;
	CHECK_EQ(place(TF_PLACE_SPREAD, 1, &t), ~0ull);
}

TEST(heartbeats_are_read_and_carried_to_init)
{
	struct tf_run r, back;
	uint64_t w[4];

	CHECK_EQ(run("h uprog 39 on 1-2 hb=5", 4, &r), OK);
	CHECK_EQ(r.hb_s, 5);
	CHECK_EQ(r.arg, 39);
	CHECK_EQ(r.cores, 0x6);
	tf_pack_run(&r, w);
	CHECK_EQ(tf_unpack_run(w, &back), OK);
	CHECK_EQ(back.hb_s, 5);
	CHECK_EQ(back.arg, 39);
	CHECK_EQ(run("h uprog on spread:2 hb=255", 4, &r), OK);
	CHECK_EQ(r.hb_s, 255);
	CHECK_EQ(r.place, TF_PLACE_SPREAD);
	CHECK_EQ(run("h uprog on 1", 4, &r), OK);
	CHECK_EQ(r.hb_s, 0);
	/* The largest ARG and hb side by side: neither spills into the other. */
	CHECK_EQ(run("h uprog 281474976710655 on 0 hb=255", 1, &r), OK);
	tf_pack_run(&r, w);
	CHECK_EQ(tf_unpack_run(w, &back), OK);
	CHECK_EQ(back.arg, TF_ARG_MAX);
	CHECK_EQ(back.hb_s, 255);
}

TEST(bad_heartbeats_are_refused_with_reasons)
{
	struct tf_run r;

	CHECK_EQ(run("h uprog on 1 hb=0", 4, &r), ERR_INVALID_ARG);
	CHECK(strstr(why, "'hb=0' wants the seconds between a member's beats, 1..255"));
	CHECK_EQ(run("h uprog on 1 hb=256", 4, &r), ERR_INVALID_ARG);
	CHECK_EQ(run("h uprog on 1 hb=", 4, &r), ERR_INVALID_ARG);
	CHECK_EQ(run("h uprog on 1 hb=5s", 4, &r), ERR_INVALID_ARG);
	CHECK_EQ(run("h uprog hb=5", 4, &r), ERR_INVALID_ARG);	/* no cores at all */
	CHECK_EQ(run("h uprog on 1 hb=5 hb=5", 4, &r), ERR_INVALID_ARG);
}
