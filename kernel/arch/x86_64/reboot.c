/*
 * Rebooting the machine (docs/power.md), in the order a PC's firmware
 * expects, each way tried only if the one before did not reset the
 * machine within REBOOT_WAIT_MS:
 *
 * 1. The ACPI reset register: the FADT's RESET_REG and RESET_VALUE
 *    (lib/acpi_hw.c), in system I/O or PCI configuration space (on a PC
 *    usually port 0xCF9, value 6). One in memory space is not written:
 *    the direct map does not let this core write outside its share.
 * 2. The keyboard controller's pulse of the reset line: 0xFE to port 0x64,
 *    once its input buffer is empty.
 * 3. A triple fault: an empty IDT and an exception, which the CPU can
 *    deliver nowhere, so it shuts down; a PC resets on shutdown.
 *
 * If the machine is still running after all three, the kernel says so and
 * halts this core; the others run on. `reboot=` on the command line names
 * which ways may be tried (acpi, kbd, triple; none), for the tests of each.
 *
 * What the kernel prints here goes straight to the UART
 * (console_emergency): the monitor that would otherwise write it out is
 * waiting for this call, which does not return.
 */
#include "lib/string.h"
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/machine.h"
#include "kernel/arch/x86_64/cpu.h"

/* A PC resets within microseconds of the write; far above that, so that a
 * loaded host never makes a working way look broken. */
#define REBOOT_WAIT_MS	2000
#define KBC_STATUS	0x64
#define KBC_INPUT_FULL	0x02
#define KBC_PULSE_RESET	0xFE

/* Is `way` allowed by reboot= (all are when it is absent)? */
static bool allowed(const char *way)
{
	char list[32];
	const char *p;
	size_t n = strlen(way);

	if (!cmdline_get("reboot", list, sizeof(list)))
		return true;
	for (p = list; *p; p++)
		if ((p == list || p[-1] == ',') && !strncmp(p, way, n) && (p[n] == ',' || !p[n]))
			return true;
	return false;
}

/* Waits REBOOT_WAIT_MS: the machine resets meanwhile if the way worked. */
static void wait_for_reset(void)
{
	uint64_t hz = machine.tsc_hz ? machine.tsc_hz : 3000000000ull;
	uint64_t end = rdtsc() + hz / 1000 * REBOOT_WAIT_MS;

	while (rdtsc() < end)
		cpu_relax();
}

static void acpi_reset(void)
{
	const struct acpi_reset *r = machine.acpi ? &machine.acpi->reset : NULL;

	if (!r || !r->usable) {
		kprintf("reboot: no ACPI reset register (%s)\n",
			r && r->why ? r->why : "no usable ACPI tables");
		return;
	}
	if (r->space == ACPI_GAS_SYSTEM_IO) {
		kprintf("reboot: through the ACPI reset register (I/O port 0x%llx, value 0x%x)\n",
			(unsigned long long)r->addr, r->value);
		outb((uint16_t)r->addr, r->value);
	} else if (r->space == ACPI_GAS_PCI_CONFIG) {
		uint32_t dev = (uint32_t)(r->addr >> 32) & 0x1F, fn = (uint32_t)(r->addr >> 16) & 7;
		uint32_t off = (uint32_t)r->addr & 0xFF;

		kprintf("reboot: through the ACPI reset register (PCI 0:%u.%u offset 0x%x, value 0x%x)\n",
			dev, fn, off, r->value);
		outl(0xCF8, 0x80000000u | dev << 11 | fn << 8 | (off & 0xFC));
		outb((uint16_t)(0xCFC + (off & 3)), r->value);
	} else {
		kprintf("reboot: the ACPI reset register is in memory space (0x%llx); this kernel writes only I/O and PCI ones\n",
			(unsigned long long)r->addr);
		return;
	}
	wait_for_reset();
	kprintf("reboot: the ACPI reset register did not reset the machine within %u ms\n",
		REBOOT_WAIT_MS);
}

static void kbc_reset(void)
{
	kprintf("reboot: through the keyboard controller (0x%x to port 0x%x)\n", KBC_PULSE_RESET,
		KBC_STATUS);
	/* Bounded: a machine without a controller reads 0xFF (always full). */
	for (unsigned i = 0; i < 100000 && (inb(KBC_STATUS) & KBC_INPUT_FULL); i++)
		cpu_relax();
	outb(KBC_STATUS, KBC_PULSE_RESET);
	wait_for_reset();
	kprintf("reboot: the keyboard controller did not reset the machine within %u ms\n",
		REBOOT_WAIT_MS);
}

static void triple_fault(void)
{
	const struct { uint16_t limit; uint64_t base; } __attribute__((packed)) empty = { 0, 0 };

	kprintf("reboot: through a triple fault (an empty IDT, then an exception)\n");
	__asm__ volatile("cli; lidt %0; int3" : : "m"(empty));
	kprintf("reboot: the triple fault did not reset the machine\n");
}

void arch_reboot(void)
{
	console_emergency();
	if (allowed("acpi"))
		acpi_reset();
	if (allowed("kbd"))
		kbc_reset();
	if (allowed("triple"))
		triple_fault();
	kprintf("reboot: no way of resetting the machine worked%s; halting this core\n",
		allowed("acpi") && allowed("kbd") && allowed("triple") ? "" :
		" (reboot= on the command line left some out)");
	arch_halt_core();
}
