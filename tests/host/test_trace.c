/*
 * Host tests of lib/trace.c: a ring keeps the newest events in order,
 * a reader gets each event once and counts what it missed, a reader
 * racing its writer never returns a slot the writer overwrote while it
 * copied, and a ring header that does not fit its memory is refused.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lib/test.h"
#include "lib/trace.h"

static uint64_t mem[TRACE_RING_BYTES(8) / 8];

static struct trace_ring *ring(void)
{
	if (trace_ring_init(mem, sizeof(mem)) != OK)
		test_fail("trace_ring_init refused %zu bytes", sizeof(mem));
	return (struct trace_ring *)mem;
}

TEST(ring_size_is_what_fits)
{
	struct trace_ring *r = ring();

	CHECK_EQ(r->order, 8);
	CHECK_EQ(r->written, 0);
	CHECK_ERR(trace_ring_init(mem, TRACE_RING_BYTES(TRACE_ORDER_MIN) - 1), ERR_INVALID_ARG);
	CHECK_ERR(trace_ring_init(NULL, sizeof(mem)), ERR_INVALID_ARG);
	CHECK_ERR(trace_ring_init(mem, TRACE_RING_BYTES(8) - 1), OK);
	CHECK_EQ(r->order, 7);
}

TEST(events_read_back_in_order_with_their_fields)
{
	struct trace_ring *r = ring();
	struct trace_event out[16];
	uint64_t next = 0, lost = 99;

	for (unsigned i = 0; i < 10; i++)
		trace_record(r, 3, TRACE_URPC_SEND, i, 100 + i, 200 + i);
	long n = trace_read(r, sizeof(mem), &next, out, 16, &lost);
	CHECK_EQ(n, 10);
	CHECK_EQ(next, 10);
	CHECK_EQ(lost, 0);
	for (unsigned i = 0; i < 10; i++) {
		CHECK_EQ(out[i].kind, TRACE_URPC_SEND);
		CHECK_EQ(out[i].core, 3);
		CHECK_EQ(out[i].a, i);
		CHECK_EQ(out[i].b, 100 + i);
		CHECK_EQ(out[i].c, 200 + i);
		if (i)
			CHECK(out[i].tsc >= out[i - 1].tsc);
	}
	/* Nothing new: nothing read. */
	CHECK_EQ(trace_read(r, sizeof(mem), &next, out, 16, &lost), 0);
	/* Read in pieces of at most max. */
	trace_record(r, 3, TRACE_MARK, 7, 0, 0);
	trace_record(r, 3, TRACE_MARK, 8, 0, 0);
	CHECK_EQ(trace_read(r, sizeof(mem), &next, out, 1, &lost), 1);
	CHECK_EQ(out[0].a, 7);
	CHECK_EQ(trace_read(r, sizeof(mem), &next, out, 1, &lost), 1);
	CHECK_EQ(out[0].a, 8);
	CHECK_EQ(next, 12);
}

TEST(a_wrapped_ring_keeps_the_newest_and_counts_the_lost)
{
	struct trace_ring *r = ring();
	static struct trace_event out[256];
	uint64_t next = 0, lost = 0;

	for (unsigned i = 0; i < 1000; i++)
		trace_record(r, 0, TRACE_MARK, i, 0, 0);
	long n = trace_read(r, sizeof(mem), &next, out, 256, &lost);
	CHECK_EQ(n, 256);
	CHECK_EQ(lost, 1000 - 256);
	CHECK_EQ(out[0].a, 1000 - 256);
	CHECK_EQ(out[255].a, 999);
	CHECK_EQ(next, 1000);
}

TEST(a_paused_ring_records_nothing)
{
	struct trace_ring *r = ring();

	r->paused = 1;
	trace_record(r, 0, TRACE_MARK, 1, 0, 0);
	CHECK_EQ(r->written, 0);
	r->paused = 0;
	trace_record(r, 0, TRACE_MARK, 1, 0, 0);
	CHECK_EQ(r->written, 1);
	trace_record(NULL, 0, TRACE_MARK, 1, 0, 0);	/* no ring: nothing, no crash */
}

TEST(a_header_that_does_not_fit_its_memory_is_refused)
{
	struct trace_ring *r = ring();
	struct trace_event out[4];
	uint64_t next = 0;

	trace_record(r, 0, TRACE_MARK, 1, 0, 0);
	r->order = 30;
	CHECK_EQ(trace_read(r, sizeof(mem), &next, out, 4, NULL), -(long)ERR_BAD_MESSAGE);
	r->order = 2;
	CHECK_EQ(trace_read(r, sizeof(mem), &next, out, 4, NULL), -(long)ERR_BAD_MESSAGE);
	r->order = 8;
	CHECK_EQ(trace_read(r, sizeof(mem) - 1, &next, out, 4, NULL), -(long)ERR_BAD_MESSAGE);
	CHECK_EQ(next, 0);
	CHECK_EQ(trace_read(r, sizeof(mem), &next, out, 4, NULL), 1);
}

TEST(kinds_have_names)
{
	CHECK_STR(trace_kind_name(TRACE_LMP_SEND), "lmp_send");
	CHECK_STR(trace_kind_name(TRACE_URPC_RECV), "urpc_recv");
	for (unsigned k = 1; k < TRACE_KINDS; k++)
		CHECK(trace_kind_name(k) != NULL);
	CHECK(trace_kind_name(TRACE_KINDS) == NULL);
	CHECK_EQ(trace_name8("monitor"), 0x726f74696e6f6dull);
	CHECK_EQ(trace_name8("a_long_name"), trace_name8("a_long_n"));
	CHECK_EQ(trace_name8(NULL), 0);
}

/*
 * A reader overtaken by its writer, step by step: lib/trace.c built again
 * here (names prefixed) with a hook between the copy and the second load
 * of `written`, where the writer records `more` events and then starts
 * one more that it has not finished (its fields half stored, not counted).
 */
#define trace_ring_init	again_ring_init
#define trace_name8	again_name8
#define trace_read	again_read
#define trace_kind_name	again_kind_name
static void while_copying(void);
#define TRACE_WHILE_COPYING()	while_copying()
#include "lib/trace.c"
#undef trace_read

static struct trace_ring *racing;
static unsigned more;

static void while_copying(void)
{
	for (unsigned i = 0; i < more; i++) {
		uint32_t n = (uint32_t)racing->written;

		trace_record(racing, 1, TRACE_MARK, n, ~(uint64_t)n, 0);
	}
	/* Event `written`, half-way: begun, its slot already says something
	 * else, not yet counted as written. */
	struct trace_event *e = &racing->ev[racing->written & ((1u << racing->order) - 1)];
	racing->started = racing->written + 1;
	e->a = 0xDEAD;
	e->b = 0;
}

TEST(a_reader_overtaken_by_its_writer_keeps_only_whole_events)
{
	static const unsigned overtakes[] = { 0, 1, 2, 44, 45, 46, 100, 255, 256, 257, 600 };
	static struct trace_event out[256];

	for (unsigned t = 0; t < sizeof(overtakes) / sizeof(overtakes[0]); t++) {
		racing = ring();
		for (uint32_t n = 0; n < 300; n++)
			trace_record(racing, 1, TRACE_MARK, n, ~(uint64_t)n, 0);
		uint64_t next = 0, lost = 0;

		more = overtakes[t];
		long got = again_read(racing, sizeof(mem), &next, out, 256, &lost);

		CHECK(got >= 0);
		CHECK_EQ(next, 300);
		CHECK_EQ((uint64_t)got + lost, 300);
		/* Whatever was kept is whole and in order... */
		for (long i = 0; i < got; i++)
			if (out[i].a != (uint32_t)(lost + (uint64_t)i) ||
			    out[i].b != ~(uint64_t)(lost + (uint64_t)i))
				FAIL("overtaken by %u: kept event %lu reads a=%u", more,
				     (unsigned long)(lost + (uint64_t)i), out[i].a);
		/* ...and nothing whole was dropped: the ring held 300 - 256 = 44
		 * too few, and the writer's more + 1 slots overwrote that many more. */
		uint64_t want_lost = 44 + more + 1;
		CHECK_EQ(lost, want_lost < 300 ? want_lost : 300);
	}
}
