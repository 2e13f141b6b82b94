/*
 * The process's side of the moncall transport (usr/lib/idl_mcall.c,
 * flotilla/idl_mcall.h) against a monitor played by a script: every LMP
 * call the transport makes goes to fake_call instead of the kernel (the
 * seam below), which checks what was asked and answers the next line of
 * the script. if/test.if's `fetch` has a reply of three fragments with a
 * capability, which no moncall rpc has today (every reply that brings a
 * capability fits one fragment), so the cap_last rule of a reply (the
 * capability comes with the first fragment and goes to the runtime with
 * the last) is checked here.
 */
#include <stdint.h>
#include <string.h>
#include <flotilla/lmp.h>
#include "lib/test.h"
#include "lib/idl.h"
#include "if_test.h"

static err_t fake_call(capaddr_t ep, unsigned flags, capaddr_t cap, capaddr_t slot,
		       const uint64_t w[LMP_WORDS], struct lmp_msg *reply);
#define lmp_call fake_call		/* the seam: idl_mcall.c's only system call */
#include "usr/lib/idl_mcall.c"
#undef lmp_call

#define EP		5
#define SLOT		(TASK_CN << 8 | 40)	/* where the reply's capability lands */
#define TICKET		0x1234
#define OBJ		0xF00D

/* One answer of the monitor, and what the call it answers must be. */
struct line {
	bool pull;			/* the call: a pull (else a fragment) */
	uint64_t w[LMP_WORDS];		/* the answer */
	bool cap;			/* a capability with it (into the slot offered) */
};

static struct {
	const struct line *script;
	unsigned n, next;
	uint64_t id;			/* the call's id, echoed by the reply */
	uint64_t slot_obj;		/* what SLOT holds */
	unsigned deletes, bad;
} mon;

static err_t fake_call(capaddr_t ep, unsigned flags, capaddr_t cap, capaddr_t slot,
		       const uint64_t w[LMP_WORDS], struct lmp_msg *reply)
{
	const struct line *l = mon.next < mon.n ? &mon.script[mon.next++] : NULL;

	static const struct line gone = { false, { MCALL_REFUSED, ERR_NOT_FOUND }, false };

	if (!l || ep != EP || l->pull != ((uint32_t)w[0] == MCALL_PULL))
		mon.bad++;
	if (!l)
		l = &gone;	/* past the script: as a monitor that holds no such ticket */
	if (!l->pull && (w[0] & IDL_HDR_FIRST))
		mon.id = w[1];
	*reply = (struct lmp_msg){ .info = LMP_KIND_REPLY };
	memcpy(reply->w, l->w, sizeof(reply->w));
	if (l->w[1] == ~0ull)
		reply->w[1] = mon.id;		/* the reply's first word: the id */
	if (l->cap) {
		if (!(flags & LMP_RECV_CAP) || slot != SLOT)
			mon.bad++;
		mon.slot_obj = OBJ;
		reply->info |= LMP_INFO_CAP;
	}
	return OK;
}

err_t cnode_delete(capaddr_t cn, uint64_t slot)
{
	if (cn != CPTR_TASKCN || slot != CADDR_L2(SLOT))
		mon.bad++;
	mon.slot_obj = 0;
	mon.deletes++;
	return OK;
}

/* fetch's reply: id, data's length (40 bytes), 5 words of data; in three
 * fragments of 3, 3 and 1 words. */
#define DATA		0x6161616161616161ull
#define R1(cap)		mcall_word0(idl_hdr_first(IF_TEST_FETCH_REPLY, 7, cap), 3, TICKET)
#define R2		mcall_word0(idl_hdr_next(IF_TEST_FETCH_REPLY, 1), 3, TICKET)
#define R3		mcall_word0(idl_hdr_next(IF_TEST_FETCH_REPLY, 2), 1, TICKET)

static err_t fetch(const struct line *script, unsigned n, struct idl_mcall *t, capaddr_t *frame,
		   size_t *len)
{
	struct if_test_binding ib;
	const uint8_t *data = NULL;

	mon.script = script;
	mon.n = n;
	mon.next = 0;
	mon.slot_obj = 0;
	mon.deletes = mon.bad = 0;
	*t = (struct idl_mcall){ .ep = EP, .slot = SLOT };
	*frame = IDL_CAP_NONE;
	if (if_test_init(&ib, &idl_mcall_transport, t, NULL))
		return ERR_INVALID_ARG;
	return if_test_fetch_call(&ib.b, 40, &data, len, frame);
}

TEST(a_reply_of_three_fragments_brings_its_capability_with_the_last)
{
	const struct line script[] = {
		{ false, { R1(true), ~0ull, 40, DATA }, true },
		{ true, { R2, DATA, DATA, DATA }, false },
		{ true, { R3, DATA }, false },
	};
	struct idl_mcall t;
	capaddr_t frame;
	size_t len = 0;

	CHECK_EQ(fetch(script, 3, &t, &frame, &len), OK);
	CHECK_EQ(mon.next, 3);
	CHECK_EQ(mon.bad, 0);
	CHECK_EQ(frame, SLOT);
	CHECK_EQ(len, 40);
	CHECK_EQ(mon.slot_obj, OBJ);		/* kept, not deleted */
	CHECK_EQ(mon.deletes, 0);
}

TEST(a_reply_pulled_by_another_loses_its_capability)
{
	/* Another process pulled the second fragment first: this caller's
	 * pull is refused, and the capability that came is deleted. */
	const struct line script[] = {
		{ false, { R1(true), ~0ull, 40, DATA }, true },
		{ true, { MCALL_REFUSED, ERR_NOT_FOUND }, false },
	};
	struct idl_mcall t;
	capaddr_t frame;
	size_t len = 0;

	CHECK_EQ(fetch(script, 2, &t, &frame, &len), ERR_NO_REPLY);
	CHECK_EQ(t.refused, ERR_NOT_FOUND);
	CHECK_EQ(frame, IDL_CAP_NONE);
	CHECK_EQ(mon.slot_obj, 0);
	CHECK_EQ(mon.deletes, 1);
	CHECK_EQ(mon.bad, 0);
}

TEST(a_capability_the_reply_did_not_announce_is_deleted)
{
	const struct line script[] = {
		{ false, { R1(false), ~0ull, 40, DATA }, true },
		{ true, { R2, DATA, DATA, DATA }, false },
		{ true, { R3, DATA }, false },
	};
	struct idl_mcall t;
	capaddr_t frame;
	size_t len = 0;

	/* The reply stands without it; what came is not kept. */
	CHECK_EQ(fetch(script, 3, &t, &frame, &len), OK);
	CHECK_EQ(frame, IDL_CAP_NONE);
	CHECK_EQ(len, 40);
	CHECK_EQ(mon.slot_obj, 0);
	CHECK_EQ(mon.deletes, 1);
	CHECK_EQ(mon.bad, 0);
}

TEST(an_announced_capability_that_did_not_come_leaves_the_reply_without_one)
{
	const struct line script[] = {
		{ false, { R1(true), ~0ull, 40, DATA }, false },
		{ true, { R2, DATA, DATA, DATA }, false },
		{ true, { R3, DATA }, false },
	};
	struct idl_mcall t;
	capaddr_t frame;
	size_t len = 0;

	/* The runtime hands the reply over without it. */
	CHECK_EQ(fetch(script, 3, &t, &frame, &len), OK);
	CHECK_EQ(frame, IDL_CAP_NONE);
	CHECK_EQ(len, 40);
	CHECK_EQ(mon.deletes, 0);
	CHECK_EQ(mon.bad, 0);
}
