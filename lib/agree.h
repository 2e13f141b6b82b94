/*
 * Agreement: two-phase commit over a multicast tree (lib/mtree.h), as a
 * state machine with no I/O and no clock. Every core that holds a replica
 * of some state (the name service, the membership view) runs one
 * struct agree for it; the caller feeds it the messages that arrive
 * (agree_input) and the ticks of its clock (agree_tick), and sends what
 * agree_pop gives it. docs/agreement.md has the diagram, the failure cases
 * and the reasons; this header is the reference.
 *
 * The view: an epoch and a tree (built by mtree_build) whose members are
 * the cores that hold a replica and whose root is the coordinator, the
 * one core that orders the operations of that epoch. Any member submits
 * an operation (agree_submit: an opaque payload); the coordinator queues
 * the submissions and runs one operation at a time:
 *
 *	PREPARE	down the tree: operation id, payload, and the id of the
 *		last operation the coordinator committed;
 *	VOTE	up the tree: each member checks the change against its own
 *		replica (ops->check); an aggregator answers once for its
 *		subtree, yes only when every core below it said yes;
 *	DECIDE	down the tree: COMMIT when every member voted yes, ABORT on
 *		the first no or when a vote is missing after vote_ticks
 *		(ERR_TIMEOUT). Every member applies committed operations
 *		(ops->apply) in the order of their ids.
 *
 * The order: operation ids are 1, 2, 3... in each epoch, given by the
 * coordinator, which proposes operation n + 1 only once n is decided, and
 * every PREPARE says which operation the coordinator last committed. A
 * member that voted yes and missed the decision learns it from the next
 * PREPARE: no later operation can commit without its vote, so its own
 * operation committed exactly when it is the last one committed.
 *
 * Losses: a parent sends PREPARE again every retry_ticks to children whose
 * votes it lacks; a member answers a PREPARE it already voted on with the
 * same vote; the origin sends SUBMIT again until the operation is
 * proposed, and gives up after submit_ticks (ERR_TIMEOUT; it then votes no
 * on that operation if it arrives late). Every message carries the epoch
 * and is idempotent: a duplicate changes nothing.
 *
 * Termination (the coordinator or its decision lost): a member that voted
 * yes and hears no decision for query_ticks asks every other member
 * (QUERY), again every query_ticks. A member that knows the outcome says
 * it; one that has not voted yes aborts the operation (it will vote no if
 * the PREPARE comes later) and says ABORT; one that voted yes and does not
 * know says UNCERTAIN. When every member is uncertain, the coordinator
 * alone can know: the members wait for it until the caller says it is
 * down (agree_down: a failure detector, e.g. heartbeats, and the core
 * fenced). A member still collecting votes when it hears the coordinator
 * is down aborts (it never voted yes). A member takes no message from a
 * core it knows is down, and its UNCERTAIN answers say which cores those
 * are; when the coordinator is down and every other live member has said
 * UNCERTAIN knowing at least the cores this member knows are down, no
 * live member has committed or ever can, and the operation aborts
 * (ERR_TIMEOUT).
 * docs/agreement.md says why this rule and not another.
 *
 * Bad input: a message of an unknown type, too long, from a core that is
 * not a member or is down, for another core, of another epoch, naming an
 * operation never proposed, a vote from a core that is not a child or
 * that answers for the wrong cores, a COMMIT for an operation this member
 * did not vote yes on, or from a core that is not its parent: dropped and
 * counted (struct agree_stats), nothing else changes.
 *
 * Freestanding: the kernel, the monitors and the host tests build it.
 */
#ifndef LIB_AGREE_H
#define LIB_AGREE_H

#include <stdbool.h>
#include <stdint.h>
#include <kpi/errors.h>
#include "lib/mtree.h"

#define AGREE_PAYLOAD_MAX	96	/* bytes of one operation */
#define AGREE_QUEUE		MTREE_MAX_CORES	/* submissions the coordinator holds */
#define AGREE_PENDING		8	/* submissions one member may have waiting */
#define AGREE_OUTBOX		(2 * MTREE_MAX_CORES + 8)	/* messages to send */
#define AGREE_WINDOW		64	/* how far past the newest operation a member has
					   heard of a DECIDE may name one */

enum agree_type {
	AGREE_SUBMIT = 1,	/* origin -> coordinator: please propose this */
	AGREE_PREPARE,		/* parent -> child */
	AGREE_VOTE,		/* child -> parent */
	AGREE_DECIDE,		/* parent -> child */
	AGREE_QUERY,		/* an uncertain member -> every other member */
	AGREE_ANSWER,		/* -> the member that asked */
	AGREE_NTYPES
};

/* What a DECIDE or an ANSWER says; a VOTE says AGREE_COMMIT for yes. */
enum agree_outcome {
	AGREE_UNCERTAIN,
	AGREE_COMMIT,
	AGREE_ABORT,
};

/*
 * One message. `from` and `to` are cores; the transport must make `from`
 * true (the monitors' mesh has one channel per peer). Fields a type does
 * not use are 0.
 */
struct agree_msg {
	uint8_t type;		/* enum agree_type */
	uint8_t from, to;
	uint8_t outcome;	/* VOTE, DECIDE, ANSWER: enum agree_outcome */
	uint8_t pad[2];
	uint16_t round;		/* how many messages led to this one (counted) */
	uint32_t epoch;
	uint32_t origin;	/* SUBMIT, PREPARE, DECIDE: the member that submitted */
	uint32_t tag;		/* ... and its number for the submission */
	err_t err;		/* VOTE no, DECIDE abort: why */
	uint64_t op;		/* the operation id (not SUBMIT) */
	uint64_t last_commit;	/* PREPARE, DECIDE: the last id committed before op */
	uint64_t voters;	/* VOTE yes: the cores it answers for;
				   ANSWER: the cores the sender knows are down */
	uint16_t len;		/* SUBMIT, PREPARE: payload bytes */
	uint8_t payload[AGREE_PAYLOAD_MAX] __attribute__((aligned(8)));
};

/* The replica: the caller's state that the operations change. */
struct agree_ops {
	/* May this operation be applied to the replica now? OK, or the
	 * reason for a no (the operation aborts with it). */
	err_t (*check)(void *ctx, const void *payload, unsigned len);
	/* Apply a committed operation; called once per operation, in order. */
	void (*apply)(void *ctx, uint64_t op, const void *payload, unsigned len);
	/* At the origin: submission `tag` ended (OK: committed everywhere it
	 * will be; else why not). May be NULL; may call agree_submit. */
	void (*done)(void *ctx, uint32_t tag, err_t result);
};

/* Bounds, in ticks of the caller's clock. */
struct agree_conf {
	unsigned vote_ticks;	/* the coordinator waits this long for every vote */
	unsigned retry_ticks;	/* PREPARE and SUBMIT are sent again this often */
	unsigned query_ticks;	/* an uncertain member asks the others this often */
	unsigned submit_ticks;	/* an origin gives up on a submission not decided by then */
};

struct agree_stats {
	/* dropped, by reason */
	unsigned bad_type;	/* unknown type, payload too long, bad outcome */
	unsigned bad_core;	/* from a non-member, from itself, for another core */
	unsigned from_down;	/* from a core reported down */
	unsigned bad_epoch;	/* another epoch */
	unsigned unknown_op;	/* an operation never proposed (or too far ahead) */
	unsigned forged;	/* a vote from a non-child or for the wrong cores, a
				   PREPARE or DECIDE not from the parent, a COMMIT
				   without a yes vote, a decision that contradicts one */
	unsigned duplicate;	/* taken, but changed nothing */
	unsigned outbox_full;	/* messages not sent: the outbox was full */
	/* what happened */
	unsigned proposed, committed, aborted, timeouts, queries, terminated;
	unsigned sent[AGREE_NTYPES];
};

enum agree_state {
	AGREE_IDLE,		/* no operation in hand */
	AGREE_COLLECTING,	/* own check passed, waiting for the subtree's votes */
	AGREE_PREPARED,		/* voted yes; waiting for the decision (uncertain) */
	AGREE_DONE,		/* the operation in hand is decided here */
};

struct agree_sub {
	uint32_t origin, tag;
	uint16_t len, round;
	uint8_t payload[AGREE_PAYLOAD_MAX] __attribute__((aligned(8)));
};

struct agree {
	unsigned self;
	struct agree_conf conf;
	const struct agree_ops *ops;
	void *ctx;
	uint64_t now;			/* ticks so far */
	unsigned depth;			/* calls in progress (callbacks may call in) */

	/* the view */
	uint32_t epoch;
	unsigned coord;			/* = tree.root */
	struct mtree tree;
	uint64_t down;			/* cores reported down */
	bool has_view;

	/* the operation in hand */
	struct {
		enum agree_state state;
		uint64_t op;
		uint32_t origin, tag;
		uint16_t len;
		uint8_t payload[AGREE_PAYLOAD_MAX] __attribute__((aligned(8)));
		uint8_t outcome;	/* DONE: commit or abort; own vote while collecting */
		err_t err;		/* a no vote's or an abort's reason */
		uint64_t got;		/* cores below that voted yes */
		bool forwarded;		/* the decision went on to the children */
		uint64_t deadline;	/* coordinator: abort then; member: ask then */
		uint64_t retry;		/* send PREPARE again then */
		uint64_t lc;		/* the last id committed before it */
		uint64_t uncertain;	/* members that said UNCERTAIN ... */
		uint64_t ans_down[MTREE_MAX_CORES];	/* ... knowing these down */
		uint16_t round;		/* the most rounds seen for it */
	} cur;
	uint64_t hi;			/* the newest operation id heard of */
	uint64_t last_commit;		/* the last operation id committed here */
	uint64_t applied;		/* operations applied, every epoch */
	/* the previous epoch's outcome, for late questions about it */
	uint32_t prev_epoch;
	uint64_t prev_last_commit;

	/* coordinator */
	uint64_t seq;			/* the last operation id given */
	struct agree_sub queue[AGREE_QUEUE];
	unsigned qhead, qlen;
	uint32_t seen_tag[MTREE_MAX_CORES];	/* newest submission taken per origin */

	/* origin: its own submissions, the first one submitted, the rest waiting */
	struct agree_sub pending[AGREE_PENDING];
	unsigned phead, plen;
	uint32_t next_tag;
	uint64_t sub_deadline, sub_retry;
	bool sub_proposed;		/* the first one was seen in a PREPARE */

	/* to send */
	struct agree_msg out[AGREE_OUTBOX];
	unsigned ohead, olen;

	struct agree_stats stats;
};

/* Sets up core `self` with no view yet. ERR_INVALID_ARG for NULLs, a bound
 * of 0, self >= MTREE_MAX_CORES. */
err_t agree_init(struct agree *a, unsigned self, const struct agree_conf *conf,
		 const struct agree_ops *ops, void *ctx);

/*
 * Installs a view: epoch (greater than the last one) and the tree (root =
 * the coordinator, members = the view; self must be a member). What was
 * queued at the old coordinator is dropped; this member's own waiting
 * submissions go to the new one. ERR_INVALID_ARG for a bad tree or epoch,
 * and while this member is uncertain of an operation or, as coordinator,
 * collecting votes: settle it first (agree_busy).
 */
err_t agree_view(struct agree *a, uint32_t epoch, const struct mtree *tree);

/*
 * Submits an operation (len <= AGREE_PAYLOAD_MAX); *tag (may be NULL) gets
 * the number that ops->done will report it under. ERR_TOO_MANY when
 * AGREE_PENDING are waiting, ERR_INVALID_ARG for no view or a bad length.
 */
err_t agree_submit(struct agree *a, const void *payload, unsigned len, uint32_t *tag);

/* A message for this core: OK when taken (a duplicate included), or
 * ERR_BAD_MESSAGE when dropped (the counters say why). */
err_t agree_input(struct agree *a, const struct agree_msg *m);

/* One tick of the caller's clock: deadlines and retries. */
void agree_tick(struct agree *a);

/* The caller's failure detector says core c is down (and fenced). */
void agree_down(struct agree *a, unsigned c);

/* The next message to send: true and *out filled, or false when none. */
bool agree_pop(struct agree *a, struct agree_msg *out);

/* Is an operation in hand here not decided yet (uncertain, collecting)? */
bool agree_busy(const struct agree *a);

const char *agree_type_name(unsigned type);

#endif
