/*
 * Capabilities across cores (rcap.c), tested from core 0, the owner: a
 * frame copied to every other core is pinned on its owner's core while
 * the copies exist, and when the owner revokes it every copy goes, so a
 * process on another core that had it mapped faults on its next read; a
 * moved frame leaves the owner in charge; bad requests get errors and
 * malformed messages are dropped while the holder goes on serving. All
 * but one need a second core (TEST_CORES): with one, they are skipped.
 */
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/uprog.h>
#include "lib/test.h"
#include "tests/monitor/mtest.h"

#define F		SCRATCH(0)
#define DEADLINE_NS	(20ull * 1000000000)

/* A frame of the test RAM in scratch slot `slot`, mapped at *va. */
static err_t frame_at(unsigned slot, volatile uint64_t **va)
{
	err_t err = cnode_retype(T_SCRATCHCN, slot, T_TESTRAM, CAP_FRAME, 1, 0, 4096);

	return err ? err : window_map_page(SCRATCH(slot), (void **)va);
}

static volatile uint64_t *watched;
static bool watcher_in(unsigned unused)
{
	return watched[1] == UPROG_WATCH_MAGIC + 1;
}

TEST_CORES(a_frame_copied_to_every_core_is_revoked_by_its_owner, 2)
{
	unsigned last = mesh_cores() - 1;
	struct rcap r, again;
	struct rproc p;
	int status;
	bool faulted = false;

	CHECK_ERR(frame_at(0, &watched), OK);
	watched[0] = UPROG_WATCH_MAGIC;
	for (unsigned k = 1; k <= last; k++) {
		CHECK_ERR(rcap_copy(F, k, &again), OK);
		if (k == 1)
			r = again;
		CHECK(again.owner == 0 && again.id == r.id);	/* one object, one name */
		CHECK_ERR(rcap_probe(k, &r), OK);
	}
	/* A process on the last core maps its copy and says so. */
	struct remote_gifts g = { .frame = true, .frame_cap = F };
	CHECK_ERR(remote_spawn(last, "uprog", UPROG_WATCH_FRAME, &g, &p), OK);
	CHECK(p.frame.owner == 0 && p.frame.id == r.id);
	CHECK(mesh_serve_until(watcher_in, 0, sys_clock_ns() + DEADLINE_NS));

	/* While other cores hold copies, the owner's kernel pins the memory. */
	CHECK_ERR(cnode_revoke(T_SCRATCHCN, 0), ERR_CAP_REMOTE);
	CHECK_ERR(cnode_revoke(CPTR_TASKCN, CADDR_L2(T_TESTRAM)), ERR_CAP_REMOTE);
	CHECK_ERR(cnode_retype(T_SCRATCHCN, 1, T_TESTRAM, CAP_FRAME, 1, 0, 4096),
		  ERR_RETYPE_OVERLAP);

	/* The owner revokes: every copy on every core is gone, and the
	 * process that had it mapped faults on its next read. */
	CHECK_ERR(rcap_revoke(&r), OK);
	for (unsigned k = 1; k <= last; k++)
		CHECK_ERR(rcap_probe(k, &r), ERR_NOT_FOUND);
	CHECK_ERR(remote_wait(&p, &status, &faulted), OK);
	CHECK(faulted);

	/* The owner may revoke and reuse the memory again; the name is stale. */
	CHECK_ERR(cnode_revoke(T_SCRATCHCN, 0), OK);
	CHECK_ERR(rcap_revoke(&r), ERR_NOT_FOUND);
}

TEST_CORES(a_moved_frame_leaves_its_owner_in_charge, 2)
{
	unsigned last = mesh_cores() - 1;
	volatile uint64_t *va;
	struct cap_info info;
	struct rcap r;

	CHECK_ERR(frame_at(0, &va), OK);
	CHECK_ERR(rcap_move(T_SCRATCHCN, 0, F, last, &r), OK);
	CHECK_ERR(cap_identify(F, &info), ERR_CAP_EMPTY);
	CHECK_ERR(rcap_probe(last, &r), OK);
	/* No capability to it is left here but the anchor, which still
	 * keeps the memory from being made into something else. */
	CHECK_ERR(cnode_retype(T_SCRATCHCN, 1, T_TESTRAM, CAP_FRAME, 1, 0, 4096),
		  ERR_RETYPE_OVERLAP);
	CHECK_ERR(cnode_revoke(CPTR_TASKCN, CADDR_L2(T_TESTRAM)), ERR_CAP_REMOTE);
	CHECK_ERR(rcap_revoke(&r), OK);
	CHECK_ERR(rcap_probe(last, &r), ERR_NOT_FOUND);
	CHECK_ERR(cnode_retype(T_SCRATCHCN, 1, T_TESTRAM, CAP_FRAME, 1, 0, 4096), OK);
}

/* Serves the mesh until a frame can be made at the start of the test
 * RAM again, or the deadline: is nothing left of the one that was there? */
static bool test_ram_free(unsigned unused)
{
	return cnode_retype(T_SCRATCHCN, 1, T_TESTRAM, CAP_FRAME, 1, 0, 4096) == OK;
}

/* A process on `last` that maps a copy of frame F (with the magic in it). */
static void start_watcher(unsigned last, struct rproc *p)
{
	struct remote_gifts g = { .frame = true, .frame_cap = F };

	CHECK_ERR(frame_at(0, &watched), OK);
	watched[0] = UPROG_WATCH_MAGIC;
	CHECK_ERR(remote_spawn(last, "uprog", UPROG_WATCH_FRAME, &g, p), OK);
	CHECK(mesh_serve_until(watcher_in, 0, sys_clock_ns() + DEADLINE_NS));
}

/*
 * Giving back (rcap.c, rcap_collect): when the process that held the
 * only copy on `last` is gone, `last` gives its import back, and the
 * owner, which holds no copy either, lets the object go: its memory can
 * be made into something else, and its name is stale. Before that, a
 * drop the owner sends by hand is refused (a process holds a copy), and
 * the answer, which nobody here asked for, is dropped and counted.
 */
TEST_CORES(the_last_copy_anywhere_going_destroys_the_object, 2)
{
	unsigned last = mesh_cores() - 1;
	uint64_t mine, seen;
	struct rproc p;

	start_watcher(last, &p);
	CHECK_ERR(mesh_drops(last, &seen), OK);
	mine = mesh_dropped(last);
	CHECK_ERR(if_intermon_drop_send(mesh_to(last), p.frame.id), OK);
	CHECK_ERR(rcap_probe(last, &p.frame), OK);		/* still held there */
	CHECK(mesh_dropped(last) == mine + 1);			/* its refusal, unasked */
	CHECK(mesh_dropped_more(last, &seen, 0));
	/* This core lets go of its own copy: the anchor alone still pins it. */
	CHECK_ERR(window_unmap(F, (void *)watched, 1), OK);
	CHECK_ERR(cnode_delete(T_SCRATCHCN, 0), OK);
	CHECK(!test_ram_free(0));
	/* The process goes, and with it the last copy anywhere. */
	CHECK_ERR(remote_kill(&p), OK);
	CHECK(mesh_serve_until(test_ram_free, 0, sys_clock_ns() + DEADLINE_NS));
	CHECK_ERR(rcap_probe(last, &p.frame), ERR_NOT_FOUND);
	CHECK_ERR(rcap_revoke(&p.frame), ERR_NOT_FOUND);	/* its name is stale */
}

/*
 * While the owner still holds a copy, a holder's import that no process
 * holds goes back all the same, but the anchor stays: its name still
 * revokes (nothing is left to mark; MON_CAP_REVOKE's answer names the
 * core that gave its copy back), and only then is the memory free.
 */
TEST_CORES(an_import_no_process_holds_goes_back_to_its_owner, 2)
{
	unsigned last = mesh_cores() - 1;
	uint64_t deadline = sys_clock_ns() + DEADLINE_NS;
	struct rproc p;
	uint64_t r[4] = { 0 };

	start_watcher(last, &p);
	CHECK_ERR(remote_kill(&p), OK);
	while (rcap_probe(last, &p.frame) == OK && sys_clock_ns() < deadline)
		serve_for(10 * 1000 * 1000);
	CHECK_ERR(rcap_probe(last, &p.frame), ERR_NOT_FOUND);	/* given back */
	CHECK_ERR(cnode_revoke(CPTR_TASKCN, CADDR_L2(T_TESTRAM)), ERR_CAP_REMOTE);
	/* As a process would revoke it (MON_CAP_REVOKE), with the frame. */
	const uint64_t w[4] = { MON_CAP_REVOKE, p.frame.id };
	CHECK_ERR(cnode_copy(CPTR_TASKCN, CADDR_L2(T_MONCAP), F), OK);
	CHECK_ERR(rcap_revoke_request(w, true, r), OK);
	cnode_delete(CPTR_TASKCN, CADDR_L2(T_MONCAP));
	CHECK(r[1] == 1ull << last);		/* no copy there now */
	CHECK_ERR(rcap_revoke(&p.frame), ERR_NOT_FOUND);	/* that was the revoke */
	CHECK_ERR(cnode_revoke(CPTR_TASKCN, CADDR_L2(T_TESTRAM)), OK);
}

/* EXPORT_CAP_LAST, which giving back asks: a Frame retyped from RAM is
 * the only capability naming its memory (the RAM names more); a copy
 * beside or below it makes two; an empty slot is an error. */
TEST(the_kernel_says_whether_a_capability_is_the_last_of_its_object)
{
	volatile uint64_t *va;
	bool last = false;

	CHECK_ERR(frame_at(0, &va), OK);
	CHECK_ERR(kernel_cap_last(CPTR_EXPORT, F, &last), OK);
	CHECK(last);
	CHECK_ERR(cnode_copy(T_SCRATCHCN, 1, F), OK);
	CHECK_ERR(kernel_cap_last(CPTR_EXPORT, F, &last), OK);
	CHECK(!last);
	CHECK_ERR(kernel_cap_last(CPTR_EXPORT, SCRATCH(1), &last), OK);
	CHECK(!last);
	CHECK_ERR(cnode_delete(T_SCRATCHCN, 1), OK);
	CHECK_ERR(kernel_cap_last(CPTR_EXPORT, F, &last), OK);
	CHECK(last);
	CHECK_ERR(kernel_cap_last(CPTR_EXPORT, SCRATCH(1), &last), ERR_CAP_EMPTY);
	CHECK_ERR(kernel_cap_last(CPTR_INFO, F, &last), ERR_CAP_WRONG_TYPE);
}

static bool gift_owned(unsigned unused)
{
	return watched[2] == 1;
}

/*
 * A relay reaches the owner from a core that holds no copy: a process
 * on the last core owns a Frame it gave to core 1 (UPROG_OWN_A_GIFT),
 * and this core, which never had it, asks its owner to send it on, to
 * core 1 or here. Each is refused with ERR_CAP_RIGHTS; a stale id is
 * ERR_NOT_FOUND. A spawn this core forwards to core 1 with that id as
 * its gift is refused there too (ERR_CAP_RIGHTS).
 */
TEST_CORES(a_relay_from_a_core_that_holds_no_copy_is_refused, 3)
{
	unsigned last = mesh_cores() - 1;
	struct remote_gifts g = { .frame = true, .frame_cap = F };
	struct rproc p;
	int status = -1;
	bool faulted = true;

	CHECK_ERR(frame_at(0, &watched), OK);
	CHECK_ERR(remote_spawn(last, "uprog", UPROG_OWN_A_GIFT, &g, &p), OK);
	CHECK(mesh_serve_until(gift_owned, 0, sys_clock_ns() + DEADLINE_NS));
	uint64_t id = watched[1];
	CHECK(RCAP_OWNER(id) == last);
	CHECK_ERR(rcap_relay_raw(last, id, 1), ERR_CAP_RIGHTS);
	CHECK_ERR(rcap_relay_raw(last, id, 0), ERR_CAP_RIGHTS);
	CHECK_ERR(rcap_relay_raw(last, id + (1ull << 16), 1), ERR_NOT_FOUND);	/* another generation */
	uint64_t fr;
	CHECK_ERR(rcap_retype_raw(last, id, 0, 4096, &fr), ERR_CAP_WRONG_TYPE);	/* a Frame, not RAM */
	/* Nor may it name core 1's copy to core 1 (a forged spawn gift):
	 * only the owner, or a core that relayed it there, names it. */
	uint64_t r[4];
	struct mesh_ask a;
	CHECK_ERR(mesh_ask(&a, 1, IF_INTERMON_FWD_R, r), OK);
	CHECK_ERR(mesh_await(&a, if_intermon_fwd_spawn_send(mesh_to(1), a.id, 1, 0, "uprog",
							     UPROG_IDLE, true, id)),
		  ERR_CAP_RIGHTS);
	watched[0] = UPROG_QUIT;
	CHECK_ERR(remote_wait(&p, &status, &faulted), OK);
	CHECK(!faulted && status == 0);
	CHECK_ERR(rcap_revoke(&p.frame), OK);
}

/* With any number of cores: a copy goes to another core or nowhere. */
TEST(capabilities_are_copied_to_no_core_but_another)
{
	volatile uint64_t *va;
	struct rcap r;

	CHECK_ERR(frame_at(0, &va), OK);
	CHECK_ERR(rcap_copy(F, 0, &r), ERR_INVALID_ARG);		/* this core */
	CHECK_ERR(rcap_copy(F, mesh_cores(), &r), ERR_INVALID_ARG);
}

TEST_CORES(capabilities_across_cores_refuse_bad_requests, 2)
{
	unsigned last = mesh_cores() - 1;
	const unsigned rw = CAP_RIGHT_READ | CAP_RIGHT_WRITE;
	struct rcap r;

	CHECK_ERR(rcap_copy(T_FAULTEP, last, &r), ERR_CAP_CORE_BOUND);
	CHECK_ERR(rcap_copy(SCRATCH(5), last, &r), ERR_CAP_EMPTY);
	r = (struct rcap){ .owner = last, .id = 0 };
	CHECK_ERR(rcap_revoke(&r), ERR_CAP_NOT_OWNER);
	CHECK_ERR(rcap_probe(last, &r), ERR_CAP_NOT_OWNER);
	r = (struct rcap){ .owner = 0, .id = 0x7F };
	CHECK_ERR(rcap_revoke(&r), ERR_NOT_FOUND);
	/* What a confused owner might send without a token its kernel
	 * minted is refused by the holder's kernel (more in the test below). */
	const struct frame_token none = { .base = 0xFEE00000, .size = 4096, .rights = rw, .seq = 1 };
	CHECK_ERR(rcap_import_raw(last, 0xABC0000, &none), ERR_BAD_TOKEN);
	r = (struct rcap){ .owner = 0, .id = 0xABC0000 };
	CHECK_ERR(rcap_probe(last, &r), ERR_NOT_FOUND);		/* none was made */
	/* An id names its owner (bits 15..8): no other core imports it. */
	CHECK_ERR(rcap_import_raw(last, 0xABC0000 | (uint64_t)last << 8, &none), ERR_CAP_NOT_OWNER);
	/* A relay asks the owner to send on what the asker holds: `last`
	 * made nothing under that id, nor under another core's. */
	CHECK_ERR(rcap_relay_raw(last, 1ull << 16 | (uint64_t)last << 8 | 0x7F, 0), ERR_NOT_FOUND);
	CHECK_ERR(rcap_relay_raw(last, 1ull << 16 | 0x7F, 0), ERR_NOT_FOUND);
}

/*
 * Every type of capability this system makes, sent to another core: a
 * Frame crosses, the rest are refused with the error that says why
 * (cap_type_crosses, lib/captypes.c), a move of one leaves it where it
 * was, nothing reaches the other core, and the monitors go on serving.
 * No DEVFRAME or IRQ capability is ever made (fuzzcov.c's R_NOT_MADE), so
 * only the host test type_crossing_rules covers those two.
 */
TEST_CORES(every_capability_type_crosses_cores_or_says_why_not, 2)
{
	unsigned last = mesh_cores() - 1;
	volatile uint64_t *va;
	struct cap_info info;
	struct rcap r, fr;
	uint64_t seen;
	err_t err;
	capaddr_t at[CAP_TYPE_COUNT] = { 0 };
	bool never_made[CAP_TYPE_COUNT] = { [CAP_DEVFRAME] = true, [CAP_IRQ] = true };

	CHECK_ERR(mesh_drops(last, &seen), OK);
	CHECK_ERR(frame_at(0, &va), OK);
	at[CAP_NULL] = SCRATCH(9);
	at[CAP_RAM] = T_TESTRAM;
	at[CAP_FRAME] = F;
	at[CAP_CNODE] = T_SCRATCHCN;
	at[CAP_PML4] = CPTR_VROOT;
	for (unsigned t = CAP_PDPT; t <= CAP_PTABLE; t++) {
		unsigned slot = 1 + t - CAP_PDPT;
		CHECK_ERR(cnode_retype(T_SCRATCHCN, slot, T_TESTRAM, t, 1, slot * 4096, 4096), OK);
		at[t] = SCRATCH(slot);
	}
	at[CAP_DISPATCHER] = CPTR_DISPATCHER;
	at[CAP_ENDPOINT] = T_FAULTEP;
	at[CAP_IOPORT] = CPTR_IOPORT_COM1;	/* core 0's monitor has it */
	at[CAP_INFO] = CPTR_INFO;
	CHECK_ERR(kernel_notify_mint(CPTR_DOORBELL, 0, 0, T_SCRATCHCN, 8), OK);
	at[CAP_NOTIFY] = SCRATCH(8);
	at[CAP_POWER] = CPTR_POWER;
	at[CAP_DOORBELL] = CPTR_DOORBELL;
	at[CAP_EXPORT] = CPTR_EXPORT;
	at[CAP_SPAN] = CPTR_SPAN;
	at[CAP_CONSOLE] = CPTR_CONSOLE;

	for (unsigned t = 0; t < CAP_TYPE_COUNT; t++) {
		err_t want = t == CAP_FRAME ? OK : t == CAP_NULL ? ERR_CAP_EMPTY :
			     t == CAP_RAM ? ERR_CAP_NOT_COPYABLE :	/* given: ramtest.c */
			     t == CAP_DEVFRAME ? ERR_UNSUPPORTED : ERR_CAP_CORE_BOUND;

		if (never_made[t])
			continue;
		if (!at[t])
			FAIL("no %s capability to try: add one here", cap_type_name(t));
		if (t != CAP_NULL && (cap_identify(at[t], &info) || info.type != t))
			FAIL("the %s capability to try is not there", cap_type_name(t));
		err = rcap_copy(at[t], last, t == CAP_FRAME ? &fr : &r);
		if (err != want)
			FAIL("copy of a %s: got %s, want %s", cap_type_name(t), err_name(err),
			     err_name(want));
		if (t == CAP_FRAME || CADDR_L1(at[t]) != SCRATCH_CN)
			continue;
		/* A refused move leaves the capability where it was. */
		err = rcap_move(T_SCRATCHCN, CADDR_L2(at[t]), at[t], last, &r);
		if (err != want || (t != CAP_NULL && cap_identify(at[t], &info)))
			FAIL("move of a %s: got %s, want %s and the capability kept",
			     cap_type_name(t), err_name(err), err_name(want));
	}
	/* The Frame crossed, and the holder serves; nothing was dropped. */
	r = fr;
	CHECK_ERR(rcap_probe(last, &r), OK);
	CHECK_ERR(rcap_revoke(&r), OK);
	CHECK_ERR(rcap_probe(last, &r), ERR_NOT_FOUND);
	CHECK(mesh_dropped_more(last, &seen, 0));
}

/* Malformed capability messages, and answers nobody asked for: each is
 * dropped by the holder (counted: mesh_dropped_more), which goes on
 * serving; a mark of nothing is answered, and that answer, unasked here,
 * is dropped by this core. */
TEST_CORES(malformed_capability_messages_are_dropped, 2)
{
	unsigned last = mesh_cores() - 1;
	uint64_t w[8] = { 1, 2, 3, 4, 5, 6, 7, 0 }, seen, mine;
	volatile uint64_t *va;
	struct rcap r;

	CHECK_ERR(mesh_drops(last, &seen), OK);
	mine = mesh_dropped(last);
	CHECK_ERR(mesh_inject(last, IF_INTERMON_IMPORT, 3, w, 3), OK);		/* import, short */
	CHECK(mesh_dropped_more(last, &seen, 1));
	CHECK_ERR(mesh_inject(last, IF_INTERMON_HAS, 0, w, 0), OK);		/* has, empty */
	CHECK(mesh_dropped_more(last, &seen, 1));
	CHECK_ERR(mesh_inject(last, IF_INTERMON_MARK, 2, w, 2), OK);		/* mark, too long */
	CHECK(mesh_dropped_more(last, &seen, 1));
	/* import's 8 words (via and kind share the last), with rights (alone
	 * in its word) out of range: in two fragments, 7 and 1. */
	w[4] = 1ull << 32;							/* rights out of range */
	CHECK_ERR(mesh_inject(last, IF_INTERMON_IMPORT, 8, w, 7), OK);
	CHECK_ERR(mesh_send(last, idl_hdr_next(IF_INTERMON_IMPORT, 1), &w[7], 1), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	CHECK_ERR(if_intermon_import_r_send(mesh_to(last), 1, OK), OK);	/* unasked */
	CHECK(mesh_dropped_more(last, &seen, 1));
	CHECK_ERR(if_intermon_mark_r_send(mesh_to(last), 1, OK, 1), OK);	/* unasked */
	CHECK(mesh_dropped_more(last, &seen, 1));
	/* A mark of nothing: answered (nothing to delete), not dropped; its
	 * answer comes here before the answer to drops, and is dropped. */
	CHECK_ERR(if_intermon_mark_send(mesh_to(last), 0x7F01), OK);
	CHECK(mesh_dropped_more(last, &seen, 0));
	CHECK(mesh_dropped(last) == mine + 1);
	/* The holder serves the next good request. */
	CHECK_ERR(frame_at(0, &va), OK);
	CHECK_ERR(rcap_copy(F, last, &r), OK);
	CHECK_ERR(rcap_probe(last, &r), OK);
	CHECK_ERR(rcap_revoke(&r), OK);
	CHECK(mesh_dropped_more(last, &seen, 0));
}

/* The holder deletes what it imported under `id` (revoke's first phase,
 * sent by hand: its answer, unasked, is dropped here). */
static void holder_drops(unsigned core, uint64_t id)
{
	if_intermon_mark_send(mesh_to(core), id);
}

/* The page just below this monitor's first RAM capability: kernel data of
 * this core (what its kernel built before handing the rest of its share
 * to the monitor). */
static uint64_t kernel_data_page(void)
{
	struct cap_info ram;

	return cap_identify(CADDR(RAM_CN, 0), &ram) ? 0 : ram.base - 4096;
}

/*
 * Importing memory needs a token that the owner's kernel minted for the
 * importing core from a Frame capability (EXPORT_FRAME, lib/
 * token.h). The owner's kernel mints one only for an anchored Frame of its
 * own memory; the holder's kernel refuses a token that is made up, altered
 * (to name this core's kernel data), or taken before: again, after the
 * holder deleted its copies (a revoked export), or after a newer one.
 */
TEST_CORES(import_needs_a_token_the_owner_minted_for_this_core, 2)
{
	unsigned last = mesh_cores() - 1;
	volatile uint64_t *va;
	struct frame_token t, t2, bad;
	struct cap_info f;
	uint64_t seen;

	CHECK_ERR(frame_at(0, &va), OK);
	CHECK_ERR(cap_identify(F, &f), OK);
	/* The owner's kernel: only an anchored Frame of its own memory. */
	CHECK_ERR(kernel_frame_export(CPTR_EXPORT, F, last, &t), ERR_NOT_ANCHORED);
	CHECK_ERR(cnode_copy(T_SCRATCHCN, 1, F), OK);
	CHECK_ERR(kernel_cap_remote(CPTR_EXPORT, SCRATCH(1), true), OK);
	CHECK_ERR(kernel_frame_export(CPTR_EXPORT, T_FAULTEP, last, &t), ERR_CAP_WRONG_TYPE);
	CHECK_ERR(kernel_frame_export(CPTR_EXPORT, CPTR_BOOTIMG, last, &t), ERR_CAP_NOT_OWNER);
	CHECK_ERR(kernel_frame_export(CPTR_EXPORT, SCRATCH(1), 0, &t), ERR_INVALID_ARG);
	CHECK_ERR(kernel_frame_export(CPTR_EXPORT, SCRATCH(1), mesh_cores(), &t), ERR_INVALID_ARG);
	CHECK_ERR(kernel_frame_export(CPTR_EXPORT, SCRATCH(1), last, (void *)0x10), ERR_BAD_ADDRESS);
	CHECK_ERR(kernel_frame_export(CPTR_EXPORT, SCRATCH(1), last, &t), OK);
	CHECK(t.owner == 0 && t.dest == last && t.base == f.base && t.size == 4096 &&
	      t.rights == f.rights && t.seq >= 1);

	/* Made up, or altered: to name kernel data here, other rights, another seq. */
	CHECK_ERR(mesh_drops(last, &seen), OK);
	bad = t;
	bad.mac ^= 1;
	CHECK_ERR(rcap_import_raw(last, 0xAB0001, &bad), ERR_BAD_TOKEN);
	bad = t;
	bad.base = kernel_data_page();
	CHECK(bad.base != 0);
	CHECK_ERR(rcap_import_raw(last, 0xAB0002, &bad), ERR_BAD_TOKEN);
	bad = t;
	bad.rights ^= CAP_RIGHT_EXECUTE;
	CHECK_ERR(rcap_import_raw(last, 0xAB0003, &bad), ERR_BAD_TOKEN);
	bad = t;
	bad.seq += 100;
	CHECK_ERR(rcap_import_raw(last, 0xAB0004, &bad), ERR_BAD_TOKEN);
	/* Minted for this core, sent to another: the channel says who. */
	if (last >= 2) {
		CHECK_ERR(kernel_frame_export(CPTR_EXPORT, SCRATCH(1), 1, &t2), OK);
		CHECK_ERR(rcap_import_raw(last, 0xAB0005, &t2), ERR_BAD_TOKEN);
	}

	/* The real one, once. */
	CHECK_ERR(rcap_import_raw(last, 0xAB0010, &t), OK);
	struct rcap r = { .owner = 0, .id = 0xAB0010 };
	CHECK_ERR(rcap_probe(last, &r), OK);
	CHECK_ERR(rcap_import_raw(last, 0xAB0011, &t), ERR_TOKEN_USED);
	/* Revoked: the holder deleted its copies; the token stays spent. */
	holder_drops(last, 0xAB0010);
	CHECK_ERR(rcap_probe(last, &r), ERR_NOT_FOUND);
	CHECK_ERR(rcap_import_raw(last, 0xAB0010, &t), ERR_TOKEN_USED);
	/* Two minted; the newer taken first: the older is spent with it. */
	CHECK_ERR(kernel_frame_export(CPTR_EXPORT, SCRATCH(1), last, &t), OK);
	CHECK_ERR(kernel_frame_export(CPTR_EXPORT, SCRATCH(1), last, &t2), OK);
	CHECK(t2.seq > t.seq);
	CHECK_ERR(rcap_import_raw(last, 0xAB0020, &t2), OK);
	CHECK_ERR(rcap_import_raw(last, 0xAB0021, &t), ERR_TOKEN_USED);
	holder_drops(last, 0xAB0020);
	r.id = 0xAB0020;
	CHECK_ERR(rcap_probe(last, &r), ERR_NOT_FOUND);
	/* Nothing was dropped as malformed: each refusal came from the kernel. */
	CHECK(mesh_dropped_more(last, &seen, 0));
	CHECK_ERR(kernel_cap_remote(CPTR_EXPORT, SCRATCH(1), false), OK);
}
