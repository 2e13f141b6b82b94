/*
 * libFuzzer target for mb_parse(): the input is physical memory from address
 * 0, and the information structure sits at 0, so every pointer in it (memory
 * map, command line, module list) may land anywhere in the input or outside
 * it. A successful parse must then give memmap_usable() a sane raw map.
 */
#include <stddef.h>
#include <stdint.h>
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct phys p = { data, size };
	struct boot_io io = { fmap, NULL, &p };
	static struct mb_info mb;
	struct memmap usable;
	unsigned len = 0;

	if (mb_parse(MULTIBOOT_BOOTLOADER_MAGIC, 0, &io, &mb) != OK)
		return 0;
	while (len < MB_CMDLINE_MAX && mb.cmdline[len])
		len++;
	if (len == MB_CMDLINE_MAX || mb.nboot_ranges > MB_BOOT_RANGES_MAX ||
	    mb.map.n > MEMMAP_MAX)
		__builtin_trap();
	if (memmap_usable(&mb.map, mb.boot_ranges, mb.nboot_ranges, 0, &usable) == OK)
		check_usable(&usable);
	return 0;
}
