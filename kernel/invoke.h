#ifndef KERNEL_INVOKE_H
#define KERNEL_INVOKE_H

#include <stdint.h>
#include <kpi/errors.h>

/* SYS_INVOKE: method `method` on the capability at `addr` of the current
 * dispatcher's CSpace, with arguments a[0..4]; *ret is the returned value. */
err_t cap_invoke(uint64_t addr, uint64_t method, const uint64_t a[5], uint64_t *ret);

#endif
