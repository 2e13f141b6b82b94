/*
 * The interface runtime (contract in idl.h, the why in docs/interfaces.md):
 * cutting a marshalled message into fragments, putting received fragments
 * back together, refusing whatever does not fit, and the string and byte
 * array codecs the generated stubs share.
 *
 * Reassembly keeps one message at a time: a peer sends a message's
 * fragments in order and never interleaves two (one binding, one sender),
 * so anything else is garbage or a message cut short, and the cure for
 * both is the same: drop what was gathered and wait for a first fragment.
 * Every length is checked against the interface's table and the buffer
 * before a word is copied, so no input steers a write out of bounds.
 */
#include <kpi/lmp.h>
#include "lib/idl.h"
#include "lib/string.h"

err_t idl_binding_init(struct idl_binding *b, const struct idl_iface *iface,
		       const struct idl_transport *tr, void *tp, uint64_t *tx, uint64_t *rx,
		       unsigned bufwords, idl_wait_fn wait)
{
	if (!b || !iface || !tr || !tx || !rx || !tr->send || !tr->recv)
		return ERR_INVALID_ARG;
	if (iface->nmsgs == 0 || iface->nmsgs > IDL_MSGS_MAX || !iface->msgs ||
	    iface->max_words > IDL_MSG_WORDS_MAX || bufwords < iface->max_words)
		return ERR_INVALID_ARG;
	if (tr->frag_words == 0 || tr->frag_words > IDL_FRAG_WORDS_MAX ||
	    tr->frag_words_cap == 0 || tr->frag_words_cap > tr->frag_words ||
	    (tr->cap_last && tr->frag_words_cap != tr->frag_words))
		return ERR_INVALID_ARG;
	memset(b, 0, sizeof(*b));
	b->iface = iface;
	b->tr = tr;
	b->tp = tp;
	b->tx = tx;
	b->rx = rx;
	b->bufwords = bufwords;
	b->wait = wait;
	b->rx_cap = IDL_CAP_NONE;
	return OK;
}

err_t idl_wait(struct idl_binding *b, enum idl_wait why)
{
	if (b->tr->idle)
		b->tr->idle(b->tp, why);
	return b->wait ? b->wait(b, why) : ERR_WOULD_BLOCK;
}

void idl_drop_cap(struct idl_binding *b, capaddr_t cap)
{
	if (cap != IDL_CAP_NONE && b->tr->drop_cap)
		b->tr->drop_cap(b->tp, cap);
}

/* ---- Sending ---- */

err_t idl_send(struct idl_binding *b, unsigned num, unsigned nwords, capaddr_t cap, bool give)
{
	const struct idl_msg_desc *d;
	struct idl_frag f;
	unsigned done = 0, index = 0;
	err_t err;

	if (num >= b->iface->nmsgs)
		return ERR_INVALID_ARG;
	d = &b->iface->msgs[num];
	/* The generated encoders cannot get these wrong; a hand-made call can. */
	if (nwords < d->min_words || nwords > d->max_words || nwords > b->bufwords ||
	    (cap != IDL_CAP_NONE && !d->caps))
		return ERR_INVALID_ARG;

	/* A zero-word message is still one (empty) fragment. */
	do {
		unsigned room = index == 0 && cap != IDL_CAP_NONE ? b->tr->frag_words_cap
								   : b->tr->frag_words;
		unsigned n = nwords - done < room ? nwords - done : room;

		f.hdr = index == 0 ? idl_hdr_first(num, nwords, cap != IDL_CAP_NONE)
				   : idl_hdr_next(num, index);
		f.nwords = n;
		memcpy(f.w, b->tx + done, n * sizeof(uint64_t));
		f.cap = (b->tr->cap_last ? done + n == nwords : index == 0) ? cap : IDL_CAP_NONE;
		f.give = give;
		f.cap_err = OK;
		while ((err = b->tr->send(b->tp, &f)) == ERR_WOULD_BLOCK) {
			err = idl_wait(b, IDL_WAIT_SEND);
			if (err)
				break;
		}
		if (err) {
			/* Before the first fragment nothing went, so the caller
			 * may simply try again; after it, the message is cut. */
			if (index > 0)
				b->cut++;
			return err;
		}
		b->frags_sent++;
		done += n;
		index++;
	} while (done < nwords);
	b->msgs_sent++;
	if (b->tr->sent)
		b->tr->sent(b->tp);
	return OK;
}

/* ---- Receiving ---- */

/* Forgets a message being reassembled, giving back its capability. */
static void abandon(struct idl_binding *b)
{
	if (b->rx_busy || b->rx_ready)
		idl_drop_cap(b, b->rx_cap);
	b->rx_busy = b->rx_ready = b->rx_cap_due = false;
	b->rx_cap = IDL_CAP_NONE;
}

/* The capability of the fragment that makes the message whole: the one
 * announced (which f now hands over), or why none came. */
static void take_cap(struct idl_binding *b, struct idl_frag *f)
{
	b->rx_cap = f->cap;
	f->cap = IDL_CAP_NONE;			/* the binding holds it now */
	b->rx_cap_err = OK;
	if (b->rx_cap == IDL_CAP_NONE)
		b->rx_cap_err = f->cap_err ? f->cap_err : ERR_NOT_FOUND;
}

/* A fragment that starts a message. OK when it was taken (the message may
 * be whole now), ERR_BAD_MESSAGE when it was refused. */
static err_t take_first(struct idl_binding *b, struct idl_frag *f)
{
	unsigned num = idl_hdr_num(f->hdr), total = idl_hdr_count(f->hdr);
	bool announced = f->hdr & IDL_HDR_CAP;
	bool due = announced && b->tr->cap_last && f->nwords < total;	/* comes last */
	const struct idl_msg_desc *d;

	if (b->rx_busy) {
		/* The message before it never finished: a sender that gave up
		 * half-way, or a lost fragment. Refuse that one, keep this. */
		abandon(b);
		b->rx_lost = true;
	}
	if (num >= b->iface->nmsgs)
		return ERR_BAD_MESSAGE;
	d = &b->iface->msgs[num];
	if (total < d->min_words || total > d->max_words || total > b->bufwords ||
	    f->nwords > total || (announced && !d->caps) ||
	    ((!announced || due) && f->cap != IDL_CAP_NONE))
		return ERR_BAD_MESSAGE;
	b->rx_busy = true;
	b->rx_num = (uint8_t)num;
	b->rx_total = total;
	b->rx_have = f->nwords;
	b->rx_next = 1;
	b->rx_cap_due = due;
	b->rx_cap = IDL_CAP_NONE;
	b->rx_cap_err = OK;
	if (announced && !due)
		take_cap(b, f);
	memcpy(b->rx, f->w, f->nwords * sizeof(uint64_t));
	return OK;
}

/* A fragment that continues a message. Only the last may bring a
 * capability, and only the one its first announced (cap_last). */
static err_t take_next(struct idl_binding *b, struct idl_frag *f)
{
	if (!b->rx_busy)
		return ERR_BAD_MESSAGE;		/* no first fragment: wait for one */
	bool last = f->nwords == b->rx_total - b->rx_have;
	if (idl_hdr_num(f->hdr) != b->rx_num || idl_hdr_count(f->hdr) != b->rx_next ||
	    (f->hdr & IDL_HDR_CAP) || (f->cap != IDL_CAP_NONE && !(b->rx_cap_due && last)) ||
	    f->nwords == 0 || f->nwords > b->rx_total - b->rx_have) {
		abandon(b);
		return ERR_BAD_MESSAGE;
	}
	if (b->rx_cap_due && last) {
		b->rx_cap_due = false;
		take_cap(b, f);
	}
	memcpy(b->rx + b->rx_have, f->w, f->nwords * sizeof(uint64_t));
	b->rx_have += f->nwords;
	b->rx_next++;
	return OK;
}

/* Hands the whole message over; the capability becomes the caller's. */
static void hand_over(struct idl_binding *b, struct idl_rmsg *m)
{
	m->num = b->rx_num;
	m->w = b->rx;
	m->nwords = b->rx_total;
	m->cap = b->rx_cap;
	m->cap_err = b->rx_cap_err;
	b->rx_ready = false;
	b->rx_cap = IDL_CAP_NONE;
	b->msgs_received++;
}

static err_t bad(struct idl_binding *b)
{
	b->bad++;
	return ERR_BAD_MESSAGE;
}

static err_t recv_msg(struct idl_binding *b, struct idl_rmsg *m, bool block)
{
	struct idl_frag f;
	err_t err;

	if (b->rx_ready) {
		hand_over(b, m);
		return OK;
	}
	for (;;) {
		f.cap = IDL_CAP_NONE;
		f.cap_err = OK;
		err = b->tr->recv(b->tp, &f, block);
		if (err == ERR_BAD_MESSAGE) {
			abandon(b);
			return bad(b);
		}
		if (err)
			return err;
		b->frags_received++;
		if (!idl_hdr_is_frag(f.hdr) || (f.hdr & IDL_HDR_RESERVED) ||
		    f.nwords > IDL_FRAG_WORDS_MAX) {
			idl_drop_cap(b, f.cap);
			abandon(b);
			return bad(b);
		}
		err = f.hdr & IDL_HDR_FIRST ? take_first(b, &f) : take_next(b, &f);
		idl_drop_cap(b, f.cap);		/* one nobody took */
		if (err == OK && b->rx_busy && b->rx_have == b->rx_total) {
			b->rx_busy = false;
			b->rx_ready = true;
		}
		if (b->rx_lost) {
			/* Report the abandoned message now; a whole new one
			 * waits in rx_ready for the next call. */
			b->rx_lost = false;
			return bad(b);
		}
		if (err)
			return bad(b);
		if (b->rx_ready) {
			hand_over(b, m);
			return OK;
		}
	}
}

err_t idl_recv(struct idl_binding *b, struct idl_rmsg *m)
{
	return recv_msg(b, m, false);
}

err_t idl_recv_wait(struct idl_binding *b, struct idl_rmsg *m)
{
	err_t err;

	while ((err = recv_msg(b, m, true)) == ERR_WOULD_BLOCK) {
		err = idl_wait(b, IDL_WAIT_RECV);
		if (err)
			return err;
	}
	return err;
}

void idl_reject(struct idl_binding *b, const struct idl_rmsg *m)
{
	idl_drop_cap(b, m->cap);
	b->bad++;
}

/* ---- Strings and byte arrays ---- */

/* Copies len bytes into whole words at e->w[e->n], zero-padding the last;
 * `nul` adds one more zero byte (a string's terminator). */
static void put_bytes(struct idl_enc *e, const void *p, size_t len, bool nul)
{
	size_t words = (len + nul + 7) / 8;

	if (words > e->max - e->n) {
		if (!e->err)
			e->err = ERR_TRUNCATED;
		return;
	}
	if (words) {
		e->w[e->n + words - 1] = 0;
		if (len)
			memcpy(&e->w[e->n], p, len);
		if (nul)
			((char *)&e->w[e->n])[len] = 0;
	}
	e->n += (unsigned)words;
}

void idl_enc_string(struct idl_enc *e, const char *s, size_t max)
{
	size_t len;

	if (e->err)
		return;
	if (!s) {
		e->err = ERR_INVALID_ARG;
		return;
	}
	len = strnlen(s, max + 1);
	if (len > max) {
		e->err = ERR_INVALID_ARG;
		return;
	}
	idl_enc_word(e, len);
	put_bytes(e, s, len, true);
}

void idl_enc_bytes(struct idl_enc *e, const void *p, size_t len, size_t max)
{
	if (e->err)
		return;
	if (len > max || (len && !p)) {
		e->err = ERR_INVALID_ARG;
		return;
	}
	idl_enc_word(e, len);
	put_bytes(e, p, len, false);
}

/*
 * Takes `len` bytes (plus a NUL if `nul`) out of whole words: the words
 * must be there, and every byte after them (the NUL and the padding) must
 * be zero, so an encoding has exactly one form. Returns where they start.
 */
static const uint8_t *get_bytes(struct idl_dec *d, size_t len, bool nul)
{
	size_t words = (len + nul + 7) / 8;
	const uint8_t *p;

	if (d->bad || words > d->n - d->i) {
		d->bad = true;
		return NULL;
	}
	p = (const uint8_t *)&d->w[d->i];
	for (size_t k = len; k < words * 8; k++)
		if (p[k]) {
			d->bad = true;
			return NULL;
		}
	d->i += (unsigned)words;
	return p;
}

const char *idl_dec_string(struct idl_dec *d, size_t max)
{
	uint64_t len = idl_dec_word(d);
	const uint8_t *p;

	if (len > max) {
		d->bad = true;
		return NULL;
	}
	p = get_bytes(d, (size_t)len, true);
	/* NUL-free: a C string that ends early would hide bytes. */
	if (p && strnlen((const char *)p, (size_t)len) != len) {
		d->bad = true;
		return NULL;
	}
	return (const char *)p;
}

const uint8_t *idl_dec_bytes(struct idl_dec *d, size_t max, size_t *len)
{
	uint64_t n = idl_dec_word(d);
	const uint8_t *p;

	*len = 0;
	if (n > max) {
		d->bad = true;
		return NULL;
	}
	p = get_bytes(d, (size_t)n, false);
	if (p)
		*len = (size_t)n;
	return p;
}

/* ---- LMP framing ---- */

#define LMP_LEN_SHIFT	32

_Static_assert(LMP_WORDS == IDL_LMP_FRAG_WORDS + 1, "an LMP fragment is a header word and 3 more");

void idl_lmp_pack(const struct idl_frag *f, uint64_t w[4])
{
	unsigned n = f->nwords < IDL_LMP_FRAG_WORDS ? f->nwords : IDL_LMP_FRAG_WORDS;

	w[0] = f->hdr | (uint64_t)n << LMP_LEN_SHIFT;
	for (unsigned i = 0; i < IDL_LMP_FRAG_WORDS; i++)
		w[1 + i] = i < n ? f->w[i] : 0;
}

err_t idl_lmp_unpack(const uint64_t w[4], struct idl_frag *f)
{
	uint64_t n = w[0] >> LMP_LEN_SHIFT;

	if (!idl_hdr_is_frag((uint32_t)w[0]) || n > IDL_LMP_FRAG_WORDS)
		return ERR_BAD_MESSAGE;
	f->hdr = (uint32_t)w[0];
	f->nwords = (unsigned)n;
	for (unsigned i = 0; i < n; i++)
		f->w[i] = w[1 + i];
	return OK;
}
