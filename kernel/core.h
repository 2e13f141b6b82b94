/*
 * struct core: everything one CPU driver owns. Each core allocates its own
 * struct core from its own share of physical memory at start-up and points
 * its GS base at it; this_core() finds it again. Every field is core-local:
 * only the owning core reads or writes it, except where a field's comment
 * names another reader. Cores learn about each other only through the
 * read-only machine description (machine.h) and messages (kchan.h).
 */
#ifndef KERNEL_CORE_H
#define KERNEL_CORE_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/config.h"
#include "kernel/pmem.h"
#include "lib/cap.h"
#include "lib/test.h"
#include <kpi/caps.h>
#include "kernel/arch/x86_64/arch_core.h"

struct kchan_req;
struct kchan_rep;
struct dcb;
struct trace_ring;

struct core {
	struct core *self;		/* at offset 0: this_core() reads %gs:0 */
	uint64_t user_rsp;		/* GS_USER_RSP: syscall entry's scratch */
	uintptr_t kstack_top;		/* GS_KSTACK_TOP: where entries from user start */
	unsigned id;			/* index into machine.cores[]; 0 = bootstrap core */
	uint32_t apic_id;
	uint32_t node;			/* NUMA node of this core and its memory */

	struct pmem pmem;		/* this core's frame allocator over its share */
	uint64_t pml4_pa;		/* this core's kernel page tables */
	/* User address spaces this core's monitor marked as running on other
	 * cores too (kernel/vspace.c, SPAN_VROOT): their PML4s; 0 is free. */
	uint64_t spanned[SPANNED_MAX];
	uintptr_t ist_top;		/* double-fault / NMI stack */

	volatile uint64_t ticks;	/* timer interrupts taken on this core */
	uint64_t tick;			/* the point of the tick grid the last was for */
	uint64_t start_tsc;		/* when this core entered C */

	/* Boot channels (kernel/kchan.h). An AP: the bootstrap core's request
	 * line to it (read-only here), its own reply line, and the last request
	 * it served. The bootstrap core: its page of request lines, one per
	 * core, and each AP's reply line (read-only; NULL where none). */
	const struct kchan_req *from_bsp;
	struct kchan_rep *to_bsp;
	uint64_t served;
	struct kchan_req *kreq;
	const struct kchan_rep *chan[MAX_CORES];
	bool core_halted[MAX_CORES];	/* bootstrap core's view: reported a fault */

	/* The test kernel's state on this core (tests/boot/ktest.c: the test
	 * it runs, its verdict so far); NULL in the production kernel. */
	struct ktest_core *ktest;
	uint64_t serving_seq;		/* request being served on to_bsp; 0 = none */
	uint32_t serving_op;		/* its enum kchan_op */
	bool in_fault;			/* reporting a fault: a second one just halts */

	/* Dispatchers (kernel/dispatch.c). The run queue is FIFO; `current`
	 * is the dispatcher whose registers are live (NULL when idle). */
	struct dcb *current;
	struct dcb *runq_head, *runq_tail;
	struct dcb *reap;		/* destroyed, internal slots not yet emptied */
	struct dcb *sleepers;		/* blocked in SYS_SLEEP_UNTIL, unordered */
	unsigned slice_left;		/* timer ticks left in current's slice */
	bool gang_window;		/* a gang window is open (dispatch.c) */
	uint64_t gang_round;		/* the last window's number: tick / GANG_ROUND_TICKS */
	uint64_t gang_opened;		/* 1 + the last window sched_tick opened */
	uint64_t switches;		/* dispatcher switches on this core */
	struct dcb *fpu_owner;		/* whose x87/SSE/AVX registers are loaded */

	/* The console (kernel/console.c): once this core's monitor has taken
	 * it over (`taken`), what the core prints waits in log[] for the
	 * monitor, which is told by a doorbell (`bell`) when the log stops
	 * being empty. A ring: bytes log_head .. log_tail - 1, mod its size. */
	struct {
		bool taken;
		unsigned bell;
		uint64_t head, tail;
		uint64_t lost;		/* kernel bytes dropped since the last report */
		const void *writer;	/* who wrote last: a dcb, NULL for the kernel */
		bool mid_line;		/* ... and did not end its line */
		char log[CONSOLE_LOG_BYTES];
	} console;

	/* Export tokens (lib/token.h): the sequence number of the last token
	 * minted for each core, and of the last one taken from each core. */
	uint64_t export_seq[MAX_CORES];
	uint64_t import_seen[MAX_CORES];

	/* The event trace (kernel/trace.h): this core's ring, NULL without
	 * one, and its physical address for the monitor's frame. LMP
	 * messages are numbered here so that a send and its receive match. */
	struct trace_ring *trace;
	uint64_t trace_pa, trace_bytes;
	uint64_t lmp_flows;

	/* Doorbells (kernel/notify.c): the endpoint each one notifies. */
	struct cte notify_ep[NOTIFY_SLOTS];
	uint64_t notifies;		/* doorbell rings taken on this core */
	struct arch_core arch;
};

static inline struct core *this_core(void)
{
	struct core *c;
	__asm__("mov %%gs:0, %0" : "=r"(c));
	return c;
}

/* Allocates and fills this core's struct core from its share; sets GS. */
struct core *core_init(unsigned id);

#endif
