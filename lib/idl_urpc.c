/*
 * The URPC transport (idl_urpc.h): one fragment is one URPC message, the
 * fragment header its type. It adds no state of its own to the channel;
 * what a hostile peer can do to the ring is urpc.c's business, and what it
 * can do with fragments is idl.c's.
 */
#include "lib/idl_urpc.h"
#include "lib/string.h"

err_t idl_urpc_init(struct idl_urpc *u, struct urpc_sender *tx, struct urpc_receiver *rx)
{
	if (!u || (!tx && !rx))
		return ERR_INVALID_ARG;
	memset(u, 0, sizeof(*u));
	u->tx = tx;
	u->rx = rx;
	return OK;
}

static err_t urpc_tsend(void *tp, const struct idl_frag *f)
{
	struct idl_urpc *u = tp;
	uint64_t w[URPC_MAX_WORDS];
	unsigned n = f->nwords;
	uint64_t token;
	err_t err;

	if (!u->tx || n > URPC_MAX_WORDS)
		return ERR_INVALID_ARG;
	if (f->cap == IDL_CAP_NONE)
		return urpc_send(u->tx, f->w, n, f->hdr);
	if (!u->caps || !u->caps->put)
		return ERR_UNSUPPORTED;
	if (n + 1 > URPC_MAX_WORDS)
		return ERR_INVALID_ARG;
	/* Hand the capability over only once the slot is sure: a send that
	 * says ERR_WOULD_BLOCK is tried again, and must not move it twice. */
	if (!urpc_can_send(u->tx))
		return ERR_WOULD_BLOCK;
	if ((err = u->caps->put(u->caps->arg, f->cap, f->give, &token)))
		return err;
	memcpy(w, f->w, n * sizeof(uint64_t));
	w[n] = token;
	return urpc_send(u->tx, w, n + 1, f->hdr);
}

static err_t urpc_trecv(void *tp, struct idl_frag *f, bool block)
{
	struct idl_urpc *u = tp;
	uint32_t type;
	err_t err;

	(void)block;		/* never blocks: waiting is the wait hook's job */
	if (!u->rx)
		return ERR_INVALID_ARG;
	for (;;) {
		if ((err = urpc_recv(u->rx, f->w, &f->nwords, &type)))
			return err;
		if (idl_hdr_is_frag(type))
			break;
		if (!u->other)
			return ERR_BAD_MESSAGE;
		u->others++;
		u->other(u->arg, type, f->w, f->nwords);
	}
	f->hdr = type;
	f->cap = IDL_CAP_NONE;
	f->cap_err = OK;
	if ((type & IDL_HDR_CAP) && (type & IDL_HDR_FIRST)) {
		/* The last word is the mover's token for the capability. */
		if (f->nwords == 0)
			return ERR_BAD_MESSAGE;
		f->nwords--;
		if (!u->caps || !u->caps->get)
			f->cap_err = ERR_UNSUPPORTED;
		else if ((err = u->caps->get(u->caps->arg, f->w[f->nwords], &f->cap))) {
			f->cap = IDL_CAP_NONE;
			f->cap_err = err;
		}
	}
	return OK;
}

static void urpc_tsent(void *tp)
{
	struct idl_urpc *u = tp;

	if (u->notify)
		u->notify(u->arg);
}

static void urpc_tidle(void *tp, enum idl_wait why)
{
	struct idl_urpc *u = tp;

	/* About to stop polling: let the sender see every slot we freed
	 * (urpc.h: urpc_flush_ack), or wake a receiver that must drain. */
	if (why == IDL_WAIT_RECV && u->rx)
		urpc_flush_ack(u->rx);
	else if (why == IDL_WAIT_SEND && u->notify)
		u->notify(u->arg);
}

static void urpc_tdrop_cap(void *tp, capaddr_t cap)
{
	struct idl_urpc *u = tp;

	if (u->caps && u->caps->drop)
		u->caps->drop(u->caps->arg, cap);
}

const struct idl_transport idl_urpc_transport = {
	.name = "urpc",
	.frag_words = URPC_MAX_WORDS,
	.frag_words_cap = URPC_MAX_WORDS - 1,	/* one word for the mover's token */
	.send = urpc_tsend,
	.recv = urpc_trecv,
	.sent = urpc_tsent,
	.idle = urpc_tidle,
	.drop_cap = urpc_tdrop_cap,
};
