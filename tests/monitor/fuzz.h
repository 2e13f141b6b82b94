/*
 * The system-call fuzzer (docs/testing.md, "The system-call fuzzer").
 *
 *   fuzz.c     the calls: a generator of random calls aimed at a sandbox of
 *              capabilities of every type, and the fuzzing dispatcher's loop
 *   fuzzbox.c  the sandbox: making it, and destroying it again
 *   fuzzcov.c  the table of every method and system call, what each argument
 *              means, and the coverage: which were reached on their own type,
 *              which returned OK, and whether the boot could reach them
 *   fuzzrun.c  running it: the fuzzer's partner, which meets its blocking
 *              messages, the watchdog that releases a fuzzer blocked for
 *              good, the verdict, every core's run (`ufuzz`), the pings
 *              afterwards and the user-space tests
 *
 * The fuzzer and its partner are dispatchers of their own in the monitor's
 * address space (this code, its data, stacks below), whose CSpace holds only
 * the sandbox and their fixture: no random number can name one of the
 * monitor's capabilities. Everything they share with the monitor is in
 * `fz`; nothing of theirs is in their registers only, so the monitor can
 * destroy a blocked fuzzer and start a new one that carries on.
 */
#ifndef USR_MONITOR_FUZZ_H
#define USR_MONITOR_FUZZ_H

#include <stdbool.h>
#include <stdint.h>
#include <kpi/caps.h>
#include <kpi/errors.h>
#include "tests/monitor/mtest.h"

/* `ufuzz[=OPTS]` on the command line (main.c parses it). */
struct fuzz_opts {
	uint64_t seed;
	bool seeded;		/* a seed was given; else each run draws its own */
	unsigned calls;		/* system calls per core */
	bool kernel;		/* one core's fuzzer also gets the authority capabilities */
	unsigned kernel_core;	/* which core: FUZZ_LAST_CORE for the last one */
};
#define FUZZ_CALLS_DEFAULT	5000
#define FUZZ_CALLS_MAX		1000000000u
#define FUZZ_LAST_CORE		(~0u)

/* Fills *o from OPTS ("" for the defaults): a comma-separated list of a
 * seed (decimal or 0x hex), calls=N and kernel or kernel=CORE. NULL, or
 * why OPTS is refused. */
const char *fuzz_opts_parse(const char *value, struct fuzz_opts *o);
/* `ufuzz`: this core's run and verdict line (core 0: then the pings). */
void fuzz_every_core(unsigned core, const struct fuzz_opts *o);

/* ---- Between the fuzzer's files ---- */

/* The fuzzer's own CSpace. Level 1: its task CNode and the sandbox. */
#define SANDBOX_L1	3
#define SANDBOX(i)	CADDR(SANDBOX_L1, (i))
#define SANDBOX_SLOTS	256
#define SANDBOX_SEEDED	22	/* the slots each reset fills (fuzz.c) */
/* Its task CNode: the CNodes themselves (CPTR_ROOTCN, CPTR_TASKCN) and the
 * fixture, which no random call names: the test RAM, the sandbox CNode's
 * first capability, and the capabilities that are not made from RAM, from
 * which every reset copies (a Notify to this core, one to the next core,
 * COM1's ports on core 0, the authority capabilities in the `kernel` run). */
#define FZT_TESTRAM	T_TESTRAM
#define FZT_SANDBOX	MON_TEST_SLOT(16)
#define FZT_NOTIFY	MON_TEST_SLOT(17)
#define FZT_NOTIFY2	MON_TEST_SLOT(18)
#define FZT_IOPORT	MON_TEST_SLOT(19)
#define FZT_AUTH(i)	MON_TEST_SLOT(20 + (i))	/* i < AUTH_COUNT */
#define FZT_GEN		MON_TEST_SLOT(26)	/* this sandbox's part of the test RAM */

/* Where each kind of argument comes from (fuzz.c makes them). */
enum fz_arg {
	A_0,		/* 0, or a number that is no writable pointer */
	A_SLOT,		/* a slot of the CNode invoked */
	A_CAP,		/* a capability address */
	A_C_RAM,	/* ... mostly of a capability of that type */
	A_C_CNODE,
	A_C_EP,
	A_C_FRAME,
	A_C_PML4,
	A_C_PTABLE,
	A_C_BELOW,	/* ... of the level below the table invoked */
	A_RIGHTS,
	A_WORD,		/* a badge, a message word: anything */
	A_TYPE,		/* type | count << 16 */
	A_OFFSET,	/* into RAM */
	A_OBJSIZE,
	A_ENTRY,	/* a page-table entry */
	A_OUT,		/* a buffer the kernel writes */
	A_IN,		/* a buffer the kernel reads */
	A_NAME,		/* a name the kernel reads */
	A_LEN,		/* a length */
	A_VA,		/* a user address to start at */
	A_CORE,
	A_BELL,		/* a doorbell */
	A_PORT,
	A_WIDTH,
	A_VALUE,	/* for a port */
	A_BOOL,
	A_NS,		/* a time (SYS_SLEEP_UNTIL) */
	A_FLAGS,	/* DISP_SET_EXC_EP */
};

/* One method of one type, or one system call: a row of the coverage. */
struct fz_row {
	const char *name;
	uint8_t type;		/* the type it is reached on; CAP_NULL: none needed */
	uint8_t sys;		/* the system call: SYS_INVOKE for a method */
	uint16_t method;
	uint8_t flags;		/* R_* */
	uint8_t arg[5];		/* enum fz_arg */
};
#define R_BLOCK		0x1	/* an LMP call that may wait (no LMP_NONBLOCK) */
#define R_ENDS_BOOT	0x2	/* never on its own type: POWER_OFF, POWER_TEST_EXIT */
#define R_NOT_MADE	0x4	/* no capability of its type can be made */
#define R_SYSCALL	0x8	/* a system call, not a method */

#define FZ_ROWS_MAX	96
extern const struct fz_row fz_rows[];
extern const unsigned fz_nrows;

struct fz_count {
	uint64_t calls;		/* on its own type (a system call: made) */
	uint64_t ok;		/* ... that returned OK */
	uint64_t other;		/* on another type, or on no capability */
	uint64_t released;	/* blocked until the watchdog ended the fuzzer */
};

#define FZ_BAD_MAX	5

/* What the fuzzer, its partner and the monitor share. */
struct fz_state {
	/* Set by the monitor before the run. */
	unsigned core, ncores, calls;
	bool kernel, ioport;
	/* The fuzzer's. */
	uint64_t rng;		/* xorshift64 state: never 0 */
	uint64_t made;		/* system calls made (before each one) */
	uint64_t next_reset;	/* when the sandbox is made again */
	uint64_t ok;
	uint64_t resets, reset_refused, seed_failed;
	unsigned gen;		/* generations of the test RAM abandoned */
	err_t seed_err, reset_err;
	const char *seed_what;
	bool sleeping;		/* in SYS_SLEEP_UNTIL, soon over */
	bool finished;		/* its last call made, the sandbox emptied */
	int exit_status;	/* what it passed to SYS_EXIT (a random call) */
	bool exiting;
	bool owes_reply;	/* it received a call and has not answered */
	unsigned cur_row;	/* the row of the call in flight */
	uint64_t last_clock;
	unsigned nbad;
	struct { uint64_t call; unsigned row; err_t err; uint64_t value; } bad[FZ_BAD_MAX];
	/* The partner's. */
	uint64_t partner_met, partner_bad;
	/* The monitor's. */
	uint64_t restarts;
	/* A blocking message the fuzzer is about to make, for its partner:
	 * posted counts them; done is posted once the call has returned. */
	volatile uint64_t posted, done;
	volatile unsigned rv_nr;
	volatile capaddr_t rv_ep;
	volatile uint64_t rv_word;
	struct fz_count count[FZ_ROWS_MAX];
};
extern struct fz_state fz;

/* fuzz.c */
void fz_rng_init(uint64_t seed, unsigned core);
void fuzz_entry(void) __attribute__((noreturn));	/* the fuzzer */
/* fuzzbox.c: the slot of a seeded object of `type` (0 if none; v picks
 * one of two); destroying the sandbox (OK when it worked); making it
 * again after that. */
unsigned fz_seeded(unsigned type, uint64_t v);
err_t fz_sandbox_clear(void);
void fz_sandbox_reset(void);
/* fuzzcov.c */
unsigned fz_row_of(unsigned type, unsigned sys, unsigned method, unsigned flags);
bool fz_row_reachable(const struct fz_row *r, const char **why);
void fz_bad(unsigned row, err_t err, uint64_t value);
/* Prints the coverage lines; how many reachable rows were never reached,
 * their names in miss[0..size). */
unsigned fz_coverage(unsigned core, char *miss, unsigned size, unsigned *reached,
		     unsigned *reachable, unsigned *with_ok);

#endif
