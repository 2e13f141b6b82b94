/*
 * libFuzzer target for the receiving side of the interface runtime
 * (lib/idl.c, lib/idl_urpc.c) and the stubs generated from if/test.if: the
 * input is a stream of fragments from a hostile peer, fed to a binding
 * either through a real URPC channel (with a capability mover that hands
 * out fake capabilities for tokens) or through the LMP framing (4 raw
 * words and perhaps a capability each, unpacked by idl_lmp_unpack).
 *
 * Whatever comes in: every accepted message is well-formed (strings
 * NUL-terminated within their bound, lengths within theirs, pointers in
 * the receive buffer), every capability that arrived is either handed
 * out with a message or dropped (none leaks), and a good message sent
 * after the garbage still arrives. The buffers are exactly their size,
 * so AddressSanitizer sees any access past them.
 *
 * Input: byte 0 picks the transport (bit 0: the LMP framing, bit 1: with
 * the capability on a message's last fragment, bit 2: every plausible
 * first fragment announces a capability, so that one can come later);
 * then per fragment a control byte
 * (bits 0-2: words, bit 3: a capability rides with it, bit 4: make the
 * header a plausible first fragment, bit 5: the next fragment of that
 * message, bit 6: LMP's word 0 raw, bit 7: let the receiver run now),
 * 4 bytes of header, the words (8 bytes each).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <kpi/lmp.h>
#include "fuzz_input.h"
#include "lib/idl.h"
#include "lib/idl_urpc.h"
#include "if_test.h"

#define SLOTS		64
#define FRAGS_MAX	256
#define CSPACE		64

struct frag_in {
	uint64_t w[LMP_WORDS];		/* LMP: as sent; URPC: payload */
	unsigned n;
	uint32_t hdr;
	uint64_t obj;			/* the capability's object, 0: none */
};

/* The receiver's CSpace: caddr = index, object id or 0. */
static uint64_t cspace[CSPACE];
static unsigned handed;			/* capabilities handed out with messages */

static capaddr_t land(uint64_t obj)
{
	for (capaddr_t i = 1; i < CSPACE; i++)
		if (!cspace[i]) {
			cspace[i] = obj;
			return i;
		}
	return IDL_CAP_NONE;
}

static void drop(capaddr_t cap)
{
	if (cap >= CSPACE || !cspace[cap])
		__builtin_trap();	/* a capability dropped twice, or never there */
	cspace[cap] = 0;
}

/* The LMP imitation: a queue of raw 4-word messages. */
struct fake {
	struct frag_in *q;
	unsigned head, tail;
};

static err_t fake_recv(void *tp, struct idl_frag *f, bool block)
{
	struct fake *k = tp;
	struct frag_in *in;
	err_t err;

	if (k->head == k->tail)
		return ERR_WOULD_BLOCK;
	in = &k->q[k->head++];
	err = idl_lmp_unpack(in->w, f);
	if (err == OK && in->obj) {
		f->cap = land(in->obj);
		if (f->cap == IDL_CAP_NONE)
			f->cap_err = ERR_NO_SLOT;
	}
	return err;
}

static err_t fake_send(void *tp, const struct idl_frag *f)
{
	struct fake *k = tp;
	struct frag_in *in = &k->q[k->tail];

	if (k->tail == FRAGS_MAX + 8)
		return ERR_WOULD_BLOCK;
	idl_lmp_pack(f, in->w);
	in->obj = 0;
	k->tail++;
	return OK;
}

static void fake_drop(void *tp, capaddr_t cap)
{
	drop(cap);
}

static const struct idl_transport fake_lmp = {
	.name = "fuzz-lmp",
	.frag_words = IDL_LMP_FRAG_WORDS,
	.frag_words_cap = IDL_LMP_FRAG_WORDS,
	.send = fake_send,
	.recv = fake_recv,
	.drop_cap = fake_drop,
};

/* ... with the capability on a message's last fragment (the moncall
 * transport's rule). */
static const struct idl_transport fake_lmp_last = {
	.name = "fuzz-lmp-last",
	.frag_words = IDL_LMP_FRAG_WORDS,
	.frag_words_cap = IDL_LMP_FRAG_WORDS,
	.send = fake_send,
	.recv = fake_recv,
	.drop_cap = fake_drop,
	.cap_last = true,
};

/* The URPC capability mover: any token below 1000 is a capability. */
static err_t mover_get(void *arg, uint64_t token, capaddr_t *cap)
{
	if (token >= 1000)
		return ERR_NOT_FOUND;
	*cap = land(token + 1);
	return *cap == IDL_CAP_NONE ? ERR_NO_SLOT : OK;
}

static void mover_drop(void *arg, capaddr_t cap)
{
	drop(cap);
}

static const struct idl_urpc_caps mover = { .get = mover_get, .drop = mover_drop };

static bool within(const struct idl_binding *b, const void *p, size_t len)
{
	const char *lo = (const char *)b->rx, *hi = lo + b->bufwords * sizeof(uint64_t);

	return (const char *)p >= lo && (const char *)p + len <= hi;
}

static bool str_ok(const struct idl_binding *b, const char *s, size_t max)
{
	if (!s || !within(b, s, 1))
		return false;
	size_t len = strnlen(s, max + 1);
	return len <= max && within(b, s, len + 1);
}

/* Checks an accepted message, and takes (deletes) its capability. */
static void check(const struct idl_binding *b, const struct if_test_msg *m)
{
	capaddr_t cap = IDL_CAP_NONE;
	bool ok = true;

	switch (m->num) {
	case IF_TEST_TEXT:
		ok = str_ok(b, m->text.s, 256);
		break;
	case IF_TEST_NAME:
		ok = str_ok(b, m->name.s, 16);
		break;
	case IF_TEST_BLOB:
		ok = m->blob.data_len <= 4096 && within(b, m->blob.data, m->blob.data_len);
		break;
	case IF_TEST_MIXED:
		ok = str_ok(b, m->mixed.label, 40) && m->mixed.data_len <= 100 &&
		     within(b, m->mixed.data, m->mixed.data_len);
		break;
	case IF_TEST_CAPBLOB:
		ok = m->capblob.data_len <= 64 && within(b, m->capblob.data, m->capblob.data_len);
		cap = m->capblob.c;
		break;
	case IF_TEST_GIVE:
		cap = m->give.frame;
		break;
	case IF_TEST_HANDOFF:
		cap = m->handoff.frame;
		break;
	case IF_TEST_LOOKUP_CALL:
		ok = str_ok(b, m->lookup_call.name, 256);
		break;
	case IF_TEST_LOOKUP_REPLY:
		cap = m->lookup_reply.ep;
		break;
	case IF_TEST_ECHO_CALL:
		ok = m->echo_call.data_len <= 2000 && within(b, m->echo_call.data,
							     m->echo_call.data_len);
		break;
	case IF_TEST_ECHO_REPLY:
		ok = m->echo_reply.back_len <= 2000 && within(b, m->echo_reply.back,
							      m->echo_reply.back_len);
		break;
	case IF_TEST_FETCH_REPLY:
		ok = m->fetch_reply.data_len <= 40 && within(b, m->fetch_reply.data,
							     m->fetch_reply.data_len);
		cap = m->fetch_reply.frame;
		break;
	default:
		ok = m->num < IF_TEST_NMSGS;
	}
	if (!ok)
		__builtin_trap();
	if (cap != IDL_CAP_NONE) {
		drop(cap);
		handed++;
	}
}

/* Receives until the transport is empty; false if an error other than
 * ERR_BAD_MESSAGE came. If `want` is set, true only when a scalars
 * message with u64 == *want was among what came. */
static bool drain(struct idl_binding *b, const uint64_t *want)
{
	struct if_test_msg m;
	bool seen = false;
	err_t err;

	for (int i = 0; i < 4 * FRAGS_MAX; i++) {
		err = if_test_recv(b, &m);
		/* Reassembly never promises more than the buffer holds, nor
		 * gathers more than it announced. */
		if (b->rx_total > b->bufwords || b->rx_have > b->rx_total)
			__builtin_trap();
		if (err == ERR_WOULD_BLOCK)
			return want ? seen : true;
		if (err == ERR_BAD_MESSAGE)
			continue;
		if (err)
			return false;
		check(b, &m);
		if (want && m.num == IF_TEST_SCALARS && m.scalars.u64 == *want)
			seen = true;
	}
	return false;			/* more messages than fragments: impossible */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	unsigned mode = (unsigned)take(&in, 1);
	bool lmp = mode & 1;
	const struct idl_transport *lmp_tr = mode & 2 ? &fake_lmp_last : &fake_lmp;
	struct frag_in *frags = calloc(FRAGS_MAX + 8, sizeof(*frags));
	size_t bytes = URPC_CHAN_BYTES(SLOTS);
	void *mem = aligned_alloc(URPC_LINE, bytes);
	uint64_t *buf[4];
	struct urpc_sender s;
	struct urpc_receiver r;
	struct idl_urpc tx, rx;
	struct fake k = { frags, 0, 0 };
	struct idl_binding a, b;
	unsigned nfrags = 0, cur_num = 0, cur_index = 1;
	uint64_t tag = 0x600D;

	memset(cspace, 0, sizeof(cspace));
	handed = 0;
	for (int i = 0; i < 4; i++)
		buf[i] = malloc(IF_TEST_MAX_WORDS * sizeof(uint64_t));
	if (urpc_chan_init(mem, bytes, SLOTS) || urpc_sender_init(&s, mem, bytes, SLOTS) ||
	    urpc_receiver_init(&r, mem, bytes, SLOTS) || idl_urpc_init(&tx, &s, NULL) ||
	    idl_urpc_init(&rx, NULL, &r))
		__builtin_trap();
	rx.caps = &mover;
	if (lmp) {
		if (idl_binding_init(&a, &if_test_iface, lmp_tr, &k, buf[0], buf[1],
				     IF_TEST_MAX_WORDS, NULL) ||
		    idl_binding_init(&b, &if_test_iface, lmp_tr, &k, buf[2], buf[3],
				     IF_TEST_MAX_WORDS, NULL))
			__builtin_trap();
	} else if (idl_binding_init(&a, &if_test_iface, &idl_urpc_transport, &tx, buf[0], buf[1],
				    IF_TEST_MAX_WORDS, NULL) ||
		   idl_binding_init(&b, &if_test_iface, &idl_urpc_transport, &rx, buf[2], buf[3],
				    IF_TEST_MAX_WORDS, NULL)) {
		__builtin_trap();
	}

	while (in.n && nfrags < FRAGS_MAX) {
		struct frag_in *f = &frags[nfrags++];
		unsigned ctl = (unsigned)take(&in, 1);
		uint32_t hdr = (uint32_t)take(&in, 4);

		f->n = ctl & 7;
		if (ctl & 0x10) {
			cur_num = idl_hdr_num(hdr) % IF_TEST_NMSGS;
			cur_index = 1;
			hdr = idl_hdr_first(cur_num, idl_hdr_count(hdr) % 600, (ctl & 8) || (mode & 4));
		} else if (ctl & 0x20) {
			/* The next fragment of the last plausible first one. */
			hdr = idl_hdr_next(cur_num, cur_index++);
		}
		f->hdr = hdr;
		for (unsigned j = 0; j < LMP_WORDS; j++)
			f->w[j] = j < f->n ? take(&in, 8) : 0;
		if (lmp) {
			/* Word 0 is the header and length, unless the input says
			 * otherwise (ctl bit 6: the raw word as given). */
			if (!(ctl & 0x40)) {
				f->w[3] = f->w[2];
				f->w[2] = f->w[1];
				f->w[1] = f->w[0];
				f->w[0] = hdr | (uint64_t)(f->n > 3 ? 3 : f->n) << 32;
			}
			f->obj = ctl & 8 ? 0xC0 + nfrags : 0;
			k.tail = nfrags;
		} else if (urpc_send(&s, f->w, f->n > URPC_MAX_WORDS ? 0 : f->n, hdr) != OK) {
			__builtin_trap();	/* the ring holds more than we send */
		}
		/* Now and then let the receiver catch up, as a real one would. */
		if ((ctl & 0x80) && !drain(&b, NULL))
			__builtin_trap();
		if (!lmp && nfrags % (SLOTS / 2) == 0 && !drain(&b, NULL))
			__builtin_trap();
	}
	if (!drain(&b, NULL))
		__builtin_trap();
	/* Whatever came before, a good message gets through. */
	if (if_test_scalars_send(&a, 1, 2, 3, tag, -1, true, OK) || !drain(&b, &tag))
		__builtin_trap();
	/* No capability leaked: those not handed out were dropped. */
	for (capaddr_t i = 0; i < CSPACE; i++)
		if (cspace[i])
			__builtin_trap();
	for (int i = 0; i < 4; i++)
		free(buf[i]);
	free(frags);
	free(mem);
	return 0;
}
