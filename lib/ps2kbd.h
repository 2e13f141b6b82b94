/*
 * A PS/2 keyboard's scan codes to the bytes a shell reads (lib/ps2kbd.c):
 * library code with no global state and no port access, so the host tests
 * (tests/host/test_ps2kbd.c) and a fuzzer feed it byte by byte. Whoever
 * reads the i8042's data port (0x60) feeds each byte here.
 *
 * Scan code set 1: what a PC's i8042 gives with its translation on, which
 * is how the firmware leaves it (QEMU's i8042 too: its keyboard speaks set
 * 2 and the controller translates it to set 1). A key's make code is
 * 0x01..0x58, its break code the same with bit 7 set; 0xE0 comes before
 * the codes of the extended keys (right Ctrl, the keypad's Enter and '/',
 * the arrows), and 0xE1 before the six bytes of Pause.
 *
 *	letters, digits, punctuation, space	their US-layout characters;
 *						Shift (either) for the upper row;
 *						Caps Lock turns letters upper case
 *	Enter, keypad Enter			'\r' (the line editor's end of line)
 *	Backspace				0x08
 *	Tab					'\t'
 *	Ctrl + a letter				its control byte (Ctrl-C: 0x03)
 *	break codes, Shift, Ctrl, Alt, Caps	nothing (state only)
 *	Esc, F1..F12, arrows, other known keys	nothing: the shell has no use
 *						for them yet
 *	bytes no key sends (make codes past	nothing, counted in `unknown`
 *	  0x58, 0x00 and 0xFF: the controller's
 *	  errors, an E0 code that is no key)
 */
#ifndef LIB_PS2KBD_H
#define LIB_PS2KBD_H

#include <stdbool.h>
#include <stdint.h>

struct ps2kbd {
	bool lshift, rshift, lctrl, rctrl, caps;
	bool e0;			/* the last byte was 0xE0 */
	uint8_t skip;			/* bytes of a Pause sequence still to come */
	uint64_t unknown;		/* bytes no key sends: ignored */
};

void ps2kbd_init(struct ps2kbd *k);

/* One byte from the data port: the character it types, or 0 when it
 * types none. Any byte in any state is fine. */
uint8_t ps2kbd_feed(struct ps2kbd *k, uint8_t code);

#endif
