/*
 * Physical memory maps: the raw map a boot loader reports, and the clean
 * list of usable memory derived from it. A usable list is sorted, its
 * ranges are disjoint, non-adjacent, page-aligned and non-empty.
 */
#ifndef LIB_MEMMAP_H
#define LIB_MEMMAP_H

#include <stdbool.h>
#include <stdint.h>
#include <kpi/errors.h>

#define PAGE_SIZE	4096ull
#define MEMMAP_MAX	64

enum mem_kind {
	MEM_USABLE = 1,		/* multiboot type 1 */
	MEM_RESERVED = 2,	/* type 2 and every unknown type */
	MEM_ACPI_RECLAIM = 3,
	MEM_ACPI_NVS = 4,
	MEM_BAD = 5,
	/* Persistent memory (e820 and GRUB type 7, EFI type 14): RAM whose
	 * contents outlive power-off; never handed out as scratch memory. */
	MEM_PERSISTENT = 7,
};

struct mem_range {
	uint64_t base;
	uint64_t len;
	uint32_t kind;		/* enum mem_kind */
};

struct memmap {
	unsigned n;
	unsigned dropped;	/* ranges that did not fit (n == MEMMAP_MAX) */
	struct mem_range r[MEMMAP_MAX];
};

/* Appends a range. Zero-length ranges are ignored (OK). A range whose end
 * wraps past 2^64 is clipped to end at 2^64-1 (counts as added). When the map
 * is full, returns ERR_TOO_MANY and counts the range in m->dropped. */
err_t memmap_add(struct memmap *m, uint64_t base, uint64_t len, uint32_t kind);

/*
 * Builds `out`, the usable memory of `in`: every MEM_USABLE range of `in`,
 * minus every range of `in` of any other kind (a byte reported both usable
 * and reserved is reserved), minus the `nreserve` ranges in `reserve` (the
 * kernel image, the boot information), minus everything below `min_addr`,
 * each result shrunk inward to page boundaries; then sorted and with
 * adjacent/overlapping pieces merged. `in` need not be sorted and may
 * overlap itself. Returns ERR_TOO_MANY if the result does not fit.
 */
err_t memmap_usable(const struct memmap *in, const struct mem_range *reserve,
		    unsigned nreserve, uint64_t min_addr, struct memmap *out);

/*
 * Takes `len` bytes (a non-zero multiple of PAGE_SIZE) out of usable list
 * `m`: the head of the lowest range that has that many; their address in
 * *base. A range emptied so is removed, so `m` stays a usable list.
 * ERR_INVALID_ARG for a bad len, ERR_NO_MEMORY if no range is that long
 * (`m` is then unchanged).
 */
err_t memmap_take(struct memmap *m, uint64_t len, uint64_t *base);
/* Sum of the lengths of the ranges of `m`. */
uint64_t memmap_total(const struct memmap *m);

#endif
