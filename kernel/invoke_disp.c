/*
 * The methods of Dispatcher capabilities (kpi/caps.h), decoded then
 * performed (kernel/invoke.h). Reading a dispatcher (STATUS, REGS, INFO)
 * needs no right; changing it needs WRITE.
 */
#include "lib/string.h"
#include "kernel/arch.h"
#include "kernel/core.h"
#include "kernel/dispatch.h"
#include "kernel/invoke.h"
#include "kernel/invoke_words.h"
#include "kernel/upcall.h"
#include "kernel/vspace.h"

static struct dcb *dcb_of(const struct cte *c)
{
	return phys_to_virt(c->cap.base);
}

static err_t decode_none(struct cte *c, const uint64_t a[5], union invoke_args *x)
{
	return OK;
}

static err_t decode_uptr(struct cte *c, const uint64_t a[5], union invoke_args *x)
{
	x->uptr.uptr = a[0];
	return OK;
}

static uint64_t perform_disp_status(struct cte *c, const union invoke_args *x)
{
	struct dcb *d = dcb_of(c);

	return d->state | (uint64_t)(uint32_t)d->exit_status << 32;
}

/* Late: a user buffer is checked page by page as it is written
 * (vspace.c, user_copy): the walk that checks is the walk that copies,
 * and a fault leaves the dispatcher as it was. */
static err_t perform_disp_regs(struct cte *c, const union invoke_args *x, uint64_t *ret)
{
	struct disp_regs r;

	regs_to_user(&dcb_of(c)->regs, &r);
	return user_copy_out(x->uptr.uptr, &r, sizeof(r));
}

/* Late, as DISP_REGS. */
static err_t perform_disp_info(struct cte *c, const union invoke_args *x, uint64_t *ret)
{
	const struct dcb *d = dcb_of(c);
	struct disp_info info = {
		.state = d->state, .exit_status = d->exit_status,
		.cycles = d->cycles, .dispatches = d->dispatches, .blocks = d->blocks,
		.tlb_pages = d->vspace.cap.base ? arch_tlb_flushed(d->vspace.cap.base) : 0,
		.gang = d->gang, .nstarts = d->gang_nstarts,
	};

	if (this_core()->current == d)	/* asking about itself: the run so far */
		info.cycles += arch_timestamp() - d->run_start;
	_Static_assert(sizeof(info.name) == DCB_NAME_MAX, "names fit");
	memcpy(info.name, d->name, sizeof(info.name));
	memcpy(info.starts, d->gang_starts, sizeof(info.starts));
	return user_copy_out(x->uptr.uptr, &info, sizeof(info));
}

/* (gang): 0..255, a u8 that invoke_words_check has checked. */
static err_t decode_disp_set_gang(struct cte *c, const uint64_t a[5], union invoke_args *x)
{
	x->value.v[0] = disp_set_gang_args(a).gang;
	return OK;
}

static uint64_t perform_disp_set_gang(struct cte *c, const union invoke_args *x)
{
	struct dcb *d = dcb_of(c);

	d->gang = (uint8_t)x->value.v[0];
	d->gang_round = UINT64_MAX;	/* no window started in yet */
	return 0;
}

/* (root CNode caddr, PML4 caddr, entry, stack, arg). */
static err_t decode_disp_setup(struct cte *c, const uint64_t a[5], union invoke_args *x)
{
	const struct disp_setup_args p = disp_setup_args(a);
	struct setup_args *s = &x->setup;
	struct dcb *d = dcb_of(c);
	err_t err;

	if (d->state != DCB_NEW && d->state != DCB_READY)
		return ERR_INVALID_ARG;		/* already running or stopped */
	if ((err = invoke_lookup(p.cspace, &s->cspace)) || (err = invoke_lookup(p.vspace, &s->vspace)))
		return err;
	if (s->cspace->cap.type != CAP_CNODE || s->vspace->cap.type != CAP_PML4)
		return ERR_CAP_WRONG_TYPE;
	if (p.entry < USER_MIN || p.entry >= USER_TOP || p.stack < USER_MIN || p.stack > USER_TOP)
		return ERR_BAD_ADDRESS;
	s->entry = p.entry;
	s->stack = p.stack;
	s->arg = p.arg;
	return OK;
}

static uint64_t perform_disp_setup(struct cte *c, const union invoke_args *x)
{
	const struct setup_args *s = &x->setup;
	struct dcb *d = dcb_of(c);

	/* The dispatcher's own copies: never the last of an object in use. */
	if (!cap_is_empty(&d->cspace))
		cap_delete(&d->cspace);
	if (!cap_is_empty(&d->vspace))
		cap_delete(&d->vspace);
	/* Empty slots, copyable types: these cannot fail. */
	invoke_must(cap_copy(&d->cspace, s->cspace), "DISP_SETUP");
	invoke_must(cap_copy(&d->vspace, s->vspace), "DISP_SETUP");
	arch_regs_init_user(&d->regs, s->entry, s->stack, s->arg);
	d->state = DCB_READY;
	return 0;
}

static err_t decode_disp_run(struct cte *c, const uint64_t a[5], union invoke_args *x)
{
	return dcb_of(c)->state == DCB_READY ? OK : ERR_INVALID_ARG;
}

static uint64_t perform_disp_run(struct cte *c, const union invoke_args *x)
{
	struct dcb *d = dcb_of(c);

	d->state = DCB_RUNNABLE;
	sched_enqueue(d);
	return 0;
}

/* The name is read in here, so perform only copies it. */
static err_t decode_disp_set_name(struct cte *c, const uint64_t a[5], union invoke_args *x)
{
	_Static_assert(sizeof(x->name.name) == DCB_NAME_MAX, "names fit");
	const struct disp_set_name_args p = disp_set_name_args(a);
	err_t err;

	if (p.len >= DCB_NAME_MAX)
		return ERR_INVALID_ARG;
	if ((err = user_copy_in(x->name.name, p.name, p.len)))
		return err;
	x->name.name[p.len] = '\0';
	return OK;
}

static uint64_t perform_disp_set_name(struct cte *c, const union invoke_args *x)
{
	memcpy(dcb_of(c)->name, x->name.name, DCB_NAME_MAX);
	return 0;
}

static err_t decode_disp_set_exc_ep(struct cte *c, const uint64_t a[5], union invoke_args *x)
{
	const struct disp_set_exc_ep_args p = disp_set_exc_ep_args(a);
	struct cte *ep;
	err_t err = invoke_lookup(p.ep, &ep);

	if (err)
		return err;
	if (p.flags & ~(uint64_t)DISP_EXC_EXIT)
		return ERR_INVALID_ARG;
	if (ep->cap.type != CAP_ENDPOINT)
		return ERR_CAP_WRONG_TYPE;
	if (!(ep->cap.rights & CAP_RIGHT_WRITE))
		return ERR_CAP_RIGHTS;
	x->exc_ep.ep = ep;
	x->exc_ep.exit = p.flags & DISP_EXC_EXIT;
	return OK;
}

static uint64_t perform_disp_set_exc_ep(struct cte *c, const union invoke_args *x)
{
	struct dcb *d = dcb_of(c);

	if (!cap_is_empty(&d->exc_ep))
		cap_delete(&d->exc_ep);	/* a copy: never the last of an object in use */
	d->exc_exit = x->exc_ep.exit;
	invoke_must(cap_copy(&d->exc_ep, x->exc_ep.ep), "DISP_SET_EXC_EP");
	return 0;
}

static err_t decode_disp_set_upcall(struct cte *c, const uint64_t a[5], union invoke_args *x)
{
	err_t err = invoke_lookup(disp_set_upcall_args(a).frame, &x->upcall.frame);

	return err ? err : upcall_check(x->upcall.frame);
}

static uint64_t perform_disp_set_upcall(struct cte *c, const union invoke_args *x)
{
	invoke_must(upcall_set(dcb_of(c), x->upcall.frame), "DISP_SET_UPCALL");
	return 0;
}

static bool is_dispatcher(unsigned type)
{
	return type == CAP_DISPATCHER;
}

static const struct invoke_method disp_methods[] = {
	{ DISP_SETUP, decode_disp_setup, perform_disp_setup, NULL },
	{ DISP_RUN, decode_disp_run, perform_disp_run, NULL },
	{ DISP_SET_NAME, decode_disp_set_name, perform_disp_set_name, NULL },
	{ DISP_STATUS, decode_none, perform_disp_status, NULL },
	{ DISP_SET_EXC_EP, decode_disp_set_exc_ep, perform_disp_set_exc_ep, NULL },
	{ DISP_REGS, decode_uptr, NULL, perform_disp_regs },
	{ DISP_SET_UPCALL, decode_disp_set_upcall, perform_disp_set_upcall, NULL },
	{ DISP_INFO, decode_uptr, NULL, perform_disp_info },
	{ DISP_SET_GANG, decode_disp_set_gang, perform_disp_set_gang, NULL },
};
const struct invoke_table invoke_disp_table = INVOKE_TABLE("Dispatcher", disp, is_dispatcher, disp_methods);
