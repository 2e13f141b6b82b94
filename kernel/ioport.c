/*
 * I/O port capabilities. The holder of a CAP_IOPORT capability names a
 * port and a width and the kernel does the `in` or `out` for it; user
 * space never runs with I/O privilege (IOPL 0, no I/O permission bitmap),
 * so every port access is one checked invocation. This is what lets a
 * driver, such as the user-level UART driver (usr/lib/uart.c) that the
 * console service will run, live outside the kernel and hold exactly the
 * ports of its device and nothing else.
 *
 * Every check comes before the access: the rights (IN needs READ, OUT
 * needs WRITE: their rows in kernel/invoke_auth.c), then here the width
 * (1, 2 or 4 bytes), and that every port the access touches, port ..
 * port + width - 1, lies inside the capability's range [base, base +
 * size) (ERR_PORT_RANGE), computed without overflow.
 *
 * A copy or a mint keeps the whole range (cap_mint changes only the
 * rights and the badge), so a holder can hand out a read-only or
 * write-only copy but not yet a sub-range of its ports: that needs a
 * method of its own (a mint that narrows base and size), which nothing
 * needs today.
 *
 * Port I/O is x86's, like the capability type; the instructions are the
 * inline helpers of kernel/arch/x86_64/cpu.h.
 */
#include "kernel/arch.h"
#include "kernel/invoke.h"
#include "kernel/ioport.h"
#include "kernel/arch/x86_64/cpu.h"

/* The highest port number plus one: ports are 16 bits. */
#define PORT_LIMIT	0x10000ull

err_t ioport_decode(const struct cte *c, bool out, uint64_t port, uint64_t width, uint64_t value,
		    struct ioport_args *x)
{
	uint64_t base = c->cap.base, size = c->cap.size;

	if (width != 1 && width != 2 && width != 4)
		return ERR_INVALID_ARG;
	if (out && (value >> (8 * width)))
		return ERR_INVALID_ARG;		/* a value wider than the access */
	/* port .. port + width - 1 inside the 16-bit port space and inside
	 * [base, base + size). Nothing can wrap: each sum is computed only
	 * after the tests to its left bounded its terms by 2^16. */
	if (port >= PORT_LIMIT || width > PORT_LIMIT - port)
		return ERR_PORT_RANGE;
	if (port < base || size > PORT_LIMIT || base > PORT_LIMIT - size ||
	    port + width > base + size)
		return ERR_PORT_RANGE;
	x->port = (uint16_t)port;
	x->width = (uint8_t)width;
	x->value = out ? (uint32_t)value : 0;
	return OK;
}

void ioport_out(const struct ioport_args *x)
{
	if (x->width == 1)
		outb(x->port, (uint8_t)x->value);
	else if (x->width == 2)
		outw(x->port, (uint16_t)x->value);
	else
		outl(x->port, x->value);
}

uint32_t ioport_in(const struct ioport_args *x)
{
	return x->width == 1 ? inb(x->port) : x->width == 2 ? inw(x->port) : inl(x->port);
}
