/*
 * kernel/invoke.c as the invocation fuzzer builds it (fuzz_invoke.h): its
 * lib/cap.c hooks take other names, and the checker's hooks
 * (fuzz_invoke_check.c), which lib/cap.c calls, look at every created and
 * deleted capability first and then call these. Nothing else changes.
 */
#define cap_hook_delete		kernel_cap_hook_delete
#define cap_hook_created	kernel_cap_hook_created
#include "kernel/invoke.c"
