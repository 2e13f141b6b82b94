/*
 * The user-level 16550 UART driver: see usr/include/flotilla/uart.h. Every
 * register access is an IOPORT_IN or IOPORT_OUT invocation on the
 * capability the driver was given; the kernel checks that each port is
 * one the capability grants.
 */
#include <flotilla/caps.h>
#include <flotilla/sys.h>
#include <flotilla/uart.h>

#define FIFO_BYTES	16
#define LCR_8N1		0x03	/* 8 data bits, no parity, 1 stop bit, DLAB off */

static err_t reg_in(const struct uart *u, unsigned reg, uint8_t *v)
{
	uint32_t x;
	err_t err = ioport_in(u->ioport, (uint16_t)(u->base + reg), 1, &x);

	if (!err)
		*v = (uint8_t)x;
	return err;
}

static err_t reg_out(const struct uart *u, unsigned reg, uint8_t v)
{
	return ioport_out(u->ioport, (uint16_t)(u->base + reg), 1, v);
}

/* The kernel's setting (kernel/arch/x86_64/serial.c), for a UART that
 * nobody set up: no interrupts, 115200 baud (divisor 1), 8N1, FIFOs on
 * and cleared with a 14-byte threshold, DTR and RTS. */
static err_t program(const struct uart *u)
{
	static const uint8_t seq[][2] = {
		{ UART_IER, 0x00 }, { UART_LCR, 0x80 }, { UART_DATA, 0x01 }, { UART_IER, 0x00 },
		{ UART_LCR, LCR_8N1 }, { UART_IIR, 0xC7 }, { UART_MCR, 0x03 },
	};
	err_t err;

	for (unsigned i = 0; i < sizeof(seq) / sizeof(seq[0]); i++)
		if ((err = reg_out(u, seq[i][0], seq[i][1])))
			return err;
	return OK;
}

err_t uart_init(struct uart *u, capaddr_t ioport, uint16_t base)
{
	struct cap_info info;
	uint8_t lcr, iir;
	err_t err;

	if ((err = cap_identify(ioport, &info)))
		return err;
	if (info.type != CAP_IOPORT)
		return ERR_CAP_WRONG_TYPE;
	if (base < info.base || (uint64_t)base + UART_PORTS > info.base + info.size)
		return ERR_PORT_RANGE;
	if ((info.rights & (CAP_RIGHT_READ | CAP_RIGHT_WRITE)) != (CAP_RIGHT_READ | CAP_RIGHT_WRITE))
		return ERR_CAP_RIGHTS;
	*u = (struct uart){ .ioport = ioport, .base = base, .fifo = 1 };
	/* Set up already (by the kernel at boot): keep its baud rate. */
	if ((err = reg_in(u, UART_LCR, &lcr)))
		return err;
	if (lcr != LCR_8N1 && (err = program(u)))
		return err;
	/* IIR bits 7..6 both set: the FIFOs are on. */
	if ((err = reg_in(u, UART_IIR, &iir)))
		return err;
	if ((iir & 0xC0) == 0xC0)
		u->fifo = FIFO_BYTES;
	return OK;
}

/* Waits (bounded) until the transmitter is empty: *room bytes may then be
 * written without waiting again. */
static err_t wait_tx(const struct uart *u, unsigned *room)
{
	uint64_t deadline = 0;
	uint8_t lsr;
	err_t err;

	for (unsigned polls = 0;; polls++) {
		if ((err = reg_in(u, UART_LSR, &lsr)))
			return err;
		if (lsr & UART_LSR_THRE) {
			*room = u->fifo;
			return OK;
		}
		/* Look at the clock only once the UART is slow to answer. */
		if (polls == 64)
			deadline = sys_clock_ns() + UART_TX_TIMEOUT_NS;
		else if (polls > 64 && polls % 64 == 0 && sys_clock_ns() > deadline)
			return ERR_TIMEOUT;
	}
}

static err_t put_byte(const struct uart *u, unsigned *room, char c)
{
	err_t err;

	if (!*room && (err = wait_tx(u, room)))
		return err;
	(*room)--;
	return reg_out(u, UART_DATA, (uint8_t)c);
}

/* One character, "\n" as "\r\n". `room` lives only as long as one call:
 * between calls others (the kernel console) may have filled the FIFO. */
static err_t put_char(const struct uart *u, unsigned *room, char c)
{
	err_t err;

	if (c == '\n' && (err = put_byte(u, room, '\r')))
		return err;
	return put_byte(u, room, c);
}

err_t uart_putc(struct uart *u, char c)
{
	unsigned room = 0;

	return put_char(u, &room, c);
}

err_t uart_write(struct uart *u, const char *s, size_t n)
{
	unsigned room = 0;
	err_t err;

	for (size_t i = 0; i < n; i++)
		if ((err = put_char(u, &room, s[i])))
			return err;
	return OK;
}

err_t uart_getc_nonblock(struct uart *u, int *c)
{
	uint8_t lsr, v;
	err_t err;

	if ((err = reg_in(u, UART_LSR, &lsr)))
		return err;
	if (!(lsr & UART_LSR_DR))
		return ERR_WOULD_BLOCK;
	if ((err = reg_in(u, UART_DATA, &v)))
		return err;
	*c = v;
	return OK;
}
