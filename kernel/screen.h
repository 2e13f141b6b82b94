/*
 * The kernel's boot log on the screen (kernel/screen.c): the boot
 * loader's framebuffer, drawn on by lib/fbcon.c beside the serial port.
 */
#ifndef KERNEL_SCREEN_H
#define KERNEL_SCREEN_H

#include <kpi/errors.h>

/* In machine_discover, bootstrap core: says whether there is a
 * framebuffer the console can use, and how much of it every core maps
 * (machine.screen_bytes). */
void screen_plan(void);

/* On the bootstrap core once its own page tables map the framebuffer,
 * before the other cores start: clears the screen and draws what the
 * kernel printed so far. */
void screen_init(void);

/* One byte of direct console output (under the console lock), also to the
 * screen when there is one and this core maps it; before screen_init, kept
 * to be drawn then. */
void screen_putc(char c);

/* How many DEVFRAMEs CONSOLE_SCREEN hands over (0: no screen). */
unsigned screen_frames(void);

/* CONSOLE_SCREEN (kpi/caps.h): copies the screen's geometry, text and
 * cursor out to uptr, installs the framebuffer's DEVFRAMEs in dst[0..
 * screen_frames()) (empty: checked by the caller) and stops drawing.
 * ERR_UNSUPPORTED with no screen, ERR_HANDED_OVER the second time, or the
 * copy's error, with nothing handed over. */
struct cte;
err_t screen_handover(struct cte *dst, uint64_t uptr);

/* The panic path: if the console service has the screen, the kernel
 * takes it back, clears it and says so, and draws the panic. */
void screen_reclaim(void);

#endif
