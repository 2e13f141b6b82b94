/*
 * Multiboot2 boot information -> struct mb_info (lib/multiboot.h), the form
 * GRUB hands over under BIOS and UEFI alike. The information is one block:
 * total_size, a reserved word, then tags (type, size, payload), each at an
 * 8-byte aligned offset, up to an end tag. The walk records the first tag
 * of each type it reads (modules: every one), then the tags are read in an
 * order that does not depend on theirs: tag 18 (boot services still
 * running) changes what the EFI memory map means. Every read goes through
 * io->map and every field is assembled byte by byte, as in multiboot.c: a
 * size that lies gives a warning, never a read outside the block.
 */
#include <stddef.h>
#include "lib/multiboot.h"

/* Tag types (the Multiboot2 specification, "Boot information format"). */
enum {
	TAG_END = 0,
	TAG_CMDLINE = 1,
	TAG_LOADER = 2,
	TAG_MODULE = 3,
	TAG_MEMINFO = 4,
	TAG_MMAP = 6,
	TAG_FRAMEBUFFER = 8,
	TAG_EFI64 = 12,
	TAG_ACPI_OLD = 14,
	TAG_ACPI_NEW = 15,
	TAG_EFI_MMAP = 17,
	TAG_EFI_BS = 18,
	TAG_KNOWN = 19,		/* types below this may be recorded */
};

#define INFO_HDR	8	/* total_size, reserved */
#define TAG_HDR		8	/* type, size */
#define MMAP_ENTRY_MIN	24	/* base, length, type, reserved */
#define EFI_DESC_MIN	40	/* type, pad, physical, virtual, pages, attribute */
#define EFI_PAGE_SHIFT	12

/* The smallest size, header included, of each tag type this parser reads;
 * 0 for the types it does not read. A string tag holds at least its NUL. */
static const uint32_t tag_min[TAG_KNOWN] = {
	[TAG_CMDLINE] = 9, [TAG_LOADER] = 9, [TAG_MODULE] = 17, [TAG_MEMINFO] = 16,
	[TAG_MMAP] = 16, [TAG_FRAMEBUFFER] = 30, [TAG_EFI64] = 16,
	[TAG_ACPI_OLD] = 8, [TAG_ACPI_NEW] = 8, [TAG_EFI_MMAP] = 16, [TAG_EFI_BS] = 8,
};

/* The first tag of each type the walk met: offset in the block, size. */
struct tags {
	uint32_t off[TAG_KNOWN];	/* 0: none (no tag starts at 0) */
	uint32_t size[TAG_KNOWN];
};

/* EFI memory types (UEFI specification, EFI_MEMORY_TYPE). */
enum {
	EFI_RESERVED, EFI_LOADER_CODE, EFI_LOADER_DATA, EFI_BS_CODE, EFI_BS_DATA,
	EFI_RT_CODE, EFI_RT_DATA, EFI_CONVENTIONAL, EFI_UNUSABLE, EFI_ACPI_RECLAIM,
	EFI_ACPI_NVS, EFI_MMIO, EFI_MMIO_PORT, EFI_PAL_CODE, EFI_PERSISTENT,
	EFI_UNACCEPTED,
};

uint32_t mb2_efi_kind(uint32_t efi_type, bool boot_services_running, bool *known)
{
	*known = true;
	switch (efi_type) {
	case EFI_LOADER_CODE:
	case EFI_LOADER_DATA:
	case EFI_BS_CODE:
	case EFI_BS_DATA:
		/* Free once ExitBootServices() has run; the loader's own
		 * data that the kernel still needs (this information, the
		 * modules) is in boot_ranges. */
		return boot_services_running ? MEM_RESERVED : MEM_USABLE;
	case EFI_CONVENTIONAL:
		return MEM_USABLE;
	case EFI_UNUSABLE:
		return MEM_BAD;
	case EFI_ACPI_RECLAIM:
		return MEM_ACPI_RECLAIM;
	case EFI_ACPI_NVS:
		return MEM_ACPI_NVS;
	case EFI_PERSISTENT:
		return MEM_PERSISTENT;
	case EFI_RESERVED:
	case EFI_RT_CODE:	/* runtime services: the firmware's, for good */
	case EFI_RT_DATA:
	case EFI_MMIO:
	case EFI_MMIO_PORT:
	case EFI_PAL_CODE:
	case EFI_UNACCEPTED:	/* usable only after accepting it (TDX, SNP) */
		return MEM_RESERVED;
	}
	*known = false;
	return MEM_RESERVED;
}

static void zero(void *p, uint64_t n)
{
	uint8_t *b = p;

	while (n--)
		*b++ = 0;
}

/* Appends a range to the raw map, merged into the last one when it
 * continues it with the same kind: an EFI map lists many neighbouring
 * pieces of one use, more than MEMMAP_MAX on some firmware. */
static void add_range(const struct boot_io *io, struct memmap *map, uint64_t base,
		      uint64_t len, uint32_t kind)
{
	struct mem_range *last = map->n ? &map->r[map->n - 1] : NULL;

	if (len == 0) {
		bootio_warn(io, "multiboot2: zero-length memory map entry skipped", base);
		return;
	}
	if (len > UINT64_MAX - base) {
		bootio_warn(io, "multiboot2: memory map entry wraps past 2^64; clipped", base);
		len = UINT64_MAX - base;
	}
	if (last && last->kind == kind && last->base + last->len == base) {
		last->len += len;
		return;
	}
	if (memmap_add(map, base, len, kind) == ERR_TOO_MANY)
		bootio_warn(io, "multiboot2: memory map too long; entry dropped", base);
}

static bool has_usable(const struct memmap *m)
{
	for (unsigned i = 0; i < m->n; i++)
		if (m->r[i].kind == MEM_USABLE)
			return true;
	return false;
}

/* Tag 6: entries of entry_size bytes (at least 24). Types 1..5 are
 * Multiboot's own; 7 is persistent memory (GRUB passes e820's type on);
 * every other type (GRUB's 20 for EFI runtime code, say) is reserved. */
static bool parse_mmap(const struct boot_io *io, const uint8_t *t, uint32_t size,
		       struct memmap *map)
{
	uint32_t esize = get_le32(t + 8), off;

	if (esize < MMAP_ENTRY_MIN) {
		bootio_warn(io, "multiboot2: memory map entry_size below 24; map ignored", esize);
		return false;
	}
	for (off = 16; size - off >= esize; off += esize) {
		const uint8_t *e = t + off;
		uint32_t type = get_le32(e + 16);

		if (type == MEM_PERSISTENT) {
			/* kept as it is */
		} else if (type < MEM_USABLE || type > MEM_BAD) {
			bootio_warn(io, "multiboot2: unknown memory type treated as reserved", type);
			type = MEM_RESERVED;
		}
		add_range(io, map, get_le64(e), get_le64(e + 8), type);
	}
	if (off != size)
		bootio_warn(io, "multiboot2: memory map ends in a partial entry", size - off);
	return true;
}

/* Tag 17: the firmware's map as ExitBootServices() left it, descriptors of
 * descr_size bytes (at least 40; firmware may add fields after them). */
static bool parse_efi_mmap(const struct boot_io *io, const uint8_t *t, uint32_t size,
			   struct mb_info *out)
{
	uint32_t dsize = get_le32(t + 8), off;

	if (dsize < EFI_DESC_MIN) {
		bootio_warn(io, "multiboot2: EFI memory descriptor size below 40; EFI map ignored", dsize);
		return false;
	}
	if (get_le32(t + 12) != 1)
		bootio_warn(io, "multiboot2: EFI memory descriptor version is not 1; read as version 1",
			    get_le32(t + 12));
	for (off = 16; size - off >= dsize; off += dsize) {
		const uint8_t *d = t + off;
		uint32_t type = get_le32(d);
		uint64_t pages = get_le64(d + 24), len;
		bool known;
		uint32_t kind = mb2_efi_kind(type, out->efi_boot_services, &known);

		if (!known) {
			out->efi_unknown++;
			bootio_warn(io, "multiboot2: unknown EFI memory type treated as reserved", type);
		}
		len = pages > (UINT64_MAX >> EFI_PAGE_SHIFT) ? UINT64_MAX : pages << EFI_PAGE_SHIFT;
		add_range(io, &out->map, get_le64(d + 8), len, kind);
	}
	if (off != size)
		bootio_warn(io, "multiboot2: EFI memory map ends in a partial descriptor", size - off);
	return true;
}

static void reset_map(struct memmap *m)
{
	m->n = 0;
	m->dropped = 0;
}

/* The EFI map, else the memory map, else mem_lower/mem_upper: the first
 * that has usable memory. */
static void choose_map(const struct boot_io *io, const uint8_t *info, const struct tags *tg,
		       struct mb_info *out)
{
	uint32_t o;

	if ((o = tg->off[TAG_EFI_MMAP])) {
		if (parse_efi_mmap(io, info + o, tg->size[TAG_EFI_MMAP], out) && has_usable(&out->map)) {
			out->map_source = MB_MAP_EFI;
			return;
		}
		bootio_warn(io, "multiboot2: the EFI memory map has no usable entry; not used", 0);
		reset_map(&out->map);
	}
	if ((o = tg->off[TAG_MMAP])) {
		if (parse_mmap(io, info + o, tg->size[TAG_MMAP], &out->map) && has_usable(&out->map)) {
			out->map_source = MB_MAP_MMAP;
			out->map_from_mmap = true;
			return;
		}
		bootio_warn(io, "multiboot2: the memory map has no usable entry; not used", 0);
		reset_map(&out->map);
	}
	if ((o = tg->off[TAG_MEMINFO])) {
		memmap_add(&out->map, 0, (uint64_t)get_le32(info + o + 8) * 1024, MEM_USABLE);
		memmap_add(&out->map, 1ull << 20, (uint64_t)get_le32(info + o + 12) * 1024,
			   MEM_USABLE);
		out->map_source = MB_MAP_MEM_FIELDS;
	}
}

/* The string of tag `t` (size bytes with the header): its length, with
 * the NUL within the tag; -1 if there is no NUL. */
static long tag_strlen(const uint8_t *t, uint32_t size)
{
	for (uint32_t i = TAG_HDR; i < size; i++)
		if (!t[i])
			return (long)(i - TAG_HDR);
	return -1;
}

/* The command line, refused whole if it does not fit (multiboot.c says
 * why); the loader's name, cut if it does not (it is only shown). */
static void parse_strings(const struct boot_io *io, const uint8_t *info, const struct tags *tg,
			  struct mb_info *out)
{
	uint32_t o;
	long n;

	if ((o = tg->off[TAG_CMDLINE])) {
		n = tag_strlen(info + o, tg->size[TAG_CMDLINE]);
		if (n < 0)
			bootio_warn(io, "multiboot2: command line tag has no terminating NUL; ignored", 0);
		else if (n >= MB_CMDLINE_MAX)
			out->cmdline_too_long = true;
		else
			for (long i = 0; i <= n; i++)
				out->cmdline[i] = (char)info[o + TAG_HDR + i];
	}
	if ((o = tg->off[TAG_LOADER])) {
		n = tag_strlen(info + o, tg->size[TAG_LOADER]);
		if (n < 0) {
			bootio_warn(io, "multiboot2: boot loader name has no terminating NUL; ignored", 0);
			return;
		}
		if (n >= MB_LOADER_NAME_MAX)
			n = MB_LOADER_NAME_MAX - 1;
		for (long i = 0; i < n; i++)
			out->loader[i] = (char)info[o + TAG_HDR + i];
		out->loader[n] = 0;
	}
}

/* Where a direct-RGB framebuffer's colour fields start in tag 8: after
 * the common part, whose reserved field is 16 bits in GRUB's multiboot2.h
 * (what GRUB writes), and their end. */
#define FB_RGB_FIELDS	32
#define FB_RGB_END	(FB_RGB_FIELDS + 6)
#define FB_TYPE_RGB	1

/* Tag 8, when it describes a framebuffer that fits in the address space. */
static void parse_framebuffer(const struct boot_io *io, const uint8_t *t, uint32_t size,
			      struct mb_info *out)
{
	struct mb_framebuffer fb = {
		.addr = get_le64(t + 8), .pitch = get_le32(t + 16), .width = get_le32(t + 20),
		.height = get_le32(t + 24), .bpp = t[28], .type = t[29],
	};

	if (fb.type == FB_TYPE_RGB && size >= FB_RGB_END) {
		const uint8_t *f = t + FB_RGB_FIELDS;
		fb.has_rgb = true;
		fb.red_pos = f[0], fb.red_size = f[1];
		fb.green_pos = f[2], fb.green_size = f[3];
		fb.blue_pos = f[4], fb.blue_size = f[5];
	}

	if (!fb.width || !fb.height || !fb.bpp || (uint64_t)fb.pitch * 8 < (uint64_t)fb.width * fb.bpp ||
	    (uint64_t)fb.pitch * fb.height > UINT64_MAX - fb.addr) {
		bootio_warn(io, "multiboot2: framebuffer tag is inconsistent; ignored", fb.addr);
		return;
	}
	out->fb = fb;
	out->has_fb = true;
}

/* Tag 3: the module is boot information the kernel must keep. */
static err_t add_module(const struct boot_io *io, const uint8_t *t, struct mb_info *out)
{
	uint32_t start = get_le32(t + 8), end = get_le32(t + 12);

	if (end < start) {
		bootio_warn(io, "multiboot2: module ends before it starts; ignored", start);
		return OK;
	}
	return mb_add_boot_range(out, start, end - start);
}

/* Walks the tags up to the end tag, recording the first of each type.
 * Returns an error only for what cannot be worked around (more modules
 * than boot_ranges holds). */
static err_t walk(const struct boot_io *io, const uint8_t *info, uint32_t total,
		  struct tags *tg, struct mb_info *out)
{
	uint32_t off = INFO_HDR;
	err_t err = OK;

	for (;;) {
		uint32_t type, size;

		if (off > total || total - off < TAG_HDR) {
			bootio_warn(io, "multiboot2: the tags end without an end tag", off);
			return err;
		}
		type = get_le32(info + off);
		size = get_le32(info + off + 4);
		if (size < TAG_HDR || size > total - off) {
			bootio_warn(io, "multiboot2: a tag's size is below 8 or runs past total_size; the tags after it are ignored",
				    type);
			return err;
		}
		if (type == TAG_END)
			return err;
		if (type < TAG_KNOWN && tag_min[type]) {
			if (size < tag_min[type])
				bootio_warn(io, "multiboot2: a tag is too short for its type; ignored", type);
			else if (type == TAG_MODULE)
				err = err ? err : add_module(io, info + off, out);
			else if (tg->off[type])
				bootio_warn(io, "multiboot2: a second tag of a type that comes once; ignored", type);
			else {
				tg->off[type] = off;
				tg->size[type] = size;
			}
		}
		/* Other types are skipped, as the specification says. */
		off += (size + 7) & ~7u;	/* size <= MB2_INFO_MAX: no wrap */
	}
}

err_t mb2_parse(uint32_t magic, uint64_t mbi_pa, const struct boot_io *io,
		struct mb_info *out)
{
	struct tags tg;
	const uint8_t *info;
	uint32_t total, o;
	err_t err;

	zero(out, sizeof(*out));
	zero(&tg, sizeof(tg));
	out->version = 2;
	if (magic != MULTIBOOT2_BOOTLOADER_MAGIC)
		return ERR_BAD_SIGNATURE;
	info = bootio_map(io, mbi_pa, INFO_HDR);
	if (!info)
		return ERR_TRUNCATED;
	total = get_le32(info);
	if (total < INFO_HDR + TAG_HDR || total > MB2_INFO_MAX) {
		bootio_warn(io, "multiboot2: total_size is below 16 or above MB2_INFO_MAX", total);
		return ERR_TRUNCATED;
	}
	info = bootio_map(io, mbi_pa, total);
	if (!info)
		return ERR_TRUNCATED;
	if (mbi_pa % 8)
		bootio_warn(io, "multiboot2: boot information is not 8-byte aligned; read anyway", mbi_pa);
	mb_add_boot_range(out, mbi_pa, total);	/* the first range: cannot fail */

	err = walk(io, info, total, &tg, out);
	out->efi_boot_services = tg.off[TAG_EFI_BS] != 0;
	choose_map(io, info, &tg, out);
	if (out->map_source == MB_MAP_NONE)
		return ERR_NOT_FOUND;
	parse_strings(io, info, &tg, out);
	if ((o = tg.off[TAG_FRAMEBUFFER]))
		parse_framebuffer(io, info + o, tg.size[TAG_FRAMEBUFFER], out);
	if ((o = tg.off[TAG_EFI64]))
		out->efi_system_table = get_le64(info + o + 8);
	if ((o = tg.off[TAG_ACPI_NEW])) {
		out->rsdp_new_pa = mbi_pa + o + TAG_HDR;
		out->rsdp_new_len = tg.size[TAG_ACPI_NEW] - TAG_HDR;
	}
	if ((o = tg.off[TAG_ACPI_OLD])) {
		out->rsdp_old_pa = mbi_pa + o + TAG_HDR;
		out->rsdp_old_len = tg.size[TAG_ACPI_OLD] - TAG_HDR;
	}
	return err;
}
