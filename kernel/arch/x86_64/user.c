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

void arch_vspace_switch(uint64_t pml4_pa)
{
	if (read_cr3() != pml4_pa)
		write_cr3(pml4_pa);
}

void arch_vspace_destroyed(uint64_t pml4_pa)
{
	if (read_cr3() == pml4_pa)
		write_cr3(this_core()->pml4_pa);
}

void arch_tlb_flush(void)
{
	write_cr3(read_cr3());
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
