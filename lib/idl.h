/*
 * The interface runtime: what the stubs that tools/idlgen.py generates
 * from if/NAME.if (if_NAME.h, if_NAME.c) stand on. docs/interfaces.md has
 * the language, the wire format and how to bind; this is the contract.
 *
 * A *binding* is one end of a conversation with one peer: a transport
 * (URPC across cores, lib/idl_urpc.h; LMP on one core, flotilla/idl_lmp.h;
 * anything else that moves fragments), two word buffers (one to marshal a
 * message into, one to reassemble a received message in) and a wait hook.
 *
 * A *message* is a message number, 0 to 65535 payload words and at most
 * one capability. The generated encoder marshals the arguments into the
 * binding's send buffer; idl_send cuts the words into *fragments* that fit
 * the transport (URPC: 7 words a slot, LMP: 3 words beside the header
 * word) and sends them in order, the capability riding with the first
 * (with the last on a transport that says cap_last, below).
 * Every fragment has a 32-bit header:
 *
 *	31    28 27 26 25 24 23          16 15                     0
 *	+-------+-----+--+--+--------------+------------------------+
 *	|  0xA  | 0 0 |C |F |   message    | F: total words         |
 *	|       |     |  |  |   number     | else: fragment index   |
 *	+-------+-----+--+--+--------------+------------------------+
 *
 * F marks a message's first fragment, which carries the whole message's
 * length in words; each later one carries its index (1, 2, ...). C says a
 * capability rides with this (first) fragment. 0xA marks a fragment: a
 * channel may carry other traffic beside it (idl_urpc's `other` hook).
 *
 * The receiver trusts nothing: a fragment with an unknown message number,
 * a length outside what that message can have or larger than the buffer, a
 * continuation out of order or without a first fragment, or more words
 * than the message has left is refused with ERR_BAD_MESSAGE; reassembly
 * then starts again at the next first fragment, which also ends (and
 * refuses) any message still incomplete. A whole message is then decoded
 * by the generated code, which refuses any field out of range (a string
 * longer than its bound or without its terminating NUL, a bool that is not
 * 0 or 1, a uint8 above 255, words left over). Nothing a peer sends can
 * make this side read or write outside its buffers.
 *
 * Freestanding: kernel-less user space and host tests. A binding is used
 * by one thread at a time.
 */
#ifndef LIB_IDL_H
#define LIB_IDL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kpi/caps.h>
#include <kpi/errors.h>

/* "No capability": caddr 0 is slot 0 of the task CNode, which holds none
 * by convention (kpi/caps.h's well-known slots start at 1). */
#define IDL_CAP_NONE		((capaddr_t)0)

#define IDL_FRAG_WORDS_MAX	7		/* payload words a fragment may carry */
#define IDL_MSG_WORDS_MAX	0xFFFFu		/* words in one message */
#define IDL_MSGS_MAX		256		/* message numbers in one interface */

/* The fragment header (above). These are the only code that knows it. */
#define IDL_HDR_MAGIC		0xAu
#define IDL_HDR_MAGIC_SHIFT	28
#define IDL_HDR_RESERVED	(3u << 26)
#define IDL_HDR_CAP		(1u << 25)
#define IDL_HDR_FIRST		(1u << 24)
#define IDL_HDR_NUM_SHIFT	16
#define IDL_HDR_COUNT_MASK	0xFFFFu

static inline uint32_t idl_hdr_first(unsigned num, unsigned total, bool cap)
{
	return IDL_HDR_MAGIC << IDL_HDR_MAGIC_SHIFT | IDL_HDR_FIRST | (cap ? IDL_HDR_CAP : 0) |
	       (uint32_t)(num & 0xFF) << IDL_HDR_NUM_SHIFT | (total & IDL_HDR_COUNT_MASK);
}

static inline uint32_t idl_hdr_next(unsigned num, unsigned index)
{
	return IDL_HDR_MAGIC << IDL_HDR_MAGIC_SHIFT | (uint32_t)(num & 0xFF) << IDL_HDR_NUM_SHIFT |
	       (index & IDL_HDR_COUNT_MASK);
}

/* True when h is marked as a fragment (its other fields may still be bad). */
static inline bool idl_hdr_is_frag(uint32_t h)
{
	return h >> IDL_HDR_MAGIC_SHIFT == IDL_HDR_MAGIC;
}

static inline unsigned idl_hdr_num(uint32_t h)
{
	return (h >> IDL_HDR_NUM_SHIFT) & 0xFF;
}

/* Total words (first fragment) or fragment index (the others). */
static inline unsigned idl_hdr_count(uint32_t h)
{
	return h & IDL_HDR_COUNT_MASK;
}

/* One fragment, as a transport sends and receives it. */
struct idl_frag {
	uint32_t hdr;
	unsigned nwords;			/* payload words in w */
	uint64_t w[IDL_FRAG_WORDS_MAX];
	capaddr_t cap;				/* IDL_CAP_NONE, or the capability with it */
	bool give;				/* sending: move the capability, not copy it */
	err_t cap_err;				/* receiving, when the header announces a
						 * capability and none came: why */
};

/* Why a binding waits: its transport cannot take a fragment now, or a
 * blocking call has no reply yet. */
enum idl_wait {
	IDL_WAIT_SEND,
	IDL_WAIT_RECV,
};

/*
 * A transport moves single fragments. `tp` is its own state (struct
 * idl_urpc, struct idl_lmp, a test's fake).
 *
 * send: OK; ERR_WOULD_BLOCK when it cannot take the fragment now (nothing
 * sent: try again); ERR_UNSUPPORTED when the fragment carries a capability
 * it cannot move (nothing sent), or its mover's error for one it refuses
 * (nothing sent); anything else: the transport is broken.
 * recv: OK with *f filled in; ERR_WOULD_BLOCK when nothing is there (a
 * transport that can block in the kernel may when `block` is true);
 * ERR_BAD_MESSAGE when what arrived is no fragment (it is consumed).
 * sent (optional): a whole message went out (URPC: ring the doorbell).
 * idle (optional): the binding is about to call its wait hook (URPC: on
 * IDL_WAIT_RECV, publish the receive count; on IDL_WAIT_SEND, ring).
 * drop_cap (optional): a capability that arrived with a refused message;
 * the transport deletes it (or leaves it, if it cannot).
 * cap_last: a message's capability rides with its last fragment, the one
 * that makes it whole, not with its first (the first still announces
 * it). The moncall transport wants this: there the last fragment and the
 * handler's answer are one LMP call, so nobody can take a capability up
 * between two fragments (docs/interfaces.md, "moncall"). Such a transport
 * carries as many words beside a capability as without one.
 */
struct idl_transport {
	const char *name;
	unsigned frag_words;			/* payload words a fragment carries */
	unsigned frag_words_cap;		/* ... when a capability rides with it */
	err_t (*send)(void *tp, const struct idl_frag *f);
	err_t (*recv)(void *tp, struct idl_frag *f, bool block);
	void (*sent)(void *tp);
	void (*idle)(void *tp, enum idl_wait why);
	void (*drop_cap)(void *tp, capaddr_t cap);
	bool cap_last;
};

/* What the generated code tells the runtime about each message. */
enum idl_kind {
	IDL_MESSAGE,				/* one-way */
	IDL_CALL,				/* an rpc's call: words[0] is the call's id
						 * (none in a paired interface) */
	IDL_REPLY,				/* an rpc's reply: words[0] echoes the id */
};

struct idl_msg_desc {
	const char *name;
	uint16_t min_words, max_words;		/* a well-formed one's length */
	uint8_t caps;				/* 0 or 1 */
	uint8_t kind;				/* enum idl_kind */
};

struct idl_iface {
	const char *name;
	unsigned nmsgs;
	const struct idl_msg_desc *msgs;	/* indexed by message number */
	unsigned max_words;			/* the largest max_words */
};

struct idl_binding;
/*
 * The wait hook: called between tries when the transport is full
 * (IDL_WAIT_SEND) or a call's reply has not come (IDL_WAIT_RECV). It
 * returns OK to try again, or an error to give up, which the send or call
 * then returns. No hook (NULL) means "never wait": ERR_WOULD_BLOCK. It
 * must not send on, or receive from, the binding it is waiting for.
 */
typedef err_t (*idl_wait_fn)(struct idl_binding *b, enum idl_wait why);

struct idl_binding {
	const struct idl_iface *iface;
	const struct idl_transport *tr;
	void *tp;				/* the transport's state */
	idl_wait_fn wait;
	void *user;				/* the application's; untouched here */
	const void *handlers;			/* for messages that come while a call
						 * waits (if_NAME_set_handlers) */
	uint64_t *tx, *rx;			/* bufwords words each */
	unsigned bufwords;

	/* Calls. */
	uint64_t call_id;			/* the id of the last call sent */
	uint64_t reply_id;			/* the id of the last call received */
	bool in_call;				/* a call waits for its reply: the
						 * binding's messages are its own */

	/* Reassembly. */
	bool rx_busy;				/* a message is being reassembled */
	bool rx_ready;				/* ... and is whole, not handed out */
	bool rx_lost;				/* one was abandoned: report it */
	uint8_t rx_num;
	uint16_t rx_next;			/* the index the next fragment must have */
	uint32_t rx_total, rx_have;		/* words announced, words arrived */
	capaddr_t rx_cap;
	err_t rx_cap_err;
	bool rx_cap_due;			/* cap_last: announced, comes last */

	/* Statistics. */
	uint64_t msgs_sent, frags_sent, msgs_received, frags_received;
	uint64_t bad;				/* refusals: ERR_BAD_MESSAGE returned */
	uint64_t cut;				/* messages sent only in part */
	uint64_t dropped;			/* whole messages nobody took */
	uint64_t refused;			/* messages a handler returned an error for */
};

/*
 * Sets up a binding of `iface` over transport `tr` (state `tp`), with
 * buffers of `bufwords` words each (at least iface->max_words; the
 * generated if_NAME_init passes the right ones). ERR_INVALID_ARG for bad
 * arguments or a transport whose fragments hold no words or too many.
 */
err_t idl_binding_init(struct idl_binding *b, const struct idl_iface *iface,
		       const struct idl_transport *tr, void *tp, uint64_t *tx, uint64_t *rx,
		       unsigned bufwords, idl_wait_fn wait);

/*
 * Sends message `num` whose nwords words are in b->tx, with capability
 * `cap` (IDL_CAP_NONE for none; moved if `give`), fragment by fragment,
 * calling the wait hook between tries while the transport is full.
 * Returns OK when all of it went. When the first fragment cannot go and
 * the hook gives up (or there is none), nothing was sent and the error is
 * returned (ERR_WOULD_BLOCK without a hook). When a later one cannot, the
 * message is cut short (b->cut counts it): its receiver refuses it when
 * the next message begins. ERR_UNSUPPORTED: the transport cannot carry the
 * capability (URPC without a capability mover); nothing was sent. The
 * mover's own refusal of the capability (not a Frame, say) is returned
 * the same way: it comes with the first fragment, so nothing was sent;
 * on a cap_last transport it comes with the last, when the fragments
 * before it have gone (the message is cut short, b->cut).
 * ERR_INVALID_ARG: num or nwords do not fit the interface.
 */
err_t idl_send(struct idl_binding *b, unsigned num, unsigned nwords, capaddr_t cap, bool give);

/* A whole received message, as idl_recv hands it to the decoder. */
struct idl_rmsg {
	unsigned num;
	const uint64_t *w;			/* in b->rx: valid until the next receive */
	unsigned nwords;
	capaddr_t cap;				/* now the receiver's, or IDL_CAP_NONE */
	err_t cap_err;				/* why an announced capability did not come */
};

/*
 * Receives fragments until a message is whole: OK and *m, ERR_WOULD_BLOCK
 * (nothing more for now; what arrived so far is kept), ERR_BAD_MESSAGE
 * (something was refused: b->bad counts it; call again, reassembly has
 * started over), or the transport's error. Never blocks.
 */
err_t idl_recv(struct idl_binding *b, struct idl_rmsg *m);

/* The same, but blocking: lets the transport block when it can, and calls
 * the wait hook (IDL_WAIT_RECV) when it returns ERR_WOULD_BLOCK. */
err_t idl_recv_wait(struct idl_binding *b, struct idl_rmsg *m);

/* The decoder refused a whole message: drops its capability and counts it
 * in b->bad. */
void idl_reject(struct idl_binding *b, const struct idl_rmsg *m);

/* Gives a received capability nobody wants back to the transport. */
void idl_drop_cap(struct idl_binding *b, capaddr_t cap);

/* Calls the transport's idle hook, then the wait hook (or says
 * ERR_WOULD_BLOCK when there is none). */
err_t idl_wait(struct idl_binding *b, enum idl_wait why);

/*
 * Marshalling, for the generated encoders: every scalar is one word;
 * a string is its length, then its bytes and a NUL, zero-padded to whole
 * words; bytes are their length, then the bytes, zero-padded. The first
 * error sticks (ERR_INVALID_ARG: a string or byte array longer than its
 * bound, a NULL pointer with a nonzero length; ERR_TRUNCATED: more words
 * than the buffer holds) and idl_enc_send returns it without sending.
 */
struct idl_enc {
	struct idl_binding *b;
	uint64_t *w;
	unsigned n, max;
	err_t err;
};

static inline void idl_enc_begin(struct idl_enc *e, struct idl_binding *b)
{
	e->b = b;
	e->w = b->tx;
	e->n = 0;
	e->max = b->bufwords;
	e->err = OK;
}

static inline void idl_enc_word(struct idl_enc *e, uint64_t v)
{
	if (e->n < e->max)
		e->w[e->n++] = v;
	else if (!e->err)
		e->err = ERR_TRUNCATED;
}

void idl_enc_string(struct idl_enc *e, const char *s, size_t max);
void idl_enc_bytes(struct idl_enc *e, const void *p, size_t len, size_t max);

static inline err_t idl_enc_send(struct idl_enc *e, unsigned num, capaddr_t cap, bool give)
{
	return e->err ? e->err : idl_send(e->b, num, e->n, cap, give);
}

/* A fresh call id (the call message's first word). */
static inline uint64_t idl_next_call_id(struct idl_binding *b)
{
	return ++b->call_id;
}

/*
 * Unmarshalling, for the generated decoders: every read past the end or
 * of a value out of range marks the decoder bad and yields 0 (or NULL);
 * idl_dec_end says ERR_BAD_MESSAGE when anything was bad or words are
 * left over. Strings and byte arrays point into the receive buffer.
 */
struct idl_dec {
	const uint64_t *w;
	unsigned n, i;
	bool bad;
};

static inline void idl_dec_begin(struct idl_dec *d, const struct idl_rmsg *m)
{
	d->w = m->w;
	d->n = m->nwords;
	d->i = 0;
	d->bad = false;
}

static inline uint64_t idl_dec_word(struct idl_dec *d)
{
	if (d->i < d->n)
		return d->w[d->i++];
	d->bad = true;
	return 0;
}

/* An unsigned value of at most `max`. */
static inline uint64_t idl_dec_uint(struct idl_dec *d, uint64_t max)
{
	uint64_t v = idl_dec_word(d);

	if (v > max) {
		d->bad = true;
		return 0;
	}
	return v;
}

/* A word that narrow fields share (docs/interfaces.md, "Encoding"): a
 * bit outside `mask` set refuses the message, so that an encoding has
 * one form (a bool is bit 0 of its byte). */
static inline uint64_t idl_dec_packed(struct idl_dec *d, uint64_t mask)
{
	uint64_t v = idl_dec_word(d);

	if (v & ~mask) {
		d->bad = true;
		return 0;
	}
	return v;
}

/* A signed value in [min, max] (sent as its two's-complement word). */
static inline int64_t idl_dec_int(struct idl_dec *d, int64_t min, int64_t max)
{
	int64_t v = (int64_t)idl_dec_word(d);

	if (v < min || v > max) {
		d->bad = true;
		return 0;
	}
	return v;
}

const char *idl_dec_string(struct idl_dec *d, size_t max);
const uint8_t *idl_dec_bytes(struct idl_dec *d, size_t max, size_t *len);

static inline err_t idl_dec_end(const struct idl_dec *d)
{
	return d->bad || d->i != d->n ? ERR_BAD_MESSAGE : OK;
}

/*
 * LMP framing, shared by the LMP transport (usr/lib/idl_lmp.c) and the host
 * tests' imitation of it: an LMP message is LMP_WORDS (4) words, so a
 * fragment is its header and payload length in word 0 (header in bits
 * 0..31, length in bits 32..35, the rest zero) and up to 3 payload words.
 */
#define IDL_LMP_FRAG_WORDS	3
void idl_lmp_pack(const struct idl_frag *f, uint64_t w[4]);
/* ERR_BAD_MESSAGE when word 0 is no fragment's; fills hdr, nwords, w. */
err_t idl_lmp_unpack(const uint64_t w[4], struct idl_frag *f);

#endif
