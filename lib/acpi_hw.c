/*
 * What the ACPI tables say about clocks (docs/clocks.md): the HPET table's
 * event timer block and the FADT's PM timer; and about rebooting
 * (docs/power.md): the FADT's reset register. Offsets are bytes into the
 * table; a field that is unusable is reported through io->warn and left 0,
 * so the kernel measures against something else.
 */
#include "lib/acpi_hw.h"

/* The FADT (ACPI spec, "Fixed ACPI Description Table"). A Generic Address
 * Structure (GAS) is 12 bytes: address space (0 memory, 1 system I/O), bit
 * width, bit offset, access size, then the 64-bit address. The X_ forms
 * exist only when the table is long enough, and win when non-zero. */
#define FADT_PM_TMR		76
#define FADT_PM_TMR_LEN		91
#define FADT_FLAGS		112
#define FADT_RESET_REG		116
#define FADT_RESET_VALUE	128
#define FADT_X_PM_TMR		208
#define GAS_LEN			12
#define GAS_MEMORY		0
#define GAS_SYSTEM_IO		1
#define FADT_TMR_VAL_EXT	(1u << 8)	/* Flags: the PM timer counts 32 bits, not 24 */
#define FADT_RESET_REG_SUP	(1u << 10)	/* Flags: the reset register is supported */

/* The address of the GAS at off, if the table holds it; else 0. */
static uint64_t gas_addr(const uint8_t *t, uint32_t len, uint32_t off)
{
	return len >= off + GAS_LEN ? get_le64(t + off + 4) : 0;
}

/* The ACPI PM timer (ACPI spec, "Power Management Timer"): a counter at
 * 3.579545 MHz in system I/O space, 24 bits wide or 32 with TMR_VAL_EXT.
 * The X_ block wins when set; the 32-bit field needs PM_TMR_LEN 4. */
static void parse_pm_timer(const struct boot_io *io, const uint8_t *t, uint32_t len,
			   struct acpi_info *out)
{
	uint64_t port = gas_addr(t, len, FADT_X_PM_TMR);

	if (port && t[FADT_X_PM_TMR] != GAS_SYSTEM_IO) {
		bootio_warn(io, "acpi: the PM timer is not in system I/O space; not used", port);
		return;
	}
	if (!port) {
		port = get_le32(t + FADT_PM_TMR);
		if (port && t[FADT_PM_TMR_LEN] != 4) {
			bootio_warn(io, "acpi: the FADT's PM_TMR_LEN is not 4; the PM timer is not used",
				    t[FADT_PM_TMR_LEN]);
			return;
		}
	}
	if (port > 0xFFFC) {
		bootio_warn(io, "acpi: the PM timer's port is beyond the I/O space; not used", port);
		return;
	}
	out->pm_timer_port = (uint16_t)port;
	if (port)
		out->pm_timer_bits = get_le32(t + FADT_FLAGS) & FADT_TMR_VAL_EXT ? 32 : 24;
}

/* The reset register (ACPI spec, "Reset Register"): a GAS at 116 and the
 * value to write at 128, both ACPI 2.0; the register must be 8 bits wide. */
static const char *parse_reset(const uint8_t *t, uint32_t len, struct acpi_reset *r)
{
	const uint8_t *gas = t + FADT_RESET_REG;

	if (len <= FADT_RESET_VALUE)
		return "the FADT is older than ACPI 2.0 and has no reset register";
	if (!(get_le32(t + FADT_FLAGS) & FADT_RESET_REG_SUP))
		return "the FADT's RESET_REG_SUP flag is clear";
	r->space = gas[0];
	r->addr = get_le64(gas + 4);
	r->value = t[FADT_RESET_VALUE];
	if (!r->addr)
		return "the FADT's reset register is at address 0";
	if (r->space > ACPI_GAS_PCI_CONFIG)
		return "the reset register is in an address space other than memory, I/O or PCI";
	if (gas[1] != 8)
		return "the reset register is not 8 bits wide";
	if (r->space == ACPI_GAS_SYSTEM_IO && r->addr > 0xFFFF)
		return "the reset register's port is beyond the I/O space";
	return NULL;
}

void acpi_parse_fadt_hw(const struct boot_io *io, const uint8_t *t, uint32_t len,
			struct acpi_info *out)
{
	parse_pm_timer(io, t, len, out);
	out->reset.why = parse_reset(t, len, &out->reset);
	out->reset.usable = !out->reset.why;
}

/* The HPET table (IA-PC HPET specification, "ACPI table"): after the
 * header, the event timer block id (4 bytes), then the block's base
 * address as a GAS, which must be in memory space. */
#define HPET_BASE		40
#define HPET_LEN		56

void acpi_parse_hpet(const struct boot_io *io, const uint8_t *t, uint32_t len,
		     struct acpi_info *out)
{
	uint64_t pa;

	if (len < HPET_LEN) {
		bootio_warn(io, "acpi: HPET table shorter than its 56 bytes; ignored", len);
		return;
	}
	pa = get_le64(t + HPET_BASE + 4);
	if (t[HPET_BASE] != GAS_MEMORY || !pa)
		bootio_warn(io, "acpi: the HPET's base address is not in memory space, or 0; not used",
			    t[HPET_BASE]);
	else
		out->hpet_pa = pa;
}
