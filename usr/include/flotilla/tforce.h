/*
 * A member of a task force (docs/taskforce.md): what a program that `tf
 * run` started calls to work with the rest of its force (usr/lib/
 * tfmember.c). tf_join makes the member co-scheduled with the others (its
 * gang is the force's id: in every gang window, which opens on all cores
 * at once, it takes its core first; kernel/dispatch.c), learns the
 * member's rank, the member count and the
 * cores (from its argument and the name service), builds the force's
 * multicast tree from the SKB's facts (lib/mtree.h: mtree_best, rooted at
 * the lowest core), maps the force's frame (m->frame: memory every member
 * shares, granted to all at once, that outlives a restart of the force),
 * and binds one URPC channel to its parent and one to each child; then
 *
 *	tf_bcast	the root sends 4 words to every member, down the tree
 *	tf_recv_cast	a member takes the next one
 *	tf_barrier	every member waits for all the others; two values
 *			are summed over the force on the way up, and every
 *			member gets the sums on the way down
 *
 * The rules are lib/tfgroup.c's: each member forwards to its children,
 * and a message that is not the one due from that neighbour is dropped
 * and counted (tf_member.g.dropped).
 *
 *	struct tf_member m;
 *	tf_join(&m, libc_arg, CADDR(TASK_CN, 40), 30000000000ull);
 *	if (m.rank == 0) tf_bcast(&m, job); else tf_recv_cast(&m, job);
 *	... tf_barrier(&m, mine, 0, sums) ...
 */
#ifndef FLOTILLA_TFORCE_H
#define FLOTILLA_TFORCE_H

#include <stdint.h>
#include <flotilla/uchan.h>
#include "lib/mtree.h"
#include "lib/tfgroup.h"
#include "lib/tforce.h"

/* Where a member finds the force's frame (usr/init/tforce.c grants it). */
#define TF_FRAME		CPTR_TASK_FIRST_FREE

/* Slots of the task CNode tf_join needs from its `slots` on: the SKB's 4,
 * an endpoint, and a frame and a doorbell for each of up to
 * TFG_MAX_MEMBERS channels. */
#define TF_SLOTS		(5 + 2 * TFG_MAX_MEMBERS)
#define TF_PENDING_CASTS	8

struct tf_member {
	unsigned id;			/* the force's id (lib/tforce.h: TF_ID) */
	uint64_t arg;			/* the force's ARG */
	uint64_t cores;			/* its members' cores */
	unsigned me, rank, count;	/* this core, its rank among them, how many */
	enum mtree_shape shape;		/* the tree's, as mtree_best chose */
	struct mtree tree;
	struct tfg g;
	capaddr_t slots, ep;
	unsigned nchan;
	struct uchan chan[TFG_MAX_MEMBERS];
	unsigned peer[TFG_MAX_MEMBERS];	/* chan[i]'s other end: a core */
	uint64_t cast[TF_PENDING_CASTS][TFG_CAST_WORDS];	/* came while not asked for */
	unsigned ncast;
	/* Heartbeats (the force's hb=S): beat every beat_ns (S / 4; 0: never),
	 * the last at beat_at; stop: the supervisor asked it to end. */
	uint64_t beat_ns, beat_at;
	bool stop;
	/* The force's frame, mapped: TF_FRAME_BYTES, the same memory in every
	 * member, zeroed when the force began, kept across its restarts. */
	volatile uint8_t *frame;
};

/* Joins the force: ERR_INVALID_ARG if arg is not a member's (no id),
 * ERR_CAP_EMPTY or ERR_CAP_WRONG_TYPE without the force's frame, the name
 * service's or the SKB's error, or ERR_TIMEOUT if a neighbour is not
 * there within wait_ns (a deadline, far above a start's time). */
err_t tf_join(struct tf_member *m, uint64_t arg, capaddr_t slots, uint64_t wait_ns);
/* The root: sends v to every other member. ERR_INVALID_ARG elsewhere. */
err_t tf_bcast(struct tf_member *m, const uint64_t v[TFG_CAST_WORDS]);
/* The next cast from the root, waiting for it. */
err_t tf_recv_cast(struct tf_member *m, uint64_t v[TFG_CAST_WORDS]);
/* The barrier with values a, b: returns when every member has reached it,
 * with their sums in sums[0], sums[1]. */
err_t tf_barrier(struct tf_member *m, uint64_t a, uint64_t b, uint64_t sums[2]);
/* Every member, together: keeps its core busy for busy_ns, then brings
 * when it started in each of the root's last 8 gang windows to the root
 * (usr/lib/tfskew.c), which gets the skew between members in *out
 * (lib/tfskew.h; the others get the same). ERR_NOT_FOUND, for every
 * member, if the root never ran in a gang window. */
struct tfs_stats;
err_t tf_skew(struct tf_member *m, uint64_t busy_ns, struct tfs_stats *out);
/*
 * Heartbeats: in a force run with hb=S a member must beat at least every
 * S seconds, or its supervisor takes it for hung. tf_join learns S from
 * its argument; then waiting for a cast or at a barrier beats while it
 * waits (it polls its channels a tick at a time instead of sleeping until
 * a doorbell rings), and a member that works or sleeps for long calls
 * tf_beat between pieces of work (cheap when no beat is due) or sleeps
 * with tf_pause. Asked to stop by its supervisor, tf_beat returns true,
 * and the waits and tf_pause end with ERR_STOPPED. Without hb= they do
 * nothing more than wait or sleep.
 */
bool tf_beat(struct tf_member *m);
err_t tf_pause(struct tf_member *m, uint64_t ns);

#endif
