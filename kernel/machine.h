/*
 * What the bootstrap core learned about the machine before starting the
 * other cores: the cores (from the ACPI MADT), their NUMA nodes (SRAT), the
 * usable memory (Multiboot map) and how it is split into one share per core,
 * the clock rates, the command line, how to power off (FADT, DSDT). The
 * bootstrap core writes it once, in machine_discover(); from the moment the
 * first other core starts it is read-only, and every core may read it (boot
 * hand-off).
 */
#ifndef KERNEL_MACHINE_H
#define KERNEL_MACHINE_H

#include <stdbool.h>
#include <stdint.h>
#include <kpi/caps.h>
#include "kernel/config.h"
#include "lib/acpi.h"
#include "lib/memmap.h"
#include "lib/memshare.h"
#include "lib/multiboot.h"
#include "lib/siphash.h"

struct core_desc {
	uint32_t apic_id;
	uint32_t node;
};

struct machine {
	unsigned ncores_found;		/* enabled cores in the MADT (M) */
	unsigned ncores;		/* cores this kernel will start */
	struct core_desc cores[MAX_CORES];	/* index = core id; 0 = bootstrap core */
	unsigned nnodes;
	const struct acpi_info *acpi;	/* the parsed tables (NULL without ACPI) */

	struct memmap raw;		/* the boot loader's map */
	struct memmap usable;		/* usable memory after reservations */
	struct memshare share[MAX_CORES];
	uint64_t phys_top;		/* end of the highest mapped physical range */

	uint64_t lapic_pa;
	bool x2apic;			/* every core's local APIC in x2APIC mode */
	uint64_t tsc_hz;
	uint64_t lapic_timer_hz;	/* local APIC timer input clock after divide */
	unsigned clock_source;		/* what measured them (arch: enum clock_source) */

	/* The monitors' channel mesh (boot_user_mesh_reserve): frames taken
	 * out of the usable memory before it is split, so no core's share
	 * holds them; every monitor maps them all. */
	struct mem_range mesh[MESH_MAX_FRAMES];
	unsigned nmesh;

	/* The key of the export tokens (lib/token.h): random, made at boot,
	 * readable by the kernels only (no user mapping reaches it). */
	struct sipkey token_key;

	char cmdline[MB_CMDLINE_MAX];
	unsigned maxcores;		/* from maxcores=, else MAX_CORES */

	/* Powering off through ACPI soft off (S5), from the FADT and the
	 * DSDT's \_S5 (kernel/arch/x86_64/poweroff.c, docs/power.md): usable
	 * when s5.err is OK, else s5.why says why not. */
	struct acpi_s5 s5;
	/* The boot loader's framebuffer (Multiboot2 tag 8), if any:
	 * kernel/screen.c draws the console on it. screen_bytes is how much
	 * of it every core maps at SCREEN_VA (0: none). */
	bool has_fb;
	struct mb_framebuffer fb;
	uint64_t screen_bytes;
};

extern struct machine machine;

/* Reads Multiboot and ACPI, decides how many cores to start and splits
 * memory. Returns only if the machine can boot (at least the bootstrap
 * core); otherwise it says why and halts. */
void machine_discover(uint32_t mb_magic, uint64_t mb_info_pa);

/* Is word `key` or `key=VALUE` on the command line? With buf, VALUE (""
 * for a bare key) is copied into it; a VALUE of `size` bytes or more is
 * not cut but refused: the kernel says so and the answer is false. */
bool cmdline_get(const char *key, char *buf, unsigned size);

#endif
