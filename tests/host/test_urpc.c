/*
 * Tests for lib/urpc.c, single-threaded: the header layout, argument
 * checks, full and empty rings, every length, wrap-around (of the ring and
 * of the 24-bit sequence number), batched acknowledgements, and a peer that
 * writes garbage into the shared memory (headers, payloads, the ack line).
 * Two threads: test_urpc_stress.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lib/test.h"
#include "urpc_msgs.h"

static struct urpc_slot *ring_of(void *mem)
{
	return (struct urpc_slot *)((char *)mem + URPC_LINE);
}

static struct urpc_ack *ack_of(void *mem)
{
	return mem;
}

TEST(header_fields_round_trip)
{
	static const uint32_t seqs[] = { 0, 1, 2, 0x7FFFFF, 0xFFFFFE, 0xFFFFFF };
	static const uint32_t types[] = { 0, 1, 0x80000000u, 0xDEADBEEF, 0xFFFFFFFF };

	for (unsigned a = 0; a < sizeof(seqs) / sizeof(seqs[0]); a++)
		for (unsigned len = 0; len <= URPC_LEN_MASK; len++)
			for (unsigned t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
				uint64_t h = urpc_hdr_make(seqs[a], len, types[t]);
				CHECK_EQ(urpc_hdr_seq(h), seqs[a]);
				CHECK_EQ(urpc_hdr_len(h), len);
				CHECK_EQ(urpc_hdr_type(h), types[t]);
			}
	/* Out-of-range fields are cut to their width, never spill over. */
	CHECK_EQ(urpc_hdr_make(0x1000001, 0, 0), 1);
	CHECK_EQ(urpc_hdr_make(0, 0x1FF, 0), 0xFFull << 24);
	CHECK_EQ(urpc_hdr_make(0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF), UINT64_MAX);
}

TEST(bad_init_arguments_are_rejected)
{
	static unsigned char buf[URPC_DUPLEX_BYTES(64) + URPC_LINE] __attribute__((aligned(64)));
	static const unsigned bad_n[] = { 0, 1, 3, 6, 12, 1000, URPC_SLOTS_MAX * 2, 0x80000000u };
	struct urpc_sender s;
	struct urpc_receiver r;
	struct urpc_duplex d;

	for (unsigned i = 0; i < sizeof(bad_n) / sizeof(bad_n[0]); i++) {
		CHECK_EQ(urpc_chan_init(buf, sizeof(buf), bad_n[i]), ERR_INVALID_ARG);
		CHECK_EQ(urpc_sender_init(&s, buf, sizeof(buf), bad_n[i]), ERR_INVALID_ARG);
		CHECK_EQ(urpc_receiver_init(&r, buf, sizeof(buf), bad_n[i]), ERR_INVALID_ARG);
		CHECK_EQ(urpc_duplex_init(buf, sizeof(buf), bad_n[i]), ERR_INVALID_ARG);
	}
	CHECK_EQ(urpc_chan_init(NULL, sizeof(buf), 4), ERR_INVALID_ARG);
	CHECK_EQ(urpc_chan_init(buf + 8, sizeof(buf) - 8, 4), ERR_INVALID_ARG);	/* misaligned */
	CHECK_EQ(urpc_chan_init(buf + 32, sizeof(buf) - 32, 4), ERR_INVALID_ARG);
	CHECK_EQ(urpc_chan_init(buf, URPC_CHAN_BYTES(4) - 1, 4), ERR_INVALID_ARG);	/* too small */
	CHECK_EQ(urpc_chan_init(buf, 4 * URPC_LINE, 4), ERR_INVALID_ARG);	/* no room for the ack */
	CHECK_EQ(urpc_sender_init(NULL, buf, sizeof(buf), 4), ERR_INVALID_ARG);
	CHECK_EQ(urpc_receiver_init(NULL, buf, sizeof(buf), 4), ERR_INVALID_ARG);
	CHECK_EQ(urpc_sender_init(&s, buf + 64, URPC_CHAN_BYTES(4) - 64, 4), ERR_INVALID_ARG);
	CHECK_EQ(urpc_duplex_init(buf, URPC_DUPLEX_BYTES(4) - 1, 4), ERR_INVALID_ARG);
	CHECK_EQ(urpc_duplex_open(&d, buf, URPC_DUPLEX_BYTES(4), 4, 2), ERR_INVALID_ARG);
	CHECK_EQ(urpc_duplex_open(NULL, buf, URPC_DUPLEX_BYTES(4), 4, 0), ERR_INVALID_ARG);
	CHECK_EQ(urpc_duplex_open(&d, buf + 16, URPC_DUPLEX_BYTES(4), 4, 0), ERR_INVALID_ARG);
	/* The smallest and largest rings are fine, and so is exact room. */
	CHECK_EQ(urpc_chan_init(buf, URPC_CHAN_BYTES(2), 2), OK);
	CHECK_EQ(urpc_sender_init(&s, buf, URPC_CHAN_BYTES(64), 64), OK);
	CHECK_EQ(urpc_duplex_init(buf, URPC_DUPLEX_BYTES(64), 64), OK);
	CHECK_EQ(urpc_duplex_open(&d, buf, URPC_DUPLEX_BYTES(64), 64, 1), OK);
	void *big = aligned_alloc(URPC_LINE, URPC_CHAN_BYTES(URPC_SLOTS_MAX));
	CHECK(big);
	err_t err = urpc_chan_init(big, URPC_CHAN_BYTES(URPC_SLOTS_MAX), URPC_SLOTS_MAX);
	free(big);
	CHECK_EQ(err, OK);
}

TEST(init_zeroes_the_shared_memory)
{
	void *mem = aligned_alloc(URPC_LINE, URPC_CHAN_BYTES(8));
	unsigned char *p = mem;
	int nonzero = 0;

	CHECK(mem);
	memset(mem, 0xA5, URPC_CHAN_BYTES(8));
	CHECK_EQ(urpc_chan_init(mem, URPC_CHAN_BYTES(8), 8), OK);
	for (size_t i = 0; i < URPC_CHAN_BYTES(8); i++)
		nonzero |= p[i];
	free(mem);
	CHECK_EQ(nonzero, 0);
}

TEST(recv_on_empty_would_block)
{
	void *mem = new_chan(4);
	struct urpc_sender s;
	struct urpc_receiver r;
	uint64_t w[URPC_MAX_WORDS];
	unsigned n = 99;
	uint32_t type = 99;
	err_t err;

	CHECK(mem && open_ends(mem, 4, &s, &r));
	CHECK(!urpc_poll(&r));
	err = urpc_recv(&r, w, &n, &type);
	CHECK_EQ(err, ERR_WOULD_BLOCK);
	CHECK_EQ(n, 0);
	CHECK_EQ(type, 0);
	CHECK_EQ(r.received, 0);
	CHECK_EQ(urpc_recv(&r, NULL, &n, &type), ERR_INVALID_ARG);
	CHECK_EQ(urpc_recv(&r, w, NULL, &type), ERR_INVALID_ARG);
	/* After one message and its receipt, empty again. */
	CHECK_EQ(urpc_send(&s, NULL, 0, 5), OK);
	CHECK(urpc_poll(&r));
	CHECK_EQ(urpc_recv(&r, w, &n, NULL), OK);
	CHECK(!urpc_poll(&r));
	CHECK_EQ(urpc_recv(&r, w, &n, &type), ERR_WOULD_BLOCK);
	free(mem);
}

TEST(zero_to_seven_words)
{
	void *mem = new_chan(4);
	struct urpc_sender s;
	struct urpc_receiver r;
	uint64_t in[URPC_MAX_WORDS], *out = malloc(URPC_MAX_WORDS * sizeof(uint64_t));
	unsigned n;
	uint32_t type;

	CHECK(mem && out && open_ends(mem, 4, &s, &r));
	for (unsigned round = 0; round < 3; round++)
		for (unsigned len = 0; len <= URPC_MAX_WORDS; len++) {
			for (unsigned j = 0; j < len; j++)
				in[j] = 0x0101010101010101ull * (len + 1) + j + round;
			CHECK_EQ(urpc_send(&s, in, len, 0xC0DE0000u + len), OK);
			memset(out, 0xEE, URPC_MAX_WORDS * sizeof(uint64_t));
			CHECK_EQ(urpc_recv(&r, out, &n, &type), OK);
			CHECK_EQ(n, len);
			CHECK_EQ(type, 0xC0DE0000u + len);
			CHECK(memcmp(in, out, len * sizeof(uint64_t)) == 0);
			for (unsigned j = len; j < URPC_MAX_WORDS; j++)
				CHECK_EQ(out[j], 0xEEEEEEEEEEEEEEEEull);	/* untouched */
		}
	free(out);
	free(mem);
}

TEST(eight_words_are_rejected)
{
	void *mem = new_chan(4);
	struct urpc_sender s;
	struct urpc_receiver r;
	uint64_t w[URPC_MAX_WORDS + 1] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	unsigned n;

	CHECK(mem && open_ends(mem, 4, &s, &r));
	CHECK_EQ(urpc_send(&s, w, URPC_MAX_WORDS + 1, 1), ERR_INVALID_ARG);
	CHECK_EQ(urpc_send(&s, w, 1000, 1), ERR_INVALID_ARG);
	CHECK_EQ(urpc_send(&s, w, ~0u, 1), ERR_INVALID_ARG);
	CHECK_EQ(urpc_send(&s, NULL, 1, 1), ERR_INVALID_ARG);
	CHECK_EQ(s.sent, 0);
	CHECK(!urpc_poll(&r));
	CHECK_EQ(urpc_recv(&r, w, &n, NULL), ERR_WOULD_BLOCK);
	free(mem);
}

TEST(send_until_full_then_resume_after_batched_ack)
{
	enum { N = 8 };
	void *mem = new_chan(N);
	struct urpc_sender s;
	struct urpc_receiver r;
	uint64_t w[URPC_MAX_WORDS];
	unsigned n;
	uint32_t type;

	CHECK(mem && open_ends(mem, N, &s, &r));
	for (uint64_t i = 0; i < N; i++) {
		CHECK(urpc_can_send(&s));
		CHECK_EQ(urpc_send(&s, w, make_msg(i, w), (uint32_t)i), OK);
	}
	CHECK_EQ(s.ack_reads, 0);	/* not full until now: the ack line was not read */
	CHECK(!urpc_can_send(&s));
	CHECK_EQ(urpc_send(&s, w, 1, 99), ERR_WOULD_BLOCK);
	CHECK_EQ(s.sent, N);
	/* N/2 - 1 receipts publish nothing, so the sender still sees a full ring. */
	for (uint64_t i = 0; i < N / 2 - 1; i++) {
		CHECK_EQ(urpc_recv(&r, w, &n, &type), OK);
		CHECK(is_msg(i, w, n, type));
	}
	CHECK_EQ(r.ack_writes, 0);
	CHECK_EQ(urpc_send(&s, w, 1, 99), ERR_WOULD_BLOCK);
	/* The N/2-th publishes N/2: exactly that many slots open up. */
	CHECK_EQ(urpc_recv(&r, w, &n, &type), OK);
	CHECK(is_msg(N / 2 - 1, w, n, type));
	CHECK_EQ(r.ack_writes, 1);
	CHECK_EQ(ack_of(mem)->consumed, N / 2);
	for (uint64_t i = N; i < N + N / 2; i++)
		CHECK_EQ(urpc_send(&s, w, make_msg(i, w), (uint32_t)i), OK);
	CHECK_EQ(urpc_send(&s, w, 1, 99), ERR_WOULD_BLOCK);
	/* Everything arrives in order, then the ring is empty. */
	for (uint64_t i = N / 2; i < N + N / 2; i++) {
		CHECK_EQ(urpc_recv(&r, w, &n, &type), OK);
		CHECK(is_msg(i, w, n, type));
	}
	CHECK_EQ(urpc_recv(&r, w, &n, &type), ERR_WOULD_BLOCK);
	CHECK_EQ(r.ack_writes, 3);
	CHECK(urpc_can_send(&s));
	free(mem);
}

TEST(smallest_ring_acks_every_message)
{
	void *mem = new_chan(2);
	struct urpc_sender s;
	struct urpc_receiver r;
	uint64_t w[URPC_MAX_WORDS];
	unsigned n;
	uint32_t type;

	CHECK(mem && open_ends(mem, 2, &s, &r));
	for (uint64_t i = 0; i < 1000; i += 2) {
		CHECK_EQ(urpc_send(&s, w, make_msg(i, w), (uint32_t)i), OK);
		CHECK_EQ(urpc_send(&s, w, make_msg(i + 1, w), (uint32_t)(i + 1)), OK);
		CHECK_EQ(urpc_send(&s, w, 0, 0), ERR_WOULD_BLOCK);
		for (uint64_t j = i; j < i + 2; j++) {
			CHECK_EQ(urpc_recv(&r, w, &n, &type), OK);
			CHECK(is_msg(j, w, n, type));
		}
	}
	CHECK_EQ(r.ack_writes, 1000);
	free(mem);
}

TEST(wraps_around_many_times)
{
	enum { N = 4 };
	void *mem = new_chan(N);
	struct urpc_sender s;
	struct urpc_receiver r;
	uint64_t w[URPC_MAX_WORDS];
	uint64_t next_send = 0, next_recv = 0;
	unsigned n;
	uint32_t type;

	CHECK(mem && open_ends(mem, N, &s, &r));
	/* Bursts of 0..N sends, then 0..N receipts, in a fixed pseudo-random
	 * pattern: the ring goes round 25000 times, full and empty often. */
	for (uint64_t round = 0; next_recv < 100000; round++) {
		unsigned burst = (unsigned)(mix(round) % (N + 1));
		for (unsigned k = 0; k < burst; k++) {
			err_t err = urpc_send(&s, w, make_msg(next_send, w), (uint32_t)next_send);
			/* Full means full by the last count published. */
			CHECK_EQ(err == ERR_WOULD_BLOCK, next_send - r.published == N);
			CHECK(err == OK || err == ERR_WOULD_BLOCK);
			next_send += err == OK;
		}
		burst = (unsigned)(mix(~round) % (N + 1));
		for (unsigned k = 0; k < burst; k++) {
			err_t err = urpc_recv(&r, w, &n, &type);
			CHECK_EQ(err == ERR_WOULD_BLOCK, next_send == next_recv);
			CHECK(err == OK || err == ERR_WOULD_BLOCK);
			if (err == OK) {
				CHECK(is_msg(next_recv, w, n, type));
				next_recv++;
			}
		}
	}
	free(mem);
}

/*
 * Puts both ends at message index `at` (a multiple of the ring size), with
 * the ring holding the headers an honest history would have left there.
 */
static void fast_forward(void *mem, unsigned nslots, struct urpc_sender *s,
			 struct urpc_receiver *r, uint64_t at)
{
	for (unsigned i = 0; i < nslots; i++)
		ring_of(mem)[i].header = urpc_hdr_make((uint32_t)(at - nslots + i + 1), 0, 0);
	ack_of(mem)->consumed = at;
	s->sent = s->acked = at;
	r->received = r->published = at;
}

TEST(sequence_numbers_wrap)
{
	static const uint64_t starts[] = { (1ull << 24) - 24, (1ull << 32) - 24, UINT64_MAX - 23 };
	enum { N = 8 };
	uint64_t w[URPC_MAX_WORDS];
	unsigned n;
	uint32_t type;

	for (unsigned k = 0; k < sizeof(starts) / sizeof(starts[0]); k++) {
		void *mem = new_chan(N);
		struct urpc_sender s;
		struct urpc_receiver r;

		CHECK(mem && open_ends(mem, N, &s, &r));
		fast_forward(mem, N, &s, &r, starts[k]);
		CHECK(!urpc_poll(&r));	/* the stale headers are not messages */
		for (uint64_t i = starts[k]; i != starts[k] + 48; i++) {
			CHECK_EQ(urpc_send(&s, w, make_msg(i, w), (uint32_t)i), OK);
			CHECK_EQ(urpc_recv(&r, w, &n, &type), OK);
			CHECK(is_msg(i, w, n, type));
			CHECK(!urpc_poll(&r));
		}
		free(mem);
	}
}

TEST(ack_line_is_written_once_per_half_ring)
{
	enum { N = 16, M = 1003 };
	void *mem = new_chan(N);
	struct urpc_sender s;
	struct urpc_receiver r;
	uint64_t w[URPC_MAX_WORDS];
	unsigned n;
	uint32_t type;

	CHECK(mem && open_ends(mem, N, &s, &r));
	/* Lock-step: the receiver writes the ack line once per N/2 messages;
	 * the sender reads it once per N, when its cached count (the one it
	 * read last time) says the ring is full, and finds room each time. */
	for (uint64_t i = 0; i < M; i++) {
		CHECK_EQ(urpc_send(&s, w, make_msg(i, w), (uint32_t)i), OK);
		CHECK_EQ(urpc_recv(&r, w, &n, &type), OK);
		CHECK(is_msg(i, w, n, type));
		CHECK_EQ(r.ack_writes, (i + 1) / (N / 2));
		CHECK_EQ(ack_of(mem)->consumed, (i + 1) / (N / 2) * (N / 2));
	}
	CHECK_EQ(s.ack_reads, M / N);
	/* A flush publishes the odd remainder once; a second one does nothing. */
	urpc_flush_ack(&r);
	CHECK_EQ(r.ack_writes, M / (N / 2) + 1);
	CHECK_EQ(ack_of(mem)->consumed, M);
	urpc_flush_ack(&r);
	CHECK_EQ(r.ack_writes, M / (N / 2) + 1);
	free(mem);
}

TEST(sleep_handshake_sets_and_clears_the_flag)
{
	void *mem = new_chan(8);
	struct urpc_sender s;
	struct urpc_receiver r;
	uint64_t w[URPC_MAX_WORDS];
	unsigned n;

	CHECK(mem && open_ends(mem, 8, &s, &r));
	CHECK(!urpc_sender_must_wake(&s));		/* nobody asleep */
	CHECK(urpc_receiver_sleep(&r));			/* empty: may block */
	CHECK(urpc_sender_must_wake(&s));
	CHECK_EQ(urpc_send(&s, NULL, 0, 1), OK);
	CHECK(urpc_sender_must_wake(&s));		/* still asleep until it says so */
	urpc_receiver_awake(&r);
	CHECK(!urpc_sender_must_wake(&s));
	/* A message already there: sleeping is refused and the flag stays clear. */
	CHECK(!urpc_receiver_sleep(&r));
	CHECK(!urpc_sender_must_wake(&s));
	CHECK_EQ(urpc_recv(&r, w, &n, NULL), OK);
	/* Going to sleep publishes what was consumed, so a sender waiting for
	 * room is not left waiting on a sleeper. */
	CHECK_EQ(r.published, 0);
	CHECK(urpc_receiver_sleep(&r));
	CHECK_EQ(r.published, 1);
	CHECK_EQ(((struct urpc_ack *)mem)->consumed, 1);
	free(mem);
}

TEST(sender_reads_the_ack_line_only_when_full)
{
	enum { N = 16 };
	void *mem = new_chan(N);
	struct urpc_sender s;
	struct urpc_receiver r;
	uint64_t w[URPC_MAX_WORDS];
	unsigned n, blocked = 0;
	uint32_t type;

	CHECK(mem && open_ends(mem, N, &s, &r));
	/* Full bursts: each time the ring fills, the sender reads the ack line
	 * once to find it still full, and once more after the receiver has
	 * drained half of it. */
	for (uint64_t i = 0; i < 10 * N; i++) {
		while (urpc_send(&s, w, make_msg(i, w), (uint32_t)i) == ERR_WOULD_BLOCK) {
			blocked++;
			for (unsigned k = 0; k < N / 2; k++)
				CHECK_EQ(urpc_recv(&r, w, &n, &type), OK);
		}
	}
	CHECK_EQ(blocked, (10 * N - N) / (N / 2));
	CHECK_EQ(s.ack_reads, 2 * blocked);
	free(mem);
}

TEST(garbage_length_is_refused_and_skipped)
{
	enum { N = 4 };
	void *mem = new_chan(N);
	struct urpc_receiver r;
	struct urpc_slot *ring = ring_of(mem);
	uint64_t *w = malloc(URPC_MAX_WORDS * sizeof(uint64_t));	/* no spare room */
	unsigned n;
	uint32_t type;

	CHECK(mem && w);
	CHECK_EQ(urpc_receiver_init(&r, mem, URPC_CHAN_BYTES(N), N), OK);
	/* We play a hostile sender, writing headers straight into the ring:
	 * every impossible length is refused, consumed and counted. */
	for (uint64_t m = 0; m < 256 - (URPC_MAX_WORDS + 1); m++) {
		unsigned len = URPC_MAX_WORDS + 1 + (unsigned)m;
		struct urpc_slot *slot = &ring[m % N];
		for (unsigned j = 0; j < URPC_MAX_WORDS; j++)
			slot->word[j] = mix(m + j);
		slot->header = urpc_hdr_make((uint32_t)(m + 1), len, 7);
		CHECK(urpc_poll(&r));
		n = 99;
		type = 99;
		CHECK_EQ(urpc_recv(&r, w, &n, &type), ERR_BAD_MESSAGE);
		CHECK_EQ(n, 0);
		CHECK_EQ(type, 0);
		CHECK_EQ(r.received, m + 1);
	}
	/* The receiver moved on: a well-formed message after them arrives. */
	uint64_t m = r.received;
	ring[m % N].word[0] = 42;
	ring[m % N].header = urpc_hdr_make((uint32_t)(m + 1), 1, 9);
	CHECK_EQ(urpc_recv(&r, w, &n, &type), OK);
	CHECK_EQ(n, 1);
	CHECK_EQ(w[0], 42);
	CHECK_EQ(type, 9);
	/* A header with the wrong sequence number is not a message at all. */
	ring[(m + 1) % N].header = urpc_hdr_make((uint32_t)(m + 3), 1, 9);
	CHECK_EQ(urpc_recv(&r, w, &n, &type), ERR_WOULD_BLOCK);
	CHECK_EQ(r.received, m + 1);
	free(w);
	free(mem);
}

TEST(random_garbage_in_the_ring_is_survived)
{
	enum { N = 8 };
	void *mem = new_chan(N);
	struct urpc_receiver r;
	uint64_t *w = malloc(URPC_MAX_WORDS * sizeof(uint64_t));
	uint64_t rng = 1, ok = 0, bad = 0;
	unsigned n;
	uint32_t type;

	CHECK(mem && w);
	CHECK_EQ(urpc_receiver_init(&r, mem, URPC_CHAN_BYTES(N), N), OK);
	for (unsigned round = 0; round < 20000; round++) {
		/* Scribble over the whole channel, sometimes with the expected
		 * sequence number so the garbage is taken as a message. */
		uint64_t *p = mem;
		for (size_t i = 0; i < URPC_CHAN_BYTES(N) / 8; i++)
			p[i] = rng = mix(rng);
		if (rng & 1) {
			struct urpc_slot *slot = &ring_of(mem)[r.received % N];
			slot->header = (slot->header & ~(uint64_t)URPC_SEQ_MASK) |
				       ((r.received + 1) & URPC_SEQ_MASK);
		}
		for (unsigned k = 0; k < 4; k++) {
			uint64_t before = r.received;
			err_t err = urpc_recv(&r, w, &n, &type);
			CHECK(err == OK || err == ERR_BAD_MESSAGE || err == ERR_WOULD_BLOCK);
			CHECK(n <= URPC_MAX_WORDS);
			CHECK_EQ(r.received, before + (err != ERR_WOULD_BLOCK));
			ok += err == OK;
			bad += err == ERR_BAD_MESSAGE;
		}
	}
	CHECK(ok > 0 && bad > 0);	/* both paths were taken */
	free(w);
	free(mem);
}

TEST(impossible_ack_is_refused)
{
	enum { N = 4 };
	static const uint64_t lies[] = { N + 1, 1ull << 40, UINT64_MAX };
	void *mem = new_chan(N);
	struct urpc_sender s;
	struct urpc_receiver r;
	uint64_t w[URPC_MAX_WORDS];
	unsigned n;

	CHECK(mem && open_ends(mem, N, &s, &r));
	for (unsigned i = 0; i < N; i++)
		CHECK_EQ(urpc_send(&s, NULL, 0, i), OK);
	/* We play a hostile receiver: a count above what was sent is refused
	 * and nothing is sent. */
	for (unsigned i = 0; i < sizeof(lies) / sizeof(lies[0]); i++) {
		ack_of(mem)->consumed = lies[i];
		CHECK_EQ(urpc_send(&s, NULL, 0, 0), ERR_BAD_MESSAGE);
		CHECK(!urpc_can_send(&s));
		CHECK_EQ(s.sent, N);
	}
	/* An honest count again: the receiver takes N/2, the sender goes on. */
	ack_of(mem)->consumed = 0;
	for (unsigned i = 0; i < N / 2; i++)
		CHECK_EQ(urpc_recv(&r, w, &n, NULL), OK);
	CHECK_EQ(urpc_send(&s, NULL, 0, N), OK);
	/* A count going backwards is refused too, once the sender reads it. */
	ack_of(mem)->consumed = N / 2 - 1;
	CHECK_EQ(urpc_send(&s, NULL, 0, N + 1), OK);	/* room by the cached count */
	CHECK_EQ(urpc_send(&s, NULL, 0, N + 2), ERR_BAD_MESSAGE);
	ack_of(mem)->consumed = N / 2;
	for (unsigned i = N / 2; i < N + 2; i++) {
		uint32_t type;
		CHECK_EQ(urpc_recv(&r, w, &n, &type), OK);
		CHECK_EQ(type, i);
	}
	CHECK_EQ(ack_of(mem)->consumed, N + 2);
	CHECK_EQ(urpc_send(&s, NULL, 0, N + 2), OK);
	free(mem);
}

TEST(duplex_channel_both_ways)
{
	void *frame = aligned_alloc(4096, 4096);
	struct urpc_duplex a, b;
	uint64_t w[URPC_MAX_WORDS];
	unsigned n;
	uint32_t type;

	CHECK(frame);
	CHECK_EQ(urpc_duplex_init(frame, 4096, 32), ERR_INVALID_ARG);	/* 32 do not fit */
	CHECK_EQ(urpc_duplex_init(frame, 4096, 16), OK);
	CHECK_EQ(urpc_duplex_open(&a, frame, 4096, 16, 0), OK);
	CHECK_EQ(urpc_duplex_open(&b, frame, 4096, 16, 1), OK);
	/* Each side's lines are its own: a's slots are b's to read, and the
	 * ack line a writes is the one b's sender reads. */
	CHECK(a.tx.ring == b.rx.ring && b.tx.ring == a.rx.ring && a.tx.ring != b.tx.ring);
	CHECK(a.rx.ack == b.tx.ack && b.rx.ack == a.tx.ack && a.rx.ack != b.rx.ack);
	for (uint64_t i = 0; i < 100; i++) {
		CHECK_EQ(urpc_send(&a.tx, w, make_msg(i, w), (uint32_t)i), OK);
		CHECK_EQ(urpc_recv(&a.rx, w, &n, &type), ERR_WOULD_BLOCK);	/* not an echo */
		CHECK_EQ(urpc_recv(&b.rx, w, &n, &type), OK);
		CHECK(is_msg(i, w, n, type));
		CHECK_EQ(urpc_send(&b.tx, w, n, type), OK);
		CHECK_EQ(urpc_recv(&a.rx, w, &n, &type), OK);
		CHECK(is_msg(i, w, n, type));
	}
	free(frame);
}
