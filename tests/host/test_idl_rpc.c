/*
 * rpcs of if/test.if in one thread (the client's wait hook runs the
 * server), over URPC and over the imitation of LMP with capabilities;
 * a stale reply skipped; messages that come during a call go to the
 * handlers. The runtime's wire tests are in test_idl.c, the fixtures in
 * idl_fixture.h.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lib/test.h"
#include "lib/idl.h"
#include "if_test.h"
#include "idl_fixture.h"

struct server {
	struct idl_binding *b;
	capaddr_t ep;			/* what lookup("known") answers */
	unsigned calls;
	unsigned texts;			/* async messages the client got */
	bool chatty;			/* send a text before each reply */
	bool silent;			/* do not answer */
	bool peeked;			/* the hook found the client's binding busy */
	unsigned waits;			/* a broken runtime must fail, not hang */
};

static err_t srv_add(struct idl_binding *b, uint64_t x, uint64_t y)
{
	struct server *s = b->user;

	s->calls++;
	if (s->chatty && if_test_text_send(b, "first, this") != OK)
		return ERR_INVALID_ARG;
	return if_test_add_reply(b, x + y);
}

static err_t srv_lookup(struct idl_binding *b, const char *name)
{
	struct server *s = b->user;

	s->calls++;
	if (strcmp(name, "known") == 0)
		return if_test_lookup_reply(b, OK, 3, s->ep);
	return if_test_lookup_reply(b, ERR_NOT_FOUND, 0, IDL_CAP_NONE);
}

static err_t srv_echo(struct idl_binding *b, const uint8_t *data, size_t len)
{
	((struct server *)b->user)->calls++;
	return if_test_echo_reply(b, data, len);
}

static err_t srv_nothing(struct idl_binding *b)
{
	((struct server *)b->user)->calls++;
	return if_test_nothing_reply(b);
}

static const struct if_test_handlers server_handlers = {
	.add_call = srv_add,
	.lookup_call = srv_lookup,
	.echo_call = srv_echo,
	.nothing_call = srv_nothing,
};

static err_t cli_text(struct idl_binding *b, const char *s)
{
	struct server *srv = b->user;

	srv->texts++;
	return strcmp(s, "first, this") == 0 ? OK : ERR_INVALID_ARG;
}

static const struct if_test_handlers client_handlers = { .text = cli_text };

/* The client's wait hook: the server's turn (and a look at the client's
 * own binding, which must say it is busy). */
static err_t run_server(struct idl_binding *b, enum idl_wait why)
{
	struct server *s = b->user;
	struct if_test_msg m;

	if (if_test_recv(b, &m) == ERR_WOULD_BLOCK && b->in_call)
		s->peeked = true;
	if (s->silent || ++s->waits > 1000000)
		return ERR_TIMEOUT;		/* give up: a call that times out */
	return if_test_poll(s->b, &server_handlers);
}

static int rpcs(struct fix *x, bool caps)
{
	struct server s = { .b = &x->b, .ep = caps ? 20 : IDL_CAP_NONE };
	static uint8_t data[2000];
	const uint8_t *back;
	size_t back_len;
	uint64_t sum;
	err_t status;
	uint32_t core;
	capaddr_t ep;

	x->a.user = x->b.user = &s;
	x->lb.cspace[20] = 0xE9;
#define EXPECT(c) do { if (!(c)) return __LINE__; } while (0)
	for (uint64_t i = 0; i < 100; i++) {
		EXPECT(if_test_add_call(&x->a, i, 1000 * i, &sum) == OK);
		EXPECT(sum == 1001 * i);
	}
	EXPECT(if_test_nothing_call(&x->a) == OK);
	EXPECT(if_test_lookup_call(&x->a, "unknown", &status, &core, &ep) == OK);
	EXPECT(status == ERR_NOT_FOUND && ep == IDL_CAP_NONE);
	EXPECT(if_test_lookup_call(&x->a, "known", &status, &core, &ep) == OK);
	EXPECT(status == OK && core == 3);
	EXPECT(caps ? x->la.cspace[ep] == 0xE9 : ep == IDL_CAP_NONE);
	/* Fragmented both ways. */
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i ^ 0x5A);
	EXPECT(if_test_echo_call(&x->a, data, sizeof(data), &back, &back_len) == OK);
	EXPECT(back_len == sizeof(data) && memcmp(back, data, sizeof(data)) == 0);
	EXPECT(if_test_echo_call(&x->a, data, 3, NULL, &back_len) == OK && back_len == 3);
	EXPECT(s.calls == 105 && s.peeked);
	EXPECT(x->a.bad == 0 && x->b.bad == 0 && x->a.dropped == 0);
	EXPECT(!x->a.in_call);
#undef EXPECT
	return 0;
}

TEST(rpcs_in_one_thread_over_urpc)
{
	struct fix *x = fix_urpc(64, run_server);

	CHECK(x);
	CHECK_EQ(rpcs(x, false), 0);
	fix_free(x);
}

TEST(rpcs_in_one_thread_over_lmp_framing_with_capabilities)
{
	struct fix *x = fix_lmp(run_server);

	CHECK(x);
	CHECK_EQ(rpcs(x, true), 0);
	fix_free(x);
}

TEST(a_stale_reply_is_skipped)
{
	struct fix *x = fix_urpc(16, run_server);
	struct server s = { .b = &x->b, .silent = true };
	uint64_t sum = 0;

	CHECK(x);
	x->a.user = x->b.user = &s;
	/* The server does not answer in time: the call gives up. */
	CHECK_EQ(if_test_add_call(&x->a, 1, 2, &sum), ERR_TIMEOUT);
	CHECK(!x->a.in_call);
	/* Its answer comes later, before the next call's. */
	CHECK_EQ(if_test_poll(&x->b, &server_handlers), OK);
	s.silent = false;
	CHECK_EQ(if_test_add_call(&x->a, 10, 20, &sum), OK);
	CHECK_EQ(sum, 30);
	CHECK_EQ(x->a.dropped, 1);		/* the stale one */
	fix_free(x);
}

TEST(messages_during_a_call_go_to_the_handlers)
{
	struct fix *x = fix_urpc(16, run_server);
	struct server s = { .b = &x->b, .chatty = true };
	uint64_t sum = 0;

	CHECK(x);
	x->a.user = x->b.user = &s;
	CHECK_EQ(if_test_add_call(&x->a, 1, 2, &sum), OK);
	CHECK_EQ(sum, 3);
	CHECK_EQ(x->a.dropped, 1);		/* no handlers yet: dropped */
	if_test_set_handlers(&x->a, &client_handlers);
	CHECK_EQ(if_test_add_call(&x->a, 3, 4, &sum), OK);
	CHECK_EQ(sum, 7);
	CHECK_EQ(s.texts, 1);
	CHECK_EQ(x->a.dropped, 1);
	fix_free(x);
}
