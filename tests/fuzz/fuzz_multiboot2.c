/*
 * libFuzzer target for mb2_parse(): the input is physical memory from
 * address 0, and the boot information starts at the address its first
 * byte names (0..15: aligned or not), so every size in it (total_size,
 * each tag's, entry and descriptor sizes) may be anything. A successful
 * parse must give a terminated command line and loader name, a map and
 * boot ranges within their arrays, RSDP copies inside the information,
 * and a raw map that memmap_usable() turns into a sane usable list. The
 * RSDP copies are then read by acpi_locate_rsdp()/acpi_parse_at(), which
 * must stay inside their room and the input.
 */
#include <stddef.h>
#include <stdint.h>
#include "lib/acpi.h"
#include "lib/multiboot.h"

struct phys {
	const uint8_t *data;
	size_t size;
};

static const void *fmap(void *ctx, uint64_t pa, uint64_t len)
{
	struct phys *p = ctx;

	if (pa > p->size || len > p->size - pa)
		return NULL;
	return p->data + pa;
}

static void check_usable(const struct memmap *u)
{
	for (unsigned i = 0; i < u->n; i++) {
		const struct mem_range *r = &u->r[i];

		if (r->len == 0 || (r->base | r->len) % PAGE_SIZE)
			__builtin_trap();
		if (i && r->base <= u->r[i - 1].base + u->r[i - 1].len)
			__builtin_trap();
	}
}

/* An RSDP copy lies wholly inside the boot information. */
static void check_copy(uint64_t pa, uint32_t len, const struct mem_range *info)
{
	if (pa && (pa < info->base || len > info->len || pa - info->base > info->len - len))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct phys p = { data, size };
	struct boot_io io = { fmap, NULL, &p };
	static struct mb_info mb;
	static struct acpi_info acpi;
	struct acpi_rsdp_at at;
	struct memmap usable;
	unsigned len = 0;
	err_t err;

	if (size == 0)
		return 0;
	err = mb2_parse(MULTIBOOT2_BOOTLOADER_MAGIC, data[0] & 15, &io, &mb);
	if (err != OK && err != ERR_TOO_MANY)
		return 0;
	while (len < MB_CMDLINE_MAX && mb.cmdline[len])
		len++;
	if (len == MB_CMDLINE_MAX || mb.nboot_ranges > MB_BOOT_RANGES_MAX ||
	    mb.map.n > MEMMAP_MAX || mb.map_source == MB_MAP_NONE)
		__builtin_trap();
	for (len = 0; len < MB_LOADER_NAME_MAX && mb.loader[len]; len++)
		;
	if (len == MB_LOADER_NAME_MAX)
		__builtin_trap();
	check_copy(mb.rsdp_new_pa, mb.rsdp_new_len, &mb.boot_ranges[0]);
	check_copy(mb.rsdp_old_pa, mb.rsdp_old_len, &mb.boot_ranges[0]);
	if (memmap_usable(&mb.map, mb.boot_ranges, mb.nboot_ranges, 0, &usable) == OK)
		check_usable(&usable);
	if (acpi_locate_rsdp(&io, mb.rsdp_new_pa, mb.rsdp_new_len, mb.rsdp_old_pa,
			     mb.rsdp_old_len, &at) == OK)
		acpi_parse_at(&io, &at, &acpi);
	return 0;
}
