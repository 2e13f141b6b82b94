/*
 * Multiboot (version 1, lib/multiboot.c) and Multiboot2 (lib/multiboot2.c)
 * boot information, parsed into one self-contained struct mb_info: nothing
 * in it points back into the boot loader's memory except the RSDP copies of
 * Multiboot2's ACPI tags, which lie inside the boot information and so
 * inside boot_ranges (the kernel keeps it until it has read ACPI).
 */
#ifndef LIB_MULTIBOOT_H
#define LIB_MULTIBOOT_H

#include <stdbool.h>
#include <stdint.h>
#include <kpi/errors.h>
#include "lib/bootio.h"
#include "lib/memmap.h"

#define MULTIBOOT_BOOTLOADER_MAGIC	0x2BADB002u
#define MULTIBOOT2_BOOTLOADER_MAGIC	0x36D76289u
#define MB_CMDLINE_MAX			256
#define MB_BOOT_RANGES_MAX		8
#define MB_LOADER_NAME_MAX		64

/* Bits of the `flags` word of the multiboot information structure. */
#define MB_INFO_MEMORY		(1u << 0)	/* mem_lower, mem_upper valid */
#define MB_INFO_CMDLINE		(1u << 2)
#define MB_INFO_MODS		(1u << 3)
#define MB_INFO_MEM_MAP		(1u << 6)

/* Where the memory map came from. */
enum mb_map_source {
	MB_MAP_NONE,
	MB_MAP_MEM_FIELDS,	/* mem_lower/mem_upper (v1 flag 0, v2 tag 4) */
	MB_MAP_MMAP,		/* the loader's memory map (v1 flag 6, v2 tag 6) */
	MB_MAP_EFI,		/* the firmware's EFI memory map (v2 tag 17) */
};

/* A linear framebuffer the loader set up (Multiboot2 tag 8). */
struct mb_framebuffer {
	uint64_t addr;		/* physical */
	uint32_t pitch;		/* bytes per line */
	uint32_t width, height;	/* pixels (or characters for type 2) */
	uint8_t bpp;
	uint8_t type;		/* 0 indexed, 1 RGB, 2 EGA text */
	/* Type 1 only, when the tag holds them (has_rgb): each colour's bit
	 * position and width in a pixel. */
	bool has_rgb;
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

struct mb_info {
	unsigned version;		/* 1 or 2: which parser filled it */
	uint32_t flags;			/* v1: as the boot loader set them */
	struct memmap map;		/* the raw map, kinds as enum mem_kind */
	bool map_from_mmap;		/* false: made from mem_lower/mem_upper */
	enum mb_map_source map_source;
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

	/* Multiboot2 only; zero otherwise. */
	char loader[MB_LOADER_NAME_MAX];	/* tag 2; "" if none, cut if longer */
	/* The copies of the RSDP in the ACPI tags (14: ACPI 1.0, 15: 2.0+):
	 * their physical address inside the boot information, and how many
	 * bytes the tag holds (address 0: no such tag). Unchecked: lib/acpi.c checks
	 * them (acpi_locate_rsdp). */
	uint64_t rsdp_new_pa, rsdp_old_pa;
	uint32_t rsdp_new_len, rsdp_old_len;
	bool has_fb;
	struct mb_framebuffer fb;	/* tag 8, when has_fb */
	uint64_t efi_system_table;	/* tag 12 (EFI64); 0 if none */
	/* Tag 18: the loader left the firmware's boot services running, so
	 * their memory (and the loader's) is still in use: reserved. */
	bool efi_boot_services;
	unsigned efi_unknown;		/* EFI map entries of unknown type (reserved) */
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

/* Records [base, base+len) as boot information (both parsers use it):
 * clipped at 2^64, ignored when empty; ERR_TOO_MANY when boot_ranges is
 * full. */
err_t mb_add_boot_range(struct mb_info *out, uint64_t base, uint64_t len);

/*
 * Parses the Multiboot2 information at `mbi_pa` (lib/multiboot2.c): a
 * total_size, then tags, each 8-byte aligned, up to an end tag. Errors:
 * ERR_BAD_SIGNATURE if `magic` is not Multiboot2's; ERR_TRUNCATED if the
 * information is unreadable or its total_size is below 16 or above
 * MB2_INFO_MAX; ERR_NOT_FOUND if there is no memory information at all
 * (no EFI map, no memory map, no basic memory tag). The memory map is the
 * EFI memory map when there is one with a usable entry (its types mapped
 * by mb2_efi_kind()), else the memory map tag, else mem_lower/mem_upper.
 * Worked around with a warning: a tag shorter than 8 or running past
 * total_size (the rest of the list is ignored), a missing end tag, a tag
 * too short for its type or a second one of a type that comes once
 * (ignored), map entries of unknown type (reserved), an unterminated
 * string. Unknown tag types are skipped, as the specification says.
 */
#define MB2_INFO_MAX	(1u << 20)	/* far above any real one: a sanity cap */
err_t mb2_parse(uint32_t magic, uint64_t mbi_pa, const struct boot_io *io,
		struct mb_info *out);

/*
 * What an EFI memory type is to this kernel (UEFI specification, "Memory
 * Type Usage after ExitBootServices()"). Loader and boot services code and
 * data and conventional memory are free once boot services have exited
 * (`boot_services_running` false), else reserved; runtime services code
 * and data, MMIO, PAL code and reserved memory stay reserved (the firmware
 * may still use them); ACPI reclaim and NVS keep their kinds; unusable
 * memory is bad; persistent memory is MEM_PERSISTENT (never scratch RAM);
 * unaccepted memory (type 15, confidential VMs) and every type above it
 * (0x14, the OEM and OS ranges) are reserved, and *known is false for the
 * unknown ones.
 */
uint32_t mb2_efi_kind(uint32_t efi_type, bool boot_services_running, bool *known);

#endif
