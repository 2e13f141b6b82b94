/*
 * The kernel's boot log on the screen (kernel/screen.c): the boot
 * loader's framebuffer, drawn on by lib/fbcon.c beside the serial port.
 */
#ifndef KERNEL_SCREEN_H
#define KERNEL_SCREEN_H

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

#endif
