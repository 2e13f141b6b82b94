/*
 * The x86-64 part of a core's private state: its GDT, TSS and IDT. It is
 * embedded in struct core, so it lives in the core's own memory and no other
 * core ever touches it (the IDT too: each core loads its own).
 */
#ifndef ARCH_CORE_H
#define ARCH_CORE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * A dispatcher's x87/SSE/AVX registers while they are not loaded (the end
 * of its dcb; kernel/arch/x86_64/fpu.c). XSAVE's standard format with x87,
 * SSE, AVX and AVX-512 ends at byte 2688 (MPX's two components, never
 * enabled, sit unused in between); a CPU whose layout needs more for them
 * gets fewer components enabled, never a bigger area.
 */
#define FPU_AREA_BYTES	2688

#define GDT_ENTRIES	7	/* null, kcode, kdata, ucode32 slot, udata, ucode, tss(2) -- see gdt.c */

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iopb_offset;
} __attribute__((packed));

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __attribute__((packed));

/*
 * An address space this core has loaded or flushed pages of (user.c). While
 * PCIDs are on, slot i's space runs with PCID i + 1 (PCID 0 is the core's
 * own tables), and `stale` says that its PCID may still hold translations
 * that are not its own or no longer valid, so that its next load must
 * flush them. With or without PCIDs, `flushed` counts the pages this
 * core's kernel flushed in it (arch_tlb_flushed: the shootdown test's
 * evidence). The least recently used slot is reused when all are taken.
 */
#define TLB_SPACES	32
struct tlb_space {
	uint64_t pml4;			/* the space's PML4; 0: a free slot */
	uint64_t flushed;		/* pages flushed in it on this core */
	uint64_t used;			/* tlb_clock at its last load or flush */
	bool stale;
};

struct arch_core {
	struct idt_gate idt[256] __attribute__((aligned(16)));
	uint64_t gdt[GDT_ENTRIES + 1] __attribute__((aligned(16)));
	struct tss tss __attribute__((aligned(16)));
	uint64_t pte_nx;		/* the no-execute PTE bit, or 0 without NX */
	uint64_t xcr0;			/* components XSAVE saves; 0: FXSAVE (fpu.c) */
	uint32_t fpu_bytes;		/* the part of a save area they use */
	bool fpu_lazy;			/* fpu=lazy: load a dispatcher's on its #NM */
	bool pcid, invpcid;		/* CR4.PCIDE is on; INVPCID exists */
	uint64_t tlb_clock;
	struct tlb_space tlb[TLB_SPACES];
};

#endif
