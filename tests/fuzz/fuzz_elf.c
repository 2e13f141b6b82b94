/*
 * libFuzzer target for elf_parse(): the input is the file, parsed once
 * with a lower-half user_top and once with no limit at all (so sums near
 * 2^64 are reached). A successful parse must hand back only what a loader
 * may map blindly: every segment non-empty, inside the file and inside
 * [4096, user_top), vaddr and offset at the same place in their pages, no
 * 4 KiB page in two segments, and the entry point in an executable one.
 */
#include <stddef.h>
#include <stdint.h>
#include "lib/elf.h"

#define USER_TOP	0x800000000000ull
#define PAGE		4096u

static void check_image(const struct elf_image *img, const uint8_t *data, size_t size,
			uint64_t top)
{
	volatile uint8_t sink = 0;
	int entry_ok = 0;
	unsigned i, j;

	if (img->nseg == 0 || img->nseg > ELF_MAX_SEGMENTS)
		__builtin_trap();
	for (i = 0; i < img->nseg; i++) {
		const struct elf_segment *s = &img->seg[i];

		if (s->memsz == 0 || s->filesz > s->memsz || (s->flags & ~7u))
			__builtin_trap();
		if (s->offset > size || s->filesz > size - s->offset)
			__builtin_trap();
		if (s->vaddr < PAGE || s->vaddr > top || s->memsz > top - s->vaddr)
			__builtin_trap();
		if (s->vaddr % PAGE != s->offset % PAGE)
			__builtin_trap();
		/* Read the segment's file bytes: ASan objects if any is outside. */
		if (s->filesz) {
			sink ^= data[s->offset];
			sink ^= data[s->offset + s->filesz - 1];
		}
		for (j = 0; j < i; j++) {
			const struct elf_segment *t = &img->seg[j];

			if (s->vaddr / PAGE <= (t->vaddr + t->memsz - 1) / PAGE &&
			    t->vaddr / PAGE <= (s->vaddr + s->memsz - 1) / PAGE)
				__builtin_trap();
		}
		if ((s->flags & ELF_X) && img->entry >= s->vaddr &&
		    img->entry - s->vaddr < s->memsz)
			entry_ok = 1;
	}
	if (!entry_ok)
		__builtin_trap();
	(void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct elf_image img;
	char buf[4];

	if (elf_parse(data, size, USER_TOP, &img) == OK)
		check_image(&img, data, size, USER_TOP);
	if (elf_parse(data, size, UINT64_MAX, &img) == OK) {
		check_image(&img, data, size, UINT64_MAX);
		elf_flags_str(img.seg[0].flags, buf);
		if (buf[3] != 0)
			__builtin_trap();
	}
	return 0;
}
