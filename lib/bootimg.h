/*
 * The boot image: an archive of user programs embedded in the kernel,
 * written by tools/mkbootimg.py. Layout (little-endian):
 *	0	char magic[8]		"FLOTIMG1"
 *	8	uint32 count		entries, at most BOOTIMG_MAX_FILES
 *	12	uint32 total_size	whole archive, header included
 *	16	count entries of 48 bytes:
 *		char name[32]		NUL-terminated, non-empty, printable, no '/'
 *		uint64 offset		from the archive start, 4096-aligned
 *		uint64 size
 * then the file data. Files lie after the entry table, inside total_size,
 * and do not overlap, so each can be mapped as whole frames.
 */
#ifndef LIB_BOOTIMG_H
#define LIB_BOOTIMG_H

#include <stdint.h>
#include <kpi/errors.h>

#define BOOTIMG_MAGIC		"FLOTIMG1"
#define BOOTIMG_HDR_SIZE	16
#define BOOTIMG_ENTRY_SIZE	48
#define BOOTIMG_NAME_MAX	32	/* bytes of the name field, NUL included */
#define BOOTIMG_MAX_FILES	64
#define BOOTIMG_ALIGN		4096

struct bootimg_file {
	const char *name;	/* points into the archive */
	const void *data;	/* archive + offset */
	uint64_t offset, size;
};

/*
 * Validates the `len` bytes at `img`: ERR_BAD_SIGNATURE (magic),
 * ERR_TRUNCATED (header, table or a file past total_size, or total_size
 * past len), ERR_TOO_MANY (count), ERR_INVALID_ARG (a bad or duplicate
 * name, an unaligned offset), ERR_OVERLAP (a file overlaps another or the
 * header and entry table). The functions below trust an archive that
 * passed, and may be used on it only.
 */
err_t bootimg_check(const void *img, uint64_t len);

unsigned bootimg_count(const void *img);

/* File i, in table order; ERR_NOT_FOUND if i >= count. */
err_t bootimg_get(const void *img, unsigned i, struct bootimg_file *out);

/* The file called `name`; ERR_NOT_FOUND if there is none. */
err_t bootimg_find(const void *img, const char *name, struct bootimg_file *out);

#endif
