/*
 * Powering the machine off (docs/power.md): ACPI soft off (sleep state
 * S5), as on a PC: write SLP_TYPa | SLP_EN to PM1a_CNT (and SLP_TYPb |
 * SLP_EN to PM1b_CNT when there is one), with the ports from the FADT and
 * the sleep types from the DSDT's \_S5, which machine_discover() read at
 * boot (machine.s5). Under QEMU it ends QEMU with exit status 0. When it
 * does not work the kernel says why and returns ERR_UNSUPPORTED: the
 * machine stays on and the caller goes on.
 *
 * This is the only way the production kernel powers off. QEMU's
 * isa-debug-exit device, which carries a test verdict as QEMU's exit
 * status, belongs to the test kernel alone (tests/boot/test_exit.c).
 *
 * Every caller runs on the bootstrap core (core 0): the boot tests'
 * runner (ktest.c), and core 0's monitor (POWER_OFF), to which the
 * monitors send every power-off request; the ACPI spec wants SMI_CMD
 * written from the boot processor. The other cores run on; soft off
 * stops them all at once.
 */
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/machine.h"
#include "kernel/arch/x86_64/cpu.h"

/* How long soft off may take before it counts as failed. A PC is off
 * within milliseconds; QEMU stops at its main loop's next turn. Far above
 * both, so that a loaded host never makes a working S5 look broken. */
#define S5_WAIT_MS		5000
/* How long the firmware may take to enter ACPI mode after ACPI_ENABLE. */
#define ACPI_ENABLE_WAIT_MS	3000

static uint64_t deadline_ms(unsigned ms)
{
	uint64_t hz = machine.tsc_hz ? machine.tsc_hz : 3000000000ull;

	return rdtsc() + hz / 1000 * ms;
}

/* Some firmware starts in legacy mode (SCI_EN clear) and must be asked to
 * enter ACPI mode through the SMI command port before the PM1 registers
 * act; where SCI_EN is set already, nothing is written. */
static void acpi_enable(const struct acpi_s5 *s5)
{
	uint64_t end;

	if (inw(s5->pm1a_cnt) & ACPI_PM1_SCI_EN)
		return;
	if (!s5->smi_cmd) {
		kprintf("poweroff: SCI_EN is clear and the FADT names no SMI_CMD port; trying S5 anyway\n");
		return;
	}
	kprintf("poweroff: entering ACPI mode: writing 0x%x to SMI_CMD port 0x%x\n",
		s5->acpi_enable, s5->smi_cmd);
	outb(s5->smi_cmd, s5->acpi_enable);
	for (end = deadline_ms(ACPI_ENABLE_WAIT_MS); rdtsc() < end; cpu_relax())
		if (inw(s5->pm1a_cnt) & ACPI_PM1_SCI_EN)
			return;
	kprintf("poweroff: SCI_EN still clear after %u ms; trying S5 anyway\n", ACPI_ENABLE_WAIT_MS);
}

/* One PM1 control register: SLP_TYP first, then SLP_EN with it, the other
 * bits kept as they were. */
static void pm1_sleep(uint16_t port, uint8_t slp_typ)
{
	uint16_t v = inw(port) & ~(7u << ACPI_PM1_SLP_TYP_SHIFT | ACPI_PM1_SLP_EN);

	v |= (uint16_t)(slp_typ << ACPI_PM1_SLP_TYP_SHIFT);
	outw(port, v);
	outw(port, v | ACPI_PM1_SLP_EN);
}

/* Enters S5; returns if the machine is still on S5_WAIT_MS later. */
static void acpi_soft_off(const struct acpi_s5 *s5)
{
	uint64_t end;

	acpi_enable(s5);
	pm1_sleep(s5->pm1a_cnt, s5->slp_typa);
	if (s5->pm1b_cnt)
		pm1_sleep(s5->pm1b_cnt, s5->slp_typb);
	for (end = deadline_ms(S5_WAIT_MS); rdtsc() < end; )
		cpu_relax();
	kprintf("poweroff: ACPI S5 (PM1a_CNT port 0x%x, SLP_TYPa %u) did not power off within %u ms\n",
		s5->pm1a_cnt, s5->slp_typa, S5_WAIT_MS);
}

err_t arch_poweroff(void)
{
	const struct acpi_s5 *s5 = &machine.s5;

	if (s5->err == OK)
		acpi_soft_off(s5);
	if (s5->err == OK)
		kprintf("poweroff: ACPI S5 failed; the machine stays on\n");
	else
		kprintf("poweroff: no ACPI S5 (%s); the machine stays on\n", s5->why);
	return ERR_UNSUPPORTED;
}
