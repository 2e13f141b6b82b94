/*
 * The allow-list of writable kernel data that more than one core touches.
 *
 * The multikernel rule: after boot, no CPU driver writes memory that another
 * CPU driver reads; every mutable thing lives in a core's own struct core,
 * allocated from that core's memory. tools/check-shared.py fails the build
 * on any writable global or static that is not marked with one of these,
 * and keeps the list short. Each use must say why in a comment.
 *
 * SHARED_HANDOFF	written by the bootstrap core before the other cores
 *			start, read-only afterwards (boot page tables, the
 *			core table, calibration results). Read-only is
 *			enforced: every core maps these pages read-only once
 *			it has booted (kernel/memguard.h), so a late write
 *			faults.
 * SHARED_CONSOLE	the serial console lock: kernel printing from several
 *			cores must not interleave lines. It serves only until
 *			each core's monitor takes its console over (the
 *			console is then a user-level service, kernel/console.c)
 *			and on the panic path.
 * SHARED_PANIC		the panic path: a failing kernel must be able to say so.
 */
#ifndef KERNEL_SHARED_H
#define KERNEL_SHARED_H

#define SHARED_HANDOFF	__attribute__((section(".shared.handoff")))
#define SHARED_CONSOLE	__attribute__((section(".shared.console")))
#define SHARED_PANIC	__attribute__((section(".shared.panic")))

#endif
