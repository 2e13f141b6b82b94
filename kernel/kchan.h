/*
 * Boot channels: the kernel's own message channel between the bootstrap
 * core and each other core, used to run boot tests on a chosen core and to
 * hear about a core that faulted. (User-level URPC channels replace them
 * for everything else in later issues.)
 *
 * One channel is one page owned by the other core: a request line written
 * only by the bootstrap core and a reply written only by the other core.
 * Each writer fills its payload and writes `seq` last (release); each
 * reader reads `seq` first (acquire). After writing, the sender rings the
 * peer's doorbell (an IPI), so a waiting core halts instead of spinning.
 */
#ifndef KERNEL_KCHAN_H
#define KERNEL_KCHAN_H

#include <stdint.h>
#include <kpi/errors.h>

enum kchan_op {
	KCHAN_PING = 1,		/* reply value: the core's timer ticks */
	KCHAN_RUN_TEST = 2,	/* arg: index of the test in the test table */
	KCHAN_FAULT = 3,	/* arg: enum kchan_fault; never replies normally */
};

enum kchan_fault { FAULT_DIVIDE, FAULT_PAGE, FAULT_INVALID_OPCODE };

#define KCHAN_MSG_MAX	96

struct kchan_req {		/* written by the bootstrap core only */
	volatile uint64_t seq;
	uint32_t op;
	uint32_t arg;
} __attribute__((aligned(64)));

struct kchan_rep {		/* written by the channel's core only */
	volatile uint64_t seq;
	int32_t status;		/* err_t; ERR_CORE_HALTED after a fault */
	uint32_t flags;		/* KCHAN_REP_SKIPPED */
	uint64_t value;
	char msg[KCHAN_MSG_MAX];
} __attribute__((aligned(64)));

#define KCHAN_REP_SKIPPED	1

struct kchan {
	struct kchan_req req;
	struct kchan_rep rep;
};

/* Bootstrap core: sends a request to `core` and waits for the reply. Errors:
 * ERR_INVALID_ARG (no such core), ERR_CORE_HALTED (it faulted earlier or
 * while serving this request; `out` says how), ERR_TIMEOUT. */
err_t kchan_call(unsigned core, uint32_t op, uint32_t arg, struct kchan_rep *out);

const char *kchan_op_name(uint32_t op);
/* Other cores: allocates this core's channel; returns its physical address. */
uint64_t kchan_create(void);
/* Other cores: serve requests forever, halting between them. */
void kchan_serve(void) __attribute__((noreturn));
/* Fault path: if a request is being served, answer it with ERR_CORE_HALTED. */
void kchan_report_fault(uint64_t vector, const char *what, uint64_t rip);

#endif
