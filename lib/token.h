/*
 * Export tokens: the proof that lets one core's kernel make a capability
 * to memory in another core's share (EXPORT_FRAME_IMPORT, kpi/caps.h), or
 * point a replica page table at another core's PDPT (EXPORT_VROOT_SET).
 *
 * The kernels share no state after boot, so an importing kernel cannot
 * look up whether the owner really exported a frame. Instead the owner's
 * kernel mints a token when its monitor exports a Frame capability it
 * holds (EXPORT_FRAME), or a PDPT of an address space it has marked
 * as spanned (EXPORT_VROOT): the kind, the address, size and
 * rights, the owner, the one core that may take it, a sequence number
 * (one sequence for both kinds, per pair of cores), and a MAC
 * over all of them under a key that only the kernels know (made at boot,
 * in the read-only hand-off). The token travels in an ordinary message
 * between the monitors; the importing kernel checks the MAC and that the
 * token names it, and takes each token at most once: it remembers the
 * highest sequence number it accepted from each owner, and refuses any
 * token at or below it (a replay, or a token older than one already
 * used). So a monitor can import only what another core's kernel saw a
 * Frame capability for, never another core's kernel data, and never the
 * same export twice, e.g. after the owner revoked it; and a replica can
 * point only at a page table of a spanned space, never at a Frame that a
 * process could fill with entries of its own.
 *
 * Freestanding and pure, so the host tests drive it (tests/host/
 * test_token.c); the kernel supplies the key and the per-owner state.
 */
#ifndef LIB_TOKEN_H
#define LIB_TOKEN_H

#include <stdint.h>
#include <kpi/caps.h>
#include <kpi/errors.h>
#include "lib/siphash.h"

/* The MAC of everything in the token before it. */
uint64_t token_mac(const struct frame_token *t, const struct sipkey *key);

/* token_check's `kind` for EXPORT_FRAME_IMPORT: a Frame's or a RAM's. */
#define TOKEN_CAP		0xFFu

/*
 * Is `t` a token of `kind` (TOKEN_CAP: of TOKEN_FRAME or TOKEN_RAM) that
 * core `me` (of `ncores`) may take now, having taken tokens from t->owner
 * up to sequence number `seen`? OK; ERR_BAD_TOKEN when the MAC does not
 * match or the token is malformed (another kind, no such owner, a frame's
 * or RAM's owner is `me`, not for `me`, a size of 0, a base or size not page-aligned or wrapping, rights outside
 * CAP_RIGHTS_ALL; for a table, a size other than a page or any rights);
 * ERR_TOKEN_USED when t->seq <= seen.
 */
err_t token_check(const struct frame_token *t, const struct sipkey *key, unsigned kind,
		  unsigned me, unsigned ncores, uint64_t seen);

#endif
