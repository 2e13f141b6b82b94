/*
 * Loading and starting a program in user space (see flotilla/spawn.h for
 * the slots it uses). The ELF comes from the boot image, which the parent
 * maps read-only into a window of its own address space; lib/elf.c
 * validates it. Each page of the child is a frame retyped into the child's
 * page CNode, mapped briefly into the parent's window to be filled, then
 * mapped into the child's tables. The parent keeps the originals of the
 * child's CNodes, dispatcher and PML4, so revoking and deleting those ends
 * the child and frees every object it was made of.
 */
#include <stdbool.h>
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include "lib/bootimg.h"
#include "lib/elf.h"

#define PAGE		4096ull
#define WIN_L4		200			/* the parent's window: PML4 entry 200 */
#define WIN_VA		((uint64_t)WIN_L4 << 39)
#define BOOTIMG_VA	(WIN_VA + (2ull << 20))	/* boot image, read-only */
#define PROC(i)		CADDR(PROC_CN, (i))
/* The parent's own window objects, at the top of PROC_CN. */
#define W_PDPT		PROC(250)
#define W_PDIR		PROC(251)
#define W_PT_FILL	PROC(252)		/* one page at WIN_VA, for filling */
#define W_PT_IMG	PROC(253)
#define W_BOOTIMG	PROC(254)
#define MAX_TABLES	32

static bool window_ready;
static uint64_t bootimg_len;
static bool idx_used[SPAWN_MAX];

static err_t window_init(void)
{
	struct cap_info img;
	err_t err;

	if (window_ready)
		return OK;
	if ((err = ram_retype(CPTR_TASKCN, CADDR_L2(T_PROCCN), CAP_CNODE, 256 * CTE_SIZE)) ||
	    (err = cnode_copy(CPTR_ROOTCN, PROC_CN, T_PROCCN)) ||
	    (err = ram_retype(T_PROCCN, 250, CAP_PDPT, 0)) ||
	    (err = ram_retype(T_PROCCN, 251, CAP_PDIR, 0)) ||
	    (err = ram_retype(T_PROCCN, 252, CAP_PTABLE, 0)) ||
	    (err = ram_retype(T_PROCCN, 253, CAP_PTABLE, 0)) ||
	    (err = vnode_map(CPTR_VROOT, WIN_L4, W_PDPT, 0)) ||
	    (err = vnode_map(W_PDPT, 0, W_PDIR, 0)) ||
	    (err = vnode_map(W_PDIR, 0, W_PT_FILL, 0)) ||
	    (err = vnode_map(W_PDIR, 1, W_PT_IMG, 0)) ||
	    (err = cnode_copy(T_PROCCN, 254, CPTR_BOOTIMG)) ||
	    (err = cap_identify(W_BOOTIMG, &img)))
		return err;
	if (img.size > (2ull << 20))
		return ERR_TOO_MANY;		/* more than one table of pages */
	if ((err = vnode_map(W_PT_IMG, 0, W_BOOTIMG, CAP_RIGHT_READ)))
		return err;
	bootimg_len = img.size;
	window_ready = true;
	return OK;
}

struct build {
	unsigned base;			/* the child's first slot in PROC_CN */
	unsigned page_next;		/* next free slot of its page CNode */
	struct { uint64_t prefix; int level; unsigned slot; } tables[MAX_TABLES];
	unsigned ntables;
};

static unsigned vindex(uint64_t va, int level)
{
	return (unsigned)(va >> (12 + 9 * level)) & 511;
}

/* A new object in the child's page CNode; its slot in *slot. */
static err_t page_object(struct build *b, unsigned type, unsigned *slot)
{
	if (b->page_next >= CNODE_L2_SLOTS)
		return ERR_TOO_MANY;
	*slot = b->page_next++;
	return ram_retype(PROC(b->base + 2), *slot, type, type == CAP_FRAME ? PAGE : 0);
}

/* The child's table at `level` covering va (caddr in *out), made on demand. */
static err_t table_for(struct build *b, uint64_t va, int level, capaddr_t *out)
{
	static const unsigned types[3] = { CAP_PTABLE, CAP_PDIR, CAP_PDPT };
	uint64_t prefix = va >> (12 + 9 * (level + 1));
	capaddr_t parent;
	unsigned slot;
	err_t err;

	if (level == 3) {
		*out = PROC(b->base + 4);
		return OK;
	}
	for (unsigned i = 0; i < b->ntables; i++) {
		if (b->tables[i].level == level && b->tables[i].prefix == prefix) {
			*out = CADDR(WORK_CN, b->tables[i].slot);
			return OK;
		}
	}
	if (b->ntables == MAX_TABLES)
		return ERR_TOO_MANY;
	if ((err = table_for(b, va, level + 1, &parent)) ||
	    (err = page_object(b, types[level], &slot)) ||
	    (err = vnode_map(parent, vindex(va, level + 1), CADDR(WORK_CN, slot), 0)))
		return err;
	b->tables[b->ntables].prefix = prefix;
	b->tables[b->ntables].level = level;
	b->tables[b->ntables++].slot = slot;
	*out = CADDR(WORK_CN, slot);
	return OK;
}

/* One page of the child at va: `len` bytes of `src` at offset `off` in it. */
static err_t child_page(struct build *b, uint64_t va, const void *src, uint64_t off,
			uint64_t len, unsigned rights)
{
	capaddr_t pt;
	unsigned slot;
	err_t err;

	if ((err = page_object(b, CAP_FRAME, &slot)))
		return err;
	capaddr_t frame = CADDR(WORK_CN, slot);
	if (len) {
		if ((err = vnode_map(W_PT_FILL, 0, frame, CAP_RIGHT_READ | CAP_RIGHT_WRITE)))
			return err;
		memcpy((char *)(uintptr_t)WIN_VA + off, src, len);
		if ((err = vnode_unmap(W_PT_FILL, frame)))
			return err;
	}
	if ((err = table_for(b, va, 0, &pt)))
		return err;
	return vnode_map(pt, vindex(va, 0), frame, rights);
}

static err_t load_segment(struct build *b, const char *file, const struct elf_segment *s)
{
	unsigned rights = CAP_RIGHT_READ | ((s->flags & ELF_W) ? CAP_RIGHT_WRITE : 0) |
			  ((s->flags & ELF_X) ? CAP_RIGHT_EXECUTE : 0);
	err_t err;

	for (uint64_t va = s->vaddr & ~(PAGE - 1); va < s->vaddr + s->memsz; va += PAGE) {
		uint64_t lo = va > s->vaddr ? va : s->vaddr;
		uint64_t hi = s->vaddr + s->filesz < va + PAGE ? s->vaddr + s->filesz : va + PAGE;
		uint64_t len = lo < hi ? hi - lo : 0;
		if ((err = child_page(b, va, file + s->offset + (lo - s->vaddr), lo - va, len,
				      rights)))
			return err;
	}
	return OK;
}

/* The child's CNodes, wired: its root holds its task and page CNodes. */
static err_t make_cspace(unsigned base)
{
	err_t err;

	if ((err = ram_retype(T_PROCCN, base + 0, CAP_CNODE, 64 * CTE_SIZE)) ||
	    (err = ram_retype(T_PROCCN, base + 1, CAP_CNODE, 256 * CTE_SIZE)) ||
	    (err = ram_retype(T_PROCCN, base + 2, CAP_CNODE, 256 * CTE_SIZE)) ||
	    (err = cnode_copy(PROC(base), TASK_CN, PROC(base + 1))) ||
	    (err = cnode_copy(PROC(base), PAGE_CN, PROC(base + 2))) ||
	    (err = cnode_copy(PROC(base + 1), CADDR_L2(CPTR_ROOTCN), PROC(base))) ||
	    (err = cnode_copy(PROC(base + 1), CADDR_L2(CPTR_TASKCN), PROC(base + 1))) ||
	    (err = cnode_copy(CPTR_ROOTCN, WORK_CN, PROC(base + 2))) ||
	    (err = cnode_copy(CPTR_ROOTCN, WORK2_CN, PROC(base + 1))))
		return err;
	return OK;
}

static err_t build(struct build *b, const struct bootimg_file *f, const char *name,
		   uint64_t arg)
{
	struct elf_image elf;
	unsigned base = b->base;
	err_t err;

	if ((err = elf_parse(f->data, f->size, USER_TOP, &elf)) || (err = make_cspace(base)) ||
	    (err = ram_retype(T_PROCCN, base + 4, CAP_PML4, 0)) ||
	    (err = cnode_copy(PROC(base + 1), CADDR_L2(CPTR_VROOT), PROC(base + 4))))
		return err;
	for (unsigned i = 0; i < elf.nseg; i++)
		if ((err = load_segment(b, f->data, &elf.seg[i])))
			return err;
	for (uint64_t va = USER_STACK_TOP - USER_STACK_PAGES * PAGE; va < USER_STACK_TOP; va += PAGE)
		if ((err = child_page(b, va, NULL, 0, 0, CAP_RIGHT_READ | CAP_RIGHT_WRITE)))
			return err;
	if ((err = ram_retype(T_PROCCN, base + 3, CAP_DISPATCHER, 0)) ||
	    (err = cnode_copy(PROC(base + 1), CADDR_L2(CPTR_DISPATCHER), PROC(base + 3))) ||
	    (err = disp_setup(PROC(base + 3), PROC(base), PROC(base + 4), elf.entry,
			      USER_STACK_TOP, arg)) ||
	    (err = disp_set_name(PROC(base + 3), name)))
		return err;
	return OK;
}

err_t spawn_program(const char *name, uint64_t arg, struct proc *out)
{
	const void *img = (const void *)(uintptr_t)BOOTIMG_VA;
	struct bootimg_file f;
	struct build b;
	err_t err;

	if ((err = window_init()) || (err = bootimg_check(img, bootimg_len)) ||
	    (err = bootimg_find(img, name, &f)))
		return err;
	memset(&b, 0, sizeof(b));
	for (out->idx = 0; out->idx < SPAWN_MAX && idx_used[out->idx]; out->idx++)
		;
	if (out->idx == SPAWN_MAX)
		return ERR_TOO_MANY;
	idx_used[out->idx] = true;
	out->disp = PROC(8 * out->idx + 3);
	b.base = 8 * out->idx;
	err = build(&b, &f, name, arg);
	cnode_delete(CPTR_ROOTCN, WORK_CN);
	cnode_delete(CPTR_ROOTCN, WORK2_CN);
	if (!err)
		err = disp_run(out->disp);
	if (err)
		proc_kill(out);
	return err;
}

err_t proc_status(const struct proc *p, uint64_t *status)
{
	struct sys_ret r = sys_invoke(p->disp, DISP_STATUS, 0, 0, 0, 0, 0);

	*status = r.value;
	return r.err;
}

err_t proc_kill(struct proc *p)
{
	unsigned base = 8 * p->idx;
	err_t first = OK;

	/* The dispatcher first, so it never runs without its address space.
	 * Revoke before delete: the copies inside the child's own CNodes
	 * refer to each other and would otherwise keep the objects alive. */
	static const unsigned order[5] = { 3, 0, 1, 2, 4 };
	for (unsigned i = 0; i < 5; i++) {
		cnode_revoke(T_PROCCN, base + order[i]);
		err_t err = cnode_delete(T_PROCCN, base + order[i]);
		if (err && err != ERR_CAP_EMPTY && !first)
			first = err;
	}
	if (p->idx < SPAWN_MAX)
		idx_used[p->idx] = false;
	return first;
}
