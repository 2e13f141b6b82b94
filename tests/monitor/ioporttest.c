/*
 * I/O port capabilities (kernel/ioport.c) and the user-level UART driver
 * (usr/lib/uart.c), from core 0's monitor, which holds COM1's ports in
 * CPTR_IOPORT_COM1: the capability is there with the right range; IN and
 * OUT reach the device (its scratch register); a line written through the
 * user driver reaches the serial console whole (the host checks that it
 * appears exactly once: tools/boottest.py, UART_MARKER); and every bad
 * port, width, value, right, type and slot gets its error before any port
 * is touched.
 */
#include <flotilla/caps.h>
#include <flotilla/sys.h>
#include <flotilla/uart.h>
#include "lib/test.h"
#include "tests/monitor/mtest.h"

#define COM1		0x3F8
#define COM1_SCR	(COM1 + 7)	/* the scratch register: no effect on the UART */
#define RO		SCRATCH(0)
#define WO		SCRATCH(1)
#define FRAME		SCRATCH(2)

/* Keep in step with tools/boottest.py (UART_MARKER). */
#define UART_MARKER	"uart: this line went through the user-level UART driver, " \
			"IOPORT_OUT by IOPORT_OUT: 0123456789abcdefghijklmnopqrstuvwxyz"

/* The keyboard controller's ports, for the console service (kbd.c):
 * core 0's alone, 0x60..0x64 and no more, and the status port reads. */
TEST(ioport_kbd_cap_is_core_0s)
{
	struct cap_info i;
	uint32_t v;

	if (sys_core_id() != 0) {
		CHECK_ERR(cap_identify(CPTR_IOPORT_KBD, &i), ERR_CAP_EMPTY);
		return;
	}
	CHECK_ERR(cap_identify(CPTR_IOPORT_KBD, &i), OK);
	CHECK(i.type == CAP_IOPORT);
	CHECK(i.base == KBD_PORT_DATA && i.size == KBD_PORTS);
	CHECK(i.rights == (CAP_RIGHT_READ | CAP_RIGHT_WRITE));
	CHECK_ERR(ioport_in(CPTR_IOPORT_KBD, KBD_PORT_STATUS, 1, &v), OK);
	CHECK(v != 0xFF);		/* QEMU's i8042 is there */
	CHECK_ERR(ioport_in(CPTR_IOPORT_KBD, KBD_PORT_DATA - 1, 1, &v), ERR_PORT_RANGE);
	CHECK_ERR(ioport_in(CPTR_IOPORT_KBD, KBD_PORT_STATUS + 1, 1, &v), ERR_PORT_RANGE);
	CHECK_ERR(ioport_in(CPTR_IOPORT_KBD, KBD_PORT_STATUS, 2, &v), ERR_PORT_RANGE);
}

TEST(ioport_com1_cap_is_core_0s)
{
	struct cap_info i;

	if (sys_core_id() != 0) {	/* only the bootstrap core's monitor has it */
		CHECK_ERR(cap_identify(CPTR_IOPORT_COM1, &i), ERR_CAP_EMPTY);
		return;
	}
	CHECK_ERR(cap_identify(CPTR_IOPORT_COM1, &i), OK);
	CHECK(i.type == CAP_IOPORT);
	CHECK(i.base == COM1 && i.size == 8);
	CHECK(i.rights == (CAP_RIGHT_READ | CAP_RIGHT_WRITE));
}

TEST(ioport_in_and_out_reach_the_device)
{
	uint32_t v = 0;

	CHECK_ERR(ioport_out(CPTR_IOPORT_COM1, COM1_SCR, 1, 0xA5), OK);
	CHECK_ERR(ioport_in(CPTR_IOPORT_COM1, COM1_SCR, 1, &v), OK);
	CHECK(v == 0xA5);
	CHECK_ERR(ioport_out(CPTR_IOPORT_COM1, COM1_SCR, 1, 0x5A), OK);
	CHECK_ERR(ioport_in(CPTR_IOPORT_COM1, COM1_SCR, 1, &v), OK);
	CHECK(v == 0x5A);
	/* The last port of the range is in: a wider read ending there works. */
	CHECK_ERR(ioport_in(CPTR_IOPORT_COM1, COM1_SCR - 1, 2, &v), OK);
	CHECK(v >> 8 == 0x5A);
	CHECK_ERR(ioport_in(CPTR_IOPORT_COM1, COM1_SCR - 3, 4, &v), OK);
	CHECK(v >> 24 == 0x5A);
	CHECK_ERR(ioport_out(CPTR_IOPORT_COM1, COM1_SCR, 1, 0), OK);
}

TEST(ioport_uart_line_reaches_the_serial_console)
{
	static const char line[] = UART_MARKER "\n";
	struct uart u;
	int c = -1;

	CHECK_ERR(uart_init(&u, CPTR_IOPORT_COM1, COM1), OK);
	CHECK(u.fifo == 16);		/* the kernel turned the FIFOs on */
	CHECK_ERR(uart_write(&u, line, sizeof(line) - 1), OK);
	/* Nothing is typed under the test harness; by hand, anything may be. */
	err_t err = uart_getc_nonblock(&u, &c);
	CHECK(err == ERR_WOULD_BLOCK || (err == OK && c >= 0 && c <= 255));
}

TEST(ioport_errors)
{
	const capaddr_t com1 = CPTR_IOPORT_COM1;
	struct cap_info i;
	struct uart u;
	uint32_t v = 0x12345678;

	CHECK_ERR(ioport_out(com1, COM1_SCR, 1, 0x3C), OK);
	/* Ports outside [0x3F8, 0x400), whole or in part. */
	CHECK_ERR(ioport_in(com1, COM1 + 8, 1, &v), ERR_PORT_RANGE);
	CHECK_ERR(ioport_in(com1, COM1 - 1, 1, &v), ERR_PORT_RANGE);
	CHECK_ERR(ioport_in(com1, COM1 - 1, 2, &v), ERR_PORT_RANGE);
	CHECK_ERR(ioport_in(com1, COM1_SCR, 2, &v), ERR_PORT_RANGE);
	CHECK_ERR(ioport_in(com1, COM1 + 6, 4, &v), ERR_PORT_RANGE);
	CHECK_ERR(ioport_in(com1, 0xFFFF, 4, &v), ERR_PORT_RANGE);	/* past 16 bits */
	CHECK_ERR(ioport_in(com1, 0, 1, &v), ERR_PORT_RANGE);
	CHECK_ERR(ioport_out(com1, COM1 + 8, 1, 0), ERR_PORT_RANGE);
	CHECK_ERR(ioport_out(com1, COM1_SCR, 4, 0), ERR_PORT_RANGE);
	/* Port numbers are not cut to 16 bits: 0x1_0000_03FF is no COM1 port. */
	CHECK_ERR(sys_invoke(com1, IOPORT_IN, 0x100000000ull + COM1_SCR, 1, 0, 0, 0).err,
		  ERR_PORT_RANGE);
	CHECK_ERR(sys_invoke(com1, IOPORT_IN, 0x10000 + COM1_SCR, 1, 0, 0, 0).err,
		  ERR_PORT_RANGE);
	CHECK_ERR(sys_invoke(com1, IOPORT_OUT, ~0ull, 1, 0, 0, 0).err, ERR_PORT_RANGE);
	/* Widths other than 1, 2 and 4; a value wider than the width. */
	CHECK_ERR(ioport_in(com1, COM1, 3, &v), ERR_INVALID_ARG);
	CHECK_ERR(ioport_in(com1, COM1, 0, &v), ERR_INVALID_ARG);
	CHECK_ERR(ioport_in(com1, COM1, 8, &v), ERR_INVALID_ARG);
	CHECK_ERR(sys_invoke(com1, IOPORT_IN, COM1, 1ull << 32 | 1, 0, 0, 0).err,
		  ERR_INVALID_ARG);
	CHECK_ERR(ioport_out(com1, COM1_SCR, 3, 0), ERR_INVALID_ARG);
	CHECK_ERR(ioport_out(com1, COM1_SCR, 1, 0x1FF), ERR_INVALID_ARG);
	CHECK_ERR(ioport_out(com1, COM1_SCR - 1, 2, 0x10000), ERR_INVALID_ARG);
	CHECK(v == 0x12345678);	/* a failed IN stores nothing */

	/* Rights: a read-only mint cannot write, a write-only one cannot
	 * read; both keep the whole range (a mint cannot narrow it). */
	CHECK_ERR(cnode_mint(T_SCRATCHCN, CADDR_L2(RO), com1, CAP_RIGHT_READ, 0), OK);
	CHECK_ERR(cnode_mint(T_SCRATCHCN, CADDR_L2(WO), com1, CAP_RIGHT_WRITE, 0), OK);
	CHECK_ERR(cap_identify(RO, &i), OK);
	CHECK(i.type == CAP_IOPORT && i.base == COM1 && i.size == 8 &&
	      i.rights == CAP_RIGHT_READ);
	CHECK_ERR(ioport_out(RO, COM1_SCR, 1, 0x99), ERR_CAP_RIGHTS);
	CHECK_ERR(ioport_out(RO, COM1 + 8, 1, 0x99), ERR_CAP_RIGHTS);	/* rights first */
	CHECK_ERR(ioport_in(WO, COM1_SCR, 1, &v), ERR_CAP_RIGHTS);
	CHECK_ERR(ioport_in(RO, COM1_SCR, 1, &v), OK);
	CHECK(v == 0x3C);		/* no failed OUT above wrote anything */
	CHECK_ERR(ioport_out(WO, COM1_SCR, 1, 0x5A), OK);
	CHECK_ERR(ioport_in(RO, COM1_SCR, 1, &v), OK);
	CHECK(v == 0x5A);
	/* A mint never adds rights: asking for all from the read-only copy
	 * gives read only. */
	CHECK_ERR(cnode_mint(T_SCRATCHCN, 3, RO, CAP_RIGHTS_ALL, 0), OK);
	CHECK_ERR(cap_identify(SCRATCH(3), &i), OK);
	CHECK(i.rights == CAP_RIGHT_READ);
	CHECK_ERR(ioport_out(SCRATCH(3), COM1_SCR, 1, 0), ERR_CAP_RIGHTS);
	CHECK_ERR(uart_init(&u, RO, COM1), ERR_CAP_RIGHTS);
	CHECK_ERR(uart_init(&u, com1, COM1 + 1), ERR_PORT_RANGE);

	/* Other types, other methods, empty slots. */
	CHECK_ERR(cnode_retype(T_SCRATCHCN, CADDR_L2(FRAME), T_TESTRAM, CAP_FRAME, 1, 0, 4096), OK);
	CHECK_ERR(ioport_in(FRAME, COM1, 1, &v), ERR_CAP_WRONG_TYPE);
	CHECK_ERR(ioport_out(FRAME, COM1, 1, 0), ERR_CAP_WRONG_TYPE);
	CHECK_ERR(ioport_in(CPTR_INFO, COM1, 1, &v), ERR_CAP_WRONG_TYPE);
	CHECK_ERR(uart_init(&u, FRAME, COM1), ERR_CAP_WRONG_TYPE);
	CHECK_ERR(notify_ring(com1), ERR_CAP_WRONG_TYPE);
	CHECK_ERR(sys_invoke(com1, IOPORT_OUT + 1, COM1, 1, 0, 0, 0).err, ERR_BAD_METHOD);
	CHECK_ERR(ioport_in(SCRATCH(4), COM1, 1, &v), ERR_CAP_EMPTY);
	CHECK_ERR(ioport_out(SCRATCH(4), COM1, 1, 0), ERR_CAP_EMPTY);
	CHECK_ERR(uart_init(&u, SCRATCH(4), COM1), ERR_CAP_EMPTY);

	/* And the port still works. */
	CHECK_ERR(ioport_out(com1, COM1_SCR, 1, 0), OK);
	CHECK_ERR(ioport_in(com1, COM1_SCR, 1, &v), OK);
	CHECK(v == 0);
}
