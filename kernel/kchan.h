/*
 * Boot channels: the kernel's own message channel between the bootstrap
 * core and each other core, used to run boot tests on a chosen core and to
 * hear about a core that faulted. (User-level URPC channels replace them
 * for everything else in later issues.)
 *
 * One channel is two cache lines, each written by one core and kept in
 * that core's own memory: the request line in the bootstrap core's share
 * (one page holds the lines to every core), the reply line in the other
 * core's share. So each kernel writes only its own memory, and reads the
 * other's line through its read-only view of the rest of memory
 * (kernel/memguard.c). Each writer fills its payload and writes `seq`
 * last (release); each reader reads `seq` first (acquire). After writing,
 * the sender rings the peer's doorbell (an IPI), so a waiting core halts
 * instead of spinning.
 */
#ifndef KERNEL_KCHAN_H
#define KERNEL_KCHAN_H

#include <stdint.h>
#include <kpi/errors.h>

enum kchan_op {
	KCHAN_PING = 1,		/* reply value: the core's timer ticks */
	/* Only the test kernel serves these (kernel/testhooks.h): */
	KCHAN_RUN_TEST = 2,	/* arg: index of the test in the test table */
	KCHAN_FAULT = 3,	/* arg: enum kchan_fault; never replies normally */
};

enum kchan_fault {
	FAULT_DIVIDE, FAULT_PAGE, FAULT_INVALID_OPCODE,
	FAULT_WRITE_AT,		/* write the word at request's `addr` (back to itself) */
};

#define KCHAN_MSG_MAX	96

struct kchan_req {		/* in the bootstrap core's memory, written by it only */
	volatile uint64_t seq;
	uint32_t op;
	uint32_t arg;
	uint64_t addr;		/* FAULT_WRITE_AT: a kernel virtual address */
} __attribute__((aligned(64)));

struct kchan_rep {		/* in the channel's core's memory, written by it only */
	volatile uint64_t seq;
	int32_t status;		/* err_t; ERR_CORE_HALTED after a fault */
	uint32_t flags;		/* KCHAN_REP_SKIPPED */
	uint64_t value;
	char msg[KCHAN_MSG_MAX];
} __attribute__((aligned(64)));

#define KCHAN_REP_SKIPPED	1

/* Bootstrap core: sends a request to `core` and waits for the reply. Errors:
 * ERR_INVALID_ARG (no such core), ERR_CORE_HALTED (it faulted earlier or
 * while serving this request; `out` says how), ERR_TIMEOUT. */
err_t kchan_call(unsigned core, uint32_t op, uint32_t arg, struct kchan_rep *out);
/* The same with an address argument (FAULT_WRITE_AT). */
err_t kchan_call_addr(unsigned core, uint32_t op, uint32_t arg, uint64_t addr,
		      struct kchan_rep *out);

const char *kchan_op_name(uint32_t op);
/* Bootstrap core: the physical address of its request line to `core`
 * (allocated on first use), for the core's start-up hand-off. */
uint64_t kchan_request_line(unsigned core);
/* Other cores: attaches the request line at `req_pa` and allocates this
 * core's reply line; returns the reply line's physical address. */
uint64_t kchan_create(uint64_t req_pa);
/* Other cores: serve requests forever, halting between them. */
void kchan_serve(void) __attribute__((noreturn));
/* Fault path: if a request is being served, answer it with ERR_CORE_HALTED,
 * the vector as the value, and a message naming the fault, the faulting
 * address (`addr`, for a page fault; else 0) and rip. */
void kchan_report_fault(uint64_t vector, const char *what, uint64_t addr, uint64_t rip);

#endif
