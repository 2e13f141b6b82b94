/*
 * RAM across cores (rcap.c, docs/urpc.md "RAM"), tested from core 0, the
 * owner: RAM is given, never copied; the cores it goes to may copy it but
 * not retype it, and ask its owner, whose one tree orders every retype of
 * it; the RAM's revoke takes every Frame made from it on every core.
 */
#include <stdio.h>
#include <flotilla/caps.h>
#include <flotilla/monitor.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/uprog.h>
#include "lib/test.h"
#include "tests/monitor/mtest.h"

#define RAM		SCRATCH(0)
#define WATCH		SCRATCH(2)	/* a page a process writes for the test */
#define WATCH_AT	(16 * 4096ull)	/* in the test RAM, past the RAM's */
#define DEADLINE_NS	(20ull * 1000000000)
#define RAM_PAGES	4
#define ROUNDS		3		/* one page of a new RAM each */

_Static_assert(ROUNDS < RAM_PAGES, "each round's page is in the RAM");

/* `pages` of the test RAM, as RAM of its own, at RAM. */
static err_t ram_pages_here(unsigned pages)
{
	return cnode_retype(T_SCRATCHCN, CADDR_L2(RAM), T_TESTRAM, CAP_RAM, 1, 0, pages * 4096ull);
}

static err_t ram_here(void)
{
	return ram_pages_here(RAM_PAGES);
}

TEST_CORES(ram_is_given_to_another_core_never_copied, 2)
{
	unsigned last = mesh_cores() - 1;
	struct cap_info info;
	struct rcap r;

	CHECK_ERR(ram_here(), OK);
	/* A copy would be a second tree with a say over its retypes. */
	CHECK_ERR(rcap_copy(RAM, last, &r), ERR_CAP_NOT_COPYABLE);
	CHECK_ERR(cap_identify(RAM, &info), OK);
	CHECK_ERR(rcap_move(T_SCRATCHCN, CADDR_L2(RAM), RAM, last, &r), OK);
	CHECK_ERR(cap_identify(RAM, &info), ERR_CAP_EMPTY);	/* taken, not copied */
	CHECK(r.owner == 0);
	CHECK_ERR(rcap_probe(last, &r), OK);
	/* The anchor holds it: nothing here is made in that memory, and the
	 * RAM above cannot be revoked from under it. */
	CHECK_ERR(cnode_retype(T_SCRATCHCN, 1, T_TESTRAM, CAP_FRAME, 1, 0, 4096),
		  ERR_RETYPE_OVERLAP);
	CHECK_ERR(cnode_revoke(CPTR_TASKCN, CADDR_L2(T_TESTRAM)), ERR_CAP_REMOTE);
	/* Only a holder asks for a retype: this core is the owner. */
	struct rcap fr;
	CHECK_ERR(rcap_retype(&r, 0, 4096, T_SCRATCHCN, 1, &fr), ERR_INVALID_ARG);
	CHECK_ERR(rcap_revoke(&r), OK);
	CHECK_ERR(rcap_probe(last, &r), ERR_NOT_FOUND);
	/* The revoke's commit deleted the RAM: its memory is free again. */
	CHECK_ERR(cnode_retype(T_SCRATCHCN, 1, T_TESTRAM, CAP_FRAME, 1, 0, 4096), OK);
}

/* Is name `wanted_name` registered (a winner says so), or has every
 * holder ended (there is none)? */
static const char *wanted_name;
static const struct rproc *holders;
static bool won_or_all_ended(unsigned unused)
{
	unsigned core;
	uint64_t value;

	if (names_lookup(wanted_name, &core, &value) == OK)
		return true;
	for (unsigned c = 1; c < mesh_cores(); c++)
		if (!remote_ended(&holders[c]))
			return false;
	return true;
}

/*
 * RAM of core 0's goes to every other core, where a process holds a copy
 * of it (UPROG_RAM_RACE): its kernel refuses to retype it, and bad
 * requests get the owner's errors. At the go, each asks core 0 for the
 * same page at once: exactly one gets it (the others ERR_RETYPE_OVERLAP),
 * and maps it. Core 0's revoke of the RAM then takes that Frame too, on
 * the winner's core (its process faults), and frees the memory.
 * ROUNDS rounds; at 2 cores one holder, which must win.
 */
TEST_CORES(ram_retypes_raced_from_every_core_give_one_frame, 2)
{
	static struct rproc p[MAX_MESH_CORES];
	unsigned n = mesh_cores();

	for (unsigned round = 0; round < ROUNDS; round++) {
		char go[NS_NAME_MAX + 1], won[NS_NAME_MAX + 1];
		unsigned winner, named_core;
		uint64_t named;
		struct rcap r;
		int status;
		bool faulted;

		snprintf(go, sizeof(go), UPROG_RAM_GO_FMT, round);
		snprintf(won, sizeof(won), UPROG_RAM_WON_FMT, round);
		CHECK_ERR(ram_here(), OK);
		CHECK_ERR(rcap_move(T_SCRATCHCN, CADDR_L2(RAM), RAM, 1, &r), OK);
		struct remote_gifts g = { .frame = true, .object = &r };
		for (unsigned c = 1; c < n; c++)
			CHECK_ERR(remote_spawn(c, "uprog", UPROG_RAM_RACE | round << 8, &g, &p[c]),
				  OK);
		CHECK_ERR(names_register(go, 0), OK);
		wanted_name = won;
		holders = p;
		CHECK(mesh_serve_until(won_or_all_ended, 0, sys_clock_ns() + UPROG_NS_WAIT_NS));
		if (names_lookup(won, &named_core, &named) != OK) {
			for (unsigned c = 1; c < n; c++) {
				status = -1;
				faulted = false;
				remote_wait(&p[c], &status, &faulted);
				test_fail("round %u: no holder got the page; core %u's ended %d%s", round,
					  c, status, faulted ? " (faulted)" : "");
			}
			return;
		}
		winner = (unsigned)named;
		CHECK(winner >= 1 && winner < n);
		/* Every other holder ends with 1; the winner reads its page. */
		for (unsigned c = 1; c < n; c++) {
			if (c == winner)
				continue;
			status = -1;
			faulted = false;
			CHECK_ERR(remote_wait(&p[c], &status, &faulted), OK);
			if (faulted || status != 1)
				test_fail("round %u: the holder on core %u ended %d%s, want 1",
					  round, c, status, faulted ? " (faulted)" : "");
		}
		/* One page, one Frame: the owner's tree has it. */
		CHECK_ERR(cnode_retype(T_SCRATCHCN, 1, T_TESTRAM, CAP_FRAME, 1, round * 4096ull,
				       4096), ERR_RETYPE_OVERLAP);
		/* The RAM's revoke takes the Frame made from it: the winner's
		 * next read faults. */
		CHECK_ERR(rcap_revoke(&r), OK);
		for (unsigned c = 1; c < n; c++)
			CHECK_ERR(rcap_probe(c, &r), ERR_NOT_FOUND);
		status = -1;
		faulted = false;
		CHECK_ERR(remote_wait(&p[winner], &status, &faulted), OK);
		if (!faulted)
			test_fail("round %u: the winner on core %u ended %d, want a fault", round,
				  winner, status);
		/* Nothing is left of the RAM: its memory is free again. */
		CHECK_ERR(cnode_retype(T_SCRATCHCN, 1, T_TESTRAM, CAP_FRAME, 1, round * 4096ull,
				       4096), OK);
		CHECK_ERR(cnode_delete(T_SCRATCHCN, 1), OK);
		CHECK_ERR(names_remove(go), OK);
		struct rproc rp;
		struct proc lp;
		CHECK_ERR(uprog_start(winner, UPROG_RAM_RACE | round << 8 | UPROG_RAM_REMOVE, &rp,
				      &lp), OK);
		status = -1;
		CHECK_ERR(uprog_finish(winner, &rp, &lp, &status), OK);
		CHECK(status == 0);
	}
}

/* A process gives RAM of its own to a child on the next core, which
 * makes a Frame of it there through the monitors, and revokes the gift
 * with the RAM it came from (UPROG_RAM_GIVE, flotilla/uprog.h), from
 * every core. */
TEST_CORES(a_process_gives_ram_to_another_core_and_revokes_it, 2)
{
	for (unsigned c = 0; c < mesh_cores(); c++) {
		struct rproc r;
		struct proc p;
		int status = -1;

		CHECK_ERR(uprog_start(c, UPROG_RAM_GIVE, &r, &p), OK);
		CHECK_ERR(uprog_finish(c, &r, &p, &status), OK);
		if (status != 0)
			test_fail("the giver on core %u ended %d, want 0", c, status);
	}
}

static volatile uint64_t *watched;
static bool gift_owned(unsigned unused)
{
	return watched[2] == 1;
}

/*
 * A process on the last core gives RAM of its own to a child on core 1
 * (UPROG_OWN_A_GIFT | UPROG_GIFT_RAM << 8). Core 0, which holds no copy,
 * asks the owner for a Frame of it: refused (ERR_CAP_RIGHTS), as is a
 * stale name or one never made (ERR_NOT_FOUND); the owner goes on.
 */
TEST_CORES(a_retype_from_a_core_that_holds_no_copy_is_refused, 3)
{
	unsigned last = mesh_cores() - 1;
	struct remote_gifts g = { .frame = true, .frame_cap = WATCH };
	struct rproc p;
	uint64_t fr;
	int status = -1;
	bool faulted = true;

	CHECK_ERR(cnode_retype(T_SCRATCHCN, CADDR_L2(WATCH), T_TESTRAM, CAP_FRAME, 1, WATCH_AT,
			       4096), OK);
	CHECK_ERR(window_map_page(WATCH, (void **)&watched), OK);
	watched[0] = watched[1] = watched[2] = 0;
	CHECK_ERR(remote_spawn(last, "uprog", UPROG_OWN_A_GIFT | UPROG_GIFT_RAM << 8, &g, &p), OK);
	CHECK(mesh_serve_until(gift_owned, 0, sys_clock_ns() + DEADLINE_NS));
	uint64_t id = watched[1];
	CHECK(RCAP_OWNER(id) == last);
	CHECK_ERR(rcap_retype_raw(last, id, 0, 4096, &fr), ERR_CAP_RIGHTS);
	CHECK_ERR(rcap_retype_raw(last, id + (1ull << 16), 0, 4096, &fr), ERR_NOT_FOUND);
	CHECK_ERR(rcap_retype_raw(last, 0x7F | (uint64_t)last << 8, 0, 4096, &fr), ERR_NOT_FOUND);
	watched[0] = UPROG_QUIT;
	CHECK_ERR(remote_wait(&p, &status, &faulted), OK);
	CHECK(!faulted && status == 0);
	CHECK_ERR(rcap_revoke(&p.frame), OK);
}

/* Can the first page of the test RAM be made into something again? */
static bool ram_free(unsigned unused)
{
	if (cnode_retype(T_SCRATCHCN, 1, T_TESTRAM, CAP_FRAME, 1, 0, 4096) != OK)
		return false;
	cnode_delete(T_SCRATCHCN, 1);
	return true;
}

/* RAM given to a process on another core that ends: its core gives the
 * import back, and the owner's anchor, alone, goes, and the RAM with it
 * (the last copy anywhere going destroys the object). */
/* RAM of the test's, moved to the last core, where a process (uprog
 * with `arg`) gets a copy and ends with 0: OK, or the step that failed. */
static err_t ram_to_a_process_that_ends(uint64_t arg, unsigned pages, struct rcap *r)
{
	unsigned last = mesh_cores() - 1;
	struct rproc p;
	int status = -1;
	bool faulted = true;
	err_t err;

	if ((err = ram_pages_here(pages)) ||
	    (err = rcap_move(T_SCRATCHCN, CADDR_L2(RAM), RAM, last, r)))
		return err;
	if (ram_free(0))
		return ERR_OVERLAP;		/* the anchor did not hold it */
	struct remote_gifts g = { .frame = true, .object = r };
	if ((err = remote_spawn(last, "uprog", arg, &g, &p)) ||
	    (err = remote_wait(&p, &status, &faulted)))
		return err;
	return !faulted && status == 0 ? OK : ERR_BAD_MESSAGE;
}

TEST_CORES(ram_no_core_holds_any_more_goes, 2)
{
	unsigned last = mesh_cores() - 1;
	struct rcap r;

	CHECK_ERR(ram_to_a_process_that_ends(UPROG_HELLO, RAM_PAGES, &r), OK);
	CHECK(mesh_serve_until(ram_free, 0, sys_clock_ns() + DEADLINE_NS));
	CHECK_ERR(rcap_probe(last, &r), ERR_NOT_FOUND);
	CHECK_ERR(rcap_revoke(&r), ERR_NOT_FOUND);	/* the name is stale */
}

/*
 * A holder makes a Frame of RAM, passes it to another process on its
 * core and ends (UPROG_RAM_HOLD | UPROG_RAM_PASS << 8): its core gives
 * the RAM back, but the owner keeps the RAM's anchor while the Frame
 * made from it lives, so the RAM's id still revokes that Frame, and then
 * the memory is free.
 */
TEST_CORES(ram_given_back_while_a_frame_made_from_it_lives_still_revokes_it, 2)
{
	unsigned last = mesh_cores() - 1;
	struct rcap r;

	CHECK_ERR(ram_to_a_process_that_ends(UPROG_RAM_HOLD | UPROG_RAM_PASS << 8, RAM_PAGES, &r),
		  OK);
	/* Its core gives the RAM back (the has-probe answers not found). */
	uint64_t deadline = sys_clock_ns() + DEADLINE_NS;
	while (rcap_probe(last, &r) != ERR_NOT_FOUND) {
		CHECK(sys_clock_ns() < deadline);
		serve_for(10 * 1000000ull);
	}
	CHECK(!ram_free(0));				/* the Frame pins its page */
	CHECK_ERR(rcap_revoke(&r), OK);			/* the RAM's id takes it */
	CHECK(mesh_serve_until(ram_free, 0, sys_clock_ns() + DEADLINE_NS));
}

/* A holder makes Frames of one RAM until the owner says no: 16 at once
 * (each takes one of the owner's anchors), the 17th ERR_TOO_MANY
 * (UPROG_RAM_HOLD | UPROG_RAM_MANY << 8). When it ends, its core gives
 * every one back, and the RAM with them: the memory is free. */
TEST_CORES(a_holder_makes_at_most_16_frames_of_one_ram, 2)
{
	struct rcap r;

	CHECK_ERR(ram_to_a_process_that_ends(UPROG_RAM_HOLD | UPROG_RAM_MANY << 8,
					     UPROG_RAM_FRAMES_MAX + 4, &r), OK);
	CHECK(mesh_serve_until(ram_free, 0, sys_clock_ns() + DEADLINE_NS));
	CHECK_ERR(rcap_revoke(&r), ERR_NOT_FOUND);	/* the RAM went too */
}
