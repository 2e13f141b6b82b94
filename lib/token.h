/*
 * Export tokens: the proof that lets one core's kernel make a capability
 * to memory in another core's share (KERNEL_FRAME_IMPORT, kpi/caps.h).
 *
 * The kernels share no state after boot, so an importing kernel cannot
 * look up whether the owner really exported a frame. Instead the owner's
 * kernel mints a token when its monitor exports a Frame capability it
 * holds (KERNEL_FRAME_EXPORT): the frame's address, size and rights, the
 * owner, the one core that may import it, a sequence number, and a MAC
 * over all of them under a key that only the kernels know (made at boot,
 * in the read-only hand-off). The token travels in an ordinary message
 * between the monitors; the importing kernel checks the MAC and that the
 * token names it, and takes each token at most once: it remembers the
 * highest sequence number it accepted from each owner, and refuses any
 * token at or below it (a replay, or a token older than one already
 * used). So a monitor can import only what another core's kernel saw a
 * Frame capability for, never another core's kernel data, and never the
 * same export twice, e.g. after the owner revoked it.
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

/*
 * Is `t` a token that core `me` (of `ncores`) may take now, having taken
 * tokens from t->owner up to sequence number `seen`? OK; ERR_BAD_TOKEN
 * when the MAC does not match or the token is malformed (no such owner,
 * the owner is `me`, not for `me`, a size of 0, a base or size not
 * page-aligned or wrapping, rights outside CAP_RIGHTS_ALL, reserved bits
 * set); ERR_TOKEN_USED when t->seq <= seen.
 */
err_t token_check(const struct frame_token *t, const struct sipkey *key, unsigned me,
		  unsigned ncores, uint64_t seen);

#endif
