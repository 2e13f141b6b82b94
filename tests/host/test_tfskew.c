/*
 * Tests for lib/tfskew.c: every member's start comes out of its group's
 * barrier sums as it went in, whatever the others put (a start of 0, the
 * largest, a missing one); a start too late to fit is counted as the
 * largest, never as another value; the root's sums (the median and
 * largest skew over the windows every member started in, and how late
 * the starts were) on forces drawn by hand.
 */
#include <string.h>
#include "lib/test.h"
#include "lib/tfskew.h"

/* What the barrier of `group` sums for starts late[0..count). */
static void barrier(const uint32_t *late, unsigned count, unsigned group, uint64_t sums[2])
{
	sums[0] = sums[1] = 0;
	for (unsigned r = 0; r < count; r++) {
		uint64_t ab[2];
		tfs_put(r, group, late[r], ab);
		sums[0] += ab[0];
		sums[1] += ab[1];
	}
}

TEST(every_members_start_comes_back_out_of_its_groups_barrier)
{
	uint32_t late[TFS_MAX_MEMBERS];

	for (unsigned count = 1; count <= TFS_MAX_MEMBERS; count++) {
		for (unsigned r = 0; r < count; r++)
			late[r] = r % 3 == 0 ? TFS_NONE : r % 3 == 1 ? TFS_MAX_US : 1000 * r + 7;
		late[0] = count > 1 ? 0 : late[0];
		for (unsigned g = 0; g * TFS_PER_BARRIER < count; g++) {
			uint64_t sums[2];
			barrier(late, count, g, sums);
			for (unsigned r = g * TFS_PER_BARRIER; r < count && r < (g + 1) * TFS_PER_BARRIER;
			     r++)
				CHECK_EQ(tfs_get(r, sums), late[r]);
		}
	}
}

TEST(a_member_puts_nothing_into_another_groups_barrier)
{
	uint64_t ab[2];

	tfs_put(3, 1, 1234, ab);
	CHECK_EQ(ab[0], 0);
	CHECK_EQ(ab[1], 0);
	tfs_put(12, 1, 1234, ab);
	CHECK_EQ(ab[1], 1234ull << 0);	/* rank 12: word 1, field 0 */
	CHECK_EQ(ab[0], 0);
}

TEST(a_start_too_late_to_fit_counts_as_the_largest)
{
	uint64_t ab[2];

	tfs_put(5, 0, 70000, ab);
	CHECK_EQ(tfs_get(5, ab), TFS_MAX_US);
	tfs_put(5, 0, TFS_MAX_US + 1, ab);	/* = TFS_NONE: "did not start" stays that */
	CHECK_EQ(tfs_get(5, ab), TFS_NONE);
}

TEST(skew_over_the_windows_every_member_started_in)
{
	/* Three members, four windows: in window 2 member 1 did not start. */
	static const uint16_t late[4][TFS_MAX_MEMBERS] = {
		{ 10, 30, 20 },			/* skew 20 */
		{ 5, 5, 5 },			/* 0 */
		{ 100, TFS_NONE, 900 },		/* not full */
		{ 50, 10, 90 },			/* 80 */
	};
	struct tfs_stats s;

	tfs_stats(late, 4, 3, &s);
	CHECK_EQ(s.rounds, 4);
	CHECK_EQ(s.full, 3);
	CHECK_EQ(s.skew_median_us, 20);		/* of 0, 20, 80 */
	CHECK_EQ(s.skew_max_us, 80);
	CHECK_EQ(s.late_max_us, 900);		/* every start counts here */
	CHECK_EQ(s.late_median_us, 20);		/* of 11 starts: 5 5 5 10 10 20 30 50 90 100 900 */
}

TEST(no_window_every_member_started_in_has_no_skew)
{
	static const uint16_t late[2][TFS_MAX_MEMBERS] = {
		{ TFS_NONE, 3 },
		{ 4, TFS_NONE },
	};
	struct tfs_stats s;

	tfs_stats(late, 2, 2, &s);
	CHECK_EQ(s.full, 0);
	CHECK_EQ(s.skew_median_us, 0);
	CHECK_EQ(s.skew_max_us, 0);
	CHECK_EQ(s.late_max_us, 4);
	tfs_stats(late, 0, 2, &s);
	CHECK_EQ(s.rounds, 0);
	CHECK_EQ(s.full, 0);
}

TEST(more_windows_or_members_than_it_holds_are_cut_to_its_size)
{
	static uint16_t late[TFS_MAX_ROUNDS][TFS_MAX_MEMBERS];
	struct tfs_stats s;

	tfs_stats(late, TFS_MAX_ROUNDS + 5, TFS_MAX_MEMBERS + 3, &s);
	CHECK_EQ(s.rounds, TFS_MAX_ROUNDS);
	CHECK_EQ(s.full, TFS_MAX_ROUNDS);
	CHECK_EQ(s.skew_max_us, 0);
}
