/*
 * The LMP transport of the interface runtime (flotilla/idl_lmp.h) inside
 * Flotilla: this monitor is the server of if/test.if and uprog
 * (UPROG_IDL_LMP, tests/user/uprog/idl.c) on the same core its client, over two
 * endpoints. In turn: a message; an rpc; a message of 171 fragments,
 * reassembled; an rpc fragmented both ways; a capability in a reply and
 * one in a message; then nine malformed fragments (an unknown message
 * number, reserved header bits, a later fragment with nothing begun, a
 * string without its NUL, a length the message cannot have, a capability
 * where the message has none, which must be deleted here, garbage, a
 * payload length over 3 words, a message cut short), each refused alone
 * (the binding's `bad` goes up by one each time); then a message and an
 * rpc that still work.
 */
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/idl_lmp.h>
#include <flotilla/lmp.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/uprog.h>
#include "lib/test.h"
#include "if_test.h"
#include "tests/monitor/mtest.h"

#define EP_MINE		SCRATCH(0)	/* the server receives on it */
#define EP_ITS		SCRATCH(1)	/* the client receives on it */
#define EP_TO_ME	SCRATCH(2)	/* EP_MINE, for the client to send on */
#define FRAME		SCRATCH(3)
#define SLOT_I		4		/* where a capability lands */
#define DEADLINE_NS	(10ull * 1000000000)
#define PAGE		4096ull

static struct if_test_binding tb;
static struct idl_lmp tl;
static unsigned drops;
static struct proc client;

/* The transport gives back a capability that came with a refused message. */
static void drop(void *arg, capaddr_t cap)
{
	drops++;
	cnode_delete(T_SCRATCHCN, SLOT_I);
}

/* The next message, or the next refusal (ERR_BAD_MESSAGE). The client is
 * on this core: yield to it until it has sent. ERR_EP_GONE: it ended
 * (its exit status is reported). */
static err_t next(struct if_test_msg *m)
{
	uint64_t end = sys_clock_ns() + DEADLINE_NS, st;
	err_t err;

	while ((err = if_test_recv(&tb.b, m)) == ERR_WOULD_BLOCK) {
		if (proc_status(&client, &st) == OK && (st & 0xFFFFFFFF) == DISP_STATE_STOPPED) {
			test_fail("uprog ended: check %d failed",
				  (int)(st >> 32));
			return ERR_EP_GONE;
		}
		if (sys_clock_ns() > end)
			return ERR_TIMEOUT;
		sys_yield();
	}
	return err;
}

static err_t setup(struct proc *p)
{
	/* RAM and the boot image: it maps the frame it is sent (window_map_page). */
	struct spawn_opts o = { .give = { EP_ITS, EP_TO_ME }, .ngive = 2, .ram = SPAWNED_RAM,
				 .give_bootimg = true };
	volatile uint64_t *va;
	err_t err;

	drops = 0;
	if ((err = cnode_retype(T_SCRATCHCN, 0, T_TESTRAM, CAP_ENDPOINT, 2, 0, 0)) ||
	    (err = cnode_mint(T_SCRATCHCN, 2, EP_MINE, CAP_RIGHT_WRITE | CAP_RIGHT_GRANT, 0)) ||
	    (err = cnode_retype(T_SCRATCHCN, 3, T_TESTRAM, CAP_FRAME, 1, PAGE, PAGE)) ||
	    (err = window_map_page(FRAME, (void **)&va)))
		return err;
	va[0] = UPROG_IDL_MAGIC;
	if ((err = idl_lmp_init(&tl, EP_ITS, EP_MINE, SCRATCH(SLOT_I))) ||
	    (err = if_test_init(&tb, &idl_lmp_transport, &tl, idl_lmp_wait)))
		return err;
	tl.drop = drop;
	return spawn_program_opts("uprog", UPROG_IDL_LMP, &o, p);
}

/* The well-formed half, up to the capabilities. */
static void serve_good(void)
{
	struct if_test_msg m;
	struct cap_info f, got;
	uint8_t out[2000];

	CHECK_ERR(next(&m), OK);
	CHECK(m.num == IF_TEST_TEXT && !strcmp(m.text.s, UPROG_IDL_TEXT));
	CHECK_ERR(next(&m), OK);
	CHECK(m.num == IF_TEST_ADD_CALL && m.add_call.a == 2 && m.add_call.b == 3);
	CHECK_ERR(if_test_add_reply(&tb.b, 5), OK);
	CHECK_ERR(next(&m), OK);
	CHECK(m.num == IF_TEST_BLOB && m.blob.data_len == 4096);
	for (size_t i = 0; i < m.blob.data_len; i++)
		CHECK(m.blob.data[i] == (uint8_t)(i * 7));
	CHECK_ERR(next(&m), OK);
	CHECK(m.num == IF_TEST_ECHO_CALL && m.echo_call.data_len == sizeof(out));
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = m.echo_call.data[i] ^ 0x5A;
	CHECK_ERR(if_test_echo_reply(&tb.b, out, sizeof(out)), OK);
	CHECK_ERR(next(&m), OK);
	CHECK(m.num == IF_TEST_LOOKUP_CALL && !strcmp(m.lookup_call.name, "frame"));
	CHECK_ERR(if_test_lookup_reply(&tb.b, OK, 0, FRAME), OK);
	/* The frame comes back as a message's capability: the same memory. */
	CHECK_ERR(next(&m), OK);
	CHECK(m.num == IF_TEST_GIVE && m.give.bytes == 4096 && m.cap_err == OK);
	CHECK(m.give.frame == SCRATCH(SLOT_I));
	CHECK_ERR(cap_identify(FRAME, &f), OK);
	CHECK_ERR(cap_identify(m.give.frame, &got), OK);
	CHECK(got.type == CAP_FRAME && got.base == f.base && got.size == f.size);
	CHECK_ERR(cnode_delete(T_SCRATCHCN, SLOT_I), OK);
	tl.slot = SCRATCH(SLOT_I);	/* offered again, for the hostile part */
}

/* The hostile half: each refused alone, and the binding still works. */
static void serve_hostile(void)
{
	struct if_test_msg m;
	struct cap_info ci;

	for (unsigned k = 0; k < 9; k++) {
		uint64_t bad = tb.b.bad;
		err_t err = next(&m);
		if (err != ERR_BAD_MESSAGE || tb.b.bad != bad + 1)
			FAIL("hostile fragment %u: %s, %llu refused", k, err_name(err),
			     (unsigned long long)(tb.b.bad - bad));
	}
	/* The capability that came where none goes was deleted, not kept. */
	CHECK(drops == 1);
	CHECK_ERR(cap_identify(SCRATCH(SLOT_I), &ci), ERR_CAP_EMPTY);
	CHECK_ERR(next(&m), OK);
	CHECK(m.num == IF_TEST_NAME && !strcmp(m.name.s, "still here"));
	CHECK_ERR(next(&m), OK);
	CHECK(m.num == IF_TEST_ADD_CALL && m.add_call.a == 40 && m.add_call.b == 2);
	CHECK_ERR(if_test_add_reply(&tb.b, 42), OK);
}

TEST(idl_over_lmp_between_the_monitor_and_a_process)
{
	struct proc *p = &client;
	err_t err = OK;
	int status;

	CHECK_ERR(setup(p), OK);
	serve_good();
	if (!test_failed())
		serve_hostile();
	if (!test_failed()) {
		status = wait_stopped(p, &err);
		CHECK_ERR(err, OK);
		if (status != 0)
			test_fail("uprog: check %d failed", status);
	}
	proc_kill(p);		/* also when a check failed: it may wait for us */
}
