/*
 * RAM from another core (UPROG_RAM_RACE, flotilla/uprog.h): one of these
 * on every core but the RAM's owner, each holding a copy of the same
 * RAM. Its own kernel will not retype it; its monitor asks the owner's,
 * which alone retypes it. At the go every one asks for the same page at
 * once: the owner's one tree must give it to exactly one.
 */
#include <stdio.h>
#include <flotilla/caps.h>
#include <flotilla/idl_mcall.h>
#include <flotilla/lmp.h>
#include <flotilla/monitor.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/uprog.h>
#include "failed.h"
#include "if_moncall.h"
#include "names.h"

#define RAM		(UPROG_EP + 1)	/* the gift of a monitor's remote spawn */
#define COPY		(UPROG_EP + 2)
#define MINE		(UPROG_EP + 3)
#define LOST		(UPROG_EP + 4)
#define OWN		(UPROG_EP + 6)	/* RAM of this process's own core */

/* What any holder can see before the race, in the order of the checks. */
static int refusals(void)
{
	struct cap_info ram;

	if (cap_identify(RAM, &ram) || ram.type != CAP_RAM || ram.size < 2 * 4096)
		return FAILED(1);
	/* Its kernel makes nothing from memory another core orders. */
	if (cnode_retype(CPTR_TASKCN, CADDR_L2(MINE), RAM, CAP_FRAME, 1, 0, 4096) !=
	    ERR_CAP_NOT_OWNER)
		return FAILED(2);
	/* Imported RAM names memory: it may be copied, and the copy is
	 * refused the same way. */
	if (cnode_copy(CPTR_TASKCN, CADDR_L2(COPY), RAM) ||
	    cnode_retype(CPTR_TASKCN, CADDR_L2(MINE), COPY, CAP_FRAME, 1, 0, 4096) !=
	    ERR_CAP_NOT_OWNER)
		return FAILED(3);
	/* The owner checks what its kernel's retype would. */
	if (mon_ram_retype(RAM, 100, 4096, MINE) != ERR_RETYPE_ALIGN)
		return FAILED(4);
	if (mon_ram_retype(RAM, ram.size, 4096, MINE) != ERR_RETYPE_SIZE ||
	    mon_ram_retype(RAM, 0, 4096, 0) != ERR_INVALID_ARG)
		return FAILED(5);
	/* A read-only copy may not be made into anything. */
	cnode_delete(CPTR_TASKCN, CADDR_L2(COPY));
	if (cnode_mint(CPTR_TASKCN, CADDR_L2(COPY), RAM, CAP_RIGHT_READ, 0) ||
	    mon_ram_retype(COPY, 0, 4096, MINE) != ERR_CAP_RIGHTS)
		return FAILED(6);
	/* Not a RAM capability; RAM of this process's own core. */
	if (mon_ram_retype(CPTR_BOOTIMG, 0, 4096, MINE) != ERR_CAP_WRONG_TYPE)
		return FAILED(7);
	if (ram_retype(CPTR_TASKCN, CADDR_L2(OWN), CAP_RAM, 4096) ||
	    mon_ram_retype(OWN, 0, 4096, MINE) != ERR_CAP_NOT_COPYABLE)
		return FAILED(8);
	/* Given by hand, the monitor refuses it, and gives it back into the
	 * slot it left. */
	const uint64_t w[LMP_WORDS] = { MON_RAM_RETYPE, 0, 4096 };
	struct lmp_msg m;
	if (lmp_call(CPTR_MONITOR, LMP_SEND_CAP | LMP_GIVE | LMP_RECV_CAP, OWN, OWN, w, &m) ||
	    m.w[0] != ERR_INVALID_ARG || cap_identify(OWN, &ram) || ram.type != CAP_RAM)
		return FAILED(9);
	return cap_identify(MINE, &ram) == ERR_CAP_EMPTY ? 0 : FAILED(14);
}

/* UPROG_RAM_RACE | round << 8: see flotilla/uprog.h. */
int ram_race(uint64_t param)
{
	unsigned round = (unsigned)(param & 0xFF), core = sys_core_id();
	uint64_t deadline = sys_clock_ns() + UPROG_NS_WAIT_NS, page = round * 4096ull;
	char go[NS_NAME_MAX + 1], won[NS_NAME_MAX + 1];
	volatile uint64_t *va;
	int failed;
	err_t err;

	snprintf(won, sizeof(won), UPROG_RAM_WON_FMT, round);
	if (param & (UPROG_RAM_REMOVE >> 8))
		return (err = ns_remove(won)) ? 100 + (int)err : 0;
	if ((failed = refusals()))
		return failed;
	snprintf(go, sizeof(go), UPROG_RAM_GO_FMT, round);
	if ((err = await_name(go, deadline)))
		return err == ERR_TIMEOUT ? FAILED(10) : 100 + (int)err;
	err = mon_ram_retype(RAM, page, 4096, MINE);
	if (err == ERR_RETYPE_OVERLAP)
		return 1;			/* another core's */
	if (err) {
		printf("uprog: ram_race on core %u: MON_RAM_RETYPE of page %u: %s\n", core, round,
		       err_name(err));
		return 100 + (int)err;
	}
	/* Won: the page is this core's alone, and asking again is refused. */
	if (mon_ram_retype(RAM, page, 4096, LOST) != ERR_RETYPE_OVERLAP)
		return FAILED(11);
	if (window_map_page(MINE, (void **)&va))
		return FAILED(12);
	va[0] = UPROG_WATCH_MAGIC + core;
	if ((err = ns_register(won, core)))
		return 100 + (int)err;
	/* Reads it until the owner's revoke of the RAM takes the page away
	 * (a fault ends it). */
	while (va[0] == UPROG_WATCH_MAGIC + core)
		sys_sleep_until(sys_clock_ns() + 1000000);
	return FAILED(13);
}

#define GIFT		(UPROG_EP + 5)
#define OTHER		(UPROG_EP + 7)
#define WAIT_NS		(60ull * 1000 * 1000 * 1000)

/* Waits while child (core, pid, serial) runs and has not beaten (`beat`)
 * or, with !beat, until it has ended: *end. */
static err_t watch(unsigned core, unsigned pid, uint64_t serial, bool beat, struct mon_ended *end)
{
	uint64_t deadline = sys_clock_ns() + WAIT_NS;
	err_t err;

	while ((err = mon_wait(core, pid, serial, end)) == ERR_WOULD_BLOCK &&
	       !(beat && end->beat_ns)) {
		if (sys_clock_ns() > deadline)
			return ERR_TIMEOUT;
		sys_sleep_until(sys_clock_ns() + 1000000);
	}
	return err;
}

/* UPROG_RAM_GIVE: see flotilla/uprog.h. */
int ram_give(void)
{
	unsigned me = sys_core_id(), n = 0, to, pid;
	uint64_t token = MON_NO_TOKEN, cores = 0, serial, size;
	const struct mon_spawn_opts o = { .give = GIFT, .token = &token };
	struct mon_ended end;
	struct cap_info ci;
	int mine = ram_largest(&size);

	if (mon_cores(&n) || n < 2 || mine < 0)
		return FAILED(1);
	to = (me + 1) % n;
	if (ram_retype(CPTR_TASKCN, CADDR_L2(GIFT), CAP_RAM, 4 * 4096))
		return FAILED(2);
	/* To this core it would be a copy, which its kernel refuses: kept. */
	if (mon_spawn_opts("uprog", me, UPROG_HELLO, &o, &pid, &serial) != ERR_CAP_NOT_COPYABLE ||
	    cap_identify(GIFT, &ci) || ci.type != CAP_RAM)
		return FAILED(3);
	/* Lent by hand with a spawn call the monitor refuses (a capability on
	 * the first of its fragments): it comes back with the refusal. The
	 * call's 4 words: core and flags (0), the name's length, "uprog" with
	 * its NUL, and (not sent) arg. */
	const uint64_t w[LMP_WORDS] = {
		mcall_word0(idl_hdr_first(IF_MONCALL_SPAWN_CALL, 4, true), 3, 0), me, 5,
		0x676f727075ull };
	struct lmp_msg m;
	if (lmp_call(CPTR_MONITOR, LMP_SEND_CAP | LMP_GIVE | LMP_RECV_CAP, GIFT, GIFT, w, &m) ||
	    (uint32_t)m.w[0] != MCALL_REFUSED || cap_identify(GIFT, &ci) || ci.type != CAP_RAM)
		return FAILED(15);
	/* To no such core: refused, and it comes back into its slot. */
	if (mon_spawn_opts("uprog", n, UPROG_HELLO, &o, &pid, &serial) != ERR_INVALID_ARG ||
	    token != MON_NO_TOKEN || cap_identify(GIFT, &ci) || ci.type != CAP_RAM)
		return FAILED(4);
	/* To the next core, for a program there is none of: the gift went,
	 * the spawn failed there, and the RAM comes back, with no token. */
	err_t err = mon_spawn_opts("no-such-prog", to, 0, &o, &pid, &serial);
	if (err == OK || token != MON_NO_TOKEN || cap_identify(GIFT, &ci) || ci.type != CAP_RAM) {
		printf("uprog: ram_give: a gift to a spawn that fails: %s, token %llx, %s\n",
		       err_name(err), (unsigned long long)token,
		       cap_identify(GIFT, &ci) ? "the RAM did not come back" : "the RAM is back");
		return FAILED(12);
	}
	/* To the next core: given. The child makes a Frame of it there. */
	if (mon_spawn_opts("uprog", to, UPROG_RAM_HOLD, &o, &pid, &serial) ||
	    token == MON_NO_TOKEN)
		return FAILED(5);
	if (cap_identify(GIFT, &ci) != ERR_CAP_EMPTY)
		return FAILED(6);
	if (watch(to, pid, serial, true, &end) != ERR_WOULD_BLOCK)
		return FAILED(7);		/* it ended, or never beat: its page is not mapped */
	/* A Frame that is not the object is no authority over it; the RAM
	 * it was made from is. */
	err = mon_cap_revoke(CPTR_BOOTIMG, token, &cores);
	if (err != ERR_CAP_RIGHTS) {
		printf("uprog: ram_give: a revoke by the boot image: %s\n", err_name(err));
		return FAILED(8);
	}
	if (ram_retype(CPTR_TASKCN, CADDR_L2(OTHER), CAP_RAM, 4096) ||
	    mon_cap_revoke(OTHER, token, &cores) != ERR_CAP_RIGHTS ||
	    cap_identify(OTHER, &ci) || ci.type != CAP_RAM)
		return FAILED(11);		/* RAM that does not hold it; back after */
	if (mon_cap_revoke(CADDR(RAM_CN, (unsigned)mine), token, &cores) ||
	    cores != 1ull << to)
		return FAILED(9);
	/* The Frame made from it went too: the child's next read faults. */
	if (watch(to, pid, serial, false, &end) || end.how != MON_END_FAULT)
		return FAILED(10);
	return 0;
}

/* UPROG_RAM_HOLD | UPROG_RAM_PASS << 8: see flotilla/uprog.h. */
static int ram_pass(void)
{
	const struct mon_spawn_opts o = { .give = UPROG_EP + 2 };
	volatile uint64_t *va;
	uint64_t serial, deadline = sys_clock_ns() + WAIT_NS;
	unsigned pid;

	if (mon_ram_retype(UPROG_EP + 1, 0, 4096, UPROG_EP + 2))
		return FAILED(30);
	if (window_map_page(UPROG_EP + 2, (void **)&va))
		return FAILED(31);
	va[0] = UPROG_WATCH_MAGIC;
	if (mon_spawn_opts("uprog", sys_core_id(), UPROG_WATCH_FRAME | UPROG_WATCH_GIFT << 8, &o,
			   &pid, &serial))
		return FAILED(32);
	while (va[1] != UPROG_WATCH_MAGIC + 1) {
		if (sys_clock_ns() > deadline)
			return FAILED(33);
		sys_sleep_until(sys_clock_ns() + 1000000);
	}
	return 0;		/* its RAM goes back; the Frame lives on */
}

/* UPROG_RAM_HOLD | UPROG_RAM_MANY << 8: see flotilla/uprog.h. */
static int ram_many(void)
{
	unsigned i;

	for (i = 0; i < UPROG_RAM_FRAMES_MAX; i++)
		if (mon_ram_retype(UPROG_EP + 1, i * 4096ull, 4096, UPROG_EP + 2 + i))
			return FAILED(40);
	if (mon_ram_retype(UPROG_EP + 1, i * 4096ull, 4096, UPROG_EP + 2 + i) != ERR_TOO_MANY)
		return FAILED(41);
	return 0;
}

/* UPROG_RAM_HOLD: see flotilla/uprog.h. */
int ram_hold(unsigned param)
{
	volatile uint64_t *va;
	bool stop;

	if (param == UPROG_RAM_PASS)
		return ram_pass();
	if (param == UPROG_RAM_MANY)
		return ram_many();
	if (mon_ram_retype(UPROG_EP, 0, 4096, UPROG_EP + 1))
		return FAILED(20);
	if (window_map_page(UPROG_EP + 1, (void **)&va))
		return FAILED(21);
	va[0] = UPROG_WATCH_MAGIC;
	if (mon_beat(&stop))
		return FAILED(22);
	while (va[0] == UPROG_WATCH_MAGIC)
		sys_sleep_until(sys_clock_ns() + 1000000);
	return FAILED(23);
}
