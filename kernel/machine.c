/*
 * Discovering the machine, on the bootstrap core, before any other core
 * runs: parse the Multiboot or Multiboot2 information and the ACPI tables
 * (lib/), decide
 * which cores to start, reserve what the kernel and the boot loader occupy,
 * and split the rest of memory into one share per core (NUMA-local when
 * the SRAT describes nodes). The result is `machine`, boot hand-off data:
 * written here, read-only once the first other core starts.
 *
 * Bad input never triple-faults: every problem becomes a sentence on the
 * console, and the kernel boots what it can (one core without an MADT, as
 * many cores as there is memory for) or halts with the reason.
 */
#include <stdint.h>
#include <kpi/caps.h>
#include "lib/cmdline.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "kernel/arch.h"
#include "kernel/boot_user.h"
#include "kernel/console.h"
#include "kernel/machine.h"
#include "kernel/screen.h"
#include "kernel/shared.h"

/* Boot hand-off (see the file comment). */
struct machine machine SHARED_HANDOFF;
_Static_assert(sizeof(machine.cmdline) == KERNEL_CMDLINE_MAX, "INFO_CMDLINE's promise");
/* Boot hand-off: too large for the boot stack, used only in this file. */
static struct acpi_info acpi SHARED_HANDOFF;
static struct mb_info mbi SHARED_HANDOFF;

/* The boot page tables map the first 4 GiB at the direct map. */
#define BOOT_MAPPED_TOP	(4ull << 30)

extern char __kernel_phys_start[], __bss_end_phys[];

static const void *boot_map(void *ctx, uint64_t pa, uint64_t len)
{
	(void)ctx;
	if (pa >= BOOT_MAPPED_TOP || len > BOOT_MAPPED_TOP - pa)
		return NULL;
	return phys_to_virt(pa);
}

static void boot_warn(void *ctx, const char *msg, uint64_t value)
{
	kprintf("%s: warning: %s (0x%llx)\n", (const char *)ctx, msg,
		(unsigned long long)value);
}

static void halt_with(const char *why)
{
	kprintf("Flotilla cannot boot: %s\n", why);
	arch_halt_core();
}

static const char *const map_source[] = {
	[MB_MAP_NONE] = "nowhere",
	[MB_MAP_MEM_FIELDS] = "mem_lower/mem_upper",
	[MB_MAP_MMAP] = "the boot loader's memory map",
	[MB_MAP_EFI] = "the firmware's EFI memory map",
};

/* What a Multiboot2 loader said beside memory: one line, so a boot log
 * shows which firmware path this was (docs/boot.md). */
static void print_multiboot2(void)
{
	kprintf("multiboot2: loader \"%s\"; memory from %s (%u ranges); ACPI tags:%s%s%s\n",
		mbi.loader[0] ? mbi.loader : "(unnamed)", map_source[mbi.map_source], mbi.map.n,
		mbi.rsdp_new_pa ? " 2.0+" : "", mbi.rsdp_old_pa ? " 1.0" : "",
		mbi.rsdp_new_pa || mbi.rsdp_old_pa ? "" : " none");
	if (mbi.efi_system_table)
		kprintf("multiboot2: booted through UEFI (EFI system table at 0x%llx)%s\n",
			(unsigned long long)mbi.efi_system_table,
			mbi.efi_boot_services ? "; boot services still running: their memory is kept" : "");
	if (mbi.has_fb)
		kprintf("multiboot2: framebuffer %ux%u, %u bits per pixel, at 0x%llx\n",
			mbi.fb.width, mbi.fb.height, mbi.fb.bpp, (unsigned long long)mbi.fb.addr);
}

static void read_multiboot(uint32_t magic, uint64_t info_pa)
{
	bool v2 = magic == MULTIBOOT2_BOOTLOADER_MAGIC;
	struct boot_io io = { boot_map, boot_warn, v2 ? "multiboot2" : "multiboot" };
	err_t err = v2 ? mb2_parse(magic, info_pa, &io, &mbi) : mb_parse(magic, info_pa, &io, &mbi);

	if (err) {
		kprintf("%s: %s: %s\n", v2 ? "multiboot2" : "multiboot", err_name(err), err_msg(err));
		halt_with(err == ERR_BAD_SIGNATURE ?
			  "not started by a Multiboot or Multiboot2 boot loader (bad magic in eax)" :
			  err == ERR_NOT_FOUND ?
			  "the boot loader gave no usable memory map (no EFI map, mmap or mem_lower/mem_upper)" :
			  err == ERR_TOO_MANY ? "the boot loader passed more modules than the kernel can keep" :
			  "the boot information is unreadable");
	}
	if (v2)
		print_multiboot2();
	else if (!mbi.map_from_mmap)
		kprintf("multiboot: no memory map; using mem_lower/mem_upper instead\n");
	if (mbi.map.dropped)
		kprintf("multiboot: warning: memory map has more than %d entries; %u ignored\n",
			MEMMAP_MAX, mbi.map.dropped);
	/* Boot input the kernel cannot hold whole is not used in part: the
	 * cut end of a word would say something else (an init= spec cut in
	 * its argument starts another program), and the words after it would
	 * be lost without a word. So the machine boots as with no command
	 * line, and says so. */
	if (mbi.cmdline_too_long)
		kprintf("multiboot: the command line is longer than %d bytes; ignoring all of it (nothing on it takes effect)\n",
			MB_CMDLINE_MAX - 1);
	machine.raw = mbi.map;
	strlcpy(machine.cmdline, mbi.cmdline, sizeof(machine.cmdline));
	machine.has_fb = mbi.has_fb;
	machine.fb = mbi.fb;
	screen_plan();
}

static void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

/* The bootstrap core's APIC id: all 32 bits from CPUID leaf 0xB (EDX)
 * where the CPU has that leaf, which x2APIC ids need; else the 8 bits of
 * leaf 1 (EBX bits 31:24). */
static uint32_t bsp_apic_id(void)
{
	uint32_t a, b, c, d;

	cpuid(0, &a, &b, &c, &d);
	if (a >= 0xB) {
		cpuid(0xB, &a, &b, &c, &d);
		if (b != 0)		/* EBX 0: the leaf is not implemented */
			return d;
	}
	cpuid(1, &a, &b, &c, &d);
	return b >> 24;
}

static void add_core(uint32_t apic_id, uint32_t node)
{
	if (machine.ncores < MAX_CORES) {
		machine.cores[machine.ncores].apic_id = apic_id;
		machine.cores[machine.ncores].node = node;
		machine.ncores++;
	}
}

/* Soft off's facts; a machine without them still boots, but says so. */
static void read_s5(void)
{
	machine.s5 = acpi.s5;
	if (acpi.s5.err)
		kprintf("acpi: no soft off (S5): %s: %s; poweroff will say why and leave the machine on\n",
			err_name(acpi.s5.err), acpi.s5.why);
}

static void read_acpi(void)
{
	struct boot_io io = { boot_map, boot_warn, "acpi" };
	uint32_t bsp = bsp_apic_id();
	uint32_t max_apic_id = arch_pick_apic_mode();
	struct acpi_rsdp_at rsdp;
	err_t err;

	machine.nnodes = 1;
	machine.lapic_pa = 0xFEE00000;
	machine.s5 = (struct acpi_s5){ .err = ERR_NOT_FOUND, .why = "no usable ACPI tables" };
	/* The boot loader's copy first: under UEFI the BIOS area holds none. */
	err = acpi_locate_rsdp(&io, mbi.rsdp_new_pa, mbi.rsdp_new_len, mbi.rsdp_old_pa,
			       mbi.rsdp_old_len, &rsdp);
	if (!err)
		err = acpi_parse_at(&io, &rsdp, &acpi);
	if (!err) {
		kprintf("acpi: RSDP (revision %u) from %s; tables through the %s\n", acpi.revision,
			rsdp.source, acpi.used_xsdt ? "XSDT" : "RSDT");
		read_s5();
	}
	if (err || !acpi.has_madt || acpi.ncores == 0) {
		kprintf("acpi: %s; starting the bootstrap core only\n",
			err ? "no usable ACPI tables (no RSDP found, or it is corrupt)" :
			      "no MADT (ACPI's list of processors)");
		machine.ncores_found = 1;
		add_core(bsp, 0);
		return;
	}
	machine.acpi = &acpi;
	machine.lapic_pa = acpi.lapic_pa;
	machine.nnodes = acpi.nnodes;
	machine.ncores_found = acpi.ncores + acpi.ncores_dropped;
	/* The bootstrap core is core 0; the others follow in MADT order. */
	for (unsigned i = 0; i < acpi.ncores; i++)
		if (acpi.cores[i].apic_id == bsp)
			add_core(bsp, acpi.cores[i].node);
	if (machine.ncores == 0) {
		kprintf("acpi: warning: the bootstrap core (APIC id %u) is not in the MADT\n", bsp);
		machine.ncores_found++;
		add_core(bsp, 0);
	}
	for (unsigned i = 0; i < acpi.ncores; i++)
		if (acpi.cores[i].apic_id != bsp && acpi.cores[i].apic_id <= max_apic_id)
			add_core(acpi.cores[i].apic_id, acpi.cores[i].node);
		else if (acpi.cores[i].apic_id != bsp)
			kprintf("acpi: core with APIC id %u cannot be started in %s mode; skipped\n",
				acpi.cores[i].apic_id, machine.x2apic ? "x2APIC" : "xAPIC");
	if (acpi.ncores_dropped)
		kprintf("acpi: %u more cores than the parser's limit of %d were ignored\n",
			acpi.ncores_dropped, ACPI_MAX_CORES);
}

static void limit_cores(void)
{
	char buf[16];
	unsigned limit = MAX_CORES;

	if (cmdline_get("maxcores", buf, sizeof(buf))) {
		unsigned v = 0;
		const char *p;
		/* Digits only, and no more than fit: "2x" or a number that
		 * wraps around must not become a valid limit. */
		for (p = buf; *p >= '0' && *p <= '9' && v <= MAX_CORES; p++)
			v = v * 10 + (unsigned)(*p - '0');
		if (*p || p == buf)
			v = 0;
		if (v >= 1 && v < limit)
			limit = v;
		else
			kprintf("cmdline: ignoring maxcores=%s (want 1..%d)\n", buf, MAX_CORES);
	}
	machine.maxcores = limit;
	if (machine.ncores_found > limit)
		kprintf("smp: %u cores found; this kernel starts at most %u (%s); the rest stay off\n",
			machine.ncores_found, limit,
			limit == MAX_CORES ? "MAX_CORES in kernel/config.h" : "maxcores= on the command line");
	if (machine.ncores > limit)
		machine.ncores = limit;
}

static void split_memory(void)
{
	struct mem_range reserve[MB_BOOT_RANGES_MAX + 1];
	uint32_t core_node[MAX_CORES];
	struct numa_view numa = { machine.nnodes, NULL, 0, NULL };
	unsigned nres = 0;
	uint64_t total;
	err_t err;

	reserve[nres++] = (struct mem_range){ (uint64_t)(uintptr_t)__kernel_phys_start,
		(uint64_t)(uintptr_t)__bss_end_phys - (uint64_t)(uintptr_t)__kernel_phys_start,
		MEM_RESERVED };
	for (unsigned i = 0; i < mbi.nboot_ranges; i++)
		reserve[nres++] = mbi.boot_ranges[i];
	/* Below 1 MiB: BIOS data, the AP trampoline; never handed out. */
	err = memmap_usable(&machine.raw, reserve, nres, 1ull << 20, &machine.usable);
	if (err)
		kprintf("memory: warning: %s: usable memory has too many pieces; some ignored\n",
			err_name(err));
	total = memmap_total(&machine.usable);
	if (total < MIN_SHARE_BYTES) {
		char why[160];
		fmt_snprintf(why, sizeof(why),
			     "not enough memory: %llu KiB usable above 1 MiB, one core needs at least %llu KiB (try MEM=128M)",
			     (unsigned long long)(total >> 10), MIN_SHARE_BYTES >> 10);
		halt_with(why);
	}
	if (total / MIN_SHARE_BYTES < machine.ncores) {
		kprintf("memory: %llu KiB is enough for only %llu of %u cores (each needs %llu KiB); starting %llu\n",
			(unsigned long long)(total >> 10), (unsigned long long)(total / MIN_SHARE_BYTES),
			machine.ncores, MIN_SHARE_BYTES >> 10, (unsigned long long)(total / MIN_SHARE_BYTES));
		machine.ncores = (unsigned)(total / MIN_SHARE_BYTES);
	}
	machine.ncores = boot_user_mesh_reserve(&machine.usable, machine.ncores);
	if (acpi.has_srat) {
		numa.aff = acpi.memaff;
		numa.naff = acpi.nmemaff;
	}
	if (acpi.has_slit)
		numa.dist = acpi.dist;
	for (unsigned i = 0; i < machine.ncores; i++)
		core_node[i] = machine.cores[i].node;
	err = memshare_split(&machine.usable, &numa, core_node, machine.ncores, machine.share);
	if (err == ERR_TOO_MANY) {
		kprintf("memory: NUMA split too fragmented (%s); splitting without NUMA\n", err_name(err));
		numa = (struct numa_view){ 1, NULL, 0, NULL };
		for (unsigned i = 0; i < machine.ncores; i++)
			core_node[i] = 0;
		err = memshare_split(&machine.usable, &numa, core_node, machine.ncores, machine.share);
	}
	if (err) {
		kprintf("memory: cannot split memory among %u cores: %s: %s\n",
			machine.ncores, err_name(err), err_msg(err));
		halt_with("memory split failed");
	}
}

static void find_phys_top(void)
{
	uint64_t top = BOOT_MAPPED_TOP;

	/* RAM only: reserved ranges can sit far up (q35 reserves a window at
	 * 1 TiB) and the kernel never touches them. */
	for (unsigned i = 0; i < machine.raw.n; i++) {
		const struct mem_range *r = &machine.raw.r[i];
		if (r->kind == MEM_RESERVED || r->kind == MEM_BAD)
			continue;
		if (r->base + r->len > top && r->base + r->len > r->base)
			top = r->base + r->len;
	}
	machine.phys_top = (top + (1ull << 30) - 1) & ~((1ull << 30) - 1);
}

static void print_summary(void)
{
	kprintf("memory: %llu MiB usable in %u range%s; %u NUMA node%s\n",
		(unsigned long long)(memmap_total(&machine.usable) >> 20), machine.usable.n,
		machine.usable.n == 1 ? "" : "s",
		machine.nnodes, machine.nnodes == 1 ? "" : "s");
	/* The distances, one row per node: the same machine must give the
	 * same rows under every firmware (tools/fwboot.py compares them). */
	for (unsigned a = 0; machine.nnodes > 1 && a < machine.nnodes; a++) {
		char row[ACPI_MAX_NODES * 4 + 1];
		unsigned n = 0;

		for (unsigned b = 0; b < machine.nnodes; b++)
			n += (unsigned)fmt_snprintf(row + n, sizeof(row) - n, " %u", acpi.dist[a][b]);
		kprintf("  node %u: distances%s%s\n", a, row, acpi.has_slit ? "" : " (no SLIT: defaults)");
	}
	for (unsigned i = 0; i < machine.ncores; i++) {
		const struct memshare *s = &machine.share[i];
		kprintf("  core %u: APIC id %u, node %u, %llu KiB at 0x%llx-0x%llx%s\n", i,
			machine.cores[i].apic_id, s->node, (unsigned long long)(s->total >> 10),
			(unsigned long long)s->r[0].base,
			(unsigned long long)(s->r[s->n - 1].base + s->r[s->n - 1].len),
			s->n > 1 ? " (with holes)" : "");
	}
}

void machine_discover(uint32_t mb_magic, uint64_t mb_info_pa)
{
	read_multiboot(mb_magic, mb_info_pa);
	if (machine.cmdline[0])
		kprintf("command line: %s\n", machine.cmdline);
	read_acpi();
	limit_cores();
	split_memory();
	find_phys_top();
	machine.token_key = (struct sipkey){ arch_random64(), arch_random64() };
	print_summary();
}

/* lib/cmdline.c on the machine's command line. A value longer than buf
 * holds is not cut: the kernel says so, and the word counts as absent. */
bool cmdline_get(const char *key, char *buf, unsigned size)
{
	err_t err = cmdline_find(machine.cmdline, key, buf, size);

	if (err == ERR_TRUNCATED)
		kprintf("cmdline: the value of %s= is longer than %u bytes; ignoring %s\n", key,
			size ? size - 1 : 0, key);
	return err == OK;
}
