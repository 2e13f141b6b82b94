/*
 * libFuzzer target for lib/ps2kbd.c: the input is what the keyboard
 * controller's data port gives, byte by byte. Every answer must be 0, a
 * printable character or a control byte the shell reads (ps2kbd.h), and
 * the Shift state must follow a small model: left and right Shift down on
 * their make codes and up on their break codes, except after 0xE0 (the
 * fake shifts of extended keys) and inside Pause (E1 and two bytes).
 */
#include <stdint.h>
#include <stdio.h>
#include <stddef.h>
#include "lib/ps2kbd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ps2kbd k;
	bool lshift = false, rshift = false, e0 = false;
	unsigned skip = 0;

	ps2kbd_init(&k);
	for (size_t i = 0; i < size; i++) {
		uint8_t b = data[i], ch = ps2kbd_feed(&k, b);
		if (!(ch == 0 || (ch >= 0x20 && ch < 0x7F) || ch == '\r' || ch == '\t' || ch == 0x08 ||
		      (ch >= 0x01 && ch <= 0x1A))) {
			fprintf(stderr, "fuzz_ps2kbd: byte %zu (0x%02x) typed 0x%02x\n", i, b, ch);
			__builtin_trap();
		}
		if (skip)
			skip--;
		else if (b == 0xE0)
			e0 = true;
		else if (b == 0xE1)
			e0 = false, skip = 2;
		else if (e0)
			e0 = false;
		else if ((b & 0x7F) == 0x2A)
			lshift = !(b & 0x80);
		else if ((b & 0x7F) == 0x36)
			rshift = !(b & 0x80);
		if (k.lshift != lshift || k.rshift != rshift) {
			fprintf(stderr, "fuzz_ps2kbd: after byte %zu (0x%02x) Shift is %d/%d, want %d/%d\n",
				i, b, k.lshift, k.rshift, lshift, rshift);
			__builtin_trap();
		}
	}
	return 0;
}
