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

err_t token_check(const struct frame_token *t, const struct sipkey *key, unsigned kind,
		  unsigned me, unsigned ncores, uint64_t seen)
{
	if (token_mac(t, key) != t->mac)
		return ERR_BAD_TOKEN;
	bool cap = t->kind == TOKEN_FRAME || t->kind == TOKEN_RAM;

	if ((kind == TOKEN_CAP ? !cap : t->kind != kind) || t->owner >= ncores || t->dest != me)
		return ERR_BAD_TOKEN;
	/* A frame or RAM imported from this core would be a second root of
	 * memory its own tree already holds; a table may be this core's (a
	 * span here too). */
	if (cap && t->owner == me)
		return ERR_BAD_TOKEN;
	if (t->kind == TOKEN_TABLE && (t->size != CAP_PAGE_SIZE || t->rights))
		return ERR_BAD_TOKEN;
	if (!t->size || (t->base | t->size) & (CAP_PAGE_SIZE - 1) || t->base + t->size < t->base ||
	    t->rights & ~(uint32_t)CAP_RIGHTS_ALL)
		return ERR_BAD_TOKEN;
	return t->seq <= seen ? ERR_TOKEN_USED : OK;
}
