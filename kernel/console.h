/*
 * Kernel console: formatted printing to the serial port. Output is
 * line-buffered per core and a whole line is written under the console lock,
 * so lines from different cores never interleave. Every line a core prints
 * starts with nothing added: callers prefix "core N:" where it matters.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stdarg.h>

void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap);
/* Prints and halts this core; the other cores keep running. */
void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
