/*
 * The system-call fuzzer's sandbox (fuzz.h says how the parts fit): made
 * from the test RAM, and destroyed by revoking it.
 *
 * A reset makes a CNode of SANDBOX_SLOTS slots from the test RAM, puts it
 * at level-1 slot SANDBOX_L1 of the fuzzer's root, and fills its first
 * slots: objects of every type that can be made, all inside the test RAM
 * (a part that cannot be made is counted, and fails the run), a copy of
 * the sandbox itself, so that CNode methods land where calls can name
 * them, and copies of what the fixture holds that is not made from RAM:
 * two Notify capabilities, COM1's ports on core 0, and in the `kernel` run
 * a copy of each authority capability (kpi/caps.h). The dispatchers' faults go to the
 * endpoints, as messages for receives to take rather than console lines.
 *
 * The sandbox is made from a generation of the test RAM, GEN_BYTES of it
 * (FZT_GEN), and revoking that destroys everything made from it, the
 * sandbox CNode and so what it holds included. Only the Export and Span
 * capabilities can keep that from working: a capability marked as held by other cores
 * (ERR_CAP_REMOTE) or a frame mapped in a PML4 marked as spanned
 * (ERR_SPANNED). Then the janitor walks every CNode reachable from the
 * sandbox, breadth first, each through a spare level-1 slot of the
 * fuzzer's root, and unmarks what it finds; if the revoke is still
 * refused (a spanned PML4 that no capability with WRITE names), it
 * deletes what those CNodes hold, PML4s first, whose end unmarks them.
 * What only unreachable CNodes hold (one holding the last capability to
 * itself, slots past the 256 an address can name) can still refuse: then
 * the generation is abandoned, its objects left where they are (the core
 * is expendable), and the next one is used; when none is left the reset
 * is counted as refused and the fuzzer goes on with the old sandbox.
 */
#include <flotilla/caps.h>
#include <flotilla/sys.h>
#include "tests/monitor/fuzz.h"
#include "tests/monitor/mtest.h"

#define PAGE		4096ull
#define SANDBOX_BYTES	(SANDBOX_SLOTS * CTE_SIZE)
#define ROOT_SLOTS	64			/* the fuzzer's root CNode */
#define SPARE_L1	(SANDBOX_L1 + 1)	/* its first free level-1 slot */
#define GEN_BYTES	(512 * 1024)
#define GENS		(TEST_RAM_BYTES / GEN_BYTES)

static const struct { uint8_t slot, type; uint32_t size; } seeds[] = {
	{ 0, CAP_FRAME, PAGE }, { 1, CAP_FRAME, 4 * PAGE }, { 2, CAP_CNODE, 16 * CTE_SIZE },
	{ 3, CAP_PML4, 0 }, { 4, CAP_PDPT, 0 }, { 5, CAP_PDIR, 0 }, { 6, CAP_PTABLE, 0 },
	{ 7, CAP_DISPATCHER, 0 }, { 8, CAP_DISPATCHER, 0 }, { 9, CAP_ENDPOINT, 0 },
	{ 10, CAP_ENDPOINT, 0 }, { 11, CAP_RAM, 64 * PAGE },
};
#define SELF_SLOT	12
static const struct { uint8_t slot; capaddr_t from; } copies[] = {
	{ 13, FZT_NOTIFY }, { 14, FZT_NOTIFY2 }, { 15, FZT_IOPORT }, { 16, FZT_AUTH(0) },
	{ 17, FZT_AUTH(1) }, { 18, FZT_AUTH(2) }, { 19, FZT_AUTH(3) }, { 20, FZT_AUTH(4) },
	{ 21, FZT_AUTH(5) },
};
_Static_assert(AUTH_COUNT == 6, "one seeded slot for each authority capability");
_Static_assert(21 < SANDBOX_SEEDED, "the seeded slots are the first SANDBOX_SEEDED");

static bool is_authority(capaddr_t from)
{
	return from >= FZT_AUTH(0) && from < FZT_AUTH(AUTH_COUNT);
}

unsigned fz_seeded(unsigned type, uint64_t v)
{
	unsigned n = 0, slot[2] = { 0, 0 };

	for (unsigned i = 0; i < sizeof(seeds) / sizeof(seeds[0]) && n < 2; i++)
		if (seeds[i].type == type)
			slot[n++] = seeds[i].slot;
	return n ? slot[v % n] : 0;
}

static void seed_failed(const char *what, err_t err)
{
	if (!fz.seed_failed++) {
		fz.seed_what = what;
		fz.seed_err = err;
	}
}

static void seed(void)
{
	uint64_t off = SANDBOX_BYTES;
	err_t err;

	if ((err = cnode_retype(CPTR_TASKCN, CADDR_L2(FZT_SANDBOX), FZT_GEN, CAP_CNODE, 1, 0,
				SANDBOX_BYTES)) ||
	    (err = cnode_copy(CPTR_ROOTCN, SANDBOX_L1, FZT_SANDBOX))) {
		seed_failed("the sandbox CNode", err);
		return;
	}
	for (unsigned i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		uint64_t size = seeds[i].size ? seeds[i].size : cap_type_size(seeds[i].type);
		if ((err = cnode_retype(FZT_SANDBOX, seeds[i].slot, FZT_GEN, seeds[i].type, 1,
					off, size)))
			seed_failed(cap_type_name(seeds[i].type), err);
		off += (size + PAGE - 1) / PAGE * PAGE;
	}
	if ((err = cnode_copy(FZT_SANDBOX, SELF_SLOT, FZT_SANDBOX)))
		seed_failed("the sandbox CNode's copy", err);
	for (unsigned i = 0; i < sizeof(copies) / sizeof(copies[0]); i++) {
		capaddr_t from = copies[i].from;
		if ((from == FZT_IOPORT && !fz.ioport) || (is_authority(from) && !fz.kernel))
			continue;
		if ((err = cnode_copy(FZT_SANDBOX, copies[i].slot, from)))
			seed_failed("a copy of a fixture capability", err);
	}
	if ((err = disp_set_exc_ep(SANDBOX(7), SANDBOX(10), 0)) ||
	    (err = disp_set_exc_ep(SANDBOX(8), SANDBOX(9), DISP_EXC_EXIT)))
		seed_failed("an exception endpoint", err);
}

/* ---- The janitor (the `kernel` run) ---- */

struct found {
	capaddr_t at;		/* a slot holding a capability to it */
	unsigned l1;		/* where the fuzzer's root holds a copy */
	unsigned nslots;
	uint64_t base;
};

/* Every CNode reachable from the sandbox (at most the spare level-1
 * slots), unmarking every capability on the way; how many in f[]. */
static unsigned walk(struct found *f)
{
	struct cap_info info;
	unsigned n = 0;

	if (cap_identify(FZT_SANDBOX, &info))
		return 0;
	f[n++] = (struct found){ FZT_SANDBOX, SANDBOX_L1, SANDBOX_SLOTS, info.base };
	for (unsigned q = 0; q < n; q++)
		for (unsigned i = 0; i < f[q].nslots && i < CNODE_L2_SLOTS; i++) {
			capaddr_t c = CADDR(f[q].l1, i);
			bool seen = false;
			if (cap_identify(c, &info))
				continue;
			kernel_cap_remote(FZT_AUTH(3), c, false);	/* Export */
			if (info.type == CAP_PML4)
				kernel_vroot_span(FZT_AUTH(4), c, false, NULL);	/* Span */
			if (info.type != CAP_CNODE || SPARE_L1 + n - 1 >= ROOT_SLOTS)
				continue;
			for (unsigned k = 0; k < n; k++)
				seen |= f[k].base == info.base;
			if (seen || cnode_copy(CPTR_ROOTCN, SPARE_L1 + n - 1, c))
				continue;
			f[n] = (struct found){ c, SPARE_L1 + n - 1, (unsigned)(info.size / CTE_SIZE),
					       info.base };
			n++;
		}
	return n;
}

/* Deletes what the CNodes hold, PML4s first, the deepest CNodes first
 * (each through the slot in its parent, deleted after it). */
static void empty(const struct found *f, unsigned n)
{
	struct cap_info info;

	for (unsigned pass = 0; pass < 2; pass++)
		for (unsigned q = n; q-- > 0; )
			for (unsigned i = 0; i < f[q].nslots; i++)
				if (pass == 1 || (i < CNODE_L2_SLOTS &&
						  !cap_identify(CADDR(f[q].l1, i), &info) &&
						  info.type == CAP_PML4))
					cnode_delete(f[q].at, i);
}

err_t fz_sandbox_clear(void)
{
	struct found f[1 + ROOT_SLOTS - SPARE_L1];
	err_t err = cnode_revoke(CPTR_TASKCN, CADDR_L2(FZT_GEN));
	unsigned n;

	if (!err || err == ERR_CAP_EMPTY || !fz.kernel)
		return err == ERR_CAP_EMPTY ? OK : err;		/* none yet: nothing to do */
	n = walk(f);
	if ((err = cnode_revoke(CPTR_TASKCN, CADDR_L2(FZT_GEN)))) {
		empty(f, n);
		err = cnode_revoke(CPTR_TASKCN, CADDR_L2(FZT_GEN));
	}
	for (unsigned k = 1; k < n; k++)	/* gone already if the revoke worked */
		cnode_delete(CPTR_ROOTCN, f[k].l1);
	return err;
}

/* Leaves the generation's objects where they are, children of the test
 * RAM (deleting its capability hands them to its parent), and takes the
 * sandbox's two capabilities out of the fuzzer's CSpace; the next reset
 * makes the next generation. */
static void abandon(void)
{
	cnode_delete(CPTR_TASKCN, CADDR_L2(FZT_GEN));
	cnode_delete(CPTR_ROOTCN, SANDBOX_L1);
	cnode_delete(CPTR_TASKCN, CADDR_L2(FZT_SANDBOX));
	fz.gen++;
}

void fz_sandbox_reset(void)
{
	struct cap_info info;
	err_t err;

	fz.resets++;
	if ((err = fz_sandbox_clear())) {
		if (!fz.kernel || fz.gen + 1 >= GENS) {
			fz.reset_refused++;	/* the old sandbox stays: go on with it */
			fz.reset_err = err;
			return;
		}
		abandon();
	}
	fz.owes_reply = false;		/* whoever called is gone */
	if (cap_identify(FZT_GEN, &info) &&
	    (err = cnode_retype(CPTR_TASKCN, CADDR_L2(FZT_GEN), FZT_TESTRAM, CAP_RAM, 1,
				(uint64_t)fz.gen * GEN_BYTES, GEN_BYTES))) {
		seed_failed("a generation of the test RAM", err);
		return;
	}
	seed();
}
