/*
 * Co-scheduling's skew (docs/taskforce.md): how far apart the members of
 * a task force started in the same gang windows. The kernel keeps, for
 * each gang member, when it started in each window, as the time since
 * the window opened on every core at once (DISP_INFO's starts,
 * kernel/dispatch.c); the members bring theirs to the root over the
 * force's barrier (usr/lib/tfskew.c), and these functions pack them for
 * it and sum up what the root has. Pure code, host-tested
 * (tests/host/test_tfskew.c).
 *
 * A barrier sums two 64-bit values over the force, so it carries 16 bits
 * for each of TFS_PER_BARRIER members: the member of rank r puts its
 * start in microseconds (at most TFS_MAX_US; TFS_NONE: it did not start
 * in that window) at bit 16 * (r % 4) of word (r / 4) % 2 of the barrier
 * of group r / TFS_PER_BARRIER, and puts 0 in the barriers of the other
 * groups. The fields do not overlap, so the sums are the fields.
 */
#ifndef LIB_TFSKEW_H
#define LIB_TFSKEW_H

#include <stdint.h>

#define TFS_PER_BARRIER	8
#define TFS_NONE	0xFFFFu
#define TFS_MAX_US	0xFFFEu		/* later starts are counted as this */
#define TFS_MAX_ROUNDS	16		/* = DISP_GANG_STARTS */
#define TFS_MAX_MEMBERS	16		/* = TFG_MAX_MEMBERS */

/* Member `rank`'s contribution to the barrier of group `group`: its
 * start late_us (or TFS_NONE) in its field, or nothing if it is not of
 * that group. */
void tfs_put(unsigned rank, unsigned group, uint32_t late_us, uint64_t ab[2]);
/* Member `rank`'s start from the sums of its group's barrier. */
uint32_t tfs_get(unsigned rank, const uint64_t sums[2]);

/* What the root sums up: of `rounds` windows, `full` are those in which
 * every member started; over those, the skew (the last member's start
 * less the first's) as a median and a maximum, and how late after the
 * window opened members started (median and maximum over every start).
 * late[i][r]: round i, member of rank r, in microseconds or TFS_NONE. */
struct tfs_stats {
	unsigned rounds, full;
	uint32_t skew_median_us, skew_max_us;
	uint32_t late_median_us, late_max_us;
};
void tfs_stats(const uint16_t late[][TFS_MAX_MEMBERS], unsigned rounds, unsigned count,
	       struct tfs_stats *out);

#endif
