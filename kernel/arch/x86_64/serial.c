/*
 * The 16550 UART at COM1 (0x3F8), polled: the kernel's console until the
 * console becomes a user-level service. 115200 8N1, FIFOs on.
 */
#include <stdint.h>
#include "kernel/arch.h"
#include "kernel/screen.h"
#include "kernel/arch/x86_64/cpu.h"

#define COM1	0x3F8

void arch_console_init(void)
{
	outb(COM1 + 1, 0x00);	/* no interrupts */
	outb(COM1 + 3, 0x80);	/* DLAB on */
	outb(COM1 + 0, 0x01);	/* divisor 1: 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03);	/* 8N1, DLAB off */
	outb(COM1 + 2, 0xC7);	/* FIFO on, cleared, 14-byte threshold */
	outb(COM1 + 4, 0x03);	/* DTR, RTS */
}

void arch_console_putc(char c)
{
	/* Bounded wait for the transmit holding register: a missing UART
	 * must not hang the kernel. */
	for (unsigned i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
		cpu_relax();
	outb(COM1, (uint8_t)c);
	screen_putc(c);		/* and on the screen, where there is one */
}
