/*
 * How far apart a task force's members run: tf_skew (flotilla/tforce.h,
 * docs/taskforce.md). Every member of a force is co-scheduled from
 * tf_join on (its gang is the force's id): in each gang window, which
 * opens on every core at the same moment, it takes its core first. The
 * kernel keeps when each member started in each window (DISP_INFO's
 * starts); here the members keep their cores busy for a while, so that
 * each has a start in every window of it, and bring their starts to the
 * root over the force's barrier (lib/tfskew.h packs them), one barrier
 * per window and group of eight members. The windows are the root's
 * last TFS_ROUNDS, which it casts to the others first.
 */
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/sys.h>
#include <flotilla/tforce.h>
#include "lib/tfskew.h"

#define TFS_ROUNDS	8
#define NO_ROUND	UINT64_MAX

/* Member m's start in window `round`, in microseconds, or TFS_NONE. */
static uint32_t start_in(const struct disp_info *d, uint64_t round)
{
	unsigned n = d->nstarts < DISP_GANG_STARTS ? d->nstarts : DISP_GANG_STARTS;

	for (unsigned i = 0; i < n; i++)
		if (d->starts[i].round == round)
			return d->starts[i].late_ns / 1000 > TFS_MAX_US ? TFS_MAX_US :
			       (uint32_t)(d->starts[i].late_ns / 1000);
	return TFS_NONE;
}

err_t tf_skew(struct tf_member *m, uint64_t busy_ns, struct tfs_stats *out)
{
	static uint16_t late[TFS_ROUNDS][TFS_MAX_MEMBERS];
	static struct disp_info d;
	uint64_t v[TFG_CAST_WORDS] = { 0 }, sums[2], ab[2];
	err_t err;

	if ((err = tf_barrier(m, 0, 0, sums)))
		return err;
	for (uint64_t end = sys_clock_ns() + busy_ns; sys_clock_ns() < end; )
		if (tf_beat(m))			/* runnable at every window's opening */
			return ERR_STOPPED;
	if ((err = disp_info(CPTR_DISPATCHER, &d)))
		return err;
	if (m->rank == 0) {
		/* None: it never ran in a window (no gang); the others are told. */
		v[0] = d.nstarts ? d.starts[(d.nstarts - 1) % DISP_GANG_STARTS].round : NO_ROUND;
		err = tf_bcast(m, v);
	} else {
		err = tf_recv_cast(m, v);
	}
	if (err)
		return err;
	if (v[0] == NO_ROUND)
		return ERR_NOT_FOUND;
	uint64_t last = v[0];
	for (unsigned i = 0; i < TFS_ROUNDS; i++) {
		uint64_t round = last - (TFS_ROUNDS - 1) + i;
		uint32_t mine = last + 1 >= TFS_ROUNDS ? start_in(&d, round) : TFS_NONE;
		for (unsigned g = 0; g * TFS_PER_BARRIER < m->count; g++) {
			tfs_put(m->rank, g, mine, ab);
			if ((err = tf_barrier(m, ab[0], ab[1], sums)))
				return err;
			for (unsigned r = g * TFS_PER_BARRIER;
			     r < m->count && r < (g + 1) * TFS_PER_BARRIER; r++)
				late[i][r] = (uint16_t)tfs_get(r, sums);
		}
	}
	tfs_stats(late, TFS_ROUNDS, m->count, out);
	return OK;
}
