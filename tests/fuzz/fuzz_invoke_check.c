/*
 * The invariants of the invocation fuzzer (fuzz_invoke.h) about what the
 * kernel on core 1 holds, checked after every operation:
 *
 *  - Objects. The hooks of lib/cap.c pass through here first: every
 *    object retyped lies in this core's share, zeroed, overlapping no live
 *    object and nothing the kernel allocated for itself at boot; it dies
 *    exactly when its last capability goes (a capability naming a dead
 *    object, or a live object that no capability names, is a failure); a
 *    CNode dies empty. Foreign memory (the mesh, the boot image, imported
 *    frames) is only ever a Frame, and never this core's.
 *  - The capability tree, over every slot of every live CNode, of every
 *    live dispatcher and of the core's doorbells (the same invariants as
 *    tests/fuzz/fuzz_cap_check.c, which is tied to its own world): links
 *    consistent and between such slots only, no cycles, copies name their
 *    parent's object with no more rights, retyped objects lie inside
 *    their RAM and do not overlap, copies of one object are adjacent.
 *  - Page tables: every entry of every live table is empty or made by a
 *    capability whose mapping record names it and points where the entry
 *    points, with no more rights than it has (write, execute); a table
 *    entry names a live table of the next level (or, in a PML4, core 0's
 *    replica PDPT); every PML4's kernel half is the core's own. A
 *    translation the TLB may hold is never removed or weakened without a
 *    flush before the dispatcher runs again.
 * What runs and waits is checked by fuzz_invoke_state.c, with the objects
 * and slots found here.
 */
#include <stdlib.h>
#include <string.h>
#include "lib/cap.h"
#include "kernel/arch.h"
#include "kernel/core.h"
#include "kernel/dispatch.h"
#include "kernel/machine.h"
#include "kernel/vspace.h"
#include "kernel/arch/x86_64/paging.h"
#include "fuzz_invoke.h"
#include "cap_siblings.h"

/* kernel/invoke.c's hooks, renamed by fuzz_invoke_hooks.c. */
void kernel_cap_hook_delete(struct cte *c, bool last);
void kernel_cap_hook_created(struct cte *c);

#define KERNEL_OWNED	0xFFFFFFFFu
#define MAX_SLOTS	(OWN_UNITS + 64)
#define MAX_MAPS	4096
#define MAX_TLB		4096

struct obj {
	uint64_t size;
	uint32_t seen;		/* == epoch: named by a slot in this scan */
	uint32_t at;		/* index in live[] */
	uint8_t type;
	bool live;
};

/* Objects by the 64-byte unit of their base (live ones never overlap). */
static struct obj objs[OWN_UNITS];
static uint32_t owner[OWN_UNITS];	/* base unit + 1, KERNEL_OWNED, or 0 */
static uint32_t live[OWN_UNITS];	/* base units of the live objects */
static unsigned nlive;

/* The slots of one scan: which pointer each unit holds, in this scan. */
static struct cte *slots[MAX_SLOTS];
static unsigned nslots;
static const struct cte *slot_at[OWN_UNITS];
static uint32_t slot_stamp[OWN_UNITS], stamp, epoch;

/* Mapping records of one scan. */
struct maprec {
	uint64_t table, base;
	unsigned first, n;
	const struct cap *cap;
};
static struct maprec maps[MAX_MAPS];
static unsigned nmaps;
static bool maps_overflow;

/* What the TLB may hold since the last flush. */
static struct { uint64_t va, pte; } tlb[MAX_TLB];
static unsigned ntlb;
static bool tlb_overflow;
static uint64_t tlb_flushes, tlb_root;

CHECKER static bool empty(const struct cte *c)
{
	return c->cap.type == CAP_NULL;
}

CHECKER static uint64_t pa_of(const void *p)
{
	return (uint64_t)((uintptr_t)p - fuzz_physmap);
}

CHECKER static uint32_t unit(uint64_t pa)
{
	return (uint32_t)((pa - OWN_BASE) / 64);
}

/* The live object of `type` at exactly `pa`, or NULL. */
CHECKER static struct obj *obj_at(uint64_t pa, unsigned type)
{
	if (!in_own(pa, 1) || pa % 64)
		return NULL;
	struct obj *o = &objs[unit(pa)];
	return o->live && o->type == type ? o : NULL;
}

CHECKER bool check_live(unsigned type, uint64_t pa)
{
	return obj_at(pa, type) != NULL;
}

/* ---- What the hooks learn ---- */

CHECKER static bool has_memory(unsigned type)
{
	return (cap_type_flags(type) & CT_RETYPE) && type != CAP_RAM;
}

CHECKER static bool zero_bytes(const void *p, uint64_t n)
{
	const uint64_t *w = p;

	for (uint64_t i = 0; i < n / 8; i++)
		if (w[i])
			return false;
	return true;
}

CHECKER static void on_created(struct cte *c)
{
	const struct cap *k = &c->cap;

	FI_CHECK(k->rights == CAP_RIGHTS_ALL && k->flags == 0 && k->word == 0,
	      "a new capability with rights 0x%x, flags 0x%x, word 0x%llx", k->rights, k->flags,
	      (unsigned long long)k->word);
	FI_CHECK(in_own(k->base, k->size) && k->size && k->base % 64 == 0,
	      "a %s made at 0x%llx (+0x%llx), not in this core's share", cap_type_name(k->type),
	      (unsigned long long)k->base, (unsigned long long)k->size);
	if (k->type == CAP_RAM)
		return;		/* RAM is not an object; its bytes are zeroed when typed */
	FI_CHECK(has_memory(k->type), "made a %s", cap_type_name(k->type));
	const uint8_t *p = phys_to_virt(k->base);
	FI_CHECK(k->size <= 16384 ? zero_bytes(p, k->size) :
	      zero_bytes(p, 8192) && zero_bytes(p + k->size - 8192, 8192),
	      "a new %s at 0x%llx is not zeroed", cap_type_name(k->type), (unsigned long long)k->base);
	uint32_t b = unit(k->base);
	for (uint32_t u = b; u < b + k->size / 64; u++) {
		FI_CHECK(owner[u] != KERNEL_OWNED, "a %s at 0x%llx covers the kernel's own memory",
		      cap_type_name(k->type), (unsigned long long)k->base);
		FI_CHECK(!owner[u], "a %s at 0x%llx overlaps a live %s", cap_type_name(k->type),
		      (unsigned long long)k->base, cap_type_name(objs[owner[u] - 1].type));
		owner[u] = b + 1;
	}
	objs[b] = (struct obj){ .size = k->size, .at = nlive, .type = k->type, .live = true };
	live[nlive++] = b;
}

CHECKER static void on_delete(struct cte *c, bool last)
{
	const struct cap *k = &c->cap;

	FI_CHECK(!empty(c) && k->type < CAP_TYPE_COUNT, "deleting an empty or bad slot");
	FI_CHECK(!(k->flags & ~(CAPF_ZOMBIE | CAPF_REMOTE | CAPF_IMPORT)), "flags 0x%x", k->flags);
	if (k->type == CAP_RAM) {
		/* Imported RAM has copies (only its owner retypes it). */
		FI_CHECK(last || (k->flags & CAPF_IMPORT),
			 "a RAM capability that is not its RAM's only one");
		return;
	}
	if (!has_memory(k->type) || !in_own(k->base, k->size))
		return;		/* no object here: kernel, I/O ports, foreign frames */
	struct obj *o = obj_at(k->base, k->type);
	FI_CHECK(o && o->size == k->size, "deleting a %s at 0x%llx that names no live object",
	      cap_type_name(k->type), (unsigned long long)k->base);
	if (!last)
		return;
	if (k->type == CAP_CNODE) {
		const struct cte *s = cnode_slots(k);
		for (uint32_t i = 0; i < cnode_nslots(k); i++)
			FI_CHECK(empty(&s[i]) || (s[i].cap.flags & CAPF_ZOMBIE),
			      "a CNode destroyed with its slot %u full", i);
	}
	uint32_t b = unit(k->base);
	for (uint32_t u = b; u < b + k->size / 64; u++)
		owner[u] = 0;
	o->live = false;
	live[o->at] = live[--nlive];
	objs[live[o->at]].at = o->at;
}

/* lib/cap.c's hooks: the checker first, then the kernel's. */
CHECKER void cap_hook_created(struct cte *c)
{
	on_created(c);
	kernel_cap_hook_created(c);
}

CHECKER void cap_hook_delete(struct cte *c, bool last)
{
	on_delete(c, last);
	kernel_cap_hook_delete(c, last);
}

CHECKER void check_reset(void)
{
	memset(objs, 0, sizeof(objs));
	memset(owner, 0, sizeof(owner));
	nlive = 0;
	ntlb = 0;
	tlb_overflow = false;
	tlb_flushes = tlb_root = 0;
	state_reset();
}

CHECKER void check_boot_done(uint64_t ram_base)
{
	for (uint32_t u = 0; u < unit(ram_base); u++)
		if (!owner[u])
			owner[u] = KERNEL_OWNED;
}

/* ---- The slots ---- */

CHECKER static void add_slot(struct cte *s)
{
	uint64_t pa = pa_of(s);

	FI_CHECK(in_own(pa, sizeof(*s)) && nslots < MAX_SLOTS, "a slot at 0x%llx",
	      (unsigned long long)pa);
	uint32_t u = unit(pa);
	FI_CHECK(slot_stamp[u] != stamp, "two slots overlap at 0x%llx", (unsigned long long)pa);
	slot_stamp[u] = stamp;
	slot_at[u] = s;
	slots[nslots++] = s;
}

/* Every slot the kernel holds: live CNodes', live dispatchers', doorbells'. */
CHECKER static void collect_slots(void)
{
	struct core *c = world_core();

	stamp++;
	nslots = 0;
	for (unsigned i = 0; i < nlive; i++) {
		uint64_t pa = OWN_BASE + (uint64_t)live[i] * 64;
		const struct obj *o = &objs[live[i]];
		if (o->type == CAP_CNODE) {
			struct cte *s = phys_to_virt(pa);
			for (uint64_t k = 0; k < o->size / sizeof(*s); k++)
				add_slot(&s[k]);
		} else if (o->type == CAP_DISPATCHER) {
			struct dcb *d = phys_to_virt(pa);
			add_slot(&d->cspace);
			add_slot(&d->vspace);
			add_slot(&d->exc_ep);
			add_slot(&d->upcall_frame);
		}
	}
	for (unsigned i = 0; i < NOTIFY_SLOTS; i++)
		add_slot(&c->notify_ep[i]);
}

/* A full slot of this scan. */
CHECKER static bool in_scan(const struct cte *p)
{
	uint64_t pa = pa_of(p);

	if (!in_own(pa, sizeof(*p)))
		return false;
	uint32_t u = unit(pa);
	return slot_stamp[u] == stamp && slot_at[u] == p && !empty(p);
}

CHECKER static void check_links(const struct cte *s)
{
	const struct cte *p = s->parent;

	FI_CHECK(!p || in_scan(p), "a parent link to no full slot");
	if (s->next)
		FI_CHECK(in_scan(s->next) && s->next->prev == s && s->next->parent == p,
		      "a broken next link");
	if (s->prev)
		FI_CHECK(in_scan(s->prev) && s->prev->next == s && s->prev->parent == p,
		      "a broken prev link");
	else
		FI_CHECK(!p || p->first_child == s, "a first child its parent does not know");
	if (s->first_child)
		FI_CHECK(in_scan(s->first_child) && s->first_child->parent == s &&
		      !s->first_child->prev, "a broken first_child link");
}

CHECKER static void check_parent(const struct cte *s)
{
	const struct cap *p = s->parent ? &s->parent->cap : NULL, *c = &s->cap;

	if (!p)
		return;
	if (p->type == CAP_RAM) {
		FI_CHECK(c->base >= p->base && c->size <= p->size && c->base - p->base <= p->size - c->size,
		      "a %s outside the RAM it was retyped from", cap_type_name(c->type));
		return;
	}
	FI_CHECK(cap_same_object(p, c) && !(c->rights & ~p->rights),
	      "a copy of a %s with another object or more rights", cap_type_name(p->type));
	FI_CHECK(p->type != CAP_ENDPOINT || !p->word || c->word == p->word, "a badge changed");
}

/* Inside one range of another core's share? */
CHECKER static bool in_other_share(const struct cap *k)
{
	for (unsigned i = 0; i < machine.ncores; i++)
		for (unsigned r = 0; i != ME && r < machine.share[i].n; r++) {
			const struct mem_range *m = &machine.share[i].r[r];
			if (k->base >= m->base && k->size <= m->len && k->base - m->base <= m->len - k->size)
				return true;
		}
	return false;
}

/* What a capability names, by type. */
CHECKER static void check_object(const struct cte *s)
{
	const struct cap *k = &s->cap;
	bool aligned = k->base % PAGE_SIZE == 0 && k->size % PAGE_SIZE == 0 && k->size;

	switch (k->type) {
	case CAP_RAM:
		if (k->flags & CAPF_IMPORT) {
			/* Another core's RAM, which nothing here is made
			 * from: its children are copies (lib/cap.h). */
			FI_CHECK(aligned && in_other_share(k), "imported RAM at 0x%llx",
				 (unsigned long long)k->base);
			for (const struct cte *c = s->first_child; c; c = c->next)
				FI_CHECK(cap_same_object(&c->cap, k), "a %s made from imported RAM",
					 cap_type_name(c->cap.type));
			return;
		}
		FI_CHECK(in_own(k->base, k->size) && aligned, "RAM at 0x%llx", (unsigned long long)k->base);
		return;
	case CAP_POWER:
	case CAP_INFO:
	case CAP_DOORBELL:
	case CAP_EXPORT:
	case CAP_SPAN:
	case CAP_CONSOLE:
		FI_CHECK(k->base == 0 && k->size == 0, "an authority capability with a base");
		return;
	case CAP_IOPORT:
		FI_CHECK(k->base == 0x3F8 && k->size == 8, "I/O ports that COM1's are not");
		return;
	case CAP_NOTIFY:
		FI_CHECK(k->base < machine.ncores && k->size < NOTIFY_SLOTS, "a Notify for no doorbell");
		return;
	case CAP_DEVFRAME:
	case CAP_IRQ:
		FI_CHECK(false, "a %s, which nothing makes", cap_type_name(k->type));
	}
	if (k->type == CAP_FRAME && !in_own(k->base, k->size)) {
		/* The mesh, the boot image or an import: never this core's
		 * memory, only the boot image or another core's RAM. */
		FI_CHECK(aligned && (k->base + k->size <= OWN_BASE || k->base >= OWN_BASE + OWN_BYTES) &&
		      ((k->base == BOOTIMG_PA && k->size == BOOTIMG_BYTES) || in_other_share(k)),
		      "a foreign Frame at 0x%llx (+0x%llx)", (unsigned long long)k->base,
		      (unsigned long long)k->size);
		return;
	}
	struct obj *o = obj_at(k->base, k->type);
	FI_CHECK(o && o->size == k->size, "a %s at 0x%llx that names no live object",
	      cap_type_name(k->type), (unsigned long long)k->base);
	o->seen = epoch;
	if (k->type == CAP_CNODE)
		FI_CHECK(k->size == (uint64_t)CTE_SIZE << k->aux, "a CNode's aux");
}

CHECKER static void add_maprec(const struct cte *s)
{
	const struct cap *k = &s->cap;
	unsigned n = vnode_level(k->type) >= 0 ? 1 : (unsigned)(k->size / PAGE_SIZE);

	FI_CHECK(in_own(maprec_table(k->word), PAGE_SIZE), "a mapping record in no table of this core");
	FI_CHECK(maprec_entry(k->word) + n <= 512, "a mapping record past its table");
	if (nmaps == MAX_MAPS) {
		maps_overflow = true;
		return;
	}
	maps[nmaps++] = (struct maprec){ maprec_table(k->word), k->base, maprec_entry(k->word), n, k };
}

CHECKER static void check_slot(const struct cte *s)
{
	const struct cap *k = &s->cap;

	FI_CHECK(k->type < CAP_TYPE_COUNT && !(k->flags & ~(CAPF_REMOTE | CAPF_IMPORT)) &&
		 !(k->rights & ~CAP_RIGHTS_ALL),
	      "a slot with type %u, flags 0x%x, rights 0x%x", k->type, k->flags, k->rights);
	/* An import (and its copies) names another core's memory, as a
	 * Frame or RAM; nothing of this core's own is one. */
	FI_CHECK(!(k->flags & CAPF_IMPORT) ||
		 ((k->type == CAP_FRAME || k->type == CAP_RAM) && !in_own(k->base, k->size)),
		 "an import of type %u of this core's own memory at 0x%llx", k->type,
		 (unsigned long long)k->base);
	check_links(s);
	check_parent(s);
	check_object(s);
	if (cap_type_flags(k->type) & CT_MAP) {
		FI_CHECK(!k->word || maprec_valid(k->word), "a bad mapping record");
		if (maprec_valid(k->word))
			add_maprec(s);
	} else if (k->type != CAP_ENDPOINT) {
		FI_CHECK(k->word == 0, "a %s with a word", cap_type_name(k->type));
	}
}

/* Slots reachable from the roots along the links: all of them, unless a
 * parent chain has a cycle. */
CHECKER static unsigned count_reachable(unsigned full)
{
	unsigned n = 0, steps = 0;

	for (unsigned i = 0; i < nslots; i++) {
		const struct cte *c = slots[i];

		if (empty(c) || c->parent)
			continue;
		while (c && ++steps <= 4 * full + 4) {
			n++;
			if (c->first_child) {
				c = c->first_child;
				continue;
			}
			while (c->parent && !c->next)
				c = c->parent;
			c = c->parent ? c->next : NULL;
		}
	}
	FI_CHECK(steps <= 4 * full + 4, "a cycle in the capability tree");
	return n;
}

static struct cap_sibling ents[MAX_SLOTS];

/* One sibling list: copies of one object adjacent, objects disjoint. */
CHECKER static void check_list(const struct cte *head)
{
	const char *why = cap_siblings_problem(head, ents);

	FI_CHECK(!why, "%s", why);
}

CHECKER static void check_tree(void)
{
	unsigned full = 0;

	epoch++;
	nmaps = 0;
	maps_overflow = false;
	for (unsigned i = 0; i < nslots; i++) {
		if (empty(slots[i])) {
			FI_CHECK(zero_bytes(slots[i], sizeof(struct cte)), "an empty slot with bits set");
			continue;
		}
		full++;
		check_slot(slots[i]);
	}
	FI_CHECK(count_reachable(full) == full, "slots that no root reaches");
	for (unsigned i = 0; i < nslots; i++)
		if (!empty(slots[i]) && !slots[i]->prev)
			check_list(slots[i]);
	for (unsigned i = 0; i < nlive; i++)
		FI_CHECK(objs[live[i]].seen == epoch, "a live %s at 0x%llx that no capability names",
		      cap_type_name(objs[live[i]].type), (unsigned long long)(OWN_BASE + live[i] * 64ull));
}

/* ---- Page tables ---- */

/* Does a mapping record of this table make entry i point where it does? */
CHECKER static const struct maprec *maker(uint64_t table, unsigned i, uint64_t addr)
{
	for (unsigned k = 0; k < nmaps; k++) {
		const struct maprec *m = &maps[k];
		if (m->table == table && i >= m->first && i < m->first + m->n &&
		    m->base + (uint64_t)(i - m->first) * PAGE_SIZE == addr)
			return m;
	}
	return NULL;
}

CHECKER static void check_table(uint64_t pa, int level)
{
	const uint64_t *e = phys_to_virt(pa);
	unsigned n = arch_vnode_user_entries((unsigned)level);

	for (unsigned i = 0; i < n; i++) {
		if (!(e[i] & PTE_P)) {
			FI_CHECK(e[i] == 0, "a non-present entry with bits: table 0x%llx[%u]",
			      (unsigned long long)pa, i);
			continue;
		}
		uint64_t addr = e[i] & PTE_ADDR;
		if (level == 3 && !in_own(addr, PAGE_SIZE)) {
			FI_CHECK(addr == REMOTE_PDPT_PA && e[i] == arch_pte_table(addr),
			      "a PML4 entry to 0x%llx", (unsigned long long)addr);
			continue;	/* a replica's (EXPORT_VROOT_SET) */
		}
		const struct maprec *m = maker(pa, (unsigned)i, addr);
		FI_CHECK(m || maps_overflow, "table 0x%llx[%u] -> 0x%llx, which no capability mapped",
		      (unsigned long long)pa, i, (unsigned long long)e[i]);
		if (level > 0) {
			FI_CHECK(e[i] == arch_pte_table(addr) &&
			      obj_at(addr, level == 3 ? CAP_PDPT : level == 2 ? CAP_PDIR : CAP_PTABLE),
			      "table 0x%llx[%u] -> 0x%llx, which is no live table of the level below",
			      (unsigned long long)pa, i, (unsigned long long)e[i]);
			continue;
		}
		FI_CHECK(!(e[i] & ~(PTE_ADDR | PTE_P | PTE_U | PTE_W | PTE_NX)) && (e[i] & PTE_U),
		      "a user page entry 0x%llx", (unsigned long long)e[i]);
		if (!m)
			continue;
		FI_CHECK(m->cap->type == CAP_FRAME, "a page entry made by a %s", cap_type_name(m->cap->type));
		FI_CHECK(!(e[i] & PTE_W) || (m->cap->rights & CAP_RIGHT_WRITE),
		      "a writable page from a Frame without WRITE");
		FI_CHECK((e[i] & PTE_NX) || (m->cap->rights & CAP_RIGHT_EXECUTE),
		      "an executable page from a Frame without EXECUTE");
	}
}

CHECKER static void check_tables(void)
{
	const uint64_t *kernel = phys_to_virt(world_core()->pml4_pa);

	for (unsigned i = 0; i < nlive; i++) {
		uint64_t pa = OWN_BASE + (uint64_t)live[i] * 64;
		int level = vnode_level(objs[live[i]].type);
		if (level < 0)
			continue;
		check_table(pa, level);
		if (level == 3)
			FI_CHECK(!memcmp((const uint64_t *)phys_to_virt(pa) + 256, kernel + 256, 256 * 8),
			      "PML4 0x%llx's kernel half is not the kernel's", (unsigned long long)pa);
	}
}

/* Every present user translation of the tree at root. */
CHECKER static void tlb_fill(uint64_t table, int level, uint64_t va)
{
	const uint64_t *e = phys_to_virt(table);
	unsigned n = level == 3 ? 256 : 512;	/* arch_vnode_user_entries() */

	for (unsigned i = 0; i < n; i++) {
		if (!(e[i] & PTE_P))
			continue;
		uint64_t v = va | (uint64_t)i << (12 + 9 * level);
		if (level > 0) {
			tlb_fill(e[i] & PTE_ADDR, level - 1, v);
		} else if (ntlb < MAX_TLB) {
			tlb[ntlb].va = v;
			tlb[ntlb++].pte = e[i];
		} else {
			tlb_overflow = true;
		}
	}
}

CHECKER static uint64_t walk(uint64_t root, uint64_t va)
{
	uint64_t t = root, e = 0;

	for (int level = 3; level >= 0; level--) {
		e = ((const uint64_t *)phys_to_virt(t))[(va >> (12 + 9 * level)) & 511];
		if (!(e & PTE_P))
			return 0;
		t = e & PTE_ADDR;
	}
	return e;
}

/* Without a flush, what the TLB may hold must still be there, no weaker. */
CHECKER static void check_tlb(void)
{
	struct core *c = world_core();

	if (!c->current) {
		ntlb = 0;
		tlb_root = 0;
		return;
	}
	if (sim.flushes == tlb_flushes && sim.cr3 == tlb_root) {
		for (unsigned i = 0; i < ntlb; i++) {
			uint64_t now = walk(sim.cr3, tlb[i].va), was = tlb[i].pte;
			FI_CHECK((now & PTE_ADDR) == (was & PTE_ADDR) && (now & PTE_P) &&
			      (!(was & PTE_W) || (now & PTE_W)) && (!(now & PTE_NX) || (was & PTE_NX)),
			      "va 0x%llx: 0x%llx became 0x%llx without a TLB flush",
			      (unsigned long long)tlb[i].va, (unsigned long long)was,
			      (unsigned long long)now);
		}
	}
	ntlb = 0;
	tlb_overflow = false;
	tlb_fill(sim.cr3, 3, 0);
	tlb_flushes = sim.flushes;
	tlb_root = sim.cr3;
}

/* ---- For fuzz_invoke_state.c ---- */

CHECKER unsigned check_nobjs(void)
{
	return nlive;
}

CHECKER uint64_t check_obj(unsigned i, unsigned *type)
{
	*type = objs[live[i]].type;
	return OWN_BASE + live[i] * 64ull;
}

CHECKER unsigned check_nslots(void)
{
	return nslots;
}

CHECKER const struct cte *check_scanned(unsigned i)
{
	return slots[i];
}

static uint64_t world_hash;

CHECKER void check_world(void)
{
	collect_slots();
	check_tree();
	check_tables();
	check_tlb();
	check_state();
	world_hash = state_hash();
}

CHECKER uint64_t check_last_hash(void)
{
	return world_hash;
}

CHECKER uint64_t check_hash(void)
{
	collect_slots();
	return state_hash();
}

