/*
 * How the boot-information parsers (multiboot.c, acpi.c) read physical
 * memory and report oddities. The kernel maps physical addresses through
 * its direct map; the host tests and fuzzers map them into a buffer. A
 * parser never dereferences a physical address any other way, so a bad
 * pointer inside a boot table becomes ERR_TRUNCATED, not a page fault.
 */
#ifndef LIB_BOOTIO_H
#define LIB_BOOTIO_H

#include <stddef.h>
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

/* `len` bytes at `pa` through io->map, or NULL (also when pa + len wraps). */
static inline const uint8_t *bootio_map(const struct boot_io *io, uint64_t pa, uint64_t len)
{
	if (len > UINT64_MAX - pa)
		return NULL;
	return io->map(io->ctx, pa, len);
}

static inline void bootio_warn(const struct boot_io *io, const char *msg, uint64_t value)
{
	if (io->warn)
		io->warn(io->ctx, msg, value);
}

/* Little-endian reads, byte by byte: boot tables need not be aligned. */
static inline uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t get_le64(const uint8_t *p)
{
	return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

#endif
