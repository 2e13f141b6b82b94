/*
 * Tests for lib/multiboot.c. A 64 KiB buffer plays physical memory
 * [0, 64 KiB); the boot_io map() bounds-checks against it, so a pointer past
 * it is "unreadable". Each test writes an info structure (sometimes at an
 * odd address) and the structures it points to.
 */
#include <stdint.h>
#include <string.h>
#include "lib/test.h"
#include "lib/multiboot.h"

#define PHYS_SIZE	0x10000u
#define MBI		0x1000u
#define MMAP		0x2000u
#define CMDLINE		0x3000u
#define MODS		0x4000u

static uint8_t phys[PHYS_SIZE];
static unsigned nwarn;
static const char *last_warn;

static const void *tmap(void *ctx, uint64_t pa, uint64_t len)
{
	if (pa > PHYS_SIZE || len > PHYS_SIZE - pa)
		return NULL;
	return phys + pa;
}

static void twarn(void *ctx, const char *msg, uint64_t value)
{
	nwarn++;
	last_warn = msg;
}

static const struct boot_io io = { tmap, twarn, NULL };

static void put32(uint64_t pa, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		phys[pa + i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint64_t pa, uint64_t v)
{
	put32(pa, (uint32_t)v);
	put32(pa + 4, (uint32_t)(v >> 32));
}

static void reset(void)
{
	memset(phys, 0, sizeof(phys));
	nwarn = 0;
	last_warn = "";
}

/* Appends an entry with the given size field at *at. */
static void mmap_entry(uint64_t *at, uint32_t size, uint64_t base, uint64_t len, uint32_t type)
{
	put32(*at, size);
	put64(*at + 4, base);
	put64(*at + 12, len);
	put32(*at + 20, type);
	*at += size + 4;
}

/* An info structure at mbi with a memory map at MMAP of the given entries. */
static void set_mmap(uint64_t mbi, uint64_t end)
{
	put32(mbi, phys[mbi] | MB_INFO_MEM_MAP);
	put32(mbi + 44, (uint32_t)(end - MMAP));
	put32(mbi + 48, MMAP);
}

static int has_range(const struct mb_info *mb, uint64_t base, uint64_t len)
{
	for (unsigned i = 0; i < mb->nboot_ranges; i++)
		if (mb->boot_ranges[i].base == base && mb->boot_ranges[i].len == len)
			return 1;
	return 0;
}

static struct mb_info mb;

TEST(full_pc_boot)
{
	uint64_t at = MMAP;

	reset();
	put32(MBI, MB_INFO_MEMORY | MB_INFO_CMDLINE | MB_INFO_MODS);
	put32(MBI + 4, 639);
	put32(MBI + 8, 130048);
	mmap_entry(&at, 20, 0, 0x9FC00, 1);
	mmap_entry(&at, 20, 0x9FC00, 0x400, 2);
	mmap_entry(&at, 20, 0xF0000, 0x10000, 2);
	mmap_entry(&at, 20, 0x100000, 0x7EE0000, 1);
	mmap_entry(&at, 20, 0x7FE0000, 0x20000, 3);
	mmap_entry(&at, 20, 0xFEC00000, 0x1000, 4);
	mmap_entry(&at, 20, 0x100000000ull, 0x40000000, 1);
	set_mmap(MBI, at);
	strcpy((char *)phys + CMDLINE, "console=serial cores=4");
	put32(MBI + 16, CMDLINE);
	put32(MBI + 20, 2);
	put32(MBI + 24, MODS);
	put32(MODS, 0x200000);
	put32(MODS + 4, 0x280000);
	put32(MODS + 16, 0x280000);
	put32(MODS + 20, 0x281234);

	CHECK_EQ(mb_parse(MULTIBOOT_BOOTLOADER_MAGIC, MBI, &io, &mb), OK);
	CHECK_EQ(nwarn, 0);
	CHECK(mb.map_from_mmap);
	CHECK_EQ(mb.flags, MB_INFO_MEMORY | MB_INFO_CMDLINE | MB_INFO_MODS | MB_INFO_MEM_MAP);
	CHECK_EQ(mb.map.n, 7);
	CHECK_EQ(mb.map.r[3].base, 0x100000);
	CHECK_EQ(mb.map.r[3].len, 0x7EE0000);
	CHECK_EQ(mb.map.r[3].kind, MEM_USABLE);
	CHECK_EQ(mb.map.r[4].kind, MEM_ACPI_RECLAIM);
	CHECK_EQ(mb.map.r[5].kind, MEM_ACPI_NVS);
	CHECK_EQ(mb.map.r[6].base, 0x100000000ull);
	CHECK_STR(mb.cmdline, "console=serial cores=4");
	CHECK(!mb.cmdline_too_long);
	CHECK_EQ(mb.nboot_ranges, 6);
	CHECK(has_range(&mb, MBI, 88));
	CHECK(has_range(&mb, MMAP, 7 * 24));
	CHECK(has_range(&mb, CMDLINE, 23));
	CHECK(has_range(&mb, MODS, 32));
	CHECK(has_range(&mb, 0x200000, 0x80000));
	CHECK(has_range(&mb, 0x280000, 0x1234));
}

TEST(bad_magic)
{
	reset();
	put32(MBI, MB_INFO_MEMORY);
	CHECK_EQ(mb_parse(0x36D76289, MBI, &io, &mb), ERR_BAD_SIGNATURE);
}

TEST(info_unreadable)
{
	reset();
	CHECK_EQ(mb_parse(MULTIBOOT_BOOTLOADER_MAGIC, PHYS_SIZE - 40, &io, &mb), ERR_TRUNCATED);
	CHECK_EQ(mb_parse(MULTIBOOT_BOOTLOADER_MAGIC, UINT64_MAX - 8, &io, &mb), ERR_TRUNCATED);
}

TEST(no_memory_information)
{
	reset();
	put32(MBI, MB_INFO_CMDLINE);
	CHECK_EQ(mb_parse(MULTIBOOT_BOOTLOADER_MAGIC, MBI, &io, &mb), ERR_NOT_FOUND);
}

TEST(mem_fields_only)
{
	reset();
	put32(MBI, MB_INFO_MEMORY);
	put32(MBI + 4, 639);
	put32(MBI + 8, 64 * 1024 - 1024);
	CHECK_EQ(mb_parse(MULTIBOOT_BOOTLOADER_MAGIC, MBI, &io, &mb), OK);
	CHECK(!mb.map_from_mmap);
	CHECK_EQ(mb.map.n, 2);
	CHECK_EQ(mb.map.r[0].base, 0);
	CHECK_EQ(mb.map.r[0].len, 639 * 1024);
	CHECK_EQ(mb.map.r[1].base, 0x100000);
	CHECK_EQ(mb.map.r[1].len, 63ull << 20);
	CHECK_EQ(mb.map.r[1].kind, MEM_USABLE);
	CHECK_STR(mb.cmdline, "");
	CHECK_EQ(mb.nboot_ranges, 1);
}

TEST(unaligned_info_and_wide_entries)
{
	uint64_t mbi = MBI + 1, at = MMAP;

	reset();
	put32(mbi, MB_INFO_MEM_MAP);
	/* size 24: four bytes of padding the parser must step over */
	mmap_entry(&at, 24, 0x1000, 0x9E000, 1);
	mmap_entry(&at, 20, 0x100000, 0x100000, 1);
	put32(mbi + 44, (uint32_t)(at - MMAP));
	put32(mbi + 48, MMAP + 3);
	memmove(phys + MMAP + 3, phys + MMAP, at - MMAP);
	CHECK_EQ(mb_parse(MULTIBOOT_BOOTLOADER_MAGIC, mbi, &io, &mb), OK);
	CHECK_EQ(nwarn, 0);
	CHECK_EQ(mb.map.n, 2);
	CHECK_EQ(mb.map.r[0].base, 0x1000);
	CHECK_EQ(mb.map.r[1].base, 0x100000);
	CHECK_EQ(mb.map.r[1].len, 0x100000);
}

TEST(entry_size_zero_ends_map)
{
	uint64_t at = MMAP;

	reset();
	mmap_entry(&at, 20, 0, 0x9F000, 1);
	put32(at, 0);		/* size 0 */
	put64(at + 4, 0x100000);
	put64(at + 12, 0x100000);
	put32(at + 20, 1);
	at += 24;
	mmap_entry(&at, 20, 0x200000, 0x100000, 1);
	set_mmap(MBI, at);
	CHECK_EQ(mb_parse(MULTIBOOT_BOOTLOADER_MAGIC, MBI, &io, &mb), OK);
	CHECK_EQ(mb.map.n, 1);
	CHECK_EQ(nwarn, 1);
	CHECK(strstr(last_warn, "below 20"));
}

TEST(entry_size_below_20_ends_map)
{
	uint64_t at = MMAP;

	reset();
	mmap_entry(&at, 20, 0, 0x9F000, 1);
	mmap_entry(&at, 16, 0x100000, 0x100000, 1);
	mmap_entry(&at, 20, 0x200000, 0x100000, 1);
	set_mmap(MBI, at);
	CHECK_EQ(mb_parse(MULTIBOOT_BOOTLOADER_MAGIC, MBI, &io, &mb), OK);
	CHECK_EQ(mb.map.n, 1);
	CHECK_EQ(nwarn, 1);
}

TEST(entry_past_mmap_length_ends_map)
{
	uint64_t at = MMAP;

	reset();
	mmap_entry(&at, 20, 0, 0x9F000, 1);
	mmap_entry(&at, 20, 0x100000, 0x100000, 1);
	set_mmap(MBI, at - 1);		/* cuts the second entry short */
	CHECK_EQ(mb_parse(MULTIBOOT_BOOTLOADER_MAGIC, MBI, &io, &mb), OK);
	CHECK_EQ(mb.map.n, 1);
	CHECK_EQ(nwarn, 1);
	CHECK(strstr(last_warn, "past mmap_length"));

	/* A size field that claims more than is left. */
	reset();
	at = MMAP;
	mmap_entry(&at, 20, 0, 0x9F000, 1);
	mmap_entry(&at, 100, 0x100000, 0x100000, 1);
	set_mmap(MBI, at - 50);
	CHECK_EQ(mb_parse(MULTIBOOT_BOOTLOADER_MAGIC, MBI, &io, &mb), OK);
	CHECK_EQ(mb.map.n, 1);
	CHECK_EQ(nwarn, 1);

	/* Two stray bytes after the last entry: not even a size field. */
	reset();
	at = MMAP;
	mmap_entry(&at, 20, 0, 0x9F000, 1);
	set_mmap(MBI, at + 2);
	CHECK_EQ(mb_parse(MULTIBOOT_BOOTLOADER_MAGIC, MBI, &io, &mb), OK);
	CHECK_EQ(mb.map.n, 1);
	CHECK_EQ(nwarn, 1);
}

TEST(zero_length_and_unknown_types)
{
	uint64_t at = MMAP;

	reset();
	mmap_entry(&at, 20, 0, 0x9F000, 1);
	mmap_entry(&at, 20, 0x9F000, 0, 2);		/* zero length */
	mmap_entry(&at, 20, 0x100000, 0x100000, 7);	/* unknown: reserved */
	mmap_entry(&at, 20, 0x200000, 0x100000, 0);	/* unknown too */
	mmap_entry(&at, 20, 0x300000, 0x100000, 5);	/* bad RAM */
	mmap_entry(&at, 20, 0xFFFFFFFFFFFFF000ull, 0x2000, 2);	/* wraps */
	set_mmap(MBI, at);
	CHECK_EQ(mb_parse(MULTIBOOT_BOOTLOADER_MAGIC, MBI, &io, &mb), OK);
	CHECK_EQ(mb.map.n, 5);
	CHECK_EQ(mb.map.r[1].kind, MEM_RESERVED);
	CHECK_EQ(mb.map.r[2].kind, MEM_RESERVED);
	CHECK_EQ(mb.map.r[3].kind, MEM_BAD);
	CHECK_EQ(mb.map.r[4].len, 0xFFFull);
	CHECK_EQ(nwarn, 4);
}

TEST(overlapping_usable_and_reserved)
{
	uint64_t at = MMAP;
	struct memmap usable;

	reset();
	mmap_entry(&at, 20, 0x100000, 0x1000000, 1);
	mmap_entry(&at, 20, 0x400000, 0x1000, 2);	/* inside the usable one */
	set_mmap(MBI, at);
	CHECK_EQ(mb_parse(MULTIBOOT_BOOTLOADER_MAGIC, MBI, &io, &mb), OK);
	CHECK_EQ(memmap_usable(&mb.map, mb.boot_ranges, mb.nboot_ranges, 0, &usable), OK);
	CHECK_EQ(usable.n, 2);
	CHECK_EQ(usable.r[0].base, 0x100000);
	CHECK_EQ(usable.r[0].len, 0x300000);
	CHECK_EQ(usable.r[1].base, 0x401000);
	CHECK_EQ(usable.r[1].len, 0x1100000 - 0x401000);
}

TEST(no_usable_entry_falls_back)
{
	uint64_t at = MMAP;

	reset();
	put32(MBI, MB_INFO_MEMORY);
	put32(MBI + 4, 640);
	put32(MBI + 8, 1024);
	mmap_entry(&at, 20, 0xF0000, 0x10000, 2);
	set_mmap(MBI, at);
	CHECK_EQ(mb_parse(MULTIBOOT_BOOTLOADER_MAGIC, MBI, &io, &mb), OK);
	CHECK(!mb.map_from_mmap);
	CHECK_EQ(mb.map.n, 2);
	CHECK_EQ(mb.map.r[1].len, 1ull << 20);
	CHECK_EQ(nwarn, 1);

	/* Without flag 0 there is nothing to fall back on. */
	reset();
	at = MMAP;
	mmap_entry(&at, 20, 0xF0000, 0x10000, 2);
	set_mmap(MBI, at);
	CHECK_EQ(mb_parse(MULTIBOOT_BOOTLOADER_MAGIC, MBI, &io, &mb), OK);
	CHECK(mb.map_from_mmap);
	CHECK_EQ(mb.map.n, 1);
	CHECK_EQ(nwarn, 1);
}

TEST(mmap_unreadable)
{
	reset();
	put32(MBI, MB_INFO_MEM_MAP | MB_INFO_MEMORY);
	put32(MBI + 8, 2048);
	put32(MBI + 44, 48);
	put32(MBI + 48, PHYS_SIZE - 24);
	CHECK_EQ(mb_parse(MULTIBOOT_BOOTLOADER_MAGIC, MBI, &io, &mb), OK);
	CHECK(!mb.map_from_mmap);
	CHECK_EQ(mb.map.n, 1);		/* mem_lower is 0: only the upper range */
	CHECK_EQ(mb.map.r[0].len, 2ull << 20);
	CHECK_EQ(nwarn, 1);

	put32(MBI, MB_INFO_MEM_MAP);
	CHECK_EQ(mb_parse(MULTIBOOT_BOOTLOADER_MAGIC, MBI, &io, &mb), ERR_NOT_FOUND);
}

TEST(too_many_map_entries)
{
	uint64_t at = MMAP;

	reset();
	for (unsigned i = 0; i < MEMMAP_MAX + 3; i++)
		mmap_entry(&at, 20, i * 0x10000ull, 0x8000, 1);
	set_mmap(MBI, at);
	CHECK_EQ(mb_parse(MULTIBOOT_BOOTLOADER_MAGIC, MBI, &io, &mb), OK);
	CHECK_EQ(mb.map.n, MEMMAP_MAX);
	CHECK_EQ(mb.map.dropped, 3);
	CHECK_EQ(nwarn, 3);
}

TEST(cmdline_lengths)
{
	char want[MB_CMDLINE_MAX];

	reset();
	put32(MBI, MB_INFO_MEMORY | MB_INFO_CMDLINE);
	put32(MBI + 16, CMDLINE);
	memset(phys + CMDLINE, 'a', 300);
	CHECK_EQ(mb_parse(MULTIBOOT_BOOTLOADER_MAGIC, MBI, &io, &mb), OK);
	CHECK(mb.cmdline_too_long);
	CHECK_STR(mb.cmdline, "");				/* refused whole, not cut */
	memset(want, 'a', sizeof(want) - 1);
	want[sizeof(want) - 1] = 0;

	phys[CMDLINE + MB_CMDLINE_MAX - 1] = 0;		/* exactly 255 characters */
	CHECK_EQ(mb_parse(MULTIBOOT_BOOTLOADER_MAGIC, MBI, &io, &mb), OK);
	CHECK(!mb.cmdline_too_long);
	CHECK_STR(mb.cmdline, want);
	CHECK(has_range(&mb, CMDLINE, MB_CMDLINE_MAX));

	phys[CMDLINE + MB_CMDLINE_MAX - 1] = 'b';
	phys[CMDLINE + MB_CMDLINE_MAX] = 0;		/* 256: one too many */
	CHECK_EQ(mb_parse(MULTIBOOT_BOOTLOADER_MAGIC, MBI, &io, &mb), OK);
	CHECK(mb.cmdline_too_long);
	CHECK_STR(mb.cmdline, "");

	phys[CMDLINE] = 0;
	CHECK_EQ(mb_parse(MULTIBOOT_BOOTLOADER_MAGIC, MBI, &io, &mb), OK);
	CHECK_STR(mb.cmdline, "");
	CHECK(!mb.cmdline_too_long);
	CHECK_EQ(nwarn, 0);
}

/* The case: an init= spec cut by the 255-byte limit would start
 * a program with another argument. Nothing of the line is kept. */
TEST(cmdline_cut_init_spec_is_not_kept)
{
	char line[300];

	reset();
	put32(MBI, MB_INFO_MEMORY | MB_INFO_CMDLINE);
	put32(MBI + 16, CMDLINE);
	memset(line, ' ', sizeof(line));
	memcpy(line, "kernel", 6);
	memcpy(line + MB_CMDLINE_MAX - 13, "init=uprog:17", 13);	/* cut: "init=uprog:1" */
	line[MB_CMDLINE_MAX] = 0;					/* 256 characters */
	memcpy(phys + CMDLINE, line, MB_CMDLINE_MAX + 1);
	CHECK_EQ(mb_parse(MULTIBOOT_BOOTLOADER_MAGIC, MBI, &io, &mb), OK);
	CHECK(mb.cmdline_too_long);
	CHECK_STR(mb.cmdline, "");
	CHECK_EQ(nwarn, 0);
}

TEST(cmdline_unreadable)
{
	reset();
	put32(MBI, MB_INFO_MEMORY | MB_INFO_CMDLINE);
	put32(MBI + 16, 0x80000000u);
	CHECK_EQ(mb_parse(MULTIBOOT_BOOTLOADER_MAGIC, MBI, &io, &mb), OK);
	CHECK_STR(mb.cmdline, "");
	CHECK_EQ(nwarn, 1);
	CHECK_EQ(mb.nboot_ranges, 1);

	/* Runs off the end of memory before its NUL. */
	memset(phys + PHYS_SIZE - 10, 'x', 10);
	put32(MBI + 16, PHYS_SIZE - 10);
	CHECK_EQ(mb_parse(MULTIBOOT_BOOTLOADER_MAGIC, MBI, &io, &mb), OK);
	CHECK_STR(mb.cmdline, "");
	CHECK_EQ(nwarn, 2);
}

TEST(modules)
{
	reset();
	put32(MBI, MB_INFO_MEMORY | MB_INFO_MODS);
	put32(MBI + 20, 4);
	put32(MBI + 24, MODS);
	for (unsigned i = 0; i < 4; i++) {
		put32(MODS + 16 * i, 0x100000 * (i + 1));
		put32(MODS + 16 * i + 4, 0x100000 * (i + 1) + 0x1000);
	}
	put32(MODS + 16 * 2 + 4, 0x1000);	/* ends before it starts */
	CHECK_EQ(mb_parse(MULTIBOOT_BOOTLOADER_MAGIC, MBI, &io, &mb), OK);
	CHECK_EQ(mb.nboot_ranges, 5);
	CHECK(has_range(&mb, 0x400000, 0x1000));
	CHECK(!has_range(&mb, 0x300000, 0x1000));
	CHECK_EQ(nwarn, 1);

	/* info + list + 6 modules = 8 ranges: fits; 7 modules do not. */
	put32(MBI + 20, 6);
	for (unsigned i = 0; i < 7; i++) {
		put32(MODS + 16 * i, 0x100000 * (i + 1));
		put32(MODS + 16 * i + 4, 0x100000 * (i + 1) + 0x1000);
	}
	CHECK_EQ(mb_parse(MULTIBOOT_BOOTLOADER_MAGIC, MBI, &io, &mb), OK);
	CHECK_EQ(mb.nboot_ranges, MB_BOOT_RANGES_MAX);
	put32(MBI + 20, 7);
	CHECK_EQ(mb_parse(MULTIBOOT_BOOTLOADER_MAGIC, MBI, &io, &mb), ERR_TOO_MANY);
}

TEST(module_list_unreadable)
{
	reset();
	put32(MBI, MB_INFO_MEMORY | MB_INFO_MODS);
	put32(MBI + 20, 0x10000000);	/* 4 GiB of module list */
	put32(MBI + 24, MODS);
	CHECK_EQ(mb_parse(MULTIBOOT_BOOTLOADER_MAGIC, MBI, &io, &mb), OK);
	CHECK_EQ(mb.nboot_ranges, 1);
	CHECK_EQ(nwarn, 1);
}
