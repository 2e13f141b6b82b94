/*
 * Agreement by two-phase commit over a multicast tree (the protocol is in
 * agree.h; the diagram and the reasons in docs/agreement.md).
 *
 * One operation is in hand at a time (a->cur). Its states at a member:
 * COLLECTING (its own check passed, the PREPARE went on to its children,
 * their votes are not all in), PREPARED (it voted yes for its subtree and
 * waits for the decision: the only state in which it is uncertain), DONE
 * (the decision is known here). The ids of operations this member has
 * heard of but never voted on, cur.op < id <= a->hi, are fenced: it votes
 * no on them if their PREPARE ever comes, so that an ABORT it answered to
 * a question stays true.
 */
#include "lib/agree.h"
#include "lib/string.h"

static bool has(uint64_t set, unsigned c)
{
	return c < 64 && ((set >> c) & 1);
}

static uint64_t bit(unsigned c)
{
	return 1ull << c;
}

static const char *const type_names[AGREE_NTYPES] = {
	[AGREE_SUBMIT] = "SUBMIT", [AGREE_PREPARE] = "PREPARE", [AGREE_VOTE] = "VOTE",
	[AGREE_DECIDE] = "DECIDE", [AGREE_QUERY] = "QUERY", [AGREE_ANSWER] = "ANSWER",
};

const char *agree_type_name(unsigned type)
{
	return type > 0 && type < AGREE_NTYPES ? type_names[type] : "unknown";
}

static uint16_t next_round(uint16_t r)
{
	return r == UINT16_MAX ? r : (uint16_t)(r + 1);
}

/* A message to `to`, queued; NULL when the outbox is full (counted: the
 * protocol treats it as lost) or `to` is down (nobody to send to). */
static struct agree_msg *emit(struct agree *a, unsigned type, unsigned to, uint16_t round)
{
	struct agree_msg *m;

	if (has(a->down, to))
		return NULL;
	if (a->olen == AGREE_OUTBOX) {
		a->stats.outbox_full++;
		return NULL;
	}
	m = &a->out[(a->ohead + a->olen++) % AGREE_OUTBOX];
	memset(m, 0, sizeof(*m));
	m->type = (uint8_t)type;
	m->from = (uint8_t)a->self;
	m->to = (uint8_t)to;
	m->epoch = a->epoch;
	m->round = round;
	a->stats.sent[type]++;
	return m;
}

static int parent(const struct agree *a)
{
	return a->tree.parent[a->self];
}

static bool is_child(const struct agree *a, unsigned c)
{
	return c < MTREE_MAX_CORES && a->tree.parent[c] == (int)a->self;
}

/* The cores below this one whose votes it collects. */
static uint64_t below(const struct agree *a)
{
	return mtree_subtree(&a->tree, a->self) & ~bit(a->self);
}

static void send_prepare(struct agree *a, unsigned child, uint16_t round)
{
	struct agree_msg *m = emit(a, AGREE_PREPARE, child, round);

	if (!m)
		return;
	m->op = a->cur.op;
	m->origin = a->cur.origin;
	m->tag = a->cur.tag;
	m->last_commit = a->cur.lc;
	m->len = a->cur.len;
	memcpy(m->payload, a->cur.payload, a->cur.len);
}

/*
 * PREPARE to the children whose votes are missing: all of them, or on a
 * sequential tree (unicast) only the first, since the root waits for each
 * answer before it asks the next.
 */
static void prepare_children(struct agree *a, uint16_t round)
{
	for (int c = a->tree.first_child[a->self]; c >= 0; c = a->tree.next_sibling[c]) {
		if ((mtree_subtree(&a->tree, (unsigned)c) & ~a->cur.got) == 0)
			continue;
		send_prepare(a, (unsigned)c, round);
		if (a->tree.sequential)
			return;
	}
}

static void send_vote(struct agree *a, uint16_t round)
{
	struct agree_msg *m;

	if (parent(a) < 0)
		return;
	m = emit(a, AGREE_VOTE, (unsigned)parent(a), round);
	if (!m)
		return;
	m->op = a->cur.op;
	m->outcome = a->cur.outcome;
	m->err = a->cur.err;
	if (a->cur.outcome == AGREE_COMMIT)
		m->voters = mtree_subtree(&a->tree, a->self);
}

static void forward_decision(struct agree *a, uint16_t round)
{
	if (a->cur.forwarded)
		return;
	a->cur.forwarded = true;
	for (int c = a->tree.first_child[a->self]; c >= 0; c = a->tree.next_sibling[c]) {
		struct agree_msg *m = emit(a, AGREE_DECIDE, (unsigned)c, round);

		if (!m)
			continue;
		m->op = a->cur.op;
		m->outcome = a->cur.outcome;
		m->err = a->cur.err;
		m->origin = a->cur.origin;
		m->tag = a->cur.tag;
		m->last_commit = a->cur.lc;
	}
}

/* The origin's first submission goes to the coordinator (or into its own
 * queue when it is the coordinator). */
static void coord_take(struct agree *a, const struct agree_sub *s);

static void send_head(struct agree *a, bool first)
{
	const struct agree_sub *s = &a->pending[a->phead];
	struct agree_msg *m;

	if (first) {
		a->sub_deadline = a->now + a->conf.submit_ticks;
		a->sub_proposed = false;
	}
	a->sub_retry = a->now + a->conf.retry_ticks;
	if (a->self == a->coord) {
		coord_take(a, s);
		return;
	}
	m = emit(a, AGREE_SUBMIT, a->coord, 1);
	if (!m)
		return;
	m->origin = s->origin;
	m->tag = s->tag;
	m->len = s->len;
	memcpy(m->payload, s->payload, s->len);
}

/* The origin's first submission ended: tell the caller, send the next. */
static void head_done(struct agree *a, err_t result)
{
	uint32_t tag = a->pending[a->phead].tag;

	a->phead = (a->phead + 1) % AGREE_PENDING;
	a->plen--;
	if (a->plen && a->has_view)
		send_head(a, true);
	if (a->ops->done)
		a->ops->done(a->ctx, tag, result);
}

/* The operation in hand is decided here: apply it or drop it. */
static void decide_local(struct agree *a, uint8_t outcome, err_t err)
{
	a->cur.state = AGREE_DONE;
	a->cur.outcome = outcome;
	a->cur.err = outcome == AGREE_COMMIT ? OK : err;
	if (outcome == AGREE_COMMIT) {
		a->ops->apply(a->ctx, a->cur.op, a->cur.payload, a->cur.len);
		a->last_commit = a->cur.op;
		a->applied++;
		a->stats.committed++;
	} else {
		a->stats.aborted++;
	}
	if (a->cur.origin == a->self && a->plen && a->pending[a->phead].tag == a->cur.tag)
		head_done(a, a->cur.err);
}

/*
 * A PREPARE or DECIDE for a newer operation says what was last committed
 * before it (lc). If this member is uncertain of the one in hand, that
 * settles it: no later operation can commit without this member's vote,
 * so its operation committed exactly when it is lc. If it was collecting,
 * it never voted yes: aborted. False when lc cannot be true (it names an
 * operation this member did not commit).
 */
static bool settle(struct agree *a, uint64_t lc)
{
	if (a->cur.state == AGREE_PREPARED) {
		if (lc > a->cur.op)
			return false;
		decide_local(a, lc == a->cur.op ? AGREE_COMMIT : AGREE_ABORT, ERR_TIMEOUT);
	} else if (a->cur.state == AGREE_COLLECTING) {
		decide_local(a, AGREE_ABORT, ERR_TIMEOUT);
	}
	return lc == a->last_commit;
}

/* Takes operation `op` in hand, not yet voted on. */
static void take_op(struct agree *a, uint64_t op, uint32_t origin, uint32_t tag, uint64_t lc,
		    const uint8_t *payload, uint16_t len, uint16_t round)
{
	uint64_t keep_hi = a->hi;

	memset(&a->cur, 0, sizeof(a->cur));
	a->cur.state = AGREE_COLLECTING;
	a->cur.op = op;
	a->cur.origin = origin;
	a->cur.tag = tag;
	a->cur.lc = lc;
	a->cur.len = len;
	if (len)
		memcpy(a->cur.payload, payload, len);
	a->cur.round = round;
	a->hi = op > keep_hi ? op : keep_hi;
}

/*
 * This member's own vote on the operation in hand: the replica's check;
 * but the origin votes no on its own submission once it has given up on
 * it (ERR_TIMEOUT was reported), so that it cannot commit after all.
 */
static err_t own_vote(struct agree *a)
{
	if (a->cur.origin == a->self) {
		if (!a->plen || a->pending[a->phead].tag != a->cur.tag)
			return ERR_TIMEOUT;
		a->sub_proposed = true;
	}
	return a->ops->check(a->ctx, a->cur.payload, a->cur.len);
}

/* Every vote below this member is in (and its own was yes). */
static void subtree_yes(struct agree *a, uint16_t round)
{
	if (a->self == a->coord) {
		decide_local(a, AGREE_COMMIT, OK);
		forward_decision(a, round);
		return;
	}
	a->cur.state = AGREE_PREPARED;
	a->cur.outcome = AGREE_COMMIT;
	a->cur.deadline = a->now + a->conf.query_ticks;
	send_vote(a, round);
}

/* A no, its own or from below. */
static void subtree_no(struct agree *a, err_t err, uint16_t round)
{
	if (err == OK)
		err = ERR_BAD_MESSAGE;
	decide_local(a, AGREE_ABORT, err);
	if (a->self == a->coord)
		forward_decision(a, round);
	else
		send_vote(a, round);
}

/* Votes on the operation just taken in hand and passes it on. */
static void start_op(struct agree *a, uint16_t round)
{
	err_t err = own_vote(a);

	if (err) {
		subtree_no(a, err, round);
		return;
	}
	if (below(a) == 0) {
		subtree_yes(a, round);
		return;
	}
	a->cur.retry = a->now + a->conf.retry_ticks;
	prepare_children(a, round);
}

static void coord_take(struct agree *a, const struct agree_sub *s)
{
	if (s->tag <= a->seen_tag[s->origin]) {
		a->stats.duplicate++;
		return;
	}
	if (a->qlen == AGREE_QUEUE)
		return;		/* the origin sends it again */
	a->seen_tag[s->origin] = s->tag;
	a->queue[(a->qhead + a->qlen++) % AGREE_QUEUE] = *s;
}

static unsigned children(const struct agree *a)
{
	unsigned n = 0;

	for (int c = a->tree.first_child[a->self]; c >= 0; c = a->tree.next_sibling[c])
		n++;
	return n;
}

/* The coordinator proposes the next queued operation once none is open;
 * not from inside a callback (ops->done may submit), but when the
 * outermost call ends; and only with room in the outbox for a message to
 * every child (its PREPARE, or its DECIDE when the coordinator's own
 * check says no), so that a run of operations aborted at once loses no
 * decision: the rest wait for the next input or tick, after the caller
 * has sent what is out. */
static void try_propose(struct agree *a)
{
	while (a->depth == 0 && a->has_view && a->self == a->coord && a->qlen &&
	       a->cur.state != AGREE_COLLECTING && AGREE_OUTBOX - a->olen >= children(a)) {
		struct agree_sub *s = &a->queue[a->qhead];

		a->qhead = (a->qhead + 1) % AGREE_QUEUE;
		a->qlen--;
		take_op(a, ++a->seq, s->origin, s->tag, a->last_commit, s->payload, s->len,
			s->round);
		a->cur.deadline = a->now + a->conf.vote_ticks;
		a->stats.proposed++;
		start_op(a, next_round(s->round));
	}
}

static err_t drop(unsigned *counter)
{
	(*counter)++;
	return ERR_BAD_MESSAGE;
}

static err_t on_submit(struct agree *a, const struct agree_msg *m)
{
	struct agree_sub s;

	if (a->self != a->coord || m->origin != m->from || m->tag == 0)
		return drop(&a->stats.forged);
	s.origin = m->origin;
	s.tag = m->tag;
	s.len = m->len;
	s.round = m->round;
	memcpy(s.payload, m->payload, m->len);
	coord_take(a, &s);
	return OK;
}

static err_t on_prepare(struct agree *a, const struct agree_msg *m)
{
	uint16_t r = next_round(m->round);

	if ((int)m->from != parent(a) || m->op == 0)
		return drop(&a->stats.forged);
	if (m->op == a->cur.op && a->cur.state != AGREE_IDLE) {
		/* Sent again: the vote or the PREPARE below was lost. */
		a->stats.duplicate++;
		if (a->cur.state == AGREE_COLLECTING)
			prepare_children(a, r);
		else if (a->cur.state == AGREE_PREPARED ||
			 (a->cur.state == AGREE_DONE && a->cur.outcome == AGREE_ABORT))
			send_vote(a, r);
		return OK;
	}
	if (m->op < a->cur.op) {
		a->stats.duplicate++;
		return OK;
	}
	if (!settle(a, m->last_commit))
		return drop(&a->stats.forged);
	if (m->op <= a->hi) {
		/* Fenced: this member said ABORT for it already. */
		take_op(a, m->op, m->origin, m->tag, m->last_commit, m->payload, m->len, m->round);
		subtree_no(a, ERR_TIMEOUT, r);
		return OK;
	}
	take_op(a, m->op, m->origin, m->tag, m->last_commit, m->payload, m->len, m->round);
	start_op(a, r);
	return OK;
}

static err_t on_vote(struct agree *a, const struct agree_msg *m)
{
	uint16_t r = next_round(m->round);

	if (!is_child(a, m->from))
		return drop(&a->stats.forged);
	if (m->op == 0 || m->op > a->hi)
		return drop(&a->stats.unknown_op);
	if (m->op != a->cur.op || a->cur.state != AGREE_COLLECTING) {
		a->stats.duplicate++;
		return OK;
	}
	if (m->outcome != AGREE_COMMIT) {
		subtree_no(a, m->err, r);
		return OK;
	}
	if (m->voters != mtree_subtree(&a->tree, m->from))
		return drop(&a->stats.forged);
	if (m->voters & a->cur.got) {
		a->stats.duplicate++;
		return OK;
	}
	a->cur.got |= m->voters;
	a->cur.retry = a->now + a->conf.retry_ticks;	/* progress: no need to ask again yet */
	if (a->cur.got == below(a))
		subtree_yes(a, r);
	else if (a->tree.sequential)
		prepare_children(a, r);
	return OK;
}

static err_t on_decide(struct agree *a, const struct agree_msg *m)
{
	uint16_t r = next_round(m->round);

	if ((int)m->from != parent(a) || m->op == 0 || m->outcome == AGREE_UNCERTAIN)
		return drop(&a->stats.forged);
	if (m->op == a->cur.op && a->cur.state != AGREE_IDLE) {
		if (a->cur.state == AGREE_COLLECTING && m->outcome == AGREE_COMMIT)
			return drop(&a->stats.forged);	/* it never voted yes */
		if (a->cur.state == AGREE_DONE) {
			if (m->outcome != a->cur.outcome)
				return drop(&a->stats.forged);
			if (a->cur.forwarded)
				a->stats.duplicate++;
		} else {
			decide_local(a, m->outcome, m->err);
		}
		forward_decision(a, r);
		return OK;
	}
	if (m->op < a->cur.op) {
		/* Overtaken by a newer one; but the origin of one that aborted
		 * wants the reason: take it, or pass it on towards it. */
		if (m->outcome == AGREE_ABORT && m->origin == a->self && a->plen &&
		    a->pending[a->phead].tag == m->tag)
			head_done(a, m->err ? m->err : ERR_TIMEOUT);
		else
			a->stats.duplicate++;
		for (int c = a->tree.first_child[a->self]; c >= 0; c = a->tree.next_sibling[c]) {
			struct agree_msg *f;

			if (m->outcome != AGREE_ABORT ||
			    !has(mtree_subtree(&a->tree, (unsigned)c), m->origin))
				continue;
			f = emit(a, AGREE_DECIDE, (unsigned)c, r);
			if (f) {
				*f = *m;
				f->from = (uint8_t)a->self;
				f->to = (uint8_t)c;
				f->round = r;
			}
		}
		return OK;
	}
	/* An operation this member never saw the PREPARE of. */
	if (m->outcome == AGREE_COMMIT)
		return drop(&a->stats.forged);
	if (m->op > a->hi + AGREE_WINDOW)
		return drop(&a->stats.unknown_op);
	if (!settle(a, m->last_commit))
		return drop(&a->stats.forged);
	take_op(a, m->op, m->origin, m->tag, m->last_commit, NULL, 0, m->round);
	decide_local(a, AGREE_ABORT, m->err);
	forward_decision(a, r);
	return OK;
}

static void answer(struct agree *a, const struct agree_msg *q, uint8_t outcome, err_t err)
{
	struct agree_msg *m = emit(a, AGREE_ANSWER, q->from, next_round(q->round));

	if (!m)
		return;
	m->epoch = q->epoch;
	m->op = q->op;
	m->outcome = outcome;
	m->err = err;
	if (outcome == AGREE_UNCERTAIN)
		m->voters = a->down;
}

/* A question about the epoch before this one: this member is not
 * uncertain of any of its operations (agree_view), so it committed one
 * exactly when it is the last it committed then. */
static err_t on_old_query(struct agree *a, const struct agree_msg *m)
{
	if (m->op == 0 || m->op < a->prev_last_commit)
		return drop(&a->stats.unknown_op);
	if (m->op == a->prev_last_commit)
		answer(a, m, AGREE_COMMIT, OK);
	else
		answer(a, m, AGREE_ABORT, ERR_TIMEOUT);
	return OK;
}

static err_t on_query(struct agree *a, const struct agree_msg *m)
{
	if (m->op == 0)
		return drop(&a->stats.unknown_op);
	if (m->op == a->cur.op && a->cur.state != AGREE_IDLE) {
		switch (a->cur.state) {
		case AGREE_PREPARED:
			answer(a, m, AGREE_UNCERTAIN, OK);
			break;
		case AGREE_COLLECTING:
			if (a->self == a->coord)
				break;	/* it decides by its deadline */
			/* Not voted yes yet: it may still say no. */
			subtree_no(a, ERR_TIMEOUT, next_round(m->round));
			answer(a, m, AGREE_ABORT, ERR_TIMEOUT);
			break;
		default:
			answer(a, m, a->cur.outcome, a->cur.err);
			break;
		}
		return OK;
	}
	if (m->op < a->cur.op) {
		/* The asker is uncertain of it, so nothing after it committed. */
		if (m->op < a->last_commit)
			return drop(&a->stats.unknown_op);
		answer(a, m, m->op == a->last_commit ? AGREE_COMMIT : AGREE_ABORT, ERR_TIMEOUT);
		return OK;
	}
	if (m->op > a->hi) {
		/* Never heard of: fence it, so that the ABORT stays true. The
		 * coordinator knows every id it gave; a member cannot tell one
		 * it missed (however many aborted without it) from one never
		 * given, and fencing the latter costs only no votes, which any
		 * member may cast anyway. */
		if (a->self == a->coord)
			return drop(&a->stats.unknown_op);
		a->hi = m->op;
	}
	answer(a, m, AGREE_ABORT, ERR_TIMEOUT);
	return OK;
}

/* The coordinator is down and every other live member said UNCERTAIN,
 * knowing at least the cores this one knows are down: abort. */
static void try_terminate(struct agree *a)
{
	uint64_t live = a->tree.members & ~a->down & ~bit(a->self);

	if (a->cur.state != AGREE_PREPARED || !has(a->down, a->coord))
		return;
	for (unsigned c = 0; c < MTREE_MAX_CORES; c++) {
		if (!has(live, c))
			continue;
		if (!has(a->cur.uncertain, c) ||
		    (a->down & a->tree.members & ~a->cur.ans_down[c]))
			return;
	}
	a->stats.terminated++;
	decide_local(a, AGREE_ABORT, ERR_TIMEOUT);
	forward_decision(a, next_round(a->cur.round));
}

static err_t on_answer(struct agree *a, const struct agree_msg *m)
{
	if (m->op != a->cur.op || a->cur.state != AGREE_PREPARED) {
		a->stats.duplicate++;
		return OK;
	}
	if (m->outcome == AGREE_UNCERTAIN) {
		a->cur.uncertain |= bit(m->from);
		a->cur.ans_down[m->from] = m->voters;
		try_terminate(a);
		return OK;
	}
	decide_local(a, m->outcome, m->err);
	forward_decision(a, next_round(m->round));
	return OK;
}

err_t agree_input(struct agree *a, const struct agree_msg *m)
{
	err_t err;

	if (!a || !m)
		return ERR_INVALID_ARG;
	if (m->type == 0 || m->type >= AGREE_NTYPES || m->len > AGREE_PAYLOAD_MAX ||
	    m->outcome > AGREE_ABORT)
		return drop(&a->stats.bad_type);
	if (!a->has_view)
		return drop(&a->stats.bad_epoch);
	if (m->to != a->self || m->from == a->self || !has(a->tree.members, m->from))
		return drop(&a->stats.bad_core);
	if (has(a->down, m->from))
		return drop(&a->stats.from_down);
	if (m->epoch != a->epoch) {
		if (m->type == AGREE_QUERY && a->prev_epoch && m->epoch == a->prev_epoch)
			return on_old_query(a, m);
		return drop(&a->stats.bad_epoch);
	}
	if (m->op == a->cur.op && m->round > a->cur.round)
		a->cur.round = m->round;
	a->depth++;
	switch (m->type) {
	case AGREE_SUBMIT:
		err = on_submit(a, m);
		break;
	case AGREE_PREPARE:
		err = on_prepare(a, m);
		break;
	case AGREE_VOTE:
		err = on_vote(a, m);
		break;
	case AGREE_DECIDE:
		err = on_decide(a, m);
		break;
	case AGREE_QUERY:
		err = on_query(a, m);
		break;
	default:
		err = on_answer(a, m);
		break;
	}
	a->depth--;
	try_propose(a);
	return err;
}

void agree_tick(struct agree *a)
{
	uint16_t r;

	a->now++;
	if (!a->has_view)
		return;
	r = next_round(a->cur.round);
	a->depth++;
	if (a->cur.state == AGREE_COLLECTING && a->self == a->coord) {
		if (a->now >= a->cur.deadline) {
			a->stats.timeouts++;
			subtree_no(a, ERR_TIMEOUT, r);
		} else if (a->now >= a->cur.retry) {
			a->cur.retry = a->now + a->conf.retry_ticks;
			prepare_children(a, r);
		}
	}
	if (a->cur.state == AGREE_PREPARED && a->now >= a->cur.deadline) {
		a->cur.deadline = a->now + a->conf.query_ticks;
		a->stats.queries++;
		for (unsigned c = 0; c < MTREE_MAX_CORES; c++) {
			struct agree_msg *m;

			if (!has(a->tree.members, c) || c == a->self)
				continue;
			m = emit(a, AGREE_QUERY, c, r);
			if (m)
				m->op = a->cur.op;
		}
	}
	if (a->plen && !a->sub_proposed) {
		if (a->now >= a->sub_deadline)
			head_done(a, ERR_TIMEOUT);
		else if (a->now >= a->sub_retry && a->self != a->coord)
			send_head(a, false);
	}
	a->depth--;
	try_propose(a);
}

void agree_down(struct agree *a, unsigned c)
{
	if (!a || c >= MTREE_MAX_CORES || c == a->self)
		return;
	a->down |= bit(c);
	a->depth++;
	/* Still collecting when the coordinator died: no decision will come,
	 * and without this member's yes none can be COMMIT. */
	if (c == a->coord && a->cur.state == AGREE_COLLECTING)
		subtree_no(a, ERR_TIMEOUT, next_round(a->cur.round));
	try_terminate(a);
	a->depth--;
	try_propose(a);
}

err_t agree_init(struct agree *a, unsigned self, const struct agree_conf *conf,
		 const struct agree_ops *ops, void *ctx)
{
	if (!a || !conf || !ops || !ops->check || !ops->apply || self >= MTREE_MAX_CORES ||
	    !conf->vote_ticks || !conf->retry_ticks || !conf->query_ticks || !conf->submit_ticks)
		return ERR_INVALID_ARG;
	memset(a, 0, sizeof(*a));
	a->self = self;
	a->conf = *conf;
	a->ops = ops;
	a->ctx = ctx;
	return OK;
}

bool agree_busy(const struct agree *a)
{
	return a->cur.state == AGREE_PREPARED ||
	       (a->cur.state == AGREE_COLLECTING && a->self == a->coord);
}

err_t agree_view(struct agree *a, uint32_t epoch, const struct mtree *t)
{
	if (!a || !t || t->root >= MTREE_MAX_CORES || !has(t->members, t->root) ||
	    !has(t->members, a->self) || epoch == 0 || (a->has_view && epoch <= a->epoch) ||
	    agree_busy(a))
		return ERR_INVALID_ARG;
	if (a->has_view) {
		a->prev_epoch = a->epoch;
		a->prev_last_commit = a->last_commit;
	}
	a->epoch = epoch;
	a->tree = *t;
	a->coord = t->root;
	a->down &= ~t->members;		/* a member of a view is alive */
	a->has_view = true;
	memset(&a->cur, 0, sizeof(a->cur));
	a->hi = a->last_commit = a->seq = 0;
	a->qhead = a->qlen = 0;
	memset(a->seen_tag, 0, sizeof(a->seen_tag));
	a->depth++;
	if (a->plen)
		send_head(a, true);
	a->depth--;
	try_propose(a);
	return OK;
}

err_t agree_submit(struct agree *a, const void *payload, unsigned len, uint32_t *tag)
{
	struct agree_sub *s;

	if (!a || !a->has_view || len > AGREE_PAYLOAD_MAX || (len && !payload))
		return ERR_INVALID_ARG;
	if (a->plen == AGREE_PENDING)
		return ERR_TOO_MANY;
	s = &a->pending[(a->phead + a->plen++) % AGREE_PENDING];
	memset(s, 0, sizeof(*s));
	s->origin = a->self;
	s->tag = ++a->next_tag;
	s->len = (uint16_t)len;
	s->round = 0;
	if (len)
		memcpy(s->payload, payload, len);
	if (tag)
		*tag = s->tag;
	if (a->plen == 1)
		send_head(a, true);
	try_propose(a);
	return OK;
}

bool agree_pop(struct agree *a, struct agree_msg *out)
{
	if (!a->olen)
		return false;
	*out = a->out[a->ohead];
	a->ohead = (a->ohead + 1) % AGREE_OUTBOX;
	a->olen--;
	return true;
}
