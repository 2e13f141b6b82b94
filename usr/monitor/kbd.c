/*
 * The keyboard (docs/console.md, "The keyboard"): core 0's monitor polls
 * the PC's i8042 keyboard controller through its I/O ports
 * (CPTR_IOPORT_KBD, which the kernel gives core 0's monitor alone) and
 * turns what the keyboard sends into the bytes a shell reads
 * (lib/ps2kbd.c), beside what comes in on the UART. So a PC without a
 * serial port can be typed at: with a PS/2 keyboard, or a USB one that the
 * firmware's legacy emulation presents as one.
 *
 * The firmware leaves the controller as the decoder expects it: the
 * keyboard on, its translation to scan code set 1 on, and no interrupt
 * wanted (the console is polled: a read asks). The monitor changes none of
 * that. A byte from the mouse's port (status bit 5) is read and dropped,
 * so that it cannot hide the keyboard's behind it.
 */
#include <flotilla/caps.h>
#include "lib/ps2kbd.h"
#include "usr/monitor/monitor.h"

#define ST_OUT_FULL	0x01	/* a byte waits in the data port */
#define ST_AUX		0x20	/* ... and it is the mouse's */
#define POLL_MAX	64	/* bytes one poll takes at most */

static struct ps2kbd kbd;
static bool present;

err_t kbd_init(void)
{
	struct cap_info ci;
	uint32_t st;
	err_t err;

	if ((err = cap_identify(CPTR_IOPORT_KBD, &ci)))
		return err;
	if (ci.type != CAP_IOPORT)
		return ERR_CAP_WRONG_TYPE;
	if ((err = ioport_in(CPTR_IOPORT_KBD, KBD_PORT_STATUS, 1, &st)))
		return err;
	/* No controller: nothing drives the bus, and the port reads all
	 * ones. */
	if (st == 0xFF)
		return ERR_UNSUPPORTED;
	ps2kbd_init(&kbd);
	present = true;
	return OK;
}

size_t kbd_poll(char *buf, size_t size)
{
	size_t n = 0;

	for (unsigned i = 0; present && n < size && i < POLL_MAX; i++) {
		uint32_t st, data;
		if (ioport_in(CPTR_IOPORT_KBD, KBD_PORT_STATUS, 1, &st) || !(st & ST_OUT_FULL) ||
		    ioport_in(CPTR_IOPORT_KBD, KBD_PORT_DATA, 1, &data))
			break;
		if (st & ST_AUX)
			continue;
		uint8_t c = ps2kbd_feed(&kbd, (uint8_t)data);
		if (c)
			buf[n++] = (char)c;
	}
	return n;
}
