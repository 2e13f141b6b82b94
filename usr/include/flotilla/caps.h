/*
 * Capability invocations as C functions (usr/lib/caps.c): one per method of
 * include/kpi/caps.h. A slot is named by the caddr of the CNode capability
 * that holds it and an index in that CNode.
 */
#ifndef FLOTILLA_CAPS_H
#define FLOTILLA_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kpi/caps.h>
#include <kpi/errors.h>

err_t cap_identify(capaddr_t cap, struct cap_info *out);
err_t cnode_copy(capaddr_t cn, uint64_t slot, capaddr_t src);
err_t cnode_mint(capaddr_t cn, uint64_t slot, capaddr_t src, unsigned rights, uint64_t badge);
err_t cnode_move(capaddr_t cn, uint64_t slot, capaddr_t src);
err_t cnode_delete(capaddr_t cn, uint64_t slot);
err_t cnode_revoke(capaddr_t cn, uint64_t slot);
err_t cnode_retype(capaddr_t cn, uint64_t slot, capaddr_t ram, unsigned type, unsigned count,
		   uint64_t offset, uint64_t objsize);
err_t vnode_map(capaddr_t table, unsigned entry, capaddr_t cap, unsigned rights);
err_t vnode_unmap(capaddr_t table, capaddr_t cap);
err_t disp_setup(capaddr_t disp, capaddr_t cspace, capaddr_t vspace, uint64_t entry,
		 uint64_t stack, uint64_t arg);
err_t disp_run(capaddr_t disp);
err_t disp_set_name(capaddr_t disp, const char *name);
err_t disp_set_exc_ep(capaddr_t disp, capaddr_t ep, unsigned flags);
err_t disp_regs(capaddr_t disp, struct disp_regs *out);
/* The monitor's authority (kpi/caps.h, "Authority"): each kernel_* call
 * takes the capability of its kind, named by its first parameter: a
 * monitor passes CPTR_INFO, CPTR_DOORBELL, CPTR_EXPORT, CPTR_SPAN,
 * CPTR_CONSOLE or CPTR_POWER, or a copy it made. */
err_t kernel_cmdline(capaddr_t info, char *buf, uint64_t size);
/* Doorbells (kpi/lmp.h, LMP_KIND_NOTIFY): bind one of this core's to an
 * endpoint; ring one of any core's. */
err_t kernel_notify_bind(capaddr_t doorbell, capaddr_t ep, unsigned slot);
err_t kernel_notify(capaddr_t doorbell, unsigned core, unsigned slot);
/* A Notify capability for doorbell `slot` of `core`, into slot `dest` of
 * the CNode at `cn`; ringing it (notify_ring) works from any core. */
err_t kernel_notify_mint(capaddr_t doorbell, unsigned core, unsigned slot, capaddr_t cn,
			 uint64_t dest);
err_t notify_ring(capaddr_t notify);
/* A Frame capability for memory another core's monitor exported. */
err_t kernel_frame_export(capaddr_t export, capaddr_t frame, unsigned dest,
			  struct frame_token *out);
err_t kernel_frame_import(capaddr_t export, capaddr_t cn, uint64_t dest,
			  const struct frame_token *token);
/* Marks (on) or unmarks the capability at `cap` as having copies on other
 * cores: while marked, delete and revoke refuse it (ERR_CAP_REMOTE). */
err_t kernel_cap_remote(capaddr_t export, capaddr_t cap, bool on);
/* EXPORT_CAP_LAST: is `cap` the only capability on this core naming its object? */
err_t kernel_cap_last(capaddr_t export, capaddr_t cap, bool *last);
/* Spanned address spaces (docs/span.md): mark or unmark the PML4 at
 * `vroot` as running on other cores too, its 256 user PDPTs' physical
 * addresses into out[] (NULL: not wanted) when marking; point user entry
 * `entry` of replica PML4 `vroot` at the PDPT at physical `base`. */
err_t kernel_vroot_span(capaddr_t span, capaddr_t vroot, bool on, uint64_t out[256]);
err_t kernel_vroot_set(capaddr_t export, capaddr_t vroot, unsigned entry,
		       const struct frame_token *table);
err_t kernel_vroot_export(capaddr_t export, capaddr_t vroot, unsigned entry, unsigned dest,
			  struct frame_token *out);
/* The two halves of a shootdown: clear the entries of [va, va + pages *
 * 4 KiB) in the marked PML4 `vroot` and flush them from this core's TLB
 * (all or none); flush those pages of the address space `vroot` (a
 * replica) from this core's TLB, counted (DISP_INFO's tlb_pages). */
err_t kernel_vroot_unmap(capaddr_t span, capaddr_t vroot, uint64_t va, uint64_t pages);
err_t kernel_tlb_flush(capaddr_t span, capaddr_t vroot, uint64_t va, uint64_t pages);
/* The machine as the kernel found it at boot (kpi/topology.h), for the
 * System Knowledge Base (docs/skb.md). */
struct kpi_topo;
err_t kernel_topology(capaddr_t info, struct kpi_topo *out);
/* The console log of this core (kernel/console.c, docs/console.md). */
err_t kernel_console_take(capaddr_t console, unsigned bell);
err_t kernel_console_read(capaddr_t console, char *buf, size_t size, size_t *n);
/* The screen, handed over once per boot (CONSOLE_SCREEN, kpi/caps.h): its
 * DEVFRAMEs into slots slot.. of `cnode`, the rest into *out. */
err_t kernel_console_screen(capaddr_t console, capaddr_t cnode, unsigned slot,
			    struct console_screen *out);
err_t disp_info(capaddr_t disp, struct disp_info *out);
/* Co-schedules the dispatcher with every other of gang 1..255 (0: none;
 * DISP_SET_GANG, kernel/dispatch.c). */
err_t disp_set_gang(capaddr_t disp, unsigned gang);
/* How many cores the kernel starts (INFO_CORES); 0 on error. The NUMA
 * node of `core` (INFO_CORES with core + 1). */
unsigned kernel_cores(capaddr_t info);
err_t kernel_core_node(capaddr_t info, unsigned core, unsigned *node);
/* With code != 0, the test kernel's verdict exit first (POWER_TEST_EXIT);
 * then POWER_OFF. Stays put if both fail (docs/power.md). */
__attribute__((noreturn)) void kernel_poweroff(capaddr_t power, int code);

/* I/O ports (IOPORT_IN, IOPORT_OUT): read or write `width` (1, 2 or 4)
 * bytes at `port`, which the capability at `ioport` must grant entirely;
 * ioport_in stores the value in *out only on success. */
err_t ioport_in(capaddr_t ioport, uint16_t port, unsigned width, uint32_t *out);
err_t ioport_out(capaddr_t ioport, uint16_t port, unsigned width, uint32_t value);

#endif
