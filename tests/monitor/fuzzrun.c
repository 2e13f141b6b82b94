/*
 * Running the system-call fuzzer (fuzz.h says how the parts fit): its two
 * dispatchers, the watchdog, the verdict, `ufuzz` on every core and the
 * user-space tests.
 *
 * Blocking calls without a hang. The fuzzer makes blocking message calls
 * (LMP without LMP_NONBLOCK) on the sandbox's endpoints, where nobody
 * waits. Before each it tells its partner, a second dispatcher on the
 * same core with the same CSpace, what it is about to do; the partner
 * does what meets it (meet(), below), never blocking for a partner
 * itself. So a send, call, receive or reply-and-receive that blocks is
 * met, and the rendezvous, the call's reply and the caller's release run.
 * What nobody can meet (an endpoint the partner cannot use, the partner
 * waiting for the fuzzer's own reply) leaves the fuzzer blocked; the
 * monitor, which runs whenever the fuzzer does not, sees it BLOCKED with
 * no call made for WATCHDOG_TURNS of its turns, destroys it (which
 * releases what it waited for and whoever waited for it, another kernel
 * path) and starts a new one, which carries on from fz. The same happens
 * when a random SYS_EXIT ends it. A fuzzer that stops any other way
 * faulted: the run fails.
 *
 * The authority capabilities (`ufuzz=...,kernel`): only one core fuzzes,
 * not 0, with a copy of each in the sandbox; their calls may break that
 * core's console and doorbells, so afterwards its monitor takes them back
 * (console_take binds both again) and reads the mesh. Core 0 judges
 * whether that worked: after every run it pings each core until it
 * answers or FUZZ_PING_WAIT_NS passes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/lmp.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include "lib/test.h"
#include "tests/monitor/mtest.h"
#include "tests/monitor/fuzz.h"

struct fz_state fz;

/* The fuzzer's objects, in the monitor's task CNode, all made from FZ_RAM,
 * and the level-1 slot through which the monitor reaches the fuzzer's
 * task CNode. */
#define FZ_ROOT		MON_TEST_SLOT(6)
#define FZ_TASK		MON_TEST_SLOT(7)
#define FZ_DISP		MON_TEST_SLOT(8)
#define FZ_RAM		MON_TEST_SLOT(9)
#define FZ_PARTNER	MON_TEST_SLOT(10)
#define FZ_CN		MON_TEST_CN(1)
#define OFF_TASK	0			/* 256 slots */
#define OFF_ROOT	(16 * 1024)		/* 64 slots */
#define OFF_DISP	(20 * 1024)
#define OFF_PARTNER	(24 * 1024)
#define FZ_RAM_BYTES	(28 * 1024)

#define WATCHDOG_TURNS	4
/* How long core 0 keeps pinging a core that is still fuzzing: far above
 * what a call takes under TCG (tens of microseconds), only so that a
 * core that never answers ends in a line that says so. */
#define FUZZ_PING_WAIT_NS(calls)	(120000000000ull + (uint64_t)(calls) * 1000000)

static uint64_t fz_stack[4096] __attribute__((aligned(16)));
static uint64_t partner_stack[2048] __attribute__((aligned(16)));

/* ---- The partner ---- */

/* Another capability to the endpoint at ep that can both send and receive. */
static capaddr_t full_rights(capaddr_t ep)
{
	struct cap_info a, b;

	if (cap_identify(ep, &a) || a.type != CAP_ENDPOINT)
		return ep;
	for (unsigned i = 0; i < SANDBOX_SLOTS; i++)
		if (!cap_identify(SANDBOX(i), &b) && b.type == CAP_ENDPOINT && b.base == a.base &&
		    (b.rights & CAP_RIGHTS_ALL) == CAP_RIGHTS_ALL)
			return SANDBOX(i);
	return ep;
}

/* What meets the fuzzer's call `nr` on ep: a receive (and a reply to a
 * call) for a send, a send or a call for a receive. Never waits for a
 * partner; a call waits only for the fuzzer's reply, which comes, or ends
 * with ERR_NO_REPLY when the fuzzer takes another call or is replaced. */
static err_t meet(unsigned nr, capaddr_t ep, uint64_t w)
{
	uint64_t words[LMP_WORDS] = { w, ~w, w >> 7, w << 3 };
	capaddr_t cap = SANDBOX((w >> 8) % SANDBOX_SEEDED);
	capaddr_t slot = SANDBOX(SANDBOX_SEEDED + (w >> 16) % (32 - SANDBOX_SEEDED));
	unsigned give = (w & 2) ? LMP_SEND_CAP : 0, take = (w & 1) ? LMP_RECV_CAP : 0;
	struct lmp_msg m;
	err_t err;

	for (unsigned attempt = 0; attempt < 2; attempt++) {
		if (nr == SYS_LMP_SEND || nr == SYS_LMP_CALL) {
			err = lmp_recv(ep, LMP_NONBLOCK | take, slot, &m);
			if (!err && LMP_INFO_KIND(m.info) == LMP_KIND_CALL)
				err = lmp_reply(give, cap, words);
		} else {
			err = lmp_syscall((w & 4) ? SYS_LMP_CALL : SYS_LMP_SEND, ep, cap,
					  LMP_NONBLOCK | give | take, slot, words, &m);
		}
		if (err != ERR_CAP_RIGHTS)
			break;
		ep = full_rights(ep);	/* the fuzzer's copy lacks a right we need */
	}
	if (err < 0 || err >= ERR__COUNT)
		fz.partner_bad++;
	return err;
}

static void __attribute__((noreturn)) partner_entry(void)
{
	uint64_t handled = 0;

	for (;;) {
		uint64_t n = fz.posted;
		if (n == fz.done || n == handled) {
			sys_yield();
			continue;
		}
		err_t err = meet(fz.rv_nr, fz.rv_ep, fz.rv_word);
		if (err == ERR_WOULD_BLOCK) {	/* the fuzzer is not waiting yet */
			sys_yield();
			continue;
		}
		handled = n;
		fz.partner_met += err == OK;
	}
}

/* A dispatcher of the fuzzer's, entering C function `entry` with the
 * stack below stack_top as if called: rsp + 8 16-aligned, as the ABI (and
 * SSE code on the stack) wants. */
static err_t new_dispatcher(capaddr_t slot, uint64_t off, void (*entry)(void), uint64_t *stack_top,
			    const char *name)
{
	err_t err;

	if ((err = cnode_retype(CPTR_TASKCN, CADDR_L2(slot), FZ_RAM, CAP_DISPATCHER, 1, off, 0)) ||
	    (err = disp_setup(slot, FZ_ROOT, CPTR_VROOT, (uintptr_t)entry, (uintptr_t)stack_top - 8,
			      0)) ||
	    (err = disp_set_name(slot, name)))
		return err;
	return disp_run(slot);
}

/* The fuzzer's CSpace (fuzz.h): a root CNode holding its task CNode and,
 * once the fuzzer has made it, the sandbox; the task CNode holds both
 * CNodes in the usual slots and the fixture. */
/* The `kernel` run: a copy of each of the monitor's authority
 * capabilities (kpi/caps.h) in FZT_AUTH(0) .. FZT_AUTH(AUTH_COUNT - 1). */
static err_t copy_authority(void)
{
	err_t err = OK;

	for (unsigned i = 0; fz.kernel && !err && i < AUTH_COUNT; i++)
		err = cnode_copy(FZ_TASK, CADDR_L2(FZT_AUTH(i)), CADDR(AUTH_CN, i));
	return err;
}

static err_t start(void)
{
	struct cap_info info;
	err_t err;

	if ((err = ram_retype(CPTR_TASKCN, CADDR_L2(FZ_RAM), CAP_RAM, FZ_RAM_BYTES)) ||
	    (err = cnode_retype(CPTR_TASKCN, CADDR_L2(FZ_TASK), FZ_RAM, CAP_CNODE, 1, OFF_TASK,
				256 * CTE_SIZE)) ||
	    (err = cnode_retype(CPTR_TASKCN, CADDR_L2(FZ_ROOT), FZ_RAM, CAP_CNODE, 1, OFF_ROOT,
				64 * CTE_SIZE)) ||
	    (err = cnode_copy(CPTR_ROOTCN, FZ_CN, FZ_TASK)) ||
	    (err = cnode_copy(FZ_ROOT, TASK_CN, FZ_TASK)) ||
	    (err = cnode_copy(FZ_TASK, CADDR_L2(CPTR_ROOTCN), FZ_ROOT)) ||
	    (err = cnode_copy(FZ_TASK, CADDR_L2(CPTR_TASKCN), FZ_TASK)) ||
	    (err = cnode_move(FZ_TASK, CADDR_L2(FZT_TESTRAM), T_TESTRAM)) ||
	    (err = kernel_notify_mint(CPTR_DOORBELL, fz.core, NOTIFY_SLOTS - 1, FZ_TASK,
				      CADDR_L2(FZT_NOTIFY))) ||
	    (err = kernel_notify_mint(CPTR_DOORBELL, (fz.core + 1) % fz.ncores, MESH_DOORBELL,
				      FZ_TASK, CADDR_L2(FZT_NOTIFY2))))
		return err;
	fz.ioport = cap_identify(CPTR_IOPORT_COM1, &info) == OK && info.type == CAP_IOPORT;
	if ((fz.ioport && (err = cnode_copy(FZ_TASK, CADDR_L2(FZT_IOPORT), CPTR_IOPORT_COM1))) ||
	    (err = copy_authority()))
		return err;
	if ((err = new_dispatcher(FZ_PARTNER, OFF_PARTNER, partner_entry, &partner_stack[2048],
				  "fuzz-partner")))
		return err;
	return new_dispatcher(FZ_DISP, OFF_DISP, fuzz_entry, &fz_stack[4096], "fuzz");
}

/* Destroys the fuzzer (releasing whatever it waited for) and starts
 * another, which carries on. */
static err_t replace(void)
{
	err_t err = cnode_delete(CPTR_TASKCN, CADDR_L2(FZ_DISP));

	fz.done = fz.posted;
	fz.sleeping = fz.exiting = fz.owes_reply = false;
	fz.restarts++;
	return err ? err : new_dispatcher(FZ_DISP, OFF_DISP, fuzz_entry, &fz_stack[4096], "fuzz");
}

/* Until the fuzzer has made its calls. OK, or the status it stopped with
 * in *status (a fault) and ERR_INVALID_ARG, or why it could not go on. */
static err_t watch(int *status)
{
	uint64_t last = ~0ull;
	unsigned stuck = 0, exit_row = fz_row_of(CAP_NULL, SYS_EXIT, 0, 0);
	err_t err;

	for (;;) {
		struct sys_ret r = sys_invoke(FZ_DISP, DISP_STATUS, 0, 0, 0, 0, 0);
		unsigned state = (unsigned)(r.value & 0xFFFFFFFF);
		if (r.err)
			return r.err;
		*status = (int)(r.value >> 32);
		if (state == DISP_STATE_STOPPED) {
			if (fz.finished && *status == 0)
				return OK;
			if (!fz.exiting || *status != fz.exit_status)
				return ERR_INVALID_ARG;
			fz.count[exit_row].ok++;	/* it ended as asked */
			if ((err = replace()))
				return err;
		} else if (state == DISP_STATE_BLOCKED && !fz.sleeping && fz.made == last) {
			if (++stuck == WATCHDOG_TURNS) {
				fz.count[fz.cur_row].released++;
				if ((err = replace()))
					return err;
				stuck = 0;
			}
		} else {
			stuck = 0;
		}
		last = fz.made;
		sys_yield();
	}
}

/* Takes the test RAM back and destroys everything the fuzzer's were made
 * of; OK when the test RAM is whole and empty again. */
static err_t finish(void)
{
	struct cap_info info;
	bool have = cap_identify(FZ_RAM, &info) == OK;
	err_t err;

	cnode_delete(CPTR_TASKCN, CADDR_L2(FZ_DISP));
	cnode_delete(CPTR_TASKCN, CADDR_L2(FZ_PARTNER));
	err = cnode_move(CPTR_TASKCN, CADDR_L2(T_TESTRAM), CADDR(FZ_CN, CADDR_L2(FZT_TESTRAM)));
	cnode_delete(CPTR_ROOTCN, FZ_CN);
	cnode_revoke(CPTR_TASKCN, CADDR_L2(FZ_RAM));
	cnode_delete(CPTR_TASKCN, CADDR_L2(FZ_RAM));
	if (have)
		ram_release(info.base);
	if (err)	/* gone with the fuzzer's CNode: its range is free again */
		return cnode_retype(CPTR_TASKCN, CADDR_L2(T_TESTRAM), T_FIXRAM, CAP_RAM, 1,
				    TEST_RAM_BYTES, TEST_RAM_BYTES);
	return cnode_revoke(CPTR_TASKCN, CADDR_L2(T_TESTRAM));
}

/* Appends to buf[0..size), *n bytes used. */
static void __attribute__((format(printf, 4, 5)))
note(char *buf, size_t size, size_t *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*n += (size_t)vsnprintf(buf + *n, size - *n, fmt, ap);
	va_end(ap);
	if (*n >= size)
		*n = size - 1;
}

/*
 * One run on this core; prints the coverage lines. True if it passed;
 * `out` says how it went (the verdict line's parenthesis) or why not.
 */
static bool fuzz_run(unsigned core, unsigned calls, uint64_t seed, bool kernel, char *out,
		     size_t size)
{
	char miss[400];
	unsigned reached, reachable, with_ok, missing;
	int status = 0;
	size_t n = 0;
	bool pass = true;

	memset(&fz, 0, sizeof(fz));
	fz.core = core;
	fz.ncores = kernel_cores(CPTR_INFO);
	fz.calls = calls;
	fz.kernel = kernel;
	fz.last_clock = sys_clock_ns();
	fz_rng_init(seed, core);
	err_t err = start(), run = err ? err : watch(&status);
	struct sys_ret partner = sys_invoke(FZ_PARTNER, DISP_STATUS, 0, 0, 0, 0, 0);
	err_t fin = finish();

	out[0] = '\0';
	note(out, size, &n, "seed %#llx, %llu calls, %llu OK", (unsigned long long)seed,
	     (unsigned long long)fz.made, (unsigned long long)fz.ok);
	if (err) {
		note(out, size, &n, "; cannot start the fuzzer: %s", err_name(err));
		return false;
	}
	missing = fz_coverage(core, miss, sizeof(miss), &reached, &reachable, &with_ok);
	note(out, size, &n, ", coverage %u/%u, %u with OK, %llu resets, %llu blocked calls met, %llu fuzzers replaced",
	     reached, reachable, with_ok, (unsigned long long)fz.resets,
	     (unsigned long long)fz.partner_met, (unsigned long long)fz.restarts);
	if (run == ERR_INVALID_ARG) {
		note(out, size, &n, "; the fuzzer stopped with status %d in call %llu (%s)", status,
		     (unsigned long long)fz.made, fz_rows[fz.cur_row].name);
		pass = false;
	} else if (run) {
		note(out, size, &n, "; the fuzzer could not go on: %s", err_name(run));
		pass = false;
	}
	for (unsigned i = 0; i < fz.nbad && i < FZ_BAD_MAX; i++)
		note(out, size, &n, "; call %llu (%s) returned %d %s (value %#llx)",
		     (unsigned long long)fz.bad[i].call, fz_rows[fz.bad[i].row].name, fz.bad[i].err,
		     err_name(fz.bad[i].err), (unsigned long long)fz.bad[i].value);
	if (fz.nbad || fz.partner_bad) {
		note(out, size, &n, "; %u results and %llu of the partner's were not error codes or were wrong",
		     fz.nbad, (unsigned long long)fz.partner_bad);
		pass = false;
	}
	if (!fz.partner_met) {
		note(out, size, &n, "; the partner met no blocking call: no rendezvous ran");
		pass = false;
	}
	if (fz.seed_failed) {
		note(out, size, &n, "; the sandbox was not made whole %llu times: %s: %s",
		     (unsigned long long)fz.seed_failed, fz.seed_what, err_name(fz.seed_err));
		pass = false;
	}
	if (missing) {
		note(out, size, &n, "; %u never reached: %s", missing, miss);
		pass = false;
	}
	if (!partner.err && (partner.value & 0xFFFFFFFF) == DISP_STATE_STOPPED) {
		note(out, size, &n, "; the partner stopped with status %d", (int)(partner.value >> 32));
		pass = false;
	}
	if (fin) {
		/* Only the Export and Span capabilities can keep the sandbox from going. */
		note(out, size, &n, "; the test RAM could not be emptied: %s", err_name(fin));
		pass = pass && kernel;
	}
	if (fz.gen)
		note(out, size, &n, "; %u sandboxes abandoned to the Export and Span capabilities' marks", fz.gen);
	if (fz.reset_refused)
		note(out, size, &n, "; %llu resets refused (the last: %s)",
		     (unsigned long long)fz.reset_refused, err_name(fz.reset_err));
	return pass;
}

/* A fresh seed: RDRAND where the processor has it, else the TSC. */
static uint64_t fresh_seed(void)
{
	uint32_t a = 1, b, c = 0, d, lo, hi;
	uint64_t v;
	unsigned char ok;

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	for (unsigned i = 0; (c & (1u << 30)) && i < 16; i++) {
		__asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
		if (ok)
			return v;
	}
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32 | lo) * 0x9E3779B97F4A7C15ull;
}

/* Core 0: pings every other core until it answers (they answer once
 * their own run is over) and says which do. */
static void pings_after(unsigned ncores, unsigned calls)
{
	char line[300];
	size_t n = 0;
	unsigned silent = 0;

	for (unsigned k = 1; k < ncores; k++) {
		uint64_t cycles, deadline = sys_clock_ns() + FUZZ_PING_WAIT_NS(calls);
		err_t err = mesh_joined(k) ? ERR_TIMEOUT : ERR_NOT_FOUND;
		while (err == ERR_TIMEOUT && sys_clock_ns() < deadline)
			err = mesh_ping(k, &cycles);
		if (err) {
			note(line, sizeof(line), &n, "%s core %u: %s", silent++ ? ";" : "", k,
			     err_name(err));
		}
	}
	if (ncores < 2)
		printf("fuzz: after the runs: no other core to ping\n");
	else if (!silent)
		printf("fuzz: after the runs: every core's monitor answers core 0's (cores 1-%u)\n",
		       ncores - 1);
	else
		printf("fuzz: after the runs: %u monitors do not answer core 0's:%s\n", silent, line);
}

void fuzz_every_core(unsigned core, const struct fuzz_opts *o)
{
	unsigned ncores = kernel_cores(CPTR_INFO);
	unsigned kcore = o->kernel_core == FUZZ_LAST_CORE ? ncores - 1 : o->kernel_core;
	const char *name = o->kernel ? "syscall_fuzzer_with_the_kernel_capability" : "syscall_fuzzer";
	char out[1000];

	if (o->kernel && (kcore == 0 || kcore >= ncores)) {
		if (core == 0)
			printf("FAIL user/core0/%s: kernel=%u: the authority capabilities go to a core other than 0, whose loss is acceptable, and this boot has %u cores\n",
			       name, kcore, ncores);
		return;
	}
	if (!o->kernel || core == kcore) {
		uint64_t seed = o->seeded ? o->seed : fresh_seed();
		bool pass = false;
		if (scratch_init())
			snprintf(out, sizeof(out), "seed %#llx: no test RAM for the sandbox",
				 (unsigned long long)seed);
		else
			pass = fuzz_run(core, o->calls, seed, o->kernel, out, sizeof(out));
		/* What the Kernel calls may have changed: this core's console
		 * and doorbell go back to this monitor. */
		err_t err = o->kernel ? console_take() : OK;
		if (err)
			printf("fuzz: core %u: cannot take the console back: %s\n", core,
			       err_name(err));
		printf("%s user/core%u/%s%s%s%s\n", pass ? "PASS" : "FAIL", core, name,
		       pass ? " (" : ": ", out, pass ? ")" : "");
		/* Only now the pings that came meanwhile: the verdict goes
		 * to core 0 before the answer, on the same channel. */
		mesh_poll();
	}
	if (core == 0)
		pings_after(ncores, o->calls);
}

TEST(syscall_fuzzer_5000_random_calls)
{
	uint64_t seed = fresh_seed();
	unsigned core = sys_core_id();
	char out[1000];
	bool pass = fuzz_run(core, 5000, seed, false, out, sizeof(out));

	printf("fuzz: core %u: %s (replay: ufuzz=%#llx,calls=5000 at the same core count)\n", core,
	       out, (unsigned long long)seed);
	CHECK(pass);
}

TEST(fuzz_options_are_read_and_bad_ones_refused)
{
	struct fuzz_opts o;

	CHECK(fuzz_opts_parse("", &o) == NULL);
	CHECK(!o.seeded && o.calls == FUZZ_CALLS_DEFAULT && !o.kernel);
	CHECK(fuzz_opts_parse("0x1234abcd,calls=1000000,kernel", &o) == NULL);
	CHECK(o.seeded && o.seed == 0x1234abcd && o.calls == 1000000 && o.kernel &&
	       o.kernel_core == FUZZ_LAST_CORE);
	CHECK(fuzz_opts_parse("kernel=2,18446744073709551615", &o) == NULL);
	CHECK(o.kernel && o.kernel_core == 2 && o.seed == ~0ull);
	static const char *const bad[] = {
		"calls=0", "calls=1000000001", "calls=", "calls=12x", "kernel=0", "kernel=65",
		"0x", "0x1g", "18446744073709551616", "1,2", "seed=1", ",", "kernels", "calls=5,,",
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (fuzz_opts_parse(bad[i], &o) == NULL)
			FAIL("ufuzz=%s was taken", bad[i]);
}
