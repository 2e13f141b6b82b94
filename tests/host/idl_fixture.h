/*
 * The fixtures of the interface tests (test_idl.c, test_idl_rpc.c, test_idl_threads.c,
 * test_idl_caps.c):
 * an imitation of LMP (a queue of 4-word messages framed by lib/idl.c's
 * LMP code, with a fake kernel moving capabilities between two small
 * "CSpaces"), so the runtime's capability path runs on the host, and
 * pairs of bindings of if/test.if talking to each other over URPC or over
 * that imitation (idl_fixture.c).
 */
#ifndef TESTS_HOST_IDL_FIXTURE_H
#define TESTS_HOST_IDL_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <kpi/lmp.h>
#include "lib/idl.h"
#include "lib/idl_urpc.h"
#include "lib/urpc.h"

/* ---- An imitation of LMP ---- */

#define FQ_LEN		1024		/* messages a queue holds */
#define CSPACE		64		/* slots in a fake CSpace; caddr = index */
#define AUTO_SLOTS	32		/* next_slot hands out slots from here up */

/* One direction: LMP messages in flight, each with the object of the
 * capability it carries (0: none). */
struct fake_q {
	struct {
		uint64_t w[LMP_WORDS];
		uint64_t obj;
	} m[FQ_LEN];
	unsigned head, tail;
};

/* One side: its queues, its CSpace (object ids; 0 = empty) and the slot it
 * offers for the next capability, as usr/lib/idl_lmp.c keeps them. */
struct fake_end {
	struct fake_q *tx, *rx;
	uint64_t cspace[CSPACE];
	capaddr_t slot;
	bool next_slot;			/* hand out a fresh slot after each */
	unsigned drops;
};

/* The transport of the imitation, and a raw LMP message (as a hostile
 * peer would send it) put in e's receive queue. */
extern const struct idl_transport fake_lmp, fake_lmp_last;	/* fake_lmp_last: cap_last */
void fake_inject(struct fake_end *e, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3,
		 uint64_t obj);

/* ---- Two bindings talking to each other ---- */

struct fix {
	struct idl_binding a, b;
	/* URPC: a duplex channel, a on side 0, b on side 1. */
	void *mem;
	unsigned slots;
	struct urpc_duplex da, db;
	struct idl_urpc ua, ub;
	/* The LMP imitation. */
	struct fake_q qab, qba;
	struct fake_end la, lb;
};

/* a and b over a duplex URPC channel of `slots` slots, or over the LMP
 * imitation; NULL when out of memory. fix_free takes NULL. */
struct fix *fix_urpc(unsigned slots, idl_wait_fn wait);
struct fix *fix_lmp(idl_wait_fn wait);
struct fix *fix_lmp_over(const struct idl_transport *tr, idl_wait_fn wait);
void fix_free(struct fix *x);

/* A raw URPC message from a's side, as a hostile peer would send it. */
err_t inject(struct fix *x, uint32_t hdr, const uint64_t *w, unsigned n);
/* Sends a good message from a and checks that b gets it, after whatever
 * came before was refused. Returns 0 or a line number. */
int good_one_arrives(struct fix *x, uint64_t tag);

#endif
