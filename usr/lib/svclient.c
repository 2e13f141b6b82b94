/*
 * The client's side of a supervision tree's rows (flotilla/superv.h):
 * what the shell's `tree` links. It is apart from usr/lib/superv.c so
 * that a program that only asks does not carry a tree's tables (the
 * shell must fit the little memory some machines leave core 0).
 */
#include <string.h>
#include <flotilla/lmp.h>
#include <flotilla/superv.h>

/* Indexed by the row's state: enum sv_cstate (lib/superv.h), then
 * enum svr_row_state from SVR_SUP_RUNNING on. */
static const char *const names[] = {
	"idle", "starting", "running", "stopping", "killing", "gone", "?", "?",
	"running", "restarting", "ended", "not started",
};

const char *svr_state_name(unsigned state)
{
	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}

uint64_t svr_pack_row(const struct svr_row *row)
{
	unsigned restarts = row->restarts > 255 ? 255 : row->restarts;	/* what the word holds */

	return row->depth | (uint64_t)row->supervisor << 8 | (uint64_t)row->has_proc << 9 |
	       (uint64_t)(row->state & 0xFF) << 16 | (uint64_t)(row->core & 0xFFFF) << 24 |
	       (uint64_t)(row->pid & 0xFFFF) << 40 | (uint64_t)restarts << 56;
}

void svr_unpack_row(uint64_t w, struct svr_row *out)
{
	out->depth = w & 0xFF;
	out->supervisor = (w >> 8) & 1;
	out->has_proc = (w >> 9) & 1;
	out->state = (w >> 16) & 0xFF;
	out->core = (w >> 24) & 0xFFFF;
	out->pid = (w >> 40) & 0xFFFF;
	out->restarts = (unsigned)(w >> 56);
}

err_t svr_ask_row(capaddr_t ep, unsigned index, struct svr_row *out)
{
	const uint64_t w[LMP_WORDS] = { SVR_REQ_ROW, index };
	struct lmp_msg m;
	err_t err = lmp_call(ep, 0, 0, 0, w, &m);

	if (err || (err = (err_t)m.w[0]))
		return err;
	svr_unpack_row(m.w[1], out);
	memcpy(out->name, &m.w[2], sizeof(out->name));
	out->name[SV_NAME_MAX] = '\0';
	return OK;
}
