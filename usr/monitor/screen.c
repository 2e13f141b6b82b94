/*
 * The console on the screen (docs/console.md, "The screen"). Core 0's
 * monitor, which writes the console to the UART, draws the same bytes on
 * the boot loader's framebuffer, so that a PC without a serial port shows
 * the monitors' lines and the shell as well as the kernel's boot log.
 *
 * The kernel drew the boot log there itself (kernel/screen.c). When the
 * console service takes the UART (console_serve), it takes the screen
 * too: CONSOLE_SCREEN hands over the framebuffer as DEVFRAMEs (one page
 * table's worth each) with the kernel's text and cursor, and the kernel
 * draws no more. The monitor maps the frames uncached in its window
 * (window_map_device) and goes on with lib/fbcon.c from the kernel's
 * cursor, over the kernel's text (fbcon_adopt), so that the kernel's lines
 * scroll up with the service's as one log. No screen (a -kernel boot, a
 * mode that is not direct RGB): the console is the UART alone.
 */
#include <stdio.h>
#include <flotilla/caps.h>
#include <flotilla/spawn.h>
#include "lib/fbcon.h"
#include "usr/monitor/monitor.h"
#include "usr/monitor/slots.h"

static struct console_screen handed;	/* its cells are the console's */
static struct fbcon con;
static bool on;

err_t screen_take(void)
{
	capaddr_t frames[CONSOLE_SCREEN_FRAMES], tables[CONSOLE_SCREEN_FRAMES];
	void *va;
	err_t err = kernel_console_screen(CPTR_CONSOLE, CPTR_TASKCN, CADDR_L2(T_SCREEN(0)), &handed);

	if (err)
		return err;
	/* From here the kernel draws no more: any error leaves the screen
	 * as it stands, which the caller says on the UART. */
	if (handed.frames == 0 || handed.frames > CONSOLE_SCREEN_FRAMES)
		return ERR_BAD_MESSAGE;
	for (unsigned i = 0; i < handed.frames; i++) {
		frames[i] = T_SCREEN(i);
		tables[i] = T_SCREEN_PT(i);
	}
	if ((err = window_map_device(frames, tables, handed.frames, &va)))
		return err;
	struct fbcon_geom g = {
		handed.pitch, handed.width, handed.height, handed.bpp, handed.red_pos,
		handed.red_size, handed.green_pos, handed.green_size, handed.blue_pos,
		handed.blue_size,
	};
	uint64_t mapped = (uint64_t)handed.frames * CONSOLE_SCREEN_FRAME;
	if (handed.offset >= mapped || handed.bytes > mapped - handed.offset)
		return ERR_BAD_MESSAGE;
	if ((err = fbcon_adopt(&con, (uint8_t *)va + handed.offset, handed.bytes, &g,
			       &fbcon_font8x16, handed.cells, sizeof(handed.cells), handed.cols,
			       handed.rows, handed.col, handed.row)))
		return err;
	on = true;
	return OK;
}

void screen_write(const char *s, size_t n)
{
	if (on)
		fbcon_write(&con, s, n);
}

bool screen_geometry(unsigned *cols, unsigned *rows)
{
	*cols = con.cols;
	*rows = con.rows;
	return on;
}
