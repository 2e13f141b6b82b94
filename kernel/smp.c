/*
 * Starting cores, the portable half: the architecture starts the core
 * (arch_start_core), handing it the address of the bootstrap core's request
 * line to it, and hands back the address of the reply line the new core
 * made in its own memory; the bootstrap core records it in its own struct
 * core. Used at boot and to restart a core that halted.
 */
#include "kernel/arch.h"
#include "kernel/core.h"
#include "kernel/kchan.h"
#include "kernel/smp.h"

err_t smp_start_core(unsigned id)
{
	struct core *c = this_core();
	uint64_t chan_pa;
	err_t err = arch_start_core(id, kchan_request_line(id), &chan_pa);

	if (err)
		return err;
	c->chan[id] = phys_to_virt(chan_pa);
	c->core_halted[id] = false;
	return OK;
}
