/*
 * Tests for lib/multiboot2.c. A 64 KiB buffer plays physical memory
 * [0, 64 KiB); boot_io's map() bounds-checks against it. Each test builds
 * the boot information at MBI tag by tag (mb2_tag() pads each to 8 bytes,
 * as a loader does) and breaks one thing at a time. The firmware's side is
 * what OVMF and SeaBIOS hand GRUB under QEMU: an EFI map with every type,
 * GRUB's own memory map (with its type 20 for EFI runtime code), the ACPI
 * tags, a framebuffer.
 */
#include <stdint.h>
#include <string.h>
#include "lib/test.h"
#include "lib/multiboot.h"

#define PHYS_SIZE	0x10000u
#define MBI		0x1000u
#define MAGIC		MULTIBOOT2_BOOTLOADER_MAGIC
#define PAGE		4096ull

static uint8_t phys[PHYS_SIZE];
static unsigned nwarn;
static const char *last_warn;
static uint64_t at;		/* where the next tag goes */
static uint64_t info;		/* where the information starts */
static struct mb_info mb;

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

static void put(uint64_t pa, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		phys[pa + i] = (uint8_t)(v >> (8 * i));
}

/* A framebuffer tag's payload: address, pitch, width, height, bpp, type. */
static void fb_body(uint8_t b[24], uint64_t addr, uint32_t pitch, uint32_t w, uint32_t h,
		    uint8_t bpp, uint8_t type)
{
	memset(b, 0, 24);
	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(addr >> (8 * i));
	for (int i = 0; i < 4; i++) {
		b[8 + i] = (uint8_t)(pitch >> (8 * i));
		b[12 + i] = (uint8_t)(w >> (8 * i));
		b[16 + i] = (uint8_t)(h >> (8 * i));
	}
	b[20] = bpp;
	b[21] = type;
}

/* Starts the information at `pa` (its total_size is set by mb2_end). */
static void mb2_begin(uint64_t pa)
{
	memset(phys, 0, sizeof(phys));
	nwarn = 0;
	last_warn = "";
	info = pa;
	at = pa + 8;
}

/* A tag of `size` bytes (header included) whose payload is `body`;
 * returns its address. The next tag starts at the next multiple of 8. */
static uint64_t mb2_tag(uint32_t type, uint32_t size, const void *body)
{
	uint64_t t = at;

	put(t, type, 4);
	put(t + 4, size, 4);
	if (body && size > 8)
		memcpy(phys + t + 8, body, size - 8);
	at = t + ((size + 7) & ~7u);
	return t;
}

/* The end tag and total_size. */
static void mb2_end(void)
{
	mb2_tag(0, 8, NULL);
	put(info, at - info, 4);
}

static void mb2_string(uint32_t type, const char *s)
{
	mb2_tag(type, 8 + (uint32_t)strlen(s) + 1, s);
}

/* An EFI memory map tag of n descriptors of dsize bytes: {type, base, pages}. */
struct efi_desc {
	uint32_t type;
	uint64_t base, pages;
};

static uint64_t mb2_efi_map(const struct efi_desc *d, unsigned n, uint32_t dsize)
{
	uint64_t t = at;

	mb2_tag(17, 16 + n * dsize, NULL);
	put(t + 8, dsize, 4);
	put(t + 12, 1, 4);
	for (unsigned i = 0; i < n; i++) {
		uint64_t e = t + 16 + i * dsize;

		put(e, d[i].type, 4);
		put(e + 8, d[i].base, 8);
		put(e + 16, 0xdead0000, 8);	/* virtual: not read */
		put(e + 24, d[i].pages, 8);
		put(e + 32, 0xF, 8);		/* UC WC WT WB */
	}
	return t;
}

/* A memory map tag (6) of n entries of esize bytes: {base, len, type}. */
struct mm_entry {
	uint64_t base, len;
	uint32_t type;
};

static uint64_t mb2_mmap(const struct mm_entry *e, unsigned n, uint32_t esize)
{
	uint64_t t = at;

	mb2_tag(6, 16 + n * esize, NULL);
	put(t + 8, esize, 4);
	for (unsigned i = 0; i < n; i++) {
		put(t + 16 + i * esize, e[i].base, 8);
		put(t + 24 + i * esize, e[i].len, 8);
		put(t + 32 + i * esize, e[i].type, 4);
	}
	return t;
}

static void mb2_meminfo(uint32_t lower, uint32_t upper)
{
	uint32_t v[2] = { lower, upper };

	mb2_tag(4, 16, v);
}

static int has_range(uint64_t base, uint64_t len, uint32_t kind)
{
	for (unsigned i = 0; i < mb.map.n; i++)
		if (mb.map.r[i].base == base && mb.map.r[i].len == len && mb.map.r[i].kind == kind)
			return 1;
	return 0;
}

/* What OVMF's map looks like, one descriptor of each type in address
 * order, with neighbours of one kind that must be merged. */
static const struct efi_desc ovmf[] = {
	{ 3, 0x0, 1 },			/* boot services code: usable after exit */
	{ 7, 0x1000, 0x9F },		/* conventional: merged with the one before */
	{ 0, 0xA0000, 0x60 },		/* reserved */
	{ 1, 0x100000, 0x100 },		/* loader code */
	{ 2, 0x200000, 0x100 },		/* loader data: merged */
	{ 4, 0x300000, 0x100 },		/* boot services data: merged */
	{ 9, 0x400000, 0x10 },		/* ACPI reclaim */
	{ 10, 0x410000, 0x10 },		/* ACPI NVS */
	{ 5, 0x420000, 0x10 },		/* runtime services code */
	{ 6, 0x430000, 0x10 },		/* runtime services data: merged (both reserved) */
	{ 8, 0x500000, 0x10 },		/* unusable: bad */
	{ 14, 0x600000, 0x100 },	/* persistent */
	{ 15, 0x700000, 0x100 },	/* unaccepted: reserved */
	{ 0x14, 0x880000, 0x10 },	/* unknown: reserved, said */
	{ 11, 0xFEC00000, 1 },		/* MMIO */
	{ 12, 0xFED00000, 1 },		/* MMIO port space */
	{ 13, 0xFEE00000, 1 },		/* PAL code */
	{ 0x80000001, 0x900000, 0x10 },	/* an OS-defined type: reserved, said */
	{ 7, 0x100000000ull, 0x40000 },	/* 1 GiB above 4 GiB */
};

TEST(ovmf_boot_reads_every_tag)
{
	static const uint8_t rsdp_new[36] = "RSD PTR new copy", rsdp_old[20] = "RSD PTR old";
	uint8_t fb[24] = { 0 };
	uint64_t efi = 0x1F5EB018ull, tnew, told;
	struct mm_entry grub_map[] = { { 0, 0x1000000, 1 } };

	mb2_begin(MBI);
	mb2_string(1, "utest maxcores=2");
	mb2_string(2, "GRUB 2.06-13+deb12u2");
	mb2_meminfo(639, 500 * 1024);
	mb2_mmap(grub_map, 1, 24);		/* the EFI map wins over it */
	fb_body(fb, 0xC0000000ull, 3200, 800, 600, 32, 1);
	mb2_tag(8, 8 + 24, fb);
	mb2_tag(12, 16, &efi);
	told = mb2_tag(14, 8 + 20, rsdp_old);
	tnew = mb2_tag(15, 8 + 36, rsdp_new);
	mb2_efi_map(ovmf, sizeof(ovmf) / sizeof(ovmf[0]), 48);	/* OVMF's size */
	mb2_tag(21, 12, "\0\0\0");		/* load base: unknown here, skipped */
	mb2_end();

	CHECK_EQ(mb2_parse(MAGIC, MBI, &io, &mb), OK);
	CHECK_EQ(mb.version, 2);
	CHECK_EQ(mb.map_source, MB_MAP_EFI);
	CHECK_STR(mb.cmdline, "utest maxcores=2");
	CHECK_STR(mb.loader, "GRUB 2.06-13+deb12u2");
	CHECK_EQ(mb.efi_system_table, efi);
	CHECK(!mb.efi_boot_services);
	CHECK(mb.has_fb);
	CHECK_EQ(mb.fb.addr, 0xC0000000ull);
	CHECK_EQ(mb.fb.pitch, 3200);
	CHECK_EQ(mb.fb.width, 800);
	CHECK_EQ(mb.fb.height, 600);
	CHECK_EQ(mb.fb.bpp, 32);
	CHECK_EQ(mb.fb.type, 1);
	CHECK_EQ(mb.rsdp_new_pa, tnew + 8);
	CHECK_EQ(mb.rsdp_new_len, 36);
	CHECK_EQ(mb.rsdp_old_pa, told + 8);
	CHECK_EQ(mb.rsdp_old_len, 20);
	CHECK_EQ(mb.nboot_ranges, 1);
	CHECK_EQ(mb.boot_ranges[0].base, MBI);
	CHECK_EQ(mb.boot_ranges[0].len, at - MBI);

	/* The map: each type deliberately, neighbours of a kind merged. */
	CHECK(has_range(0, 0xA0000, MEM_USABLE));
	CHECK(has_range(0xA0000, 0x60000, MEM_RESERVED));
	CHECK(has_range(0x100000, 0x300000, MEM_USABLE));
	CHECK(has_range(0x400000, 0x10000, MEM_ACPI_RECLAIM));
	CHECK(has_range(0x410000, 0x10000, MEM_ACPI_NVS));
	CHECK(has_range(0x420000, 0x20000, MEM_RESERVED));
	CHECK(has_range(0x500000, 0x10000, MEM_BAD));
	CHECK(has_range(0x600000, 0x100000, MEM_PERSISTENT));
	CHECK(has_range(0x700000, 0x100000, MEM_RESERVED));
	CHECK(has_range(0x880000, 0x10000, MEM_RESERVED));
	CHECK(has_range(0xFEC00000, PAGE, MEM_RESERVED));
	CHECK(has_range(0xFED00000, PAGE, MEM_RESERVED));
	CHECK(has_range(0xFEE00000, PAGE, MEM_RESERVED));
	CHECK(has_range(0x900000, 0x10000, MEM_RESERVED));
	CHECK(has_range(0x100000000ull, 1ull << 30, MEM_USABLE));
	CHECK_EQ(mb.map.n, 15);
	CHECK_EQ(mb.efi_unknown, 2);		/* 0x14 and 0x80000001 */
	CHECK_EQ(nwarn, 2);
}

/* Every EFI memory type, one by one, before and after ExitBootServices(). */
TEST(efi_types_each_handled_deliberately)
{
	static const struct {
		uint32_t type, after, during;
	} want[] = {
		{ 0, MEM_RESERVED, MEM_RESERVED },	/* EfiReservedMemoryType */
		{ 1, MEM_USABLE, MEM_RESERVED },	/* EfiLoaderCode */
		{ 2, MEM_USABLE, MEM_RESERVED },	/* EfiLoaderData */
		{ 3, MEM_USABLE, MEM_RESERVED },	/* EfiBootServicesCode */
		{ 4, MEM_USABLE, MEM_RESERVED },	/* EfiBootServicesData */
		{ 5, MEM_RESERVED, MEM_RESERVED },	/* EfiRuntimeServicesCode */
		{ 6, MEM_RESERVED, MEM_RESERVED },	/* EfiRuntimeServicesData */
		{ 7, MEM_USABLE, MEM_USABLE },		/* EfiConventionalMemory */
		{ 8, MEM_BAD, MEM_BAD },		/* EfiUnusableMemory */
		{ 9, MEM_ACPI_RECLAIM, MEM_ACPI_RECLAIM },
		{ 10, MEM_ACPI_NVS, MEM_ACPI_NVS },
		{ 11, MEM_RESERVED, MEM_RESERVED },	/* EfiMemoryMappedIO */
		{ 12, MEM_RESERVED, MEM_RESERVED },	/* EfiMemoryMappedIOPortSpace */
		{ 13, MEM_RESERVED, MEM_RESERVED },	/* EfiPalCode */
		{ 14, MEM_PERSISTENT, MEM_PERSISTENT },	/* EfiPersistentMemory */
		{ 15, MEM_RESERVED, MEM_RESERVED },	/* EfiUnacceptedMemoryType */
	};
	static const uint32_t unknown[] = { 16, 0x14, 0x6FFFFFFF, 0x70000000, 0x80000000, 0xFFFFFFFF };
	bool known;

	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		CHECK_EQ(mb2_efi_kind(want[i].type, false, &known), want[i].after);
		CHECK(known);
		CHECK_EQ(mb2_efi_kind(want[i].type, true, &known), want[i].during);
		CHECK(known);
	}
	for (unsigned i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		CHECK_EQ(mb2_efi_kind(unknown[i], false, &known), MEM_RESERVED);
		CHECK(!known);
	}
}

/* Tag 18: the loader did not exit boot services, so the memory they and
 * the loader use is theirs still; conventional memory is free either way.
 * The tag comes after the map: its order must not matter. */
TEST(boot_services_running_keeps_their_memory)
{
	mb2_begin(MBI);
	mb2_efi_map(ovmf, sizeof(ovmf) / sizeof(ovmf[0]), 40);
	mb2_tag(18, 8, NULL);
	mb2_end();
	CHECK_EQ(mb2_parse(MAGIC, MBI, &io, &mb), OK);
	CHECK(mb.efi_boot_services);
	CHECK(has_range(0, PAGE, MEM_RESERVED));
	CHECK(has_range(0x1000, 0x9F000, MEM_USABLE));
	CHECK(has_range(0xA0000, 0x360000, MEM_RESERVED));	/* merged with the loader's */
	CHECK(has_range(0x100000000ull, 1ull << 30, MEM_USABLE));
}

/* SeaBIOS under GRUB: no EFI map, GRUB's memory map with e820 types, its
 * type 20 (EFI runtime code on a UEFI machine) and persistent memory. */
TEST(bios_boot_uses_the_memory_map)
{
	static const uint8_t rsdp_old[20] = "RSD PTR ";
	struct mm_entry e[] = {
		{ 0, 0x9FC00, 1 }, { 0x9FC00, 0x400, 2 }, { 0x100000, 0x1FEE0000, 1 },
		{ 0x1FFE0000, 0x20000, 2 }, { 0x20000000, 0x100000, 3 }, { 0x20100000, 0x1000, 4 },
		{ 0x20200000, 0x1000, 5 }, { 0x20300000, 0x100000, 7 }, { 0x20400000, 0x1000, 20 },
		{ 0x20500000, 0x1000, 0 },
	};

	mb2_begin(MBI);
	mb2_mmap(e, sizeof(e) / sizeof(e[0]), 24);
	mb2_tag(14, 28, rsdp_old);
	mb2_end();
	CHECK_EQ(mb2_parse(MAGIC, MBI, &io, &mb), OK);
	CHECK_EQ(mb.map_source, MB_MAP_MMAP);
	CHECK(mb.map_from_mmap);
	CHECK_EQ(mb.map.n, 10);
	CHECK(has_range(0x100000, 0x1FEE0000, MEM_USABLE));
	CHECK(has_range(0x20000000, 0x100000, MEM_ACPI_RECLAIM));
	CHECK(has_range(0x20100000, 0x1000, MEM_ACPI_NVS));
	CHECK(has_range(0x20200000, 0x1000, MEM_BAD));
	CHECK(has_range(0x20300000, 0x100000, MEM_PERSISTENT));
	CHECK(has_range(0x20400000, 0x1000, MEM_RESERVED));
	CHECK(has_range(0x20500000, 0x1000, MEM_RESERVED));
	CHECK_EQ(nwarn, 2);			/* types 20 and 0 */
	CHECK_EQ(mb.rsdp_old_pa, MBI + 8 + 16 + 10 * 24 + 8);
	CHECK_EQ(mb.rsdp_new_pa, 0);
	CHECK(!mb.has_fb);
	CHECK_STR(mb.loader, "");
	CHECK_STR(mb.cmdline, "");
}

/* Persistent memory is never handed out, whichever map says it. */
TEST(persistent_memory_is_not_usable)
{
	struct efi_desc d[] = { { 7, 0x100000, 0x100 }, { 14, 0x200000, 0x100 } };
	struct memmap usable;

	mb2_begin(MBI);
	mb2_efi_map(d, 2, 40);
	mb2_end();
	CHECK_EQ(mb2_parse(MAGIC, MBI, &io, &mb), OK);
	CHECK_EQ(memmap_usable(&mb.map, NULL, 0, 0, &usable), OK);
	CHECK_EQ(usable.n, 1);
	CHECK_EQ(usable.r[0].base, 0x100000);
	CHECK_EQ(usable.r[0].len, 0x100000);
}

TEST(map_falls_back_efi_then_mmap_then_meminfo)
{
	struct efi_desc none[] = { { 0, 0, 0x100 } };
	struct mm_entry res[] = { { 0, 0x100000, 2 } }, ok[] = { { 0x100000, 0x100000, 1 } };

	/* An EFI map without usable memory: the memory map. */
	mb2_begin(MBI);
	mb2_efi_map(none, 1, 40);
	mb2_mmap(ok, 1, 24);
	mb2_end();
	CHECK_EQ(mb2_parse(MAGIC, MBI, &io, &mb), OK);
	CHECK_EQ(mb.map_source, MB_MAP_MMAP);
	CHECK_EQ(mb.map.n, 1);
	CHECK(has_range(0x100000, 0x100000, MEM_USABLE));
	CHECK_EQ(nwarn, 1);

	/* Neither has any: mem_lower/mem_upper. */
	mb2_begin(MBI);
	mb2_efi_map(none, 1, 40);
	mb2_mmap(res, 1, 24);
	mb2_meminfo(640, 1024);
	mb2_end();
	CHECK_EQ(mb2_parse(MAGIC, MBI, &io, &mb), OK);
	CHECK_EQ(mb.map_source, MB_MAP_MEM_FIELDS);
	CHECK_EQ(mb.map.n, 2);
	CHECK(has_range(0, 640 * 1024, MEM_USABLE));
	CHECK(has_range(1 << 20, 1 << 20, MEM_USABLE));
	CHECK_EQ(nwarn, 2);

	/* Nothing at all. */
	mb2_begin(MBI);
	mb2_string(1, "test");
	mb2_end();
	CHECK_EQ(mb2_parse(MAGIC, MBI, &io, &mb), ERR_NOT_FOUND);
}

TEST(bad_magic_and_unreadable_information)
{
	mb2_begin(MBI);
	mb2_meminfo(640, 1024);
	mb2_end();
	CHECK_EQ(mb2_parse(MULTIBOOT_BOOTLOADER_MAGIC, MBI, &io, &mb), ERR_BAD_SIGNATURE);
	CHECK_EQ(mb2_parse(MAGIC, PHYS_SIZE - 4, &io, &mb), ERR_TRUNCATED);
	CHECK_EQ(mb2_parse(MAGIC, UINT64_MAX - 4, &io, &mb), ERR_TRUNCATED);
	put(MBI, 8, 4);				/* total_size below 16 */
	CHECK_EQ(mb2_parse(MAGIC, MBI, &io, &mb), ERR_TRUNCATED);
	put(MBI, MB2_INFO_MAX + 8, 4);		/* above the cap */
	CHECK_EQ(mb2_parse(MAGIC, MBI, &io, &mb), ERR_TRUNCATED);
	put(MBI, PHYS_SIZE, 4);			/* runs past readable memory */
	CHECK_EQ(mb2_parse(MAGIC, MBI, &io, &mb), ERR_TRUNCATED);
}

/* A tag whose size is below 8, or runs past total_size, ends the walk;
 * what came before it is kept. */
TEST(malformed_tag_sizes_end_the_walk)
{
	uint64_t t;

	mb2_begin(MBI);
	mb2_meminfo(640, 1024);
	t = at;
	mb2_string(1, "never read");
	mb2_end();
	put(t + 4, 4, 4);			/* size 4 */
	CHECK_EQ(mb2_parse(MAGIC, MBI, &io, &mb), OK);
	CHECK_EQ(mb.map_source, MB_MAP_MEM_FIELDS);
	CHECK_STR(mb.cmdline, "");
	CHECK_EQ(nwarn, 1);
	CHECK(strstr(last_warn, "below 8 or runs past"));

	put(t + 4, 0x1000, 4);			/* past total_size */
	nwarn = 0;
	CHECK_EQ(mb2_parse(MAGIC, MBI, &io, &mb), OK);
	CHECK_STR(mb.cmdline, "");
	CHECK_EQ(nwarn, 1);

	put(t + 4, 0xFFFFFFF8u, 4);		/* past 2^32 */
	CHECK_EQ(mb2_parse(MAGIC, MBI, &io, &mb), OK);
	CHECK_EQ(mb.map_source, MB_MAP_MEM_FIELDS);
}

/* total_size cuts the list: the last tag truncated, or no end tag. */
TEST(truncated_tags_and_missing_end_tag)
{
	mb2_begin(MBI);
	mb2_meminfo(640, 1024);
	mb2_string(1, "cut short");
	put(MBI, at - MBI - 8, 4);		/* total_size ends inside the string tag */
	CHECK_EQ(mb2_parse(MAGIC, MBI, &io, &mb), OK);
	CHECK_EQ(mb.map_source, MB_MAP_MEM_FIELDS);
	CHECK_STR(mb.cmdline, "");
	CHECK_EQ(nwarn, 1);
	CHECK(strstr(last_warn, "runs past total_size"));

	mb2_begin(MBI);
	mb2_meminfo(640, 1024);
	put(MBI, at - MBI, 4);			/* no end tag */
	CHECK_EQ(mb2_parse(MAGIC, MBI, &io, &mb), OK);
	CHECK_EQ(mb.map_source, MB_MAP_MEM_FIELDS);
	CHECK_EQ(nwarn, 1);
	CHECK(strstr(last_warn, "without an end tag"));

	/* A tag too short for its type is ignored, the rest read. */
	mb2_begin(MBI);
	mb2_tag(4, 12, "\x80\x02\0");		/* meminfo without mem_upper */
	mb2_tag(6, 12, "\x18\0\0");		/* mmap without entry_version */
	mb2_meminfo(640, 1024);			/* a second meminfo: this one counts */
	mb2_end();
	CHECK_EQ(mb2_parse(MAGIC, MBI, &io, &mb), OK);
	CHECK_EQ(mb.map_source, MB_MAP_MEM_FIELDS);
	CHECK(has_range(1 << 20, 1 << 20, MEM_USABLE));
	CHECK_EQ(nwarn, 2);
	CHECK(strstr(last_warn, "too short for its type"));
}

/* Types this parser does not read are skipped without a word; a second
 * tag of a type that comes once is ignored with one. */
TEST(unknown_and_repeated_tags)
{
	mb2_begin(MBI);
	mb2_tag(5, 20, "\xff\xff\xff\xff\0\0\0\0\0\0\0");	/* BIOS boot device */
	mb2_tag(99, 13, "hello");
	mb2_tag(0x7FFFFFFF, 8, NULL);
	mb2_string(1, "first");
	mb2_string(1, "second");
	mb2_meminfo(640, 1024);
	mb2_end();
	CHECK_EQ(mb2_parse(MAGIC, MBI, &io, &mb), OK);
	CHECK_STR(mb.cmdline, "first");
	CHECK_EQ(nwarn, 1);
	CHECK(strstr(last_warn, "second tag"));
}

/* The information must be 8-byte aligned; at an odd address it is still
 * read (byte by byte), with a warning. */
TEST(misaligned_information_is_read)
{
	mb2_begin(MBI + 3);
	mb2_string(1, "odd");
	mb2_meminfo(640, 1024);
	mb2_end();
	CHECK_EQ(mb2_parse(MAGIC, MBI + 3, &io, &mb), OK);
	CHECK_STR(mb.cmdline, "odd");
	CHECK_EQ(mb.map_source, MB_MAP_MEM_FIELDS);
	CHECK_EQ(nwarn, 1);
	CHECK(strstr(last_warn, "not 8-byte aligned"));
}

TEST(strings_too_long_or_unterminated)
{
	char line[300], name[100];

	memset(line, 'a', sizeof(line));
	line[MB_CMDLINE_MAX - 1] = 0;		/* 255 characters: fits */
	mb2_begin(MBI);
	mb2_string(1, line);
	mb2_meminfo(640, 1024);
	mb2_end();
	CHECK_EQ(mb2_parse(MAGIC, MBI, &io, &mb), OK);
	CHECK(!mb.cmdline_too_long);
	CHECK_STR(mb.cmdline, line);

	line[MB_CMDLINE_MAX - 1] = 'b';		/* 256: refused whole, not cut */
	line[MB_CMDLINE_MAX] = 0;
	mb2_begin(MBI);
	mb2_string(1, line);
	mb2_meminfo(640, 1024);
	mb2_end();
	CHECK_EQ(mb2_parse(MAGIC, MBI, &io, &mb), OK);
	CHECK(mb.cmdline_too_long);
	CHECK_STR(mb.cmdline, "");

	/* No NUL inside the tag: ignored; a long loader name: cut. */
	memset(name, 'g', sizeof(name));
	name[sizeof(name) - 1] = 0;
	mb2_begin(MBI);
	mb2_tag(1, 8 + 5, "abcde");
	mb2_string(2, name);
	mb2_meminfo(640, 1024);
	mb2_end();
	CHECK_EQ(mb2_parse(MAGIC, MBI, &io, &mb), OK);
	CHECK_STR(mb.cmdline, "");
	CHECK(!mb.cmdline_too_long);
	CHECK_EQ(nwarn, 1);
	CHECK_EQ(strlen(mb.loader), MB_LOADER_NAME_MAX - 1);
}

TEST(modules_are_boot_ranges)
{
	uint32_t mod[3] = { 0x200000, 0x280000, 0 };

	mb2_begin(MBI);
	mb2_tag(3, 8 + 12, mod);
	mod[0] = 0x300000;
	mod[1] = 0x2FF000;			/* ends before it starts: ignored */
	mb2_tag(3, 8 + 12, mod);
	mb2_meminfo(640, 1024);
	mb2_end();
	CHECK_EQ(mb2_parse(MAGIC, MBI, &io, &mb), OK);
	CHECK_EQ(mb.nboot_ranges, 2);
	CHECK_EQ(mb.boot_ranges[1].base, 0x200000);
	CHECK_EQ(mb.boot_ranges[1].len, 0x80000);
	CHECK_EQ(nwarn, 1);

	mb2_begin(MBI);
	for (unsigned i = 0; i < MB_BOOT_RANGES_MAX; i++) {
		mod[0] = 0x200000 + i * 0x1000;
		mod[1] = mod[0] + 0x800;
		mb2_tag(3, 8 + 12, mod);
	}
	mb2_meminfo(640, 1024);
	mb2_end();
	CHECK_EQ(mb2_parse(MAGIC, MBI, &io, &mb), ERR_TOO_MANY);
}

TEST(framebuffer_colour_fields_are_read_where_the_tag_has_them)
{
	uint8_t fb[30];

	/* GRUB's direct-RGB tag: the common part (reserved is 16 bits), then
	 * red, green and blue position and size. */
	fb_body(fb, 0xFD000000u, 4096, 1024, 768, 32, 1);
	memcpy(fb + 24, "\x10\x08\x08\x08\x00\x08", 6);
	mb2_begin(MBI);
	mb2_tag(8, 8 + 30, fb);
	mb2_meminfo(640, 1024);
	mb2_end();
	CHECK_EQ(mb2_parse(MAGIC, MBI, &io, &mb), OK);
	CHECK(mb.has_fb);
	CHECK(mb.fb.has_rgb);
	CHECK_EQ(mb.fb.red_pos, 16);
	CHECK_EQ(mb.fb.red_size, 8);
	CHECK_EQ(mb.fb.green_pos, 8);
	CHECK_EQ(mb.fb.green_size, 8);
	CHECK_EQ(mb.fb.blue_pos, 0);
	CHECK_EQ(mb.fb.blue_size, 8);
	/* A tag one byte short of the fields: a framebuffer, but no colours. */
	mb2_begin(MBI);
	mb2_tag(8, 8 + 29, fb);
	mb2_meminfo(640, 1024);
	mb2_end();
	CHECK_EQ(mb2_parse(MAGIC, MBI, &io, &mb), OK);
	CHECK(mb.has_fb);
	CHECK(!mb.fb.has_rgb);
	/* An indexed-colour framebuffer's palette is not read as fields. */
	fb_body(fb, 0xFD000000u, 1024, 1024, 768, 8, 0);
	mb2_begin(MBI);
	mb2_tag(8, 8 + 30, fb);
	mb2_meminfo(640, 1024);
	mb2_end();
	CHECK_EQ(mb2_parse(MAGIC, MBI, &io, &mb), OK);
	CHECK(!mb.fb.has_rgb);
}

TEST(framebuffer_must_be_consistent)
{
	uint8_t fb[24];

	fb_body(fb, 0xFD000000u, 100, 768, 1, 32, 1);	/* 100 bytes for 768 pixels */
	mb2_begin(MBI);
	mb2_tag(8, 8 + 24, fb);
	mb2_meminfo(640, 1024);
	mb2_end();
	CHECK_EQ(mb2_parse(MAGIC, MBI, &io, &mb), OK);
	CHECK(!mb.has_fb);
	CHECK_EQ(nwarn, 1);
	CHECK(strstr(last_warn, "framebuffer"));
}

TEST(malformed_maps)
{
	struct efi_desc d[] = { { 7, 0x100000, 0x100 }, { 7, 0x10000000, UINT64_MAX >> 4 } };
	struct mm_entry e[] = { { 0x100000, 0x100000, 1 }, { 0x300000, 0, 1 } };
	uint64_t t;

	/* Descriptors smaller than 40 bytes: the EFI map is not read. */
	mb2_begin(MBI);
	t = mb2_efi_map(d, 1, 40);
	put(t + 8, 32, 4);
	mb2_mmap(e, 1, 24);
	mb2_end();
	CHECK_EQ(mb2_parse(MAGIC, MBI, &io, &mb), OK);
	CHECK_EQ(mb.map_source, MB_MAP_MMAP);
	CHECK_EQ(nwarn, 2);			/* descriptor size, no usable entry */

	/* Pages beyond 2^64 bytes: clipped; a partial descriptor: said;
	 * a version other than 1: said, read anyway. */
	mb2_begin(MBI);
	t = mb2_efi_map(d, 2, 48);
	mb2_end();
	put(t + 12, 2, 4);			/* version 2 */
	put(t + 4, 16 + 48 + 40, 4);		/* the second descriptor cut */
	put(t + 104, 0, 4);			/* and an end tag after it */
	put(t + 108, 8, 4);
	CHECK_EQ(mb2_parse(MAGIC, MBI, &io, &mb), OK);
	CHECK_EQ(mb.map.n, 1);
	CHECK_EQ(nwarn, 2);
	put(t + 4, 16 + 2 * 48, 4);		/* whole again */
	put(t + 104, 0, 8);
	CHECK_EQ(mb2_parse(MAGIC, MBI, &io, &mb), OK);
	CHECK_EQ(mb.map.n, 2);
	CHECK_EQ(mb.map.r[1].len, UINT64_MAX - 0x10000000);

	/* Memory map entries below 24 bytes: not read; zero-length ones
	 * skipped. */
	mb2_begin(MBI);
	t = mb2_mmap(e, 2, 24);
	mb2_meminfo(640, 1024);
	mb2_end();
	CHECK_EQ(mb2_parse(MAGIC, MBI, &io, &mb), OK);
	CHECK_EQ(mb.map.n, 1);
	CHECK_EQ(nwarn, 1);
	put(t + 8, 16, 4);
	CHECK_EQ(mb2_parse(MAGIC, MBI, &io, &mb), OK);
	CHECK_EQ(mb.map_source, MB_MAP_MEM_FIELDS);
}

/* More separate ranges than MEMMAP_MAX: the rest are dropped and
 * counted; neighbours of one kind never use up the map. */
TEST(long_efi_maps)
{
	static struct efi_desc d[MEMMAP_MAX * 3];
	unsigned n = sizeof(d) / sizeof(d[0]);

	for (unsigned i = 0; i < n; i++)
		d[i] = (struct efi_desc){ i % 2 ? 4 : 7, 0x100000 + i * PAGE, 1 };
	mb2_begin(MBI);
	mb2_efi_map(d, n, 48);
	mb2_end();
	CHECK_EQ(mb2_parse(MAGIC, MBI, &io, &mb), OK);
	CHECK_EQ(mb.map.n, 1);
	CHECK(has_range(0x100000, n * PAGE, MEM_USABLE));

	for (unsigned i = 0; i < n; i++)
		d[i] = (struct efi_desc){ i % 2 ? 0 : 7, 0x100000 + i * PAGE, 1 };
	mb2_begin(MBI);
	mb2_efi_map(d, n, 48);
	mb2_end();
	CHECK_EQ(mb2_parse(MAGIC, MBI, &io, &mb), OK);
	CHECK_EQ(mb.map.n, MEMMAP_MAX);
	CHECK_EQ(mb.map.dropped, n - MEMMAP_MAX);
}
