/*
 * The moncall transport, the process's side (flotilla/idl_mcall.h):
 * each fragment sent is an LMP call on the monitor's endpoint (a call's
 * capability with its last fragment, which also offers the slot for the
 * reply's), whose answer is an ACK, a fragment of the reply, or a
 * refusal; the reply's later fragments are fetched with PULL calls as the
 * runtime asks for them.
 */
#include <flotilla/caps.h>
#include <flotilla/idl_mcall.h>

/* Deletes a capability that came where none was wanted, unless it is the
 * caller's own lent one come back (mc->lent), which stays in its slot.
 * Only a slot of the task CNode can be named for deleting. */
static void unwanted(const struct idl_mcall *mc, capaddr_t cap)
{
	if (cap != IDL_CAP_NONE && cap != mc->lent && CADDR_L1(cap) == TASK_CN)
		cnode_delete(CPTR_TASKCN, CADDR_L2(cap));
}

/* The reply's fragment in mc->in: its capability, which came with the
 * reply's first fragment (first: this is it; cap: one came), goes to the
 * runtime with the fragment that makes the reply whole. True when the
 * one that came is kept for that (or handed over now). */
static bool reply_cap(struct idl_mcall *mc, const struct lmp_msg *m, bool first, bool cap)
{
	struct idl_frag *f = &mc->in;
	bool kept = false;

	if (first) {
		mc->reply_left = f->hdr & IDL_HDR_FIRST ? idl_hdr_count(f->hdr) : 0;
		mc->due = f->hdr & IDL_HDR_CAP;
		mc->due_cap = mc->due && cap ? mc->slot : IDL_CAP_NONE;
		kept = mc->due && cap;
		mc->cap_err = !mc->due || cap ? OK : LMP_INFO_CAP_ERR(m->info) ?
			(err_t)LMP_INFO_CAP_ERR(m->info) : ERR_CAP_EMPTY;
	}
	mc->reply_left -= f->nwords < mc->reply_left ? f->nwords : mc->reply_left;
	if (mc->due && mc->reply_left == 0) {	/* the runtime checks the rest */
		f->cap = mc->due_cap;
		f->cap_err = mc->cap_err;
		mc->due = false;
		mc->due_cap = IDL_CAP_NONE;
	}
	return kept;
}

/* Takes the monitor's answer m to one of our calls; `last`: the call's
 * last fragment, whose answer is the reply's first and may bring the
 * reply's capability. */
static err_t answer(struct idl_mcall *mc, const struct lmp_msg *m, bool pull, bool last)
{
	uint32_t low = (uint32_t)m->w[0];
	bool cap = m->info & LMP_INFO_CAP;

	if (LMP_INFO_KIND(m->info) != LMP_KIND_REPLY)
		mc->refused = ERR_BAD_MESSAGE;
	else if (low == MCALL_REFUSED)
		mc->refused = m->w[1] ? (err_t)m->w[1] : ERR_BAD_MESSAGE;
	else if (low == MCALL_ACK && !pull && !last && mcall_ticket(m->w[0]))
		mc->ticket = mcall_ticket(m->w[0]);
	else if ((pull || last) && mcall_unpack(m->w, &mc->in) == OK && mcall_ticket(m->w[0])) {
		mc->ticket = mcall_ticket(m->w[0]);
		mc->have = true;
		if (reply_cap(mc, m, last, cap))
			cap = false;
	} else
		mc->refused = ERR_BAD_MESSAGE;	/* not what a monitor says */
	if (cap)			/* with anything else: not ours to keep */
		unwanted(mc, mc->slot);
	if (mc->refused && mc->due_cap != IDL_CAP_NONE) {
		unwanted(mc, mc->due_cap);	/* the reply is lost */
		mc->due_cap = IDL_CAP_NONE;
	}
	return mc->refused ? ERR_NO_REPLY : OK;
}

static err_t mc_send(void *tp, const struct idl_frag *f)
{
	struct idl_mcall *mc = tp;
	uint64_t w[LMP_WORDS];
	struct lmp_msg m;
	err_t err;

	if (f->nwords > IDL_LMP_FRAG_WORDS)
		return ERR_UNSUPPORTED;
	if (mc->refused)
		return ERR_NO_REPLY;
	if (f->hdr & IDL_HDR_FIRST) {
		mc->ticket = 0;			/* a new conversation */
		mc->left = idl_hdr_count(f->hdr);
	}
	mc->left -= f->nwords < mc->left ? f->nwords : mc->left;
	bool last = mc->left == 0;
	mcall_pack(f, mc->ticket, w);
	unsigned flags = (f->cap == IDL_CAP_NONE ? 0 : LMP_SEND_CAP | (f->give ? LMP_GIVE : 0)) |
			 (last && mc->slot ? LMP_RECV_CAP : 0);
	err = lmp_call(mc->ep, flags, f->cap, last ? mc->slot : 0, w, &m);
	if (err == ERR_CAP_NOT_COPYABLE && mc->lend && !f->give && f->cap != IDL_CAP_NONE) {
		/* RAM of our own (the kernel refused before anything went):
		 * moved, and the reply may give it back into the slot it left. */
		if (!mc->slot)
			mc->slot = f->cap;
		mc->lent = mc->slot == f->cap ? f->cap : IDL_CAP_NONE;
		flags |= LMP_GIVE | (last ? LMP_RECV_CAP : 0);
		err = lmp_call(mc->ep, flags, f->cap, last ? mc->slot : 0, w, &m);
	}
	if (err)
		return err;
	return answer(mc, &m, false, last);
}

static err_t mc_recv(void *tp, struct idl_frag *f, bool block)
{
	struct idl_mcall *mc = tp;
	const uint64_t w[LMP_WORDS] = { mcall_word0(MCALL_PULL, 0, mc->ticket) };
	struct lmp_msg m;
	err_t err;

	(void)block;			/* a pull is an LMP call: it always blocks */
	if (!mc->have) {
		if (mc->refused || !mc->ticket)
			return ERR_NO_REPLY;
		if ((err = lmp_call(mc->ep, 0, 0, 0, w, &m)))
			return err;
		if ((err = answer(mc, &m, true, false)))
			return err;
	}
	*f = mc->in;
	mc->have = false;
	return OK;
}

/* A reply's capability the runtime refused (a reply that did not say it
 * brings one); the caller's own lent one stays. */
static void mc_drop_cap(void *tp, capaddr_t cap)
{
	unwanted(tp, cap);
}

const struct idl_transport idl_mcall_transport = {
	.name = "mcall",
	.frag_words = IDL_LMP_FRAG_WORDS,
	.frag_words_cap = IDL_LMP_FRAG_WORDS,
	.send = mc_send,
	.recv = mc_recv,
	.drop_cap = mc_drop_cap,
	.cap_last = true,
};
