/*
 * The multikernel invariant, in hardware: what a CPU driver may write.
 *
 * Every core's kernel page tables map all physical memory (the direct
 * map), so that a kernel can read what the boot loader, the firmware and
 * the other cores' channel lines hold. But they map writable only what
 * this core owns: its share of memory (its struct core, stacks, page
 * tables, boot channel lines, and every kernel object its processes made
 * from their RAM). Everything else, the other cores' shares, the kernel
 * image, the firmware's tables, is read-only, so a stray write into
 * another core's kernel faults on the core that made it instead of
 * corrupting the other (docs/boot.md, "The multikernel invariant").
 *
 * Two exceptions, both for starting cores: the pages that the start-up
 * sequence uses below 1 MiB (the trampoline and its hand-off block) are
 * writable for the core that starts other cores (the bootstrap core) and,
 * until it has checked in, for the core being started. Memory of another
 * core that a process maps by capability (a channel, a granted frame) is
 * written by the kernel only through that process's own page tables
 * (kernel/vspace.c, user_copy), never through the direct map.
 *
 * In the kernel image, the boot hand-off (machine, the boot page tables)
 * is written only by the bootstrap core before it starts the others, and
 * read-only for every core once booted; the console lock and the panic
 * path stay writable (kernel/shared.h); text and read-only data are the
 * architecture's business (kernel/arch/x86_64/paging.c).
 */
#ifndef KERNEL_MEMGUARD_H
#define KERNEL_MEMGUARD_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/memshare.h"

struct core;

/* At most this many writable ranges: a share's, and the start-up pages. */
#define MEMGUARD_MAX_RANGES	(SHARE_MAX_RANGES + 1)

/*
 * The physical ranges that core c's direct map maps writable: before it
 * has booted (`booted` false) and after. Returns how many were written to
 * out[] (sorted, disjoint, page-aligned).
 */
unsigned memguard_writable(const struct core *c, bool booted, struct mem_range *out);

/* May core c write the boot hand-off (kernel/shared.h, SHARED_HANDOFF)?
 * Only the bootstrap core, until it has started the others. */
bool memguard_handoff_writable(const struct core *c, bool booted);

/* Does [pa, pa + len) lie in memory this core owns (its share)? */
bool memguard_owns(const struct core *c, uint64_t pa, uint64_t len);

#endif
