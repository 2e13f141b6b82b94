/*
 * One function per capability method: argument packing for SYS_INVOKE, in
 * the order include/kpi/caps.h documents. Nothing is checked here; the
 * kernel checks everything and says what was wrong.
 */
#include <kpi/topology.h>
#include <flotilla/caps.h>
#include <flotilla/sys.h>
#include "lib/string.h"

err_t cap_identify(capaddr_t cap, struct cap_info *out)
{
	return sys_invoke(cap, CAP_IDENTIFY, (uintptr_t)out, 0, 0, 0, 0).err;
}

err_t cnode_copy(capaddr_t cn, uint64_t slot, capaddr_t src)
{
	return sys_invoke(cn, CNODE_COPY, slot, src, 0, 0, 0).err;
}

err_t cnode_mint(capaddr_t cn, uint64_t slot, capaddr_t src, unsigned rights, uint64_t badge)
{
	return sys_invoke(cn, CNODE_MINT, slot, src, rights, badge, 0).err;
}

err_t cnode_move(capaddr_t cn, uint64_t slot, capaddr_t src)
{
	return sys_invoke(cn, CNODE_MOVE, slot, src, 0, 0, 0).err;
}

err_t cnode_delete(capaddr_t cn, uint64_t slot)
{
	return sys_invoke(cn, CNODE_DELETE, slot, 0, 0, 0, 0).err;
}

err_t cnode_revoke(capaddr_t cn, uint64_t slot)
{
	return sys_invoke(cn, CNODE_REVOKE, slot, 0, 0, 0, 0).err;
}

err_t cnode_retype(capaddr_t cn, uint64_t slot, capaddr_t ram, unsigned type, unsigned count,
		   uint64_t offset, uint64_t objsize)
{
	return sys_invoke(cn, CNODE_RETYPE, slot, ram, type | ((uint64_t)count << 16),
			  offset, objsize).err;
}

err_t vnode_map(capaddr_t table, unsigned entry, capaddr_t cap, unsigned rights)
{
	return sys_invoke(table, VNODE_MAP, entry, cap, rights, 0, 0).err;
}

err_t vnode_unmap(capaddr_t table, capaddr_t cap)
{
	return sys_invoke(table, VNODE_UNMAP, cap, 0, 0, 0, 0).err;
}

err_t disp_setup(capaddr_t disp, capaddr_t cspace, capaddr_t vspace, uint64_t entry,
		 uint64_t stack, uint64_t arg)
{
	return sys_invoke(disp, DISP_SETUP, cspace, vspace, entry, stack, arg).err;
}

err_t disp_run(capaddr_t disp)
{
	return sys_invoke(disp, DISP_RUN, 0, 0, 0, 0, 0).err;
}

err_t disp_set_name(capaddr_t disp, const char *name)
{
	return sys_invoke(disp, DISP_SET_NAME, (uintptr_t)name, strlen(name), 0, 0, 0).err;
}

err_t disp_set_exc_ep(capaddr_t disp, capaddr_t ep, unsigned flags)
{
	return sys_invoke(disp, DISP_SET_EXC_EP, ep, flags, 0, 0, 0).err;
}

err_t disp_regs(capaddr_t disp, struct disp_regs *out)
{
	return sys_invoke(disp, DISP_REGS, (uintptr_t)out, 0, 0, 0, 0).err;
}

err_t kernel_cmdline(capaddr_t info, char *buf, uint64_t size)
{
	return sys_invoke(info, INFO_CMDLINE, (uintptr_t)buf, size, 0, 0, 0).err;
}

err_t kernel_notify_bind(capaddr_t doorbell, capaddr_t ep, unsigned slot)
{
	return sys_invoke(doorbell, DOORBELL_BIND, ep, slot, 0, 0, 0).err;
}

err_t kernel_notify(capaddr_t doorbell, unsigned core, unsigned slot)
{
	return sys_invoke(doorbell, DOORBELL_RING, core, slot, 0, 0, 0).err;
}

unsigned kernel_cores(capaddr_t info)
{
	struct sys_ret r = sys_invoke(info, INFO_CORES, 0, 0, 0, 0, 0);

	return r.err ? 0 : (unsigned)r.value;
}

void kernel_poweroff(capaddr_t power, int code)
{
	if (code)	/* the test kernel's verdict exit (docs/power.md) */
		sys_invoke(power, POWER_TEST_EXIT, (uint64_t)code, 0, 0, 0, 0);
	sys_invoke(power, POWER_OFF, 0, 0, 0, 0, 0);
	for (;;)
		sys_yield();	/* not a monitor: the call failed; stay put */
}

err_t disp_info(capaddr_t disp, struct disp_info *out)
{
	return sys_invoke(disp, DISP_INFO, (uint64_t)out, 0, 0, 0, 0).err;
}

err_t disp_set_gang(capaddr_t disp, unsigned gang)
{
	return sys_invoke(disp, DISP_SET_GANG, gang, 0, 0, 0, 0).err;
}

err_t kernel_notify_mint(capaddr_t doorbell, unsigned core, unsigned slot, capaddr_t cn,
			 uint64_t dest)
{
	return sys_invoke(doorbell, DOORBELL_MINT, core, slot, cn, dest, 0).err;
}

err_t kernel_frame_export(capaddr_t export, capaddr_t frame, unsigned dest,
			  struct frame_token *out)
{
	return sys_invoke(export, EXPORT_FRAME, frame, dest, (uintptr_t)out, 0, 0).err;
}

err_t kernel_frame_import(capaddr_t export, capaddr_t cn, uint64_t dest,
			  const struct frame_token *token)
{
	return sys_invoke(export, EXPORT_FRAME_IMPORT, cn, dest, (uintptr_t)token, 0, 0).err;
}

err_t kernel_cap_remote(capaddr_t export, capaddr_t cap, bool on)
{
	return sys_invoke(export, EXPORT_CAP_REMOTE, cap, on, 0, 0, 0).err;
}

err_t kernel_cap_last(capaddr_t export, capaddr_t cap, bool *last)
{
	struct sys_ret r = sys_invoke(export, EXPORT_CAP_LAST, cap, 0, 0, 0, 0);

	if (!r.err)
		*last = r.value != 0;
	return r.err;
}

err_t kernel_vroot_span(capaddr_t span, capaddr_t vroot, bool on, uint64_t out[256])
{
	return sys_invoke(span, SPAN_VROOT, vroot, on, (uintptr_t)out, 0, 0).err;
}

err_t kernel_vroot_set(capaddr_t export, capaddr_t vroot, unsigned entry,
		       const struct frame_token *table)
{
	return sys_invoke(export, EXPORT_VROOT_SET, vroot, entry, (uintptr_t)table, 0, 0).err;
}

err_t kernel_vroot_export(capaddr_t export, capaddr_t vroot, unsigned entry, unsigned dest,
			  struct frame_token *out)
{
	return sys_invoke(export, EXPORT_VROOT, vroot, entry, dest, (uintptr_t)out, 0).err;
}

err_t kernel_vroot_unmap(capaddr_t span, capaddr_t vroot, uint64_t va, uint64_t pages)
{
	return sys_invoke(span, SPAN_UNMAP, vroot, va, pages, 0, 0).err;
}

err_t kernel_tlb_flush(capaddr_t span, capaddr_t vroot, uint64_t va, uint64_t pages)
{
	return sys_invoke(span, SPAN_TLB_FLUSH, vroot, va, pages, 0, 0).err;
}

err_t kernel_core_node(capaddr_t info, unsigned core, unsigned *node)
{
	struct sys_ret r = sys_invoke(info, INFO_CORES, (uint64_t)core + 1, 0, 0, 0, 0);

	if (!r.err)
		*node = (unsigned)r.value;
	return r.err;
}

err_t kernel_topology(capaddr_t info, struct kpi_topo *out)
{
	return sys_invoke(info, INFO_TOPOLOGY, (uint64_t)out, sizeof(*out), 0, 0, 0).err;
}

err_t kernel_console_take(capaddr_t console, unsigned bell)
{
	return sys_invoke(console, CONSOLE_TAKE, bell, 0, 0, 0, 0).err;
}

err_t kernel_console_screen(capaddr_t console, capaddr_t cnode, unsigned slot,
			    struct console_screen *out)
{
	return sys_invoke(console, CONSOLE_SCREEN, cnode, slot, (uint64_t)out, 0, 0).err;
}

err_t kernel_console_read(capaddr_t console, char *buf, size_t size, size_t *n)
{
	struct sys_ret r = sys_invoke(console, CONSOLE_READ, (uint64_t)buf, size, 0, 0, 0);

	*n = r.err ? 0 : (size_t)r.value;
	return r.err;
}

err_t notify_ring(capaddr_t notify)
{
	return sys_invoke(notify, NOTIFY_RING, 0, 0, 0, 0, 0).err;
}

err_t ioport_in(capaddr_t ioport, uint16_t port, unsigned width, uint32_t *out)
{
	struct sys_ret r = sys_invoke(ioport, IOPORT_IN, port, width, 0, 0, 0);

	if (!r.err)
		*out = (uint32_t)r.value;
	return r.err;
}

err_t ioport_out(capaddr_t ioport, uint16_t port, unsigned width, uint32_t value)
{
	return sys_invoke(ioport, IOPORT_OUT, port, width, value, 0, 0).err;
}
