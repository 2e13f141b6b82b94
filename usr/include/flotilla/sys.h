/*
 * System calls from user space: the raw `syscall` instruction, with the
 * register convention of include/kpi/syscalls.h.
 */
#ifndef FLOTILLA_SYS_H
#define FLOTILLA_SYS_H

#include <stddef.h>
#include <stdint.h>
#include <kpi/caps.h>
#include <kpi/errors.h>
#include <kpi/syscalls.h>

struct sys_ret {
	err_t err;
	uint64_t value;
};

static inline struct sys_ret syscall6(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
				      uint64_t a3, uint64_t a4, uint64_t a5)
{
	register uint64_t r10 __asm__("r10") = a3;
	register uint64_t r8 __asm__("r8") = a4;
	register uint64_t r9 __asm__("r9") = a5;
	uint64_t rax = nr, rdx = a2;

	__asm__ volatile("syscall"
			 : "+a"(rax), "+d"(rdx), "+r"(r10), "+r"(r8), "+r"(r9)
			 : "D"(a0), "S"(a1)
			 : "rcx", "r11", "memory");
	return (struct sys_ret){ (err_t)rax, rdx };
}

/* Invokes `method` on the capability at `cap` with arguments a0..a4. */
static inline struct sys_ret sys_invoke(capaddr_t cap, unsigned method, uint64_t a0, uint64_t a1,
					uint64_t a2, uint64_t a3, uint64_t a4)
{
	return syscall6(SYS_INVOKE, (uint64_t)cap | ((uint64_t)method << 32), a0, a1, a2, a3, a4);
}

static inline void sys_yield(void)
{
	syscall6(SYS_YIELD, 0, 0, 0, 0, 0, 0);
}

static inline err_t sys_debug_print(const char *s, size_t len)
{
	return syscall6(SYS_DEBUG_PRINT, (uint64_t)(uintptr_t)s, len, 0, 0, 0, 0).err;
}

static inline unsigned sys_core_id(void)
{
	return (unsigned)syscall6(SYS_CORE_ID, 0, 0, 0, 0, 0, 0).value;
}

/* Nanoseconds since boot. */
static inline uint64_t sys_clock_ns(void)
{
	return syscall6(SYS_CLOCK, 0, 0, 0, 0, 0, 0).value;
}

/* Blocks this dispatcher until sys_clock_ns() reaches `ns`. */
static inline void sys_sleep_until(uint64_t ns)
{
	syscall6(SYS_SLEEP_UNTIL, ns, 0, 0, 0, 0, 0);
}

__attribute__((noreturn)) static inline void sys_exit(int status)
{
	syscall6(SYS_EXIT, (uint64_t)(int64_t)status, 0, 0, 0, 0, 0);
	__builtin_unreachable();
}

#endif
