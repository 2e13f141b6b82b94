/*
 * kernel/dispatch.c and kernel/syscall.c as the invocation fuzzer builds
 * them (fuzz_invoke.h): the kernel's sched_yield is also the C library's,
 * which the sanitizers' runtime calls, so here it takes another name.
 * Nothing else changes.
 */
#define sched_yield	kernel_sched_yield
#include "kernel/dispatch.c"
#include "kernel/syscall.c"
