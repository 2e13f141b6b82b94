/*
 * The methods of CNodes and page tables (kpi/caps.h), decoded then
 * performed (kernel/invoke.h). Each decode ends with the check of the
 * lib/cap.c or vspace.c operation its perform calls, so the perform
 * cannot fail.
 */
#include "kernel/core.h"
#include "kernel/invoke.h"
#include "kernel/invoke_words.h"
#include "kernel/vspace.h"

/* ---- CNode: the CNode invoked holds the destination slot ---- */

static err_t decode_cnode_copy(struct cte *cn, const uint64_t a[5], union invoke_args *x)
{
	const struct cnode_copy_args p = cnode_copy_args(a);
	err_t err = cnode_slot(&cn->cap, p.slot, &x->slot_src.dst);

	if (!err)
		err = invoke_lookup(p.src, &x->slot_src.src);
	return err ? err : cap_copy_check(x->slot_src.dst, x->slot_src.src);
}

static uint64_t perform_cnode_copy(struct cte *cn, const union invoke_args *x)
{
	invoke_must(cap_copy(x->slot_src.dst, x->slot_src.src), "CNODE_COPY");
	return 0;
}

static err_t decode_cnode_move(struct cte *cn, const uint64_t a[5], union invoke_args *x)
{
	const struct cnode_move_args p = cnode_move_args(a);
	err_t err = cnode_slot(&cn->cap, p.slot, &x->slot_src.dst);

	if (!err)
		err = invoke_lookup(p.src, &x->slot_src.src);
	return err ? err : cap_move_check(x->slot_src.dst, x->slot_src.src);
}

static uint64_t perform_cnode_move(struct cte *cn, const union invoke_args *x)
{
	invoke_must(cap_move(x->slot_src.dst, x->slot_src.src), "CNODE_MOVE");
	return 0;
}

static err_t decode_cnode_mint(struct cte *cn, const uint64_t a[5], union invoke_args *x)
{
	const struct cnode_mint_args p = cnode_mint_args(a);
	struct mint_args *m = &x->mint;
	err_t err = cnode_slot(&cn->cap, p.slot, &m->dst);

	if (!err)
		err = invoke_lookup(p.src, &m->src);
	if (err)
		return err;
	m->rights = p.rights;
	m->badge = p.badge;
	return cap_mint_check(m->dst, m->src, m->badge);
}

static uint64_t perform_cnode_mint(struct cte *cn, const union invoke_args *x)
{
	const struct mint_args *m = &x->mint;

	invoke_must(cap_mint(m->dst, m->src, m->rights, m->badge), "CNODE_MINT");
	return 0;
}

/* A slot mapped in a spanned address space stays: other cores' replicas
 * point at its tables (docs/span.md). */
static err_t decode_cnode_delete(struct cte *cn, const uint64_t a[5], union invoke_args *x)
{
	err_t err = cnode_slot(&cn->cap, cnode_delete_args(a).slot, &x->slot.slot);

	if (err)
		return err;
	if (vspace_mapped_in_spanned(x->slot.slot))
		return ERR_SPANNED;
	return cap_delete_check(x->slot.slot);
}

static uint64_t perform_cnode_delete(struct cte *cn, const union invoke_args *x)
{
	invoke_must(cap_delete(x->slot.slot), "CNODE_DELETE");
	return 0;
}

static err_t decode_cnode_revoke(struct cte *cn, const uint64_t a[5], union invoke_args *x)
{
	err_t err = cnode_slot(&cn->cap, cnode_revoke_args(a).slot, &x->slot.slot);

	if (err)
		return err;
	if (vspace_mapped_below_in_spanned(x->slot.slot))
		return ERR_SPANNED;
	return cap_revoke_check(x->slot.slot);
}

static uint64_t perform_cnode_revoke(struct cte *cn, const union invoke_args *x)
{
	invoke_must(cap_revoke(x->slot.slot), "CNODE_REVOKE");
	return 0;
}

static err_t decode_cnode_retype(struct cte *cn, const uint64_t a[5], union invoke_args *x)
{
	const struct cnode_retype_args p = cnode_retype_args(a);
	struct retype_args *r = &x->retype;
	uint32_t n = cnode_nslots(&cn->cap);
	err_t err = invoke_lookup(p.ram, &r->src);

	if (err)
		return err;
	r->type = p.type;
	r->count = p.count;
	r->offset = p.offset;
	r->objsize = p.objsize;
	/* The destination range is checked here; lib/cap.c checks the rest,
	 * a count out of 1..4096 included (before it reads a slot). */
	if (r->count >= 1 && r->count <= 4096 && (p.slot >= n || r->count > n - p.slot))
		return ERR_CAP_RANGE;
	if ((err = cnode_slot(&cn->cap, p.slot < n ? p.slot : 0, &r->dst)))
		return err;
	return cap_retype_check(r->src, r->type, r->offset, r->objsize, r->count, r->dst);
}

static uint64_t perform_cnode_retype(struct cte *cn, const union invoke_args *x)
{
	const struct retype_args *r = &x->retype;

	invoke_must(cap_retype(r->src, r->type, r->offset, r->objsize, r->count, r->dst),
		    "CNODE_RETYPE");
	return 0;
}

static bool is_cnode(unsigned type)
{
	return type == CAP_CNODE;
}

static const struct invoke_method cnode_methods[] = {
	{ CNODE_COPY, decode_cnode_copy, perform_cnode_copy, NULL },
	{ CNODE_MINT, decode_cnode_mint, perform_cnode_mint, NULL },
	{ CNODE_DELETE, decode_cnode_delete, perform_cnode_delete, NULL },
	{ CNODE_REVOKE, decode_cnode_revoke, perform_cnode_revoke, NULL },
	{ CNODE_RETYPE, decode_cnode_retype, perform_cnode_retype, NULL },
	{ CNODE_MOVE, decode_cnode_move, perform_cnode_move, NULL },
};
const struct invoke_table invoke_cnode_table = INVOKE_TABLE("CNode", cnode, is_cnode, cnode_methods);

/* ---- Page tables: the table invoked is where the mapping goes ---- */

/* The table's WRITE is vnode_map_check's, after the lookup, as it always
 * was (`needs write later` in if/kernel.abi). */
static err_t decode_vnode_map(struct cte *t, const uint64_t a[5], union invoke_args *x)
{
	const struct vnode_map_args p = vnode_map_args(a);
	err_t err = invoke_lookup(p.mapped, &x->map.cap);

	if (err)
		return err;
	x->map.entry = p.entry;
	x->map.rights = p.rights;
	return vnode_map_check(t, p.entry, x->map.cap, p.rights);
}

static uint64_t perform_vnode_map(struct cte *t, const union invoke_args *x)
{
	invoke_must(vnode_map(t, x->map.entry, x->map.cap, x->map.rights), "VNODE_MAP");
	return 0;
}

/* A mapping in this table. */
static err_t decode_vnode_unmap(struct cte *t, const uint64_t a[5], union invoke_args *x)
{
	struct cte *c;
	err_t err = invoke_lookup(vnode_unmap_args(a).mapped, &c);

	if (err)
		return err;
	if (!(t->cap.rights & CAP_RIGHT_WRITE))
		return ERR_CAP_RIGHTS;
	if (maprec_valid(c->cap.word) && maprec_table(c->cap.word) != t->cap.base)
		return ERR_NOT_MAPPED;	/* mapped, but not in this table */
	if (vspace_mapped_in_spanned(c))
		return ERR_SPANNED;
	x->unmap.cap = c;
	return vnode_unmap_check(c);
}

static uint64_t perform_vnode_unmap(struct cte *t, const union invoke_args *x)
{
	invoke_must(vnode_unmap(x->unmap.cap), "VNODE_UNMAP");
	return 0;
}

static bool is_vnode(unsigned type)
{
	return vnode_level(type) >= 0;
}

static const struct invoke_method vnode_methods[] = {
	{ VNODE_MAP, decode_vnode_map, perform_vnode_map, NULL },
	{ VNODE_UNMAP, decode_vnode_unmap, perform_vnode_unmap, NULL },
};
const struct invoke_table invoke_vnode_table = INVOKE_TABLE("page table", vnode, is_vnode, vnode_methods);
