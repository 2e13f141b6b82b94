/*
 * The LMP transport (flotilla/idl_lmp.h): fragments as LMP messages, in
 * the framing of lib/idl.c (idl_lmp_pack), with the kernel moving the
 * capability of a message's first fragment.
 */
#include <flotilla/idl_lmp.h>
#include <flotilla/sys.h>
#include "lib/string.h"

err_t idl_lmp_init(struct idl_lmp *l, capaddr_t tx_ep, capaddr_t rx_ep, capaddr_t slot)
{
	if (!l || (tx_ep == IDL_CAP_NONE && rx_ep == IDL_CAP_NONE))
		return ERR_INVALID_ARG;
	memset(l, 0, sizeof(*l));
	l->tx_ep = tx_ep;
	l->rx_ep = rx_ep;
	l->slot = slot;
	return OK;
}

static err_t lmp_tsend(void *tp, const struct idl_frag *f)
{
	struct idl_lmp *l = tp;
	uint64_t w[LMP_WORDS];
	unsigned flags = l->nonblock ? LMP_NONBLOCK : 0;

	if (l->tx_ep == IDL_CAP_NONE || f->nwords > IDL_LMP_FRAG_WORDS)
		return ERR_INVALID_ARG;
	if (f->cap != IDL_CAP_NONE)
		flags |= LMP_SEND_CAP | (f->give ? LMP_GIVE : 0);
	idl_lmp_pack(f, w);
	return lmp_send(l->tx_ep, flags, f->cap, w);
}

/* The capability that came with m, if any, is in l->slot: hand it over
 * and offer the next slot. */
static capaddr_t take_cap(struct idl_lmp *l, const struct lmp_msg *m, err_t *why)
{
	capaddr_t cap = l->slot;

	*why = OK;
	if (!(m->info & LMP_INFO_CAP)) {
		*why = LMP_INFO_CAP_ERR(m->info);
		if (*why == OK)
			*why = l->slot == IDL_CAP_NONE ? ERR_NO_SLOT : ERR_NOT_FOUND;
		return IDL_CAP_NONE;
	}
	l->slot = l->next_slot ? l->next_slot(l->arg) : IDL_CAP_NONE;
	return cap;
}

static void drop(struct idl_lmp *l, capaddr_t cap)
{
	if (cap == IDL_CAP_NONE || !l->drop)
		return;
	l->drop(l->arg, cap);
	/* Now empty again: offer it for the next one if we have none. */
	if (l->slot == IDL_CAP_NONE)
		l->slot = cap;
}

static err_t lmp_trecv(void *tp, struct idl_frag *f, bool block)
{
	struct idl_lmp *l = tp;
	struct lmp_msg m;
	capaddr_t cap;
	unsigned flags;
	err_t err, why;

	if (l->rx_ep == IDL_CAP_NONE)
		return ERR_INVALID_ARG;
	for (;;) {
		flags = (block ? 0 : LMP_NONBLOCK) | (l->slot != IDL_CAP_NONE ? LMP_RECV_CAP : 0);
		if ((err = lmp_recv(l->rx_ep, flags, l->slot, &m)))
			return err;
		if (LMP_INFO_KIND(m.info) == LMP_KIND_SEND && idl_lmp_unpack(m.w, f) == OK)
			break;
		/* Not a fragment: someone else's business, or garbage. */
		cap = take_cap(l, &m, &why);
		if (l->other) {
			l->others++;
			l->other(l->arg, &m, cap);	/* the capability is the hook's */
			continue;
		}
		drop(l, cap);
		return ERR_BAD_MESSAGE;
	}
	l->badge = m.badge;
	f->cap = take_cap(l, &m, &f->cap_err);
	return OK;
}

static void lmp_tdrop_cap(void *tp, capaddr_t cap)
{
	drop(tp, cap);
}

const struct idl_transport idl_lmp_transport = {
	.name = "lmp",
	.frag_words = IDL_LMP_FRAG_WORDS,
	.frag_words_cap = IDL_LMP_FRAG_WORDS,
	.send = lmp_tsend,
	.recv = lmp_trecv,
	.drop_cap = lmp_tdrop_cap,
};

err_t idl_lmp_wait(struct idl_binding *b, enum idl_wait why)
{
	sys_yield();
	return OK;
}
