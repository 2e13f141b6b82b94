/*
 * Tests for the interface runtime (lib/idl.c, lib/idl_urpc.c) and the stubs
 * tools/idlgen.py generates from if/test.if and if/intermon.if:
 *
 * - every type round-trips, over URPC and over an imitation of LMP (a
 *   queue of 4-word messages framed by lib/idl.c's LMP code, with a fake
 *   kernel moving capabilities between two small "CSpaces"), so the
 *   runtime's capability path runs on the host;
 * - messages of many fragments, a send cut short, a send refused whole;
 * - what a hostile sender can do: unknown message numbers, fragments out
 *   of order, lengths too large, strings without their bound, random
 *   garbage: each is ERR_BAD_MESSAGE, and the next good message arrives.
 * rpcs are in test_idl_rpc.c, capabilities in test_idl_caps.c, two pinned
 * threads in test_idl_threads.c, the fixtures in idl_fixture.h.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <kpi/lmp.h>
#include "lib/test.h"
#include "urpc_msgs.h"
#include "lib/idl.h"
#include "lib/idl_urpc.h"
#include "if_intermon.h"
#include "if_test.h"
#include "idl_fixture.h"

/* A whole raw message from a's side, cut into URPC fragments. */
static err_t inject_msg(struct fix *x, unsigned num, const uint64_t *w, unsigned n)
{
	unsigned done = 0, index = 0;
	err_t err;

	do {
		unsigned k = n - done < URPC_MAX_WORDS ? n - done : URPC_MAX_WORDS;
		uint32_t hdr = index ? idl_hdr_next(num, index) : idl_hdr_first(num, n, false);

		if ((err = inject(x, hdr, w + done, k)))
			return err;
		done += k;
		index++;
	} while (done < n);
	return OK;
}

/* ---- Every type round-trips ---- */

static const char *const texts[] = {
	"", "a", "seven!!", "exactly8", "nine byte",
	"The quick brown fox jumps over the lazy dog, 43",
};

/* Sends one of everything from a to b and checks what arrives. Returns 0
 * or the line of the first mismatch. */
static int every_type(struct fix *x)
{
	struct idl_binding *a = &x->a, *b = &x->b;
	static uint8_t data[4096];
	char big[257];
	struct if_test_msg m;

	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)mix(i);
	memset(big, 'x', 256);
	big[256] = 0;

#define EXPECT(c) do { if (!(c)) return __LINE__; } while (0)
	EXPECT(if_test_empty_send(a) == OK);
	EXPECT(if_test_recv(b, &m) == OK && m.num == IF_TEST_EMPTY);

	/* Scalars at their extremes. */
	EXPECT(if_test_scalars_send(a, 255, 65535, UINT32_MAX, UINT64_MAX, INT64_MIN, true,
				    ERR_NO_SLOT) == OK);
	EXPECT(if_test_recv(b, &m) == OK && m.num == IF_TEST_SCALARS);
	EXPECT(m.scalars.u8 == 255 && m.scalars.u16 == 65535 && m.scalars.u32 == UINT32_MAX);
	EXPECT(m.scalars.u64 == UINT64_MAX && m.scalars.i64 == INT64_MIN && m.scalars.flag);
	EXPECT(m.scalars.e == ERR_NO_SLOT);
	EXPECT(if_test_scalars_send(a, 0, 0, 0, 0, -1, false, -7) == OK);
	EXPECT(if_test_recv(b, &m) == OK && m.num == IF_TEST_SCALARS);
	EXPECT(m.scalars.u8 == 0 && m.scalars.u16 == 0 && m.scalars.u32 == 0 && m.scalars.u64 == 0);
	EXPECT(m.scalars.i64 == -1 && !m.scalars.flag && m.scalars.e == -7);

	/* Strings of every interesting length, up to the bound. */
	for (unsigned i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		EXPECT(if_test_text_send(a, texts[i]) == OK);
		EXPECT(if_test_recv(b, &m) == OK && m.num == IF_TEST_TEXT);
		EXPECT(strcmp(m.text.s, texts[i]) == 0);
	}
	EXPECT(if_test_text_send(a, big) == OK);
	EXPECT(if_test_recv(b, &m) == OK && strcmp(m.text.s, big) == 0);
	/* Over the bound, or NULL: refused, nothing sent. */
	big[256] = 'y';
	big[sizeof(big) - 1] = 0;
	EXPECT(if_test_text_send(a, "0123456789abcdef") == OK);	/* 16: fits name[16] too */
	EXPECT(if_test_recv(b, &m) == OK);
	EXPECT(if_test_name_send(a, "0123456789abcdef") == OK);
	EXPECT(if_test_recv(b, &m) == OK && m.num == IF_TEST_NAME);
	EXPECT(strcmp(m.name.s, "0123456789abcdef") == 0);
	EXPECT(if_test_name_send(a, "0123456789abcdefg") == ERR_INVALID_ARG);
	EXPECT(if_test_text_send(a, NULL) == ERR_INVALID_ARG);
	EXPECT(if_test_recv(b, &m) == ERR_WOULD_BLOCK);

	/* Byte arrays, the largest in many fragments. */
	static const size_t sizes[] = { 0, 1, 7, 8, 9, 100, 4095, 4096 };
	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		EXPECT(if_test_blob_send(a, data, sizes[i]) == OK);
		EXPECT(if_test_recv(b, &m) == OK && m.num == IF_TEST_BLOB);
		EXPECT(m.blob.data_len == sizes[i]);
		EXPECT(sizes[i] == 0 || memcmp(m.blob.data, data, sizes[i]) == 0);
	}
	EXPECT(if_test_blob_send(a, data, 4097) == ERR_INVALID_ARG);
	EXPECT(if_test_blob_send(a, NULL, 1) == ERR_INVALID_ARG);
	EXPECT(if_test_blob_send(a, NULL, 0) == OK);
	EXPECT(if_test_recv(b, &m) == OK && m.blob.data_len == 0);

	/* Several variable fields in one message. */
	EXPECT(if_test_mixed_send(a, 0xC0FFEE, "label", data + 5, 100, true) == OK);
	EXPECT(if_test_recv(b, &m) == OK && m.num == IF_TEST_MIXED);
	EXPECT(m.mixed.tag == 0xC0FFEE && strcmp(m.mixed.label, "label") == 0);
	EXPECT(m.mixed.data_len == 100 && memcmp(m.mixed.data, data + 5, 100) == 0 && m.mixed.last);
	EXPECT(if_test_recv(b, &m) == ERR_WOULD_BLOCK);
	EXPECT(b->bad == 0 && a->cut == 0);
#undef EXPECT
	return 0;
}

TEST(every_type_round_trips_over_urpc)
{
	struct fix *x = fix_urpc(128, NULL);	/* 74 fragments of blob fit */

	CHECK(x);
	CHECK_EQ(every_type(x), 0);
	fix_free(x);
}

TEST(every_type_round_trips_over_lmp_framing)
{
	struct fix *x = fix_lmp(NULL);

	CHECK(x);
	CHECK_EQ(every_type(x), 0);
	fix_free(x);
}

TEST(the_generated_binding_struct_works_too)
{
	void *mem = new_chan(8);
	struct urpc_sender s;
	struct urpc_receiver r;
	struct idl_urpc tx, rx;
	static struct if_intermon_binding a, b;
	struct if_intermon_msg m;

	CHECK(mem && open_ends(mem, 8, &s, &r));
	CHECK_EQ(idl_urpc_init(&tx, &s, NULL), OK);
	CHECK_EQ(idl_urpc_init(&rx, NULL, &r), OK);
	CHECK_EQ(if_intermon_init(&a, &idl_urpc_transport, &tx, NULL), OK);
	CHECK_EQ(if_intermon_init(&b, &idl_urpc_transport, &rx, NULL), OK);
	CHECK_EQ(if_intermon_ping_send(&a.b, 41), OK);
	CHECK_EQ(if_intermon_recv(&b.b, &m), OK);
	CHECK(m.num == IF_INTERMON_PING && m.ping.seq == 41);
	/* One-way: the other direction is refused, not crashed into. */
	CHECK_EQ(if_intermon_pong_send(&b.b, 1), ERR_INVALID_ARG);
	CHECK_EQ(if_intermon_recv(&a.b, &m), ERR_INVALID_ARG);
	free(mem);
}

TEST(intermon_ping_and_join_are_one_slot_of_one_word)
{
	struct fix *x = fix_urpc(4, NULL);
	struct if_intermon_binding *mb = malloc(sizeof(*mb));
	uint64_t w[URPC_MAX_WORDS];
	unsigned n;
	uint32_t type;

	CHECK(x && mb);
	CHECK_EQ(if_intermon_init(mb, &idl_urpc_transport, &x->ua, NULL), OK);
	CHECK_EQ(if_intermon_join_send(&mb->b, 3), OK);
	CHECK_EQ(if_intermon_ping_send(&mb->b, 0x1234), OK);
	/* What the monitors exchange at boot: one word each, in one slot
	 * each, the type a fragment header. */
	CHECK_EQ(urpc_recv(&x->db.rx, w, &n, &type), OK);
	CHECK(n == 1 && w[0] == 3 && type == idl_hdr_first(IF_INTERMON_JOIN, 1, false));
	CHECK_EQ(urpc_recv(&x->db.rx, w, &n, &type), OK);
	CHECK(n == 1 && w[0] == 0x1234 && type == idl_hdr_first(IF_INTERMON_PING, 1, false));
	CHECK_EQ(type, 0xA1010001u);
	CHECK_EQ(urpc_recv(&x->db.rx, w, &n, &type), ERR_WOULD_BLOCK);
	free(mb);
	fix_free(x);
}

TEST(strings_and_bytes_have_one_encoding)
{
	struct fix *x = fix_urpc(4, NULL);
	uint64_t w[URPC_MAX_WORDS];
	unsigned n;
	uint32_t type;

	CHECK(x);
	/* Length, then the bytes and a NUL, zero-padded to whole words. */
	CHECK_EQ(if_test_text_send(&x->a, "hello"), OK);
	CHECK_EQ(urpc_recv(&x->db.rx, w, &n, &type), OK);
	CHECK_EQ(n, 2);
	CHECK_EQ(w[0], 5);
	CHECK(memcmp(&w[1], "hello\0\0\0", 8) == 0);
	CHECK_EQ(if_test_text_send(&x->a, "12345678"), OK);	/* the NUL needs a word */
	CHECK_EQ(urpc_recv(&x->db.rx, w, &n, &type), OK);
	CHECK(n == 3 && w[0] == 8 && w[2] == 0);
	CHECK_EQ(if_test_blob_send(&x->a, "12345678", 8), OK);	/* bytes need none */
	CHECK_EQ(urpc_recv(&x->db.rx, w, &n, &type), OK);
	CHECK(n == 2 && w[0] == 8 && memcmp(&w[1], "12345678", 8) == 0);
	fix_free(x);
}

TEST(header_fields_round_trip)
{
	for (unsigned num = 0; num < 256; num += 17)
		for (unsigned c = 0; c <= 0xFFFF; c += 0x1111) {
			uint32_t h = idl_hdr_first(num, c, true);
			CHECK(idl_hdr_is_frag(h) && (h & IDL_HDR_FIRST) && (h & IDL_HDR_CAP));
			CHECK(!(h & IDL_HDR_RESERVED));
			CHECK_EQ(idl_hdr_num(h), num);
			CHECK_EQ(idl_hdr_count(h), c);
			h = idl_hdr_next(num, c);
			CHECK(idl_hdr_is_frag(h) && !(h & IDL_HDR_FIRST) && !(h & IDL_HDR_CAP));
			CHECK_EQ(idl_hdr_num(h), num);
			CHECK_EQ(idl_hdr_count(h), c);
		}
	CHECK(!idl_hdr_is_frag(0) && !idl_hdr_is_frag(0x100) && !idl_hdr_is_frag(0xB0000000u));
}

TEST(bad_binding_arguments_are_refused)
{
	struct idl_binding b;
	uint64_t buf[IF_TEST_MAX_WORDS];
	struct idl_transport t = fake_lmp;

	CHECK_EQ(idl_binding_init(&b, &if_test_iface, &fake_lmp, NULL, buf, buf,
				  IF_TEST_MAX_WORDS - 1, NULL), ERR_INVALID_ARG);
	CHECK_EQ(idl_binding_init(NULL, &if_test_iface, &fake_lmp, NULL, buf, buf,
				  IF_TEST_MAX_WORDS, NULL), ERR_INVALID_ARG);
	t.frag_words = 8;
	CHECK_EQ(idl_binding_init(&b, &if_test_iface, &t, NULL, buf, buf, IF_TEST_MAX_WORDS, NULL),
		 ERR_INVALID_ARG);
	t.frag_words = 0;
	CHECK_EQ(idl_binding_init(&b, &if_test_iface, &t, NULL, buf, buf, IF_TEST_MAX_WORDS, NULL),
		 ERR_INVALID_ARG);
	CHECK_EQ(idl_binding_init(&b, &if_test_iface, &fake_lmp, NULL, buf, buf,
				  IF_TEST_MAX_WORDS, NULL), OK);
	/* A hand-made send that does not fit its message is refused. */
	CHECK_EQ(idl_send(&b, IF_TEST_NMSGS, 0, IDL_CAP_NONE, false), ERR_INVALID_ARG);
	CHECK_EQ(idl_send(&b, IF_TEST_SCALARS, 6, IDL_CAP_NONE, false), ERR_INVALID_ARG);
	CHECK_EQ(idl_send(&b, IF_TEST_EMPTY, 0, 5, false), ERR_INVALID_ARG);	/* no cap */
	CHECK_EQ(idl_urpc_init(NULL, NULL, NULL), ERR_INVALID_ARG);
}

/* ---- Fragmentation: a send that cannot finish, one that cannot start ---- */

TEST(a_send_cut_short_is_refused_then_the_next_message_arrives)
{
	struct fix *x = fix_urpc(8, NULL);	/* no wait hook: never waits */
	static uint8_t data[4096];
	struct if_test_msg m;

	CHECK(x);
	CHECK_EQ(if_test_blob_send(&x->a, data, sizeof(data)), ERR_WOULD_BLOCK);
	CHECK_EQ(x->a.cut, 1);
	CHECK_EQ(x->a.frags_sent, 8);		/* the ring's worth went */
	CHECK_EQ(if_test_recv(&x->b, &m), ERR_WOULD_BLOCK);	/* gathering */
	CHECK(x->b.rx_busy);
	CHECK_EQ(if_test_scalars_send(&x->a, 1, 2, 3, 4, 5, true, 6), OK);
	CHECK_EQ(if_test_recv(&x->b, &m), ERR_BAD_MESSAGE);	/* the blob, abandoned */
	CHECK_EQ(if_test_recv(&x->b, &m), OK);
	CHECK(m.num == IF_TEST_SCALARS && m.scalars.u8 == 1 && m.scalars.e == 6);
	CHECK_EQ(x->b.bad, 1);
	CHECK_EQ(if_test_recv(&x->b, &m), ERR_WOULD_BLOCK);
	fix_free(x);
}

TEST(a_send_that_cannot_start_sends_nothing)
{
	struct fix *x = fix_urpc(8, NULL);
	struct if_test_msg m;

	CHECK(x);
	for (unsigned i = 0; i < 8; i++)
		CHECK_EQ(if_test_scalars_send(&x->a, (uint8_t)i, 0, 0, 0, 0, false, 0), OK);
	CHECK_EQ(if_test_scalars_send(&x->a, 99, 0, 0, 0, 0, false, 0), ERR_WOULD_BLOCK);
	CHECK_EQ(x->a.cut, 0);
	for (unsigned i = 0; i < 8; i++) {
		CHECK_EQ(if_test_recv(&x->b, &m), OK);
		CHECK_EQ(m.scalars.u8, i);
	}
	CHECK_EQ(if_test_recv(&x->b, &m), ERR_WOULD_BLOCK);
	fix_free(x);
}

/* A wait hook for one thread with both ends: what the peer would do is
 * to drain the ring, so that is what it does (into a side buffer). */
struct drain {
	struct fix *x;
	unsigned waits;
	unsigned got;
	struct if_test_msg last;
	size_t blob_len;
	uint8_t blob[4096];
};

static err_t drain_wait(struct idl_binding *b, enum idl_wait why)
{
	struct drain *dr = b->user;
	struct if_test_msg m;
	err_t err;

	if (++dr->waits > 1000000)
		return ERR_TIMEOUT;
	while ((err = if_test_recv(&dr->x->b, &m)) != ERR_WOULD_BLOCK) {
		if (err)
			return err;
		dr->got++;
		if (m.num == IF_TEST_BLOB) {
			dr->blob_len = m.blob.data_len;
			memcpy(dr->blob, m.blob.data, m.blob.data_len);
		}
	}
	return OK;
}

TEST(a_message_larger_than_the_ring_goes_with_a_wait_hook)
{
	struct fix *x = fix_urpc(4, drain_wait);	/* 4 slots, 74 fragments */
	struct drain *dr = calloc(1, sizeof(*dr));
	static uint8_t data[4096];
	struct if_test_msg m;

	CHECK(x && dr);
	dr->x = x;
	x->a.user = dr;
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);
	CHECK_EQ(if_test_blob_send(&x->a, data, sizeof(data)), OK);
	CHECK(dr->waits > 0);
	/* Whatever the hook did not take is still in the ring. */
	while (if_test_recv(&x->b, &m) == OK) {
		dr->got++;
		dr->blob_len = m.blob.data_len;
		memcpy(dr->blob, m.blob.data, m.blob.data_len);
	}
	CHECK_EQ(dr->got, 1);
	CHECK_EQ(dr->blob_len, sizeof(data));
	CHECK(memcmp(dr->blob, data, sizeof(data)) == 0);
	CHECK_EQ(x->a.frags_sent, 74);
	CHECK_EQ(x->b.frags_received, 74);
	free(dr);
	fix_free(x);
}

/* ---- A hostile sender ---- */

/* Injects one raw fragment, and expects exactly one refusal for it. */
#define REFUSED(x, hdr, ...) do {						\
	uint64_t w_[] = { 0, __VA_ARGS__ };					\
	struct if_test_msg m_;							\
	uint64_t bad_ = (x)->b.bad;						\
	CHECK_EQ(inject((x), (hdr), w_ + 1, sizeof(w_) / 8 - 1), OK);		\
	CHECK_EQ(if_test_recv(&(x)->b, &m_), ERR_BAD_MESSAGE);			\
	CHECK_EQ((x)->b.bad, bad_ + 1);					\
} while (0)

/* Injects one raw fragment that is taken (a message begins). */
#define TAKEN(x, hdr, ...) do {						\
	uint64_t w_[] = { 0, __VA_ARGS__ };					\
	struct if_test_msg m_;							\
	CHECK_EQ(inject((x), (hdr), w_ + 1, sizeof(w_) / 8 - 1), OK);		\
	CHECK_EQ(if_test_recv(&(x)->b, &m_), ERR_WOULD_BLOCK);			\
} while (0)

TEST(unknown_message_numbers_are_refused)
{
	struct fix *x = fix_urpc(16, NULL);

	CHECK(x);
	REFUSED(x, idl_hdr_first(IF_TEST_NMSGS, 1, false), 5);
	REFUSED(x, idl_hdr_first(200, 0, false));
	REFUSED(x, idl_hdr_first(255, 1, false), 5);
	CHECK_EQ(good_one_arrives(x, 1), 0);
	fix_free(x);
}

TEST(fragments_out_of_order_are_refused)
{
	struct fix *x = fix_urpc(16, NULL);
	/* blob of 72 bytes: 10 words, a first fragment of 7 and one of 3. */
	const uint32_t first = idl_hdr_first(IF_TEST_BLOB, 10, false);

	CHECK(x);
	TAKEN(x, first, 72, 1, 2, 3, 4, 5, 6);
	REFUSED(x, idl_hdr_next(IF_TEST_BLOB, 2), 7, 8, 9);		/* index 1 skipped */
	REFUSED(x, idl_hdr_next(IF_TEST_BLOB, 1), 7, 8, 9);		/* no first any more */
	TAKEN(x, first, 72, 1, 2, 3, 4, 5, 6);
	REFUSED(x, idl_hdr_next(IF_TEST_TEXT, 1), 7, 8, 9);		/* another message's */
	TAKEN(x, first, 72, 1, 2, 3, 4, 5, 6);
	REFUSED(x, idl_hdr_next(IF_TEST_BLOB, 1), 7, 8, 9, 10);	/* one word too many */
	TAKEN(x, first, 72, 1, 2, 3, 4, 5, 6);
	REFUSED(x, idl_hdr_next(IF_TEST_BLOB, 1));			/* an empty one */
	TAKEN(x, first, 72, 1, 2, 3, 4, 5, 6);
	REFUSED(x, idl_hdr_next(IF_TEST_BLOB, 1) | IDL_HDR_CAP, 7, 8, 9); /* a cap here */
	TAKEN(x, first, 72, 1, 2, 3, 4, 5, 6);
	REFUSED(x, idl_hdr_next(IF_TEST_BLOB, 1) | IDL_HDR_RESERVED, 7, 8, 9);
	/* A first fragment while one is gathered: the old one is refused,
	 * the new one is taken. */
	TAKEN(x, first, 72, 1, 2, 3, 4, 5, 6);
	REFUSED(x, first, 72, 1, 2, 3, 4, 5, 6);
	CHECK(x->b.rx_busy);
	CHECK_EQ(inject(x, idl_hdr_next(IF_TEST_BLOB, 1), (uint64_t[]){ 7, 8, 9 }, 3), OK);
	struct if_test_msg m;
	CHECK_EQ(if_test_recv(&x->b, &m), OK);
	CHECK(m.num == IF_TEST_BLOB && m.blob.data_len == 72);
	CHECK_EQ(((const uint64_t *)m.blob.data)[0], 1);
	CHECK_EQ(((const uint64_t *)m.blob.data)[8], 9);
	CHECK_EQ(good_one_arrives(x, 2), 0);
	fix_free(x);
}

TEST(a_new_first_fragment_that_is_whole_is_not_lost)
{
	struct fix *x = fix_urpc(16, NULL);
	struct if_test_msg m;

	CHECK(x);
	TAKEN(x, idl_hdr_first(IF_TEST_BLOB, 10, false), 72, 1, 2, 3, 4, 5, 6);
	/* A whole message in one fragment ends the gathered one. */
	CHECK_EQ(inject(x, idl_hdr_first(IF_TEST_NAME, 2, false), (uint64_t[]){ 2, 'h' | 'i' << 8 },
			2), OK);
	CHECK_EQ(if_test_recv(&x->b, &m), ERR_BAD_MESSAGE);
	CHECK_EQ(if_test_recv(&x->b, &m), OK);
	CHECK(m.num == IF_TEST_NAME && strcmp(m.name.s, "hi") == 0);
	CHECK_EQ(if_test_recv(&x->b, &m), ERR_WOULD_BLOCK);
	fix_free(x);
}

TEST(lengths_too_large_are_refused)
{
	struct fix *x = fix_urpc(16, NULL);

	CHECK(x);
	REFUSED(x, idl_hdr_first(IF_TEST_SCALARS, 5, false), 1, 2, 3, 4, 5);  /* max is 4 */
	REFUSED(x, idl_hdr_first(IF_TEST_SCALARS, 3, false), 1, 2, 3);        /* min is 4 */
	REFUSED(x, idl_hdr_first(IF_TEST_BLOB, 514, false), 4097);		  /* max is 513 */
	REFUSED(x, idl_hdr_first(IF_TEST_BLOB, 0xFFFF, false), 1);
	REFUSED(x, idl_hdr_first(IF_TEST_EMPTY, 1, false), 0);
	REFUSED(x, idl_hdr_first(IF_TEST_TEXT, 1, false), 3);	/* more than announced */
	REFUSED(x, idl_hdr_first(IF_TEST_TEXT, 2, false), 3, 4, 5);
	CHECK_EQ(good_one_arrives(x, 3), 0);
	fix_free(x);
}

TEST(strings_without_their_bound_are_refused)
{
	struct fix *x = fix_urpc(64, NULL);
	uint64_t w[URPC_MAX_WORDS];
	const uint32_t text2 = idl_hdr_first(IF_TEST_TEXT, 2, false);

	CHECK(x);
	memcpy(w, "abcdefgh", 8);
	REFUSED(x, text2, 8, w[0]);				/* no NUL after 8 bytes */
	REFUSED(x, text2, 7, w[0]);				/* no NUL at byte 7 */
	memcpy(w, "ab\0de\0\0\0", 8);
	REFUSED(x, text2, 5, w[0]);				/* a NUL inside */
	memcpy(w, "abc\0x\0\0\0", 8);
	REFUSED(x, text2, 3, w[0]);				/* padding not zero */
	/* One byte over the bound, yet within the message's words: 257 bytes
	 * and a NUL fill text's 34 words, 17 fill name's 4. */
	uint64_t over[34];
	struct if_test_msg m;
	memset(over, 'a', sizeof(over));
	over[0] = 257;
	over[33] = 0x6161;
	CHECK_EQ(inject_msg(x, IF_TEST_TEXT, over, 34), OK);
	CHECK_EQ(if_test_recv(&x->b, &m), ERR_BAD_MESSAGE);
	over[0] = 256;
	over[33] = 0;
	CHECK_EQ(inject_msg(x, IF_TEST_TEXT, over, 34), OK);	/* the bound itself is fine */
	CHECK_EQ(if_test_recv(&x->b, &m), OK);
	CHECK_EQ(strlen(m.text.s), 256);
	over[0] = 17;
	over[3] = 0x61;
	CHECK_EQ(inject_msg(x, IF_TEST_NAME, over, 4), OK);
	CHECK_EQ(if_test_recv(&x->b, &m), ERR_BAD_MESSAGE);
	REFUSED(x, idl_hdr_first(IF_TEST_TEXT, 3, false), UINT64_MAX, 0, 0);
	/* The words run out before the bytes do. */
	REFUSED(x, idl_hdr_first(IF_TEST_TEXT, 3, false), 30, 0x4141414141414141ull, 0);
	/* Words left over after the string. */
	REFUSED(x, idl_hdr_first(IF_TEST_TEXT, 3, false), 3, 0x636261, 0);
	/* The same for bytes: too long, short, padding. */
	REFUSED(x, idl_hdr_first(IF_TEST_BLOB, 2, false), 4097, 0);
	/* mixed's data[100]: 101 bytes would fit its 13 words, not its bound. */
	uint64_t mixed[18] = { 1, 0, 0, 101 };
	memset(&mixed[4], 'b', 13 * 8);
	mixed[16] = 0x6262626262;	/* 101 = 12 * 8 + 5 bytes */
	mixed[17] = 1;
	CHECK_EQ(inject_msg(x, IF_TEST_MIXED, mixed, 18), OK);
	CHECK_EQ(if_test_recv(&x->b, &m), ERR_BAD_MESSAGE);
	mixed[3] = 100;
	mixed[16] = 0x62626262;		/* 100 = 12 * 8 + 4 */
	CHECK_EQ(inject_msg(x, IF_TEST_MIXED, mixed, 18), OK);
	CHECK_EQ(if_test_recv(&x->b, &m), OK);
	CHECK_EQ(m.mixed.data_len, 100);
	REFUSED(x, idl_hdr_first(IF_TEST_BLOB, 2, false), 9, 0);
	REFUSED(x, idl_hdr_first(IF_TEST_BLOB, 2, false), 1, 0x100);
	/* And it still reads good ones. */
	CHECK_EQ(inject(x, text2, (uint64_t[]){ 3, 0x636261 }, 2), OK);
	CHECK_EQ(if_test_recv(&x->b, &m), OK);
	CHECK_STR(m.text.s, "abc");
	CHECK_EQ(good_one_arrives(x, 4), 0);
	fix_free(x);
}

/*
 * scalars' words (docs/interfaces.md, "Encoding"): u8 | u16 << 16 |
 * u32 << 32; u64; i64; flag | e << 32. Bits 8..15 of the first word and
 * 1..31 of the last belong to no field.
 */
TEST(narrow_scalars_share_words_in_declaration_order)
{
	struct fix *x = fix_urpc(16, NULL);
	const uint32_t h = idl_hdr_first(IF_TEST_SCALARS, 4, false);
	struct if_test_msg m;

	CHECK(x);
	CHECK_EQ(if_test_iface.msgs[IF_TEST_SCALARS].min_words, 4);
	CHECK_EQ(inject(x, h, (uint64_t[]){ 0xAB | 0xCDEFull << 16 | 0x12345678ull << 32, 9,
					  (uint64_t)-9, 1 | (uint64_t)(uint32_t)ERR_NO_SLOT << 32 },
			4), OK);
	CHECK_EQ(if_test_recv(&x->b, &m), OK);
	CHECK(m.num == IF_TEST_SCALARS && m.scalars.u8 == 0xAB && m.scalars.u16 == 0xCDEF);
	CHECK(m.scalars.u32 == 0x12345678 && m.scalars.u64 == 9 && m.scalars.i64 == -9);
	CHECK(m.scalars.flag && m.scalars.e == ERR_NO_SLOT);
	/* The whole range of an err fits its 32 bits. */
	CHECK_EQ(inject(x, h, (uint64_t[]){ 0, 0, 0, (uint64_t)0x80000000u << 32 }, 4), OK);
	CHECK_EQ(if_test_recv(&x->b, &m), OK);
	CHECK(m.scalars.e == INT32_MIN && !m.scalars.flag);
	fix_free(x);
}

TEST(scalars_out_of_range_are_refused)
{
	struct fix *x = fix_urpc(16, NULL);
	const uint32_t h = idl_hdr_first(IF_TEST_SCALARS, 4, false);
	struct if_test_msg m;

	CHECK(x);
	REFUSED(x, h, 1ull << 8, 0, 0, 0);			/* between u8 and u16 */
	REFUSED(x, h, 1ull << 15, 0, 0, 0);
	REFUSED(x, h, 0, 0, 0, 2);				/* bool: 2 */
	REFUSED(x, h, 0, 0, 0, 1ull << 31);			/* between bool and err */
	REFUSED(x, idl_hdr_first(IF_TEST_SCALARS, 7, false), 0, 0, 0, 0, 0, 0, 0);
	/* A narrow field alone in its word keeps the word's range checks
	 * (mixed: tag, then a string; lookup_reply's err and uint32 share). */
	REFUSED(x, idl_hdr_first(IF_TEST_MIXED, 5, false), 1ull << 32, 0, 0, 0, 0);
	CHECK_EQ(inject(x, idl_hdr_first(IF_TEST_MIXED, 5, false),
			(uint64_t[]){ UINT32_MAX, 0, 0, 0, 0 }, 5), OK);
	CHECK_EQ(if_test_recv(&x->b, &m), OK);
	CHECK(m.num == IF_TEST_MIXED && m.mixed.tag == UINT32_MAX);
	/* An err alone: a sign-extended int32. */
	REFUSED(x, idl_hdr_first(IF_TEST_STATUS, 2, false), 1ull << 31, 0);
	REFUSED(x, idl_hdr_first(IF_TEST_STATUS, 2, false), (uint64_t)INT32_MIN - 1, 0);
	CHECK_EQ(inject(x, idl_hdr_first(IF_TEST_STATUS, 2, false),
			(uint64_t[]){ (uint64_t)(int64_t)INT32_MIN, 3 }, 2), OK);
	CHECK_EQ(if_test_recv(&x->b, &m), OK);
	CHECK(m.num == IF_TEST_STATUS && m.status.e == INT32_MIN && m.status.value == 3);
	CHECK_EQ(good_one_arrives(x, 5), 0);
	fix_free(x);
}

static void count_other(void *arg, uint32_t type, const uint64_t *w, unsigned n)
{
	(*(unsigned *)arg)++;
}

TEST(garbage_is_survived)
{
	struct fix *x = fix_urpc(16, NULL);
	uint64_t rng = 1, w[URPC_MAX_WORDS];
	unsigned ok = 0, bad = 0;
	struct if_test_msg m;

	CHECK(x);
	for (unsigned round = 0; round < 3000; round++) {
		/* Up to 8 random fragments, marked as fragments or not. */
		unsigned k = (unsigned)((rng = mix(rng)) % 9);
		for (unsigned i = 0; i < k; i++) {
			uint32_t hdr = (uint32_t)(rng = mix(rng));
			unsigned n = (unsigned)((rng >> 40) % (URPC_MAX_WORDS + 1));
			if (rng & (1ull << 60))
				hdr = (hdr & 0x0FFFFFFF) | IDL_HDR_MAGIC << IDL_HDR_MAGIC_SHIFT;
			if (rng & (1ull << 61))
				hdr &= ~IDL_HDR_RESERVED;
			if (rng & (1ull << 62))		/* a plausible first fragment */
				hdr = idl_hdr_first((unsigned)(rng >> 32) % IF_TEST_NMSGS, n,
						    false);
			for (unsigned j = 0; j < n; j++) {
				rng = mix(rng);
				w[j] = rng & ((rng & 1) ? 0xFF : UINT64_MAX);	/* small too */
			}
			CHECK_EQ(inject(x, hdr, w, n), OK);
		}
		err_t err;
		while ((err = if_test_recv(&x->b, &m)) != ERR_WOULD_BLOCK) {
			CHECK(err == OK || err == ERR_BAD_MESSAGE);
			ok += err == OK;
			bad += err == ERR_BAD_MESSAGE;
			/* Whatever is accepted is well-formed. */
			if (err == OK && m.num == IF_TEST_TEXT)
				CHECK(strlen(m.text.s) <= 256);
			if (err == OK && m.num == IF_TEST_BLOB)
				CHECK(m.blob.data_len <= 4096);
		}
		CHECK_EQ(good_one_arrives(x, round), 0);
	}
	CHECK(bad > 1000);
	CHECK(ok > 0);			/* some garbage is a valid message */
	/* Traffic that is not fragments goes to `other` when there is one. */
	unsigned others = 0;
	x->ub.other = count_other;
	x->ub.arg = &others;
	CHECK_EQ(inject(x, 0x100, w, 3), OK);
	CHECK_EQ(inject(x, 7, w, 0), OK);
	CHECK_EQ(good_one_arrives(x, 99), 0);
	CHECK_EQ(others, 2);
	CHECK_EQ(x->ub.others, 2);
	fix_free(x);
}

TEST(a_corrupt_urpc_slot_is_survived)
{
	struct fix *x = fix_urpc(16, NULL);
	struct urpc_slot *ring;

	CHECK(x);
	/* A slot whose URPC length is impossible: urpc_recv refuses it. */
	ring = (struct urpc_slot *)((char *)x->mem + URPC_LINE);
	ring[0].header = urpc_hdr_make(1, 9, idl_hdr_first(IF_TEST_EMPTY, 0, false));
	x->da.tx.sent = 1;		/* as if our sender had put it there */
	struct if_test_msg m;
	CHECK_EQ(if_test_recv(&x->b, &m), ERR_BAD_MESSAGE);
	CHECK_EQ(good_one_arrives(x, 6), 0);
	fix_free(x);
}
