/*
 * libFuzzer target for bootimg_check(): the input is the archive. After a
 * successful check the accessors must agree with it: every file's name is
 * terminated, non-empty and printable inside its 32 bytes, every file lies
 * after the entry table and inside total_size (<= the input), files do not
 * overlap, and bootimg_find() on each name returns that very entry.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "lib/bootimg.h"

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void check_name(const char *name)
{
	size_t n = strnlen(name, BOOTIMG_NAME_MAX);

	if (n == 0 || n == BOOTIMG_NAME_MAX)
		__builtin_trap();
	for (size_t i = 0; i < n; i++)
		if (name[i] < 0x20 || name[i] > 0x7E || name[i] == '/')
			__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bootimg_file f, g, h;
	volatile uint8_t sink = 0;
	uint64_t total, table_end;
	unsigned n, i, j;

	if (bootimg_check(data, size) != OK)
		return 0;
	n = bootimg_count(data);
	total = le32(data + 12);
	table_end = BOOTIMG_HDR_SIZE + (uint64_t)n * BOOTIMG_ENTRY_SIZE;
	if (n > BOOTIMG_MAX_FILES || total > size || table_end > total)
		__builtin_trap();
	for (i = 0; i < n; i++) {
		if (bootimg_get(data, i, &f) != OK)
			__builtin_trap();
		if (f.name != (const char *)data + BOOTIMG_HDR_SIZE + i * BOOTIMG_ENTRY_SIZE)
			__builtin_trap();
		check_name(f.name);
		if (f.offset % BOOTIMG_ALIGN || f.offset < table_end ||
		    f.offset > total || f.size > total - f.offset ||
		    f.data != data + f.offset)
			__builtin_trap();
		if (f.size) {
			sink ^= ((const uint8_t *)f.data)[0];
			sink ^= ((const uint8_t *)f.data)[f.size - 1];
		}
		if (bootimg_find(data, f.name, &g) != OK || g.name != f.name ||
		    g.data != f.data || g.size != f.size)
			__builtin_trap();
		for (j = 0; j < i; j++) {
			if (bootimg_get(data, j, &h) != OK || strcmp(h.name, f.name) == 0)
				__builtin_trap();
			if (f.size && h.size && f.offset < h.offset + h.size &&
			    h.offset < f.offset + f.size)
				__builtin_trap();
		}
	}
	if (bootimg_get(data, n, &f) != ERR_NOT_FOUND)
		__builtin_trap();
	(void)sink;
	return 0;
}
