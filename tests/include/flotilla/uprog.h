/*
 * The test program tests/user/uprog: what its arguments mean to the tests that
 * start it (tests/monitor/proctest.c, lmptest.c). See tests/user/uprog/main.c.
 */
#ifndef FLOTILLA_UPROG_H
#define FLOTILLA_UPROG_H

#include <kpi/caps.h>

enum uprog_mode {
	UPROG_HELLO = 0,	/* says hello and exits 0 */
	UPROG_FAULT_FIRST = 1,	/* 1..5: fault_on_purpose(mode): divide error, page
				 * fault, general protection, invalid opcode,
				 * breakpoint (the kernel stops it; exit status
				 * -(vector + 1)) */
	UPROG_KERNEL_CAP = 6,	/* tries a method of each authority type where it
				 * holds none: exits with the error; | 1 << 8:
				 * holding a Doorbell at UPROG_EP */
	UPROG_LOOP = 7,		/* yields for ever (to be killed) */
	UPROG_CHECK_CAPS = 8,	/* checks its well-known capabilities */
	UPROG_ECHO = 9,		/* LMP echo server on UPROG_EP: replies (w0 + 1,
				 * w1 + 1, badge, info | received cap type << 32);
				 * w0 = UPROG_QUIT ends it; w1 = UPROG_SEND_BACK
				 * sends back a copy of its dispatcher */
	UPROG_OWN_HANDLER = 10,	/* its own exception endpoint, a breakpoint; exits
				 * 42 if the handler resumes it */
	UPROG_SEND_LATER = 11,	/* yields a while, sends (11, 12, 13, 14) */
	UPROG_RECV_ONCE = 12,	/* receives once; exits with the result */
	UPROG_ARGS = 13,	/* prints argv; exits 100 * argc + the length of
				 * its last argument (tests/user/usertest) */
	UPROG_URPC_ECHO = 14,
	UPROG_WATCH_FRAME = 15,
	UPROG_MONITOR_CALLS = 16,
	UPROG_IDLE = 17,	/* says so, then sleeps until killed (the shell's tests) */
	UPROG_PROCESS_CALLS = 18,
	UPROG_CHATTER = 19,
	UPROG_BIND_SERVER = 20,	/* tests/user/uprog/bind.c; the argument's bits 8.. below */
	UPROG_BIND_CLIENT = 21,
	UPROG_SPAN = 22,	/* tests/user/uprog/span.c */
	UPROG_SPAN_FOREVER = 23,
	UPROG_SPAN_UNMAP = 24,
	UPROG_IDL_LMP = 25,	/* tests/user/uprog/idl.c */
	UPROG_IDL_CHAN_SERVER = 26,	/* tests/user/uprog/idlchan.c */
	UPROG_IDL_CHAN_CLIENT = 27,
	UPROG_CONSOLE = 28,	/* reads the console once (below) */
	UPROG_BENCH_ECHO = 30,	/* tests/user/uprog/bench.c: make bench's */
	UPROG_BENCH_UCHAN = 31,
	UPROG_BENCH_UNMAP = 32,
	UPROG_FPU_HOLD = 33,	/* tests/user/uprog/fpu.c; the argument's bits 8.. below */
	UPROG_FPU_DIRTY = 34,
	UPROG_FPU_CLEAN = 35,
	UPROG_FPU_FAULT = 36,
	UPROG_FPU_SPANS = 37,
	UPROG_FPU_YIELD = 38,
	UPROG_BEATS = 39,	/* answers heartbeats (below) */
	UPROG_HANGS = 40,
	UPROG_BENCH_SHOOT = 41,	/* tests/user/uprog/bench.c: make bench's shootdown lines */
	UPROG_NS_RACE = 42,
	UPROG_CONSOLE_TAIL = 44,	/* a console service's ring, a tail past its head (below) */
	UPROG_OWN_A_GIFT = 45,	/* owns an object another core holds (below) */
	UPROG_RAM_RACE = 46,	/* tests/user/uprog/ram.c: RAM of another core (below) */
	UPROG_RAM_GIVE = 47,	/* gives RAM of its own to another core (below) */
	UPROG_RAM_HOLD = 48,	/* makes a Frame of RAM it was given (below) */
	UPROG_FOREIGN_TICKET = 49,	/* | ticket << 8: continues that moncall
					 * conversation of another process's
					 * (tests/user/uprog/mcall.c): exits 0
					 * when the monitor refuses it */
	UPROG_BENCH_MONCALL = 43,	/* tests/user/uprog/bench.c: make bench's moncall lines */	/* tests/user/uprog/names.c; the argument's bits 8.. below */
	UPROG_BENCH_UPDATES = 50,	/* tests/user/uprog/updbench.c: Figure 3 (below) */
};

/* Supervision's tests (docs/supervision.md). UPROG_BEATS says where it
 * runs, then beats (mon_beat) every UPROG_BEAT_NS until its supervisor
 * asks it to stop, and exits 0. UPROG_HANGS says where it runs, then spins
 * for ever without beating or yielding: a hung service. */
#define UPROG_BEAT_NS		(100ull * 1000 * 1000)

/* The name service's race (tests/monitor/nametest.c). UPROG_NS_RACE |
 * round << 8: waits until the name UPROG_NS_GO_FMT of round is registered (looking it up
 * in its monitor's replica, again and again), then registers
 * UPROG_NS_RACE_FMT of round with UPROG_NS_VALUE(its core) at once, as
 * every other core's does. Exits 0 if it got the name, 1 for
 * ERR_NAME_IN_USE, 2 if the go never came, 100 + the error otherwise.
 * With UPROG_NS_REMOVE (bit 16) it removes the name instead (the
 * winner's core does): exits 0, or 100 + the error. The name is longer
 * than the short form, so it travels in parts. */
#define UPROG_NS_REMOVE		(1u << 16)
#define UPROG_NS_GO_FMT		"race.go.%u"
#define UPROG_NS_RACE_FMT	"race.%u.a-name-well-past-the-two-word-form"
/* How long a racer waits for the go: only to end a hang. The first racer
 * waits while the others are started one core after another; at 33 cores
 * on a loaded 2-core host that took past 20 s, failing a race that would
 * have run. */
#define UPROG_NS_WAIT_NS	(120ull * 1000 * 1000 * 1000)

/* RAM given by another core (tests/monitor/rcaptest.c). UPROG_RAM_RACE |
 * round << 8, with RAM of another core's at UPROG_EP + 1 (a monitor's
 * remote spawn's gift), at least two pages: checks that its kernel will
 * not retype it (ERR_CAP_NOT_OWNER) and the errors of bad MON_RAM_RETYPE
 * requests; waits for the name UPROG_RAM_GO_FMT of round, then asks at
 * once, as every other holder does, for a Frame of page `round` of it.
 * Exits 1 if another core got it (ERR_RETYPE_OVERLAP), 100 + the error
 * for another error, or the check's number; if it got it, maps it,
 * registers UPROG_RAM_WON_FMT of round with its core as the value, and
 * reads the page until a revoke takes it (it faults). With
 * UPROG_RAM_REMOVE (bit 16) it removes that name instead (the winner's
 * core does): exits 0, or 100 + the error. */
#define UPROG_RAM_REMOVE	(1u << 16)
/* UPROG_RAM_GIVE (2 cores and more): makes 4 pages of RAM of its own and
 * gives them (mon_spawn_opts) to a child on the next core; to its own
 * core the gift is refused (ERR_CAP_NOT_COPYABLE) and to no such core
 * too, and the RAM stays in its slot. The child (UPROG_RAM_HOLD, the RAM
 * at UPROG_EP) makes a Frame of its first page through the monitors
 * (mon_ram_retype), maps it, beats once (mon_beat) and reads it until it
 * faults. The giver waits for that beat, revokes its gift with its own
 * RAM as the authority (a Frame that is not the object is refused), sees
 * the child's core named and the child fault. Before that, a gift to a
 * spawn of a program there is not comes back, with no token. Exits 0, or
 * the check's number.
 * UPROG_RAM_HOLD | UPROG_RAM_PASS << 8, started by a monitor's remote
 * spawn with RAM of another core's (at UPROG_EP + 1): makes a Frame of its
 * first page, writes UPROG_WATCH_MAGIC to it, gives it to a child on its
 * own core (UPROG_WATCH_FRAME | UPROG_WATCH_GIFT << 8), waits for the
 * child to map it and exits 0: its RAM goes back, the Frame lives on. */
#define UPROG_RAM_PASS		1u
/* UPROG_RAM_HOLD | UPROG_RAM_MANY << 8, as UPROG_RAM_PASS is started:
 * makes Frames of pages 0, 1, ... of its RAM, UPROG_RAM_FRAMES_MAX of
 * them; the next is refused (ERR_TOO_MANY: the owner's limit per holder
 * and RAM, usr/monitor/rcap.c); exits 0, or the check's number. */
#define UPROG_RAM_MANY		2u
#define UPROG_RAM_FRAMES_MAX	16
#define UPROG_RAM_GO_FMT	"ramrace.go.%u"
#define UPROG_RAM_WON_FMT	"ramrace.won.%u"

/* The mode is the argument's low byte; some modes take more above it. */
#define UPROG_MODE(arg)		((unsigned)((arg) & 0xFF))
#define UPROG_PARAM(arg)	((unsigned)((arg) >> 8))

/* UPROG_BIND_SERVER | clients << 8: exports UPROG_BIND_NAME with an
 * endpoint of its own, checks the errors of bad accepts and exports,
 * accepts `clients` clients (1..UPROG_BIND_MAX) from any cores and
 * echoes every message on every channel until each client has sent
 * UPROG_QUIT; exits with the number of clients served, or a negative
 * number naming the check that failed.
 * UPROG_BIND_CLIENT | server core << 8 | UPROG_BIND_GONE << 16: checks
 * the errors of bad binds, binds to UPROG_BIND_NAME (trying again while
 * it is not found, for up to UPROG_BIND_WAIT_NS), checks that the
 * binding names the server's core, sends UPROG_BIND_MESSAGES messages
 * of every length in bursts, checks every echo, then UPROG_QUIT; exits
 * 0, or the number of the check that failed. With UPROG_BIND_GONE (its
 * server has exited) it checks only that binding finds nothing and that
 * the name was removed. */
/* As long as a name may be (NS_NAME_MAX, 63 characters), far past the
 * packed form's two words: it travels whole through the export and bind
 * rpcs and intermon's bind. */
#define UPROG_BIND_NAME		"echo.bind.under.a.name.of.sixty.three.characters.as.long.as.may"
#define UPROG_BIND_MAX		MESH_MAX_CORES	/* a client on every core */
#define UPROG_BIND_GONE		1u
#define UPROG_BIND_MESSAGES	300
#define UPROG_BIND_WAIT_NS	(10ull * 1000 * 1000 * 1000)

/* UPROG_SPAN: spans itself over every core (this one included), each
 * span saying where it runs, waiting for the main dispatcher's go, adding
 * to a shared total and reading a page mapped after it started; checks
 * the refusals of bad span requests and, while spans run, of an unmap
 * and a new top-level table (ERR_SPANNED), which work again afterwards;
 * then a span that faults. Exits 0, or the number of the check that
 * failed.
 * UPROG_SPAN_FOREVER | core << 8: maps the frame given at UPROG_EP (a
 * global of its own if none), spans to `core` a loop that counts in its
 * word 1 forever, writes UPROG_WATCH_MAGIC to word 0, says so, and sleeps
 * until killed.
 * UPROG_SPAN_UNMAP: maps a page through tables of its own, spans a reader
 * of it to the last core and a holder here, unmaps the page with
 * mon_unmap (checking its refusals first) and checks that the reader
 * faults rather than read it once mon_unmap has returned, and that the
 * page's capability can then be deleted. Exits 0, or the number of the
 * check that failed (7: the reader read the page after the shootdown). */
/* UPROG_IDL_LMP: the client of if/test.if over the LMP transport
 * (flotilla/idl_lmp.h), sending on UPROG_EP + 1 and receiving on
 * UPROG_EP, capabilities landing in UPROG_EP + 2; the monitor's
 * tests/monitor/idltest.c is the server, and says what is sent in turn.
 * Exits 0, or with the number of the first check that failed. */
#define UPROG_IDL_TEXT		"hello over lmp"

/* UPROG_IDL_CHAN_SERVER exports UPROG_IDL_CHAN_NAME and serves one
 * client; UPROG_IDL_CHAN_CLIENT | server core << 8 binds to it: if/test.if
 * over the bound channel (flotilla/idl_chan.h), with capabilities when
 * the two are on different cores (tests/user/uprog/idlchan.c says what each
 * checks). Each exits 0, or the number of the check that failed. */
#define UPROG_IDL_CHAN_NAME	"idl.chan"
#define UPROG_IDL_CHAN_TEXT	"hello over urpc"
#define UPROG_IDL_MAGIC		0x1D1F4A3Eull

/* make bench's workloads in processes (bench/monitor/procbench.c starts
 * them; docs/benchmarks.md). Each prints its figure's line
 * (flotilla/bench.h), after BENCH_SLOW_WARMUP untimed iterations, or a
 * `BENCH error` line.
 * UPROG_BENCH_ECHO: exports UPROG_BENCH_NAME, accepts one client and
 * echoes every message on its channel until one of type 2 (the end);
 * exits with the number it echoed, -1 if something failed.
 * UPROG_BENCH_UCHAN | n << 8: binds to UPROG_BENCH_NAME (trying again
 * while it is not found) and prints uchan_roundtrip, n one-word round
 * trips to the echo server, each side looking at the ring once before it
 * sleeps; then ends the server. Exits 0, or 1 if something failed.
 * UPROG_BENCH_UNMAP | n << 8: spans a reader to every other core and
 * prints unmap_ncores, n unmaps of a page every core has read (mon_unmap;
 * on one core its own vnode_unmap). Exits 0, or 1. */
#define UPROG_BENCH_NAME	"bench.echo"

/* UPROG_BENCH_MONCALL | n << 8: prints moncall_packed, moncall_idl,
 * moncall_ps_packed and moncall_ps_idl, n requests to this core's monitor
 * each (after BENCH_WARMUP), packed by hand and as if/moncall.if's rpcs;
 * exits 0, or 1 with a `BENCH error` line. */

/* UPROG_BENCH_UPDATES | n << 8: spans a worker to every other core and
 * prints lib/updbench.h's lines (shm_update at 1..all cores, msg_update
 * at 1..all-1 clients, k = 1, 2, 4, 8), n timed updates of core 0 each
 * after BENCH_SLOW_WARMUP; exits 0, or 1 with a `BENCH error` line. */

/* UPROG_CONSOLE | hold << 8: checks that a console read without a
 * capability, or with one that is not a PML4, is refused, then reads the
 * console once (mon_console_read). With hold 1 it then says so and sleeps
 * until killed, owning the console's input. Exits 0 if the read worked,
 * UPROG_CONSOLE_BUSY(core, pid) if the process core:pid owns the input,
 * 1 or 2 if a check failed, 1000 + the error otherwise. */
#define UPROG_CONSOLE_HOLD		1u
#define UPROG_CONSOLE_BUSY(core, pid)	(0x10000 | (core) << 8 | (pid))

/* The x87/SSE/AVX modes (tests/user/uprog/fpu.c; tests/monitor/fputest.c starts
 * them, flotilla/fputest.h has the patterns).
 * UPROG_FPU_HOLD | seed << 8: UPROG_FPU_ROUNDS times, holds the pattern
 * of `seed` in every register while it spins and yields UPROG_FPU_YIELDS
 * times, checks it, and computes a sum in the pattern's rounding modes
 * that must be the same every time. Exits 0, 1..26 (fpu_regs_differ: the
 * register that changed), 27 (the double sum) or 28 (the x87 one).
 * UPROG_FPU_DIRTY: holds the pattern of UPROG_FPU_DIRTY_SEED (odd
 * rounding modes too) and yields forever (to be killed).
 * UPROG_FPU_CLEAN: exits 0 if it started with the default state: 1 MXCSR,
 * 2 the x87 control word, 3 the x87 stack not empty, 4 an xmm register
 * holds UPROG_FPU_DIRTY's value, 5 an upper half of a ymm is not zero.
 * UPROG_FPU_FAULT | kind << 8: unmasks divide-by-zero and divides by
 * zero: kind 0 with SSE (#XM), 1 with x87 (#MF). If it did not fault, it
 * exits 2 when the division set the divide-by-zero flag (so the CPU
 * divided and did not raise the exception: QEMU's TCG does not for SSE),
 * else 1.
 * UPROG_FPU_SPANS | core << 8: spans two dispatchers to `core`, each
 * doing what UPROG_FPU_HOLD does with a seed of its own, while the main
 * dispatcher does it too with a third. Exits 0, or 100 * (which: 1, 2
 * the spans, 3 itself) + its failed check.
 * UPROG_FPU_YIELD: uses an xmm register, yields, forever (make bench's
 * dispatcher_switch_fpu). */
#define UPROG_FPU_ROUNDS	20
#define UPROG_FPU_YIELDS	5
#define UPROG_FPU_DIRTY_SEED	0xD1

/* UPROG_CHATTER: prints UPROG_CHATTER_LINES lines as fast as it can,
 * line i of core c being "chatter c i: " then (i * 37) % 180 + 1 letters,
 * the j-th 'a' + (7c + 3i + j) % 26 (tools/boottest.py checks them). */
#define UPROG_CHATTER_LINES	120

/* UPROG_PROCESS_CALLS: through its monitor, starts uprog (UPROG_IDLE) on
 * the next core (this one if it is alone), finds it with mon_ps, kills
 * it, and checks the errors of bad requests: unknown program, bad name,
 * core out of range, a process no request started (itself), a pid that
 * is gone, a power-off (only the shell may); reads the console (nothing
 * typed: 0 bytes) and the memory of every core; gives a Frame to a child
 * on the next core, which must see it, and revokes it. Exits 0, or with
 * the number of the first check that failed. */

/* UPROG_MONITOR_CALLS: asks its monitor (flotilla/monitor.h) how many
 * cores there are, registers "svcN" (N its core) with UPROG_NS_VALUE(N),
 * finds it and UPROG_NS_HUB (which the test registers on core 0 first),
 * pings another core, and checks the errors of bad requests. Exits 0, or
 * with the number of the first check that failed. */
#define UPROG_NS_HUB		"hub"
#define UPROG_NS_HUB_VALUE	42
#define UPROG_NS_VALUE(core)	(1000u + (core))

/* UPROG_WATCH_FRAME, started on another core by remote_spawn with a frame:
 * maps it (UPROG_EP + 1; with a parameter, the gift of a process's
 * MON_SPAWN, at UPROG_EP), exits with -1 unless word 0 is
 * UPROG_WATCH_MAGIC, writes UPROG_WATCH_MAGIC + 1 to word 1, then reads
 * word 0 every millisecond until it is UPROG_QUIT (exit 0). If the frame
 * is taken away meanwhile, its next read faults.
 * UPROG_WATCH_RELAY: before it writes word 1, it gives the frame on to a
 * grandchild on the next core (core + 1, modulo the cores), which the
 * frame's owner sends it to (rcap.c, relay): a read-only copy is refused
 * (ERR_CAP_RIGHTS), the frame itself goes with no token, and the
 * grandchild's pid and serial are written to words 3 and 4 (a failed
 * step's check number to word 5, which the parent reads).
 * UPROG_WATCH_RELAYED, the grandchild: writes UPROG_WATCH_MAGIC + 2 to
 * word 2 instead of word 1. */
/* UPROG_OWN_A_GIFT, started on another core by remote_spawn with a frame
 * (at UPROG_EP + 1): gives a Frame of its own to a child on core 1
 * (UPROG_IDLE; core 1 must be neither its core nor core 0), writes the
 * id that came back (its core is the owner) to word 1 of the frame it
 * was given and 1 to word 2, keeps its Frame until word 0 is UPROG_QUIT,
 * then kills the child and exits 0 (its end revokes what it gave).
 * Needs 3 cores. With UPROG_GIFT_RAM << 8 it gives 4 pages of RAM of its
 * own instead (tests/monitor/ramtest.c). */
#define UPROG_GIFT_RAM		1u
#define UPROG_WATCH_MAGIC	0xF7A3E0ull
#define UPROG_WATCH_GIFT	1u
#define UPROG_WATCH_RELAY	2u
#define UPROG_WATCH_RELAYED	3u

/* UPROG_CONSOLE_TAIL, started as MON_SPAWN_CONSOLE starts the console
 * service (tests/monitor/consvctest.c): maps the ring it is given after
 * the ports (UPROG_EP + 1), writes a tail 100 bytes past the head, and
 * sleeps until killed. CONSVC_TEST_LINES: what the test prints into a
 * ring that nobody drains (the host checks each line: tools/boottest.py). */
#define CONSVC_TEST_LINES	400

/* UPROG_URPC_ECHO, started on another core by remote_spawn: side 1 of a
 * flotilla/uchan.h channel of UPROG_CHAN_SLOTS slots in the frame it is
 * given (UPROG_EP + 1), sleeping on UPROG_EP, ringing the bell at
 * UPROG_EP + 2. It echoes every message until one whose w0 is UPROG_QUIT,
 * then exits with the number it echoed; a malformed one is dropped. */
#define UPROG_CHAN_SLOTS	16

/* The endpoint its parent gives it (spawn_opts.give[0]). */
#define UPROG_EP		CPTR_TASK_FIRST_FREE
/* Echo server: w0 that ends it; w1 asking for a capability back. */
#define UPROG_QUIT		0xD0Eull
#define UPROG_SEND_BACK		0xCA9ull

#endif
