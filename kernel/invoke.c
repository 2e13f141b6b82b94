/*
 * SYS_INVOKE: find the capability, decode the method's arguments against
 * its type and rights, then invoke. Every check happens before anything
 * changes, so a failed invocation leaves no trace; the portable capability
 * operations (lib/cap.c) and the mapping code (vspace.c) follow the same
 * rule. This file also supplies lib/cap.c's hooks: what destroying or
 * creating an object means for the kernel.
 */
#include "lib/string.h"
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/core.h"
#include "kernel/dispatch.h"
#include "kernel/export.h"
#include "kernel/invoke.h"
#include "kernel/ioport.h"
#include "kernel/lmp.h"
#include "kernel/upcall.h"
#include "kernel/machine.h"
#include "kernel/memguard.h"
#include "kernel/notify.h"
#include "kernel/topology.h"
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

/* A non-empty slot in the current dispatcher's CSpace. */
static err_t lookup(uint64_t addr, struct cte **out)
{
	struct dcb *d = this_core()->current;

	if (addr > UINT32_MAX)
		return ERR_CAP_RANGE;
	err_t err = cap_lookup_slot(&d->cspace.cap, (capaddr_t)addr, out);
	if (!err && cap_is_empty(*out))
		err = ERR_CAP_EMPTY;
	return err;
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

static err_t cnode_retype(struct cte *cn, const uint64_t a[5])
{
	struct cte *src, *dst;
	unsigned type = a[2] & 0xFFFF, count = (a[2] >> 16) & 0xFFFF;
	err_t err = lookup(a[1], &src);

	if (err)
		return err;
	if (a[2] >> 32)
		return ERR_INVALID_ARG;
	/* Check the destination range here; lib/cap.c checks the rest. */
	if (count >= 1 && count <= 4096) {
		if (a[0] >= cnode_nslots(&cn->cap) || count > cnode_nslots(&cn->cap) - a[0])
			return ERR_CAP_RANGE;
	}
	err = cnode_slot(&cn->cap, a[0] < cnode_nslots(&cn->cap) ? a[0] : 0, &dst);
	if (err)
		return err;
	return cap_retype(src, type, a[3], a[4], count, dst);
}

static err_t invoke_cnode(struct cte *cn, uint64_t method, const uint64_t a[5])
{
	struct cte *dst, *src;
	err_t err;

	if (!(cn->cap.rights & CAP_RIGHT_WRITE))
		return ERR_CAP_RIGHTS;
	if (method == CNODE_RETYPE)
		return cnode_retype(cn, a);
	err = cnode_slot(&cn->cap, a[0], &dst);
	if (err)
		return err;
	switch (method) {
	case CNODE_DELETE:
		if (vspace_mapped_in_spanned(dst))
			return ERR_SPANNED;
		return cap_delete(dst);
	case CNODE_REVOKE:
		if (vspace_mapped_below_in_spanned(dst))
			return ERR_SPANNED;
		return cap_revoke(dst);
	case CNODE_COPY:
	case CNODE_MINT:
	case CNODE_MOVE:
		err = lookup(a[1], &src);
		if (err)
			return err;
		if (method == CNODE_COPY)
			return cap_copy(dst, src);
		if (method == CNODE_MOVE)
			return cap_move(dst, src);
		if (a[2] > 0xFF)
			return ERR_INVALID_ARG;
		return cap_mint(dst, src, (uint8_t)a[2], a[3]);
	}
	return ERR_BAD_METHOD;
}

static err_t invoke_vnode(struct cte *table, uint64_t method, const uint64_t a[5])
{
	struct cte *c;
	err_t err;

	if (method != VNODE_MAP && method != VNODE_UNMAP)
		return ERR_BAD_METHOD;
	err = lookup(method == VNODE_MAP ? a[1] : a[0], &c);
	if (err)
		return err;
	if (method == VNODE_MAP)
		return vnode_map(table, a[0], c, a[2]);
	if (!(table->cap.rights & CAP_RIGHT_WRITE))
		return ERR_CAP_RIGHTS;
	if (maprec_valid(c->cap.word) && maprec_table(c->cap.word) != table->cap.base)
		return ERR_NOT_MAPPED;	/* mapped, but not in this table */
	if (vspace_mapped_in_spanned(c))
		return ERR_SPANNED;
	return vnode_unmap(c);
}

static err_t disp_setup(struct dcb *d, const uint64_t a[5])
{
	struct cte *cs, *vs;
	err_t err;

	if (d->state != DCB_NEW && d->state != DCB_READY)
		return ERR_INVALID_ARG;		/* already running or stopped */
	if ((err = lookup(a[0], &cs)) || (err = lookup(a[1], &vs)))
		return err;
	if (cs->cap.type != CAP_CNODE || vs->cap.type != CAP_PML4)
		return ERR_CAP_WRONG_TYPE;
	if (a[2] < USER_MIN || a[2] >= USER_TOP || a[3] < USER_MIN || a[3] > USER_TOP)
		return ERR_BAD_ADDRESS;
	if (!cap_is_empty(&d->cspace))
		cap_delete(&d->cspace);
	if (!cap_is_empty(&d->vspace))
		cap_delete(&d->vspace);
	cap_copy(&d->cspace, cs);	/* cannot fail: empty slots, copyable types */
	cap_copy(&d->vspace, vs);
	arch_regs_init_user(&d->regs, a[2], a[3], a[4]);
	d->state = DCB_READY;
	return OK;
}

static err_t disp_set_exc_ep(struct dcb *d, uint64_t addr, uint64_t flags)
{
	struct cte *ep;
	err_t err = lookup(addr, &ep);

	if (err)
		return err;
	if (flags & ~(uint64_t)DISP_EXC_EXIT)
		return ERR_INVALID_ARG;
	if (ep->cap.type != CAP_ENDPOINT)
		return ERR_CAP_WRONG_TYPE;
	if (!(ep->cap.rights & CAP_RIGHT_WRITE))
		return ERR_CAP_RIGHTS;
	if (!cap_is_empty(&d->exc_ep))
		cap_delete(&d->exc_ep);	/* a copy: never the last of an object in use */
	d->exc_exit = flags & DISP_EXC_EXIT;
	return cap_copy(&d->exc_ep, ep);
}

static err_t disp_regs(const struct dcb *d, uint64_t uptr)
{
	struct disp_regs r;

	regs_to_user(&d->regs, &r);
	return user_copy_out(uptr, &r, sizeof(r));
}

static err_t disp_info(const struct dcb *d, uint64_t uptr)
{
	struct disp_info info = {
		.state = d->state, .exit_status = d->exit_status,
		.cycles = d->cycles, .dispatches = d->dispatches, .blocks = d->blocks,
		.tlb_pages = d->vspace.cap.base ? arch_tlb_flushed(d->vspace.cap.base) : 0,
	};

	if (this_core()->current == d)	/* asking about itself: the run so far */
		info.cycles += arch_timestamp() - d->run_start;
	_Static_assert(sizeof(info.name) == DCB_NAME_MAX, "names fit");
	memcpy(info.name, d->name, sizeof(info.name));
	return user_copy_out(uptr, &info, sizeof(info));
}

static err_t invoke_dispatcher(struct cte *c, uint64_t method, const uint64_t a[5],
				uint64_t *ret)
{
	struct dcb *d = phys_to_virt(c->cap.base);
	char name[DCB_NAME_MAX];
	err_t err;

	if (method == DISP_STATUS) {	/* reading needs no WRITE */
		*ret = d->state | (uint64_t)(uint32_t)d->exit_status << 32;
		return OK;
	}
	if (method == DISP_REGS)
		return disp_regs(d, a[0]);
	if (method == DISP_INFO)
		return disp_info(d, a[0]);
	if (!(c->cap.rights & CAP_RIGHT_WRITE))
		return ERR_CAP_RIGHTS;
	switch (method) {
	case DISP_SETUP:
		return disp_setup(d, a);
	case DISP_RUN:
		if (d->state != DCB_READY)
			return ERR_INVALID_ARG;
		d->state = DCB_RUNNABLE;
		sched_enqueue(d);
		return OK;
	case DISP_SET_NAME:
		if (a[1] >= DCB_NAME_MAX)
			return ERR_INVALID_ARG;
		if ((err = user_copy_in(name, a[0], a[1])))
			return err;
		name[a[1]] = '\0';
		memcpy(d->name, name, sizeof(name));
		return OK;
	case DISP_SET_EXC_EP:
		return disp_set_exc_ep(d, a[0], a[1]);
	case DISP_SET_UPCALL: {
		struct cte *frame;
		if ((err = lookup(a[0], &frame)))
			return err;
		return upcall_set(d, frame);
	}
	}
	return ERR_BAD_METHOD;
}

/* An empty slot `slot` of the CNode at caddr `cn` (WRITE on it). */
static err_t dest_slot(uint64_t cn, uint64_t slot, struct cte **out)
{
	struct cte *c;
	err_t err = lookup(cn, &c);

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

static err_t notify_mint(const uint64_t a[5])
{
	struct cte *dst;
	err_t err;

	if (a[0] >= machine.ncores || a[1] >= NOTIFY_SLOTS)
		return ERR_INVALID_ARG;
	if ((err = dest_slot(a[2], a[3], &dst)))
		return err;
	struct cap n = { .type = CAP_NOTIFY, .rights = CAP_RIGHT_WRITE, .base = a[0], .size = a[1] };
	cap_install_root(dst, &n);
	return OK;
}

/*
 * The owner's half of moving a Frame to another core: a token that lets
 * core `dest`'s kernel make a capability to this Frame's memory, with its
 * rights (lib/token.h). Only a Frame of this core's own memory, and only
 * its anchor: the copy its monitor marked with KERNEL_CAP_REMOTE, which
 * neither it nor anything above it can be deleted or revoked while the
 * mark stands, so the memory cannot become something else under the
 * other core (usr/monitor/rcap.c).
 */
static err_t frame_export(const uint64_t a[5])
{
	struct cte *f;
	err_t err = lookup(a[0], &f);

	if (err)
		return err;
	if (f->cap.type != CAP_FRAME)
		return ERR_CAP_WRONG_TYPE;
	if (a[1] >= machine.ncores || a[1] == this_core()->id)
		return ERR_INVALID_ARG;
	if (!memguard_owns(this_core(), f->cap.base, f->cap.size))
		return ERR_CAP_NOT_OWNER;
	if (!(f->cap.flags & CAPF_REMOTE))
		return ERR_NOT_ANCHORED;
	return export_mint(TOKEN_FRAME, a[1], f->cap.base, f->cap.size, f->cap.rights, a[2]);
}

/*
 * The receiving half: the monitor of the core that owns the memory sent
 * a token over a channel, and this core's monitor asks for a capability
 * to what it names. The new capability is a root here; the owner's
 * monitor keeps the anchor marked until every core has deleted its copies
 * (usr/monitor/rcap.c).
 */
static err_t frame_import(const uint64_t a[5])
{
	struct frame_token t;
	struct cte *dst;
	err_t err;

	if ((err = dest_slot(a[0], a[1], &dst)) || (err = export_take(TOKEN_FRAME, a[2], &t)))
		return err;
	struct cap f = { .type = CAP_FRAME, .rights = (uint8_t)t.rights, .base = t.base, .size = t.size };
	cap_install_root(dst, &f);	/* not zeroed: it is shared memory */
	return OK;
}

/* KERNEL_CONSOLE_READ: through a buffer on the stack; the bytes leave
 * the log only once they have reached the caller, so a bad buffer loses
 * nothing. */
static err_t console_read_out(uint64_t ubuf, uint64_t size, uint64_t *ret)
{
	char buf[CONSOLE_READ_MAX];
	size_t n = console_peek(buf, size < sizeof(buf) ? size : sizeof(buf));
	err_t err = user_copy_out(ubuf, buf, n);

	if (err)
		return err;
	console_drop(n);
	*ret = n;
	return OK;
}

static err_t invoke_kernel(uint64_t method, const uint64_t a[5], uint64_t *ret)
{
	size_t len = strlen(machine.cmdline);

	switch (method) {
	case KERNEL_POWEROFF:		/* returns only if the machine stays on */
		if (a[1] == KERNEL_POWEROFF_REBOOT)
			arch_reboot();
		return a[1] ? ERR_INVALID_ARG : arch_poweroff((unsigned)(a[0] & 0x7F));
	case KERNEL_CMDLINE:
		if (a[1] < len + 1)
			return ERR_TRUNCATED;
		*ret = len;
		return user_copy_out(a[0], machine.cmdline, len + 1);
	case KERNEL_NOTIFY_BIND: {
		struct cte *ep;
		err_t err = lookup(a[0], &ep);
		return err ? err : notify_bind(ep, a[1]);
	}
	case KERNEL_NOTIFY:
		return notify_ring(a[0], a[1]);
	case KERNEL_CORES:
		if (a[0] > machine.ncores)
			return ERR_INVALID_ARG;
		/* The NUMA node of core a[0] - 1: the shootdown's topology
		 * until the SKB gives it (usr/monitor/shoot.c). */
		*ret = a[0] ? machine.cores[a[0] - 1].node : machine.ncores;
		return OK;
	case KERNEL_NOTIFY_MINT:
		return notify_mint(a);
	case KERNEL_FRAME_IMPORT:
		return frame_import(a);
	case KERNEL_FRAME_EXPORT:
		return frame_export(a);
	case KERNEL_CAP_REMOTE: {
		struct cte *c;
		err_t err = lookup(a[0], &c);
		if (err)
			return err;
		return a[1] > 1 ? ERR_INVALID_ARG : cap_set_remote(c, a[1]);
	}
	case KERNEL_CONSOLE_TAKE:
		return console_take(a[0]);
	case KERNEL_CONSOLE_READ:
		return console_read_out(a[0], a[1], ret);
	case KERNEL_TOPOLOGY:
		return topology_copy_out(a[0], a[1]);
	case KERNEL_TLB_FLUSH:
	case KERNEL_VROOT_SPAN:
	case KERNEL_VROOT_SET:
	case KERNEL_VROOT_EXPORT:
	case KERNEL_VROOT_UNMAP: {
		struct cte *c;
		err_t err = lookup(a[0], &c);
		if (err)
			return err;
		if (method == KERNEL_VROOT_SPAN)
			return vspace_span(c, a[1], a[2]);
		if (method == KERNEL_VROOT_UNMAP)
			return vspace_spanned_unmap(c, a[1], a[2]);
		if (method == KERNEL_TLB_FLUSH)
			return vspace_tlb_flush(c, a[1], a[2]);
		if (method == KERNEL_VROOT_EXPORT)
			return vspace_table_export(c, a[1], a[2], a[3]);
		return vspace_replica_set(c, a[1], a[2]);
	}
	}
	return ERR_BAD_METHOD;
}

/* Which type a method belongs to (any page table: CAP_PTABLE), or CAP_NULL
 * for a number that is no method: ERR_BAD_METHOD, where a known method on
 * the wrong type is ERR_CAP_WRONG_TYPE. */
static unsigned method_type(uint64_t m)
{
	if (m >= CNODE_COPY && m <= CNODE_MOVE)
		return CAP_CNODE;
	if (m == VNODE_MAP || m == VNODE_UNMAP)
		return CAP_PTABLE;
	if (m >= DISP_SETUP && m <= DISP_INFO)
		return CAP_DISPATCHER;
	if ((m >= KERNEL_POWEROFF && m <= KERNEL_VROOT_EXPORT) || m == KERNEL_TOPOLOGY)
		return CAP_KERNEL;
	if (m == NOTIFY_RING)
		return CAP_NOTIFY;
	if (m == IOPORT_IN || m == IOPORT_OUT)
		return CAP_IOPORT;
	return CAP_NULL;
}

err_t cap_invoke(uint64_t addr, uint64_t method, const uint64_t a[5], uint64_t *ret)
{
	struct cte *c;
	err_t err = lookup(addr, &c);

	if (err)
		return err;
	if (method == CAP_IDENTIFY)
		return identify(c, a[0]);
	switch (method_type(method)) {
	case CAP_CNODE:
		if (c->cap.type != CAP_CNODE)
			return ERR_CAP_WRONG_TYPE;
		return invoke_cnode(c, method, a);
	case CAP_PTABLE:
		if (vnode_level(c->cap.type) < 0)
			return ERR_CAP_WRONG_TYPE;
		return invoke_vnode(c, method, a);
	case CAP_DISPATCHER:
		if (c->cap.type != CAP_DISPATCHER)
			return ERR_CAP_WRONG_TYPE;
		return invoke_dispatcher(c, method, a, ret);
	case CAP_KERNEL:
		if (c->cap.type != CAP_KERNEL)
			return ERR_CAP_WRONG_TYPE;
		/* As for every type, what changes something needs WRITE: all
		 * but reading the command line, the number of cores and the
		 * topology record (it only copies out what boot found). */
		if (!(c->cap.rights & CAP_RIGHT_WRITE) && method != KERNEL_CMDLINE &&
		    method != KERNEL_CORES && method != KERNEL_TOPOLOGY)
			return ERR_CAP_RIGHTS;
		return invoke_kernel(method, a, ret);
	case CAP_NOTIFY:
		if (c->cap.type != CAP_NOTIFY)
			return ERR_CAP_WRONG_TYPE;
		if (!(c->cap.rights & CAP_RIGHT_WRITE))
			return ERR_CAP_RIGHTS;
		return notify_ring(c->cap.base, c->cap.size);
	case CAP_IOPORT:
		if (c->cap.type != CAP_IOPORT)
			return ERR_CAP_WRONG_TYPE;
		return ioport_invoke(c, method, a, ret);
	}
	return ERR_BAD_METHOD;
}
