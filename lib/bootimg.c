/*
 * Boot image archive (format in bootimg.h). Only bootimg_check() distrusts
 * the bytes: it bounds the header by len, then everything else by
 * total_size (itself <= len), and tests each range end as "size <= limit -
 * start", so no sum wraps. The accessors run after a successful check and
 * read without bounds. Names and file ranges are compared pairwise, which
 * is at most 64 * 63 / 2 comparisons.
 */
#include <stdbool.h>
#include <stddef.h>
#include "lib/bootio.h"
#include "lib/bootimg.h"

#define MAGIC_LEN	8
#define H_COUNT		8
#define H_TOTAL		12
#define E_OFFSET	32
#define E_SIZE		40

static const uint8_t *entry(const void *img, unsigned i)
{
	return (const uint8_t *)img + BOOTIMG_HDR_SIZE + (uint64_t)i * BOOTIMG_ENTRY_SIZE;
}

/* NUL-terminated inside the field, non-empty, printable, no '/'. */
static bool name_ok(const uint8_t *n)
{
	unsigned i;

	for (i = 0; i < BOOTIMG_NAME_MAX; i++) {
		if (n[i] == 0)
			return i > 0;
		if (n[i] < 0x20 || n[i] > 0x7E || n[i] == '/')
			return false;
	}
	return false;
}

/* Compares an archive name (terminated inside its field) with `s`; stops at
 * the field's end, so an unterminated `s` is never read past it. */
static bool name_eq(const uint8_t *n, const char *s)
{
	unsigned i;

	for (i = 0; i < BOOTIMG_NAME_MAX; i++) {
		if (n[i] != (uint8_t)s[i])
			return false;
		if (n[i] == 0)
			return true;
	}
	return false;
}

/* One entry alone: name, alignment, bounds, and clear of the table. Even
 * an empty file must start past the table: its data pointer is handed out. */
static err_t check_entry(const uint8_t *e, uint64_t total, uint64_t table_end)
{
	uint64_t off = get_le64(e + E_OFFSET), size = get_le64(e + E_SIZE);

	if (!name_ok(e) || off % BOOTIMG_ALIGN)
		return ERR_INVALID_ARG;
	if (off > total || size > total - off)
		return ERR_TRUNCATED;
	if (off < table_end)
		return ERR_OVERLAP;
	return OK;
}

/* Both entries passed check_entry, so their ends lie inside total_size and
 * cannot wrap. An empty file occupies no bytes and overlaps nothing. */
static bool files_overlap(const uint8_t *a, const uint8_t *b)
{
	uint64_t ao = get_le64(a + E_OFFSET), as = get_le64(a + E_SIZE);
	uint64_t bo = get_le64(b + E_OFFSET), bs = get_le64(b + E_SIZE);

	return as && bs && ao < bo + bs && bo < ao + as;
}

err_t bootimg_check(const void *img, uint64_t len)
{
	const uint8_t *p = img;
	uint32_t count, total;
	uint64_t table_end;
	unsigned i, j;
	err_t err;

	if (len < MAGIC_LEN)
		return ERR_BAD_SIGNATURE;
	for (i = 0; i < MAGIC_LEN; i++)
		if (p[i] != (uint8_t)BOOTIMG_MAGIC[i])
			return ERR_BAD_SIGNATURE;
	if (len < BOOTIMG_HDR_SIZE)
		return ERR_TRUNCATED;
	count = get_le32(p + H_COUNT);
	total = get_le32(p + H_TOTAL);
	if (total > len)
		return ERR_TRUNCATED;
	if (count > BOOTIMG_MAX_FILES)
		return ERR_TOO_MANY;
	table_end = BOOTIMG_HDR_SIZE + (uint64_t)count * BOOTIMG_ENTRY_SIZE;
	if (table_end > total)
		return ERR_TRUNCATED;

	for (i = 0; i < count; i++) {
		err = check_entry(entry(img, i), total, table_end);
		if (err)
			return err;
	}
	for (i = 0; i < count; i++) {
		for (j = 0; j < i; j++) {
			if (name_eq(entry(img, i), (const char *)entry(img, j)))
				return ERR_INVALID_ARG;
			if (files_overlap(entry(img, i), entry(img, j)))
				return ERR_OVERLAP;
		}
	}
	return OK;
}

unsigned bootimg_count(const void *img)
{
	return get_le32((const uint8_t *)img + H_COUNT);
}

err_t bootimg_get(const void *img, unsigned i, struct bootimg_file *out)
{
	const uint8_t *e;

	if (i >= bootimg_count(img))
		return ERR_NOT_FOUND;
	e = entry(img, i);
	out->name = (const char *)e;
	out->offset = get_le64(e + E_OFFSET);
	out->size = get_le64(e + E_SIZE);
	out->data = (const uint8_t *)img + out->offset;
	return OK;
}

err_t bootimg_find(const void *img, const char *name, struct bootimg_file *out)
{
	unsigned i, n = bootimg_count(img);

	for (i = 0; i < n; i++)
		if (name_eq(entry(img, i), name))
			return bootimg_get(img, i, out);
	return ERR_NOT_FOUND;
}
