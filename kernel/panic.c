/*
 * panic(): a kernel bug on this core. Print the reason and halt this core
 * only; the other cores run on (they share nothing with it). If the core was
 * answering a boot-channel request, the bootstrap core hears about it.
 */
#include <stdarg.h>
#include "lib/fmt.h"
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/kchan.h"
#include "kernel/screen.h"

void panic(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	console_emergency();
	screen_reclaim();
	kprintf("panic: %s\n", msg);
	kchan_report_fault(255, "panic", 0, 0);
	arch_halt_core();
}
