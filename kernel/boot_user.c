/*
 * The first process on each core: its monitor. The CPU driver builds it
 * from the boot image (lib/bootimg.c) with the same capability operations
 * user space uses, so that afterwards every right the monitor has is a
 * capability in its CSpace:
 *
 *   root CNode  slot 0 (TASK_CN)  the task CNode: well-known slots
 *               slot 1 (RAM_CN)   RAM capabilities: the rest of this
 *                                 core's share, untouched
 *               slot 2 (PAGE_CN)  the monitor's page tables and frames
 *
 * Every monitor also gets the same read-write frames, the channel mesh
 * (CPTR_MESH(i)): memory the bootstrap core took out of the usable memory
 * before splitting it into shares, in which the monitors lay out one URPC
 * channel for each ordered pair of cores (usr/monitor/mesh.c). It is the
 * only memory the kernels give to more than one core; like the boot
 * image's frame, it belongs to no core's RAM, is never retyped and never
 * freed. The bootstrap core's monitor alone also gets COM1's I/O ports
 * (CPTR_IOPORT_COM1) and the keyboard controller's (CPTR_IOPORT_KBD).
 *
 * The objects here come from the core's boot allocator (pmem), which is
 * then emptied into the RAM capabilities; after this, the kernel makes
 * objects only by retyping RAM that a process holds. This is the only ELF
 * loading the kernel does: the monitor loads every other program in user
 * space.
 */
#include "kernel/trace.h"
#include "lib/bootimg.h"
#include "lib/elf.h"
#include "lib/string.h"
#include "kernel/arch.h"
#include "kernel/boot_user.h"
#include "kernel/console.h"
#include "kernel/core.h"
#include "kernel/dispatch.h"
#include "kernel/machine.h"
#include "kernel/vspace.h"

extern const char __bootimg_start[], __bootimg_end[];

#define ROOT_SLOTS	64
#define MAX_TABLES	32

struct builder {
	struct core *c;
	struct cte *task, *ram, *page;	/* the level-2 CNodes' slots */
	struct cte *auth;		/* the authority CNode's (AUTH_CN) */
	unsigned page_next;		/* next free slot in `page` */
	struct cte *pml4;
	struct { uint64_t prefix; int level; struct cte *cte; } tables[MAX_TABLES];
	unsigned ntables;
};

static uint64_t pages_of(uint64_t bytes)
{
	return (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
}

/* A new object from the boot allocator, as a root capability in `slot`. */
static struct cte *boot_object(struct builder *b, struct cte *slot, unsigned type, uint64_t size)
{
	uint64_t pa = pmem_alloc_contig(&b->c->pmem, (unsigned)pages_of(size));
	struct cap cap = { .type = (uint8_t)type, .rights = CAP_RIGHTS_ALL, .base = pa, .size = size };

	if (!pa)
		panic("core %u: out of memory building the monitor", b->c->id);
	if (type == CAP_CNODE)
		cap.aux = (uint32_t)__builtin_ctzll(size / CTE_SIZE);
	cap_install_root(slot, &cap);
	cap_hook_created(slot);
	return slot;
}

static struct cte *page_slot(struct builder *b)
{
	if (b->page_next >= CNODE_L2_SLOTS)
		panic("core %u: the monitor needs more than %u page objects", b->c->id,
		      CNODE_L2_SLOTS);
	return &b->page[b->page_next++];
}

static unsigned vindex(uint64_t va, int level)
{
	return (unsigned)(va >> (12 + 9 * level)) & 511;
}

/* The table at `level` covering va, made and mapped on first use. */
static struct cte *table_for(struct builder *b, uint64_t va, int level)
{
	static const unsigned types[3] = { CAP_PTABLE, CAP_PDIR, CAP_PDPT };
	uint64_t prefix = va >> (12 + 9 * (level + 1));

	if (level == 3)
		return b->pml4;
	for (unsigned i = 0; i < b->ntables; i++)
		if (b->tables[i].level == level && b->tables[i].prefix == prefix)
			return b->tables[i].cte;
	if (b->ntables == MAX_TABLES)
		panic("core %u: the monitor's address space needs too many tables", b->c->id);
	struct cte *parent = table_for(b, va, level + 1);
	struct cte *t = boot_object(b, page_slot(b), types[level], PAGE_SIZE);
	err_t err = vnode_map(parent, vindex(va, level + 1), t, 0);
	if (err)
		panic("core %u: mapping the monitor's page table: %s", b->c->id, err_msg(err));
	b->tables[b->ntables++] = (typeof(b->tables[0])){ prefix, level, t };
	return t;
}

static void map_frame(struct builder *b, uint64_t va, struct cte *frame, unsigned rights)
{
	err_t err = vnode_map(table_for(b, va, 0), vindex(va, 0), frame, rights);
	if (err)
		panic("core %u: mapping the monitor at 0x%llx: %s", b->c->id,
		      (unsigned long long)va, err_msg(err));
}

static unsigned seg_rights(uint32_t flags)
{
	return CAP_RIGHT_READ | ((flags & 2) ? CAP_RIGHT_WRITE : 0) |
	       ((flags & 1) ? CAP_RIGHT_EXECUTE : 0);
}

/*
 * A segment as few frames as its page tables allow: one per run of pages
 * within one page table (2 MiB), so that a large .bss is one object, not
 * hundreds (the page CNode has CNODE_L2_SLOTS slots for everything).
 */
static void load_segment(struct builder *b, const char *file, const struct elf_segment *s)
{
	uint64_t start = s->vaddr & ~(uint64_t)(PAGE_SIZE - 1);
	uint64_t end = s->vaddr + s->memsz;

	for (uint64_t va = start; va < end;) {
		uint64_t table_end = (va | (512 * PAGE_SIZE - 1)) + 1;
		uint64_t stop = end < table_end ? end : table_end;
		uint64_t bytes = pages_of(stop - va) * PAGE_SIZE;
		struct cte *f = boot_object(b, page_slot(b), CAP_FRAME, bytes);
		char *dst = phys_to_virt(f->cap.base);
		/* The file bytes that fall in [va, va + bytes). */
		uint64_t lo = va > s->vaddr ? va : s->vaddr;
		uint64_t hi = s->vaddr + s->filesz;
		if (hi > va + bytes)
			hi = va + bytes;
		if (lo < hi)
			memcpy(dst + (lo - va), file + s->offset + (lo - s->vaddr), hi - lo);
		map_frame(b, va, f, seg_rights(s->flags));
		va += bytes;
	}
}

/* The root CNode and its four level-2 CNodes, with the well-known caps. */
static struct cte *build_cspace(struct builder *b)
{
	struct cte tmp = { 0 };
	struct cte *root = boot_object(b, &tmp, CAP_CNODE, ROOT_SLOTS * CTE_SIZE);
	struct cte *root_slots = cnode_slots(&root->cap);
	struct cte *task = boot_object(b, &root_slots[TASK_CN], CAP_CNODE, CNODE_L2_SLOTS * CTE_SIZE);

	b->task = cnode_slots(&task->cap);
	/* The root CNode's capability moves from tmp into its own task slot. */
	cap_move(&b->task[CADDR_L2(CPTR_ROOTCN)], root);
	cap_copy(&b->task[CADDR_L2(CPTR_TASKCN)], task);
	b->ram = cnode_slots(&boot_object(b, &root_slots[RAM_CN], CAP_CNODE,
					  CNODE_L2_SLOTS * CTE_SIZE)->cap);
	b->page = cnode_slots(&boot_object(b, &root_slots[PAGE_CN], CAP_CNODE,
					   CNODE_L2_SLOTS * CTE_SIZE)->cap);
	b->auth = cnode_slots(&boot_object(b, &root_slots[AUTH_CN], CAP_CNODE,
					   AUTH_SLOTS * CTE_SIZE)->cap);
	return &b->task[CADDR_L2(CPTR_ROOTCN)];
}

static void give_special_caps(struct builder *b)
{
	uint64_t img_pa = kernel_virt_to_phys(__bootimg_start);
	uint64_t img_len = (uint64_t)(__bootimg_end - __bootimg_start);
	struct cap img = { .type = CAP_FRAME, .rights = CAP_RIGHT_READ, .base = img_pa,
			   .size = pages_of(img_len) * PAGE_SIZE };
	/* The monitor's authority, one capability to each kind (kpi/caps.h,
	 * "Authority"), so that it can hand each part of itself only what
	 * that part uses. */
	static const struct { capaddr_t at; uint8_t type; } auth[AUTH_COUNT] = {
		{ CPTR_POWER, CAP_POWER }, { CPTR_INFO, CAP_INFO },
		{ CPTR_DOORBELL, CAP_DOORBELL }, { CPTR_EXPORT, CAP_EXPORT },
		{ CPTR_SPAN, CAP_SPAN }, { CPTR_CONSOLE, CAP_CONSOLE },
	};

	cap_install_root(&b->task[CADDR_L2(CPTR_BOOTIMG)], &img);
	for (unsigned i = 0; i < AUTH_COUNT; i++) {
		struct cap a = { .type = auth[i].type, .rights = CAP_RIGHTS_ALL };
		cap_install_root(&b->auth[CADDR_L2(auth[i].at)], &a);
	}
	for (unsigned i = 0; i < machine.nmesh; i++) {
		struct cap mesh = { .type = CAP_FRAME, .rights = CAP_RIGHT_READ | CAP_RIGHT_WRITE,
				    .base = machine.mesh[i].base, .size = machine.mesh[i].len };
		cap_install_root(&b->task[CADDR_L2(CPTR_MESH(i))], &mesh);
	}
	/* The kernel's trace ring, for the monitor to read (kernel/trace.h). */
	if (b->c->trace) {
		struct cap ring = { .type = CAP_FRAME, .rights = CAP_RIGHT_READ,
				    .base = b->c->trace_pa, .size = b->c->trace_bytes };
		cap_install_root(&b->task[CADDR_L2(CPTR_TRACE)], &ring);
	}
	/* COM1's ports, to the bootstrap core's monitor only: the UART gets
	 * one user-level driver (usr/lib/uart.c), on one core. */
	if (b->c->id == 0) {
		struct cap com1 = { .type = CAP_IOPORT, .rights = CAP_RIGHT_READ | CAP_RIGHT_WRITE,
				    .base = 0x3F8, .size = 8 };
		cap_install_root(&b->task[CADDR_L2(CPTR_IOPORT_COM1)], &com1);
		/* And the keyboard controller's, which the console service
		 * polls (usr/monitor/kbd.c); kpi/caps.h says why 0x61..0x63
		 * come with them. */
		struct cap kbd = { .type = CAP_IOPORT, .rights = CAP_RIGHT_READ | CAP_RIGHT_WRITE,
				   .base = KBD_PORT_DATA, .size = KBD_PORTS };
		cap_install_root(&b->task[CADDR_L2(CPTR_IOPORT_KBD)], &kbd);
	}
}

/*
 * The channel mesh: n * n * MESH_CHAN_BYTES for n cores, 8 MiB at 64. It
 * comes out of the usable memory before the split into shares, so every
 * core pays for it alike (from one core's share it would take all of core
 * 0's at 64 cores and MEM=256M) and no share holds it. Each frame, at
 * most MESH_FRAME_BYTES (what one page table of the monitor maps), is
 * the head of the lowest usable range with room for it. The mesh may
 * not leave a core less than MIN_SHARE_BYTES: then fewer cores start,
 * and the boot says so. One core needs no mesh.
 */
_Static_assert(MAX_CORES <= MESH_MAX_CORES, "the monitors' mesh joins every core");
_Static_assert(CADDR_L2(CPTR_MESH(MESH_MAX_FRAMES - 1)) < CADDR_L2(CPTR_IOPORT_KBD),
	       "the mesh's frames fit their well-known slots");

static uint64_t mesh_bytes(unsigned n)
{
	return pages_of((uint64_t)n * n * MESH_CHAN_BYTES) * PAGE_SIZE;
}

/* Takes the mesh of n cores out of m into machine.mesh; false if some
 * frame finds no range with room (m is then half changed). */
static bool mesh_take(struct memmap *m, unsigned n)
{
	uint64_t left = mesh_bytes(n), base;

	for (machine.nmesh = 0; left; machine.nmesh++) {
		uint64_t len = left < MESH_FRAME_BYTES ? left : MESH_FRAME_BYTES;
		if (memmap_take(m, len, &base))
			return false;
		machine.mesh[machine.nmesh] = (struct mem_range){ base, len, MEM_USABLE };
		left -= len;
	}
	return true;
}

unsigned boot_user_mesh_reserve(struct memmap *usable, unsigned ncores)
{
	uint64_t total = memmap_total(usable);
	struct memmap m;
	unsigned n;

	for (n = ncores; n >= 2; n--) {
		bool fits = mesh_bytes(n) + (uint64_t)n * MIN_SHARE_BYTES <= total;
		m = *usable;
		if (fits && mesh_take(&m, n))
			break;
		if (n == ncores && !fits)
			kprintf("mesh: %u cores need %llu KiB for their channels beside %llu KiB each; only %llu KiB is usable\n",
				n, (unsigned long long)(mesh_bytes(n) >> 10),
				(unsigned long long)(MIN_SHARE_BYTES >> 10),
				(unsigned long long)(total >> 10));
		else if (n == ncores)
			kprintf("mesh: usable memory is too broken up for the channels of %u cores (pieces of up to %llu KiB)\n",
				n, (unsigned long long)(MESH_FRAME_BYTES >> 10));
	}
	if (n < 2) {
		machine.nmesh = 0;
		n = 1;
	} else {
		*usable = m;
	}
	if (n < ncores)
		kprintf("mesh: starting %u of %u cores%s\n", n, ncores,
			n == 1 ? "; the monitor runs alone" : "");
	return n;
}

/* The mesh is no core's memory, so no kernel's direct map writes it
 * (kernel/memguard.h); the bootstrap core zeroes it once, before any
 * monitor maps it, a page at a time through the write window, as it
 * writes a frame that a process maps by capability. */
void boot_user_mesh_clear(void)
{
	for (unsigned i = 0; i < machine.nmesh; i++)
		for (uint64_t off = 0; off < machine.mesh[i].len; off += PAGE_SIZE) {
			memset(arch_write_window(machine.mesh[i].base + off), 0, PAGE_SIZE);
			arch_write_window_close();
		}
}

/* Everything the boot allocator has not handed out becomes RAM caps. */
static uint64_t give_ram(struct builder *b)
{
	struct mem_range r[SHARE_MAX_RANGES];
	unsigned n = pmem_take_rest(&b->c->pmem, r, SHARE_MAX_RANGES);
	uint64_t total = 0;

	for (unsigned i = 0; i < n; i++) {
		struct cap ram = { .type = CAP_RAM, .rights = CAP_RIGHTS_ALL,
				   .base = r[i].base, .size = r[i].len };
		cap_install_root(&b->ram[i], &ram);
		total += r[i].len;
	}
	return total;
}

void boot_user_start(void)
{
	struct builder b = { .c = this_core() };
	/* Not mapped with the kernel image: read it through the direct map. */
	const void *img = phys_to_virt(kernel_virt_to_phys(__bootimg_start));
	struct bootimg_file file;
	struct elf_image elf;
	err_t err;

	if ((err = bootimg_check(img, (uint64_t)(__bootimg_end - __bootimg_start))) ||
	    (err = bootimg_find(img, "monitor", &file)) ||
	    (err = elf_parse(file.data, file.size, USER_TOP, &elf)))
		panic("core %u: cannot load the monitor from the boot image: %s", b.c->id,
		      err_msg(err));

	struct cte *rootcn = build_cspace(&b);
	b.pml4 = boot_object(&b, &b.task[CADDR_L2(CPTR_VROOT)], CAP_PML4, PAGE_SIZE);
	for (unsigned i = 0; i < elf.nseg; i++)
		load_segment(&b, file.data, &elf.seg[i]);
	for (uint64_t va = USER_STACK_TOP - USER_STACK_PAGES * PAGE_SIZE; va < USER_STACK_TOP;
	     va += PAGE_SIZE)
		map_frame(&b, va, boot_object(&b, page_slot(&b), CAP_FRAME, PAGE_SIZE),
			  CAP_RIGHT_READ | CAP_RIGHT_WRITE);
	struct cte *disp = boot_object(&b, &b.task[CADDR_L2(CPTR_DISPATCHER)], CAP_DISPATCHER,
				       PAGE_SIZE);
	give_special_caps(&b);
	uint64_t ram = give_ram(&b);

	struct dcb *d = phys_to_virt(disp->cap.base);
	cap_copy(&d->cspace, rootcn);
	cap_copy(&d->vspace, b.pml4);
	memcpy(d->name, "monitor", 8);
	arch_regs_init_user(&d->regs, elf.entry, USER_STACK_TOP, b.c->id);
	d->state = DCB_RUNNABLE;
	sched_enqueue(d);
	if (b.c->id == 0)
		kprintf("core 0: monitor started (%u page objects; %llu KiB of RAM capabilities)\n",
			b.page_next, (unsigned long long)(ram >> 10));
}
