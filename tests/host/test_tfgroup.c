/*
 * Tests for lib/tfgroup.c on simulated task forces (tfg_sim.h): casts
 * reach every member once and in order over every shape of tree; a
 * barrier ends nowhere before every member has arrived, and then
 * everywhere with the group's sums; rounds follow one another; each kind
 * of garbage is dropped, counted, and changes nothing.
 */
#include <string.h>
#include "lib/test.h"
#include "tests/host/tfg_sim.h"

static struct sim s;

/* Members to try: one, two, a node and a bit, scattered, all sixteen. */
static const uint64_t sets[] = { 0x1, 0x3, 0x1F, 0xA5A4, 0xFFFF, 0x8002 };
static const enum mtree_shape shapes[] = { MTREE_BROADCAST, MTREE_UNICAST, MTREE_MULTICAST,
					   MTREE_NUMA };

TEST(casts_reach_every_member_once_in_order)
{
	for (unsigned i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		for (unsigned k = 0; k < 4; k++) {
			CHECK_EQ(sim_init(&s, sets[i], 4, shapes[k]), OK);
			for (uint64_t n = 1; n <= 5; n++)
				CHECK_EQ(sim_cast(&s, (uint64_t[]){ n, n * 10, n * 100, ~n }), OK);
			sim_drain(&s);
			CHECK(!s.overflow);
			for (unsigned c = 0; c < SIM_CORES; c++) {
				if (!sim_member(&s, c) || c == s.root) {
					CHECK_EQ(s.ncasts[c], 0);
					continue;
				}
				CHECK_EQ(s.ncasts[c], 5);
				for (unsigned n = 1; n <= 5; n++) {
					CHECK_EQ(s.cast[c][n - 1][0], n);
					CHECK_EQ(s.cast[c][n - 1][3], ~(uint64_t)n);
				}
				CHECK_EQ(s.g[c].dropped, 0);
			}
		}
}

TEST(only_the_root_casts)
{
	CHECK_EQ(sim_init(&s, 0xF, 4, MTREE_NUMA), OK);
	CHECK_EQ(tfg_cast(&s.g[1], (uint64_t[]){ 1, 2, 3, 4 }), ERR_INVALID_ARG);
	CHECK_EQ(tfg_init(&s.g[5], &s.tree, 5), ERR_INVALID_ARG);	/* not a member */
}

TEST(a_barrier_ends_nowhere_before_everyone_arrived_then_everywhere)
{
	for (unsigned i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		for (unsigned k = 0; k < 4; k++)
			for (unsigned last = 0; last < SIM_CORES; last++) {
				CHECK_EQ(sim_init(&s, sets[i], 4, shapes[k]), OK);
				if (!sim_member(&s, last))
					continue;
				uint64_t want_a = 0, want_b = 0;
				for (unsigned c = 0; c < SIM_CORES; c++) {
					if (!sim_member(&s, c))
						continue;
					want_a += c + 1;
					want_b += 1000u * c;
					if (c != last)
						CHECK_EQ(sim_arrive(&s, c, c + 1, 1000u * c), OK);
				}
				sim_drain(&s);
				for (unsigned c = 0; c < SIM_CORES; c++)
					CHECK_EQ(s.nreleased[c], 0);
				CHECK_EQ(sim_arrive(&s, last, last + 1, 1000u * last), OK);
				if (last != s.root)	/* the root's arrival ended it */
					CHECK_EQ(sim_arrive(&s, last, 0, 0), ERR_INVALID_ARG);
				sim_drain(&s);
				CHECK(!s.overflow);
				for (unsigned c = 0; c < SIM_CORES; c++) {
					if (!sim_member(&s, c))
						continue;
					CHECK_EQ(s.nreleased[c], 1);
					CHECK_EQ(s.released[c][0][0], want_a);
					CHECK_EQ(s.released[c][0][1], want_b);
					CHECK_EQ(s.g[c].dropped, 0);
				}
			}
}

TEST(rounds_and_casts_follow_one_another)
{
	CHECK_EQ(sim_init(&s, 0xFFFF, 4, MTREE_NUMA), OK);
	for (uint64_t r = 0; r < 10; r++) {
		CHECK_EQ(sim_cast(&s, (uint64_t[]){ r, 0, 0, 0 }), OK);
		/* Members arrive from the last core down, each delivering what
		 * reached it so far: the early ones wait for the rest. */
		for (unsigned c = SIM_CORES; c-- > 0;) {
			CHECK_EQ(sim_arrive(&s, c, r, 1), OK);
			for (unsigned f = 0; f < SIM_CORES; f++)
				while (sim_deliver(&s, f, c))
					;
		}
		sim_drain(&s);
	}
	CHECK(!s.overflow);
	for (unsigned c = 0; c < SIM_CORES; c++) {
		CHECK_EQ(s.nreleased[c], 10);
		for (uint64_t r = 0; r < 10; r++) {
			CHECK_EQ(s.released[c][r][0], 16 * r);
			CHECK_EQ(s.released[c][r][1], 16);
		}
		CHECK_EQ(s.ncasts[c], c == 0 ? 0 : 10);
		CHECK_EQ(s.g[c].round, 10);
	}
}

TEST(a_group_of_one_releases_at_once)
{
	uint64_t out[TFG_CAST_WORDS];
	err_t err;

	CHECK_EQ(sim_init(&s, 0x4, 4, MTREE_NUMA), OK);
	CHECK_EQ(tfg_arrive(&s.g[2], 7, 8, out, &err), TFG_EV_RELEASE);
	CHECK_EQ(err, OK);
	CHECK_EQ(out[0], 7);
	CHECK_EQ(out[1], 8);
	CHECK_EQ(s.g[2].round, 1);
}

/* m from `from` to `to` must be dropped, counted, and change nothing else. */
static void garbage(unsigned from, unsigned to, uint32_t kind, unsigned n, uint64_t w0)
{
	struct tfg before = s.g[to];
	struct tfg_msg m = { .kind = kind, .n = n, .w = { w0, 5, 6, 7, 8 } };
	uint64_t out[TFG_CAST_WORDS];

	CHECK_EQ(tfg_input(&s.g[to], from, &m, out), TFG_EV_DROPPED);
	CHECK_EQ(s.g[to].dropped, before.dropped + 1);
	before.dropped++;
	CHECK(memcmp(&before, &s.g[to], sizeof(before)) == 0);
}

TEST(garbage_is_dropped_counted_and_changes_nothing)
{
	/* Broadcast over 0-3: core 0 the parent of 1, 2 and 3. */
	CHECK_EQ(sim_init(&s, 0xF, 4, MTREE_BROADCAST), OK);
	CHECK_EQ(s.g[1].parent, 0);
	CHECK_EQ(sim_arrive(&s, 1, 1, 1), OK);		/* 1 is in, and up */
	garbage(0, 1, 0, 5, 1);				/* no such kind */
	garbage(0, 1, 99, 5, 1);
	garbage(0, 1, TFG_CAST, 4, 1);			/* a cast one word short */
	garbage(0, 1, TFG_CAST, 5, 2);			/* seq 2 before seq 1 */
	garbage(0, 1, TFG_CAST, 5, 0);			/* seq 0: an old one */
	garbage(2, 1, TFG_CAST, 5, 1);			/* a sibling is not the parent */
	garbage(9, 1, TFG_CAST, 5, 1);			/* nor a stranger */
	garbage(2, 1, TFG_RELEASE, 3, 0);		/* a release from a sibling */
	garbage(0, 1, TFG_RELEASE, 3, 1);		/* of a round not due */
	garbage(0, 1, TFG_RELEASE, 2, 0);		/* too short */
	garbage(0, 1, TFG_ARRIVE, 3, 0);		/* from the parent */
	garbage(0, 2, TFG_RELEASE, 3, 0);		/* 2 has not arrived */
	garbage(1, 0, TFG_ARRIVE, 3, 1);		/* a round not due */
	garbage(1, 0, TFG_ARRIVE, 4, 0);		/* too long */
	garbage(9, 0, TFG_ARRIVE, 3, 0);		/* not a child */
	garbage(1, 0, TFG_CAST, 5, 1);			/* a cast to the root */
	sim_drain(&s);				/* 1's real ARRIVE */
	garbage(1, 0, TFG_ARRIVE, 3, 0);		/* 1 again in one round */
	/* Then the barrier ends as if nothing had come. */
	for (unsigned c = 0; c < 4; c++)
		if (c != 1)
			CHECK_EQ(sim_arrive(&s, c, 1, 1), OK);
	sim_drain(&s);
	for (unsigned c = 0; c < 4; c++) {
		CHECK_EQ(s.nreleased[c], 1);
		CHECK_EQ(s.released[c][0][0], 4);
	}
}
