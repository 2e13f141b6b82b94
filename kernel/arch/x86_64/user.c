/*
 * The x86-64 side of user space: page-table entries for user mappings,
 * user address spaces (each PML4 shares the kernel half of this core's own
 * tables), walking a user address space to reach user memory safely, and
 * the initial register state of a dispatcher.
 *
 * The kernel never dereferences a user pointer. It translates the address
 * through the process's page tables in software, checking present, user
 * and (for writes) writable at every level, and touches the memory through
 * the direct map; a bad pointer is an error code, never a kernel fault.
 */
#include "lib/string.h"
#include "kernel/arch.h"
#include "kernel/core.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/paging.h"
#include "kernel/arch/x86_64/trap.h"

#define RFLAGS_IF	(1ull << 9)
#define RFLAGS_FIXED	(1ull << 1)

void arch_vspace_init(uint64_t pml4_pa)
{
	const uint64_t *kernel = phys_to_virt(this_core()->pml4_pa);
	uint64_t *user = phys_to_virt(pml4_pa);

	memcpy(user + 256, kernel + 256, 256 * sizeof(uint64_t));
}

/*
 * The TLB. Without PCIDs, loading CR3 drops every user translation (user
 * pages are never global), so a space that is not loaded holds nothing in
 * the TLB and only the loaded one needs flushing. With PCIDs (enabled by
 * arch_tlb_init where the CPU has them), each space keeps its translations
 * across switches under its own PCID (struct tlb_space): a page removed
 * from a space that is not loaded must be flushed under that space's PCID
 * (INVPCID), or the whole PCID flushed when it is next loaded. That is
 * what makes a remote flush necessary: the core's switch to its monitor no
 * longer clears the span's translations.
 */
#define CR3_NOFLUSH		(1ull << 63)	/* with PCIDs: keep this PCID's entries */
#define TLB_ONE_BY_ONE		32		/* more pages than this: flush the space */

static struct tlb_space *tlb_space(uint64_t pml4_pa, bool make)
{
	struct arch_core *a = &this_core()->arch;
	struct tlb_space *victim = NULL;
	uint64_t loaded = read_cr3() & PTE_ADDR;

	for (unsigned i = 0; pml4_pa && i < TLB_SPACES; i++) {
		if (a->tlb[i].pml4 == pml4_pa) {
			a->tlb[i].used = ++a->tlb_clock;
			return &a->tlb[i];
		}
	}
	if (!make)
		return NULL;
	for (unsigned i = 0; i < TLB_SPACES && !(victim && !victim->pml4); i++) {
		struct tlb_space *s = &a->tlb[i];
		if (!s->pml4 || (s->pml4 != loaded && (!victim || s->used < victim->used)))
			victim = s;
	}
	/* A new tenant of a PCID flushes what the last one left there. */
	*victim = (struct tlb_space){ .pml4 = pml4_pa, .used = ++a->tlb_clock, .stale = true };
	return victim;
}

static uint64_t pcid_of(const struct tlb_space *s)
{
	return (uint64_t)(s - this_core()->arch.tlb) + 1;
}

void arch_vspace_switch(uint64_t pml4_pa)
{
	struct core *c = this_core();

	if (!c->arch.pcid || pml4_pa == c->pml4_pa) {
		/* The core's own tables are PCID 0, whose user half is empty. */
		if ((read_cr3() & PTE_ADDR) != pml4_pa || (read_cr3() & 0xFFF))
			write_cr3(pml4_pa | (c->arch.pcid ? CR3_NOFLUSH : 0));
		return;
	}
	struct tlb_space *s = tlb_space(pml4_pa, true);
	uint64_t cr3 = pml4_pa | pcid_of(s);
	if (read_cr3() == cr3 && !s->stale)
		return;
	write_cr3(cr3 | (s->stale ? 0 : CR3_NOFLUSH));
	s->stale = false;
}

void arch_vspace_destroyed(uint64_t pml4_pa)
{
	struct tlb_space *s = tlb_space(pml4_pa, false);

	if ((read_cr3() & PTE_ADDR) == pml4_pa)
		arch_vspace_switch(this_core()->pml4_pa);
	if (s)
		s->pml4 = 0;	/* its PCID's next tenant starts stale */
}

void arch_tlb_flush(void)
{
	struct arch_core *a = &this_core()->arch;

	for (unsigned i = 0; a->pcid && i < TLB_SPACES; i++)
		a->tlb[i].stale = true;
	write_cr3(read_cr3());	/* bit 63 clear: the loaded PCID is flushed too */
}

void arch_tlb_flush_pages(uint64_t pml4_pa, uint64_t va, uint64_t n)
{
	struct arch_core *a = &this_core()->arch;
	struct tlb_space *s = tlb_space(pml4_pa, true);
	bool loaded = (read_cr3() & PTE_ADDR) == pml4_pa;

	s->flushed += n;
	if (n > TLB_ONE_BY_ONE) {
		if (loaded)
			write_cr3(read_cr3());
		else
			s->stale = true;
		return;
	}
	for (uint64_t i = 0; i < n; i++) {
		if (loaded)
			invlpg(va + i * PAGE_SIZE);
		else if (a->pcid && a->invpcid)
			invpcid_one(pcid_of(s), va + i * PAGE_SIZE);
	}
	/* A space that is not loaded: without PCIDs the TLB holds nothing of
	 * it; with PCIDs but no INVPCID, its PCID is flushed when next loaded. */
	if (!loaded && a->pcid && !a->invpcid)
		s->stale = true;
}

uint64_t arch_tlb_flushed(uint64_t pml4_pa)
{
	struct tlb_space *s = tlb_space(pml4_pa, false);

	return s ? s->flushed : 0;
}

uint64_t *arch_user_pte(uint64_t pml4_pa, uint64_t va)
{
	uint64_t table = pml4_pa;

	if (va < USER_MIN || va >= USER_TOP)
		return NULL;
	for (int level = 3; level > 0; level--) {
		uint64_t e = ((const uint64_t *)phys_to_virt(table))[(va >> (12 + 9 * level)) & 511];
		if (!(e & PTE_P) || (e & PTE_PS))
			return NULL;
		table = e & PTE_ADDR;
	}
	return (uint64_t *)phys_to_virt(table) + ((va >> 12) & 511);
}

unsigned arch_vnode_user_entries(unsigned level)
{
	return level == 3 ? 256 : 512;	/* the PML4's upper half is the kernel's */
}

uint64_t arch_pte_table(uint64_t pa)
{
	return pa | PTE_P | PTE_W | PTE_U;	/* permissions are decided at the leaf */
}

uint64_t arch_pte_page(uint64_t pa, unsigned rights, bool device)
{
	uint64_t e = pa | PTE_P | PTE_U;

	if (rights & CAP_RIGHT_WRITE)
		e |= PTE_W;
	if (!(rights & CAP_RIGHT_EXECUTE))
		e |= this_core()->arch.pte_nx;
	if (device)
		e |= PTE_PCD | PTE_PWT;
	return e;
}

uint64_t arch_pte_addr(uint64_t pte)
{
	return pte & PTE_ADDR;
}

bool arch_pte_present(uint64_t pte)
{
	return pte & PTE_P;
}

err_t arch_user_translate(uint64_t pml4_pa, uint64_t va, bool write, uint64_t *pa)
{
	uint64_t table = pml4_pa;

	if (va < USER_MIN || va >= USER_TOP)
		return ERR_BAD_ADDRESS;
	for (int level = 3; level >= 0; level--) {
		const uint64_t *t = phys_to_virt(table);
		uint64_t e = t[(va >> (12 + 9 * level)) & 511];
		if (!(e & PTE_P) || !(e & PTE_U) || (write && !(e & PTE_W)))
			return ERR_BAD_ADDRESS;
		if (level > 0 && (e & PTE_PS))
			return ERR_BAD_ADDRESS;	/* user large pages are not made */
		table = e & PTE_ADDR;
		/* A device page (a DEVFRAME, mapped uncached): the kernel
		 * copies only through its direct map of RAM, cached, and a
		 * device may lie past it; no system call reads or writes one. */
		if (level == 0 && (e & PTE_PCD))
			return ERR_BAD_ADDRESS;
	}
	*pa = table | (va & 0xFFF);
	return OK;
}

void arch_regs_init_user(struct trap_frame *f, uint64_t entry, uint64_t stack, uint64_t arg)
{
	memset(f, 0, sizeof(*f));
	f->rip = entry;
	f->rsp = stack;
	f->rdi = arg;
	f->cs = USER_CS;
	f->ss = USER_DS;
	f->rflags = RFLAGS_IF | RFLAGS_FIXED;
	f->vector = 0;		/* resumes by iretq: every register is restored */
}

bool arch_frame_from_user(const struct trap_frame *f)
{
	return (f->cs & 3) == 3;
}
