/*
 * uprog's interface-over-a-channel modes (flotilla/uprog.h:
 * UPROG_IDL_CHAN_SERVER, UPROG_IDL_CHAN_CLIENT): if/test.if between two
 * processes over a channel the monitors bound (flotilla/idl_chan.h), the
 * capabilities in its messages moved by the monitors. The test that
 * starts them is tests/monitor/idltest.c.
 *
 * In order, the client sends: a message, an rpc, a message of 74 URPC
 * fragments, an rpc fragmented both ways; then, when the server is on
 * another core, a Frame in a message (a copy), one back in a reply, one
 * moved (`give cap`: ours is gone afterwards), the refusals of what
 * cannot be put (not a Frame, not ours, not on the control endpoint),
 * a token put by hand that the server fetches once and only once, and
 * the revocation of the first Frame, after which the server's copies are
 * gone. When both are on one core, putting a capability is refused
 * (ERR_UNSUPPORTED) and the binding goes on. Either way the binding
 * still works after the refusals. Then both close their ends: the
 * server's copy of the channel's frame goes at once, the client's once
 * the channel is taken back, and the ends answer no more. When the server
 * exits, the copy of its Frame the client holds is revoked (its memory is
 * taken back).
 * Each side exits 0, or the number of the check that failed.
 */
#include <stdio.h>
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/idl_chan.h>
#include <flotilla/idl_mcall.h>
#include <flotilla/lmp.h>
#include <flotilla/monitor.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/uprog.h>
#include "failed.h"
#include "if_moncall.h"
#include "if_test.h"

#define C_EP		CADDR(TASK_CN, 60)	/* the endpoint it binds with */
#define C_FRAME		CADDR(TASK_CN, 61)	/* the channel's frame */
#define C_BELL		CADDR(TASK_CN, 62)	/* the peer's doorbell */
#define C_CTL		CADDR(TASK_CN, 63)	/* the end's control endpoint */
#define C_MINE		CADDR(TASK_CN, 64)	/* a Frame of its own */
#define C_MINE2		CADDR(TASK_CN, 65)	/* another, to move */
#define C_OTHER_EP	CADDR(TASK_CN, 66)	/* an endpoint: not a Frame */
#define C_GOT		CADDR(TASK_CN, 67)	/* a token fetched by hand */
#define C_SLOT(i)	CADDR(TASK_CN, 70 + (i))	/* where capabilities land */
#define SLOTS		8

#define MAGIC_A		0xA11CEull		/* the client's Frame */
#define MAGIC_H		0x4A4D0FFull		/* the one it moves */
#define MAGIC_L		0x5E4E4ull		/* the server's, in a reply */
#define PAGE		4096
#define WAIT_NS		(20ull * 1000 * 1000 * 1000)
/* For the server's Frame to go after it exited: well inside the
 * monitor's own patience with the client (MESH_WAIT_NS, 20 s), so that
 * a copy that stays is reported as such. */
#define GONE_WAIT_NS	(8ull * 1000 * 1000 * 1000)

static struct if_test_binding tb;
static struct idl_chan ch;
static capaddr_t theirs;		/* client: the server's Frame, from a reply */
static unsigned next_slot_i;
static uint8_t data[4096];

static capaddr_t next_slot(void *arg)
{
	(void)arg;
	return next_slot_i < SLOTS ? C_SLOT(next_slot_i++) : IDL_CAP_NONE;
}

/* A fresh Frame at `slot`, mapped at *va (a capability maps once), with
 * `magic` in its first word. */
static err_t frame_with(capaddr_t slot, uint64_t magic, volatile uint64_t **va)
{
	err_t err = ram_retype(CPTR_TASKCN, CADDR_L2(slot), CAP_FRAME, PAGE);

	if (!err && !(err = window_map_page(slot, (void **)va)))
		(*va)[0] = magic;
	return err;
}

/* Word 0 of the Frame at `slot`, mapped now; ~0 if it cannot be. */
static uint64_t first_word(capaddr_t slot)
{
	volatile uint64_t *va;

	return window_map_page(slot, (void **)&va) ? ~0ull : va[0];
}

static err_t open_end(const struct mon_binding *b)
{
	err_t err;

	if ((err = mon_binding_ctl(b, C_EP, C_CTL)) ||
	    (err = idl_chan_open(&ch, b, C_FRAME, C_EP, C_BELL, C_CTL, C_SLOT(0))) ||
	    (err = if_test_init(&tb, &idl_urpc_transport, &ch.u, idl_chan_wait)))
		return err;
	next_slot_i = 1;
	ch.next_slot = next_slot;
	return OK;
}

/* ---- The server ---- */

/* The next message, waiting as the binding does. */
static err_t next(struct if_test_msg *m)
{
	uint64_t end = sys_clock_ns() + WAIT_NS;
	err_t err;

	while ((err = if_test_recv(&tb.b, m)) == ERR_WOULD_BLOCK) {
		if (sys_clock_ns() > end)
			return ERR_TIMEOUT;
		if ((err = idl_chan_wait(&tb.b, IDL_WAIT_RECV)))
			return err;
	}
	return err;
}

/* Accepts the one client, sleeping on the endpoint until it binds. */
static err_t accept_one(unsigned svc, struct mon_binding *b)
{
	uint64_t end = sys_clock_ns() + WAIT_NS;
	struct lmp_msg m;
	err_t err;

	while ((err = mon_accept(svc, C_EP, C_FRAME, C_BELL, b)) == ERR_WOULD_BLOCK) {
		if (sys_clock_ns() > end)
			return ERR_TIMEOUT;
		lmp_recv(C_EP, 0, 0, &m);	/* the export's doorbell */
	}
	return err;
}

/* The capabilities part, server side; 0 or the failed check. */
static int serve_caps(void)
{
	struct if_test_msg m;
	struct cap_info a, got;
	volatile uint64_t *va;
	capaddr_t gave;

	/* A copy of the client's Frame, its magic in it. */
	if (next(&m) || m.num != IF_TEST_GIVE || m.cap_err || m.give.bytes != PAGE)
		return FAILED(40);
	gave = m.give.frame;
	if (first_word(gave) != MAGIC_A || cap_identify(gave, &a))
		return FAILED(41);
	/* Its memory is the client's core's (core 0, usr/monitor/
	 * idlchantest.c): the kernel refuses it as this dispatcher's upcall
	 * area, which it would write through its view of its own memory. */
	if (sys_core_id() != 0 &&
	    sys_invoke(CPTR_DISPATCHER, DISP_SET_UPCALL, gave, 0, 0, 0, 0).err != ERR_NOT_LOCAL)
		return FAILED(65);
	/* One of ours back, in a reply. */
	if (next(&m) || m.num != IF_TEST_LOOKUP_CALL || strcmp(m.lookup_call.name, "frame") ||
	    frame_with(C_MINE, MAGIC_L, &va) || if_test_lookup_reply(&tb.b, OK, sys_core_id(), C_MINE))
		return FAILED(42);
	/* A moved one. */
	if (next(&m) || m.num != IF_TEST_HANDOFF || m.cap_err || first_word(m.handoff.frame) !=
								     MAGIC_H)
		return FAILED(43);
	/* A token put by hand: good once, on our control endpoint only. */
	if (next(&m) || m.num != IF_TEST_SCALARS)
		return FAILED(44);
	const uint64_t on_monitor[4] = { MON_CAP_GET, m.scalars.u64 };
	uint64_t r[4];
	err_t cap_err;
	if (mon_call_cap(on_monitor, 0, C_GOT, r, &cap_err) != ERR_CAP_RIGHTS ||
	    mon_cap_get(CPTR_MONITOR, m.scalars.u64, C_GOT) != ERR_CAP_RIGHTS)
		return FAILED(45);			/* packed, or as the rpc */
	/* Our control endpoint takes only an end's rpcs. */
	struct idl_mcall mc = { .ep = C_CTL };
	struct if_moncall_binding ib;
	uint32_t n;
	if_moncall_init(&ib, &idl_mcall_transport, &mc, NULL);
	if (if_moncall_cores_call(&ib.b, &n) != ERR_NO_REPLY || mc.refused != ERR_BAD_MESSAGE)
		return FAILED(66);
	if (mon_cap_get(C_CTL, m.scalars.u64, C_GOT) || cap_identify(C_GOT, &got) ||
	    got.base != a.base)
		return FAILED(46);
	if (mon_cap_get(C_CTL, m.scalars.u64, C_SLOT(SLOTS - 1)) != ERR_NOT_FOUND)
		return FAILED(47);			/* taken already */
	if (mon_cap_get(C_CTL, 0xBADull << 8, C_SLOT(SLOTS - 1)) != ERR_NOT_FOUND)
		return FAILED(48);			/* never put */
	/* We cannot revoke what is not ours: the client's Frame. */
	err_t err = mon_cap_revoke(gave, m.scalars.u64, NULL);
	if (err != ERR_CAP_RIGHTS && err != ERR_NOT_FOUND)
		return FAILED(49);
	if (next(&m) || m.num != IF_TEST_NOTHING_CALL || if_test_nothing_reply(&tb.b))
		return FAILED(50);
	/* The client revoked its Frame: both our copies went. */
	if (next(&m) || m.num != IF_TEST_LOOKUP_CALL || strcmp(m.lookup_call.name, "revoked"))
		return FAILED(51);
	bool gone = cap_identify(gave, &got) == ERR_CAP_EMPTY &&
		    cap_identify(C_GOT, &got) == ERR_CAP_EMPTY;
	if (if_test_lookup_reply(&tb.b, gone ? OK : ERR_INVALID_ARG, 0, IDL_CAP_NONE) || !gone)
		return FAILED(52);
	return 0;
}

int idl_chan_server(void)
{
	struct if_test_msg m;
	struct mon_binding b;
	unsigned svc;
	int bad;

	if (ram_retype(CPTR_TASKCN, CADDR_L2(C_EP), CAP_ENDPOINT, 0) ||
	    mon_export(UPROG_IDL_CHAN_NAME, C_EP, &svc))
		return FAILED(1);
	if (accept_one(svc, &b) || open_end(&b))
		return FAILED(2);
	bool same = b.peer_core == sys_core_id();
	if (next(&m) || m.num != IF_TEST_TEXT || strcmp(m.text.s, UPROG_IDL_CHAN_TEXT))
		return FAILED(3);
	if (next(&m) || m.num != IF_TEST_ADD_CALL ||
	    if_test_add_reply(&tb.b, m.add_call.a + m.add_call.b))
		return FAILED(4);
	if (next(&m) || m.num != IF_TEST_BLOB || m.blob.data_len != sizeof(data))
		return FAILED(5);
	for (size_t i = 0; i < sizeof(data); i++)
		if (m.blob.data[i] != (uint8_t)(i * 7))
			return FAILED(6);
	if (next(&m) || m.num != IF_TEST_ECHO_CALL)
		return FAILED(7);
	for (size_t i = 0; i < m.echo_call.data_len; i++)
		data[i] = m.echo_call.data[i] ^ 0x5A;
	if (if_test_echo_reply(&tb.b, data, m.echo_call.data_len))
		return FAILED(8);
	if (!same && (bad = serve_caps()))
		return bad;
	/* After every refusal, it still works. */
	if (next(&m) || m.num != IF_TEST_NAME || strcmp(m.name.s, "still here"))
		return FAILED(60);
	if (next(&m) || m.num != IF_TEST_ADD_CALL ||
	    if_test_add_reply(&tb.b, m.add_call.a + m.add_call.b))
		return FAILED(61);
	if (next(&m) || m.num != IF_TEST_TEXT || strcmp(m.text.s, "bye"))
		return FAILED(62);
	/* Closing: our copy of the frame goes at once; the end is gone. */
	struct cap_info ci;
	uint64_t token;
	if (mon_unbind(C_CTL) || cap_identify(C_FRAME, &ci) != ERR_CAP_EMPTY)
		return FAILED(63);
	if (mon_unbind(C_CTL) != ERR_NOT_FOUND || mon_cap_put(C_CTL, C_EP, &token) != ERR_NOT_FOUND)
		return FAILED(64);
	printf("uprog: core %u: if/test.if over a bound channel from core %u%s\n", sys_core_id(),
	       b.peer_core, same ? " (one core: no capabilities)" : ", capabilities both ways");
	return 0;
}

/* ---- The client ---- */

/* The capabilities part, client side; 0 or the failed check. */
static int client_caps(void)
{
	uint64_t token, r[4];
	volatile uint64_t *mine, *va;
	struct cap_info ci;
	err_t status, cap_err;
	uint32_t core;

	if (frame_with(C_MINE, MAGIC_A, &mine) || if_test_give_send(&tb.b, C_MINE, PAGE))
		return FAILED(40);
	if (if_test_lookup_call(&tb.b, "frame", &status, &core, &theirs) || status ||
	    theirs == IDL_CAP_NONE || first_word(theirs) != MAGIC_L)
		return FAILED(41);
	if (frame_with(C_MINE2, MAGIC_H, &va) || if_test_handoff_send(&tb.b, C_MINE2))
		return FAILED(42);
	if (cap_identify(C_MINE2, &ci) != ERR_CAP_EMPTY)
		return FAILED(43);			/* moved: ours is gone */
	/* What cannot be put, each refused before anything is sent. */
	if (if_test_give_send(&tb.b, theirs, PAGE) != ERR_CAP_NOT_OWNER)
		return FAILED(45);			/* back to its owner's core: not a copy */
	if (if_test_give_send(&tb.b, C_OTHER_EP, 1) != ERR_CAP_CORE_BOUND)
		return FAILED(44);			/* an endpoint stays on its core */
	const uint64_t on_monitor[4] = { MON_CAP_PUT };
	if (mon_call_cap(on_monitor, C_MINE, 0, r, &cap_err) != ERR_CAP_RIGHTS)
		return FAILED(46);
	/* A token by hand, which the server fetches. */
	if (mon_cap_put(C_CTL, C_MINE, &token) ||
	    if_test_scalars_send(&tb.b, 1, 2, 3, token, -4, true, OK) ||
	    if_test_nothing_call(&tb.b))
		return FAILED(47);
	/* Revocation: only with a Frame of the object, and only its id. */
	if (mon_cap_revoke(C_OTHER_EP, token, NULL) != ERR_CAP_WRONG_TYPE)
		return FAILED(48);
	if (mon_cap_revoke(theirs, token, NULL) != ERR_CAP_RIGHTS)
		return FAILED(49);			/* an import proves nothing */
	if (mon_cap_revoke(C_MINE, token ^ (1ull << 20), NULL) != ERR_NOT_FOUND)
		return FAILED(50);			/* another generation */
	if (mon_cap_revoke(C_MINE, token, NULL))
		return FAILED(51);
	if (if_test_lookup_call(&tb.b, "revoked", &status, &core, NULL) || status)
		return FAILED(52);			/* the server still has a copy */
	if (mine[0] != MAGIC_A)
		return FAILED(53);			/* ours is untouched */
	return 0;
}

/* Waits for the capability at `slot` to go (others revoke it). */
static bool goes(capaddr_t slot)
{
	uint64_t end = sys_clock_ns() + GONE_WAIT_NS;
	struct cap_info ci;

	while (cap_identify(slot, &ci) == OK)
		if (sys_clock_ns() > end)
			return false;
		else
			sys_sleep_until(sys_clock_ns() + 5000000);
	return true;
}

int idl_chan_client(unsigned server_core)
{
	struct mon_binding b;
	const uint8_t *back;
	uint64_t sum, token;
	size_t len;
	err_t err;
	int bad;

	if (ram_retype(CPTR_TASKCN, CADDR_L2(C_EP), CAP_ENDPOINT, 0) ||
	    ram_retype(CPTR_TASKCN, CADDR_L2(C_OTHER_EP), CAP_ENDPOINT, 0))
		return FAILED(1);
	uint64_t end = sys_clock_ns() + WAIT_NS;
	while ((err = mon_bind(UPROG_IDL_CHAN_NAME, C_EP, C_FRAME, C_BELL, &b)) == ERR_NOT_FOUND &&
	       sys_clock_ns() < end)
		sys_sleep_until(sys_clock_ns() + 5000000);	/* the server is not up yet */
	if (err || b.peer_core != server_core)
		return FAILED(2);
	if (mon_binding_ctl(&b, C_OTHER_EP, C_CTL) != ERR_CAP_RIGHTS)
		return FAILED(3);			/* not this end's endpoint */
	if (open_end(&b))
		return FAILED(4);
	bool same = server_core == sys_core_id();
	volatile uint64_t *va;
	if (if_test_text_send(&tb.b, UPROG_IDL_CHAN_TEXT))
		return FAILED(5);
	if (if_test_add_call(&tb.b, 2, 3, &sum) || sum != 5)
		return FAILED(6);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);
	if (if_test_blob_send(&tb.b, data, sizeof(data)))
		return FAILED(7);
	if (if_test_echo_call(&tb.b, data, 2000, &back, &len) || len != 2000)
		return FAILED(8);
	for (size_t i = 0; i < len; i++)
		if (back[i] != (data[i] ^ 0x5A))
			return FAILED(9);
	if (same) {
		if (frame_with(C_MINE, MAGIC_A, &va) ||
		    if_test_give_send(&tb.b, C_MINE, PAGE) != ERR_UNSUPPORTED ||
		    mon_cap_put(C_CTL, C_MINE, &token) != ERR_UNSUPPORTED)
			return FAILED(10);
	} else if ((bad = client_caps())) {
		return bad;
	}
	if (if_test_name_send(&tb.b, "still here"))
		return FAILED(60);
	if (if_test_add_call(&tb.b, 40, 2, &sum) || sum != 42)
		return FAILED(61);
	if (if_test_text_send(&tb.b, "bye"))
		return FAILED(62);
	/* Closing: once the server has closed its end too, the channel is
	 * taken back, our copy of its frame with it. */
	if (mon_unbind(C_CTL) || mon_unbind(C_CTL) != ERR_NOT_FOUND)
		return FAILED(63);
	if (!goes(C_FRAME))
		return FAILED(64);
	/* After the server exits, its Frame's copy here goes too (its memory
	 * is taken back, and rcap revokes what other cores hold first). */
	return same || goes(theirs) ? 0 : 70;
}
