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

err_t svr_ask_row(capaddr_t ep, unsigned index, struct svr_row *out)
{
	const uint64_t w[LMP_WORDS] = { SVR_REQ_ROW, index };
	struct lmp_msg m;
	err_t err = lmp_call(ep, 0, 0, 0, w, &m);

	if (err || (err = (err_t)m.w[0]))
		return err;
	out->depth = m.w[1] & 0xFF;
	out->supervisor = (m.w[1] >> 8) & 1;
	out->has_proc = (m.w[1] >> 9) & 1;
	out->state = (m.w[1] >> 16) & 0xFF;
	out->core = (m.w[1] >> 24) & 0xFFFF;
	out->pid = (m.w[1] >> 40) & 0xFFFF;
	out->restarts = (unsigned)(m.w[1] >> 56);
	memcpy(out->name, &m.w[2], sizeof(out->name));
	out->name[SV_NAME_MAX] = '\0';
	return OK;
}
