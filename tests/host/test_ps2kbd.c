/*
 * Tests for lib/ps2kbd.c, PS/2 scan code set 1 to characters: a command
 * typed key by key (make and break codes), Shift on the upper row and
 * letters (either Shift, released each on its own), Caps Lock, Ctrl-C,
 * Enter, Backspace and Tab, the extended keys after 0xE0 (keypad Enter,
 * right Ctrl; arrows type nothing), Pause's six bytes skipped, bytes no
 * key sends ignored and counted, and every byte in every state harmless.
 */
#include <stdint.h>
#include <string.h>
#include "lib/test.h"
#include "lib/ps2kbd.h"

static struct ps2kbd kbd;

/* Set 1 make codes of the keys the tests type. */
static uint8_t make_of(char c)
{
	static const char keys[] = "\0\0" "1234567890-=" "\0\0" "qwertyuiop[]" "\0\0" "asdfghjkl;'`"
				   "\0" "\\zxcvbnm,./";

	if (c == ' ')
		return 0x39;
	for (uint8_t i = 2; i < sizeof(keys) - 1; i++)
		if (keys[i] == c)
			return i;
	return 0;
}

/* Types s (lower-case keys) as make and break codes; returns what came out. */
static const char *type(const char *s)
{
	static char out[128];
	size_t n = 0;

	for (; *s; s++) {
		uint8_t ch, code = make_of(*s);
		if ((ch = ps2kbd_feed(&kbd, code)))
			out[n++] = (char)ch;
		if ((ch = ps2kbd_feed(&kbd, code | 0x80)))
			out[n++] = '!';		/* a break must type nothing */
	}
	out[n] = 0;
	return out;
}

TEST(a_command_typed_key_by_key_comes_out_as_typed)
{
	ps2kbd_init(&kbd);
	CHECK_STR(type("echo hi"), "echo hi");
	CHECK_EQ(ps2kbd_feed(&kbd, 0x1C), '\r');	/* Enter */
	CHECK_EQ(ps2kbd_feed(&kbd, 0x9C), 0);
	CHECK_STR(type("1234567890-=[];'`\\,./"), "1234567890-=[];'`\\,./");
	CHECK_EQ(kbd.unknown, 0);
}

TEST(shift_gives_capitals_and_the_upper_row_and_each_shift_counts_alone)
{
	ps2kbd_init(&kbd);
	ps2kbd_feed(&kbd, 0x2A);			/* left Shift down */
	CHECK_STR(type("help 1/"), "HELP !?");
	ps2kbd_feed(&kbd, 0x36);			/* right Shift down too */
	ps2kbd_feed(&kbd, 0xAA);			/* left up: right still down */
	CHECK_STR(type("a2-=;'`\\,."), "A@_+:\"~|<>");
	ps2kbd_feed(&kbd, 0xB6);			/* right up */
	CHECK_STR(type("a2"), "a2");
}

TEST(caps_lock_turns_letters_only_and_shift_turns_them_back)
{
	ps2kbd_init(&kbd);
	ps2kbd_feed(&kbd, 0x3A);
	ps2kbd_feed(&kbd, 0xBA);
	CHECK(kbd.caps);
	CHECK_STR(type("ps 1"), "PS 1");
	ps2kbd_feed(&kbd, 0x2A);
	CHECK_STR(type("ps 1"), "ps !");
	ps2kbd_feed(&kbd, 0xAA);
	ps2kbd_feed(&kbd, 0x3A);			/* again: off */
	CHECK_STR(type("ps"), "ps");
}

TEST(ctrl_c_and_the_editing_keys)
{
	ps2kbd_init(&kbd);
	ps2kbd_feed(&kbd, 0x1D);			/* left Ctrl down */
	CHECK_EQ(ps2kbd_feed(&kbd, 0x2E), 0x03);	/* C */
	ps2kbd_feed(&kbd, 0xAE);
	CHECK_EQ(ps2kbd_feed(&kbd, 0x16), 0x15);	/* U: Ctrl-U */
	CHECK_EQ(ps2kbd_feed(&kbd, 0x02), '1');		/* not a letter: as it is */
	ps2kbd_feed(&kbd, 0x9D);			/* up */
	CHECK_EQ(ps2kbd_feed(&kbd, 0x2E), 'c');
	CHECK_EQ(ps2kbd_feed(&kbd, 0x0E), 0x08);	/* Backspace */
	CHECK_EQ(ps2kbd_feed(&kbd, 0x0F), '\t');
	CHECK_EQ(ps2kbd_feed(&kbd, 0x01), 0);		/* Esc: nothing */
	CHECK_EQ(ps2kbd_feed(&kbd, 0x3B), 0);		/* F1: nothing, but a key */
	CHECK_EQ(kbd.unknown, 0);
}

TEST(extended_keys_after_e0)
{
	ps2kbd_init(&kbd);
	CHECK_EQ(ps2kbd_feed(&kbd, 0xE0), 0);
	CHECK_EQ(ps2kbd_feed(&kbd, 0x1C), '\r');	/* keypad Enter */
	ps2kbd_feed(&kbd, 0xE0);
	CHECK_EQ(ps2kbd_feed(&kbd, 0x35), '/');		/* keypad '/', not shifted */
	ps2kbd_feed(&kbd, 0xE0);
	ps2kbd_feed(&kbd, 0x1D);			/* right Ctrl down */
	CHECK_EQ(ps2kbd_feed(&kbd, 0x2E), 0x03);
	ps2kbd_feed(&kbd, 0xE0);
	ps2kbd_feed(&kbd, 0x9D);			/* right Ctrl up */
	CHECK_EQ(ps2kbd_feed(&kbd, 0x2E), 'c');
	ps2kbd_feed(&kbd, 0xE0);
	CHECK_EQ(ps2kbd_feed(&kbd, 0x48), 0);		/* up arrow: nothing */
	ps2kbd_feed(&kbd, 0xE0);
	CHECK_EQ(ps2kbd_feed(&kbd, 0x2A), 0);		/* a fake shift: no Shift */
	CHECK(!kbd.lshift);
	CHECK_EQ(ps2kbd_feed(&kbd, 0x1E), 'a');
	CHECK_EQ(kbd.unknown, 0);
}

TEST(pause_is_skipped_whole)
{
	static const uint8_t pause[] = { 0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5 };

	ps2kbd_init(&kbd);
	for (unsigned i = 0; i < sizeof(pause); i++)
		CHECK_EQ(ps2kbd_feed(&kbd, pause[i]), 0);
	CHECK(!kbd.lctrl);				/* its 1D was not Ctrl */
	CHECK_EQ(ps2kbd_feed(&kbd, 0x2E), 'c');
	CHECK_EQ(kbd.unknown, 0);
}

TEST(bytes_no_key_sends_are_ignored_and_counted)
{
	ps2kbd_init(&kbd);
	CHECK_EQ(ps2kbd_feed(&kbd, 0x00), 0);		/* the controller's error */
	CHECK_EQ(ps2kbd_feed(&kbd, 0xFF), 0);		/* and its overrun */
	CHECK_EQ(ps2kbd_feed(&kbd, 0x59), 0);		/* past F12 */
	CHECK_EQ(ps2kbd_feed(&kbd, 0x7E), 0);
	ps2kbd_feed(&kbd, 0xE0);
	CHECK_EQ(ps2kbd_feed(&kbd, 0x70), 0);		/* an E0 code that is no key */
	CHECK_EQ(kbd.unknown, 5);
	CHECK_STR(type("ok"), "ok");			/* and nothing changed */
}

TEST(every_byte_in_every_state_types_only_what_a_shell_reads)
{
	/* Each state the decoder can be in (a prefix pending, a Pause half
	 * read, modifiers down), then every byte: the answer is 0, a
	 * printable character, or one of the control bytes above. */
	static const uint8_t lead[][3] = {
		{ 0 }, { 0xE0 }, { 0xE1 }, { 0xE1, 0x1D }, { 0x2A }, { 0x1D }, { 0x3A }, { 0xE0, 0x1D },
	};

	for (unsigned s = 0; s < sizeof(lead) / sizeof(lead[0]); s++)
		for (unsigned b = 0; b < 256; b++) {
			ps2kbd_init(&kbd);
			for (unsigned i = 0; i < 3 && lead[s][i]; i++)
				ps2kbd_feed(&kbd, lead[s][i]);
			uint8_t ch = ps2kbd_feed(&kbd, (uint8_t)b);
			CHECK(ch == 0 || (ch >= 0x20 && ch < 0x7F) || ch == '\r' || ch == '\t' ||
			      ch == 0x08 || (ch >= 0x01 && ch <= 0x1A));
		}
}
