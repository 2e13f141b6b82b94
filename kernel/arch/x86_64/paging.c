/*
 * Kernel page tables, one set per core, built by that core from its own
 * share of memory (so page walks hit local memory, and no core's tables are
 * written by another). Each set maps:
 *   - the direct map: physical [0, machine.phys_top) at PHYSMAP_BASE, never
 *     executable, writable only where kernel/memguard.c says this core may
 *     write (its own share; the start-up pages while cores start), read-only
 *     elsewhere; 2 MiB pages, split into 4 KiB pages where a 2 MiB page
 *     holds both;
 *   - the kernel image at -2 GiB with 4 KiB pages: text read-only and
 *     executable, rodata read-only, the boot hand-off writable on the
 *     bootstrap core until it has started the others and read-only
 *     everywhere after, the console lock and the panic path read-write,
 *     everything else read-only; nothing but text executable;
 *   - the local APIC, uncached, in the device window, and the write window
 *     beside it (arch_write_window).
 * arch_seal() gives the tables their final permissions once the core has
 * booted. The lower half stays empty: a NULL dereference in the kernel
 * faults, and user space lives there. The boot page tables (boot.S) are
 * used only until each core loads its own; arch_boot_map_extend() grows
 * their direct map when memory reaches past 4 GiB, before other cores
 * start.
 */
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/core.h"
#include "kernel/machine.h"
#include "kernel/memguard.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/paging.h"

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __handoff_start[], __handoff_end[];
extern char __shared_rw_start[], __shared_rw_end[], __bss_end[];

#define LARGE_PAGE	(2ull << 20)
/* One page beside the local APIC: arch_write_window's. */
#define WRITE_WINDOW_VA	(DEVICE_WINDOW + PAGE_SIZE)
extern uint64_t boot_pdpt_low[512];

static unsigned idx(uint64_t va, unsigned level)
{
	return (unsigned)(va >> (12 + 9 * level)) & 511;
}

/* The table that entry `i` of `table` points to, allocated on first use. */
static uint64_t *next_table(struct core *c, uint64_t *table, unsigned i)
{
	if (!(table[i] & PTE_P)) {
		uint64_t pa = pmem_alloc(&c->pmem);
		if (!pa)
			panic("core %u: out of memory for page tables", c->id);
		table[i] = pa | PTE_P | PTE_W;
	}
	return phys_to_virt(table[i] & PTE_ADDR);
}

static void map(struct core *c, uint64_t *pml4, uint64_t va, uint64_t pa,
		uint64_t flags, int large)
{
	uint64_t *pdpt = next_table(c, pml4, idx(va, 3));
	uint64_t *pd = next_table(c, pdpt, idx(va, 2));

	if (large) {
		pd[idx(va, 1)] = pa | flags | PTE_PS;
		return;
	}
	uint64_t *pt = next_table(c, pd, idx(va, 1));
	pt[idx(va, 0)] = pa | flags;
}

static void map_image(struct core *c, uint64_t *pml4, const char *start,
		      const char *end, uint64_t flags)
{
	for (uintptr_t va = (uintptr_t)start; va < (uintptr_t)end; va += PAGE_SIZE)
		map(c, pml4, va, va - KERNEL_VMA, flags, 0);
}

static uint64_t nx_bit(void)
{
	uint32_t a, b, cx, d;

	cpuid(0x80000001, 0, &a, &b, &cx, &d);
	if (!(d & (1u << 20)))
		return 0;
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	return PTE_NX;
}

/* How much of [pa, pa + len) the sorted ranges w[0..n) cover. */
enum cover { NONE, SOME, ALL };

static enum cover covered(const struct mem_range *w, unsigned n, uint64_t pa, uint64_t len)
{
	uint64_t got = 0;

	for (unsigned i = 0; i < n; i++) {
		uint64_t lo = w[i].base > pa ? w[i].base : pa;
		uint64_t hi = w[i].base + w[i].len < pa + len ? w[i].base + w[i].len : pa + len;
		if (lo < hi)
			got += hi - lo;
	}
	return got == 0 ? NONE : got == len ? ALL : SOME;
}

/* The direct map, writable only where memguard allows it. */
static void map_direct(struct core *c, uint64_t *pml4, bool booted, uint64_t nx)
{
	struct mem_range w[MEMGUARD_MAX_RANGES];
	unsigned n = memguard_writable(c, booted, w);

	for (uint64_t pa = 0; pa < machine.phys_top; pa += LARGE_PAGE) {
		enum cover k = covered(w, n, pa, LARGE_PAGE);
		if (k != SOME) {
			map(c, pml4, PHYSMAP_BASE + pa, pa, PTE_P | nx | (k == ALL ? PTE_W : 0), 1);
			continue;
		}
		for (uint64_t p = pa; p < pa + LARGE_PAGE; p += PAGE_SIZE)
			map(c, pml4, PHYSMAP_BASE + p, p,
			    PTE_P | nx | (covered(w, n, p, PAGE_SIZE) == ALL ? PTE_W : 0), 0);
	}
}

static uint64_t handoff_flags(const struct core *c, bool booted)
{
	return PTE_P | c->arch.pte_nx | (memguard_handoff_writable(c, booted) ? PTE_W : 0);
}

static void map_image_all(struct core *c, uint64_t *pml4, bool booted)
{
	uint64_t nx = c->arch.pte_nx;

	map_image(c, pml4, __text_start, __text_end, PTE_P);
	map_image(c, pml4, __rodata_start, __rodata_end, PTE_P | nx);
	map_image(c, pml4, __data_start, __handoff_start, PTE_P | nx);
	map_image(c, pml4, __handoff_start, __handoff_end, handoff_flags(c, booted));
	map_image(c, pml4, __shared_rw_start, __shared_rw_end, PTE_P | PTE_W | nx);
	map_image(c, pml4, __shared_rw_end, __bss_end, PTE_P | nx);
}

void paging_init_core(struct core *c)
{
	uint64_t pml4_pa = pmem_alloc(&c->pmem);
	uint64_t *pml4 = phys_to_virt(pml4_pa);
	uint64_t nx = nx_bit();

	if (!pml4_pa)
		panic("core %u: out of memory for page tables", c->id);
	c->arch.pte_nx = nx;
	map_direct(c, pml4, false, nx);
	map_image_all(c, pml4, false);
	map(c, pml4, LAPIC_VA, machine.lapic_pa, PTE_P | PTE_W | PTE_PCD | PTE_PWT | nx, 0);
	map(c, pml4, WRITE_WINDOW_VA, 0, 0, 0);		/* its table; the entry empty */
	/* The HPET, uncached, for the bootstrap core's clock calibration
	 * (clocks.c); no other core reads it. */
	if (c->id == 0 && machine.acpi && machine.acpi->hpet_pa)
		map(c, pml4, HPET_VA, machine.acpi->hpet_pa & ~0xFFFull,
		    PTE_P | PTE_W | PTE_PCD | PTE_PWT | nx, 0);
	/* The framebuffer, uncached (the kernel never reads it: lib/fbcon.c
	 * keeps its own copy of the text), on every core: each prints
	 * directly until its monitor takes its console over. */
	for (uint64_t off = 0; off < machine.screen_bytes; off += PAGE_SIZE)
		map(c, pml4, SCREEN_VA + off, (machine.fb.addr & ~0xFFFull) + off,
		    PTE_P | PTE_W | PTE_PCD | PTE_PWT | nx, 0);
	c->pml4_pa = pml4_pa;
	write_cr3(pml4_pa);
}

/* The entry that maps `va` at 4 KiB in this core's tables. */
static uint64_t *pte_of(struct core *c, uint64_t va)
{
	uint64_t *t = phys_to_virt(c->pml4_pa);

	for (unsigned level = 3; level > 0; level--) {
		uint64_t e = t[idx(va, level)];
		if (!(e & PTE_P) || (e & PTE_PS))
			panic("core %u: no 4 KiB entry for 0x%llx", c->id, (unsigned long long)va);
		t = phys_to_virt(e & PTE_ADDR);
	}
	return &t[idx(va, 0)];
}

static void protect(struct core *c, uint64_t va, uint64_t len, uint64_t flags)
{
	for (uint64_t p = va; p < va + len; p += PAGE_SIZE) {
		uint64_t *e = pte_of(c, p);
		*e = (*e & PTE_ADDR) | flags;
	}
}

void arch_seal(void)
{
	struct core *c = this_core();
	uint64_t nx = c->arch.pte_nx, base, len;

	protect(c, (uintptr_t)__handoff_start, (uint64_t)(__handoff_end - __handoff_start),
		handoff_flags(c, true));
	/* The start-up pages, unless memguard keeps them writable. */
	struct mem_range w[MEMGUARD_MAX_RANGES];
	unsigned n = memguard_writable(c, true, w);
	arch_start_pages(&base, &len);
	if (covered(w, n, base, len) != ALL)
		protect(c, PHYSMAP_BASE + base, len, PTE_P | nx);
	write_cr3(read_cr3());
	arch_tlb_init();
}

#define CPUID1_ECX_PCID		(1u << 17)
#define CPUID7_EBX_INVPCID	(1u << 10)
#define CR4_PCIDE		(1ull << 17)

/*
 * PCIDs (user.c's TLB comment), turned on once the kernel's tables are
 * final, so that no translation made before arch_seal survives under a
 * PCID, and before any user space runs: CR4.PCIDE may be set only while
 * CR3 names PCID 0. QEMU's TCG offers no PCID (nor INVPCID, as of QEMU
 * 7.2): there every switch flushes, as before, and the boot says so.
 */
void arch_tlb_init(void)
{
	struct core *c = this_core();
	uint32_t a, b, cx, d, max;

	cpuid(0, 0, &max, &b, &cx, &d);
	cpuid(1, 0, &a, &b, &cx, &d);
	c->arch.pcid = (cx & CPUID1_ECX_PCID) && (read_cr3() & 0xFFF) == 0;
	if (max >= 7) {
		cpuid(7, 0, &a, &b, &cx, &d);
		c->arch.invpcid = c->arch.pcid && (b & CPUID7_EBX_INVPCID);
	}
	if (c->arch.pcid)
		write_cr4(read_cr4() | CR4_PCIDE);
	if (c->id == 0)
		kprintf(c->arch.pcid ?
			"tlb: PCIDs on (%s): each address space keeps its TLB entries across switches\n" :
			"tlb: no PCIDs%s: every address-space switch flushes the TLB\n",
			c->arch.invpcid ? "remote pages flushed by INVPCID" :
			c->arch.pcid ? "no INVPCID: a space whose pages went is flushed when next loaded" :
			" (CPUID.1:ECX.PCID clear)");
}

void *arch_write_window(uint64_t pa)
{
	struct core *c = this_core();

	*pte_of(c, WRITE_WINDOW_VA) = (pa & PTE_ADDR) | PTE_P | PTE_W | c->arch.pte_nx;
	invlpg(WRITE_WINDOW_VA);
	return (void *)(uintptr_t)(WRITE_WINDOW_VA + (pa & (PAGE_SIZE - 1)));
}

void arch_write_window_close(void)
{
	*pte_of(this_core(), WRITE_WINDOW_VA) = 0;
	invlpg(WRITE_WINDOW_VA);
}

/*
 * Grows the boot tables' direct map past 4 GiB (boot hand-off: run by the
 * bootstrap core before the other cores start). The page directories come
 * from the bootstrap core's share, which starts low enough to be reachable.
 */
err_t arch_boot_map_extend(uint64_t top)
{
	struct core *c = this_core();

	for (uint64_t gib = 4; gib < (top >> 30); gib++) {
		if (gib >= 512)
			return ERR_UNSUPPORTED;
		uint64_t pd_pa = pmem_alloc(&c->pmem);
		if (!pd_pa)
			return ERR_NO_MEMORY;
		uint64_t *pd = phys_to_virt(pd_pa);
		for (unsigned i = 0; i < 512; i++)
			pd[i] = ((gib << 30) + ((uint64_t)i << 21)) | PTE_P | PTE_W | PTE_PS;
		/* boot_pdpt_low serves both identity and the direct map
		 * (PML4[0] and [256]). Written through its own name, the
		 * image's mapping of the hand-off, which this core may write
		 * until it has started the others: through the direct map
		 * it is the kernel image, read-only (memguard), and a
		 * machine with memory above 4 GiB faulted here. */
		boot_pdpt_low[gib] = pd_pa | PTE_P | PTE_W;
	}
	return OK;
}
