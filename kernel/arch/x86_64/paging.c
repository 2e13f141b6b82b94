/*
 * Kernel page tables, one set per core, built by that core from its own
 * share of memory (so page walks hit local memory, and no core's tables are
 * written by another). Each set maps:
 *   - the direct map: physical [0, machine.phys_top) at PHYSMAP_BASE, 2 MiB
 *     pages, read-write, never executable;
 *   - the kernel image at -2 GiB with 4 KiB pages: text read-only and
 *     executable, rodata read-only, data and bss read-write, not executable;
 *   - the local APIC, uncached, in the device window.
 * The lower half stays empty: a NULL dereference in the kernel faults, and
 * user space will live there. The boot page tables (boot.S) are used only
 * until each core loads its own; arch_boot_map_extend() grows their direct
 * map when memory reaches past 4 GiB, before other cores start.
 */
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/core.h"
#include "kernel/machine.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/paging.h"

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __bss_end[];
extern uint64_t boot_pml4[512], boot_pdpt_low[512];

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

void paging_init_core(struct core *c)
{
	uint64_t pml4_pa = pmem_alloc(&c->pmem);
	uint64_t *pml4 = phys_to_virt(pml4_pa);
	uint64_t nx = nx_bit();

	if (!pml4_pa)
		panic("core %u: out of memory for page tables", c->id);
	for (uint64_t pa = 0; pa < machine.phys_top; pa += 2ull << 20)
		map(c, pml4, PHYSMAP_BASE + pa, pa, PTE_P | PTE_W | nx, 1);
	map_image(c, pml4, __text_start, __text_end, PTE_P);
	map_image(c, pml4, __rodata_start, __rodata_end, PTE_P | nx);
	map_image(c, pml4, __data_start, __bss_end, PTE_P | PTE_W | nx);
	map(c, pml4, LAPIC_VA, machine.lapic_pa, PTE_P | PTE_W | PTE_PCD | PTE_PWT | nx, 0);
	c->pml4_pa = pml4_pa;
	c->arch.pte_nx = nx;
	write_cr3(pml4_pa);
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
		/* boot_pdpt_low is mapped at both identity and the direct map. */
		uint64_t *pdpt = phys_to_virt(boot_pml4[256] & PTE_ADDR);
		pdpt[gib] = pd_pa | PTE_P | PTE_W;
	}
	return OK;
}
