/*
 * Co-scheduling's skew: the fields of the barrier, and the root's sums
 * (lib/tfskew.h).
 */
#include "lib/stats.h"
#include "lib/tfskew.h"

void tfs_put(unsigned rank, unsigned group, uint32_t late_us, uint64_t ab[2])
{
	ab[0] = ab[1] = 0;
	if (rank / TFS_PER_BARRIER != group)
		return;
	if (late_us > TFS_MAX_US && late_us != TFS_NONE)
		late_us = TFS_MAX_US;
	ab[rank / 4 % 2] = (uint64_t)late_us << (16 * (rank % 4));
}

uint32_t tfs_get(unsigned rank, const uint64_t sums[2])
{
	return (uint32_t)(sums[rank / 4 % 2] >> (16 * (rank % 4))) & 0xFFFF;
}

void tfs_stats(const uint16_t late[][TFS_MAX_MEMBERS], unsigned rounds, unsigned count,
	       struct tfs_stats *out)
{
	uint64_t skews[TFS_MAX_ROUNDS], lates[TFS_MAX_ROUNDS * TFS_MAX_MEMBERS];
	struct stats s;
	unsigned nlate = 0;

	*out = (struct tfs_stats){ .rounds = rounds };
	if (rounds > TFS_MAX_ROUNDS)
		out->rounds = rounds = TFS_MAX_ROUNDS;
	if (count > TFS_MAX_MEMBERS)
		count = TFS_MAX_MEMBERS;
	for (unsigned i = 0; i < rounds; i++) {
		uint32_t lo = TFS_NONE, hi = 0;
		unsigned started = 0;
		for (unsigned r = 0; r < count; r++) {
			if (late[i][r] == TFS_NONE)
				continue;
			started++;
			lates[nlate++] = late[i][r];
			lo = late[i][r] < lo ? late[i][r] : lo;
			hi = late[i][r] > hi ? late[i][r] : hi;
		}
		if (count && started == count)
			skews[out->full++] = hi - lo;
	}
	/* lib/stats.h: the median is the lower middle one; none of nothing. */
	if (!stats_compute(skews, out->full, &s)) {
		out->skew_median_us = (uint32_t)s.median;
		out->skew_max_us = (uint32_t)s.max;
	}
	if (!stats_compute(lates, nlate, &s)) {
		out->late_median_us = (uint32_t)s.median;
		out->late_max_us = (uint32_t)s.max;
	}
}
