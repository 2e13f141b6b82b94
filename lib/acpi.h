/*
 * ACPI tables that describe the machine's topology: RSDP, RSDT/XSDT, MADT
 * (the cores and I/O APICs), SRAT (which core and which memory belong to
 * which NUMA node) and SLIT (the distances between nodes); what
 * powering off needs: the FADT (the PM1 control ports) and the \_S5 object
 * in the DSDT's AML (the sleep type of soft off); and the clocks to
 * measure others against: the HPET table and the FADT's PM timer. The parser reads only
 * through a struct boot_io and checks every length and checksum, so
 * garbage tables give errors, never wild reads.
 */
#ifndef LIB_ACPI_H
#define LIB_ACPI_H

#include <stdbool.h>
#include <stdint.h>
#include <kpi/errors.h>
#include "lib/bootio.h"

#define ACPI_MAX_CORES		256	/* the parser's limit; the kernel's may be lower */
#define ACPI_MAX_NODES		16
#define ACPI_MAX_MEMAFF		64
#define ACPI_MAX_IOAPICS	8

struct acpi_core {
	uint32_t apic_id;
	uint32_t uid;		/* ACPI processor UID */
	uint32_t node;		/* dense node index (0..nnodes-1); 0 without SRAT */
	bool x2apic;		/* came from a type 9 (x2APIC) MADT entry */
};

/* An enabled SRAT processor entry (type 0 or 2), as the table says it,
 * whether or not the MADT lists that APIC id: the System Knowledge Base
 * (lib/skb.h) checks one table against the other and against CPUID. */
struct acpi_srat_cpu {
	uint32_t apic_id;
	uint32_t node;		/* dense node index */
};

struct acpi_memaff {
	uint64_t base, len;
	uint32_t node;		/* dense node index */
	bool hotplug;
};

struct acpi_ioapic {
	uint32_t id;
	uint64_t pa;
	uint32_t gsi_base;
};

/*
 * Soft off (sleep state S5), docs/power.md: write SLP_TYPa | SLP_EN to
 * PM1a_CNT (and SLP_TYPb | SLP_EN to PM1b_CNT when there is one). `err` is
 * OK when every field below is usable; otherwise `why` says in a sentence
 * what was missing or malformed, and the fields are not to be used.
 */
struct acpi_s5 {
	err_t err;
	const char *why;	/* a constant sentence when err != OK */
	uint16_t pm1a_cnt;	/* I/O port of PM1a_CNT (from X_PM1a_CNT_BLK if set) */
	uint16_t pm1b_cnt;	/* I/O port of PM1b_CNT; 0 = none */
	uint16_t smi_cmd;	/* SMI command port; 0 = none (no ACPI enable needed or possible) */
	uint8_t acpi_enable;	/* what to write to smi_cmd to enter ACPI mode */
	uint8_t slp_typa, slp_typb;	/* \_S5's first two elements, 0..7 */
	uint64_t dsdt_pa;	/* where the DSDT was read (X_DSDT if set) */
};

/* The PM1 control register's bits (ACPI spec, "PM1 Control Registers"). */
#define ACPI_PM1_SCI_EN		(1u << 0)	/* set: the machine is in ACPI mode */
#define ACPI_PM1_SLP_TYP_SHIFT	10		/* SLP_TYPx, bits 10..12 */
#define ACPI_PM1_SLP_EN		(1u << 13)	/* write 1: enter the sleep state */

/*
 * The FADT's reset register (ACPI 2.0+): writing `value` to it resets the
 * machine. Usable only when the FADT is long enough to hold it, its
 * RESET_REG_SUP flag is set, and the register is an 8-bit one at a
 * non-zero address in memory, system I/O or PCI configuration space;
 * otherwise `usable` is false and `why` says why (NULL: no FADT at all).
 */
struct acpi_reset {
	bool usable;
	const char *why;
	uint8_t space;		/* ACPI_GAS_MEMORY, _SYSTEM_IO or _PCI_CONFIG */
	uint64_t addr;		/* for PCI: device << 32 | function << 16 | offset */
	uint8_t value;
};

#define ACPI_GAS_MEMORY		0
#define ACPI_GAS_SYSTEM_IO	1
#define ACPI_GAS_PCI_CONFIG	2

struct acpi_info {
	uint64_t rsdp_pa;
	uint8_t revision;	/* RSDP revision: 0 = ACPI 1.0 (RSDT only) */
	bool used_xsdt;

	bool has_madt;
	uint64_t lapic_pa;	/* local APIC base (MADT, or type 5 override) */
	unsigned ncores;	/* enabled cores recorded in cores[] */
	unsigned ncores_dropped;/* enabled cores beyond ACPI_MAX_CORES */
	unsigned ncores_disabled;/* entries present but not enabled (skipped) */
	struct acpi_core cores[ACPI_MAX_CORES];	/* MADT order */
	unsigned nioapic;
	struct acpi_ioapic ioapic[ACPI_MAX_IOAPICS];

	bool has_srat;
	unsigned nnodes;	/* >= 1 when has_srat, else 1 */
	uint32_t node_domain[ACPI_MAX_NODES];	/* proximity domain of each node */
	unsigned nmemaff;
	struct acpi_memaff memaff[ACPI_MAX_MEMAFF];	/* enabled entries only */
	unsigned nsrat_cpus;	/* enabled processor entries recorded in srat_cpus[] */
	unsigned nsrat_cpus_dropped;	/* enabled ones beyond ACPI_MAX_CORES */
	struct acpi_srat_cpu srat_cpus[ACPI_MAX_CORES];	/* table order */

	bool has_slit;
	uint64_t slit_localities;	/* the SLIT's size N (an N x N matrix); 0 without one */
	uint8_t dist[ACPI_MAX_NODES][ACPI_MAX_NODES];	/* by node index; 10 = local */

	bool has_fadt;		/* a sound FACP was in the root table */
	struct acpi_s5 s5;	/* soft off; s5.err says whether it is usable */

	/* Reference clocks for measuring the TSC and the APIC timer
	 * (docs/clocks.md). 0: none, or unusable (said through io->warn). */
	uint64_t hpet_pa;	/* the HPET table's event timer block (memory space) */
	uint16_t pm_timer_port;	/* the FADT's X_PM_TMR_BLK or PM_TMR_BLK (system I/O) */
	uint8_t pm_timer_bits;	/* 24, or 32 with the FADT's TMR_VAL_EXT flag; 0 = none */

	/* Rebooting through the FADT's reset register (docs/power.md). */
	struct acpi_reset reset;
};

/*
 * Finds the RSDP the way a PC BIOS leaves it: the first KiB of the EBDA
 * (segment read from physical 0x40E), then 0xE0000-0xFFFFF, on 16-byte
 * boundaries; the 20-byte checksum must hold, and for revision >= 2 also
 * the extended checksum. ERR_NOT_FOUND if there is none.
 */
err_t acpi_find_rsdp(const struct boot_io *io, uint64_t *rsdp_pa);

/* Where an RSDP was found (acpi_locate_rsdp). */
struct acpi_rsdp_at {
	uint64_t pa;
	uint32_t room;		/* bytes of a boot loader's copy; 0: the firmware's own */
	const char *source;	/* a constant phrase: where it was found */
};

/*
 * Finds the RSDP the way this machine's boot loader and firmware offer it:
 * the boot loader's copies first (Multiboot2's ACPI 2.0+ tag at new_pa with
 * new_len bytes, then its ACPI 1.0 tag; address 0: none), each used only if
 * its signature and checksums hold (a bad one is reported through io->warn
 * and passed over), then acpi_find_rsdp()'s BIOS-area scan. Under UEFI the
 * tables are not in the BIOS area, so the tags are the only way there.
 * ERR_NOT_FOUND if none is sound.
 */
err_t acpi_locate_rsdp(const struct boot_io *io, uint64_t new_pa, uint32_t new_len,
		       uint64_t old_pa, uint32_t old_len, struct acpi_rsdp_at *at);

/*
 * Reads the tables reached from the RSDP at `rsdp_pa` (the XSDT when the
 * revision is >= 2 and its address is non-zero, else the RSDT; an XSDT that
 * is unreadable, corrupt or no XSDT falls back to the RSDT, with a warning,
 * when the RSDP names one). A table with
 * a bad checksum or a length that runs past what is readable is skipped with
 * a warning. A missing MADT is not an error: has_madt stays false and ncores
 * 0, and the caller decides. Without a SRAT every core and all memory are
 * node 0 and nnodes is 1; without a SLIT, dist is 10 on the diagonal and 20
 * elsewhere. Soft off is read from the FADT and its DSDT; whatever is
 * wrong there is recorded in out->s5 (err, why), never returned: a machine
 * that cannot power off through ACPI still boots. Errors: ERR_BAD_CHECKSUM
 * / ERR_TRUNCATED for the RSDP or root table itself.
 */
err_t acpi_parse(const struct boot_io *io, uint64_t rsdp_pa, struct acpi_info *out);
/* The same from where acpi_locate_rsdp() found it: a boot loader's copy
 * is read only within its room. */
err_t acpi_parse_at(const struct boot_io *io, const struct acpi_rsdp_at *at, struct acpi_info *out);

/*
 * Finds the Name(\_S5, Package(){SLP_TYPa, SLP_TYPb, ...}) declaration in
 * the AML byte stream aml[0..len) (a DSDT's body) and reads its first two
 * elements, each an integer constant (Zero, One, or a Byte/Word/DWord
 * prefix) of 0..7. Every read is bounded by len. Errors, with a sentence
 * in *why: ERR_NOT_FOUND (no \_S5 declared), ERR_TRUNCATED (the package
 * runs past the end), ERR_UNSUPPORTED (not a package, or an element that
 * is not an integer constant), ERR_INVALID_ARG (fewer than two elements,
 * or a value above 7).
 */
err_t acpi_aml_s5(const uint8_t *aml, uint32_t len, uint8_t *slp_typa, uint8_t *slp_typb,
		  const char **why);

#endif
