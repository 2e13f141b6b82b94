/*
 * A small program for the tests (the monitor's tests in tests/monitor start it;
 * test image only). Its argument's low byte is its mode, named in
 * tests/include/flotilla/uprog.h (enum uprog_mode, UPROG_*), where each
 * mode says what it does; some modes take more above it (UPROG_PARAM).
 * Its exit status is what the test checks: a check that fails ends it
 * with FAILED(n) (failed.h), which also says on the console which check
 * (file:line) in which mode, so that a FAIL line's status can be read
 * against the boot log. Messages (tests/monitor/lmptest.c) come on the
 * endpoint its parent gives it in its first free task slot (UPROG_EP).
 */
#include <stdio.h>
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/lmp.h>
#include <flotilla/monitor.h>
#include <flotilla/uprog.h>
#include <flotilla/sys.h>
#include <flotilla/spawn.h>
#include <flotilla/testfault.h>
#include <flotilla/uchan.h>
#include "lib/conring.h"
#include "failed.h"

extern unsigned long libc_arg;

/* tests/user/uprog/bind.c */
int bind_server(unsigned clients);
int bind_client(unsigned server_core, unsigned flags);
int span_test(void);
int span_forever(unsigned core);
int span_unmap_test(void);
/* tests/user/uprog/idl.c */
int idl_lmp_client(void);
int idl_chan_server(void);
int idl_chan_client(unsigned server_core);
/* tests/user/uprog/bench.c */
int bench_echo(void);
int bench_uchan(size_t n);
int bench_unmap(size_t n);
int bench_shoot(uint64_t arg);
int bench_moncall(size_t n);
/* tests/user/uprog/updbench.c */
int bench_updates(size_t n);
/* tests/user/uprog/fpu.c */
int fpu_main(unsigned mode, unsigned param);
/* tests/user/uprog/mcall.c */
int malformed_mcalls(void);
int foreign_ticket(uint32_t ticket);
/* tests/user/uprog/names.c */
int ns_race(uint64_t param);
int ram_race(uint64_t param);
int ram_give(void);
int ram_hold(unsigned param);

/* The modes by name (tests/include/flotilla/uprog.h), for what uprog
 * says when a check fails. */
static const char *const mode_names[] = {
	[UPROG_HELLO] = "hello", [UPROG_FAULT_FIRST] = "fault_divide",
	[UPROG_FAULT_FIRST + 1] = "fault_page", [UPROG_FAULT_FIRST + 2] = "fault_gp",
	[UPROG_FAULT_FIRST + 3] = "fault_opcode", [UPROG_FAULT_FIRST + 4] = "fault_breakpoint",
	[UPROG_KERNEL_CAP] = "kernel_cap", [UPROG_LOOP] = "loop", [UPROG_CHECK_CAPS] = "check_caps",
	[UPROG_ECHO] = "echo", [UPROG_OWN_HANDLER] = "own_handler", [UPROG_SEND_LATER] = "send_later",
	[UPROG_RECV_ONCE] = "recv_once", [UPROG_ARGS] = "args", [UPROG_URPC_ECHO] = "urpc_echo",
	[UPROG_WATCH_FRAME] = "watch_frame", [UPROG_MONITOR_CALLS] = "monitor_calls",
	[UPROG_IDLE] = "idle", [UPROG_PROCESS_CALLS] = "process_calls", [UPROG_CHATTER] = "chatter",
	[UPROG_BIND_SERVER] = "bind_server", [UPROG_BIND_CLIENT] = "bind_client",
	[UPROG_SPAN] = "span", [UPROG_SPAN_FOREVER] = "span_forever", [UPROG_SPAN_UNMAP] = "span_unmap",
	[UPROG_IDL_LMP] = "idl_lmp", [UPROG_IDL_CHAN_SERVER] = "idl_chan_server",
	[UPROG_IDL_CHAN_CLIENT] = "idl_chan_client", [UPROG_CONSOLE] = "console",
	[UPROG_BENCH_ECHO] = "bench_echo", [UPROG_BENCH_UCHAN] = "bench_uchan",
	[UPROG_BENCH_UNMAP] = "bench_unmap", [UPROG_FPU_HOLD] = "fpu_hold",
	[UPROG_FPU_DIRTY] = "fpu_dirty", [UPROG_FPU_CLEAN] = "fpu_clean", [UPROG_FPU_FAULT] = "fpu_fault",
	[UPROG_FPU_SPANS] = "fpu_spans", [UPROG_FPU_YIELD] = "fpu_yield", [UPROG_BEATS] = "beats",
	[UPROG_HANGS] = "hangs", [UPROG_BENCH_SHOOT] = "bench_shoot", [UPROG_NS_RACE] = "ns_race",
	[UPROG_BENCH_UPDATES] = "bench_updates", [UPROG_BENCH_MONCALL] = "bench_moncall",
	[UPROG_CONSOLE_TAIL] = "console_tail", [UPROG_OWN_A_GIFT] = "own_a_gift",
	[UPROG_RAM_RACE] = "ram_race", [UPROG_RAM_GIVE] = "ram_give", [UPROG_RAM_HOLD] = "ram_hold",
	[UPROG_FOREIGN_TICKET] = "foreign_ticket",
};

int uprog_failed(int status, const char *file, int line)
{
	unsigned mode = UPROG_MODE(libc_arg);
	const char *name = mode < sizeof(mode_names) / sizeof(mode_names[0]) && mode_names[mode] ?
			   mode_names[mode] : "?";

	printf("uprog: %s (mode %u) on core %u: the check at %s:%d failed: exit %d\n", name, mode,
	       sys_core_id(), file, line, status);
	return status;
}

/*
 * UPROG_KERNEL_CAP: an ordinary process tries one method of each
 * authority type (kpi/caps.h, "Authority") at its well-known address,
 * where it holds nothing: each must fail alike (ERR_CAP_EMPTY), which it
 * returns (1000 if they differ). With parameter 1 it holds exactly one,
 * a Doorbell at UPROG_EP: ringing through it works, and every other
 * type's method on it is ERR_CAP_WRONG_TYPE; then it returns 0, else
 * 100 + the index of the method that was not refused.
 */
static int try_kernel_cap(unsigned param)
{
	char buf[64];
	const struct { capaddr_t at; uint64_t method, a0, a1; } tries[AUTH_COUNT] = {
		{ CPTR_POWER, POWER_OFF, 0x11, 0 },
		{ CPTR_INFO, INFO_CMDLINE, (uintptr_t)buf, sizeof(buf) },
		{ CPTR_DOORBELL, DOORBELL_RING, sys_core_id(), NOTIFY_SLOTS - 1 },
		{ CPTR_EXPORT, EXPORT_CAP_REMOTE, UPROG_EP, 0 },
		{ CPTR_SPAN, SPAN_TLB_FLUSH, CPTR_VROOT, 0 },
		{ CPTR_CONSOLE, CONSOLE_READ, (uintptr_t)buf, 0 },
	};
	err_t first = sys_invoke(tries[0].at, tries[0].method, tries[0].a0, tries[0].a1, 0, 0, 0).err;

	for (unsigned i = 1; i < AUTH_COUNT; i++) {
		err_t e = sys_invoke(tries[i].at, tries[i].method, tries[i].a0, tries[i].a1, 0, 0, 0).err;
		if (e != first) {
			printf("uprog: authority method %llu at its own address: %s, not %s\n",
			       (unsigned long long)tries[i].method, err_name(e), err_name(first));
			return 1000;
		}
	}
	printf("uprog: no authority: each type's method %s\n", err_name(first));
	if (param != 1)
		return first;
	for (unsigned i = 0; i < AUTH_COUNT; i++) {
		err_t e = sys_invoke(UPROG_EP, tries[i].method, tries[i].a0, tries[i].a1, 0, 0, 0).err;
		err_t want = tries[i].at == CPTR_DOORBELL ? OK : ERR_CAP_WRONG_TYPE;
		if (e != want) {
			printf("uprog: holding only a Doorbell, method %llu gave %s, not %s\n",
			       (unsigned long long)tries[i].method, err_name(e), err_name(want));
			return 100 + (int)i;
		}
	}
	printf("uprog: holding only a Doorbell: it rings, the other kinds are refused\n");
	return 0;
}

static int check_caps(void)
{
	struct cap_info i;

	if (cap_identify(CPTR_DISPATCHER, &i) || i.type != CAP_DISPATCHER)
		return FAILED(1);
	if (cap_identify(CPTR_ROOTCN, &i) || i.type != CAP_CNODE)
		return FAILED(2);
	if (cap_identify(CPTR_VROOT, &i) || i.type != CAP_PML4)
		return FAILED(3);
	for (unsigned k = 0; k < AUTH_COUNT; k++)
		if (cap_identify(CADDR(AUTH_CN, k), &i) != ERR_CAP_EMPTY)
			return FAILED(4);
	return 0;
}

static int echo_server(void)
{
	const capaddr_t slot = CADDR(TASK_CN, CADDR_L2(UPROG_EP) + 1);
	struct lmp_msg m;
	err_t err = lmp_recv(UPROG_EP, LMP_RECV_CAP, slot, &m);

	while (!err) {
		struct cap_info ci = { 0 };
		if ((m.info & LMP_INFO_CAP) && cap_identify(slot, &ci) == OK)
			cnode_delete(CPTR_TASKCN, CADDR_L2(slot));
		uint64_t w[LMP_WORDS] = { m.w[0] + 1, m.w[1] + 1, m.badge,
					  m.info | (uint64_t)ci.type << 32 };
		unsigned flags = m.w[1] == UPROG_SEND_BACK ? LMP_SEND_CAP : 0;
		if (m.w[0] == UPROG_QUIT)
			return lmp_reply(flags, CPTR_DISPATCHER, w);
		err = lmp_reply_recv(UPROG_EP, flags | LMP_RECV_CAP, CPTR_DISPATCHER, slot, w, &m);
	}
	return err;
}

static int own_handler(void)
{
	err_t err = disp_set_exc_ep(CPTR_DISPATCHER, UPROG_EP, 0);

	if (err)
		return err;
	__asm__ volatile("int3");
	return 42;	/* resumed by the handler */
}

static int urpc_echo(void)
{
	uint64_t w[URPC_MAX_WORDS];
	struct uchan c;
	unsigned n;
	uint32_t type;
	void *mem;
	int echoed = 0;

	if (window_map_page(UPROG_EP + 1, &mem) ||
	    uchan_open(&c, mem, 4096, UPROG_CHAN_SLOTS, 1, UPROG_EP, UPROG_EP + 2))
		return FAILED(-1);
	for (;;) {
		err_t err = uchan_recv(&c, w, &n, &type);
		if (err == ERR_BAD_MESSAGE)
			continue;
		if (err)
			return FAILED(-2);
		if (n >= 1 && w[0] == UPROG_QUIT)
			return echoed;
		if (uchan_send(&c, w, n, type))
			return FAILED(-3);
		echoed++;
	}
}

/* UPROG_WATCH_RELAY: see flotilla/uprog.h. The copy with fewer rights
 * lands in RELAY_RO. */
#define RELAY_RO	CADDR(TASK_CN, 71)
static int relay_gift(capaddr_t frame, volatile uint64_t *w)
{
	uint64_t token = 0, serial;
	struct mon_spawn_opts o = { .give = RELAY_RO, .token = &token };
	unsigned n = 0, pid, to;

	if (mon_cores(&n) || n < 2)
		return FAILED(-2);
	to = (sys_core_id() + 1) % n;
	if (n == 2) {			/* the next core is the owner's */
		o.give = frame;
		if (mon_spawn_opts("uprog", to, UPROG_IDLE, &o, &pid, &serial) != ERR_CAP_NOT_OWNER)
			return FAILED(-7);
		w[2] = UPROG_WATCH_MAGIC + 2;	/* no grandchild to answer */
		w[3] = ~0ull;
		return 0;
	}
	if (cnode_mint(CPTR_TASKCN, CADDR_L2(RELAY_RO), frame, CAP_RIGHT_READ, 0))
		return FAILED(-3);
	if (mon_spawn_opts("uprog", to, UPROG_IDLE, &o, &pid, &serial) != ERR_CAP_RIGHTS)
		return FAILED(-4);		/* more rights than it was given */
	cnode_delete(CPTR_TASKCN, CADDR_L2(RELAY_RO));
	o.give = frame;
	if (mon_spawn_opts("uprog", to, UPROG_WATCH_FRAME | UPROG_WATCH_RELAYED << 8, &o, &pid,
			   &serial))
		return FAILED(-5);
	if (token != MON_NO_TOKEN)
		return FAILED(-6);		/* only the owner revokes */
	w[3] = pid;
	w[4] = serial;
	return 0;
}

/* UPROG_WATCH_FRAME: see flotilla/uprog.h. */
static int watch_frame(capaddr_t frame, unsigned param)
{
	unsigned word = param == UPROG_WATCH_RELAYED ? 2 : 1;
	volatile uint64_t *w;
	int err;

	if (window_map_page(frame, (void **)&w) || w[0] != UPROG_WATCH_MAGIC)
		return FAILED(-1);
	if (param == UPROG_WATCH_RELAY && (err = relay_gift(frame, w)))
		w[5] = (uint64_t)err;		/* its check's number; it says which */
	w[word] = UPROG_WATCH_MAGIC + word;
	while (w[0] != UPROG_QUIT)
		sys_sleep_until(sys_clock_ns() + 1000000);
	return 0;
}

/* NS_NAME_MAX + 1 characters: one too many. */
#define TOO_LONG	"a-name-of-sixty-four-characters-which-is-one-more-than-the-most!"
_Static_assert(sizeof(TOO_LONG) == NS_NAME_MAX + 2, "one character too many");

/* Names past the short form, up to the longest: registered, found (and
 * told apart from one that differs in its last character), removed. */
static int long_names(unsigned core)
{
	static const unsigned lens[] = { NS_WORDS_NAME_MAX + 1, 32, 48, NS_NAME_MAX };
	char name[NS_NAME_MAX + 1], other[NS_NAME_MAX + 1];
	struct ns_entry e;

	for (unsigned k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		unsigned n = lens[k];

		snprintf(name, sizeof(name), "long%u.", core);
		for (unsigned i = (unsigned)strlen(name); i < n; i++)
			name[i] = (char)('a' + i % 26);
		name[n] = '\0';
		memcpy(other, name, n + 1);
		other[n - 1] = '#';
		if (ns_register(name, n) || ns_register(name, 1) != ERR_NAME_IN_USE ||
		    ns_lookup(name, &e) || e.core != core || e.value != n ||
		    ns_lookup(other, &e) != ERR_NOT_FOUND || ns_remove(name) ||
		    ns_lookup(name, &e) != ERR_NOT_FOUND)
			return FAILED(1);
	}
	return 0;
}

/* A long name's parts, sent by hand so that they can be wrong. */
static int malformed_long_names(void)
{
	uint64_t p[4] = { MON_NS_PART, 0, ~0ull, ~0ull }, w[4], r[4];
	uint64_t ticket;

	/* Four parts without a NUL: the name is not terminated. */
	if (mon_call_raw(p, r))
		return FAILED(1);
	ticket = p[1] = r[1];
	for (unsigned part = 1; part < 4; part++) {
		p[0] = MON_NS_PART | part << 8;
		if (mon_call_raw(p, r) || r[1] != ticket)
			return FAILED(2);
	}
	w[0] = MON_NS_LOOKUP | (uint64_t)MON_NS_TICKET << 24;
	w[1] = ticket;
	if (mon_call_raw(w, r) != ERR_BAD_MESSAGE)
		return FAILED(3);
	/* The ticket was used: it names nothing now; nor do 0 and one never given. */
	if (mon_call_raw(w, r) != ERR_INVALID_ARG)
		return FAILED(4);
	w[1] = 0;
	if (mon_call_raw(w, r) != ERR_INVALID_ARG)
		return FAILED(5);
	w[1] = ticket + 1000000;
	if (mon_call_raw(w, r) != ERR_INVALID_ARG)
		return FAILED(6);
	/* A part past the longest name, a later part with no ticket, an
	 * unknown flag. */
	p[0] = MON_NS_PART | 4u << 8;
	p[1] = ticket;
	if (mon_call_raw(p, r) != ERR_INVALID_ARG)
		return FAILED(7);
	p[0] = MON_NS_PART | 1u << 8;
	p[1] = 0;
	if (mon_call_raw(p, r) != ERR_INVALID_ARG)
		return FAILED(8);
	w[0] = MON_NS_LOOKUP | 0x80ull << 24;
	w[1] = 0x6f6c6c6568;	/* "hello" */
	if (mon_call_raw(w, r) != ERR_BAD_MESSAGE)
		return FAILED(9);
	return 0;
}

/* UPROG_MONITOR_CALLS: see flotilla/uprog.h. Returns 0, or the number
 * of the first check that failed. */
static int ask_the_monitor(void)
{
	unsigned core = sys_core_id(), n = 0;
	const uint64_t unknown[4] = { 0xEE, 0, 0, 0 }, no_nul[4] = { MON_NS_LOOKUP, ~0ull, ~0ull };
	uint64_t cycles = 0, r[4];
	struct ns_entry e;
	char name[16];

	snprintf(name, sizeof(name), "svc%u", core);
	if (mon_cores(&n) || n < 2)
		return FAILED(1);
	if (ns_register(name, UPROG_NS_VALUE(core)))
		return FAILED(2);
	if (ns_register(name, 1) != ERR_NAME_IN_USE)
		return FAILED(3);
	if (ns_lookup(UPROG_NS_HUB, &e) || e.core != 0 || e.value != UPROG_NS_HUB_VALUE)
		return FAILED(4);
	if (ns_lookup(name, &e) || e.core != core || e.value != UPROG_NS_VALUE(core))
		return FAILED(5);
	if (ns_lookup("no-such-name", &e) != ERR_NOT_FOUND)
		return FAILED(6);
	if (ns_lookup(TOO_LONG, &e) != ERR_INVALID_ARG || ns_register("", 0) != ERR_INVALID_ARG)
		return FAILED(7);
	if (long_names(core))
		return FAILED(13);
	if (malformed_long_names())
		return FAILED(14);
	if (core != 0 && ns_remove(UPROG_NS_HUB) != ERR_NOT_FOUND)	/* core 0's, not ours */
		return 8;
	if (mon_ping(core ? 0 : n - 1, &cycles) || cycles == 0)
		return FAILED(9);
	if (mon_ping(core, &cycles) != ERR_INVALID_ARG || mon_ping(n, &cycles) != ERR_INVALID_ARG)
		return FAILED(10);
	if (mon_call_raw(unknown, r) != ERR_BAD_MESSAGE || mon_call_raw(no_nul, r) != ERR_BAD_MESSAGE)
		return FAILED(11);
	if (malformed_mcalls())		/* the moncall transport's (mcall.c) */
		return FAILED(15);
	if (mon_cores(&n))				/* and it still answers */
		return 12;
	return 0;
}

/* UPROG_CHATTER: see flotilla/uprog.h. */
static int chatter(void)
{
	unsigned c = sys_core_id();
	char s[192];

	for (unsigned i = 0; i < UPROG_CHATTER_LINES; i++) {
		unsigned len = (i * 37) % 180 + 1;
		for (unsigned j = 0; j < len; j++)
			s[j] = (char)('a' + (7 * c + 3 * i + j) % 26);
		s[len] = '\0';
		printf("chatter %u %u: %s\n", c, i, s);
	}
	return 0;
}

/* Is pid on core a living uprog in mon_ps's list? */
static bool listed(unsigned core, unsigned pid)
{
	struct mon_proc p;

	for (unsigned i = 0; mon_ps(core, i, &p) == OK; i++)
		if (p.pid == pid && !strcmp(p.name, "uprog"))
			return true;
	return false;
}

/* UPROG_PROCESS_CALLS: see flotilla/uprog.h. */
/* Waits (with a deadline that only turns a hang into a failure) for
 * process pid of `core` to end; was it by a fault? */
static bool ended_by_fault(unsigned core, unsigned pid, uint64_t serial, uint64_t deadline)
{
	struct mon_ended e = { .status = -1 };
	err_t err;

	while ((err = mon_wait(core, pid, serial, &e)) == ERR_WOULD_BLOCK &&
	       sys_clock_ns() < deadline)
		sys_sleep_until(sys_clock_ns() + 10ull * 1000 * 1000);
	return !err && e.how == MON_END_FAULT;
}

/* A Frame given to a child on core `next` through the monitors (MON_SPAWN
 * with a gift; flotilla/monitor.h): the child maps the same memory (it
 * answers the magic in word 1), the answer names the copy, and revoking
 * it takes the copy from the child (whose next read faults), on that
 * core and no other. The child gives it on to a grandchild on the core
 * after `next` (UPROG_WATCH_RELAY: the owner, this core, sends it there),
 * which answers in word 2; the revoke takes that copy too. With two
 * cores the core after `next` is this one, the owner's, and the child's
 * gift there is refused. Checks 20 to 25, 27 to 29. */
#define GIFT		CADDR(TASK_CN, 70)
static int gift_to_another_core(unsigned next)
{
	uint64_t token = 0, cores = 0, serial, deadline = sys_clock_ns() + 12000000000ull;
	struct mon_spawn_opts o = { .give = GIFT, .token = &token };
	unsigned pid, n = 0, next2;
	volatile uint64_t *w;
	struct cap_info f;

	if (ram_retype(CPTR_TASKCN, CADDR_L2(GIFT), CAP_FRAME, 4096) || cap_identify(GIFT, &f) ||
	    window_map_page(GIFT, (void **)&w))
		return FAILED(20);
	if (mon_cores(&n))
		return FAILED(20);
	next2 = (next + 1) % n;
	w[0] = UPROG_WATCH_MAGIC;
	if (mon_spawn_opts("uprog", next, UPROG_WATCH_FRAME | UPROG_WATCH_RELAY << 8, &o, &pid,
			   &serial) || token == MON_NO_TOKEN)
		return FAILED(21);
	while ((w[1] != UPROG_WATCH_MAGIC + 1 || (!w[5] && w[2] != UPROG_WATCH_MAGIC + 2)) &&
	       sys_clock_ns() < deadline)
		sys_sleep_until(sys_clock_ns() + 1000000);
	if (w[1] != UPROG_WATCH_MAGIC + 1)
		return FAILED(22);			/* the child never saw the same memory */
	if (w[5])
		return FAILED(29);			/* it could not give it on as it should */
	if (w[2] != UPROG_WATCH_MAGIC + 2)
		return FAILED(27);			/* nor the grandchild it gave it to */
	if (mon_cap_revoke(GIFT, token, &cores) ||
	    cores != (1ull << next | (n > 2 ? 1ull << next2 : 0)))
		return FAILED(23);
	if (!ended_by_fault(next, pid, serial, deadline))
		return FAILED(24);			/* its copy went with the revoke */
	if (n > 2 && !ended_by_fault(next2, (unsigned)w[3], w[4], deadline))
		return FAILED(28);			/* and so did the grandchild's */
	if (mon_cap_revoke(GIFT, token, &cores) != ERR_NOT_FOUND)
		return FAILED(25);			/* nothing is left to revoke */
	window_unmap(GIFT, (void *)w, 1);
	cnode_delete(CPTR_TASKCN, CADDR_L2(GIFT));
	ram_release(f.base);
	return 0;
}

/* UPROG_OWN_A_GIFT: see flotilla/uprog.h. */
static int own_a_gift(unsigned param)
{
	bool ram = param == UPROG_GIFT_RAM;
	uint64_t token = MON_NO_TOKEN, serial;
	struct mon_spawn_opts o = { .give = GIFT, .token = &token };
	volatile uint64_t *t;
	unsigned n = 0, pid;

	if (window_map_page(UPROG_EP + 1, (void **)&t))
		return FAILED(-1);
	if (mon_cores(&n) || n < 3 || sys_core_id() < 2)
		return FAILED(-2);
	if (ram_retype(CPTR_TASKCN, CADDR_L2(GIFT), ram ? CAP_RAM : CAP_FRAME, ram ? 4 * 4096 : 4096))
		return FAILED(-3);
	if (mon_spawn_opts("uprog", 1, UPROG_IDLE, &o, &pid, &serial) || token == MON_NO_TOKEN)
		return FAILED(-4);
	t[1] = token;
	t[2] = 1;
	while (t[0] != UPROG_QUIT)
		sys_sleep_until(sys_clock_ns() + 1000000);
	return mon_kill(1, pid) ? FAILED(-5) : 0;
}

/* A program's name of MON_PROG_NAME_MAX characters travels whole:
 * started on core `next` (forwarded there, if not this one), it is found
 * by its whole name in that core's ps, and killed; one character more is
 * refused before anything is sent. Checks 30 to 32. */
static int long_names_travel_whole(unsigned next)
{
	static const char name[] = "sleeper_with_a_name_of_31_chars";
	_Static_assert(sizeof(name) == MON_PROG_NAME_MAX + 1, "as long as a name may be");
	struct mon_proc p;
	unsigned pid;
	bool found = false;

	if (mon_spawn("sleeper_with_a_name_of_31_chars_", next, 0, &pid) != ERR_INVALID_ARG)
		return FAILED(30);
	if (mon_spawn(name, next, 0, &pid))
		return FAILED(31);
	for (unsigned i = 0; mon_ps(next, i, &p) == OK; i++)
		found |= p.pid == pid && !strcmp(p.name, name);
	if (!found || mon_kill(next, pid))
		return FAILED(32);
	return 0;
}

/* Supervision's requests (docs/supervision.md), from a process that may
 * not power off and that no request started: checks 12 to 19. */
static int supervision_calls(unsigned core, unsigned next)
{
	struct mon_spawn_opts o = { .flags = MON_SPAWN_ADMIN };
	struct mon_ended e = { .status = -1 };
	uint64_t serial, deadline = sys_clock_ns() + 10ull * 1000 * 1000 * 1000;
	unsigned pid;
	bool stop;
	err_t err;

	if (mon_spawn_opts("uprog", next, UPROG_IDLE, &o, &pid, &serial) != ERR_CAP_RIGHTS)
		return FAILED(12);			/* the power-off right, from one without it */
	o.flags = MON_SPAWN_SKB;
	if (mon_spawn_opts("uprog", 0, UPROG_IDLE, &o, &pid, &serial) != ERR_CAP_RIGHTS)
		return FAILED(19);			/* the SKB's facts, from one without it */
	o.flags = MON_SPAWN_CONSOLE;
	if (mon_spawn_opts("console", 0, 0, &o, &pid, &serial) != ERR_CAP_RIGHTS)
		return FAILED(26);			/* the serial port, from one without it */
	o.flags = 0x80;
	if (mon_spawn_opts("uprog", next, UPROG_IDLE, &o, &pid, &serial) != ERR_INVALID_ARG)
		return FAILED(13);
	o = (struct mon_spawn_opts){ .give = CPTR_DISPATCHER };
	if (next != core && mon_spawn_opts("uprog", next, UPROG_IDLE, &o, &pid, &serial) !=
			    ERR_CAP_CORE_BOUND)
		return FAILED(14);			/* a Dispatcher does not cross cores */
	if (next != core && (err = gift_to_another_core(next)))
		return (int)err;
	if ((err = long_names_travel_whole(next)))
		return (int)err;
	o.give = 0;
	if (mon_spawn_opts("uprog", next, UPROG_HELLO, &o, &pid, &serial))
		return FAILED(15);
	/* It says hello and exits 0; its monitor keeps how. The deadline
	 * only turns a hang into a failure. */
	while ((err = mon_wait(next, pid, serial, &e)) == ERR_WOULD_BLOCK &&
	       sys_clock_ns() < deadline)
		sys_sleep_until(sys_clock_ns() + 10ull * 1000 * 1000);
	if (err || e.status != 0 || e.how != MON_END_EXIT)
		return FAILED(16);
	if (mon_wait(next, pid, serial + 1000, &e) != ERR_NOT_FOUND ||
	    mon_stop(next, pid, serial) != ERR_NOT_FOUND)
		return FAILED(17);			/* no such instance; it has ended */
	if (mon_beat(&stop) != ERR_CAP_RIGHTS)
		return FAILED(18);			/* no request started it: nobody waits */
	return 0;
}

static int process_calls(void)
{
	unsigned core = sys_core_id(), n = 0, pid = ~0u;
	const uint64_t no_nul[4] = { MON_SPAWN, ~0ull, ~0ull, 0 };
	uint64_t r[4], free = 0, total = 0;
	struct mon_proc p;
	char buf[16];
	size_t got = 1;

	if (mon_cores(&n) || n == 0)
		return FAILED(1);
	unsigned next = (core + 1) % n;
	if (mon_spawn("uprog", next, UPROG_IDLE, &pid) || !listed(next, pid))
		return FAILED(2);
	if (mon_kill(next, pid) || listed(next, pid))
		return FAILED(3);
	if (mon_kill(next, pid) != ERR_NOT_FOUND || mon_kill(next, 1000) != ERR_NOT_FOUND)
		return FAILED(4);
	if (mon_spawn("no-such-prog", next, 0, &pid) != ERR_NOT_FOUND ||
	    mon_spawn("", next, 0, &pid) != ERR_INVALID_ARG ||
	    mon_call_raw(no_nul, r) != ERR_BAD_MESSAGE)
		return FAILED(5);
	if (mon_spawn("uprog", n, 0, &pid) != ERR_INVALID_ARG || mon_ps(n, 0, &p) != ERR_INVALID_ARG ||
	    mon_kill(n, 0) != ERR_INVALID_ARG || mon_mem(n, &free, &total) != ERR_INVALID_ARG)
		return FAILED(6);
	/* Itself, among its monitor's children: not started by a request. */
	unsigned seen = 0, refused = 0;
	for (unsigned i = 0; mon_ps(core, i, &p) == OK; i++)
		if (!strcmp(p.name, "uprog")) {
			seen++;
			refused += mon_kill(core, p.pid) == ERR_CAP_RIGHTS;
		}
	if (seen == 0 || refused != seen)
		return FAILED(7);
	if (mon_ps(core, 1000, &p) != ERR_NOT_FOUND)
		return FAILED(8);
	if (mon_console_read(buf, sizeof(buf), &got, NULL) || got != 0)
		return FAILED(9);
	for (unsigned k = 0; k < n; k++)
		if (mon_mem(k, &free, &total) || total == 0 || free > total)
			return FAILED(10);
	if (mon_poweroff(0) != ERR_CAP_RIGHTS || mon_poweroff(128) != ERR_CAP_RIGHTS)
		return FAILED(11);			/* only the shell may */
	return supervision_calls(core, next);
}

static int console_reader(bool hold)
{
	const uint64_t w[4] = { MON_CONSOLE_READ };
	uint64_t r[4];
	struct mon_reader owner;
	char buf[16];
	size_t got;
	err_t cap_err, err;

	if (mon_call_cap(w, 0, 0, r, &cap_err) != ERR_CAP_EMPTY)
		return FAILED(1);			/* who asks is not known */
	if (mon_call_cap(w, CPTR_DISPATCHER, 0, r, &cap_err) != ERR_CAP_WRONG_TYPE)
		return FAILED(2);
	err = mon_console_read(buf, sizeof(buf), &got, &owner);
	if (err == ERR_CONSOLE_BUSY)
		return (int)UPROG_CONSOLE_BUSY(owner.core, owner.pid);
	if (err)
		return 1000 + err;
	if (hold) {
		printf("uprog: reads the console on core %u\n", sys_core_id());
		for (;;)
			sys_sleep_until(~0ull);
	}
	return 0;
}

/* UPROG_BEATS: alive until asked to stop. */
static int beats(void)
{
	bool stop = false;
	err_t err;

	printf("uprog: beats on core %u\n", sys_core_id());
	while (!(err = mon_beat(&stop)) && !stop)
		sys_sleep_until(sys_clock_ns() + UPROG_BEAT_NS);
	if (err) {
		printf("uprog: mon_beat: %s: %s\n", err_name(err), err_msg(err));
		return 1;
	}
	printf("uprog: asked to stop on core %u\n", sys_core_id());
	return 0;
}

/* UPROG_HANGS: never answers again. */
static int hangs(void)
{
	volatile unsigned long spins = 0;

	printf("uprog: hangs on core %u\n", sys_core_id());
	for (;;)
		spins++;
	return 0;
}

int main(int argc, char **argv)
{
	struct lmp_msg m;

	switch (UPROG_MODE(libc_arg)) {
	case UPROG_HELLO:
		printf("uprog: hello from core %u\n", sys_core_id());
		return 0;
	case UPROG_FAULT_FIRST ... UPROG_FAULT_FIRST + 4:
		fault_on_purpose((unsigned)libc_arg);
		return 99;	/* not reached */
	case UPROG_KERNEL_CAP:
		return try_kernel_cap(UPROG_PARAM(libc_arg));
	case UPROG_LOOP:
		for (;;)
			sys_yield();
	case UPROG_CHECK_CAPS:
		return check_caps();
	case UPROG_ECHO:
		return echo_server();
	case UPROG_OWN_HANDLER:
		return own_handler();
	case UPROG_SEND_LATER:
		for (int i = 0; i < 20; i++)
			sys_yield();
		return lmp_send(UPROG_EP, 0, 0, (const uint64_t[LMP_WORDS]){ 11, 12, 13, 14 });
	case UPROG_RECV_ONCE:
		return lmp_recv(UPROG_EP, 0, 0, &m);
	case UPROG_ARGS:
		printf("uprog: argc %d:", argc);
		for (int i = 0; i < argc; i++)
			printf(" '%s'", argv[i]);
		printf("\n");
		return 100 * argc + (argc ? (int)strlen(argv[argc - 1]) : 0);
	case UPROG_URPC_ECHO:
		return urpc_echo();
	case UPROG_OWN_A_GIFT:
		return own_a_gift(UPROG_PARAM(libc_arg));
	case UPROG_WATCH_FRAME:
		return watch_frame(UPROG_PARAM(libc_arg) ? UPROG_EP : UPROG_EP + 1,
				   UPROG_PARAM(libc_arg));
	case UPROG_CONSOLE_TAIL: {
		struct conring *r;
		if (window_map(UPROG_EP + 1, CONRING_FRAME / 4096, CAP_RIGHT_READ | CAP_RIGHT_WRITE,
			       (void **)&r))
			return FAILED(1);
		r->tail = r->head + 100;
		for (;;)
			sys_sleep_until(sys_clock_ns() + 100ull * 1000 * 1000);
	}
	case UPROG_MONITOR_CALLS:
		return ask_the_monitor();
	case UPROG_FOREIGN_TICKET:
		return foreign_ticket(UPROG_PARAM(libc_arg));
	case UPROG_IDLE:
		printf("uprog: idle on core %u\n", sys_core_id());
		for (;;)
			sys_sleep_until(~0ull);
	case UPROG_PROCESS_CALLS:
		return process_calls();
	case UPROG_CHATTER:
		return chatter();
	case UPROG_BIND_SERVER:
		return bind_server(UPROG_PARAM(libc_arg));
	case UPROG_BIND_CLIENT:
		return bind_client(UPROG_PARAM(libc_arg) & 0xFF, UPROG_PARAM(libc_arg) >> 8);
	case UPROG_SPAN:
		return span_test();
	case UPROG_SPAN_UNMAP:
		return span_unmap_test();
	case UPROG_SPAN_FOREVER:
		return span_forever(UPROG_PARAM(libc_arg));
	case UPROG_IDL_LMP:
		return idl_lmp_client();
	case UPROG_IDL_CHAN_SERVER:
		return idl_chan_server();
	case UPROG_IDL_CHAN_CLIENT:
		return idl_chan_client(UPROG_PARAM(libc_arg));
	case UPROG_CONSOLE:
		return console_reader(UPROG_PARAM(libc_arg) == UPROG_CONSOLE_HOLD);
	case UPROG_BENCH_ECHO:
		return bench_echo();
	case UPROG_BENCH_UCHAN:
		return bench_uchan(UPROG_PARAM(libc_arg));
	case UPROG_BENCH_UNMAP:
		return bench_unmap(UPROG_PARAM(libc_arg));
	case UPROG_BENCH_SHOOT:
		return bench_shoot(UPROG_PARAM(libc_arg));
	case UPROG_BENCH_MONCALL:
		return bench_moncall(UPROG_PARAM(libc_arg));
	case UPROG_BENCH_UPDATES:
		return bench_updates(UPROG_PARAM(libc_arg));
	case UPROG_FPU_HOLD: case UPROG_FPU_DIRTY: case UPROG_FPU_CLEAN:
	case UPROG_FPU_FAULT: case UPROG_FPU_SPANS: case UPROG_FPU_YIELD:
		return fpu_main(UPROG_MODE(libc_arg), UPROG_PARAM(libc_arg));
	case UPROG_BEATS:
		return beats();
	case UPROG_HANGS:
		return hangs();
	case UPROG_NS_RACE:
		return ns_race(libc_arg >> 8);
	case UPROG_RAM_RACE:
		return ram_race(libc_arg >> 8);
	case UPROG_RAM_GIVE:
		return ram_give();
	case UPROG_RAM_HOLD:
		return ram_hold(UPROG_PARAM(libc_arg));
	}
	printf("uprog: no mode %u (tests/include/flotilla/uprog.h)\n", UPROG_MODE(libc_arg));
	return 100;
}
