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
#include "lib/args.h"
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
#define W_PT_PAGES	PROC(249)		/* pages of the parent's own, at +4 MiB */
#define PAGES_VA	(WIN_VA + (4ull << 20))
#define W_PT_FRAME(i)	PROC(248 - (i))		/* frames of the parent's, from +6 MiB */
#define FRAME_VA	(WIN_VA + (6ull << 20))
#define DEVICE_VA	(WIN_VA + (16ull << 20))	/* window_map_device's, PDIR entries 8.. */
_Static_assert(3 + WINDOW_FRAMES_MAX <= 8, "window_map_frames' tables end below the device's");
_Static_assert(8 * SPAWN_MAX <= 248 - (WINDOW_FRAMES_MAX - 1), "children's slots end below the window's");
#define MAX_TABLES	32

static bool window_ready;
static uint64_t bootimg_len;
static bool idx_used[SPAWN_MAX];
static char idx_name[SPAWN_MAX][32];
static bool have_fault_ep;
static capaddr_t fault_ep;

void spawn_set_fault_ep(capaddr_t ep)
{
	fault_ep = ep;
	have_fault_ep = true;
}

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
	uint64_t pool_next, pool_size;	/* bump offset in its RAM pool (slot 6) */
	unsigned page_next;		/* next free slot of its page CNode */
	struct { uint64_t prefix; int level; unsigned slot; } tables[MAX_TABLES];
	unsigned ntables;
};

static unsigned vindex(uint64_t va, int level)
{
	return (unsigned)(va >> (12 + 9 * level)) & 511;
}

/* A new object for the child, from its pool, into `slot` of CNode `cn`. */
static err_t pool_retype(struct build *b, capaddr_t cn, unsigned slot, unsigned type,
			 uint64_t size)
{
	if (cap_type_size(type))
		size = cap_type_size(type);
	uint64_t len = (size + PAGE - 1) & ~(PAGE - 1);
	if (len > b->pool_size - b->pool_next)
		return ERR_NO_MEMORY;
	err_t err = cnode_retype(cn, slot, PROC(b->base + 6), type, 1, b->pool_next, size);
	if (!err)
		b->pool_next += len;
	return err;
}

/* A new object in the child's page CNode; its slot in *slot. */
static err_t page_object(struct build *b, unsigned type, unsigned *slot)
{
	if (b->page_next >= CNODE_L2_SLOTS)
		return ERR_TOO_MANY;
	*slot = b->page_next++;
	return pool_retype(b, PROC(b->base + 2), *slot, type, type == CAP_FRAME ? PAGE : 0);
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
static err_t make_cspace(struct build *b)
{
	unsigned base = b->base;
	err_t err;

	if ((err = pool_retype(b, T_PROCCN, base + 0, CAP_CNODE, 64 * CTE_SIZE)) ||
	    (err = pool_retype(b, T_PROCCN, base + 1, CAP_CNODE, 256 * CTE_SIZE)) ||
	    (err = pool_retype(b, T_PROCCN, base + 2, CAP_CNODE, 256 * CTE_SIZE)) ||
	    (err = cnode_copy(PROC(base), TASK_CN, PROC(base + 1))) ||
	    (err = cnode_copy(PROC(base), PAGE_CN, PROC(base + 2))) ||
	    (err = cnode_copy(PROC(base + 1), CADDR_L2(CPTR_ROOTCN), PROC(base))) ||
	    (err = cnode_copy(PROC(base + 1), CADDR_L2(CPTR_TASKCN), PROC(base + 1))) ||
	    (err = cnode_copy(CPTR_ROOTCN, WORK_CN, PROC(base + 2))) ||
	    (err = cnode_copy(CPTR_ROOTCN, WORK2_CN, PROC(base + 1))))
		return err;
	return OK;
}

/* Where the child's faults go: a copy of the endpoint, minted with the
 * badge that names the child, kept in its slot 5 and given to its
 * dispatcher. Capabilities to give go to its task CNode from slot 16. */
static err_t equip(unsigned base, unsigned idx, const struct spawn_opts *o)
{
	capaddr_t ep = o && o->exc_ep_set ? o->exc_ep : fault_ep;
	uint64_t badge = o && o->exc_ep_set ? o->exc_badge : SPAWN_BADGE(idx);
	err_t err;

	for (unsigned i = 0; o && i < o->ngive; i++)
		if (o->give[i] != SPAWN_GIVE_NONE && (err = cnode_copy(PROC(base + 1), CADDR_L2(CPTR_TASK_FIRST_FREE) + i,
				      o->give[i])))
			return err;
	if (!(o && o->exc_ep_set) && !have_fault_ep)
		return OK;
	if ((err = cnode_mint(T_PROCCN, base + 5, ep, CAP_RIGHT_WRITE, badge)))
		return err;
	return disp_set_exc_ep(PROC(base + 3), PROC(base + 5),
			       o && o->notify_exit ? DISP_EXC_EXIT : 0);
}

/* Pages for a range: its pages, and at most one table per 2 MiB it spans
 * plus a page directory and a PDPT. */
static uint64_t range_pages(uint64_t start, uint64_t end)
{
	uint64_t pages = ((end + PAGE - 1) >> 12) - (start >> 12);
	return pages + (((end - 1) >> 21) - (start >> 21) + 1) + 2;
}

/* What the child will be made of: CNodes (64 + 2 x 256 slots), PML4,
 * dispatcher, segments, stack, tables. An upper bound: the pool is given
 * back whole. */
static uint64_t pool_bytes(const struct elf_image *elf)
{
	uint64_t pages = 9 + 2 + range_pages(USER_STACK_TOP - USER_STACK_PAGES * PAGE,
					     USER_STACK_TOP);

	for (unsigned i = 0; i < elf->nseg; i++)
		pages += range_pages(elf->seg[i].vaddr, elf->seg[i].vaddr + elf->seg[i].memsz);
	return pages * PAGE;
}

_Static_assert(ARGS_VA == USER_STACK_TOP - ARGS_SIZE, "argv block at the top of the stack");

/* The child's own RAM: a RAM CNode at its RAM_CN holding, in slot 0, a
 * RAM capability carved from the end of its pool. */
static err_t give_ram(struct build *b, uint64_t bytes)
{
	unsigned base = b->base;
	err_t err;

	if ((err = pool_retype(b, T_PROCCN, base + 7, CAP_CNODE, CNODE_MIN_SLOTS * CTE_SIZE)) ||
	    (err = cnode_copy(PROC(base), RAM_CN, PROC(base + 7))))
		return err;
	return pool_retype(b, PROC(base + 7), 0, CAP_RAM, bytes);
}

static err_t build(struct build *b, const struct bootimg_file *f, const char *name,
		   uint64_t arg, const struct spawn_opts *o, const void *args)
{
	uint64_t ram = o ? (o->ram + PAGE - 1) & ~(PAGE - 1) : 0;
	struct elf_image elf;
	unsigned base = b->base;
	err_t err;

	if (o && o->ram > USER_TOP)
		return ERR_NO_MEMORY;		/* more than any machine: no wrapping */
	if ((err = elf_parse(f->data, f->size, USER_TOP, &elf)))
		return err;
	b->pool_size = pool_bytes(&elf) + (ram ? PAGE + ram : 0);
	if ((err = ram_retype(T_PROCCN, base + 6, CAP_RAM, b->pool_size)) ||
	    (err = make_cspace(b)) ||
	    (err = pool_retype(b, T_PROCCN, base + 4, CAP_PML4, 0)) ||
	    (err = cnode_copy(PROC(base + 1), CADDR_L2(CPTR_VROOT), PROC(base + 4))))
		return err;
	for (unsigned i = 0; i < elf.nseg; i++)
		if ((err = load_segment(b, f->data, &elf.seg[i])))
			return err;
	for (uint64_t va = USER_STACK_TOP - USER_STACK_PAGES * PAGE; va < USER_STACK_TOP; va += PAGE) {
		bool top = va == USER_STACK_TOP - PAGE;	/* holds the argv block */
		if ((err = child_page(b, va, top ? args : NULL, PAGE - ARGS_SIZE,
				      top ? ARGS_SIZE : 0, CAP_RIGHT_READ | CAP_RIGHT_WRITE)))
			return err;
	}
	if (ram && (err = give_ram(b, ram)))
		return err;
	if (o && o->give_bootimg &&
	    (err = cnode_copy(PROC(base + 1), CADDR_L2(CPTR_BOOTIMG), CPTR_BOOTIMG)))
		return err;
	/* The way to its monitor, passed down (none while the monitor has none). */
	err = cnode_copy(PROC(base + 1), CADDR_L2(CPTR_MONITOR),
			 o && o->monitor_ep ? o->monitor_ep : CPTR_MONITOR);
	if (err && err != ERR_CAP_EMPTY)
		return err;
	if ((err = pool_retype(b, T_PROCCN, base + 3, CAP_DISPATCHER, 0)) ||
	    (err = cnode_copy(PROC(base + 1), CADDR_L2(CPTR_DISPATCHER), PROC(base + 3))) ||
	    (err = disp_setup(PROC(base + 3), PROC(base), PROC(base + 4), elf.entry,
			      ARGS_VA, arg)) ||
	    (err = disp_set_name(PROC(base + 3), name)))
		return err;
	return OK;
}

/* The window's page table: which of its 512 entries hold a mapping. */
static uint64_t window_used[512 / 64];

static bool entry_used(unsigned e)
{
	return window_used[e / 64] >> (e % 64) & 1;
}

static void entries_mark(unsigned first, unsigned n, bool used)
{
	for (unsigned e = first; e < first + n; e++)
		if (used)
			window_used[e / 64] |= 1ull << (e % 64);
		else
			window_used[e / 64] &= ~(1ull << (e % 64));
}

err_t window_map(capaddr_t frame, unsigned pages, unsigned rights, void **va)
{
	static bool table;
	unsigned first, run = 0;
	err_t err;

	if ((err = window_init()))
		return err;
	if (!table) {
		if ((err = ram_retype(T_PROCCN, 249, CAP_PTABLE, 0)) ||
		    (err = vnode_map(W_PDIR, 2, W_PT_PAGES, 0)))
			return err;
		table = true;
	}
	if (!pages || pages > 512)
		return ERR_TOO_MANY;
	/* First fit: `pages` free entries in a row. */
	for (first = 0; first + run < 512 && run < pages; )
		if (entry_used(first + run)) {
			first += run + 1;
			run = 0;
		} else {
			run++;
		}
	if (run < pages)
		return ERR_TOO_MANY;
	if ((err = vnode_map(W_PT_PAGES, first, frame, rights)))
		return err;
	entries_mark(first, pages, true);
	*va = (void *)(uintptr_t)(PAGES_VA + PAGE * first);
	return OK;
}

err_t window_unmap(capaddr_t frame, void *va, unsigned pages)
{
	uintptr_t a = (uintptr_t)va;
	unsigned first = (unsigned)((a - PAGES_VA) / PAGE);
	err_t err;

	if (a < PAGES_VA || a % PAGE || first >= 512 || !pages || pages > 512 - first)
		return ERR_INVALID_ARG;
	for (unsigned e = first; e < first + pages; e++)
		if (!entry_used(e))
			return ERR_INVALID_ARG;
	/* A frame already deleted took its mapping with it. */
	err = vnode_unmap(W_PT_PAGES, frame);
	if (err && err != ERR_CAP_EMPTY)
		return err;
	entries_mark(first, pages, false);
	return OK;
}

err_t window_map_page(capaddr_t frame, void **va)
{
	/* A frame of several pages takes as many entries (vnode_map maps it
	 * whole); a read-only one is mapped read-only. */
	struct cap_info ci;
	err_t err = cap_identify(frame, &ci);

	if (err)
		return err;
	return window_map(frame, (unsigned)((ci.size + PAGE - 1) / PAGE),
			  ci.rights & (CAP_RIGHT_READ | CAP_RIGHT_WRITE), va);
}

/* Frame i read-write in a page table of its own, made in slot tables[i]
 * of CNode `cn` and put at the window's PDIR entry `entry` + i: the
 * frames 2 MiB apart, one after another. */
static err_t map_in_tables(capaddr_t cn, const capaddr_t *tables, const capaddr_t *frames,
			   unsigned n, unsigned entry)
{
	err_t err;

	for (unsigned i = 0; i < n; i++)
		if ((err = ram_retype(cn, CADDR_L2(tables[i]), CAP_PTABLE, 0)) ||
		    (err = vnode_map(W_PDIR, entry + i, tables[i], 0)) ||
		    (err = vnode_map(tables[i], 0, frames[i], CAP_RIGHT_READ | CAP_RIGHT_WRITE)))
			return err;
	return OK;
}

err_t window_map_frames(const capaddr_t *frames, unsigned n, void **va)
{
	static bool used;
	capaddr_t tables[WINDOW_FRAMES_MAX];
	err_t err;

	if (used || n > WINDOW_FRAMES_MAX)
		return ERR_TOO_MANY;
	if ((err = window_init()))
		return err;
	for (unsigned i = 0; i < n; i++)
		tables[i] = W_PT_FRAME(i);
	if ((err = map_in_tables(T_PROCCN, tables, frames, n, 3)))
		return err;
	used = true;
	*va = (void *)(uintptr_t)FRAME_VA;
	return OK;
}

err_t window_map_device(const capaddr_t *frames, const capaddr_t *tables, unsigned n, void **va)
{
	static bool used;
	err_t err;

	if (used || !n || n > WINDOW_DEVICE_MAX)
		return ERR_TOO_MANY;
	if ((err = window_init()))
		return err;
	/* In the caller's tables, after window_map_frames' four entries. */
	if ((err = map_in_tables(CPTR_TASKCN, tables, frames, n, 8)))
		return err;
	used = true;
	*va = (void *)(uintptr_t)DEVICE_VA;
	return OK;
}

bool spawn_has_program(const char *name)
{
	const void *img = (const void *)(uintptr_t)BOOTIMG_VA;
	struct bootimg_file f;

	return window_init() == OK && bootimg_check(img, bootimg_len) == OK &&
	       bootimg_find(img, name, &f) == OK;
}

err_t spawn_program(const char *name, uint64_t arg, struct proc *out)
{
	return spawn_program_opts(name, arg, NULL, out);
}

err_t spawn_program_opts(const char *name, uint64_t arg, const struct spawn_opts *o,
			 struct proc *out)
{
	const void *img = (const void *)(uintptr_t)BOOTIMG_VA;
	const char *just_name[1] = { name };
	struct bootimg_file f;
	static uint8_t args[ARGS_SIZE];
	struct build b;
	err_t err;

	if (o && o->ngive > SPAWN_GIVE_MAX)
		return ERR_TOO_MANY;
	if ((err = o && o->argc ? args_pack(args, o->argc, o->argv) :
				  args_pack(args, 1, just_name)))
		return err;
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
	err = build(&b, &f, name, arg, o, args);
	if (!err)
		err = equip(b.base, out->idx, o);
	cnode_delete(CPTR_ROOTCN, WORK_CN);
	cnode_delete(CPTR_ROOTCN, WORK2_CN);
	if (!err)
		err = disp_run(out->disp);
	if (err) {
		proc_kill(out);
		return err;
	}
	size_t n = strlen(name) < sizeof(idx_name[0]) - 1 ? strlen(name) : sizeof(idx_name[0]) - 1;
	memcpy(idx_name[out->idx], name, n);
	idx_name[out->idx][n] = '\0';
	return OK;
}

bool proc_at(unsigned idx, struct proc *out, const char **name)
{
	if (idx >= SPAWN_MAX || !idx_used[idx])
		return false;
	out->idx = idx;
	out->disp = PROC(8 * idx + 3);
	*name = idx_name[idx];
	return true;
}

bool proc_from_badge(uint64_t badge, struct proc *out, const char **name)
{
	return badge >= SPAWN_BADGE(0) && badge < SPAWN_BADGE(SPAWN_MAX) &&
	       proc_at((unsigned)(badge - SPAWN_BADGE(0)), out, name);
}

err_t proc_status(const struct proc *p, uint64_t *status)
{
	struct sys_ret r = sys_invoke(p->disp, DISP_STATUS, 0, 0, 0, 0, 0);

	*status = r.value;
	return r.err;
}

int wait_stopped(const struct proc *p, err_t *err)
{
	uint64_t st = 0;

	for (;;) {
		*err = proc_status(p, &st);
		if (*err || (st & 0xFFFFFFFF) == DISP_STATE_STOPPED)
			return (int)(st >> 32);
		sys_yield();
	}
}

/* Before a process is destroyed: a monitor overrides this to stop its
 * spans on other cores (usr/monitor/span.c); an error keeps the process. */
__attribute__((weak)) err_t proc_ending(const struct proc *p)
{
	(void)p;
	return OK;
}

err_t proc_kill(struct proc *p)
{
	unsigned base = 8 * p->idx;
	err_t first = proc_ending(p);

	if (first)
		return first;
	/* The dispatcher first, so it never runs without its address space.
	 * Revoke before delete: the copies inside the child's own CNodes
	 * refer to each other and would otherwise keep the objects alive. */
	static const unsigned order[8] = { 3, 0, 1, 2, 4, 5, 7, 6 };
	struct cap_info pool;
	bool have_pool = cap_identify(PROC(base + 6), &pool) == OK;
	for (unsigned i = 0; i < 8; i++) {
		cnode_revoke(T_PROCCN, base + order[i]);
		err_t err = cnode_delete(T_PROCCN, base + order[i]);
		if (err && err != ERR_CAP_EMPTY && !first)
			first = err;
	}
	/* Every object of the child came from its pool, all destroyed now. */
	if (have_pool && !first)
		ram_release(pool.base);
	if (p->idx < SPAWN_MAX) {
		idx_used[p->idx] = false;
		idx_name[p->idx][0] = '\0';
	}
	return first;
}
