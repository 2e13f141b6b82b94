/*
 * The fixtures of the interface tests: idl_fixture.h says what they are.
 */
#include <stdlib.h>
#include "if_test.h"
#include "idl_fixture.h"

static capaddr_t fake_free_slot(struct fake_end *e)
{
	for (capaddr_t i = AUTO_SLOTS; i < CSPACE; i++)
		if (!e->cspace[i] && i != e->slot)
			return i;
	return IDL_CAP_NONE;
}

static err_t fake_send(void *tp, const struct idl_frag *f)
{
	struct fake_end *e = tp;
	struct fake_q *q = e->tx;
	uint64_t obj = 0;

	if (q->tail - q->head == FQ_LEN)
		return ERR_WOULD_BLOCK;
	if (f->cap != IDL_CAP_NONE) {
		/* The fake kernel: copy or move the object (LMP_GIVE). */
		if (f->cap >= CSPACE || !e->cspace[f->cap])
			return ERR_CAP_EMPTY;
		obj = e->cspace[f->cap];
		if (f->give)
			e->cspace[f->cap] = 0;
	}
	idl_lmp_pack(f, q->m[q->tail % FQ_LEN].w);
	q->m[q->tail % FQ_LEN].obj = obj;
	q->tail++;
	return OK;
}

static err_t fake_recv(void *tp, struct idl_frag *f, bool block)
{
	struct fake_end *e = tp;
	struct fake_q *q = e->rx;
	uint64_t obj;
	err_t err;

	if (q->head == q->tail)
		return ERR_WOULD_BLOCK;
	obj = q->m[q->head % FQ_LEN].obj;
	err = idl_lmp_unpack(q->m[q->head % FQ_LEN].w, f);
	q->head++;
	if (err)
		return err;		/* the object is lost with it, as no slot took it */
	if (obj) {
		if (e->slot != IDL_CAP_NONE && !e->cspace[e->slot]) {
			e->cspace[e->slot] = obj;
			f->cap = e->slot;
			e->slot = e->next_slot ? fake_free_slot(e) : IDL_CAP_NONE;
		} else {
			f->cap_err = ERR_NO_SLOT;
		}
	}
	return OK;
}

static void fake_drop(void *tp, capaddr_t cap)
{
	struct fake_end *e = tp;

	e->cspace[cap] = 0;
	e->drops++;
	if (e->slot == IDL_CAP_NONE)
		e->slot = cap;
}

const struct idl_transport fake_lmp = {
	.name = "fake-lmp",
	.frag_words = IDL_LMP_FRAG_WORDS,
	.frag_words_cap = IDL_LMP_FRAG_WORDS,
	.send = fake_send,
	.recv = fake_recv,
	.drop_cap = fake_drop,
};

/* The same, with a message's capability on its last fragment (as the
 * moncall transport). */
const struct idl_transport fake_lmp_last = {
	.name = "fake-lmp-last",
	.frag_words = IDL_LMP_FRAG_WORDS,
	.frag_words_cap = IDL_LMP_FRAG_WORDS,
	.send = fake_send,
	.recv = fake_recv,
	.drop_cap = fake_drop,
	.cap_last = true,
};

/* Puts a raw LMP message (as a hostile peer would) in e's receive queue. */
void fake_inject(struct fake_end *e, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3,
		 uint64_t obj)
{
	struct fake_q *q = e->rx;
	unsigned i = q->tail++ % FQ_LEN;

	q->m[i].w[0] = w0;
	q->m[i].w[1] = w1;
	q->m[i].w[2] = w2;
	q->m[i].w[3] = w3;
	q->m[i].obj = obj;
}

/* Buffers of exactly IF_TEST_MAX_WORDS words, so AddressSanitizer sees
 * any access past them. */
static err_t bind(struct idl_binding *b, const struct idl_transport *tr, void *tp,
		  idl_wait_fn wait)
{
	uint64_t *tx = malloc(IF_TEST_MAX_WORDS * sizeof(uint64_t));
	uint64_t *rx = malloc(IF_TEST_MAX_WORDS * sizeof(uint64_t));

	if (!tx || !rx) {
		free(tx);
		free(rx);
		return ERR_NO_MEMORY;
	}
	return idl_binding_init(b, &if_test_iface, tr, tp, tx, rx, IF_TEST_MAX_WORDS, wait);
}

static void unbind(struct idl_binding *b)
{
	free(b->tx);
	free(b->rx);
}



struct fix *fix_urpc(unsigned slots, idl_wait_fn wait)
{
	struct fix *x = calloc(1, sizeof(*x));
	size_t bytes = URPC_DUPLEX_BYTES(slots);

	if (!x || !(x->mem = aligned_alloc(URPC_LINE, bytes)))
		goto fail;
	x->slots = slots;
	if (urpc_duplex_init(x->mem, bytes, slots) ||
	    urpc_duplex_open(&x->da, x->mem, bytes, slots, 0) ||
	    urpc_duplex_open(&x->db, x->mem, bytes, slots, 1) ||
	    idl_urpc_init(&x->ua, &x->da.tx, &x->da.rx) ||
	    idl_urpc_init(&x->ub, &x->db.tx, &x->db.rx) ||
	    bind(&x->a, &idl_urpc_transport, &x->ua, wait) ||
	    bind(&x->b, &idl_urpc_transport, &x->ub, wait))
		goto fail;
	return x;
fail:
	if (x)
		free(x->mem);
	free(x);
	return NULL;
}

struct fix *fix_lmp_over(const struct idl_transport *tr, idl_wait_fn wait)
{
	struct fix *x = calloc(1, sizeof(*x));

	if (!x)
		return NULL;
	x->la = (struct fake_end){ .tx = &x->qab, .rx = &x->qba, .slot = 10, .next_slot = true };
	x->lb = (struct fake_end){ .tx = &x->qba, .rx = &x->qab, .slot = 10, .next_slot = true };
	if (bind(&x->a, tr, &x->la, wait) || bind(&x->b, tr, &x->lb, wait)) {
		free(x);
		return NULL;
	}
	return x;
}

struct fix *fix_lmp(idl_wait_fn wait)
{
	return fix_lmp_over(&fake_lmp, wait);
}

void fix_free(struct fix *x)
{
	if (!x)
		return;
	unbind(&x->a);
	unbind(&x->b);
	free(x->mem);
	free(x);
}

/* A raw URPC message from a's side, as a hostile peer would send it. */
err_t inject(struct fix *x, uint32_t hdr, const uint64_t *w, unsigned n)
{
	return urpc_send(&x->da.tx, w, n, hdr);
}

/* Sends a good message and checks that it arrives: after whatever came
 * before was refused. Returns 0 or a line number. */
int good_one_arrives(struct fix *x, uint64_t tag)
{
	struct if_test_msg m;
	err_t err;

	if (if_test_scalars_send(&x->a, 7, 7, 7, tag, -tag, true, 0) != OK)
		return __LINE__;
	for (int tries = 0; tries < 4; tries++) {
		err = if_test_recv(&x->b, &m);
		if (err == ERR_BAD_MESSAGE)
			continue;
		if (err != OK)
			return __LINE__;
		if (m.num == IF_TEST_SCALARS && m.scalars.u64 == tag &&
		    m.scalars.i64 == -(int64_t)tag)
			return 0;
	}
	return __LINE__;
}
