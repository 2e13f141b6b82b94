/*
 * I/O port capabilities (kernel/ioport.c): IOPORT_IN and IOPORT_OUT on a
 * capability of type CAP_IOPORT, which grants ports [base, base + size).
 */
#ifndef KERNEL_IOPORT_H
#define KERNEL_IOPORT_H

#include <stdint.h>
#include <kpi/errors.h>
#include "lib/cap.h"

/* Method IOPORT_IN or IOPORT_OUT (kpi/caps.h) on `c`, which the caller
 * has found to be an I/O port capability; IN's value goes to *ret. */
err_t ioport_invoke(const struct cte *c, uint64_t method, const uint64_t a[5], uint64_t *ret);

#endif
