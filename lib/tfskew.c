/*
 * Co-scheduling's skew: the fields of the barrier, and the root's sums
 * (lib/tfskew.h).
 */
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

/* The median of v[0..n) (the lower of the middle two), sorting v. */
static uint32_t median(uint32_t *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint32_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return n ? v[(n - 1) / 2] : 0;
}

void tfs_stats(const uint16_t late[][TFS_MAX_MEMBERS], unsigned rounds, unsigned count,
	       struct tfs_stats *out)
{
	uint32_t skews[TFS_MAX_ROUNDS], lates[TFS_MAX_ROUNDS * TFS_MAX_MEMBERS];
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
			out->late_max_us = late[i][r] > out->late_max_us ? late[i][r] : out->late_max_us;
		}
		if (count && started == count) {
			skews[out->full++] = hi - lo;
			out->skew_max_us = hi - lo > out->skew_max_us ? hi - lo : out->skew_max_us;
		}
	}
	out->skew_median_us = median(skews, out->full);
	out->late_median_us = median(lates, nlate);
}
