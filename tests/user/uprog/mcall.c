/*
 * Malformed moncall-transport calls (flotilla/idl_mcall.h, if/moncall.if),
 * written by hand with mon_call_raw as a hostile process would: each is
 * refused with its error, and the monitor goes on serving (uprog's
 * UPROG_MONITOR_CALLS, on every core).
 */
#include <flotilla/idl_mcall.h>
#include <flotilla/monitor.h>
#include <flotilla/sys.h>
#include <flotilla/uprog.h>
#include "failed.h"
#include "if_moncall.h"

/* One raw call, with capability cap (0: none); true when the monitor
 * refused it with `why`. */
static bool refused_cap(uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3, capaddr_t cap,
			err_t why)
{
	const uint64_t w[4] = { w0, w1, w2, w3 };
	uint64_t r[4] = { 0 };
	err_t cap_err;

	mon_call_cap(w, cap, 0, r, &cap_err);	/* its "error" is r[0], ours to read */
	return r[0] == MCALL_REFUSED && r[1] == (uint64_t)why;
}

static bool refused(uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3, err_t why)
{
	return refused_cap(w0, w1, w2, w3, 0, why);
}

/* A call of two fragments: ns_lookup_call of a name of 20 characters
 * (its length, then 3 words). The first fragment holds 3 of its 4 words:
 * *ticket is the conversation the monitor's ACK names. */
#define NAME20_W	0x6161616161616161ull		/* "aaaaaaaa" */
static bool begin_wait(uint32_t *ticket)
{
	const uint64_t w[4] = { mcall_word0(idl_hdr_first(IF_MONCALL_NS_LOOKUP_CALL, 4, false), 3,
					    0), 20, NAME20_W, NAME20_W };
	uint64_t r[4] = { 0 };

	mon_call_raw(w, r);
	*ticket = mcall_ticket(r[0]);
	return (uint32_t)r[0] == MCALL_ACK && *ticket != 0;
}

/* Its second fragment (index `index`): one word, the name's last 4
 * characters and its NUL, padded (the word after it). */
#define NAME20_LAST	0x61616161ull
static uint64_t wait_next(uint32_t ticket, unsigned index)
{
	return mcall_word0(idl_hdr_next(IF_MONCALL_NS_LOOKUP_CALL, index), 1, ticket);
}

/* UPROG_FOREIGN_TICKET: the last fragment of another process's ns_lookup
 * conversation `ticket`; 0 when the monitor refuses it as no
 * conversation of ours (ERR_NOT_FOUND). */
int foreign_ticket(uint32_t ticket)
{
	return refused(wait_next(ticket, 1), NAME20_LAST, 0, 0, ERR_NOT_FOUND) ? 0 : 1;
}

/* Starts uprog UPROG_FOREIGN_TICKET on this core for our conversation
 * `ticket` and waits for it (a deadline turns a hang into a failure):
 * true when it could continue it. */
static bool other_process_continues(uint32_t ticket)
{
	struct mon_spawn_opts o = { 0 };
	struct mon_ended e = { .status = -1 };
	uint64_t serial, deadline = sys_clock_ns() + 20ull * 1000 * 1000 * 1000;
	unsigned pid, core = sys_core_id();
	err_t err;

	if (mon_spawn_opts("uprog", core, UPROG_FOREIGN_TICKET | (uint64_t)ticket << 8, &o, &pid,
			   &serial))
		return true;
	while ((err = mon_wait(core, pid, serial, &e)) == ERR_WOULD_BLOCK &&
	       sys_clock_ns() < deadline)
		sys_sleep_until(sys_clock_ns() + 10ull * 1000 * 1000);
	if (err == ERR_WOULD_BLOCK)
		mon_kill(core, pid);		/* it hangs: not left behind */
	return err || e.how != MON_END_EXIT || e.status != 0;
}

int malformed_mcalls(void)
{
	const uint32_t cores = idl_hdr_first(IF_MONCALL_CORES_CALL, 0, false);	/* no words */
	uint32_t t, first = 0, last = 0;
	unsigned n;

	/* Not a fragment the interface has: an unknown message number, a
	 * payload longer than 3 words, a wrong length, a first fragment that
	 * names a conversation. */
	if (!refused(mcall_word0(idl_hdr_first(200, 1, false), 1, 0), 1, 0, 0, ERR_BAD_MESSAGE) ||
	    /* (span's call is 4 words, so only the payload's length is wrong) */
	    !refused(mcall_word0(idl_hdr_first(IF_MONCALL_SPAN_CALL, 4, false), 4, 0), 0, 0, 0,
		     ERR_BAD_MESSAGE) ||
	    !refused(mcall_word0(idl_hdr_first(IF_MONCALL_CORES_CALL, 2, false), 2, 0), 1, 2, 0,
		     ERR_BAD_MESSAGE) ||
	    !refused(mcall_word0(cores, 0, 12345), 0, 0, 0, ERR_BAD_MESSAGE))
		return FAILED(1);
	/* A field out of range: ping's core is a uint32; a name of 8 bytes
	 * without room for its NUL. */
	if (!refused(mcall_word0(idl_hdr_first(IF_MONCALL_PING_CALL, 1, false), 1, 0), 1ull << 40,
		     0, 0, ERR_BAD_MESSAGE) ||
	    !refused(mcall_word0(idl_hdr_first(IF_MONCALL_NS_LOOKUP_CALL, 2, false), 2, 0), 8,
		     0x6867666564636261ull, 0, ERR_BAD_MESSAGE))
		return FAILED(2);
	/* A later fragment, or a pull, naming no conversation or one never given. */
	if (!refused(wait_next(0, 1), NAME20_LAST, 0, 0, ERR_NOT_FOUND) ||
	    !refused(wait_next(0x654321, 1), NAME20_LAST, 0, 0, ERR_NOT_FOUND) ||
	    !refused(mcall_word0(MCALL_PULL, 0, 0x654321), 0, 0, 0, ERR_NOT_FOUND))
		return FAILED(3);
	/* A fragment out of order ends its conversation; so does a pull
	 * before the call is whole. */
	if (!begin_wait(&t) || !refused(wait_next(t, 2), NAME20_LAST, 0, 0, ERR_BAD_MESSAGE) ||
	    !refused(wait_next(t, 1), NAME20_LAST, 0, 0, ERR_NOT_FOUND))
		return FAILED(4);
	if (!begin_wait(&t) || !refused(mcall_word0(MCALL_PULL, 0, t), 0, 0, 0, ERR_NOT_FOUND) ||
	    !refused(wait_next(t, 1), NAME20_LAST, 0, 0, ERR_NOT_FOUND))
		return FAILED(5);
	/* A reply sent as a call: no handler takes it. */
	if (!refused(mcall_word0(idl_hdr_first(IF_MONCALL_CORES_REPLY, 1, false), 1, 0), 2, 0, 0,
		     ERR_UNSUPPORTED))
		return FAILED(6);
	/* Conversations left open: twice as many as the monitor holds. The
	 * oldest is gone; the newest still finishes. */
	for (unsigned i = 0; i < 2 * MCALL_CONVS + 1; i++) {
		if (!begin_wait(&t))
			return FAILED(7);
		first = i ? first : t;
		last = t;
	}
	if (!refused(wait_next(first, 1), NAME20_LAST, 0, 0, ERR_NOT_FOUND))
		return FAILED(8);
	const uint64_t w[4] = { wait_next(last, 1), NAME20_LAST };
	uint64_t r[4] = { 0 };
	mon_call_raw(w, r);
	if (!idl_hdr_is_frag((uint32_t)r[0]) || mcall_ticket(r[0]) != last)
		return FAILED(9);		/* the reply's first fragment */
	/* Tickets are drawn, not counted: of 16 conversations begun one after
	 * another, few have a generation near the one before (counted up,
	 * globally or per slot, nearly all would, other callers' conversations
	 * between them or not; drawn, a pair is near once in 10^5). */
	unsigned small = 0;
	uint32_t prev = 0;
	for (unsigned i = 0; i < 16; i++) {
		if (!begin_wait(&t))
			return FAILED(17);
		uint32_t g = t / MCALL_CONVS, p = prev / MCALL_CONVS;
		small += i > 0 && (g > p ? g - p : p - g) <= 8;
		prev = t;
	}
	if (small > 4)
		return FAILED(18);
	/* A conversation is its process's: a child started by request has a
	 * badge of its own, and its try to continue ours is refused, which
	 * leaves ours as it was (its last fragment still answered). */
	if (!begin_wait(&t) || other_process_continues(t))
		return FAILED(19);
	const uint64_t own[4] = { wait_next(t, 1), NAME20_LAST };
	mon_call_raw(own, r);
	if (!idl_hdr_is_frag((uint32_t)r[0]) || mcall_ticket(r[0]) != t)
		return FAILED(20);
	/* And a well-formed request still works. */
	if (mon_cores(&n) || n < 1)
		return FAILED(10);
	/* Capabilities: one with a first fragment whose header does not
	 * announce it; one announced for a message that takes none; one with
	 * a later fragment of a message that takes none. Each refused. */
	if (!refused_cap(mcall_word0(cores, 0, 0), 0, 0, 0, CPTR_VROOT, ERR_BAD_MESSAGE) ||
	    !refused_cap(mcall_word0(idl_hdr_first(IF_MONCALL_CORES_CALL, 0, true), 0, 0), 0, 0, 0,
			 CPTR_VROOT, ERR_BAD_MESSAGE) ||
	    !begin_wait(&t) ||
	    !refused_cap(wait_next(t, 1), NAME20_LAST, 0, 0, CPTR_VROOT, ERR_BAD_MESSAGE))
		return FAILED(11);
	/* The beat rpc without the capability that names the caller: its
	 * status says so (a well-formed call, answered). */
	struct idl_mcall mc = { .ep = CPTR_MONITOR };
	struct if_moncall_binding ib;
	err_t status = OK;
	bool stop = true;
	if_moncall_init(&ib, &idl_mcall_transport, &mc, NULL);
	if (if_moncall_beat_call(&ib.b, IDL_CAP_NONE, &status, &stop) || status != ERR_CAP_EMPTY)
		return FAILED(12);
	/* A capability with the first of several fragments (span's call is
	 * 4 words: 3 + 1): it must come with the last, whose answer is the
	 * reply (mcall.c says why). So must one the first did not announce. */
	const uint32_t span1 = idl_hdr_first(IF_MONCALL_SPAN_CALL, 4, true);
	if (!refused_cap(mcall_word0(span1, 3, 0), 0, 0x400000, 0x500000, CPTR_VROOT,
			 ERR_BAD_MESSAGE))
		return FAILED(13);
	const uint64_t s1[4] = { mcall_word0(idl_hdr_first(IF_MONCALL_SPAN_CALL, 4, false), 3, 0),
				 0, 0x400000, 0x500000 };
	uint64_t a[4] = { 0 };
	mon_call_raw(s1, a);
	if ((uint32_t)a[0] != MCALL_ACK ||
	    !refused_cap(mcall_word0(idl_hdr_next(IF_MONCALL_SPAN_CALL, 1), 1, mcall_ticket(a[0])),
			 0, 0, 0, CPTR_VROOT, ERR_BAD_MESSAGE))
		return FAILED(14);
	/* Announced, and the last fragment came without it: span's status
	 * says so (its reply, one fragment of one word: status in bits
	 * 0..31, span_id in 32..63). */
	const uint64_t p1[4] = { mcall_word0(span1, 3, 0), 0, 0x400000, 0x500000 };
	mon_call_raw(p1, a);
	const uint64_t p2[4] = { mcall_word0(idl_hdr_next(IF_MONCALL_SPAN_CALL, 1), 1,
					     mcall_ticket(a[0])), 0 };
	mon_call_raw(p2, a);
	if (!idl_hdr_is_frag((uint32_t)a[0]) || (err_t)(uint32_t)a[1] != ERR_CAP_EMPTY)
		return FAILED(15);
	/* A channel end's call on CPTR_MONITOR (only an end's endpoint may
	 * make it: idlchan's uprog tries the other way round). */
	if (!refused(mcall_word0(idl_hdr_first(IF_MONCALL_UNBIND_CALL, 0, false), 0, 0), 0, 0, 0,
		     ERR_CAP_RIGHTS))
		return FAILED(16);
	return 0;
}
