/*
 * Kernel console: formatted printing, to the serial port directly or,
 * once this core's monitor has taken the console over, into the core's
 * console log for the monitor to forward (kernel/console.c). Either way
 * one kprintf is written whole, so lines from different cores never
 * interleave. Every line a core prints starts with nothing added: callers
 * prefix "core N:" where it matters.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <kpi/errors.h>

void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap);
/* Prints and halts this core; the other cores keep running. */
void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* A process's write (SYS_DEBUG_PRINT): whole, or ERR_WOULD_BLOCK when
 * the log has no room for it now. */
err_t console_write(const char *s, size_t n);
/* CONSOLE_TAKE: from now on this core prints into its log and
 * rings its own doorbell `bell` when the log stops being empty. */
err_t console_take(uint64_t bell);
/* CONSOLE_READ: copies up to size bytes from the front of this
 * core's log (returns how many), then removes n of them. */
size_t console_peek(char *buf, size_t size);
void console_drop(size_t n);
/* The panic path: back to the UART for good, after what is in the log. */
void console_emergency(void);

/* The lock of direct console output, for the screen's state beside it
 * (kernel/screen.c); waiting is bounded (console.c says why). */
void console_acquire(void);
void console_release(void);

#endif
