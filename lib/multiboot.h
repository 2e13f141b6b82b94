/*
 * Multiboot (version 1) boot information, parsed into a self-contained
 * struct mb_info: nothing in it points back into the boot loader's memory,
 * so that memory can be reused once the parse is done.
 */
#ifndef LIB_MULTIBOOT_H
#define LIB_MULTIBOOT_H

#include <stdbool.h>
#include <stdint.h>
#include <kpi/errors.h>
#include "lib/bootio.h"
#include "lib/memmap.h"

#define MULTIBOOT_BOOTLOADER_MAGIC	0x2BADB002u
#define MB_CMDLINE_MAX			256
#define MB_BOOT_RANGES_MAX		8

/* Bits of the `flags` word of the multiboot information structure. */
#define MB_INFO_MEMORY		(1u << 0)	/* mem_lower, mem_upper valid */
#define MB_INFO_CMDLINE		(1u << 2)
#define MB_INFO_MODS		(1u << 3)
#define MB_INFO_MEM_MAP		(1u << 6)

struct mb_info {
	uint32_t flags;			/* as the boot loader set them */
	struct memmap map;		/* the raw map, kinds as enum mem_kind */
	bool map_from_mmap;		/* false: made from mem_lower/mem_upper */
	char cmdline[MB_CMDLINE_MAX];	/* "" if none; NUL-terminated */
	/* Longer than MB_CMDLINE_MAX-1: refused whole, cmdline is "" (a cut
	 * one would say something else, a cut init= spec start something
	 * else). */
	bool cmdline_too_long;
	/* Physical ranges holding boot information (the info structure, the
	 * command line, the memory map, module list and modules): the kernel
	 * must not hand them out while it still reads them. */
	unsigned nboot_ranges;
	struct mem_range boot_ranges[MB_BOOT_RANGES_MAX];
};

/*
 * Parses the structure at physical address `mbi_pa`, reading memory only
 * through `io`. Errors: ERR_BAD_SIGNATURE if `magic` is not the multiboot
 * boot loader magic; ERR_TRUNCATED if the info structure cannot be read;
 * ERR_NOT_FOUND if there is neither a memory map (flag 6) nor
 * mem_lower/mem_upper (flag 0). Oddities that can be worked around are
 * reported through io->warn and parsing goes on: a map entry whose `size`
 * field is below 20 or runs past mmap_length ends the map at that entry;
 * zero-length entries are skipped; unknown types become MEM_RESERVED; a map
 * with no usable entry falls back to mem_lower/mem_upper if flag 0 is set.
 */
err_t mb_parse(uint32_t magic, uint64_t mbi_pa, const struct boot_io *io,
	       struct mb_info *out);

#endif
