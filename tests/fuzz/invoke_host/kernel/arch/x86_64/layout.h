/*
 * The invocation fuzzer's host build (tests/fuzz/fuzz_invoke.h) finds this
 * file before the kernel's: the kernel's layout, except that the direct map
 * starts where the fuzzer mapped its simulated physical memory in this
 * process, with protections that kernel/memguard.c decides, as the real
 * page tables do (tests/fuzz/fuzz_invoke_arch.c).
 */
#include_next "kernel/arch/x86_64/layout.h"

#ifndef FUZZ_INVOKE_HOST_LAYOUT_H
#define FUZZ_INVOKE_HOST_LAYOUT_H

#include <stdint.h>

extern uintptr_t fuzz_physmap;
#undef PHYSMAP_BASE
#define PHYSMAP_BASE	fuzz_physmap

#endif
