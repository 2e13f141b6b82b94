/*
 * Validating parser for the user programs Flotilla loads: static ELF64
 * x86-64 executables (ET_EXEC, no interpreter, no dynamic section, no TLS).
 * elf_parse() reads only the bytes it is given and returns the loadable
 * segments; after OK every segment lies inside the file and inside
 * [4096, user_top), no two segments share a 4 KiB page, and the entry
 * point is in an executable segment, so a loader may map them blindly.
 */
#ifndef LIB_ELF_H
#define LIB_ELF_H

#include <stdint.h>
#include <kpi/errors.h>

/* Segment permissions: the ELF p_flags bits PF_R, PF_W and PF_X. */
#define ELF_R		4u
#define ELF_W		2u
#define ELF_X		1u

#define ELF_MAX_SEGMENTS	8

struct elf_segment {
	uint64_t vaddr, memsz, filesz, offset;
	uint32_t flags;		/* ELF_R | ELF_W | ELF_X; other p_flags bits dropped */
};

struct elf_image {
	uint64_t entry;
	unsigned nseg;		/* 1..ELF_MAX_SEGMENTS, in file order */
	struct elf_segment seg[ELF_MAX_SEGMENTS];
};

/*
 * Checks the `len` bytes at `data` and fills *out (unspecified on error).
 * Segments must end at or below `user_top` (exclusive bound). Errors:
 * ERR_ELF_MAGIC (no "\x7fELF"), ERR_TRUNCATED (shorter than the header),
 * ERR_ELF_KIND (not a static 64-bit LE x86-64 ET_EXEC, or needs TLS),
 * ERR_TOO_MANY (more than ELF_MAX_SEGMENTS non-empty PT_LOADs),
 * ERR_ELF_SEGMENT (any other problem with the program headers or entry).
 */
err_t elf_parse(const void *data, uint64_t len, uint64_t user_top, struct elf_image *out);

/* "r-x" style text for segment flags, written to buf; returns buf. */
const char *elf_flags_str(uint32_t flags, char buf[4]);

#endif
