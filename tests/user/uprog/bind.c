/*
 * uprog's channel modes (flotilla/uprog.h: UPROG_BIND_SERVER,
 * UPROG_BIND_CLIENT): a server that exports a name and echoes on every
 * channel clients bind to it, from any core, and the clients. The test
 * that starts them is tests/monitor/bindtest.c.
 *
 * The server waits for all its channels at once: it sets every
 * channel's sleeping flag, looks at every ring once more, and only then
 * blocks on its endpoint, which the doorbell of every channel (and of
 * the export) notifies. That is uchan_recv's handshake done for many
 * rings (flotilla/uchan.h).
 */
#include <stdio.h>
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/lmp.h>
#include <flotilla/monitor.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/uchan.h>
#include <flotilla/uprog.h>
#include "failed.h"

#define B_EP		CADDR(TASK_CN, 40)	/* the endpoint it binds and serves with */
#define B_OTHER_EP	CADDR(TASK_CN, 41)	/* another endpoint of its own */
#define B_SENDONLY	CADDR(TASK_CN, 42)	/* B_EP without the right to receive */
#define B_FRAME(i)	CADDR(TASK_CN, 44 + 2 * (i))
#define B_BELL(i)	CADDR(TASK_CN, 45 + 2 * (i))

#define T_HELLO		1	/* message types: the client's core */
#define T_DATA		2
#define T_QUIT		3

static err_t endpoints(void)
{
	err_t err;

	if ((err = ram_retype(CPTR_TASKCN, CADDR_L2(B_EP), CAP_ENDPOINT, 0)) ||
	    (err = ram_retype(CPTR_TASKCN, CADDR_L2(B_OTHER_EP), CAP_ENDPOINT, 0)))
		return err;
	return cnode_mint(CPTR_TASKCN, CADDR_L2(B_SENDONLY), B_EP, CAP_RIGHT_WRITE, 0);
}

/* ---- The server ---- */

/* What a bad export or accept gets; 0, or the number of the check that
 * failed. */
static int server_refusals(unsigned svc)
{
	struct mon_binding b;
	unsigned other;
	const uint64_t no_cap[4] = { MON_EXPORT, 0x6e2e6f6e /* "no.n" */ };
	uint64_t r[4];

	if (mon_export(UPROG_BIND_NAME, B_OTHER_EP, &other) != ERR_NAME_IN_USE)
		return FAILED(1);
	if (mon_export("", B_EP, &other) != ERR_INVALID_ARG ||
	    mon_export("a.name.of.sixty.four.characters.one.more.than.a.name.may.have.xy", B_EP,
		       &other) != ERR_INVALID_ARG)
		return FAILED(2);
	if (mon_export("ro.export", B_SENDONLY, &other) != ERR_CAP_RIGHTS)
		return FAILED(3);
	if (mon_call_raw(no_cap, r) != ERR_CAP_EMPTY)
		return FAILED(4);
	if (mon_accept(svc, B_OTHER_EP, B_FRAME(0), B_BELL(0), &b) != ERR_CAP_RIGHTS)
		return FAILED(5);			/* not the exporter's endpoint */
	if (mon_accept(svc, B_SENDONLY, B_FRAME(0), B_BELL(0), &b) != ERR_CAP_RIGHTS)
		return FAILED(6);
	if (mon_accept(9999, B_EP, B_FRAME(0), B_BELL(0), &b) != ERR_NOT_FOUND)
		return FAILED(7);
	return 0;
}

int bind_server(unsigned clients)
{
	static struct uchan ch[UPROG_BIND_MAX];
	bool done[UPROG_BIND_MAX] = { false };
	unsigned peer[UPROG_BIND_MAX], open = 0, finished = 0, svc;
	uint64_t w[URPC_MAX_WORDS];
	int bad;

	if (clients == 0 || clients > UPROG_BIND_MAX)
		return FAILED(-1);
	if (endpoints())
		return FAILED(-2);
	if (mon_export(UPROG_BIND_NAME, B_EP, &svc))
		return FAILED(-3);
	if ((bad = server_refusals(svc)))
		return -10 - bad;
	printf("uprog: '%s' exported on core %u for %u clients\n", UPROG_BIND_NAME, sys_core_id(),
	       clients);
	while (finished < clients) {
		bool busy = false;
		struct mon_binding b;
		err_t err;
		/* Every client waiting, oldest first. */
		while (open < clients &&
		       (err = mon_accept(svc, B_EP, B_FRAME(open), B_BELL(open), &b)) !=
			       ERR_WOULD_BLOCK) {
			if (err || b.side != 1 || b.nslots != BIND_SLOTS)
				return FAILED(-4);
			if (uchan_open_binding(&ch[open], &b, B_FRAME(open), B_EP, B_BELL(open)))
				return FAILED(-5);
			peer[open++] = b.peer_core;
			busy = true;
		}
		/* Whatever every open channel holds. */
		for (unsigned i = 0; i < open; i++) {
			unsigned n;
			uint32_t type;
			while (!done[i] && (err = urpc_recv(&ch[i].d.rx, w, &n, &type)) !=
						   ERR_WOULD_BLOCK) {
				busy = true;
				if (err)
					return FAILED(-6);
				if (type == T_HELLO && (n != 1 || w[0] != peer[i]))
					return FAILED(-7);	/* the monitors named the wrong core */
				if (type == T_QUIT) {
					done[i] = true;
					finished++;
				} else if (uchan_send(&ch[i], w, n, type)) {
					return -8;
				}
			}
		}
		if (busy)
			continue;
		/* Nothing anywhere: sleep until a doorbell rings. */
		bool nap = true;
		for (unsigned i = 0; i < open; i++)
			if (!done[i] && !urpc_receiver_sleep(&ch[i].d.rx))
				nap = false;	/* something came meanwhile */
		struct lmp_msg m;
		if (nap && lmp_recv(B_EP, 0, 0, &m))
			return FAILED(-9);
		for (unsigned i = 0; i < open; i++)
			urpc_receiver_awake(&ch[i].d.rx);
	}
	return (int)finished;
}

/* ---- A client ---- */

/* What a bad bind gets, before the server is there or not; 0, or the
 * number of the check that failed. */
static int client_refusals(void)
{
	struct mon_binding b;
	char plain[16];
	uint64_t w[4] = { MON_BIND }, r[4];
	err_t cap_err;

	if (mon_bind("", B_EP, B_FRAME(0), B_BELL(0), &b) != ERR_INVALID_ARG)
		return FAILED(1);
	if (mon_bind("no.such.name", B_EP, B_FRAME(0), B_BELL(0), &b) != ERR_NOT_FOUND)
		return FAILED(2);
	snprintf(plain, sizeof(plain), "plain%u", sys_core_id());
	if (ns_register(plain, 7) ||
	    mon_bind(plain, B_EP, B_FRAME(0), B_BELL(0), &b) != ERR_NOT_EXPORTED ||
	    ns_remove(plain))
		return FAILED(3);
	if (mon_bind(UPROG_BIND_NAME, B_SENDONLY, B_FRAME(0), B_BELL(0), &b) != ERR_CAP_RIGHTS)
		return FAILED(4);
	if (mon_bind(UPROG_BIND_NAME, CPTR_BOOTIMG, B_FRAME(0), B_BELL(0), &b) !=
	    ERR_CAP_WRONG_TYPE)
		return FAILED(5);
	memcpy(&w[1], "echo.packed", sizeof("echo.packed"));
	if (mon_call_raw(w, r) != ERR_CAP_EMPTY)
		return FAILED(6);			/* no endpoint with it */
	w[0] = MON_BIND_CAP;
	w[1] = 9999;
	if (mon_call_cap(w, B_EP, B_BELL(0), r, &cap_err) != ERR_NOT_FOUND)
		return FAILED(7);
	w[0] = 0x7F;			/* no such operation */
	if (mon_call_cap(w, B_EP, 0, r, &cap_err) != ERR_BAD_MESSAGE)
		return FAILED(8);
	return 0;
}

static void fill(uint64_t *w, unsigned n, unsigned core, unsigned i)
{
	for (unsigned j = 0; j < n; j++)
		w[j] = (uint64_t)core << 56 | (uint64_t)i << 16 | j;
}

int bind_client(unsigned server_core, unsigned flags)
{
	unsigned core = sys_core_id(), n;
	uint64_t w[URPC_MAX_WORDS], got[URPC_MAX_WORDS];
	struct mon_binding b;
	struct ns_entry e;
	struct uchan c;
	uint32_t type;
	err_t err;
	int bad;

	if (endpoints())
		return FAILED(20);
	if (flags & UPROG_BIND_GONE) {		/* its exporter has exited */
		if (mon_bind(UPROG_BIND_NAME, B_EP, B_FRAME(0), B_BELL(0), &b) != ERR_NOT_FOUND)
			return FAILED(21);
		return ns_lookup(UPROG_BIND_NAME, &e) == ERR_NOT_FOUND ? 0 : 22;
	}
	if ((bad = client_refusals()))
		return bad;
	uint64_t deadline = sys_clock_ns() + UPROG_BIND_WAIT_NS;
	while ((err = mon_bind(UPROG_BIND_NAME, B_EP, B_FRAME(0), B_BELL(0), &b)) == ERR_NOT_FOUND &&
	       sys_clock_ns() < deadline)
		sys_sleep_until(sys_clock_ns() + 5000000);	/* the server is not up yet */
	if (err) {
		printf("uprog: core %u: cannot bind to '%s': %s\n", core, UPROG_BIND_NAME,
		       err_name(err));
		return 30;
	}
	if (b.side != 0 || b.nslots != BIND_SLOTS || b.peer_core != server_core)
		return FAILED(31);
	/* Its second capability, to the holder of another endpoint: no. */
	const uint64_t again[4] = { MON_BIND_CAP, b.id };
	uint64_t r[4];
	err_t cap_err;
	if (mon_call_cap(again, B_OTHER_EP, B_BELL(1), r, &cap_err) != ERR_CAP_RIGHTS)
		return FAILED(32);
	if ((err = uchan_open_binding(&c, &b, B_FRAME(0), B_EP, B_BELL(0)))) {
		printf("uprog: core %u: cannot open the channel: %s\n", core, err_name(err));
		return 33;
	}
	w[0] = core;
	if (uchan_send(&c, w, 1, T_HELLO) || uchan_recv(&c, got, &n, &type) ||
	    type != T_HELLO || n != 1 || got[0] != core)
		return FAILED(34);
	/* Every length, in bursts of 1 to half the ring's slots: the most
	 * that always fits, as the receivers acknowledge every half ring
	 * (lib/urpc.h) and both sides send before they receive. */
	for (unsigned i = 0, burst = 1; i < UPROG_BIND_MESSAGES;
	     burst = burst % (BIND_SLOTS / 2) + 1) {
		unsigned first = i;
		for (; i < UPROG_BIND_MESSAGES && i < first + burst; i++) {
			fill(w, i % (URPC_MAX_WORDS + 1), core, i);
			if (uchan_send(&c, w, i % (URPC_MAX_WORDS + 1), T_DATA))
				return FAILED(35);
		}
		for (unsigned k = first; k < i; k++) {
			unsigned len = k % (URPC_MAX_WORDS + 1);
			if (uchan_recv(&c, got, &n, &type))
				return FAILED(36);
			fill(w, len, core, k);
			if (type != T_DATA || n != len || memcmp(w, got, len * sizeof(w[0])))
				return FAILED(37);	/* lost, reordered or changed */
		}
	}
	w[0] = UPROG_QUIT;
	if (uchan_send(&c, w, 1, T_QUIT))
		return FAILED(38);
	printf("uprog: core %u: %u messages through '%s' on core %u, all echoed in order\n",
	       core, UPROG_BIND_MESSAGES, UPROG_BIND_NAME, server_core);
	return 0;
}
