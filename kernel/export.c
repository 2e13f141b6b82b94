/*
 * Export tokens, the kernel's half (export.h, lib/token.h). Each core
 * numbers the tokens it mints for each other core (export_seq) and
 * remembers the last number it took from each (import_seen), in its own
 * struct core: no state is shared, the MAC under the boot's key is what
 * one kernel believes of another's word.
 */
#include "lib/token.h"
#include "kernel/arch.h"
#include "kernel/core.h"
#include "kernel/machine.h"
#include "kernel/export.h"
#include "kernel/vspace.h"

/* Does [base, base + size) lie inside one range of `owner`'s share? A
 * check behind the MAC, so that nothing but a core's RAM is ever taken
 * from another core, whatever a leaked key would allow. */
static bool in_share_of(unsigned owner, uint64_t base, uint64_t size)
{
	const struct memshare *s = &machine.share[owner];

	for (unsigned k = 0; k < s->n; k++)
		if (base >= s->r[k].base && size <= s->r[k].len &&
		    base - s->r[k].base <= s->r[k].len - size)
			return true;
	return false;
}

err_t export_mint(unsigned kind, uint64_t dest, uint64_t base, uint64_t size, unsigned rights,
		  uint64_t uout)
{
	struct core *c = this_core();
	err_t err;

	if (dest >= machine.ncores || (dest == c->id && kind != TOKEN_TABLE))
		return ERR_INVALID_ARG;
	struct frame_token t = {
		.owner = c->id, .dest = (uint32_t)dest, .base = base, .size = size,
		.rights = rights, .kind = kind, .seq = c->export_seq[dest] + 1,
	};
	t.mac = token_mac(&t, &machine.token_key);
	if ((err = user_copy_out(uout, &t, sizeof(t))))
		return err;
	c->export_seq[dest] = t.seq;
	return OK;
}

err_t export_take(unsigned kind, uint64_t uptr, struct frame_token *t)
{
	struct core *c = this_core();
	err_t err;

	if ((err = user_copy_in(t, uptr, sizeof(*t))))
		return err;
	err = token_check(t, &machine.token_key, kind, c->id, machine.ncores,
			  t->owner < MAX_CORES ? c->import_seen[t->owner] : 0);
	if (err)
		return err;
	if (!in_share_of(t->owner, t->base, t->size))
		return ERR_BAD_TOKEN;
	c->import_seen[t->owner] = t->seq;
	return OK;
}
