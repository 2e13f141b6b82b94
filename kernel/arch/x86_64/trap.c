/*
 * Traps on x86-64: each core's IDT, and what happens on each vector.
 *
 * An exception in the kernel is a bug or a test that faults on purpose.
 * Either way the policy is the multikernel's: only the faulting core stops.
 * It prints one report (core, vector, error code, faulting address,
 * registers, a backtrace with symbol names) as a single console write, tells
 * the bootstrap core through its boot channel, and halts. The other cores
 * share nothing with it, so they keep running.
 */
#include <stdbool.h>
#include <stdint.h>
#include "lib/fmt.h"
#include "lib/ksyms.h"
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/screen.h"
#include "kernel/core.h"
#include "kernel/dispatch.h"
#include "kernel/fault.h"
#include <kpi/lmp.h>
#include "kernel/kchan.h"
#include "kernel/shared.h"
#include "kernel/testhooks.h"
#include "kernel/notify.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/lapic.h"
#include "kernel/arch/x86_64/trap.h"

extern const uint64_t trap_vectors[256];
extern const struct ksym_table kernel_ksyms;


const char *trap_name(uint64_t vector)
{
	return vector_name(vector);
}

/* Fills an IDT with the entry stubs and loads it. `ist` selects the fault
 * stack for double faults and NMIs (0 = none: no TSS yet). */
static void idt_fill_and_load(struct idt_gate *idt, uint8_t ist)
{
	for (unsigned v = 0; v < 256; v++) {
		uint64_t h = trap_vectors[v];
		struct idt_gate *g = &idt[v];

		g->offset_lo = (uint16_t)h;
		g->selector = 0x08;
		g->ist = (v == 8 || v == 2) ? ist : 0;
		/* Present interrupt gates; int3 may be used from user mode
		 * (DPL 3), every other vector only by the processor. */
		g->type_attr = v == 3 ? 0xEE : 0x8E;
		g->offset_mid = (uint16_t)(h >> 16);
		g->offset_hi = (uint32_t)(h >> 32);
		g->reserved = 0;
	}
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) idtr = {
		256 * sizeof(struct idt_gate) - 1, (uint64_t)(uintptr_t)idt };
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

/* Each core's own IDT, in its struct core. Double faults and NMIs run on
 * the core's IST stack: they must work even when the kernel stack is gone. */
void trap_init_idt(struct arch_core *a)
{
	idt_fill_and_load(a->idt, 1);
}

/*
 * Boot hand-off: the IDT a core uses from its first C instruction until it
 * loads its own. Filled once by the bootstrap core before any other core
 * starts, read-only afterwards. A fault this early gets a short report from
 * trap_dispatch() instead of a silent triple fault and reset.
 */
static struct idt_gate early_idt[256] SHARED_HANDOFF;

void arch_early_traps(bool bootstrap)
{
	if (bootstrap) {
		idt_fill_and_load(early_idt, 0);
		return;
	}
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) idtr = {
		sizeof(early_idt) - 1, (uint64_t)(uintptr_t)early_idt };
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

struct report {
	char buf[2048];
	size_t n;
};

static void say(struct report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct report *r, const char *fmt, ...)
{
	va_list ap;

	if (r->n >= sizeof(r->buf))
		return;
	va_start(ap, fmt);
	int k = fmt_vsnprintf(r->buf + r->n, sizeof(r->buf) - r->n, fmt, ap);
	va_end(ap);
	r->n += (k > 0) ? (size_t)k : 0;
	if (r->n > sizeof(r->buf) - 1)
		r->n = sizeof(r->buf) - 1;
}

/* `ret` is a return address: look up ret - 1, the call instruction, so a
 * call that is the last instruction of its function (a noreturn callee)
 * still names the right function. */
static void say_symbol(struct report *r, uint64_t addr, bool ret)
{
	uint64_t off;
	const char *name = ksym_lookup(&kernel_ksyms, addr - ret, &off);

	if (name)
		say(r, "%s+0x%llx", name, (unsigned long long)(off + ret));
	else
		say(r, "?");
}

static void say_frame(struct report *r, int depth, uint64_t addr)
{
	say(r, "  #%d %016llx ", depth, (unsigned long long)addr);
	say_symbol(r, addr, depth > 0);
	say(r, "\n");
}

/* Walks the frame-pointer chain, staying inside the stack the fault came
 * from: a corrupt rbp ends the walk instead of faulting again. A fault on a
 * function's first instruction comes before it saved rbp, so its caller's
 * return address is still on top of the stack. */
static void say_backtrace(struct report *r, const struct trap_frame *f, uintptr_t lo, uintptr_t hi)
{
	uint64_t rbp = f->rbp, off;
	int depth = 0;

	say(r, "backtrace:\n");
	say_frame(r, depth++, f->rip);
	if (ksym_lookup(&kernel_ksyms, f->rip, &off) && off == 0 &&
	    f->rsp >= lo && f->rsp + 8 <= hi)
		say_frame(r, depth++, *(const uint64_t *)(uintptr_t)f->rsp);
	for (; depth < 16; depth++) {
		if (rbp < lo || rbp + 16 > hi || (rbp & 7))
			break;
		const uint64_t *fp = (const uint64_t *)(uintptr_t)rbp;
		if (fp[1] == 0)
			break;
		say_frame(r, depth, fp[1]);
		if (fp[0] <= rbp)
			break;
		rbp = fp[0];
	}
}

static void report_fault(const struct trap_frame *f)
{
	struct core *c = this_core();
	struct report r;
	uintptr_t lo, hi;

	r.n = 0;
	say(&r, "\n=== core %u: kernel fault: %s (vector %llu) ===\n", c->id,
	    trap_name(f->vector), (unsigned long long)f->vector);
	const char *test = ktest_running ? ktest_running() : NULL;

	if (test)
		say(&r, "while running test: %s\n", test);
	else if (c->serving_seq)
		say(&r, "while serving boot-channel request %s from core 0\n",
		    kchan_op_name(c->serving_op));
	say(&r, "error code: 0x%llx", (unsigned long long)f->error);
	if (f->vector == 14)
		say(&r, "   faulting address (cr2): 0x%016llx (%s, %s)", (unsigned long long)read_cr2(),
		    (f->error & 1) ? "protection violation" : "page not present",
		    (f->error & 2) ? "write" : (f->error & 16) ? "instruction fetch" : "read");
	say(&r, "\nrip %016llx <", (unsigned long long)f->rip);
	say_symbol(&r, f->rip, false);
	say(&r, ">  cs %llx  rflags %llx\n", (unsigned long long)f->cs, (unsigned long long)f->rflags);
	say(&r, "rax %016llx rbx %016llx rcx %016llx rdx %016llx\n", (unsigned long long)f->rax,
	    (unsigned long long)f->rbx, (unsigned long long)f->rcx, (unsigned long long)f->rdx);
	say(&r, "rsi %016llx rdi %016llx rbp %016llx rsp %016llx\n", (unsigned long long)f->rsi,
	    (unsigned long long)f->rdi, (unsigned long long)f->rbp, (unsigned long long)f->rsp);
	say(&r, "r8  %016llx r9  %016llx r10 %016llx r11 %016llx\n", (unsigned long long)f->r8,
	    (unsigned long long)f->r9, (unsigned long long)f->r10, (unsigned long long)f->r11);
	say(&r, "r12 %016llx r13 %016llx r14 %016llx r15 %016llx\n", (unsigned long long)f->r12,
	    (unsigned long long)f->r13, (unsigned long long)f->r14, (unsigned long long)f->r15);
	lo = c->kstack_top - KSTACK_SIZE;
	hi = c->kstack_top;
	if (f->rsp < lo || f->rsp >= hi) {	/* still on a boot stack */
		lo = f->rsp;
		hi = f->rsp + 8192;
	}
	say_backtrace(&r, f, lo, hi);
	say(&r, "core %u halted; the other cores keep running\n", c->id);
	kprintf("%s", r.buf);
}

void trap_dispatch(struct trap_frame *f)
{
	struct core *c;

	if (!arch_has_core()) {		/* before core_init: keep it minimal */
		kprintf("early kernel fault: %s (vector %llu) at rip %llx, cr2 %llx; halting\n",
			trap_name(f->vector), (unsigned long long)f->vector,
			(unsigned long long)f->rip, (unsigned long long)read_cr2());
		arch_halt_core();
	}
	c = this_core();

	switch (f->vector) {
	case VEC_TIMER:
		c->ticks++;
		lapic_timer_tick(c);	/* the next point of the grid */
		lapic_eoi();
		sched_timer();
		if (arch_frame_from_user(f))
			sched_tick(f);
		return;
	case VEC_DOORBELL:
		lapic_eoi();	/* the idle loop looks at the channels */
		return;
	case VEC_SPURIOUS:
		return;
	}
	if (f->vector >= VEC_NOTIFY_BASE && f->vector < VEC_NOTIFY_BASE + NOTIFY_SLOTS) {
		lapic_eoi();
		notify_arrived((unsigned)(f->vector - VEC_NOTIFY_BASE));
		return;
	}
	if (f->vector >= 32) {
		kprintf("core %u: unexpected interrupt vector %llu\n", c->id,
			(unsigned long long)f->vector);
		lapic_eoi();
		return;
	}
	if (f->vector == 7 && arch_frame_from_user(f) && arch_fpu_lazy() && c->current) {
		sched_fpu_trap();	/* fpu=lazy: its first x87/SSE/AVX use */
		return;
	}
	if (arch_frame_from_user(f))
		user_fault(f, read_cr2());	/* a process's fault: never the kernel's */
	console_emergency();	/* a kernel fault: straight to the UART */
	if (c->in_fault) {	/* faulted while reporting a fault */
		kprintf("core %u: nested fault %s at rip %llx; halting\n", c->id,
			trap_name(f->vector), (unsigned long long)f->rip);
		arch_halt_core();
	}
	c->in_fault = true;
	screen_reclaim();	/* after in_fault: a fault in it halts */
	report_fault(f);
	kchan_report_fault(f->vector, trap_name(f->vector), f->vector == 14 ? read_cr2() : 0,
			   f->rip);
	arch_halt_core();
}
