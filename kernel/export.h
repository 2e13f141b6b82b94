/*
 * The kernel's half of export tokens (lib/token.h): minting them for
 * another core, and taking them from one, each at most once.
 */
#ifndef KERNEL_EXPORT_H
#define KERNEL_EXPORT_H

#include <stdint.h>
#include <kpi/caps.h>
#include <kpi/errors.h>

/* Mints a token of `kind` for memory of this core, for core `dest`, and
 * copies it to user address `uout`. ERR_INVALID_ARG (no such core, or
 * this one for a frame), ERR_BAD_ADDRESS (the copy). A failed copy uses
 * no number. */
err_t export_mint(unsigned kind, uint64_t dest, uint64_t base, uint64_t size, unsigned rights,
		  uint64_t uout);

/* Copies the token at user address `uptr` into *t and takes it if it is
 * a good token of `kind` for this core (it can never be taken again).
 * ERR_BAD_ADDRESS, ERR_BAD_TOKEN, ERR_TOKEN_USED. */
err_t export_take(unsigned kind, uint64_t uptr, struct frame_token *t);

#endif
