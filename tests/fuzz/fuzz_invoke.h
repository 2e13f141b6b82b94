/*
 * The invocation fuzzer: the kernel's system-call and invocation decoding
 * (kernel/syscall.c, invoke.c, vspace.c, dispatch.c, lmp.c, upcall.c,
 * notify.c, ioport.c, console.c, fault.c, memguard.c, core.c, pmem.c and
 * kernel/arch/x86_64/user.c), built for the host and driven by libFuzzer.
 * Its parts:
 *   fuzz_invoke.c        the driver: input -> system calls and interrupts
 *                        from whichever dispatcher runs, a rights model,
 *                        and the checks after each
 *   fuzz_invoke_arch.c   the fake machine under the kernel: simulated
 *                        physical memory whose direct map enforces
 *                        kernel/memguard.c, this_core() through GS, port
 *                        I/O, cr3 and the TLB, doorbells, the clock, and the
 *                        ways out of the kernel (arch_resume, idle, power off)
 *   fuzz_invoke_world.c  core 1 booted and its monitor built, like
 *                        kernel/core.c and kernel/boot_user.c do it
 *   fuzz_invoke_check.c  the invariants: the kernel objects, the
 *                        capability tree, page tables against capabilities
 *                        and the TLB
 *   fuzz_invoke_state.c  the run queue, dispatchers, endpoint queues and
 *                        the core, and a hash of everything a failed call
 *                        must leave alone
 *   fuzz_invoke_hooks.c  kernel/invoke.c with its lib/cap.c hooks renamed,
 *                        so that the checker sees every call of them first
 *   fuzz_invoke_lmp.c    kernel/lmp.c, and a view of its private endpoints
 *   fuzz_invoke_sched.c  kernel/dispatch.c and syscall.c, with sched_yield
 *                        renamed (the C library has one)
 *   invoke_host/         headers found before the kernel's own: the direct
 *                        map's base, and the x86 instructions as calls into
 *                        the fake machine
 * A broken invariant prints what broke and traps (a crash for libFuzzer).
 */
#ifndef TESTS_FUZZ_FUZZ_INVOKE_H
#define TESTS_FUZZ_FUZZ_INVOKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/cap.h"
#include "kernel/arch/x86_64/trap.h"

struct core;
struct dcb;

/* The checks run after every operation; coverage of the kernel is what
 * should guide the fuzzer, not the checker's own branches. */
#define CHECKER		__attribute__((no_sanitize("coverage")))

void fuzz_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));
#define FI_CHECK(cond, ...) \
	do { if (!(cond)) fuzz_fail(__FILE__, __LINE__, __VA_ARGS__); } while (0)

/* ---- The simulated machine (fuzz_invoke_arch.c) ---- */

#define KiB		1024ull
#define MiB		(1024 * KiB)
#define SIM_BYTES	(8 * MiB)	/* physical memory: [0, SIM_BYTES) */
#define SIM_CORES	4
#define ME		1u		/* the core whose kernel runs here */
/* Core 1's share: everything the kernel here may write. */
#define OWN_BASE	(2 * MiB)
#define OWN_BYTES	(2 * MiB)
#define OWN_UNITS	(OWN_BYTES / 64)
/* Fixtures in other cores' memory (fuzz_invoke_world.c). */
#define MESH_PA		(1 * MiB)		/* core 0: the channel mesh */
#define REMOTE_PDPT_PA	(1 * MiB + 512 * KiB)	/* core 0: a spanned process's PDPT */
#define BOOTIMG_PA	(512 * KiB)		/* no share: the kernel image */
#define BOOTIMG_BYTES	(8 * KiB)
#define HOLE_PA		(5 * MiB)		/* [5, 6) MiB: in no share */

static inline bool in_own(uint64_t pa, uint64_t len)
{
	return pa >= OWN_BASE && len <= OWN_BYTES && pa - OWN_BASE <= OWN_BYTES - len;
}

/* Once per process: memory, shares, protections. */
void sim_init(void);
/* Before each input: this core's share zeroed, other memory as at boot. */
void sim_reset(void);
/* Physical memory through an always-writable alias (the harness's view). */
void *sim_ptr(uint64_t pa);

/* How the kernel was left (sim_enter). */
enum left {
	LEFT_RETURNED = 1,	/* the called function returned */
	LEFT_RESUMED,		/* arch_resume: a dispatcher runs (sim.cpu) */
	LEFT_IDLE,		/* arch_wait_for_interrupt: nothing to run */
	LEFT_POWEROFF,		/* arch_poweroff */
};
/* Runs fn(arg) as kernel code; the ways out of the kernel longjmp back. */
enum left sim_enter(void (*fn)(void *), void *arg);

struct sim {
	struct trap_frame cpu;		/* the running dispatcher's registers */
	uint64_t tsc;			/* the fake time-stamp counter */
	uint64_t cr3;
	uint64_t flushes;		/* TLB flushes (cr3 writes) */
	uint32_t pending_bells;		/* doorbells rung on this core, not yet taken */
	uint64_t remote_bells;		/* doorbells rung on other cores */
	uint64_t ports;			/* port accesses */
	unsigned port_lo, port_hi;	/* what the only I/O port capability grants */
	bool verbose;			/* FUZZ_INVOKE_VERBOSE: console to stderr */
};
extern struct sim sim;

/* ---- The world (fuzz_invoke_world.c) ---- */

/* Boots core ME and its monitor, which is then running (sim.cpu). */
void world_boot(void);
/* The running core. */
struct core *world_core(void);
/* A valid export token of `kind` (TOKEN_FRAME, TOKEN_RAM) from core
 * `owner` for [base, base + size), as that core's kernel would mint it,
 * with sequence number `seq`. */
struct frame_token world_token(unsigned owner, unsigned dest, uint64_t base,
			       uint64_t size, unsigned rights, uint64_t seq, unsigned kind);
/* User addresses the world maps in the monitor's address space. */
#define UVA_CODE	0x400000ull		/* 2 pages, read and execute */
#define UVA_BUF		0x402000ull		/* 4 pages, read-write */
#define UVA_MESH	0x10000000ull		/* the mesh, read-write (core 0's) */
#define UVA_BOOTIMG	0x20000000ull		/* read-only */
#define UVA_STACK	(USER_STACK_TOP - USER_STACK_PAGES * 4096ull)

/* ---- The checker (fuzz_invoke_check.c) ---- */

/* A new world: no objects known; the next hooks are the boot's. */
void check_reset(void);
/* The boot is over: what the kernel allocated for itself (below the
 * first RAM capability) is never an object. */
void check_boot_done(uint64_t ram_base);
/* Everything, after one operation. */
void check_world(void);
/* A hash of the kernel state that a failed call must leave as it was:
 * now, and as check_world() last saw it. */
uint64_t check_hash(void);
uint64_t check_last_hash(void);
/* Is `pa` the base of a live object of `type` (for the fake cr3)? */
bool check_live(unsigned type, uint64_t pa);

/* Between the checker's two files: the live objects (base and type) and
 * the slots of the last scan (fuzz_invoke_check.c); what runs and waits
 * (fuzz_invoke_state.c). */
unsigned check_nobjs(void);
uint64_t check_obj(unsigned i, unsigned *type);
unsigned check_nslots(void);
const struct cte *check_scanned(unsigned i);
void state_reset(void);
void check_state(void);
uint64_t state_hash(void);

/* ---- kernel/lmp.c's endpoints (fuzz_invoke_lmp.c) ---- */

struct ep_view {
	struct dcb *head, *tail;
	unsigned waiting;		/* 0: empty, 1: senders, 2: receivers */
	uint32_t notify;
};
struct ep_view lmp_ep_view(uint64_t pa);

#endif
