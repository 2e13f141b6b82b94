/*
 * Tests for lib/conring.c, the serial line's ring between core 0's
 * monitor and the console service: bytes come out in the order they went
 * in, across the wrap; a full ring takes nothing more and says so; a
 * tail the service could not have written (behind the oldest byte, past
 * the newest) is insane, and then nothing is offered or taken.
 */
#include <string.h>
#include "lib/conring.h"
#include "lib/test.h"

static struct conring ring;

/* Everything the ring holds, read the service's way, into out. */
static size_t drain(struct conring *r, char *out, size_t max)
{
	size_t got = 0, n;
	const char *p;

	while (got < max && (n = conring_peek(r, &p)) > 0) {
		if (n > max - got)
			n = max - got;
		memcpy(out + got, p, n);
		conring_took(r, n);
		got += n;
	}
	return got;
}

TEST(bytes_come_out_in_order_across_the_wrap)
{
	static char in[3 * CONRING_DATA], out[3 * CONRING_DATA];
	size_t sent = 0, got = 0;

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (char)(i * 7 + i / 251);
	conring_reset(&ring);
	/* Pieces of odd sizes, so that the wrap falls inside a piece. */
	for (unsigned k = 0; sent < sizeof(in); k++) {
		size_t n = (k * 977) % 3001 + 1;
		if (n > sizeof(in) - sent)
			n = sizeof(in) - sent;
		size_t put = conring_put(&ring, in + sent, n);
		sent += put;
		if (put < n || k % 3 == 0)
			got += drain(&ring, out + got, sizeof(out) - got);
	}
	got += drain(&ring, out + got, sizeof(out) - got);
	CHECK_EQ(got, sizeof(in));
	CHECK(memcmp(in, out, sizeof(in)) == 0);
	CHECK_EQ(conring_space(&ring), CONRING_DATA);
}

TEST(a_full_ring_takes_nothing_more)
{
	static char big[CONRING_DATA + 10];
	const char *p;

	memset(big, 'x', sizeof(big));
	conring_reset(&ring);
	CHECK_EQ(conring_put(&ring, big, sizeof(big)), CONRING_DATA);	/* what fits */
	CHECK_EQ(conring_space(&ring), 0);
	CHECK_EQ(conring_put(&ring, "y", 1), 0);
	CHECK_EQ(conring_peek(&ring, &p), CONRING_DATA);
	conring_took(&ring, 5);
	CHECK_EQ(conring_space(&ring), 5);
	CHECK_EQ(conring_put(&ring, "abcdefg", 7), 5);
	CHECK(conring_sane(&ring));
}

TEST(a_tail_the_service_could_not_have_written_is_insane)
{
	const char *p = NULL;

	conring_reset(&ring);
	CHECK_EQ(conring_put(&ring, "hello", 5), 5);
	ring.tail = 6;				/* past the newest byte */
	CHECK(!conring_sane(&ring));
	CHECK_EQ(conring_peek(&ring, &p), 0);
	CHECK_EQ(conring_space(&ring), 0);
	CHECK_EQ(conring_put(&ring, "x", 1), 0);
	ring.head = CONRING_DATA + 10;
	ring.tail = 9;				/* behind the oldest byte still held */
	CHECK(!conring_sane(&ring));
	CHECK_EQ(conring_peek(&ring, &p), 0);
	ring.tail = 10;				/* exactly full: sane */
	CHECK(conring_sane(&ring));
	CHECK_EQ(conring_peek(&ring, &p), CONRING_DATA - 10);	/* up to the wrap */
	CHECK(p == &ring.data[10]);
}
