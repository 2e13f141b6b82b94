/*
 * I/O port capabilities (kernel/ioport.c): IOPORT_IN and IOPORT_OUT on a
 * capability of type CAP_IOPORT, which grants ports [base, base + size).
 */
#ifndef KERNEL_IOPORT_H
#define KERNEL_IOPORT_H

#include <stdint.h>
#include <kpi/errors.h>
#include "lib/cap.h"

struct ioport_args;

/* Decodes IOPORT_IN (out false; value 0) or IOPORT_OUT (if/kernel.abi)
 * on `c`, which the caller has found to be an I/O port capability with
 * the right the method needs, into *x. */
err_t ioport_decode(const struct cte *c, bool out, uint64_t port, uint64_t width, uint64_t value,
		    struct ioport_args *x);
/* The access itself, as decoded: it cannot fail. */
void ioport_out(const struct ioport_args *x);
uint32_t ioport_in(const struct ioport_args *x);

#endif
