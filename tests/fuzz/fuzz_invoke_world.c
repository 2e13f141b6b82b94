/*
 * The world each input of the invocation fuzzer starts from (fuzz_invoke.h):
 * core 1 booted by kernel/core.c's core_init(), and its monitor built the
 * way kernel/boot_user.c builds it, with the kernel's own functions:
 *
 *   root CNode  slot 0 (TASK_CN)  the task CNode: CPTR_ROOTCN, CPTR_TASKCN,
 *                                 CPTR_VROOT, CPTR_DISPATCHER,
 *                                 CPTR_BOOTIMG, CPTR_MESH, CPTR_IOPORT_COM1
 *               slot 1 (RAM_CN)   the rest of the share as RAM
 *               slot 2 (PAGE_CN)  page tables and frames
 *               slot 4 (AUTH_CN)  one capability of each authority type
 *
 * Differences, each so that the fuzzer reaches more of the kernel: the
 * monitor here already maps the channel mesh (core 0's memory, so the
 * kernel writes it through the write window) and the boot image, as a
 * monitor does early on, and it holds COM1's ports although it does not
 * run on core 0. Its code is two pages, its buffer four, its stack the
 * usual USER_STACK_PAGES; boot_user.c loads an ELF file instead, which
 * would change nothing here. Core 0's share also holds what a process
 * spanned from core 0 would have there: a PDPT, a PDIR, a PTABLE and two
 * frames, so EXPORT_VROOT_SET has a real replica to point at.
 */
#include "lib/string.h"
#include "lib/token.h"
#include "kernel/arch.h"
#include "kernel/core.h"
#include "kernel/dispatch.h"
#include "kernel/machine.h"
#include "kernel/vspace.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/paging.h"
#include "fuzz_invoke.h"

#define ROOT_SLOTS	64
#define MAX_TABLES	12

static struct builder {
	struct core *c;
	struct cte *task, *ram, *page, *auth;	/* the level-2 CNodes' slots */
	unsigned page_next;
	struct cte *pml4;
	struct { uint64_t prefix; int level; struct cte *cte; } tables[MAX_TABLES];
	unsigned ntables;
} b;

static uint64_t pages_of(uint64_t bytes)
{
	return (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
}

/* As boot_user.c: a new object from the boot allocator, a root in `slot`. */
static struct cte *boot_object(struct cte *slot, unsigned type, uint64_t size)
{
	uint64_t pa = pmem_alloc_contig(&b.c->pmem, (unsigned)pages_of(size));
	struct cap cap = { .type = (uint8_t)type, .rights = CAP_RIGHTS_ALL, .base = pa, .size = size };

	FI_CHECK(pa, "the world does not fit in the share");
	if (type == CAP_CNODE)
		cap.aux = (uint32_t)__builtin_ctzll(size / CTE_SIZE);
	cap_install_root(slot, &cap);
	cap_hook_created(slot);
	return slot;
}

static struct cte *page_slot(void)
{
	FI_CHECK(b.page_next < CNODE_L2_SLOTS, "too many page objects");
	return &b.page[b.page_next++];
}

static unsigned vindex(uint64_t va, int level)
{
	return (unsigned)(va >> (12 + 9 * level)) & 511;
}

static struct cte *table_for(uint64_t va, int level)
{
	static const unsigned types[3] = { CAP_PTABLE, CAP_PDIR, CAP_PDPT };
	uint64_t prefix = va >> (12 + 9 * (level + 1));

	if (level == 3)
		return b.pml4;
	for (unsigned i = 0; i < b.ntables; i++)
		if (b.tables[i].level == level && b.tables[i].prefix == prefix)
			return b.tables[i].cte;
	FI_CHECK(b.ntables < MAX_TABLES, "too many tables");
	struct cte *parent = table_for(va, level + 1);
	struct cte *t = boot_object(page_slot(), types[level], PAGE_SIZE);
	FI_CHECK(vnode_map(parent, vindex(va, level + 1), t, 0) == OK, "mapping a table");
	b.tables[b.ntables++] = (typeof(b.tables[0])){ prefix, level, t };
	return t;
}

static void map_frame(uint64_t va, struct cte *frame, unsigned rights)
{
	FI_CHECK(vnode_map(table_for(va, 0), vindex(va, 0), frame, rights) == OK,
	      "mapping a frame at 0x%llx", (unsigned long long)va);
}

static void map_new(uint64_t va, unsigned pages, unsigned rights)
{
	for (unsigned i = 0; i < pages; i++)
		map_frame(va + i * PAGE_SIZE, boot_object(page_slot(), CAP_FRAME, PAGE_SIZE), rights);
}

/* As paging_init_core(): this core's own PML4, whose kernel half every
 * user PML4 copies (arch_vspace_init). Kernel entries, never user ones. */
static void kernel_tables(struct core *c)
{
	uint64_t pa = pmem_alloc(&c->pmem);
	uint64_t *e = phys_to_virt(pa);

	FI_CHECK(pa, "no room for the kernel's PML4");
	for (unsigned i = 256; i < 512; i++)
		e[i] = (uint64_t)(i - 255) * PAGE_SIZE | PTE_P | PTE_W;
	c->pml4_pa = pa;
	c->arch.pte_nx = PTE_NX;
	write_cr3(pa);
}

/* Core 0's half of a process spanned from core 0 (docs/span.md). */
static void remote_process(void)
{
	uint64_t *pdpt = sim_ptr(REMOTE_PDPT_PA), *pdir = sim_ptr(REMOTE_PDPT_PA + PAGE_SIZE);
	uint64_t *pt = sim_ptr(REMOTE_PDPT_PA + 2 * PAGE_SIZE);

	pdpt[0] = (REMOTE_PDPT_PA + PAGE_SIZE) | PTE_P | PTE_W | PTE_U;
	pdir[0] = (REMOTE_PDPT_PA + 2 * PAGE_SIZE) | PTE_P | PTE_W | PTE_U;
	for (unsigned i = 0; i < 2; i++)
		pt[i] = (REMOTE_PDPT_PA + (3 + i) * PAGE_SIZE) | PTE_P | PTE_W | PTE_U | PTE_NX;
}

static void special_caps(void)
{
	struct cap img = { .type = CAP_FRAME, .rights = CAP_RIGHT_READ, .base = BOOTIMG_PA,
			   .size = BOOTIMG_BYTES };
	struct cap mesh = { .type = CAP_FRAME, .rights = CAP_RIGHT_READ | CAP_RIGHT_WRITE,
			    .base = machine.mesh[0].base, .size = machine.mesh[0].len };
	struct cap com1 = { .type = CAP_IOPORT, .rights = CAP_RIGHT_READ | CAP_RIGHT_WRITE,
			    .base = 0x3F8, .size = 8 };

	memcpy(sim_ptr(BOOTIMG_PA), "FLOTILLA boot image", 20);
	cap_install_root(&b.task[CADDR_L2(CPTR_BOOTIMG)], &img);
	for (unsigned i = 0; i < AUTH_COUNT; i++) {	/* in CPTR_* order, as boot_user.c */
		static const uint8_t type[AUTH_COUNT] = {
			CAP_POWER, CAP_INFO, CAP_DOORBELL, CAP_EXPORT, CAP_SPAN, CAP_CONSOLE,
		};
		struct cap a = { .type = type[i], .rights = CAP_RIGHTS_ALL };
		cap_install_root(&b.auth[i], &a);
	}
	cap_install_root(&b.task[CADDR_L2(CPTR_MESH(0))], &mesh);
	cap_install_root(&b.task[CADDR_L2(CPTR_IOPORT_COM1)], &com1);
	map_frame(UVA_MESH, &b.task[CADDR_L2(CPTR_MESH(0))], CAP_RIGHT_READ | CAP_RIGHT_WRITE);
	map_frame(UVA_BOOTIMG, &b.task[CADDR_L2(CPTR_BOOTIMG)], CAP_RIGHT_READ);
}

static struct cte *build_cspace(void)
{
	struct cte tmp = { 0 };
	struct cte *root = boot_object(&tmp, CAP_CNODE, ROOT_SLOTS * CTE_SIZE);
	struct cte *root_slots = cnode_slots(&root->cap);
	struct cte *task = boot_object(&root_slots[TASK_CN], CAP_CNODE, CNODE_L2_SLOTS * CTE_SIZE);

	b.task = cnode_slots(&task->cap);
	FI_CHECK(cap_move(&b.task[CADDR_L2(CPTR_ROOTCN)], root) == OK, "moving the root CNode");
	FI_CHECK(cap_copy(&b.task[CADDR_L2(CPTR_TASKCN)], task) == OK, "copying the task CNode");
	b.ram = cnode_slots(&boot_object(&root_slots[RAM_CN], CAP_CNODE,
					 CNODE_L2_SLOTS * CTE_SIZE)->cap);
	b.page = cnode_slots(&boot_object(&root_slots[PAGE_CN], CAP_CNODE,
					  CNODE_L2_SLOTS * CTE_SIZE)->cap);
	b.auth = cnode_slots(&boot_object(&root_slots[AUTH_CN], CAP_CNODE,
					  AUTH_SLOTS * CTE_SIZE)->cap);
	return &b.task[CADDR_L2(CPTR_ROOTCN)];
}

static uint64_t give_ram(void)
{
	struct mem_range r[SHARE_MAX_RANGES];
	unsigned n = pmem_take_rest(&b.c->pmem, r, SHARE_MAX_RANGES);

	FI_CHECK(n >= 1, "no RAM left for the monitor");
	for (unsigned i = 0; i < n; i++) {
		struct cap ram = { .type = CAP_RAM, .rights = CAP_RIGHTS_ALL,
				   .base = r[i].base, .size = r[i].len };
		cap_install_root(&b.ram[i], &ram);
	}
	return r[0].base;
}

static void start(void *arg)
{
	(void)arg;
	sched_run();
}

void world_boot(void)
{
	memset(&b, 0, sizeof(b));
	b.c = core_init(ME);
	kernel_tables(b.c);
	remote_process();

	struct cte *rootcn = build_cspace();
	b.pml4 = boot_object(&b.task[CADDR_L2(CPTR_VROOT)], CAP_PML4, PAGE_SIZE);
	map_new(UVA_CODE, 2, CAP_RIGHT_READ | CAP_RIGHT_EXECUTE);
	map_new(UVA_BUF, 4, CAP_RIGHT_READ | CAP_RIGHT_WRITE);
	map_new(UVA_STACK, USER_STACK_PAGES, CAP_RIGHT_READ | CAP_RIGHT_WRITE);
	struct cte *disp = boot_object(&b.task[CADDR_L2(CPTR_DISPATCHER)], CAP_DISPATCHER,
				       PAGE_SIZE);
	special_caps();
	check_boot_done(give_ram());

	struct dcb *d = phys_to_virt(disp->cap.base);
	FI_CHECK(cap_copy(&d->cspace, rootcn) == OK && cap_copy(&d->vspace, b.pml4) == OK,
	      "the monitor's dispatcher");
	memcpy(d->name, "monitor", 8);
	arch_regs_init_user(&d->regs, UVA_CODE, USER_STACK_TOP, ME);
	d->state = DCB_RUNNABLE;
	sched_enqueue(d);
	FI_CHECK(sim_enter(start, NULL) == LEFT_RESUMED && b.c->current == d,
	      "the monitor does not run");
}

struct core *world_core(void)
{
	return b.c;
}

struct frame_token world_token(unsigned owner, unsigned dest, uint64_t base,
			       uint64_t size, unsigned rights, uint64_t seq, unsigned kind)
{
	struct frame_token t = { .owner = owner, .dest = dest, .base = base, .size = size,
				 .rights = rights, .kind = kind, .seq = seq };

	t.mac = token_mac(&t, &machine.token_key);
	return t;
}
