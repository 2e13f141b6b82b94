/*
 * Mapping and unmapping through page-table capabilities (decode, then
 * invoke), and the safe copies to and from user memory.
 *
 * Rules: a frame goes into a PTABLE (a multi-page frame fills consecutive
 * entries of one table), a PTABLE into a PDIR, a PDIR into a PDPT, a PDPT
 * into the user half of a PML4. The table invoked needs WRITE; a frame is
 * mapped with a subset of its own rights. A capability is mapped at most
 * once (copy it to map it twice), and an entry in use is never replaced.
 *
 * A known limit: when a table object is destroyed while frames are still
 * mapped in it, its entries are cleared, but the frames' capabilities keep
 * their mapping records; unmapping checks that the entry still points at
 * the frame before clearing it. Only if that memory becomes a new table
 * with the same frame at the same index could a stale record remove a
 * mapping it did not make. Unmap flushes only this core's TLB: in an
 * address space that also runs on other cores (spanned, below) a process
 * cannot unmap by itself; its monitor does it with a TLB shootdown.
 */
#include "lib/string.h"
#include "kernel/arch.h"
#include "kernel/core.h"
#include "kernel/dispatch.h"
#include "kernel/export.h"
#include "kernel/memguard.h"
#include "kernel/vspace.h"

int vnode_level(unsigned type)
{
	switch (type) {
	case CAP_PML4: return 3;
	case CAP_PDPT: return 2;
	case CAP_PDIR: return 1;
	case CAP_PTABLE: return 0;
	default: return -1;
	}
}

static uint64_t *table_entries(const struct cap *t)
{
	return cap_phys_to_ptr(t->base);
}

/*
 * Spanned address spaces (docs/span.md). A process's address space runs
 * on another core through a replica PML4 made there, whose user entries
 * point at the same PDPTs, so everything below the top level is shared
 * and a mapping added down there is seen on every core at once (a TLB
 * never caches an entry that is not present). Two kinds of change would
 * not be: a new top-level entry (the replicas are copies) and removing a
 * mapping (other cores may still cache it). The monitor marks the owner's
 * PML4 here while any replica exists, and this kernel refuses both in a
 * marked tree with ERR_SPANNED. Unmapping is then the monitor's: it
 * clears the entry here (vspace_spanned_unmap), has every core with a
 * replica flush its TLB and waits for all of them, and only then answers.
 */
static bool vspace_is_spanned(uint64_t root)
{
	for (unsigned i = 0; i < SPANNED_MAX; i++)
		if (this_core()->spanned[i] == root)
			return true;
	return false;
}

/* A table of `type` that the caller may change. */
static err_t writable(const struct cte *t, unsigned type)
{
	if (t->cap.type != type)
		return ERR_CAP_WRONG_TYPE;
	return t->cap.rights & CAP_RIGHT_WRITE ? OK : ERR_CAP_RIGHTS;
}

/* Does the table at `pa` (level `level`) lead to the table at `target`? */
static bool reaches(uint64_t pa, int level, uint64_t target)
{
	const uint64_t *e = cap_phys_to_ptr(pa);

	for (unsigned i = 0; level > 0 && i < arch_vnode_user_entries((unsigned)level); i++) {
		if (!arch_pte_present(e[i]))
			continue;
		uint64_t child = arch_pte_addr(e[i]);
		if (child == target || reaches(child, level - 1, target))
			return true;
	}
	return false;
}

/* The marked PML4 whose tree holds the table at `table`, or 0. */
static uint64_t spanned_root_of(uint64_t table)
{
	for (unsigned i = 0; i < SPANNED_MAX; i++) {
		uint64_t root = this_core()->spanned[i];
		if (root && (root == table || reaches(root, 3, table)))
			return root;
	}
	return 0;
}

/* Is c's mapping still in its table? A spanned unmap (below) clears the
 * entry but cannot find the capability, whose record then goes stale. */
static bool mapping_live(const struct cap *c)
{
	const uint64_t *e = cap_phys_to_ptr(maprec_table(c->word));
	uint64_t pte = e[maprec_entry(c->word)];

	return arch_pte_present(pte) && arch_pte_addr(pte) == c->base;
}

bool vspace_mapped_in_spanned(const struct cte *c)
{
	if (cap_is_empty(c) || !(cap_type_flags(c->cap.type) & CT_MAP) ||
	    !maprec_valid(c->cap.word) || !mapping_live(&c->cap))
		return false;
	return spanned_root_of(maprec_table(c->cap.word)) != 0;
}

bool vspace_mapped_below_in_spanned(const struct cte *c)
{
	for (unsigned i = 0; i < SPANNED_MAX; i++)
		if (this_core()->spanned[i])
			return cap_any_below(c, vspace_mapped_in_spanned);
	return false;			/* nothing is spanned: no walk */
}

/* [va, va + n pages) lies in user space, page-aligned, 1..UNMAP_MAX_PAGES. */
static err_t user_range(uint64_t va, uint64_t n)
{
	if ((va & (CAP_PAGE_SIZE - 1)) || n == 0 || n > UNMAP_MAX_PAGES)
		return ERR_INVALID_ARG;
	if (va < USER_MIN || va >= USER_TOP || n > (USER_TOP - va) / CAP_PAGE_SIZE)
		return ERR_MAP_RANGE;
	return OK;
}

/* Every page is checked before any entry is cleared, so that a range that
 * is partly unmapped changes nothing. */
err_t vspace_spanned_unmap(struct cte *root, uint64_t va, uint64_t n)
{
	err_t err = writable(root, CAP_PML4);

	if (err || (err = user_range(va, n)))
		return err;
	if (!vspace_is_spanned(root->cap.base))
		return ERR_NOT_FOUND;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t *e = arch_user_pte(root->cap.base, va + i * CAP_PAGE_SIZE);
		if (!e || !arch_pte_present(*e))
			return ERR_NOT_MAPPED;
	}
	for (uint64_t i = 0; i < n; i++)
		*arch_user_pte(root->cap.base, va + i * CAP_PAGE_SIZE) = 0;
	arch_tlb_flush_pages(root->cap.base, va, n);
	return OK;
}

err_t vspace_tlb_flush(struct cte *root, uint64_t va, uint64_t n)
{
	err_t err = writable(root, CAP_PML4);

	if (err || (err = user_range(va, n)))
		return err;
	arch_tlb_flush_pages(root->cap.base, va, n);
	return OK;
}

static void span_forget(uint64_t root)
{
	for (unsigned i = 0; i < SPANNED_MAX; i++)
		if (this_core()->spanned[i] == root)
			this_core()->spanned[i] = 0;
}

err_t vspace_span(struct cte *root, bool on, uint64_t out)
{
	err_t err = writable(root, CAP_PML4);

	if (err)
		return err;
	if (!on) {
		if (!vspace_is_spanned(root->cap.base))
			return ERR_NOT_FOUND;
		span_forget(root->cap.base);
		return OK;
	}
	int free = -1;
	for (int i = SPANNED_MAX - 1; i >= 0; i--)
		if (!this_core()->spanned[i])
			free = i;
	if (!vspace_is_spanned(root->cap.base) && free < 0)
		return ERR_TOO_MANY;
	/* Copy out first, so that a bad buffer leaves nothing marked. */
	const uint64_t *e = table_entries(&root->cap);
	for (unsigned i = 0; out && i < 256; i += 32) {
		uint64_t chunk[32];
		for (unsigned k = 0; k < 32; k++)
			chunk[k] = arch_pte_present(e[i + k]) ? arch_pte_addr(e[i + k]) : 0;
		if ((err = user_copy_out(out + i * 8, chunk, sizeof(chunk))))
			return err;
	}
	if (!vspace_is_spanned(root->cap.base))
		this_core()->spanned[free] = root->cap.base;
	return OK;
}

err_t vspace_table_export(struct cte *root, uint64_t entry, uint64_t dest, uint64_t uout)
{
	err_t err = writable(root, CAP_PML4);

	if (err)
		return err;
	if (entry >= arch_vnode_user_entries(3))
		return ERR_MAP_RANGE;
	if (!vspace_is_spanned(root->cap.base))
		return ERR_NOT_FOUND;		/* its tables could still change */
	const uint64_t *e = table_entries(&root->cap);
	if (!arch_pte_present(e[entry]))
		return ERR_NOT_MAPPED;
	return export_mint(TOKEN_TABLE, dest, arch_pte_addr(e[entry]), CAP_PAGE_SIZE, 0, uout);
}

/* Checks everything it can before it takes the token, which can be
 * taken only once. */
err_t vspace_replica_set(struct cte *root, uint64_t entry, uint64_t utoken)
{
	err_t err = writable(root, CAP_PML4);
	struct frame_token t;

	if (err)
		return err;
	if (entry >= arch_vnode_user_entries(3))
		return ERR_MAP_RANGE;
	if (vspace_is_spanned(root->cap.base))
		return ERR_SPANNED;		/* an owner's, not a replica */
	uint64_t *e = table_entries(&root->cap);
	if (arch_pte_present(e[entry]))
		return ERR_MAP_SLOT_IN_USE;
	if ((err = export_take(TOKEN_TABLE, utoken, &t)))
		return err;
	e[entry] = arch_pte_table(t.base);
	return OK;
}

/* Pages a mapping of `c` covers: a table is one entry, a frame one per page. */
static uint64_t map_pages(const struct cap *c)
{
	return vnode_level(c->type) >= 0 ? 1 : c->size / CAP_PAGE_SIZE;
}

err_t vnode_map_check(const struct cte *table, uint64_t entry, const struct cte *cap,
		      uint64_t rights)
{
	int level = vnode_level(table->cap.type);

	if (level < 0)
		return ERR_CAP_WRONG_TYPE;
	if (!(table->cap.rights & CAP_RIGHT_WRITE))
		return ERR_CAP_RIGHTS;
	if (cap_is_empty(cap))
		return ERR_CAP_EMPTY;
	bool is_frame = cap->cap.type == CAP_FRAME || cap->cap.type == CAP_DEVFRAME;
	if (level == 0 ? !is_frame : vnode_level(cap->cap.type) != level - 1)
		return ERR_CAP_WRONG_TYPE;
	if (is_frame && (rights == 0 || (rights & ~(uint64_t)CAP_RIGHTS_ALL)))
		return ERR_INVALID_ARG;
	if (is_frame && (rights & ~(uint64_t)cap->cap.rights))
		return ERR_CAP_RIGHTS;
	if (maprec_valid(cap->cap.word))
		return ERR_MAP_ALREADY;
	if (level == 3 && vspace_is_spanned(table->cap.base))
		return ERR_SPANNED;	/* the replicas' top levels are copies */
	uint64_t n = map_pages(&cap->cap);
	if (entry >= arch_vnode_user_entries(level) || n > arch_vnode_user_entries(level) - entry)
		return ERR_MAP_RANGE;
	const uint64_t *e = table_entries(&table->cap);
	for (uint64_t i = 0; i < n; i++)
		if (arch_pte_present(e[entry + i]))
			return ERR_MAP_SLOT_IN_USE;
	return OK;
}

err_t vnode_map(struct cte *table, uint64_t entry, struct cte *cap, uint64_t rights)
{
	err_t err = vnode_map_check(table, entry, cap, rights);
	if (err)
		return err;

	uint64_t *e = table_entries(&table->cap);
	uint64_t n = map_pages(&cap->cap);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t pa = cap->cap.base + i * CAP_PAGE_SIZE;
		e[entry + i] = vnode_level(cap->cap.type) >= 0 ? arch_pte_table(pa) :
			arch_pte_page(pa, (unsigned)rights, cap->cap.type == CAP_DEVFRAME);
	}
	cap->cap.word = maprec_make(table->cap.base, (unsigned)entry);
	return OK;
}

/* Clears the entries a mapping made, where they still point at this
 * capability's memory (the table may have been emptied since). */
static void unmap_entries(struct cap *c)
{
	uint64_t *e = cap_phys_to_ptr(maprec_table(c->word));
	unsigned first = maprec_entry(c->word);
	uint64_t n = map_pages(c);

	for (uint64_t i = 0; i < n && first + i < 512; i++) {
		if (arch_pte_present(e[first + i]) &&
		    arch_pte_addr(e[first + i]) == c->base + i * CAP_PAGE_SIZE)
			e[first + i] = 0;
	}
	c->word = 0;
	arch_tlb_flush();
}

err_t vnode_unmap_check(const struct cte *cap)
{
	if (cap_is_empty(cap))
		return ERR_CAP_EMPTY;
	if (!(cap_type_flags(cap->cap.type) & CT_MAP))
		return ERR_CAP_WRONG_TYPE;
	if (!maprec_valid(cap->cap.word))
		return ERR_NOT_MAPPED;
	return OK;
}

err_t vnode_unmap(struct cte *cap)
{
	err_t err = vnode_unmap_check(cap);

	if (err)
		return err;
	unmap_entries(&cap->cap);
	return OK;
}

void vspace_cap_deleted(struct cte *c, bool last)
{
	if ((cap_type_flags(c->cap.type) & CT_MAP) && maprec_valid(c->cap.word))
		unmap_entries(&c->cap);
	if (!last || vnode_level(c->cap.type) < 0)
		return;
	/* A table object goes: nothing may walk through it any more. */
	if (c->cap.type == CAP_PML4) {
		arch_vspace_destroyed(c->cap.base);
		span_forget(c->cap.base);
	}
	memset(table_entries(&c->cap), 0, arch_vnode_user_entries(vnode_level(c->cap.type)) * 8);
	arch_tlb_flush();
}

void vspace_object_created(struct cte *c)
{
	if (c->cap.type == CAP_PML4)
		arch_vspace_init(c->cap.base);
}

static err_t user_copy(uint64_t uaddr, void *kbuf, size_t len, bool out)
{
	struct dcb *d = this_core()->current;
	char *k = kbuf;

	if (!d)
		return ERR_BAD_ADDRESS;
	while (len) {
		uint64_t pa;
		size_t chunk = CAP_PAGE_SIZE - (uaddr & (CAP_PAGE_SIZE - 1));
		if (chunk > len)
			chunk = len;
		err_t err = arch_user_translate(d->vspace.cap.base, uaddr, out, &pa);
		if (err)
			return err;
		if (!out) {
			memcpy(k, phys_to_virt(pa), chunk);
		} else if (memguard_owns(this_core(), pa, chunk)) {
			memcpy(phys_to_virt(pa), k, chunk);
		} else {
			/* Another core's memory, which the process maps writable
			 * by capability: through a mapping of its own, never
			 * through the read-only direct map (memguard.h). */
			memcpy(arch_write_window(pa), k, chunk);
			arch_write_window_close();
		}
		uaddr += chunk;
		k += chunk;
		len -= chunk;
	}
	return OK;
}

err_t user_copy_in(void *dst, uint64_t uaddr, size_t len)
{
	return user_copy(uaddr, dst, len, false);
}

err_t user_copy_out(uint64_t uaddr, const void *src, size_t len)
{
	return user_copy(uaddr, (void *)src, len, true);
}
