/*
 * User address spaces, built only through capabilities: page-table objects
 * (PML4, PDPT, PDIR, PTABLE) are retyped from RAM, and a table or a frame is
 * mapped by invoking the table it goes into. Each mappable capability
 * records the one place it is mapped (lib/cap.h, mapping record), so
 * deleting or revoking it removes the mapping.
 */
#ifndef KERNEL_VSPACE_H
#define KERNEL_VSPACE_H

#include <stddef.h>
#include <stdint.h>
#include "lib/cap.h"

/* Level of a page-table type (3 = PML4 .. 0 = PTABLE), or -1. */
int vnode_level(unsigned type);
/* Maps `cap` at `entry` of `table`; frames with `rights` (CAP_RIGHT_*). */
err_t vnode_map(struct cte *table, uint64_t entry, struct cte *cap, uint64_t rights);
err_t vnode_unmap(struct cte *cap);
/* Their checks alone, in their order, changing nothing (the invoke
 * decode step: kernel/invoke.h). */
err_t vnode_map_check(const struct cte *table, uint64_t entry, const struct cte *cap,
		      uint64_t rights);
err_t vnode_unmap_check(const struct cte *cap);

/* lib/cap.c hooks, for mappable capabilities and page-table objects. */
void vspace_cap_deleted(struct cte *c, bool last);
void vspace_object_created(struct cte *c);

/*
 * Spanned address spaces (docs/span.md). vspace_span marks (on) or
 * unmarks the PML4 at `root` as running on other cores too, copying out
 * its user PDPTs' addresses to user buffer `out` (if not 0) when marking;
 * vspace_replica_set points user entry `entry` of a replica PML4 at the
 * PDPT at `base`. vspace_mapped_in_spanned: is `c` mapped in a table of a
 * marked tree (removing that mapping would leave other cores' TLBs stale).
 */
err_t vspace_span(struct cte *root, bool on, uint64_t out);
err_t vspace_replica_set(struct cte *root, uint64_t entry, uint64_t utoken);
/* A token by which core `dest` may point a replica at the PDPT in user
 * entry `entry` of the marked PML4 `root` (kernel/export.h). */
err_t vspace_table_export(struct cte *root, uint64_t entry, uint64_t dest, uint64_t uout);
bool vspace_mapped_in_spanned(const struct cte *c);
/* The same for any descendant of c (what revoking c would delete). */
bool vspace_mapped_below_in_spanned(const struct cte *c);
/* Clears the page entries of [va, va + n pages) in the marked PML4 `root`
 * (else ERR_NOT_FOUND), all of them or, if one is not mapped, none
 * (ERR_NOT_MAPPED), and flushes them here, counted; the frames'
 * capabilities keep stale records (see above). vspace_tlb_flush flushes
 * and counts those pages of `root` on this core (a shootdown's remote
 * flush, in a replica). */
err_t vspace_spanned_unmap(struct cte *root, uint64_t va, uint64_t n);
err_t vspace_tlb_flush(struct cte *root, uint64_t va, uint64_t n);

/* Copies between the kernel and the current dispatcher's address space,
 * checking every page: ERR_BAD_ADDRESS, and nothing is half-done silently
 * (a copy that fails part-way returns the error). */
err_t user_copy_in(void *dst, uint64_t uaddr, size_t len);
err_t user_copy_out(uint64_t uaddr, const void *src, size_t len);

#endif
