/*
 * SYS_INVOKE: find the capability, find its method's row in its type's
 * table (kernel/invoke.h), check the right and the argument words'
 * kinds that if/kernel.abi gives the method (kpi/methods.h,
 * kernel/invoke_words.h), decode, then perform. Every check happens in decode, before anything changes, so a
 * failed invocation leaves no trace; the portable capability operations
 * (lib/cap.c) and the mapping code (vspace.c) follow the same rule and
 * export their checks for decode to call. This file also supplies
 * lib/cap.c's hooks: what destroying or creating an object means for the
 * kernel.
 */
#include "lib/string.h"
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/core.h"
#include "kernel/dispatch.h"
#include "kernel/invoke.h"
#include "kernel/invoke_words.h"
#include "kernel/lmp.h"
#include "kernel/vspace.h"

void *cap_phys_to_ptr(uint64_t pa)
{
	return phys_to_virt(pa);
}

void cap_hook_delete(struct cte *c, bool last)
{
	vspace_cap_deleted(c, last);
	if (last && c->cap.type == CAP_DISPATCHER)
		dcb_destroyed(phys_to_virt(c->cap.base));
	if (last && c->cap.type == CAP_ENDPOINT)
		lmp_endpoint_destroyed(c->cap.base);
}

void cap_hook_created(struct cte *c)
{
	vspace_object_created(c);
	if (c->cap.type == CAP_DISPATCHER)
		dcb_created(phys_to_virt(c->cap.base));
}

err_t invoke_lookup(uint64_t addr, struct cte **out)
{
	struct dcb *d = this_core()->current;

	if (addr > UINT32_MAX)
		return ERR_CAP_RANGE;
	err_t err = cap_lookup_slot(&d->cspace.cap, (capaddr_t)addr, out);
	if (!err && cap_is_empty(*out))
		err = ERR_CAP_EMPTY;
	return err;
}

err_t invoke_dest_slot(uint64_t cn, uint64_t slot, struct cte **out)
{
	struct cte *c;
	err_t err = invoke_lookup(cn, &c);

	if (err)
		return err;
	if (c->cap.type != CAP_CNODE)
		return ERR_CAP_WRONG_TYPE;
	if (!(c->cap.rights & CAP_RIGHT_WRITE))
		return ERR_CAP_RIGHTS;
	if ((err = cnode_slot(&c->cap, slot, out)))
		return err;
	return cap_is_empty(*out) ? OK : ERR_CAP_SLOT_IN_USE;
}

void invoke_must(err_t err, const char *what)
{
	if (err)
		panic("invoke: %s failed after its decode passed (%s): a check is missing from decode",
		      what, err_name(err));
}

static err_t identify(const struct cte *c, uint64_t uptr)
{
	struct cap_info info = {
		.type = c->cap.type, .rights = c->cap.rights,
		.base = c->cap.base, .size = c->cap.size,
		.badge = c->cap.type == CAP_ENDPOINT ? c->cap.word : 0,
	};
	return user_copy_out(uptr, &info, sizeof(info));
}

/* Every type's table. A method number belongs to one table: a known
 * method on a capability of another type is ERR_CAP_WRONG_TYPE, a number
 * no table has is ERR_BAD_METHOD. */
static const struct invoke_table *const tables[] = {
	&invoke_cnode_table, &invoke_vnode_table, &invoke_disp_table,
	&invoke_power_table, &invoke_info_table, &invoke_doorbell_table, &invoke_export_table,
	&invoke_span_table, &invoke_console_table, &invoke_notify_table, &invoke_ioport_table,
	&invoke_test_table,	/* NULL but in the test kernel */
};

/* The right `method` needs on the capability invoked before its arguments
 * are decoded (if/kernel.abi; one checked `later` is decode's). */
static uint8_t early_right(uint64_t method)
{
	switch (method) {
#define X(m, type, right, early, words)	case m: return early ? (right) : 0;
	CAP_METHODS(X)
#undef X
	}
	return 0;
}

static const struct invoke_method *find(uint64_t method, const struct invoke_table **in)
{
	for (unsigned t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (unsigned i = 0; tables[t] && i < tables[t]->n; i++)
			if (tables[t]->methods[i].method == method) {
				*in = tables[t];
				return &tables[t]->methods[i];
			}
	return NULL;
}

err_t cap_invoke(uint64_t addr, uint64_t method, const uint64_t a[5], uint64_t *ret)
{
	const struct invoke_table *t;
	const struct invoke_method *m;
	union invoke_args x;
	struct cte *c;
	err_t err = invoke_lookup(addr, &c);

	if (err)
		return err;
	if (method == CAP_IDENTIFY)
		return identify(c, a[0]);
	if (!(m = find(method, &t)))
		return ERR_BAD_METHOD;
	if (!t->accepts(c->cap.type))
		return ERR_CAP_WRONG_TYPE;
	if ((c->cap.rights & early_right(method)) != early_right(method))
		return ERR_CAP_RIGHTS;
	if ((err = invoke_words_check(method, a)))
		return err;
	memset(&x, 0, sizeof(x));
	if ((err = m->decode(c, a, &x)))
		return err;
	if (m->perform_late)
		return m->perform_late(c, &x, ret);
	*ret = m->perform(c, &x);
	return OK;
}
