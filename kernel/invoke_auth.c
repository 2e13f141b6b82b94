/*
 * The methods of the monitor's authority, one capability type to each
 * kind (Power, Info, Doorbell, Export, Span, Console: kpi/caps.h,
 * "Authority"), of Notify and of I/O port capabilities, decoded then
 * performed (kernel/invoke.h). Every authority method but Info's needs
 * WRITE; Info's only copy out what boot found.
 */
#include <kpi/topology.h>
#include "lib/string.h"
#include "lib/token.h"
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/screen.h"
#include "kernel/core.h"
#include "kernel/export.h"
#include "kernel/invoke.h"
#include "kernel/invoke_words.h"
#include "kernel/ioport.h"
#include "kernel/machine.h"
#include "kernel/memguard.h"
#include "kernel/notify.h"
#include "kernel/topology.h"
#include "kernel/vspace.h"

static err_t decode_values(struct cte *c, const uint64_t a[5], union invoke_args *x)
{
	x->value.v[0] = a[0];
	x->value.v[1] = a[1];
	x->value.v[2] = a[2];
	return OK;
}

/* A capability address in a[0], numbers after it: the shape of every
 * method that uses it (if/kernel.abi: a caddr first, then words), read by
 * position as the shape is shared. */
static err_t decode_cap_values(struct cte *c, const uint64_t a[5], union invoke_args *x)
{
	x->cap_value.v[0] = a[1];
	x->cap_value.v[1] = a[2];
	x->cap_value.v[2] = a[3];
	return invoke_lookup(a[0], &x->cap_value.c);
}

/* ---- Power ---- */

/* (). Late: only the hardware says whether the machine went off; when
 * it stays on, ERR_UNSUPPORTED, after the kernel said why (docs/power.md).
 * The test verdict is another method, the test kernel's alone
 * (POWER_TEST_EXIT, tests/boot/test_exit.c). */
static err_t perform_poweroff(struct cte *c, const union invoke_args *x, uint64_t *ret)
{
	return arch_poweroff();
}

/* (). Never returns: the machine resets, or no way worked and the kernel
 * said so and halts this core (kernel/arch/x86_64/reboot.c). */
static err_t perform_reboot(struct cte *c, const union invoke_args *x, uint64_t *ret)
{
	arch_reboot();
}

/* ---- Information: reading what boot found ---- */

static err_t decode_cmdline(struct cte *c, const uint64_t a[5], union invoke_args *x)
{
	const struct info_cmdline_args p = info_cmdline_args(a);

	if (p.size < strlen(machine.cmdline) + 1)
		return ERR_TRUNCATED;
	x->uptr.uptr = p.buf;
	return OK;
}

/* Late: the user buffer faults, if it does, as it is written (vspace.c,
 * user_copy); nothing else changes. */
static err_t perform_cmdline(struct cte *c, const union invoke_args *x, uint64_t *ret)
{
	size_t len = strlen(machine.cmdline);

	*ret = len;
	return user_copy_out(x->uptr.uptr, machine.cmdline, len + 1);
}

static err_t decode_cores(struct cte *c, const uint64_t a[5], union invoke_args *x)
{
	x->value.v[0] = info_cores_args(a).which;
	return x->value.v[0] > machine.ncores ? ERR_INVALID_ARG : OK;
}

/* (0): the number of cores; (1 + c): the NUMA node of core c, the
 * shootdown's topology until the SKB gives it (usr/monitor/shoot.c). */
static uint64_t perform_cores(struct cte *c, const union invoke_args *x)
{
	uint64_t i = x->value.v[0];

	return i ? machine.cores[i - 1].node : machine.ncores;
}

static err_t decode_topology(struct cte *c, const uint64_t a[5], union invoke_args *x)
{
	const struct info_topology_args p = info_topology_args(a);

	if (p.size < sizeof(struct kpi_topo))
		return ERR_TRUNCATED;
	x->uptr.uptr = p.topo;
	x->uptr.size = p.size;
	return OK;
}

/* Late, as INFO_CMDLINE. */
static err_t perform_topology(struct cte *c, const union invoke_args *x, uint64_t *ret)
{
	return topology_copy_out(x->uptr.uptr, x->uptr.size);
}

/* ---- Doorbells ---- */

/* (endpoint caddr, slot), checked in notify_bind's order. */
static err_t decode_notify_bind(struct cte *c, const uint64_t a[5], union invoke_args *x)
{
	err_t err = decode_cap_values(c, a, x);

	if (err)
		return err;
	if (doorbell_bind_args(a).slot >= NOTIFY_SLOTS)
		return ERR_INVALID_ARG;
	return x->cap_value.c->cap.type == CAP_ENDPOINT ? OK : ERR_CAP_WRONG_TYPE;
}

static uint64_t perform_notify_bind(struct cte *c, const union invoke_args *x)
{
	invoke_must(notify_bind(x->cap_value.c, x->cap_value.v[0]), "DOORBELL_BIND");
	return 0;
}

static err_t decode_notify(struct cte *c, const uint64_t a[5], union invoke_args *x)
{
	const struct doorbell_ring_args p = doorbell_ring_args(a);

	if (p.core >= machine.ncores || p.slot >= NOTIFY_SLOTS)
		return ERR_INVALID_ARG;
	x->value.v[0] = p.core;
	x->value.v[1] = p.slot;
	return OK;
}

static uint64_t perform_notify(struct cte *c, const union invoke_args *x)
{
	invoke_must(notify_ring(x->value.v[0], x->value.v[1]), "DOORBELL_RING");
	return 0;
}

static err_t decode_notify_mint(struct cte *c, const uint64_t a[5], union invoke_args *x)
{
	const struct doorbell_mint_args p = doorbell_mint_args(a);

	if (p.core >= machine.ncores || p.slot >= NOTIFY_SLOTS)
		return ERR_INVALID_ARG;
	x->mint_notify.core = p.core;
	x->mint_notify.slot = p.slot;
	return invoke_dest_slot(p.cn, p.dest, &x->mint_notify.dst);
}

static uint64_t perform_notify_mint(struct cte *c, const union invoke_args *x)
{
	const struct mint_notify_args *m = &x->mint_notify;
	struct cap n = { .type = CAP_NOTIFY, .rights = CAP_RIGHT_WRITE, .base = m->core, .size = m->slot };

	cap_install_root(m->dst, &n);
	return 0;
}

/* ---- Moving capabilities between cores (usr/monitor/rcap.c) ---- */

/*
 * EXPORT_FRAME (frame caddr, dest core, token out): the owner's
 * half of moving a Frame, or RAM, to another core: a token that lets core
 * `dest`'s kernel make a capability of the same type to its memory, with
 * its rights (lib/token.h; TOKEN_RAM for RAM, which the other core can
 * copy but not retype: CAPF_IMPORT). Only of this core's own memory, and only its
 * anchor: the copy its monitor marked with EXPORT_CAP_REMOTE, which
 * neither it nor anything above it can be deleted or revoked while the
 * mark stands, so the memory cannot become something else under the
 * other core (usr/monitor/rcap.c).
 */
static err_t decode_frame_export(struct cte *c, const uint64_t a[5], union invoke_args *x)
{
	err_t err = decode_cap_values(c, a, x);
	const struct cte *f = x->cap_value.c;

	if (err)
		return err;
	if (f->cap.type != CAP_FRAME && f->cap.type != CAP_RAM)
		return ERR_CAP_WRONG_TYPE;
	uint64_t dest = export_frame_args(a).dest;
	if (dest >= machine.ncores || dest == this_core()->id)
		return ERR_INVALID_ARG;
	if (!memguard_owns(this_core(), f->cap.base, f->cap.size))
		return ERR_CAP_NOT_OWNER;
	if (!(f->cap.flags & CAPF_REMOTE))
		return ERR_NOT_ANCHORED;
	return OK;
}

/* Late: the token is written out to the caller, which may fault (then
 * the sequence number is not used up: export.c). */
static err_t perform_frame_export(struct cte *c, const union invoke_args *x, uint64_t *ret)
{
	const struct cte *f = x->cap_value.c;

	return export_mint(f->cap.type == CAP_RAM ? TOKEN_RAM : TOKEN_FRAME, x->cap_value.v[0],
			   f->cap.base, f->cap.size, f->cap.rights, x->cap_value.v[1]);
}

/* EXPORT_FRAME_IMPORT (CNode caddr, dest slot, token): the receiving
 * half. The new capability, a Frame or RAM as the token says, is a root
 * here with CAPF_IMPORT; the owner's monitor keeps the anchor marked until
 * every core has deleted its copies. */
static err_t decode_frame_import(struct cte *c, const uint64_t a[5], union invoke_args *x)
{
	const struct export_frame_import_args p = export_frame_import_args(a);

	x->import.token = p.token;
	return invoke_dest_slot(p.cn, p.dest, &x->import.dst);
}

/* Late: the token is read, checked and taken in one step (export.c): a
 * token is good once, and whether it was taken already is this core's
 * record of what it has imported, which taking it changes. */
static err_t perform_frame_import(struct cte *c, const union invoke_args *x, uint64_t *ret)
{
	struct frame_token t;
	err_t err = export_take(TOKEN_CAP, x->import.token, &t);

	if (err)
		return err;
	struct cap f = { .type = t.kind == TOKEN_RAM ? CAP_RAM : CAP_FRAME,
			 .rights = (uint8_t)t.rights, .base = t.base, .size = t.size };
	cap_install_import(x->import.dst, &f);	/* not zeroed: it is shared memory */
	return OK;
}

static uint64_t perform_cap_remote(struct cte *c, const union invoke_args *x)
{
	invoke_must(cap_set_remote(x->cap_value.c, x->cap_value.v[0]), "EXPORT_CAP_REMOTE");
	return 0;
}

/* (caddr): is it the only capability here naming its object? What a
 * monitor asks before it gives an import back or lets an anchor go
 * (usr/monitor/rcap.c): a copy of either may sit in any process's
 * CNode, which only this kernel sees. */
static uint64_t perform_cap_last(struct cte *c, const union invoke_args *x)
{
	return cap_is_last(x->cap_value.c);
}

/* ---- Spanned address spaces (docs/span.md) ---- */

/*
 * Late, all five: vspace.c checks what only it keeps, which PML4s are
 * marked spanned and what their replicas' entries hold, together with
 * the user buffers it copies tokens and PDPT addresses through, before it
 * changes anything; its checks are not yet split out the way
 * vnode_map_check is.
 */
static err_t perform_vroot_span(struct cte *c, const union invoke_args *x, uint64_t *ret)
{
	return vspace_span(x->cap_value.c, x->cap_value.v[0] != 0, x->cap_value.v[1]);	/* 0 or 1 */
}

static err_t perform_vroot_unmap(struct cte *c, const union invoke_args *x, uint64_t *ret)
{
	return vspace_spanned_unmap(x->cap_value.c, x->cap_value.v[0], x->cap_value.v[1]);
}

static err_t perform_tlb_flush(struct cte *c, const union invoke_args *x, uint64_t *ret)
{
	return vspace_tlb_flush(x->cap_value.c, x->cap_value.v[0], x->cap_value.v[1]);
}

static err_t perform_vroot_export(struct cte *c, const union invoke_args *x, uint64_t *ret)
{
	return vspace_table_export(x->cap_value.c, x->cap_value.v[0], x->cap_value.v[1],
				   x->cap_value.v[2]);
}

static err_t perform_vroot_set(struct cte *c, const union invoke_args *x, uint64_t *ret)
{
	return vspace_replica_set(x->cap_value.c, x->cap_value.v[0], x->cap_value.v[1]);
}

/* ---- The console as a service (docs/console.md) ---- */

static err_t decode_console_take(struct cte *c, const uint64_t a[5], union invoke_args *x)
{
	x->value.v[0] = console_take_args(a).bell;
	return x->value.v[0] >= NOTIFY_SLOTS ? ERR_INVALID_ARG : OK;
}

static uint64_t perform_console_take(struct cte *c, const union invoke_args *x)
{
	invoke_must(console_take(x->value.v[0]), "CONSOLE_TAKE");
	return 0;
}

static err_t decode_console_read(struct cte *c, const uint64_t a[5], union invoke_args *x)
{
	const struct console_read_args p = console_read_args(a);

	x->uptr.uptr = p.buf;
	x->uptr.size = p.size < CONSOLE_READ_MAX ? p.size : CONSOLE_READ_MAX;
	return OK;
}

/* Late: through a buffer on the stack; the bytes leave the log only once
 * they have reached the caller, so a bad buffer, found as it is written,
 * loses nothing. */
static err_t perform_console_read(struct cte *c, const union invoke_args *x, uint64_t *ret)
{
	char buf[CONSOLE_READ_MAX];
	size_t n = console_peek(buf, x->uptr.size);
	err_t err = user_copy_out(x->uptr.uptr, buf, n);

	if (err)
		return err;
	console_drop(n);
	*ret = n;
	return OK;
}

/* Every slot the frames need must be empty; with no screen, the first
 * still must be, so that a bad call is refused the same on every
 * machine. */
static err_t decode_console_screen(struct cte *c, const uint64_t a[5], union invoke_args *x)
{
	const struct console_screen_args p = console_screen_args(a);
	unsigned n = screen_frames();
	struct cte *dst;
	err_t err;

	for (unsigned i = 0; i < (n ? n : 1); i++) {
		if (p.first + i < p.first)
			return ERR_CAP_RANGE;
		if ((err = invoke_dest_slot(p.cn, p.first + i, &dst)))
			return err;
		if (i == 0)
			x->cap_value.c = dst;
	}
	x->cap_value.v[0] = p.screen;
	return OK;
}

/* Late: the kernel's text goes out through the caller's buffer, which
 * faults only as it is written, and whether the screen came up
 * (ERR_UNSUPPORTED when screen_init refused it) and is still the
 * kernel's (ERR_HANDED_OVER) is shared state read under the console
 * lock. */
static err_t perform_console_screen(struct cte *c, const union invoke_args *x, uint64_t *ret)
{
	*ret = 0;
	return screen_handover(x->cap_value.c, x->cap_value.v[0]);
}

#define TYPE_IS(fn, t)	static bool fn(unsigned type) { return type == (t); }
TYPE_IS(is_power, CAP_POWER)
TYPE_IS(is_info, CAP_INFO)
TYPE_IS(is_doorbell, CAP_DOORBELL)
TYPE_IS(is_export, CAP_EXPORT)
TYPE_IS(is_span, CAP_SPAN)
TYPE_IS(is_console, CAP_CONSOLE)

static const struct invoke_method power_methods[] = {
	{ POWER_OFF, decode_values, NULL, perform_poweroff },
	{ POWER_REBOOT, decode_values, NULL, perform_reboot },
};
static const struct invoke_method info_methods[] = {
	{ INFO_CMDLINE, decode_cmdline, NULL, perform_cmdline },
	{ INFO_CORES, decode_cores, perform_cores, NULL },
	{ INFO_TOPOLOGY, decode_topology, NULL, perform_topology },
};
static const struct invoke_method doorbell_methods[] = {
	{ DOORBELL_BIND, decode_notify_bind, perform_notify_bind, NULL },
	{ DOORBELL_RING, decode_notify, perform_notify, NULL },
	{ DOORBELL_MINT, decode_notify_mint, perform_notify_mint, NULL },
};
static const struct invoke_method export_methods[] = {
	{ EXPORT_FRAME, decode_frame_export, NULL, perform_frame_export },
	{ EXPORT_FRAME_IMPORT, decode_frame_import, NULL, perform_frame_import },
	{ EXPORT_CAP_REMOTE, decode_cap_values, perform_cap_remote, NULL },
	{ EXPORT_VROOT, decode_cap_values, NULL, perform_vroot_export },
	{ EXPORT_VROOT_SET, decode_cap_values, NULL, perform_vroot_set },
	{ EXPORT_CAP_LAST, decode_cap_values, perform_cap_last, NULL },
};
static const struct invoke_method span_methods[] = {
	{ SPAN_VROOT, decode_cap_values, NULL, perform_vroot_span },
	{ SPAN_UNMAP, decode_cap_values, NULL, perform_vroot_unmap },
	{ SPAN_TLB_FLUSH, decode_cap_values, NULL, perform_tlb_flush },
};
static const struct invoke_method console_methods[] = {
	{ CONSOLE_TAKE, decode_console_take, perform_console_take, NULL },
	{ CONSOLE_READ, decode_console_read, NULL, perform_console_read },
	{ CONSOLE_SCREEN, decode_console_screen, NULL, perform_console_screen },
};
const struct invoke_table invoke_power_table = INVOKE_TABLE("Power", power, is_power, power_methods);
const struct invoke_table invoke_info_table = INVOKE_TABLE("Info", info, is_info, info_methods);
const struct invoke_table invoke_doorbell_table =
	INVOKE_TABLE("Doorbell", doorbell, is_doorbell, doorbell_methods);
const struct invoke_table invoke_export_table = INVOKE_TABLE("Export", export, is_export, export_methods);
const struct invoke_table invoke_span_table = INVOKE_TABLE("Span", span, is_span, span_methods);
const struct invoke_table invoke_console_table =
	INVOKE_TABLE("Console", console, is_console, console_methods);

/* ---- Notify: ring the doorbell it names, from any core ---- */

static err_t decode_none(struct cte *c, const uint64_t a[5], union invoke_args *x)
{
	return OK;
}

/* Its core and slot were checked when it was minted (DOORBELL_MINT). */
static uint64_t perform_notify_ring(struct cte *c, const union invoke_args *x)
{
	invoke_must(notify_ring(c->cap.base, c->cap.size), "NOTIFY_RING");
	return 0;
}

TYPE_IS(is_notify, CAP_NOTIFY)

static const struct invoke_method notify_methods[] = {
	{ NOTIFY_RING, decode_none, perform_notify_ring, NULL },
};
const struct invoke_table invoke_notify_table = INVOKE_TABLE("Notify", notify, is_notify, notify_methods);

/* ---- I/O ports (kernel/ioport.c) ---- */

static err_t decode_ioport_in(struct cte *c, const uint64_t a[5], union invoke_args *x)
{
	const struct ioport_in_args p = ioport_in_args(a);

	return ioport_decode(c, false, p.port, p.width, 0, &x->ioport);
}

static uint64_t perform_ioport_in(struct cte *c, const union invoke_args *x)
{
	return ioport_in(&x->ioport);
}

static err_t decode_ioport_out(struct cte *c, const uint64_t a[5], union invoke_args *x)
{
	const struct ioport_out_args p = ioport_out_args(a);

	return ioport_decode(c, true, p.port, p.width, p.value, &x->ioport);
}

static uint64_t perform_ioport_out(struct cte *c, const union invoke_args *x)
{
	ioport_out(&x->ioport);
	return 0;
}

TYPE_IS(is_ioport, CAP_IOPORT)

static const struct invoke_method ioport_methods[] = {
	{ IOPORT_IN, decode_ioport_in, perform_ioport_in, NULL },
	{ IOPORT_OUT, decode_ioport_out, perform_ioport_out, NULL },
};
const struct invoke_table invoke_ioport_table = INVOKE_TABLE("I/O port", ioport, is_ioport, ioport_methods);
