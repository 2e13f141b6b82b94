/*
 * The capability system's portable core: slots (struct cte), the
 * derivation tree, and the operations retype, copy, mint, move, delete and
 * revoke. Nothing here touches hardware, so the same code builds for the
 * host, where it is unit-tested and fuzzed; the kernel supplies the three
 * hooks at the bottom (the host tests supply fakes).
 *
 * Invariants (checked after every operation by tests/fuzz/fuzz_cap_check.c):
 *  - Every non-empty slot is a node of its core's derivation tree; the
 *    tree's links (parent, first_child, next, prev) are consistent, and
 *    point only at non-empty slots.
 *  - A child made by copy or mint names the same object as its parent, with
 *    rights that are a subset of its parent's. A child made by retype lies
 *    inside its parent RAM capability, and the retyped children of one RAM
 *    capability never overlap.
 *  - RAM is never copied, only moved: one RAM capability per byte, so its
 *    children are the whole truth about which of its bytes are in use.
 *  - After revoke(c), c has no descendants.
 *  - An object (a CNode's slots, a dispatcher, a page table) is destroyed
 *    only when the last capability naming it goes, and a destroyed CNode's
 *    slots are deleted first, so no capability outlives the memory it
 *    lives in.
 *
 * The tree is core-local: only the core that owns the slots walks or
 * changes it. Capabilities cross cores only through the monitors.
 */
#ifndef LIB_CAP_H
#define LIB_CAP_H

#include <stdbool.h>
#include <stdint.h>
#include <kpi/caps.h>
#include <kpi/errors.h>

#define CAP_PAGE_SIZE	4096u

/* A capability: 32 bytes, the same for every type. */
struct cap {
	uint8_t type;		/* enum cap_type; CAP_NULL = empty slot */
	uint8_t rights;		/* CAP_RIGHT_* */
	uint16_t flags;		/* CAPF_* */
	uint32_t aux;		/* CNode: log2 of its number of slots */
	uint64_t base;		/* physical address; IRQ number; first I/O port */
	uint64_t size;		/* bytes; number of ports; 0 for KERNEL and IRQ */
	uint64_t word;		/* ENDPOINT: badge. CT_MAP types: mapping record. */
};

#define CAPF_ZOMBIE	1u	/* being destroyed (internal to cap_delete) */
/*
 * Other cores hold copies of this object: the owner's monitor set the flag
 * on its anchor copy (cap_set_remote) when it sent the object away, and
 * clears it only when every other core has deleted its copies (the
 * cross-core revoke, usr/monitor/rcap.c). Until then cap_delete refuses
 * the anchor and cap_revoke refuses any ancestor of it (ERR_CAP_REMOTE),
 * so neither the object nor the RAM under it can be reused while another
 * core may still map it. Copies do not inherit the flag; a move keeps it.
 * The one path that does not ask is the destruction of a CNode holding an
 * anchor: monitors keep anchors in a CNode they never give away or delete.
 */
#define CAPF_REMOTE	2u
/*
 * Made from another core's export token (cap_install_import), or copied
 * from such a capability: its memory is in another core's share, whose
 * owner orders what becomes of it. Copies inherit the flag. Imported RAM
 * may be copied (every copy only names memory) and is never retyped here
 * (ERR_CAP_NOT_OWNER): its owner's monitor retypes it for the holders, so
 * one tree, the owner's, sees every child (usr/monitor/rcap.c).
 */
#define CAPF_IMPORT	4u

/*
 * The mapping record of a mappable capability: where it is mapped, if
 * anywhere. Bit 0: mapped. Bits 3..11: entry index. Bits 12..51: physical
 * address of the page table holding the entry. One definition, with
 * accessors; tests/host/test_cap.c round-trips every field.
 */
#define MAPREC_VALID		1ull
#define MAPREC_ENTRY_SHIFT	3
#define MAPREC_ENTRY_MASK	0x1FFull
#define MAPREC_TABLE_MASK	0x000FFFFFFFFFF000ull

static inline uint64_t maprec_make(uint64_t table_pa, unsigned entry)
{
	return (table_pa & MAPREC_TABLE_MASK) |
	       ((uint64_t)(entry & MAPREC_ENTRY_MASK) << MAPREC_ENTRY_SHIFT) | MAPREC_VALID;
}
static inline bool maprec_valid(uint64_t r) { return r & MAPREC_VALID; }
static inline uint64_t maprec_table(uint64_t r) { return r & MAPREC_TABLE_MASK; }
static inline unsigned maprec_entry(uint64_t r)
{
	return (unsigned)((r >> MAPREC_ENTRY_SHIFT) & MAPREC_ENTRY_MASK);
}

/* A slot: a capability and its place in the derivation tree. 64 bytes. */
struct cte {
	struct cap cap;
	struct cte *parent;		/* what it was copied, minted or retyped from */
	struct cte *first_child;
	struct cte *next, *prev;	/* siblings: children of the same parent */
};

_Static_assert(sizeof(struct cap) == 32, "struct cap is ABI-sized");
_Static_assert(sizeof(struct cte) == CTE_SIZE, "struct cte must fill a slot exactly");

bool cap_is_empty(const struct cte *c);
/* Do a and b name the same object (same type, base and size)? */
bool cap_same_object(const struct cap *a, const struct cap *b);

/* A CNode's slots, and their number (0 if c is not a CNode). */
struct cte *cnode_slots(const struct cap *cnode);
uint32_t cnode_nslots(const struct cap *cnode);

/*
 * The slot at caddr in the two-level CSpace rooted at `root` (a CNode
 * capability): ERR_CAP_RANGE if either index is past its CNode,
 * ERR_CAP_WRONG_TYPE if the level-1 slot holds no CNode (ERR_CAP_EMPTY if
 * it is empty). The slot found may be empty; callers check.
 */
err_t cap_lookup_slot(const struct cap *root, capaddr_t addr, struct cte **out);
/* Slot `slot` of CNode capability `cn`: ERR_CAP_WRONG_TYPE, ERR_CAP_RANGE. */
err_t cnode_slot(const struct cap *cn, uint64_t slot, struct cte **out);

/*
 * Installs a capability made by the kernel itself (boot: the RAM of a core,
 * the Kernel capability) into empty slot `dst` as a root of the tree.
 * Install each object once: further capabilities to it must be copies, or
 * cap_is_last() cannot see them. The root starts with no flags.
 */
void cap_install_root(struct cte *dst, const struct cap *cap);
/* The same, for a capability made from another core's export token: the
 * root starts with CAPF_IMPORT. */
void cap_install_import(struct cte *dst, const struct cap *cap);
/* May c be copied (cap_copy, an LMP transfer that is not a move)? Its type
 * says so (CT_COPY), or it is imported RAM (CAPF_IMPORT). */
bool cap_copyable(const struct cte *c);

/*
 * Retype: makes `count` objects of `type`, each `objsize` bytes (ignored for
 * fixed-size types, which use their own size), from RAM capability `src`,
 * starting `offset` bytes into it, into empty slots dst[0..count). The
 * objects' memory is zeroed (RAM is not: it is zeroed when typed). Errors,
 * checked in this order:
 * ERR_CAP_EMPTY, ERR_CAP_WRONG_TYPE (src not RAM), ERR_CAP_NOT_OWNER (src
 * is imported: CAPF_IMPORT), ERR_CAP_RIGHTS (src lacks WRITE), ERR_RETYPE_TYPE, ERR_INVALID_ARG (count 0 or more than
 * 4096), ERR_RETYPE_ALIGN (size or offset invalid for the type: offset and
 * every object 4 KiB aligned, except ENDPOINT at 64 bytes; RAM and FRAME
 * sizes a non-zero multiple of 4 KiB; CNODE a power of two slots >=
 * CNODE_MIN_SLOTS), ERR_RETYPE_SIZE (past the end of src, or RAM of src's
 * whole size), ERR_RETYPE_OVERLAP (overlaps a child of src),
 * ERR_CAP_SLOT_IN_USE (a dst slot is not empty). Nothing changes on error.
 * `dst` points at `count` consecutive slots of one CNode; the caller has
 * checked that they lie inside it.
 */
err_t cap_retype(struct cte *src, unsigned type, uint64_t offset,
		 uint64_t objsize, unsigned count, struct cte *dst);

/* Copy src into empty slot dst as its child, same rights and badge.
 * ERR_CAP_EMPTY, ERR_CAP_NOT_COPYABLE, ERR_CAP_SLOT_IN_USE. */
err_t cap_copy(struct cte *dst, struct cte *src);
/* Like copy, with rights = src rights & `rights`, and for an ENDPOINT whose
 * badge is 0, the given badge (a badged endpoint keeps its badge:
 * ERR_INVALID_ARG if a different non-zero badge is asked for). A minted
 * copy of a mapped capability is not mapped. */
err_t cap_mint(struct cte *dst, struct cte *src, uint8_t rights, uint64_t badge);
/* Moves src to empty slot dst: same place in the tree, src becomes empty.
 * ERR_CAP_EMPTY, ERR_CAP_SLOT_IN_USE; moving a slot onto itself is OK. */
err_t cap_move(struct cte *dst, struct cte *src);

/*
 * Delete: empties the slot. Its children move up to its parent (they stay
 * valid and revocable from there). If it was the last capability naming
 * its object, the object is destroyed: for a CNode, every slot in it is
 * deleted first (iteratively, not recursively: kernel stacks are small).
 * ERR_CAP_EMPTY on an empty slot; ERR_CAP_REMOTE if c has CAPF_REMOTE.
 */
err_t cap_delete(struct cte *c);
/* Revoke: deletes every descendant of c (deepest first); c stays.
 * ERR_CAP_EMPTY on an empty slot; ERR_CAP_REMOTE, with nothing deleted,
 * if a descendant has CAPF_REMOTE. */
err_t cap_revoke(struct cte *c);
/* Does pred hold for a descendant of c (not c itself)? Walks the subtree
 * without recursion (kernel stacks are small). */
bool cap_any_below(const struct cte *c, bool (*pred)(const struct cte *));
/* Is c the only capability naming its object? */
bool cap_is_last(const struct cte *c);
/* Sets (on) or clears CAPF_REMOTE on c. ERR_CAP_EMPTY. */
err_t cap_set_remote(struct cte *c, bool on);

/*
 * The checks of each operation above, alone: the error the operation
 * would return, with nothing changed. The kernel's decode step calls them
 * (kernel/invoke.h) so that its perform step, which calls the operation
 * itself, cannot fail; the operations still check, so the host tests and
 * every other caller get the same answers.
 */
err_t cap_retype_check(const struct cte *src, unsigned type, uint64_t offset,
		       uint64_t objsize, unsigned count, const struct cte *dst);
err_t cap_copy_check(const struct cte *dst, const struct cte *src);
err_t cap_mint_check(const struct cte *dst, const struct cte *src, uint64_t badge);
err_t cap_move_check(const struct cte *dst, const struct cte *src);
err_t cap_delete_check(const struct cte *c);
err_t cap_revoke_check(const struct cte *c);

/* ---- Hooks the user of this library provides ---- */

/* Pointer to physical memory (the kernel's direct map; an arena on the host). */
void *cap_phys_to_ptr(uint64_t pa);
/*
 * Called for every capability that is about to leave its slot (delete,
 * revoke, and the slots of a destroyed CNode), before its tree links are
 * changed: the kernel removes its mapping if maprec_valid(c->cap.word).
 * `last` says whether its object is being destroyed; for a CNode, its slots
 * have already been deleted when this is called (if there were any to
 * delete, c is by then out of the tree and marked CAPF_ZOMBIE).
 * Neither hook may add or delete capabilities: the caller keeps pointers
 * into the tree across the call.
 */
void cap_hook_delete(struct cte *c, bool last);
/* Called after retype made a new object (memory already zeroed). */
void cap_hook_created(struct cte *c);

#endif
