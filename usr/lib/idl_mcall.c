/*
 * The moncall transport, the process's side (flotilla/idl_mcall.h):
 * each fragment sent is an LMP call on the monitor's endpoint (a call's
 * capability with its first fragment), whose
 * answer is an ACK, a fragment of the reply, or a refusal; the reply's
 * later fragments are fetched with PULL calls as the runtime asks for
 * them.
 */
#include <flotilla/idl_mcall.h>

/* Takes the monitor's answer m to one of our calls. */
static err_t answer(struct idl_mcall *mc, const struct lmp_msg *m, bool pull)
{
	uint32_t low = (uint32_t)m->w[0];

	if (LMP_INFO_KIND(m->info) != LMP_KIND_REPLY)
		mc->refused = ERR_BAD_MESSAGE;
	else if (low == MCALL_REFUSED)
		mc->refused = m->w[1] ? (err_t)m->w[1] : ERR_BAD_MESSAGE;
	else if (low == MCALL_ACK && !pull && mcall_ticket(m->w[0]))
		mc->ticket = mcall_ticket(m->w[0]);
	else if (mcall_unpack(m->w, &mc->in) == OK && mcall_ticket(m->w[0])) {
		mc->ticket = mcall_ticket(m->w[0]);
		mc->have = true;
	} else
		mc->refused = ERR_BAD_MESSAGE;	/* not what a monitor says */
	return mc->refused ? ERR_NO_REPLY : OK;
}

static err_t mc_send(void *tp, const struct idl_frag *f)
{
	struct idl_mcall *mc = tp;
	uint64_t w[LMP_WORDS];
	struct lmp_msg m;
	err_t err;

	/* A capability rides with a call's first fragment only: the monitor
	 * keeps it for the conversation from there. */
	if (f->nwords > IDL_LMP_FRAG_WORDS ||
	    (f->cap != IDL_CAP_NONE && !(f->hdr & IDL_HDR_FIRST)))
		return ERR_UNSUPPORTED;
	if (mc->refused)
		return ERR_NO_REPLY;
	if (f->hdr & IDL_HDR_FIRST)
		mc->ticket = 0;			/* a new conversation */
	mcall_pack(f, mc->ticket, w);
	unsigned flags = f->cap == IDL_CAP_NONE ? 0 : LMP_SEND_CAP | (f->give ? LMP_GIVE : 0);
	if ((err = lmp_call(mc->ep, flags, f->cap, 0, w, &m)))
		return err;
	return answer(mc, &m, false);
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
		if ((err = answer(mc, &m, true)))
			return err;
	}
	*f = mc->in;
	mc->have = false;
	return OK;
}

const struct idl_transport idl_mcall_transport = {
	.name = "mcall",
	.frag_words = IDL_LMP_FRAG_WORDS,
	.frag_words_cap = IDL_LMP_FRAG_WORDS,
	.send = mc_send,
	.recv = mc_recv,
};
