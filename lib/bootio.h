/*
 * How the boot-information parsers (multiboot.c, acpi.c) read physical
 * memory and report oddities. The kernel maps physical addresses through
 * its direct map; the host tests and fuzzers map them into a buffer. A
 * parser never dereferences a physical address any other way, so a bad
 * pointer inside a boot table becomes ERR_TRUNCATED, not a page fault.
 */
#ifndef LIB_BOOTIO_H
#define LIB_BOOTIO_H

#include <stdint.h>

struct boot_io {
	/* A pointer to `len` readable bytes at physical address `pa`, or NULL
	 * if any byte of that range is not backed. */
	const void *(*map)(void *ctx, uint64_t pa, uint64_t len);
	/* Reports something odd that the parser worked around (may be NULL).
	 * `msg` is a constant string; `value` is the offending number. */
	void (*warn)(void *ctx, const char *msg, uint64_t value);
	void *ctx;
};

#endif
