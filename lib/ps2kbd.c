/*
 * PS/2 scan code set 1 to characters (rules in ps2kbd.h). Two tables,
 * without and with Shift, indexed by make code; codes past them are keys
 * that type nothing (up to 0x58, the last key of set 1) or no key at all.
 */
#include <stddef.h>
#include "lib/ps2kbd.h"
#include "lib/string.h"

#define BREAK		0x80
#define PREFIX_E0	0xE0
#define PREFIX_E1	0xE1
#define PAUSE_REST	2	/* bytes after each E1 of Pause (E1 1D 45 E1 9D C5) */
#define LAST_KEY	0x58	/* F12 */

enum {
	SC_LCTRL = 0x1D, SC_LSHIFT = 0x2A, SC_RSHIFT = 0x36, SC_CAPS = 0x3A,
	SC_ENTER = 0x1C, SC_SLASH = 0x35,
};

/* Make codes 0x00..0x39, US layout; 0 where the key types nothing. */
static const char plain[] =
	"\0\0" "1234567890-=" "\b\t" "qwertyuiop[]" "\r\0" "asdfghjkl;'`" "\0" "\\zxcvbnm,./" "\0*\0 ";
static const char shifted[] =
	"\0\0" "!@#$%^&*()_+" "\b\t" "QWERTYUIOP{}" "\r\0" "ASDFGHJKL:\"~" "\0" "|ZXCVBNM<>?" "\0*\0 ";
#define TABLE_KEYS	(sizeof(plain) - 1)

_Static_assert(sizeof(plain) == sizeof(shifted), "both tables cover the same keys");
_Static_assert(TABLE_KEYS == 0x3A, "the tables end at the space bar");

void ps2kbd_init(struct ps2kbd *k)
{
	memset(k, 0, sizeof(*k));
}

/* An extended key (after 0xE0): right Ctrl and the keypad's Enter and
 * '/' matter; the rest (arrows, Home, the fake shifts some keyboards
 * send around them) type nothing. */
static uint8_t extended(struct ps2kbd *k, uint8_t code)
{
	bool up = code & BREAK;
	uint8_t key = code & ~BREAK;

	if (key == SC_LCTRL)
		k->rctrl = !up;
	else if (key > LAST_KEY)
		k->unknown++;
	else if (!up && key == SC_ENTER)
		return '\r';
	else if (!up && key == SC_SLASH)
		return '/';
	return 0;
}

uint8_t ps2kbd_feed(struct ps2kbd *k, uint8_t code)
{
	if (k->skip) {
		k->skip--;
		return 0;
	}
	if (code == PREFIX_E0) {
		k->e0 = true;
		return 0;
	}
	if (code == PREFIX_E1) {
		k->e0 = false;
		k->skip = PAUSE_REST;
		return 0;
	}
	if (k->e0) {
		k->e0 = false;
		return extended(k, code);
	}
	bool up = code & BREAK;
	uint8_t key = code & ~BREAK;

	switch (key) {
	case SC_LSHIFT:
		k->lshift = !up;
		return 0;
	case SC_RSHIFT:
		k->rshift = !up;
		return 0;
	case SC_LCTRL:
		k->lctrl = !up;
		return 0;
	case SC_CAPS:
		if (!up)
			k->caps = !k->caps;
		return 0;
	}
	if (key == 0 || key > LAST_KEY) {
		k->unknown++;		/* 0x00, 0xFF (0x7F | BREAK) and codes past F12 */
		return 0;
	}
	if (up || key >= TABLE_KEYS)
		return 0;
	uint8_t ch = (uint8_t)(k->lshift || k->rshift ? shifted : plain)[key];
	bool letter = (ch | 0x20) >= 'a' && (ch | 0x20) <= 'z';
	if (letter && k->caps)
		ch ^= 0x20;
	if (letter && (k->lctrl || k->rctrl))
		ch &= 0x1F;
	return ch;
}
