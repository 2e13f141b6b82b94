/*
 * The kernel console. A core prints in one of two ways.
 *
 * Directly, while it boots and until its monitor takes the console over:
 * kprintf formats into a buffer on the caller's stack (lib/fmt.c) and
 * writes the finished text to the UART under one spinlock, so lines from
 * different cores never interleave. That lock is one of the few pieces
 * of writable state shared by all cores (kernel/shared.h). If a core dies
 * holding it, the others would wedge, so waiting is bounded: after a long
 * wait a printer takes the console anyway (a garbled line beats a silent
 * machine).
 *
 * Through its monitor, once the monitor has taken the console over
 * (CONSOLE_TAKE): the console is then a user-level service on
 * core 0 (usr/monitor/console.c, docs/console.md), and everything this
 * core prints, the kernel's messages and its processes' writes
 * (SYS_DEBUG_PRINT), goes into the core's console log (struct core)
 * instead of the UART. A doorbell tells the monitor when the log stops
 * being empty; the monitor reads it (CONSOLE_READ) and sends it
 * on. A write goes in whole or not at all: a process's write that does
 * not fit is refused with ERR_WOULD_BLOCK (the C library lets the monitor
 * run and tries again), a kernel message that does not fit is dropped and
 * counted, and the count is written to the log when there is room again.
 * When a writer leaves a line unfinished (a prompt) and another writes,
 * the log gets a newline first, so that no line holds two writers' bytes
 * (the console service does the same between cores). Nothing is cut
 * silently, and no core writes another core's memory.
 *
 * The panic path (console_emergency) goes back to writing directly, for
 * good: a dying kernel must not depend on user space to be heard. It
 * first writes out what its monitor had not yet read.
 */
#include <stdint.h>
#include "lib/fmt.h"
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/core.h"
#include "kernel/shared.h"
#include "kernel/arch/x86_64/cpu.h"

/* Shared: serialises direct console output between cores (see above). */
static volatile uint32_t console_lock SHARED_CONSOLE;

#define LOCK_SPINS	(1u << 26)

void console_acquire(void)
{
	for (uint32_t spins = 0; spins < LOCK_SPINS; spins++) {
		if (!__atomic_exchange_n(&console_lock, 1, __ATOMIC_ACQUIRE))
			return;
		cpu_relax();
	}
	/* Holder presumed dead: take it over. */
	__atomic_store_n(&console_lock, 1, __ATOMIC_SEQ_CST);
}

void console_release(void)
{
	__atomic_store_n(&console_lock, 0, __ATOMIC_RELEASE);
}

static void uart_put(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			arch_console_putc('\r');
		arch_console_putc(s[i]);
	}
}

/* This core, if its monitor has taken the console over; else NULL. */
static struct core *logging_core(void)
{
	if (!arch_has_core())
		return NULL;
	struct core *c = this_core();
	return c->console.taken ? c : NULL;
}

static uint64_t log_room(const struct core *c)
{
	return CONSOLE_LOG_BYTES - (c->console.tail - c->console.head);
}

/* Appends s (room for n + 1 bytes checked by the caller: a newline may
 * go first) as written by `who`. */
static void log_put(struct core *c, const void *who, const char *s, size_t n)
{
	bool was_empty = c->console.head == c->console.tail;

	if (!n)
		return;
	if (c->console.mid_line && c->console.writer != who)
		c->console.log[c->console.tail++ % CONSOLE_LOG_BYTES] = '\n';
	for (size_t i = 0; i < n; i++)
		c->console.log[c->console.tail++ % CONSOLE_LOG_BYTES] = s[i];
	c->console.writer = who;
	c->console.mid_line = s[n - 1] != '\n';
	/* A doorbell to this very core: the interrupt arrives once the kernel
	 * is back at a point where it takes interrupts, so the monitor is
	 * notified from a clean state whatever the kernel was doing here. */
	if (was_empty)
		arch_notify(c->id, c->console.bell);
}

/* A kernel message into the log: whole, or dropped and counted. */
static void log_kernel(struct core *c, const char *s, size_t n)
{
	if (c->console.lost) {
		char note[96];
		int k = fmt_snprintf(note, sizeof(note),
				     "[core %u: %llu bytes of kernel messages lost: the console log was full]\n",
				     c->id, (unsigned long long)c->console.lost);
		if (log_room(c) < (uint64_t)k + n + 2) {
			c->console.lost += n;
			return;
		}
		log_put(c, NULL, note, (size_t)k);
		c->console.lost = 0;
	}
	if (log_room(c) < n + 1) {
		c->console.lost += n;
		return;
	}
	log_put(c, NULL, s, n);
}

struct linebuf {
	char buf[512];
	unsigned n;
	struct core *log;	/* the core whose log gets it; NULL: the UART */
};

static void flush(struct linebuf *lb)
{
	if (lb->log)
		log_kernel(lb->log, lb->buf, lb->n);
	else
		uart_put(lb->buf, lb->n);
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
	lb.log = logging_core();
	if (!lb.log)
		console_acquire();
	fmt_vformat(sink, &lb, fmt, ap);
	flush(&lb);
	if (!lb.log)
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

err_t console_write(const char *s, size_t n)
{
	uint64_t flags = irq_save();
	struct core *c = logging_core();
	err_t err = OK;

	if (!c) {
		console_acquire();
		uart_put(s, n);
		console_release();
	} else if (n + 1 > log_room(c)) {
		err = ERR_WOULD_BLOCK;
	} else {
		log_put(c, c->current, s, n);
	}
	irq_restore(flags);
	return err;
}

err_t console_take(uint64_t bell)
{
	if (bell >= NOTIFY_SLOTS)
		return ERR_INVALID_ARG;
	struct core *c = this_core();
	c->console.bell = (unsigned)bell;
	c->console.taken = true;
	return OK;
}

size_t console_peek(char *buf, size_t size)
{
	struct core *c = this_core();
	size_t n = 0;

	for (uint64_t i = c->console.head; n < size && i != c->console.tail; i++)
		buf[n++] = c->console.log[i % CONSOLE_LOG_BYTES];
	return n;
}

void console_drop(size_t n)
{
	struct core *c = this_core();

	c->console.head += n;
}

void console_emergency(void)
{
	if (!arch_has_core())
		return;
	struct core *c = this_core();
	if (!c->console.taken)
		return;
	c->console.taken = false;
	console_acquire();
	while (c->console.head != c->console.tail) {
		char ch = c->console.log[c->console.head++ % CONSOLE_LOG_BYTES];
		uart_put(&ch, 1);
	}
	console_release();
}
