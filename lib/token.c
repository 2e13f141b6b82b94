/*
 * Export tokens (token.h). The MAC covers the token's bytes up to `mac`,
 * which the layout in kpi/caps.h keeps free of padding.
 */
#include <stddef.h>
#include "lib/cap.h"
#include "lib/token.h"

_Static_assert(offsetof(struct frame_token, mac) == 40, "the MAC covers 40 bytes, no padding");

uint64_t token_mac(const struct frame_token *t, const struct sipkey *key)
{
	return siphash24(key, t, offsetof(struct frame_token, mac));
}

err_t token_check(const struct frame_token *t, const struct sipkey *key, unsigned me,
		  unsigned ncores, uint64_t seen)
{
	if (token_mac(t, key) != t->mac)
		return ERR_BAD_TOKEN;
	if (t->owner >= ncores || t->owner == me || t->dest != me || t->reserved)
		return ERR_BAD_TOKEN;
	if (!t->size || (t->base | t->size) & (CAP_PAGE_SIZE - 1) || t->base + t->size < t->base ||
	    t->rights & ~(uint32_t)CAP_RIGHTS_ALL)
		return ERR_BAD_TOKEN;
	return t->seq <= seen ? ERR_TOKEN_USED : OK;
}
