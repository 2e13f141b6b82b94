/*
 * The boot log on the screen. A PC without a serial port shows what the
 * kernel prints on the boot loader's framebuffer (Multiboot2 tag 8, which
 * GRUB sets up because the Multiboot2 header asks for one), drawn by
 * lib/fbcon.c with the build's font. Everything the kernel writes to the
 * UART directly, from the first line to the moment each core's monitor
 * takes its console over, and on the panic path, goes here too
 * (arch_console_putc calls screen_putc): so it is serialised by the
 * console lock, and the console's state is kept with that lock, as
 * shared console state (kernel/shared.h).
 *
 * The framebuffer is mapped uncached, at SCREEN_VA on every core
 * (paging.c), once each core has its own page tables; write-combining
 * would be faster on a real PC but needs the PAT programmed, which the
 * kernel does not do yet. lib/fbcon.c never reads it back, so uncached
 * costs only the writes. What is printed before the bootstrap core's
 * tables map the framebuffer (the Multiboot and ACPI lines) is kept in
 * `early` and drawn at screen_init; a core that prints before its own
 * tables are loaded (a new core's first words) reaches the UART only.
 *
 * The console service takes the screen over (CONSOLE_SCREEN, when it
 * takes the UART): the kernel gives it the framebuffer as DEVFRAMEs and
 * its text and cursor, so that the service draws on from where the kernel
 * stopped and scrolls the kernel's lines up with its own (lib/fbcon.h,
 * fbcon_adopt), and then draws no more. A panic takes the screen back
 * (screen_reclaim): the kernel cannot know what the service drew, so it
 * clears the screen and writes the panic from the top; the UART has the
 * rest.
 */
#include <stdint.h>
#include "lib/fbcon.h"
#include "lib/string.h"
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/core.h"
#include "kernel/machine.h"
#include "kernel/screen.h"
#include "kernel/shared.h"
#include "kernel/vspace.h"
#include "kernel/arch/x86_64/layout.h"

#define SCREEN_CELLS	CONSOLE_SCREEN_CELLS
#define SCREEN_EARLY	4096
#define PAGE		4096ull
#define FB_TYPE_RGB	1

/* Shared: written under the console lock by whichever core prints
 * directly, like the UART it mirrors (kernel/console.c). */
static struct {
	struct fbcon con;
	bool on;			/* screen_init succeeded */
	bool closed;			/* past screen_init: keep nothing more */
	bool handed;			/* the console service draws now */
	unsigned early_n;		/* bytes kept in early */
	uint64_t early_lost;		/* bytes that did not fit */
	uint8_t cells[SCREEN_CELLS];
	char early[SCREEN_EARLY];
	struct console_screen out;	/* CONSOLE_SCREEN's answer, built here */
} screen SHARED_CONSOLE;

/* How many lines of the framebuffer the console uses: all that fit in the
 * window (SCREEN_MAX_BYTES less a page for an unaligned start). */
static uint32_t screen_lines(void)
{
	uint64_t room = SCREEN_MAX_BYTES - PAGE;
	uint64_t lines = room / machine.fb.pitch;

	return lines < machine.fb.height ? (uint32_t)lines : machine.fb.height;
}

void screen_plan(void)
{
	const struct mb_framebuffer *fb = &machine.fb;

	machine.screen_bytes = 0;
	if (!machine.has_fb) {
		kprintf("screen: no framebuffer from the boot loader (a QEMU -kernel boot, or no video mode): the console is the serial port only\n");
		return;
	}
	if (fb->type != FB_TYPE_RGB || !fb->has_rgb || (fb->bpp != 24 && fb->bpp != 32)) {
		kprintf("screen: the framebuffer is not direct RGB of 24 or 32 bits per pixel (type %u, %u bits): the console is the serial port only\n",
			fb->type, fb->bpp);
		return;
	}
	uint64_t used = (uint64_t)fb->pitch * screen_lines();
	machine.screen_bytes = ((fb->addr & (PAGE - 1)) + used + PAGE - 1) & ~(PAGE - 1);
}

void screen_init(void)
{
	const struct mb_framebuffer *fb = &machine.fb;

	screen.closed = true;
	if (!machine.screen_bytes)
		return;
	struct fbcon_geom g = {
		fb->pitch, fb->width, screen_lines(), fb->bpp, fb->red_pos, fb->red_size,
		fb->green_pos, fb->green_size, fb->blue_pos, fb->blue_size,
	};
	uint8_t *base = (uint8_t *)(SCREEN_VA + (fb->addr & (PAGE - 1)));
	err_t err = fbcon_init(&screen.con, base, (uint64_t)fb->pitch * g.height, &g,
			       &fbcon_font8x16, screen.cells, sizeof(screen.cells));
	if (err) {
		kprintf("screen: the framebuffer's geometry is refused (%s): the console is the serial port only\n",
			err_msg(err));
		return;
	}
	/* Only this core runs yet: nobody else draws while the kept lines
	 * go up. */
	fbcon_write(&screen.con, screen.early, screen.early_n);
	if (screen.early_lost)
		kprintf("screen: %llu bytes printed before the screen was ready are on the serial port only\n",
			(unsigned long long)screen.early_lost);
	screen.on = true;
	kprintf("screen: the console is on the framebuffer too: %ux%u pixels, %u bits, %ux%u characters, mapped uncached\n",
		g.width, g.height, g.bpp, screen.con.cols, screen.con.rows);
}

void screen_putc(char c)
{
	if (screen.handed)
		return;
	if (screen.on) {
		/* A core draws once its own tables map the framebuffer. */
		if (arch_has_core() && this_core()->pml4_pa)
			fbcon_write(&screen.con, &c, 1);
	} else if (!screen.closed) {
		if (screen.early_n < SCREEN_EARLY)
			screen.early[screen.early_n++] = c;
		else
			screen.early_lost++;
	}
}

unsigned screen_frames(void)
{
	return (unsigned)((machine.screen_bytes + CONSOLE_SCREEN_FRAME - 1) / CONSOLE_SCREEN_FRAME);
}

err_t screen_handover(struct cte *dst, uint64_t uptr)
{
	struct console_screen *out = &screen.out;
	unsigned frames = screen_frames();
	err_t err = OK;

	console_acquire();
	if (!screen.on) {
		err = ERR_UNSUPPORTED;
	} else if (screen.handed) {
		err = ERR_HANDED_OVER;
	} else {
		const struct mb_framebuffer *fb = &machine.fb;
		const struct fbcon *c = &screen.con;
		*out = (struct console_screen){
			.offset = fb->addr & (PAGE - 1), .bytes = c->fb_size, .frames = frames,
			.pitch = c->g.pitch, .width = c->g.width, .height = c->g.height,
			.bpp = c->g.bpp, .red_pos = c->g.red_pos, .red_size = c->g.red_size,
			.green_pos = c->g.green_pos, .green_size = c->g.green_size,
			.blue_pos = c->g.blue_pos, .blue_size = c->g.blue_size,
			.cols = c->cols, .rows = c->rows, .col = c->col, .row = c->row,
		};
		memcpy(out->cells, c->cells, (size_t)c->cols * c->rows);
		/* The text leaves whole or the screen stays the kernel's. */
		err = user_copy_out(uptr, out, sizeof(*out));
		if (!err)
			screen.handed = true;
	}
	console_release();
	if (err)
		return err;
	/* Slots checked empty at decode; the screen now is the caller's. */
	uint64_t base = machine.fb.addr & ~(PAGE - 1);
	for (unsigned i = 0; i < frames; i++) {
		uint64_t at = (uint64_t)i * CONSOLE_SCREEN_FRAME;
		uint64_t left = machine.screen_bytes - at;
		struct cap f = { .type = CAP_DEVFRAME, .rights = CAP_RIGHT_READ | CAP_RIGHT_WRITE,
				 .base = base + at,
				 .size = left < CONSOLE_SCREEN_FRAME ? left : CONSOLE_SCREEN_FRAME };
		cap_install_root(&dst[i], &f);
	}
	return OK;
}

void screen_reclaim(void)
{
	static const char note[] =
		"[the kernel took the screen back from the console service to report a panic; the serial port has what came before]\n";

	/* A core draws only once its own tables map the framebuffer. */
	if (!arch_has_core() || !this_core()->pml4_pa)
		return;
	console_acquire();
	if (screen.handed) {
		fbcon_clear(&screen.con);
		screen.handed = false;
		fbcon_write(&screen.con, note, sizeof(note) - 1);
	}
	console_release();
}
