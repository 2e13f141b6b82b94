/*
 * The system-call fuzzer's calls (fuzz.h says how the parts fit).
 *
 * Random numbers: xorshift64, whose state comes from (seed, core) through
 * splitmix64, so that no seed gives the all-zero state xorshift never
 * leaves. Every step draws the same number of words whatever it does with
 * them, so one call's outcome never shifts the numbers of the next: the
 * same seed on the same core makes the same choices, and the same calls
 * wherever the kernel answers the same (what depends on timing, such as
 * preemption between the fuzzer and its partner, can still differ).
 *
 * A step is a method or a system call. A method step first identifies
 * the capability it aims at (a call of its own, counted), then, three
 * times in four, calls a method of that type (a third of those times the
 * least reached one, so every method is reached however rare its type);
 * otherwise any method (the kernel's type checks) or a number no type
 * has. Arguments follow the method's row in fuzzcov.c: mostly meaningful,
 * sometimes anything. The partner that meets blocking calls is in
 * fuzzrun.c.
 *
 * The sandbox (fuzzbox.c) is made again every SANDBOX_RESET calls.
 *
 * What no call may do, because it would hurt the monitor or the test
 * rather than find a kernel bug (the kernel refuses none of it, by design):
 *   - name the fuzzer's task CNode (its fixture): random addresses name
 *     the sandbox, empty or missing level-1 slots, or numbers past 2^32;
 *   - give the kernel a pointer into the monitor's memory: pointers are
 *     fz_buf (the kernel's writes land there), unmapped or kernel or
 *     non-canonical addresses, the monitor's code (read-only), and below
 *     the monitor's stack (the first page unmapped, so nothing is written);
 *   - print: SYS_DEBUG_PRINT with a readable buffer has length 0, and
 *     dispatcher names are printable;
 *   - write a register of COM1 (the console): IOPORT_OUT only to its
 *     scratch register or to ports outside the capability;
 *   - POWER_OFF or POWER_REBOOT where a Power capability could be invoked.
 */
#include <flotilla/caps.h>
#include <flotilla/lmp.h>
#include <flotilla/sys.h>
#include "tests/monitor/fuzz.h"

#define PAGE		4096ull
#define WORDS		16		/* random words per step */
#define SANDBOX_RESET	500		/* calls between resets */
#define COM1_SCRATCH	0x3FF		/* the UART's scratch register */

static uint64_t fz_buf[1024];		/* every buffer the kernel may write */
static const char fz_name[] = "fuzzed-dispatcher-whose-name-is-too-long";

/* ---- Random numbers ---- */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

void fz_rng_init(uint64_t seed, unsigned core)
{
	uint64_t x = seed ^ (0xD1B54A32D192ED03ull * (core + 1));

	do
		fz.rng = splitmix64(&x);
	while (!fz.rng);
}

static uint64_t rnd(void)
{
	uint64_t x = fz.rng;	/* xorshift64 */

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return fz.rng = x;
}

/* ---- Arguments ---- */

/* A capability address: mostly the sandbox's seeded slots, where its
 * objects are, or the next ones, where calls put theirs; sometimes a
 * level-1 slot with no CNode, one past the root CNode, or a number too big
 * to be an address. Never level-1 slot 0, the fuzzer's task CNode. */
static uint64_t caddr(uint64_t w)
{
	unsigned sel = w & 15;
	uint64_t v = w >> 4;

	if (sel < 10)
		return SANDBOX(v % SANDBOX_SEEDED);
	if (sel < 12)
		return SANDBOX(v % 32);
	if (sel < 14)
		return SANDBOX(v % SANDBOX_SLOTS);
	if (sel == 14)
		return CADDR(SANDBOX_L1 + 1 + v % 60, (v >> 8) % 256);
	return v & 1 ? CADDR(64 + (v >> 1) % 0xFFFF, 0) : (v >> 1) | 1ull << 32;
}

/* A capability address, mostly of a seeded object of `type`. */
static uint64_t caddr_of(unsigned type, uint64_t w)
{
	return (w & 15) < 12 ? SANDBOX(fz_seeded(type, w >> 4)) : caddr(w);
}

static bool readable(uint64_t p)
{
	return (p >= (uintptr_t)fz_buf && p < (uintptr_t)fz_buf + sizeof(fz_buf)) ||
	       p == (uintptr_t)&fuzz_entry;
}

/* A pointer: the kernel may read or (out) write there without harm. */
static uint64_t pointer(uint64_t w, bool out)
{
	unsigned sel = w & 15;
	uint64_t v = w >> 4;

	if (sel < 10)		/* fz_buf's first half: every write fits */
		return (uintptr_t)fz_buf + 8 * (v % 512);
	switch (sel) {
	case 10: return 0;
	case 11: return 0x10;					/* below USER_MIN */
	case 12: return 0x200000;				/* below every program */
	case 13: return USER_TOP - 8 * (v % 4);			/* runs past user space */
	case 14: return 0xFFFF800000000000ull + PAGE * (v % 1024);	/* the kernel's */
	}
	return out ? (uintptr_t)&fuzz_entry :			/* code: read-only */
	       USER_STACK_TOP - USER_STACK_PAGES * PAGE - 16;	/* under the stack */
}

/* Argument `kind` of a call on a capability of type t. */
static uint64_t arg(unsigned kind, uint64_t w, unsigned t)
{
	unsigned sel = w & 15;
	uint64_t v = w >> 4;

	switch (kind) {
	case A_SLOT:	/* mostly a full slot (delete, revoke) or a free one */
		return sel < 6 ? v % SANDBOX_SEEDED :
		       sel < 12 ? SANDBOX_SEEDED + v % (32 - SANDBOX_SEEDED) :
		       sel < 14 ? v % SANDBOX_SLOTS : sel == 14 ? 256 + v % 64 : v;
	case A_CAP:
		return caddr(w);
	case A_C_RAM: return caddr_of(CAP_RAM, w);
	case A_C_CNODE: return caddr_of(CAP_CNODE, w);
	case A_C_EP: return caddr_of(CAP_ENDPOINT, w);
	case A_C_FRAME: return caddr_of(CAP_FRAME, w);
	case A_C_PML4: return caddr_of(CAP_PML4, w);
	case A_C_PTABLE: return caddr_of(CAP_PTABLE, w);
	case A_C_BELOW:
		return caddr_of(t == CAP_PML4 ? CAP_PDPT : t == CAP_PDPT ? CAP_PDIR :
				t == CAP_PDIR ? CAP_PTABLE : CAP_FRAME, w);
	case A_RIGHTS:
		return sel < 14 ? v % 16 : v % 0x200;
	case A_WORD:
		return sel < 8 ? v : v % 16;
	case A_TYPE: {
		uint64_t count = sel < 12 ? 1 : sel < 14 ? 1 + (v >> 8) % 4 : sel == 14 ? 0 : 4097;
		return v % (CAP_TYPE_COUNT + 1) | count << 16 | (sel == 15 && (v & 256) ? 1ull << 40 : 0);
	}
	case A_OFFSET:
		return sel < 12 ? PAGE * (v % 64) : sel < 14 ? 64 * (v % 4096) : v;
	case A_OBJSIZE: {
		static const uint64_t sizes[16] = { PAGE, PAGE, 2 * PAGE, 4 * PAGE, 16 * PAGE,
			16 * CTE_SIZE, 32 * CTE_SIZE, 256 * CTE_SIZE, 0, 64, 3 * PAGE + 8,
			1ull << 30, 4096 * CTE_SIZE, 8 * CTE_SIZE, 64 * PAGE, ~0ull };
		return sizes[sel];
	}
	case A_ENTRY:
		return sel < 12 ? v % 512 : sel < 14 ? v % 4 : sel == 14 ? 512 + v % 16 : v;
	case A_OUT:
	case A_IN:
		return pointer(w, kind == A_OUT);
	case A_NAME:
		return sel < 14 ? (uintptr_t)fz_name : pointer(v, false);
	case A_LEN:
		return sel < 8 ? v % 64 : sel < 12 ? v % 4096 : sel < 14 ? 0 : v;
	case A_VA:
		return sel < 12 ? USER_MIN + PAGE * (v % 1024) : sel < 14 ? USER_TOP - PAGE * (v % 4) : v;
	case A_CORE:
		return sel < 14 ? v % (fz.ncores + 1) : v;
	case A_BELL:
		return sel < 14 ? v % (NOTIFY_SLOTS + 1) : v;
	case A_PORT:
		return sel < 10 ? 0x3F7 + v % 10 : sel < 14 ? v % 0x10000 : v;
	case A_WIDTH:
		return sel < 12 ? 1u << (v % 3) : v % 9;
	case A_VALUE:
		return sel < 12 ? v % 256 : v;
	case A_BOOL:
		return sel < 14 ? v % 2 : v;
	case A_NS:	/* mostly past; now and then a tick ahead at most */
		v %= 1000000000;
		return sel == 0 ? fz.last_clock + v % 1000000 : sel < 8 || v > fz.last_clock ? 0 :
		       fz.last_clock - v;
	case A_FLAGS:
		return sel < 12 ? v % 2 : v;
	}
	/* A_0: zero, or a number that is no writable pointer. */
	return sel < 12 ? 0 : sel < 14 ? v % 4096 : 0xFFFF800000000000ull | v;
}

/* Arguments that fit each other, three times in four (a retype's size
 * that suits its type), and, always, the rules in the comment at the top
 * that arguments alone do not keep. */
static void shape(unsigned method, uint64_t a[5], uint64_t w)
{
	if (method == CNODE_RETYPE && (w & 3)) {
		unsigned type = a[2] & 0xFFFF;
		uint64_t fixed = type < CAP_TYPE_COUNT ? cap_type_size(type) : 0;
		a[4] = fixed ? fixed : type == CAP_CNODE ? (16ull * CTE_SIZE) << ((w >> 2) % 3) :
		       PAGE * (1 + (w >> 2) % 4);
	}
	if (method == IOPORT_OUT && (a[1] == 1 || a[1] == 2 || a[1] == 4) &&
	    a[0] < COM1_SCRATCH && a[0] + a[1] > 0x3F8) {
		a[0] = COM1_SCRATCH;
		a[1] = 1;
	}
}

/* ---- Counting and checking ---- */

static unsigned row_of_sys(unsigned sys)
{
	return fz_row_of(CAP_NULL, sys, 0, 0);
}

/* Before the call: counted even if the fuzzer never comes back from it. */
static void before(unsigned row, bool own)
{
	fz.cur_row = row;
	fz.made++;
	if (own)
		fz.count[row].calls++;
	else
		fz.count[row].other++;
}

/* Every call returns OK or an error code, whatever it was given; false
 * (and counted as bad) if it did not. */
static bool after(unsigned row, bool own, err_t err)
{
	if (err < 0 || err >= ERR__COUNT) {
		fz_bad(row, err, 0);
		return false;
	}
	if (err == OK) {
		fz.ok++;
		if (own)
			fz.count[row].ok++;
	}
	return true;
}

/* IDENTIFY on c, with a good buffer: c's type, CAP_NULL if none. */
static unsigned probe(capaddr_t c)
{
	struct cap_info *info = (struct cap_info *)fz_buf;
	unsigned t, row;

	fz.made++;
	err_t err = sys_invoke(c, CAP_IDENTIFY, (uintptr_t)info, 0, 0, 0, 0).err;
	t = err ? CAP_NULL : info->type;
	if (!err && (t == CAP_NULL || t >= CAP_TYPE_COUNT)) {
		fz_bad(fz_row_of(CAP_NULL, SYS_INVOKE, CAP_IDENTIFY, 0), err, t);
		t = CAP_NULL;		/* no such type */
	}
	row = fz_row_of(t, SYS_INVOKE, CAP_IDENTIFY, 0);
	fz.cur_row = row;
	fz.count[row].calls++;
	after(row, true, err);
	return t;
}

/* ---- Steps ---- */

static bool is_method(uint64_t m)
{
	for (unsigned i = 0; i < fz_nrows; i++)
		if (!(fz_rows[i].flags & R_SYSCALL) && fz_rows[i].method == m)
			return true;
	return false;
}

/* A method number no type has. */
static unsigned no_method(uint64_t w)
{
	static const uint32_t junk[8] = { 1, 2, 15, 0x100, 0x1234, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF };
	uint32_t m = w & 8 ? junk[w % 8] : (uint32_t)(w >> 4);

	return is_method(m) || m < 0x100 ? junk[w % 8] : m;
}

/* The row of the method to call on a capability of type t. */
static unsigned pick_method(unsigned t, uint64_t w, unsigned junk)
{
	unsigned sel = w & 7, own[24], n = 0;

	w >>= 3;
	for (unsigned i = 0; i < fz_nrows && n < 24; i++)
		if (fz_rows[i].type == t && !(fz_rows[i].flags & (R_SYSCALL | R_ENDS_BOOT)) && i != junk)
			own[n++] = i;
	if (sel < 6 && n) {
		unsigned best = own[w % n];
		if (sel < 2)	/* the least reached, from a random start */
			for (unsigned k = 0; k < n; k++)
				if (fz.count[own[k]].calls < fz.count[best].calls)
					best = own[k];
		return best;
	}
	if (sel == 7)
		return junk;
	/* Any method, on what may be the wrong type. */
	for (;; w = w * 0x9E3779B97F4A7C15ull + 1) {
		const struct fz_row *r = &fz_rows[w % fz_nrows];
		if ((r->flags & R_SYSCALL) || r->method == CAP_IDENTIFY || r == &fz_rows[junk])
			continue;
		if ((r->flags & R_ENDS_BOOT) && (fz.kernel || t == CAP_POWER))
			return junk;
		return (unsigned)(r - fz_rows);
	}
}

static void method_step(const uint64_t *w)
{
	capaddr_t c = (capaddr_t)caddr(w[0]);
	unsigned junk = fz_row_of(CAP_NULL, SYS_INVOKE, 0xFFFF, 0);
	unsigned t = probe(c);
	unsigned pick = pick_method(t, w[1], junk);
	const struct fz_row *r = &fz_rows[pick];
	unsigned method = pick == junk ? no_method(w[2]) : r->method;
	unsigned row = pick == junk ? junk : fz_row_of(t, SYS_INVOKE, method, 0);
	bool own = row < fz_nrows;
	uint64_t a[5];

	for (unsigned i = 0; i < 5; i++)
		a[i] = arg(r->arg[i], w[3 + i], t);
	shape(method, a, w[8]);
	before(own ? row : pick, own);
	struct sys_ret ret = sys_invoke(c, method, a[0], a[1], a[2], a[3], a[4]);
	if (after(own ? row : pick, own, ret.err) && ret.err == OK && method == INFO_CORES &&
	    a[0] == 0 && ret.value != fz.ncores)
		fz_bad(own ? row : pick, ret.err, ret.value);
}

/* A message call. The endpoint is mostly one of the seeded two; a call
 * that may block tells the partner first, which then does what meets it. */
static void lmp_step(unsigned row, const uint64_t *w)
{
	const struct fz_row *r = &fz_rows[row];
	unsigned nr = r->sys, t = CAP_NULL;
	bool block = r->flags & R_BLOCK;
	capaddr_t ep = (capaddr_t)((w[0] & 3) ? SANDBOX(fz_seeded(CAP_ENDPOINT, w[0] >> 2)) : caddr(w[0] >> 2));
	struct lmp_msg m;

	if (r->type == CAP_ENDPOINT)
		t = probe(ep);
	if (fz.made >= fz.calls)
		return;
	bool own = r->type == CAP_NULL || t == r->type;
	unsigned flags = (w[1] & 15) < 8 ? 0 :		/* words only */
			 (w[1] & 15) < 15 ? (unsigned)(w[1] >> 4) & (LMP_SEND_CAP | LMP_GIVE | LMP_RECV_CAP) :
			 (unsigned)(w[1] >> 4);		/* flags that do not exist */
	flags = block ? flags & ~LMP_NONBLOCK : flags | LMP_NONBLOCK;
	if (block) {
		fz.rv_nr = nr;
		fz.rv_ep = ep;
		fz.rv_word = w[8];
		fz.posted++;
	}
	before(row, own);
	err_t err = lmp_syscall(nr, ep, (capaddr_t)caddr(w[2]), flags, (capaddr_t)caddr(w[3]),
				w + 4, &m);
	if (block)
		fz.done = fz.posted;
	if (!after(row, own, err))
		return;
	if (err == OK && nr != SYS_LMP_SEND && nr != SYS_LMP_REPLY) {	/* it received */
		unsigned kind = LMP_INFO_KIND(m.info);
		if (kind > LMP_KIND_NOTIFY || LMP_INFO_CAP_ERR(m.info) >= ERR__COUNT)
			fz_bad(row, err, m.info);
		fz.owes_reply = kind == LMP_KIND_CALL || kind == LMP_KIND_FAULT;
	} else if (err == OK && nr == SYS_LMP_REPLY) {
		fz.owes_reply = false;
	}
}

/* The system call rows: a quarter of the time the least reached (from a
 * random start), so none is left out however rare; else any, SYS_EXIT
 * less often, as it ends the fuzzer (the monitor starts another). */
static unsigned pick_syscall(uint64_t w)
{
	unsigned n = 0, rows[24];

	for (unsigned i = 0; i < fz_nrows && n < 24; i++)
		if (fz_rows[i].flags & R_SYSCALL)
			rows[n++] = i;
	if (fz.owes_reply && (w & 3) == 0)	/* answer now and then */
		return (w >> 2) % 3 == 0 ? fz_row_of(CAP_NULL, SYS_LMP_REPLY, 0, 0) :
		       fz_row_of(CAP_ENDPOINT, SYS_LMP_REPLY_RECV, 0, (w >> 2) % 3 == 1 ? R_BLOCK : 0);
	unsigned row = rows[(w >> 2) % n];
	if ((w >> 10) % 4 == 0) {
		for (unsigned k = 0; k < n; k++)
			if (fz.count[rows[k]].calls < fz.count[row].calls)
				row = rows[k];
	} else if (fz_rows[row].sys == SYS_EXIT && (w >> 12) % 8) {
		row = row_of_sys(SYS_YIELD);
	}
	return row;
}

static void syscall_step(const uint64_t *w)
{
	unsigned row = pick_syscall(w[0]);
	const struct fz_row *r = &fz_rows[row];
	uint64_t a[5], nr = r->sys;

	if (nr >= SYS_LMP_SEND && nr <= SYS_LMP_REPLY_RECV)
		return lmp_step(row, w + 1);
	for (unsigned i = 0; i < 5; i++)
		a[i] = arg(r->arg[i], w[1 + i], CAP_NULL);
	if (nr == SYS_DEBUG_PRINT && readable(a[0]))
		a[1] = 0;	/* nothing on the console */
	if (nr == SYS_COUNT)
		nr = w[6] & 1 ? SYS_COUNT + w[6] % 1000 : w[6];
	if (nr < SYS_COUNT && r->sys == SYS_COUNT)
		nr = SYS_COUNT;
	before(row, true);
	if (nr == SYS_EXIT) {
		fz.exit_status = (int)(a[0] % 256);
		fz.exiting = true;	/* the monitor sees it stopped, and goes on */
		sys_exit(fz.exit_status);
	}
	fz.sleeping = nr == SYS_SLEEP_UNTIL;
	struct sys_ret ret = syscall6(nr, a[0], a[1], a[2], a[3], a[4], w[7]);
	fz.sleeping = false;
	if (after(row, true, ret.err) &&
	    ((nr == SYS_CORE_ID && ret.value != fz.core) ||
	    (nr == SYS_CLOCK && ret.value < fz.last_clock) ||
	     (r->sys == SYS_COUNT && ret.err != ERR_BAD_SYSCALL)))
		fz_bad(row, ret.err, ret.value);
	if (nr == SYS_CLOCK)
		fz.last_clock = ret.value;
}

/* The fuzzing dispatcher, from the start or after the monitor replaced
 * one that exited or stayed blocked: everything it needs is in fz. */
void fuzz_entry(void)
{
	uint64_t w[WORDS];

	while (fz.made < fz.calls) {
		if (fz.made >= fz.next_reset) {
			fz.next_reset = fz.made + SANDBOX_RESET;
			fz_sandbox_reset();
		}
		for (unsigned i = 0; i < WORDS; i++)
			w[i] = rnd();
		if ((w[0] & 15) < 11 && fz.calls - fz.made >= 2)
			method_step(w + 1);
		else
			syscall_step(w + 1);
	}
	fz_sandbox_clear();	/* what it leaves, the monitor reports */
	fz.finished = true;
	sys_exit(0);
}
