#ifndef KERNEL_TOPOLOGY_H
#define KERNEL_TOPOLOGY_H

#include <stdint.h>
#include <kpi/errors.h>

/* INFO_TOPOLOGY: writes struct kpi_topo (kpi/topology.h) at user
 * address u, a buffer of `size` bytes (ERR_TRUNCATED if that is less). */
err_t topology_copy_out(uint64_t u, uint64_t size);

#endif
