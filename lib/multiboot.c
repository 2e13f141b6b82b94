/*
 * Multiboot v1 boot information -> struct mb_info. Every byte is read through
 * io->map, and every multi-byte field is assembled byte by byte: the boot
 * loader's structures may sit at any alignment, and a pointer inside them may
 * point anywhere (unbacked -> a warning or ERR_TRUNCATED, never a fault).
 * The result is self-contained; boot_ranges names what the kernel must keep
 * intact while it still reads it (above all the modules).
 */
#include <stddef.h>
#include "lib/multiboot.h"

/* Offsets in the information structure. MBI_SIZE covers the fields up to the
 * VBE ones, which every v1 boot loader provides room for. */
#define MBI_FLAGS		0
#define MBI_MEM_LOWER		4
#define MBI_MEM_UPPER		8
#define MBI_CMDLINE		16
#define MBI_MODS_COUNT		20
#define MBI_MODS_ADDR		24
#define MBI_MMAP_LENGTH		44
#define MBI_MMAP_ADDR		48
#define MBI_SIZE		88

#define MOD_ENTRY_SIZE		16	/* mod_start, mod_end, string, reserved */
#define MMAP_ENTRY_MIN		20	/* base_addr, length, type after `size` */

static void zero(void *p, uint64_t n)
{
	uint8_t *b = p;

	while (n--)
		*b++ = 0;
}

err_t mb_add_boot_range(struct mb_info *out, uint64_t base, uint64_t len)
{
	struct mem_range *r;

	if (len > UINT64_MAX - base)
		len = UINT64_MAX - base;
	if (len == 0)
		return OK;
	if (out->nboot_ranges >= MB_BOOT_RANGES_MAX)
		return ERR_TOO_MANY;
	r = &out->boot_ranges[out->nboot_ranges++];
	r->base = base;
	r->len = len;
	r->kind = MEM_RESERVED;
	return OK;
}

/* One memory map entry (the 20 bytes after its `size` field). */
static void add_entry(const struct boot_io *io, const uint8_t *e, struct memmap *map)
{
	uint64_t base = get_le64(e), len = get_le64(e + 8);
	uint32_t type = get_le32(e + 16);

	if (len == 0) {
		bootio_warn(io, "multiboot: zero-length memory map entry skipped", base);
		return;
	}
	if (type < MEM_USABLE || type > MEM_BAD) {
		bootio_warn(io, "multiboot: unknown memory type treated as reserved", type);
		type = MEM_RESERVED;
	}
	if (len > UINT64_MAX - base)
		bootio_warn(io, "multiboot: memory map entry wraps past 2^64; clipped", base);
	if (memmap_add(map, base, len, type) == ERR_TOO_MANY)
		bootio_warn(io, "multiboot: memory map too long; entry dropped", base);
}

/* Reads the memory map (flag 6). False if it is unreadable, which the
 * caller treats like a missing map. */
static bool parse_mmap(const struct boot_io *io, const uint8_t *mbi, struct mb_info *out)
{
	uint32_t len = get_le32(mbi + MBI_MMAP_LENGTH), off = 0;
	uint64_t pa = get_le32(mbi + MBI_MMAP_ADDR);
	const uint8_t *p;

	if (len == 0)
		return true;
	p = bootio_map(io, pa, len);
	if (!p) {
		bootio_warn(io, "multiboot: memory map is unreadable", pa);
		return false;
	}
	mb_add_boot_range(out, pa, len);	/* the second range: cannot fail */
	while (off < len) {
		uint32_t size;

		if (len - off < 4) {
			bootio_warn(io, "multiboot: memory map entry runs past mmap_length", off);
			break;
		}
		size = get_le32(p + off);
		if (size < MMAP_ENTRY_MIN) {
			bootio_warn(io, "multiboot: memory map entry size below 20; map ends", size);
			break;
		}
		if (size > len - off - 4) {
			bootio_warn(io, "multiboot: memory map entry runs past mmap_length", off);
			break;
		}
		add_entry(io, p + off + 4, &out->map);
		off += size + 4;
	}
	return true;
}

static bool has_usable(const struct memmap *m)
{
	unsigned i;

	for (i = 0; i < m->n; i++)
		if (m->r[i].kind == MEM_USABLE)
			return true;
	return false;
}

/* The map a loader without flag 6 implies: conventional memory from 0 and
 * extended memory from 1 MiB, both in KiB. */
static void map_from_mem_fields(const uint8_t *mbi, struct memmap *map)
{
	map->n = 0;
	map->dropped = 0;
	memmap_add(map, 0, (uint64_t)get_le32(mbi + MBI_MEM_LOWER) * 1024, MEM_USABLE);
	memmap_add(map, 1ull << 20, (uint64_t)get_le32(mbi + MBI_MEM_UPPER) * 1024,
		   MEM_USABLE);
}

/*
 * Copies the command line. The bytes up to its NUL, or the first
 * MB_CMDLINE_MAX-1 of them, must be readable; otherwise it is left "".
 * A longer one is not cut: it is refused whole (left "", with
 * cmdline_too_long), since its cut end would be a different word
 * (maxcores=12 as maxcores=1) and the words after it would be lost.
 */
static err_t parse_cmdline(const struct boot_io *io, uint32_t pa, struct mb_info *out)
{
	const uint8_t *c = NULL;
	unsigned i;

	for (i = 0; i < MB_CMDLINE_MAX - 1; i++) {
		c = bootio_map(io, (uint64_t)pa + i, 1);
		if (!c) {
			bootio_warn(io, "multiboot: command line is unreadable", pa);
			out->cmdline[0] = 0;
			return OK;
		}
		if (!*c)
			break;
		out->cmdline[i] = (char)*c;
	}
	out->cmdline[i] = 0;
	if (i == MB_CMDLINE_MAX - 1) {
		/* Full: longer unless the next byte is the NUL. */
		c = bootio_map(io, (uint64_t)pa + i, 1);
		out->cmdline_too_long = !c || *c;
		if (out->cmdline_too_long)
			out->cmdline[0] = 0;
	}
	return mb_add_boot_range(out, pa, (uint64_t)i + 1);
}

/* Records the module list and each module as boot ranges. */
static err_t parse_mods(const struct boot_io *io, const uint8_t *mbi, struct mb_info *out)
{
	uint32_t count = get_le32(mbi + MBI_MODS_COUNT), i;
	uint64_t pa = get_le32(mbi + MBI_MODS_ADDR);
	const uint8_t *list;
	err_t err;

	if (count == 0)
		return OK;
	list = bootio_map(io, pa, (uint64_t)count * MOD_ENTRY_SIZE);
	if (!list) {
		bootio_warn(io, "multiboot: module list is unreadable", pa);
		return OK;
	}
	err = mb_add_boot_range(out, pa, (uint64_t)count * MOD_ENTRY_SIZE);
	for (i = 0; i < count && !err; i++) {
		const uint8_t *m = list + (uint64_t)i * MOD_ENTRY_SIZE;
		uint32_t start = get_le32(m), end = get_le32(m + 4);

		if (end < start) {
			bootio_warn(io, "multiboot: module ends before it starts; ignored", i);
			continue;
		}
		err = mb_add_boot_range(out, start, end - start);
	}
	return err;
}

/*
 * An unreadable memory map counts as no map: with neither a readable map nor
 * the mem fields there is no memory information at all (ERR_NOT_FOUND).
 */
err_t mb_parse(uint32_t magic, uint64_t mbi_pa, const struct boot_io *io,
	       struct mb_info *out)
{
	const uint8_t *mbi;
	bool have_map = false;
	err_t err = OK;

	zero(out, sizeof(*out));
	out->version = 1;
	if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
		return ERR_BAD_SIGNATURE;
	mbi = bootio_map(io, mbi_pa, MBI_SIZE);
	if (!mbi)
		return ERR_TRUNCATED;
	out->flags = get_le32(mbi + MBI_FLAGS);
	mb_add_boot_range(out, mbi_pa, MBI_SIZE);	/* the first range: cannot fail */

	if (out->flags & MB_INFO_MEM_MAP)
		have_map = parse_mmap(io, mbi, out);
	if (!have_map && !(out->flags & MB_INFO_MEMORY))
		return ERR_NOT_FOUND;
	out->map_from_mmap = have_map;
	out->map_source = have_map ? MB_MAP_MMAP : MB_MAP_MEM_FIELDS;
	if (!has_usable(&out->map)) {
		if (out->flags & MB_INFO_MEMORY) {
			if (have_map)
				bootio_warn(io, "multiboot: memory map has no usable entry; using mem_lower/mem_upper", 0);
			map_from_mem_fields(mbi, &out->map);
			out->map_from_mmap = false;
			out->map_source = MB_MAP_MEM_FIELDS;
		} else {
			bootio_warn(io, "multiboot: memory map has no usable entry", 0);
		}
	}

	if (out->flags & MB_INFO_CMDLINE)
		err = parse_cmdline(io, get_le32(mbi + MBI_CMDLINE), out);
	if (!err && (out->flags & MB_INFO_MODS))
		err = parse_mods(io, mbi, out);
	return err;
}
