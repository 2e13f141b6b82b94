/*
 * Capabilities in interface messages (if/test.if): URPC refuses them
 * (ERR_UNSUPPORTED) unless a mover is plugged in, carries them through
 * one (here a mover between two fake CSpaces), the LMP imitation carries
 * them as LMP does, forged capability fragments are refused and dropped,
 * and a capability no handler takes is dropped. Fixtures: idl_fixture.h.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lib/test.h"
#include "lib/idl.h"
#include "lib/idl_urpc.h"
#include "if_test.h"
#include "idl_fixture.h"

/* ---- A capability mover for URPC, between two fake CSpaces ---- */

struct mover {
	uint64_t parked[16];		/* objects in transit, by token */
	unsigned n;
	uint64_t *from, *to;		/* the sender's and the receiver's CSpace */
	unsigned drops;
};

static err_t mover_put(void *arg, capaddr_t cap, bool give, uint64_t *token)
{
	struct mover *mv = arg;

	if (cap >= CSPACE || !mv->from[cap] || mv->n == 16)
		return ERR_CAP_EMPTY;
	mv->parked[mv->n] = mv->from[cap];
	if (give)
		mv->from[cap] = 0;
	*token = mv->n++;
	return OK;
}

static err_t mover_get(void *arg, uint64_t token, capaddr_t *cap)
{
	struct mover *mv = arg;

	if (token >= mv->n || !mv->parked[token])
		return ERR_NOT_FOUND;
	for (capaddr_t i = AUTO_SLOTS; i < CSPACE; i++)
		if (!mv->to[i]) {
			mv->to[i] = mv->parked[token];
			mv->parked[token] = 0;
			*cap = i;
			return OK;
		}
	return ERR_NO_SLOT;
}

static void mover_drop(void *arg, capaddr_t cap)
{
	struct mover *mv = arg;

	mv->to[cap] = 0;
	mv->drops++;
}

TEST(urpc_refuses_capabilities_without_a_mover)
{
	struct fix *x = fix_urpc(16, NULL);
	struct if_test_msg m;

	CHECK(x);
	CHECK_EQ(if_test_give_send(&x->a, 5, 4096), ERR_UNSUPPORTED);
	CHECK_EQ(if_test_handoff_send(&x->a, 5), ERR_UNSUPPORTED);
	CHECK_EQ(x->a.cut, 0);
	CHECK(!urpc_poll(&x->db.rx));			/* nothing went */
	CHECK_EQ(if_test_recv(&x->b, &m), ERR_WOULD_BLOCK);
	/* No capability is fine. */
	CHECK_EQ(if_test_give_send(&x->a, IDL_CAP_NONE, 4096), OK);
	CHECK_EQ(if_test_recv(&x->b, &m), OK);
	CHECK(m.num == IF_TEST_GIVE && m.give.frame == IDL_CAP_NONE && m.give.bytes == 4096);
	CHECK_EQ(m.cap_err, OK);
	fix_free(x);
}

TEST(urpc_carries_capabilities_through_a_mover)
{
	struct fix *x = fix_urpc(16, NULL);
	struct mover *mv = calloc(1, sizeof(*mv));
	uint64_t from[CSPACE] = { 0 }, to[CSPACE] = { 0 };
	struct idl_urpc_caps caps = { mover_put, mover_get, mover_drop, mv };
	static uint8_t data[64];
	struct if_test_msg m;

	CHECK(x && mv);
	mv->from = from;
	mv->to = to;
	x->ua.caps = x->ub.caps = &caps;
	from[5] = 0xF5;
	from[6] = 0xF6;
	CHECK_EQ(if_test_give_send(&x->a, 5, 4096), OK);
	CHECK_EQ(if_test_recv(&x->b, &m), OK);
	CHECK(m.num == IF_TEST_GIVE && m.give.bytes == 4096 && m.cap_err == OK);
	CHECK(m.give.frame >= AUTO_SLOTS && to[m.give.frame] == 0xF5);
	CHECK_EQ(from[5], 0xF5);				/* copied */
	CHECK_EQ(if_test_handoff_send(&x->a, 6), OK);
	CHECK_EQ(if_test_recv(&x->b, &m), OK);
	CHECK(m.num == IF_TEST_HANDOFF && to[m.handoff.frame] == 0xF6);
	CHECK_EQ(from[6], 0);					/* moved */
	/* With a message of several fragments: the token takes a word of
	 * the first one. */
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)i;
	CHECK_EQ(if_test_capblob_send(&x->a, 5, data, sizeof(data)), OK);
	CHECK_EQ(if_test_recv(&x->b, &m), OK);
	CHECK(m.num == IF_TEST_CAPBLOB && to[m.capblob.c] == 0xF5);
	CHECK(m.capblob.data_len == 64 && memcmp(m.capblob.data, data, 64) == 0);
	CHECK_EQ(x->a.frags_sent, 4);				/* 1 + 1 + (6 + 3) */
	/* A receiver without a mover gets the message, not the capability. */
	x->ub.caps = NULL;
	CHECK_EQ(if_test_give_send(&x->a, 5, 1), OK);
	CHECK_EQ(if_test_recv(&x->b, &m), OK);
	CHECK(m.give.frame == IDL_CAP_NONE && m.cap_err == ERR_UNSUPPORTED && m.give.bytes == 1);
	/* Nor does a forged token. */
	x->ub.caps = &caps;
	CHECK_EQ(inject(x, idl_hdr_first(IF_TEST_GIVE, 1, true), (uint64_t[]){ 1, 12 }, 2), OK);
	CHECK_EQ(if_test_recv(&x->b, &m), OK);
	CHECK(m.give.frame == IDL_CAP_NONE && m.cap_err == ERR_NOT_FOUND);
	/* A capability on a message that has none is refused and dropped. */
	CHECK_EQ(idl_send(&x->a, IF_TEST_EMPTY, 0, 5, false), ERR_INVALID_ARG);
	mv->parked[mv->n++] = 0xAB;
	CHECK_EQ(inject(x, idl_hdr_first(IF_TEST_EMPTY, 0, true), (uint64_t[]){ mv->n - 1 }, 1),
		 OK);
	CHECK_EQ(if_test_recv(&x->b, &m), ERR_BAD_MESSAGE);
	CHECK_EQ(mv->drops, 1);
	for (unsigned i = 0; i < CSPACE; i++)
		CHECK(to[i] != 0xAB);
	CHECK_EQ(good_one_arrives(x, 7), 0);
	free(mv);
	fix_free(x);
}

TEST(lmp_framing_carries_capabilities)
{
	struct fix *x = fix_lmp(NULL);
	static uint8_t data[64];
	struct if_test_msg m;

	CHECK(x);
	x->la.cspace[3] = 0x33;
	x->la.cspace[4] = 0x44;
	CHECK_EQ(if_test_give_send(&x->a, 3, 8192), OK);
	CHECK_EQ(if_test_recv(&x->b, &m), OK);
	CHECK(m.num == IF_TEST_GIVE && m.give.frame == 10 && x->lb.cspace[10] == 0x33);
	CHECK(m.give.bytes == 8192 && m.cap_err == OK && x->la.cspace[3] == 0x33);
	CHECK(x->lb.slot != 10 && x->lb.slot != IDL_CAP_NONE);	/* a fresh slot offered */
	CHECK_EQ(if_test_handoff_send(&x->a, 4), OK);
	CHECK_EQ(if_test_recv(&x->b, &m), OK);
	CHECK(x->lb.cspace[m.handoff.frame] == 0x44 && x->la.cspace[4] == 0);
	/* A capability with a message of several fragments: the first. */
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)~i;
	CHECK_EQ(if_test_capblob_send(&x->a, 3, data, 50), OK);
	CHECK_EQ(x->qab.tail - x->qab.head, 3);			/* 7 words: 3 + 3 + 1 */
	CHECK_EQ(if_test_recv(&x->b, &m), OK);
	CHECK(x->lb.cspace[m.capblob.c] == 0x33 && m.capblob.data_len == 50);
	CHECK(memcmp(m.capblob.data, data, 50) == 0);
	/* An empty slot the fake kernel cannot send from. */
	CHECK_EQ(if_test_give_send(&x->a, 7, 0), ERR_CAP_EMPTY);
	/* No slot offered: the words come, the capability does not. */
	x->lb.slot = IDL_CAP_NONE;
	x->lb.next_slot = false;
	CHECK_EQ(if_test_give_send(&x->a, 3, 1), OK);
	CHECK_EQ(if_test_recv(&x->b, &m), OK);
	CHECK(m.num == IF_TEST_GIVE && m.give.frame == IDL_CAP_NONE && m.cap_err == ERR_NO_SLOT);
	CHECK_EQ(if_test_recv(&x->b, &m), ERR_WOULD_BLOCK);
	fix_free(x);
}

TEST(forged_capability_fragments_are_refused_and_dropped)
{
	struct fix *x = fix_lmp(NULL);
	struct if_test_msg m;

	CHECK(x);
	x->la.cspace[3] = 0x33;
	/* A capability on a message that carries none, announced. */
	fake_inject(&x->lb, idl_hdr_first(IF_TEST_EMPTY, 0, true), 0, 0, 0, 0xBAD1);
	CHECK_EQ(if_test_recv(&x->b, &m), ERR_BAD_MESSAGE);
	/* ... and not announced. */
	fake_inject(&x->lb, idl_hdr_first(IF_TEST_EMPTY, 0, false), 0, 0, 0, 0xBAD2);
	CHECK_EQ(if_test_recv(&x->b, &m), ERR_BAD_MESSAGE);
	/* On a continuation. */
	fake_inject(&x->lb, idl_hdr_first(IF_TEST_CAPBLOB, 5, true) | 3ull << 32, 16, 1, 2, 0x33);
	fake_inject(&x->lb, idl_hdr_next(IF_TEST_CAPBLOB, 1) | 2ull << 32, 3, 0, 0, 0xBAD3);
	CHECK_EQ(if_test_recv(&x->b, &m), ERR_BAD_MESSAGE);
	/* Word 0 that is not a fragment's, with a capability. */
	fake_inject(&x->lb, 0x12345678, 0, 0, 0, 0xBAD4);
	CHECK_EQ(if_test_recv(&x->b, &m), ERR_BAD_MESSAGE);
	fake_inject(&x->lb, idl_hdr_first(IF_TEST_EMPTY, 0, false) | 4ull << 32, 0, 0, 0, 0);
	CHECK_EQ(if_test_recv(&x->b, &m), ERR_BAD_MESSAGE);	/* 4 words claimed */
	CHECK_EQ(x->b.bad, 5);
	/* Every capability that was refused is gone from the receiver's
	 * CSpace (the one lost with the bad word 0 never landed). */
	CHECK_EQ(x->lb.drops, 4);
	for (unsigned i = 0; i < CSPACE; i++)
		CHECK(x->lb.cspace[i] == 0);
	/* Good ones still come, capability and all. */
	CHECK_EQ(if_test_give_send(&x->a, 3, 2), OK);
	CHECK_EQ(if_test_recv(&x->b, &m), OK);
	CHECK(m.num == IF_TEST_GIVE && x->lb.cspace[m.give.frame] == 0x33);
	fix_free(x);
}

TEST(an_unhandled_capability_is_dropped)
{
	struct fix *x = fix_lmp(NULL);
	static const struct if_test_handlers none;
	struct if_test_msg m;

	CHECK(x);
	x->la.cspace[3] = 0x33;
	CHECK_EQ(if_test_give_send(&x->a, 3, 2), OK);
	CHECK_EQ(if_test_recv(&x->b, &m), OK);
	CHECK(x->lb.cspace[m.give.frame] == 0x33);
	CHECK_EQ(if_test_dispatch(&x->b, &m, &none), ERR_UNSUPPORTED);
	CHECK_EQ(x->lb.drops, 1);
	CHECK_EQ(x->lb.cspace[m.give.frame], 0);
	CHECK_EQ(if_test_give_send(&x->a, 3, 2), OK);
	CHECK_EQ(if_test_poll(&x->b, NULL), OK);
	CHECK_EQ(x->lb.drops, 2);
	CHECK_EQ(x->b.refused, 1);
	fix_free(x);
}

/* cap_last (the moncall transport's rule): the capability rides with the
 * fragment that makes the message whole; the first only announces it. */
TEST(a_cap_last_transport_sends_the_capability_with_the_last_fragment)
{
	struct fix *x = fix_lmp_over(&fake_lmp_last, NULL);
	static uint8_t data[64];
	struct if_test_msg m;

	CHECK(x);
	x->la.cspace[3] = 0x33;
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)i;
	CHECK_EQ(if_test_capblob_send(&x->a, 3, data, 50), OK);
	CHECK_EQ(x->qab.tail - x->qab.head, 3);			/* 7 words: 3 + 3 + 1 */
	CHECK(x->qab.m[0].obj == 0 && x->qab.m[1].obj == 0 && x->qab.m[2].obj == 0x33);
	CHECK(x->qab.m[0].w[0] & IDL_HDR_CAP);			/* announced by the first */
	CHECK_EQ(if_test_recv(&x->b, &m), OK);
	CHECK(m.num == IF_TEST_CAPBLOB && m.cap_err == OK && x->lb.cspace[m.capblob.c] == 0x33);
	CHECK(m.capblob.data_len == 50 && memcmp(m.capblob.data, data, 50) == 0);
	/* A message of one fragment: its first is its last. */
	CHECK_EQ(if_test_give_send(&x->a, 3, 8192), OK);
	CHECK_EQ(if_test_recv(&x->b, &m), OK);
	CHECK(m.num == IF_TEST_GIVE && x->lb.cspace[m.give.frame] == 0x33 && m.give.bytes == 8192);
	/* Announced, and the last fragment came without it. */
	fake_inject(&x->lb, idl_hdr_first(IF_TEST_CAPBLOB, 5, true) | 3ull << 32, 32, 1, 2, 0);
	fake_inject(&x->lb, idl_hdr_next(IF_TEST_CAPBLOB, 1) | 2ull << 32, 3, 4, 0, 0);
	CHECK_EQ(if_test_recv(&x->b, &m), OK);
	CHECK(m.capblob.c == IDL_CAP_NONE && m.cap_err == ERR_NOT_FOUND && m.capblob.data_len == 32);
	CHECK_EQ(x->b.bad, 0);
	fix_free(x);
}

TEST(a_cap_last_transport_refuses_a_capability_anywhere_but_last)
{
	struct fix *x = fix_lmp_over(&fake_lmp_last, NULL);
	struct if_test_msg m;

	CHECK(x);
	/* With the first of several fragments. */
	fake_inject(&x->lb, idl_hdr_first(IF_TEST_CAPBLOB, 5, true) | 3ull << 32, 16, 1, 2, 0xBAD1);
	fake_inject(&x->lb, idl_hdr_next(IF_TEST_CAPBLOB, 1) | 2ull << 32, 3, 0, 0, 0);
	CHECK_EQ(if_test_recv(&x->b, &m), ERR_BAD_MESSAGE);
	CHECK_EQ(if_test_recv(&x->b, &m), ERR_BAD_MESSAGE);	/* its rest: no message begun */
	/* With a middle one (7 words: 3 + 3 + 1). */
	fake_inject(&x->lb, idl_hdr_first(IF_TEST_CAPBLOB, 7, true) | 3ull << 32, 40, 1, 2, 0);
	fake_inject(&x->lb, idl_hdr_next(IF_TEST_CAPBLOB, 1) | 3ull << 32, 3, 4, 5, 0xBAD2);
	CHECK_EQ(if_test_recv(&x->b, &m), ERR_BAD_MESSAGE);
	/* With the last, not announced. */
	fake_inject(&x->lb, idl_hdr_first(IF_TEST_CAPBLOB, 5, false) | 3ull << 32, 16, 1, 2, 0);
	fake_inject(&x->lb, idl_hdr_next(IF_TEST_CAPBLOB, 1) | 2ull << 32, 3, 0, 0, 0xBAD3);
	CHECK_EQ(if_test_recv(&x->b, &m), ERR_BAD_MESSAGE);
	/* Every one refused is gone from the receiver's CSpace. */
	CHECK_EQ(x->lb.drops, 3);
	for (unsigned i = 0; i < CSPACE; i++)
		CHECK(x->lb.cspace[i] == 0);
	CHECK_EQ(good_one_arrives(x, 9), 0);
	fix_free(x);
}

TEST(a_cap_last_transport_needs_as_many_words_beside_a_capability)
{
	const struct idl_transport bad = { .name = "bad", .frag_words = 3, .frag_words_cap = 2,
					   .send = fake_lmp.send, .recv = fake_lmp.recv,
					   .cap_last = true };
	struct idl_binding b;
	uint64_t tx[IF_TEST_MAX_WORDS], rx[IF_TEST_MAX_WORDS];

	CHECK_EQ(idl_binding_init(&b, &if_test_iface, &bad, NULL, tx, rx, IF_TEST_MAX_WORDS, NULL),
		 ERR_INVALID_ARG);
}
