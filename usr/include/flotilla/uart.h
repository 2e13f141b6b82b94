/*
 * A user-level driver for a 16550 UART (usr/lib/uart.c), reached through
 * an I/O port capability (IOPORT_IN, IOPORT_OUT: kpi/caps.h). This is the
 * driver the console service will run: one process on core 0 holding
 * COM1's ports (CPTR_IOPORT_COM1, which only the bootstrap core's monitor
 * is given), to which every other core sends its lines as messages, so
 * that lines never interleave and the kernel keeps only a last-resort
 * panic path (usr/monitor/console.c, docs/console.md).
 *
 * It is polled: no interrupts (IER stays 0). Output waits for the
 * transmitter through the line status register, then fills the transmit
 * FIFO (16 bytes when the FIFOs are on, else one byte) per wait, and
 * turns "\n" into "\r\n" as the kernel console does. The kernel sets the
 * UART up at boot (kernel/arch/x86_64/serial.c: 115200 8N1, FIFOs on);
 * uart_init keeps that setting and programs the same one only if the line
 * control register shows the UART was never set up.
 *
 * The kernel console writes the same port under its own lock, which this
 * driver does not take, while cores boot and on the panic path: the
 * console service starts the driver only once every core has handed its
 * console over.
 * Every port access is one system call, so this is not fast; it does not
 * need to be faster than the wire.
 */
#ifndef FLOTILLA_UART_H
#define FLOTILLA_UART_H

#include <stddef.h>
#include <stdint.h>
#include <kpi/caps.h>
#include <kpi/errors.h>

/* Registers, as offsets from the base port, and the bits used. */
#define UART_DATA	0	/* THR (write), RBR (read) */
#define UART_IER	1	/* interrupt enable */
#define UART_IIR	2	/* interrupt identification (read), FCR (write) */
#define UART_LCR	3	/* line control */
#define UART_MCR	4	/* modem control */
#define UART_LSR	5	/* line status */
#define UART_PORTS	8
#define UART_LSR_DR	0x01	/* a received byte is waiting */
#define UART_LSR_THRE	0x20	/* transmit holding register (FIFO) empty */

/* How long uart_putc and uart_write wait for the transmitter before
 * giving up with ERR_TIMEOUT: a missing or wedged UART must not hang
 * its driver. */
#define UART_TX_TIMEOUT_NS	(1000ull * 1000 * 1000)

struct uart {
	capaddr_t ioport;	/* I/O port capability covering base .. base + 7 */
	uint16_t base;		/* first port: 0x3F8 for COM1 */
	unsigned fifo;		/* bytes that may be written per THRE: 16 or 1 */
};

/* Attaches to the UART at ports base .. base + 7 through the capability
 * at `ioport`: ERR_CAP_WRONG_TYPE if it is no I/O port capability,
 * ERR_PORT_RANGE if it does not grant all eight ports, ERR_CAP_RIGHTS if
 * it lacks READ or WRITE; errors of cap_identify as they are. */
err_t uart_init(struct uart *u, capaddr_t ioport, uint16_t base);
/* Writes one byte ("\n" as "\r\n"). */
err_t uart_putc(struct uart *u, char c);
/* Writes n bytes ("\n" as "\r\n"); stops at the first error. */
err_t uart_write(struct uart *u, const char *s, size_t n);
/* One received byte in *c (0..255), or ERR_WOULD_BLOCK if none waits. */
err_t uart_getc_nonblock(struct uart *u, int *c);

#endif
