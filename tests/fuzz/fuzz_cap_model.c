/*
 * The reference model of the capability fuzzer (fuzz_cap.h): what each
 * operation of lib/cap.c must return, worked out from the contract in
 * lib/cap.h rather than from the code.
 */
#include <stdbool.h>
#include <stdint.h>
#include "lib/cap.h"
#include "fuzz_cap.h"

err_t expect_copy(const struct cte *dst, const struct cte *src)
{
	if (cap_is_empty(src))
		return ERR_CAP_EMPTY;
	if (!(cap_type_flags(src->cap.type) & CT_COPY))
		return ERR_CAP_NOT_COPYABLE;
	return cap_is_empty(dst) ? OK : ERR_CAP_SLOT_IN_USE;
}

err_t expect_mint(const struct cte *dst, const struct cte *src, uint64_t badge)
{
	err_t e = expect_copy(dst, src);

	if (e == OK && src->cap.type == CAP_ENDPOINT && src->cap.word && badge &&
	    badge != src->cap.word)
		return ERR_INVALID_ARG;
	return e;
}

err_t expect_move(const struct cte *dst, const struct cte *src)
{
	if (cap_is_empty(src))
		return ERR_CAP_EMPTY;
	return dst == src || cap_is_empty(dst) ? OK : ERR_CAP_SLOT_IN_USE;
}

/* Object size for the type, or 0 if objsize is not valid for it. */
static uint64_t model_size(unsigned type, uint64_t objsize)
{
	uint64_t n = objsize / CTE_SIZE;

	switch (type) {
	case CAP_RAM:
	case CAP_FRAME:
		return objsize % 4096 ? 0 : objsize;
	case CAP_CNODE:
		if (objsize % CTE_SIZE || n < CNODE_MIN_SLOTS || (n & (n - 1)))
			return 0;
		return objsize;
	case CAP_ENDPOINT:
		return 64;
	default:
		return 4096;
	}
}

static err_t expect_retype_args(const struct cte *src, unsigned type, unsigned count)
{
	if (cap_is_empty(src))
		return ERR_CAP_EMPTY;
	if (src->cap.type != CAP_RAM)
		return ERR_CAP_WRONG_TYPE;
	if (!(src->cap.rights & CAP_RIGHT_WRITE))
		return ERR_CAP_RIGHTS;
	if (type >= CAP_TYPE_COUNT || !(cap_type_flags(type) & CT_RETYPE))
		return ERR_RETYPE_TYPE;
	if (count < 1 || count > 4096)
		return ERR_INVALID_ARG;
	return OK;
}

err_t expect_retype(const struct cte *src, unsigned type, uint64_t off,
		    uint64_t objsize, unsigned count, const struct cte *dst)
{
	err_t e = expect_retype_args(src, type, count);
	uint64_t size, align = type == CAP_ENDPOINT ? 64 : 4096, pa;
	unsigned __int128 end;

	if (e)
		return e;
	size = model_size(type, objsize);
	pa = src->cap.base + off;
	if (!size || pa % align || (count > 1 && size % align))
		return ERR_RETYPE_ALIGN;
	end = (unsigned __int128)off + (unsigned __int128)size * count;
	if (end > src->cap.size || (type == CAP_RAM && size == src->cap.size))
		return ERR_RETYPE_SIZE;
	for (const struct cte *k = src->first_child; k; k = k->next)
		if (k->cap.base < pa + size * count && pa < k->cap.base + k->cap.size)
			return ERR_RETYPE_OVERLAP;
	for (unsigned i = 0; i < count; i++)
		if (!cap_is_empty(&dst[i]))
			return ERR_CAP_SLOT_IN_USE;
	return OK;
}

err_t expect_lookup(capaddr_t a, struct cte **out)
{
	const struct cap *root = &boot[1].cap;
	struct cte *l1;

	if (root->type != CAP_CNODE)
		return ERR_CAP_WRONG_TYPE;
	if (CADDR_L1(a) >= cnode_nslots(root))
		return ERR_CAP_RANGE;
	l1 = (struct cte *)cap_phys_to_ptr(root->base) + CADDR_L1(a);
	if (cap_is_empty(l1))
		return ERR_CAP_EMPTY;
	if (l1->cap.type != CAP_CNODE)
		return ERR_CAP_WRONG_TYPE;
	if (CADDR_L2(a) >= cnode_nslots(&l1->cap))
		return ERR_CAP_RANGE;
	*out = (struct cte *)cap_phys_to_ptr(l1->cap.base) + CADDR_L2(a);
	return OK;
}

/* CAPF_REMOTE: delete refuses a flagged slot, revoke a flagged descendant
 * (not the slot's own flag). */
err_t expect_delete(const struct cte *c)
{
	if (cap_is_empty(c))
		return ERR_CAP_EMPTY;
	return c->cap.flags & CAPF_REMOTE ? ERR_CAP_REMOTE : OK;
}

err_t expect_revoke(const struct cte *c)
{
	if (cap_is_empty(c))
		return ERR_CAP_EMPTY;
	return remote_below_by_scan(c) ? ERR_CAP_REMOTE : OK;
}

err_t expect_set_remote(const struct cte *c)
{
	return cap_is_empty(c) ? ERR_CAP_EMPTY : OK;
}
