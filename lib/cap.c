/*
 * The capability core: slots, the derivation tree and its operations (the
 * contract and the invariants are in lib/cap.h). Freestanding; nothing
 * here recurses, because user input decides how deep trees and CNodes nest.
 *
 * Tree shape: a slot's children are a NULL-terminated doubly linked list in
 * the order they were made, first_child->prev == NULL. Deletion splices the
 * children into the deleted slot's place; a deleted root's children become
 * roots that stay linked to each other, so its copies remain siblings.
 *
 * The copies of one object whose parent names another object are always
 * adjacent siblings (a copy is made below its source and splicing keeps
 * order), so cap_is_last() need only look at its two neighbours: revoking
 * a RAM capability with N children costs O(N), not O(N^2).
 * tests/fuzz/fuzz_cap_check.c checks this against a full scan.
 *
 * CNode destruction uses zombies instead of a call stack: the last
 * capability of a CNode that still holds capabilities leaves the tree,
 * gets CAPF_ZOMBIE, and keeps in cap.word the zombie whose CNode it was
 * found in; the CNode is emptied in place, and when it is empty the zombie
 * is finished and emptying resumes in the CNode above.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kpi/caps.h>
#include <kpi/errors.h>
#include "lib/cap.h"
#include "lib/string.h"

#define RETYPE_MAX_COUNT	4096u
#define CNODE_MAX_BITS		31	/* cnode_nslots() is 32 bits wide */
#define ENDPOINT_ALIGN		64u

bool cap_is_empty(const struct cte *c)
{
	return c->cap.type == CAP_NULL;
}

bool cap_same_object(const struct cap *a, const struct cap *b)
{
	return a->type == b->type && a->base == b->base && a->size == b->size;
}

struct cte *cnode_slots(const struct cap *cnode)
{
	if (cnode->type != CAP_CNODE)
		return NULL;
	return cap_phys_to_ptr(cnode->base);
}

uint32_t cnode_nslots(const struct cap *cnode)
{
	if (cnode->type != CAP_CNODE || cnode->aux > CNODE_MAX_BITS)
		return 0;
	return (uint32_t)1 << cnode->aux;
}

err_t cnode_slot(const struct cap *cn, uint64_t slot, struct cte **out)
{
	if (cn->type != CAP_CNODE)
		return ERR_CAP_WRONG_TYPE;
	if (slot >= cnode_nslots(cn))
		return ERR_CAP_RANGE;
	*out = cnode_slots(cn) + slot;
	return OK;
}

err_t cap_lookup_slot(const struct cap *root, capaddr_t addr, struct cte **out)
{
	struct cte *l1;
	err_t err;

	err = cnode_slot(root, CADDR_L1(addr), &l1);
	if (err)
		return err;
	if (cap_is_empty(l1))
		return ERR_CAP_EMPTY;
	return cnode_slot(&l1->cap, CADDR_L2(addr), out);
}

void cap_install_root(struct cte *dst, const struct cap *cap)
{
	memset(dst, 0, sizeof(*dst));
	dst->cap = *cap;
	dst->cap.flags = 0;
}

void cap_install_import(struct cte *dst, const struct cap *cap)
{
	cap_install_root(dst, cap);
	dst->cap.flags = CAPF_IMPORT;
}

bool cap_copyable(const struct cte *c)
{
	return (cap_type_flags(c->cap.type) & CT_COPY) ||
	       (c->cap.type == CAP_RAM && (c->cap.flags & CAPF_IMPORT));
}

err_t cap_set_remote(struct cte *c, bool on)
{
	if (cap_is_empty(c))
		return ERR_CAP_EMPTY;
	if (on)
		c->cap.flags |= CAPF_REMOTE;
	else
		c->cap.flags &= (uint16_t)~CAPF_REMOTE;
	return OK;
}

/* ---- Tree links ---- */

static struct cte *last_child(const struct cte *p)
{
	struct cte *c = p->first_child;

	while (c && c->next)
		c = c->next;
	return c;
}

/* Links unlinked slot c below p, right after `after` (p's last child). */
static void append_child(struct cte *p, struct cte *after, struct cte *c)
{
	c->parent = p;
	c->first_child = NULL;
	c->next = NULL;
	c->prev = after;
	if (after)
		after->next = c;
	else
		p->first_child = c;
}

/* Takes c out of the tree; its children take its place, in order. */
static void unlink_cte(struct cte *c)
{
	struct cte *first = c->first_child, *last = NULL, *k;

	for (k = first; k; k = k->next) {
		k->parent = c->parent;
		last = k;
	}
	if (first) {
		first->prev = c->prev;
		last->next = c->next;
	} else {
		first = c->next;
		last = c->prev;
	}
	if (c->prev)
		c->prev->next = first;
	else if (c->parent)
		c->parent->first_child = first;
	if (c->next)
		c->next->prev = last;
	c->parent = c->first_child = c->next = c->prev = NULL;
}

static bool names_same(const struct cte *other, const struct cte *c)
{
	return other && cap_same_object(&other->cap, &c->cap);
}

/*
 * A copy's parent names the same object, and every child of a non-RAM
 * capability is a copy; the remaining copies are adjacent siblings (see
 * the top of the file). RAM of this core's own is never copied, so its
 * children never count; imported RAM is never retyped here, so its
 * children are all copies (CAPF_IMPORT).
 */
bool cap_is_last(const struct cte *c)
{
	if (names_same(c->parent, c))
		return false;
	if ((c->cap.type != CAP_RAM || (c->cap.flags & CAPF_IMPORT)) && c->first_child)
		return false;
	return !names_same(c->prev, c) && !names_same(c->next, c);
}

/* ---- Delete and revoke ---- */

/* The first slot from *i on in CNode `cn` holding a capability that is not
 * a zombie (zombies are already being deleted further up), or NULL. */
static struct cte *next_full_slot(const struct cap *cn, uint32_t *i)
{
	struct cte *s = cnode_slots(cn);
	uint32_t n = cnode_nslots(cn);

	for (; *i < n; (*i)++)
		if (!cap_is_empty(&s[*i]) && !(s[*i].cap.flags & CAPF_ZOMBIE))
			return &s[*i];
	return NULL;
}

/*
 * Deletes c, or, if it is the last capability of a CNode that still holds
 * capabilities, makes it a zombie above `z` so that the CNode is emptied
 * first. Returns the innermost zombie.
 */
static struct cte *delete_or_zombify(struct cte *c, struct cte *z)
{
	bool last = cap_is_last(c);
	uint32_t i = 0;

	if (last && c->cap.type == CAP_CNODE && next_full_slot(&c->cap, &i)) {
		unlink_cte(c);
		c->cap.flags |= CAPF_ZOMBIE;
		c->cap.word = (uint64_t)(uintptr_t)z;
		return c;
	}
	cap_hook_delete(c, last);
	unlink_cte(c);
	memset(c, 0, sizeof(*c));
	return z;
}

/* Zombie z's CNode is empty: destroy it. Returns the zombie above. The
 * hook sees the zombie flag (it is out of the tree) but not the back-link. */
static struct cte *finish_zombie(struct cte *z)
{
	struct cte *up = (struct cte *)(uintptr_t)z->cap.word;

	z->cap.word = 0;
	cap_hook_delete(z, true);
	memset(z, 0, sizeof(*z));
	return up;
}

/*
 * Deletes non-empty slot c and everything that its deletion destroys.
 * Returns whether a CNode was emptied, i.e. whether slots other than c
 * may have changed. Slots only ever become empty here, so the scan of each
 * CNode moves forward; returning to a zombie's CNode resumes at the slot
 * of the zombie just finished, which was found in it.
 *
 * In a cycle (CNodes each holding the only capability to the next) the
 * first zombie lives in a CNode that is finished before it; it is cleared
 * a moment later, in the same call, and destroyed memory goes back to use
 * only through a later retype, so nothing ever sees it.
 */
static bool delete_slot(struct cte *c)
{
	struct cte *z = delete_or_zombify(c, NULL), *up;
	bool emptied = z != NULL;
	uint32_t i = 0;

	while (z) {
		c = next_full_slot(&z->cap, &i);
		if (c) {
			up = z;
			z = delete_or_zombify(c, z);
			if (z != up)
				i = 0;
			continue;
		}
		up = finish_zombie(z);
		if (up)
			i = (uint32_t)(z - cnode_slots(&up->cap));
		z = up;
	}
	return emptied;
}

err_t cap_delete_check(const struct cte *c)
{
	if (cap_is_empty(c))
		return ERR_CAP_EMPTY;
	if (c->cap.flags & CAPF_REMOTE)
		return ERR_CAP_REMOTE;
	return OK;
}

err_t cap_delete(struct cte *c)
{
	err_t err = cap_delete_check(c);

	if (err)
		return err;
	delete_slot(c);
	return OK;
}

static bool is_remote(const struct cte *c)
{
	return c->cap.flags & CAPF_REMOTE;
}

/* A walk over the subtree in tree order, by the links, without a stack. */
bool cap_any_below(const struct cte *c, bool (*pred)(const struct cte *))
{
	const struct cte *n = c->first_child;

	while (n) {
		if (pred(n))
			return true;
		if (n->first_child) {
			n = n->first_child;
			continue;
		}
		while (!n->next) {
			n = n->parent;
			if (n == c)
				return false;
		}
		n = n->next;
	}
	return false;
}

/*
 * Deletes deepest descendants first, so each deletion is of a leaf. After
 * a plain deletion the leaf's parent is still valid and the walk goes on
 * from there (a chain of N copies costs O(N)); after a CNode was emptied
 * anything may have moved, even c itself, so it starts again from c.
 */
err_t cap_revoke_check(const struct cte *c)
{
	if (cap_is_empty(c))
		return ERR_CAP_EMPTY;
	if (cap_any_below(c, is_remote))
		return ERR_CAP_REMOTE;
	return OK;
}

err_t cap_revoke(struct cte *c)
{
	struct cte *n = c, *p;
	err_t err = cap_revoke_check(c);

	if (err)
		return err;
	while (!cap_is_empty(c) && c->first_child) {
		while (n->first_child)
			n = n->first_child;
		p = n->parent;
		n = delete_slot(n) ? c : p;
	}
	return OK;
}

/* ---- Copy, mint, move ---- */

err_t cap_copy_check(const struct cte *dst, const struct cte *src)
{
	if (cap_is_empty(src))
		return ERR_CAP_EMPTY;
	if (!cap_copyable(src))
		return ERR_CAP_NOT_COPYABLE;
	if (!cap_is_empty(dst))
		return ERR_CAP_SLOT_IN_USE;
	return OK;
}

/* A copy keeps an endpoint's badge; any other word is a mapping record,
 * and a copy is not mapped. */
static uint64_t copied_word(const struct cap *c)
{
	return c->type == CAP_ENDPOINT ? c->word : 0;
}

static void copy_into(struct cte *dst, struct cte *src, uint8_t rights, uint64_t word)
{
	dst->cap = src->cap;
	dst->cap.rights = rights;
	dst->cap.flags = src->cap.flags & CAPF_IMPORT;	/* not REMOTE: the anchor's alone */
	dst->cap.word = word;
	append_child(src, last_child(src), dst);
}

err_t cap_copy(struct cte *dst, struct cte *src)
{
	err_t err = cap_copy_check(dst, src);

	if (err)
		return err;
	copy_into(dst, src, src->cap.rights, copied_word(&src->cap));
	return OK;
}

err_t cap_mint_check(const struct cte *dst, const struct cte *src, uint64_t badge)
{
	err_t err = cap_copy_check(dst, src);

	if (err)
		return err;
	if (src->cap.type == CAP_ENDPOINT && badge && copied_word(&src->cap) &&
	    copied_word(&src->cap) != badge)
		return ERR_INVALID_ARG;		/* an endpoint keeps its one badge */
	return OK;
}

err_t cap_mint(struct cte *dst, struct cte *src, uint8_t rights, uint64_t badge)
{
	err_t err = cap_mint_check(dst, src, badge);
	uint64_t word;

	if (err)
		return err;
	word = copied_word(&src->cap);
	if (src->cap.type == CAP_ENDPOINT && badge)
		word = badge;
	copy_into(dst, src, src->cap.rights & rights, word);
	return OK;
}

err_t cap_move_check(const struct cte *dst, const struct cte *src)
{
	if (cap_is_empty(src))
		return ERR_CAP_EMPTY;
	if (dst != src && !cap_is_empty(dst))
		return ERR_CAP_SLOT_IN_USE;
	return OK;
}

err_t cap_move(struct cte *dst, struct cte *src)
{
	struct cte *k;
	err_t err = cap_move_check(dst, src);

	if (err)
		return err;
	if (dst == src)
		return OK;
	*dst = *src;
	if (dst->prev)
		dst->prev->next = dst;
	else if (dst->parent)
		dst->parent->first_child = dst;
	if (dst->next)
		dst->next->prev = dst;
	for (k = dst->first_child; k; k = k->next)
		k->parent = dst;
	memset(src, 0, sizeof(*src));
	return OK;
}

/* ---- Retype ---- */

struct shape {
	uint64_t size;		/* bytes per object */
	uint32_t aux;		/* CNode: log2 of its slots */
};

static bool is_pow2(uint64_t n)
{
	return n && !(n & (n - 1));
}

static err_t retype_check_src(const struct cte *src, unsigned type, unsigned count)
{
	if (cap_is_empty(src))
		return ERR_CAP_EMPTY;
	if (src->cap.type != CAP_RAM)
		return ERR_CAP_WRONG_TYPE;
	if (src->cap.flags & CAPF_IMPORT)
		return ERR_CAP_NOT_OWNER;	/* its owner retypes it (CAPF_IMPORT) */
	if (!(src->cap.rights & CAP_RIGHT_WRITE))
		return ERR_CAP_RIGHTS;
	if (!(cap_type_flags(type) & CT_RETYPE))
		return ERR_RETYPE_TYPE;
	if (count == 0 || count > RETYPE_MAX_COUNT)
		return ERR_INVALID_ARG;
	return OK;
}

/* The object size, and ERR_RETYPE_ALIGN unless the size suits the type and
 * every object starts aligned (checked on the physical address, which is
 * the offset's alignment for the page-aligned RAM the kernel hands out). */
static err_t retype_shape(const struct cap *src, unsigned type, uint64_t offset,
			  uint64_t objsize, unsigned count, struct shape *sh)
{
	uint64_t align = type == CAP_ENDPOINT ? ENDPOINT_ALIGN : CAP_PAGE_SIZE;
	uint64_t fixed = cap_type_size(type);

	sh->aux = 0;
	if (fixed) {
		objsize = fixed;
	} else if (type == CAP_CNODE) {
		if (objsize % CTE_SIZE || !is_pow2(objsize / CTE_SIZE) ||
		    objsize / CTE_SIZE < CNODE_MIN_SLOTS)
			return ERR_RETYPE_ALIGN;
		sh->aux = (uint32_t)__builtin_ctzll(objsize / CTE_SIZE);
	} else if (objsize == 0 || objsize % CAP_PAGE_SIZE) {
		return ERR_RETYPE_ALIGN;
	}
	if ((src->base + offset) % align || (count > 1 && objsize % align))
		return ERR_RETYPE_ALIGN;
	sh->size = objsize;
	return OK;
}

/* ERR_RETYPE_SIZE: past the end (without overflowing), RAM as big as its
 * source, or a CNode too big for cnode_nslots() to count. */
static err_t retype_fits(const struct cap *src, unsigned type, uint64_t offset,
			 const struct shape *sh, unsigned count)
{
	if (offset > src->size || sh->size > (src->size - offset) / count)
		return ERR_RETYPE_SIZE;
	if (type == CAP_RAM && sh->size == src->size)
		return ERR_RETYPE_SIZE;
	if (type == CAP_CNODE && sh->aux > CNODE_MAX_BITS)
		return ERR_RETYPE_SIZE;
	return OK;
}

/* The children of a RAM capability are all that is made from it. */
static bool overlaps_child(const struct cte *src, uint64_t pa, uint64_t len)
{
	const struct cte *k;

	for (k = src->first_child; k; k = k->next)
		if (k->cap.size && k->cap.base < pa + len && pa < k->cap.base + k->cap.size)
			return true;
	return false;
}

static void make_object(struct cte *src, struct cte *after, struct cte *dst,
			unsigned type, uint64_t pa, const struct shape *sh)
{
	/* Typed objects start zeroed; RAM stays untouched until it is typed,
	 * so splitting a large RAM capability costs nothing. */
	if (type != CAP_RAM)
		memset(cap_phys_to_ptr(pa), 0, sh->size);
	memset(dst, 0, sizeof(*dst));
	dst->cap.type = (uint8_t)type;
	dst->cap.rights = CAP_RIGHTS_ALL;
	dst->cap.aux = sh->aux;
	dst->cap.base = pa;
	dst->cap.size = sh->size;
	append_child(src, after, dst);
	cap_hook_created(dst);
}

/* Everything cap_retype checks, in its order; the shape for it. */
static err_t retype_check(const struct cte *src, unsigned type, uint64_t offset,
			  uint64_t objsize, unsigned count, const struct cte *dst,
			  struct shape *sh)
{
	err_t err = retype_check_src(src, type, count);

	if (!err)
		err = retype_shape(&src->cap, type, offset, objsize, count, sh);
	if (!err)
		err = retype_fits(&src->cap, type, offset, sh, count);
	if (err)
		return err;
	if (overlaps_child(src, src->cap.base + offset, sh->size * count))
		return ERR_RETYPE_OVERLAP;
	for (unsigned i = 0; i < count; i++)
		if (!cap_is_empty(&dst[i]))
			return ERR_CAP_SLOT_IN_USE;
	return OK;
}

err_t cap_retype_check(const struct cte *src, unsigned type, uint64_t offset,
		       uint64_t objsize, unsigned count, const struct cte *dst)
{
	struct shape sh;

	return retype_check(src, type, offset, objsize, count, dst, &sh);
}

err_t cap_retype(struct cte *src, unsigned type, uint64_t offset,
		 uint64_t objsize, unsigned count, struct cte *dst)
{
	struct shape sh;
	struct cte *after;
	uint64_t pa;
	unsigned i;
	err_t err = retype_check(src, type, offset, objsize, count, dst, &sh);

	if (err)
		return err;
	pa = src->cap.base + offset;
	after = last_child(src);
	for (i = 0; i < count; i++) {
		make_object(src, after, &dst[i], type, pa + i * sh.size, &sh);
		after = &dst[i];
	}
	return OK;
}
