/*
 * The capability methods as user space calls them (flotilla/caps.h): each
 * on its stub of flotilla/abi.h, which tools/abigen.py makes from
 * if/kernel.abi, so that the words a method's arguments go in are
 * defined once. Nothing is checked here; the kernel checks everything
 * and says what was wrong.
 */
#include <kpi/topology.h>
#include <flotilla/abi.h>
#include <flotilla/caps.h>
#include <flotilla/sys.h>
#include "lib/string.h"

err_t cap_identify(capaddr_t cap, struct cap_info *out)
{
	return abi_cap_identify(cap, out).err;
}

err_t cnode_copy(capaddr_t cn, uint64_t slot, capaddr_t src)
{
	return abi_cnode_copy(cn, slot, src).err;
}

err_t cnode_mint(capaddr_t cn, uint64_t slot, capaddr_t src, unsigned rights, uint64_t badge)
{
	return abi_cnode_mint(cn, slot, src, rights, badge).err;
}

err_t cnode_move(capaddr_t cn, uint64_t slot, capaddr_t src)
{
	return abi_cnode_move(cn, slot, src).err;
}

err_t cnode_delete(capaddr_t cn, uint64_t slot)
{
	return abi_cnode_delete(cn, slot).err;
}

err_t cnode_revoke(capaddr_t cn, uint64_t slot)
{
	return abi_cnode_revoke(cn, slot).err;
}

err_t cnode_retype(capaddr_t cn, uint64_t slot, capaddr_t ram, unsigned type, unsigned count,
		   uint64_t offset, uint64_t objsize)
{
	return abi_cnode_retype(cn, slot, ram, type, count, offset, objsize).err;
}

err_t vnode_map(capaddr_t table, unsigned entry, capaddr_t cap, unsigned rights)
{
	return abi_vnode_map(table, entry, cap, rights).err;
}

err_t vnode_unmap(capaddr_t table, capaddr_t cap)
{
	return abi_vnode_unmap(table, cap).err;
}

err_t disp_setup(capaddr_t disp, capaddr_t cspace, capaddr_t vspace, uint64_t entry,
		 uint64_t stack, uint64_t arg)
{
	return abi_disp_setup(disp, cspace, vspace, entry, stack, arg).err;
}

err_t disp_run(capaddr_t disp)
{
	return abi_disp_run(disp).err;
}

err_t disp_set_name(capaddr_t disp, const char *name)
{
	return abi_disp_set_name(disp, name, strlen(name)).err;
}

err_t disp_set_exc_ep(capaddr_t disp, capaddr_t ep, unsigned flags)
{
	return abi_disp_set_exc_ep(disp, ep, flags).err;
}

err_t disp_regs(capaddr_t disp, struct disp_regs *out)
{
	return abi_disp_regs(disp, out).err;
}

err_t kernel_cmdline(capaddr_t info, char *buf, uint64_t size)
{
	return abi_info_cmdline(info, buf, size).err;
}

err_t kernel_notify_bind(capaddr_t doorbell, capaddr_t ep, unsigned slot)
{
	return abi_doorbell_bind(doorbell, ep, slot).err;
}

err_t kernel_notify(capaddr_t doorbell, unsigned core, unsigned slot)
{
	return abi_doorbell_ring(doorbell, core, slot).err;
}

unsigned kernel_cores(capaddr_t info)
{
	struct sys_ret r = abi_info_cores(info, 0);

	return r.err ? 0 : (unsigned)r.value;
}

void kernel_poweroff(capaddr_t power, int code)
{
	if (code)	/* the test kernel's verdict exit (docs/power.md) */
		abi_power_test_exit(power, (uint64_t)code);
	abi_power_off(power);
	for (;;)
		sys_yield();	/* not a monitor: the call failed; stay put */
}

err_t disp_info(capaddr_t disp, struct disp_info *out)
{
	return abi_disp_info(disp, out).err;
}

err_t disp_set_gang(capaddr_t disp, unsigned gang)
{
	return abi_disp_set_gang(disp, gang).err;
}

err_t kernel_notify_mint(capaddr_t doorbell, unsigned core, unsigned slot, capaddr_t cn,
			 uint64_t dest)
{
	return abi_doorbell_mint(doorbell, core, slot, cn, dest).err;
}

err_t kernel_frame_export(capaddr_t export, capaddr_t frame, unsigned dest,
			  struct frame_token *out)
{
	return abi_export_frame(export, frame, dest, out).err;
}

err_t kernel_frame_import(capaddr_t export, capaddr_t cn, uint64_t dest,
			  const struct frame_token *token)
{
	return abi_export_frame_import(export, cn, dest, token).err;
}

err_t kernel_cap_remote(capaddr_t export, capaddr_t cap, bool on)
{
	return abi_export_cap_remote(export, cap, on).err;
}

err_t kernel_cap_last(capaddr_t export, capaddr_t cap, bool *last)
{
	struct sys_ret r = abi_export_cap_last(export, cap);

	if (!r.err)
		*last = r.value != 0;
	return r.err;
}

err_t kernel_vroot_span(capaddr_t span, capaddr_t vroot, bool on, uint64_t out[256])
{
	return abi_span_vroot(span, vroot, on, out).err;
}

err_t kernel_vroot_set(capaddr_t export, capaddr_t vroot, unsigned entry,
		       const struct frame_token *table)
{
	return abi_export_vroot_set(export, vroot, entry, table).err;
}

err_t kernel_vroot_export(capaddr_t export, capaddr_t vroot, unsigned entry, unsigned dest,
			  struct frame_token *out)
{
	return abi_export_vroot(export, vroot, entry, dest, out).err;
}

err_t kernel_vroot_unmap(capaddr_t span, capaddr_t vroot, uint64_t va, uint64_t pages)
{
	return abi_span_unmap(span, vroot, va, pages).err;
}

err_t kernel_tlb_flush(capaddr_t span, capaddr_t vroot, uint64_t va, uint64_t pages)
{
	return abi_span_tlb_flush(span, vroot, va, pages).err;
}

err_t kernel_core_node(capaddr_t info, unsigned core, unsigned *node)
{
	struct sys_ret r = abi_info_cores(info, (uint64_t)core + 1);

	if (!r.err)
		*node = (unsigned)r.value;
	return r.err;
}

err_t kernel_topology(capaddr_t info, struct kpi_topo *out)
{
	return abi_info_topology(info, out, sizeof(*out)).err;
}

err_t kernel_console_take(capaddr_t console, unsigned bell)
{
	return abi_console_take(console, bell).err;
}

err_t kernel_console_screen(capaddr_t console, capaddr_t cnode, unsigned slot,
			    struct console_screen *out)
{
	return abi_console_screen(console, cnode, slot, out).err;
}

err_t kernel_console_read(capaddr_t console, char *buf, size_t size, size_t *n)
{
	struct sys_ret r = abi_console_read(console, buf, size);

	*n = r.err ? 0 : (size_t)r.value;
	return r.err;
}

err_t notify_ring(capaddr_t notify)
{
	return abi_notify_ring(notify).err;
}

err_t ioport_in(capaddr_t ioport, uint16_t port, unsigned width, uint32_t *out)
{
	struct sys_ret r = abi_ioport_in(ioport, port, width);

	if (!r.err)
		*out = (uint32_t)r.value;
	return r.err;
}

err_t ioport_out(capaddr_t ioport, uint16_t port, unsigned width, uint32_t value)
{
	return abi_ioport_out(ioport, port, width, value).err;
}
