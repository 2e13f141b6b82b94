/*
 * The kernel console. kprintf formats into a buffer on the caller's stack
 * (lib/fmt.c) and writes the finished text under one spinlock, so lines from
 * different cores never interleave. That lock is one of the few pieces of
 * writable state shared by all cores (kernel/shared.h); it goes away when
 * the console becomes a user-level service. If a core dies holding the lock,
 * the others would wedge, so waiting is bounded: after a long wait a printer
 * takes the console anyway (a garbled line beats a silent machine).
 */
#include <stdint.h>
#include "lib/fmt.h"
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/shared.h"
#include "kernel/arch/x86_64/cpu.h"

/* Shared: serialises console output between cores (see file comment). */
static volatile uint32_t console_lock SHARED_CONSOLE;

#define LOCK_SPINS	(1u << 26)

static void console_acquire(void)
{
	for (uint32_t spins = 0; spins < LOCK_SPINS; spins++) {
		if (!__atomic_exchange_n(&console_lock, 1, __ATOMIC_ACQUIRE))
			return;
		cpu_relax();
	}
	/* Holder presumed dead: take it over. */
	__atomic_store_n(&console_lock, 1, __ATOMIC_SEQ_CST);
}

static void console_release(void)
{
	__atomic_store_n(&console_lock, 0, __ATOMIC_RELEASE);
}

struct linebuf {
	char buf[512];
	unsigned n;
};

static void flush(struct linebuf *lb)
{
	for (unsigned i = 0; i < lb->n; i++) {
		if (lb->buf[i] == '\n')
			arch_console_putc('\r');
		arch_console_putc(lb->buf[i]);
	}
	lb->n = 0;
}

static void sink(void *ctx, char c)
{
	struct linebuf *lb = ctx;

	if (lb->n == sizeof(lb->buf))
		flush(lb);
	lb->buf[lb->n++] = c;
}

void kvprintf(const char *fmt, va_list ap)
{
	struct linebuf lb;
	uint64_t flags = irq_save();

	lb.n = 0;
	console_acquire();
	fmt_vformat(sink, &lb, fmt, ap);
	flush(&lb);
	console_release();
	irq_restore(flags);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}
