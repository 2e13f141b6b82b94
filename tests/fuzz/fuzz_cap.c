/*
 * libFuzzer target for lib/cap.c. The input is a list of 10-byte
 * operations (retype, copy, mint, move, delete, revoke, lookup, "map",
 * set or clear CAPF_REMOTE, and rarely an operation on the boot slots) on
 * a small CSpace: a root CNode and four level-2 CNodes retyped from a
 * 512 KiB RAM capability, installed with cap_install_root(), plus a second
 * RAM capability and a few objectless capabilities. Each result must equal
 * what the reference model of the contract (fuzz_cap_model.c) expects; a
 * failed operation must change nothing.
 *
 * After every operation the checker (fuzz_cap_check.c) checks every slot
 * of every live CNode against the invariants of lib/cap.h, and the driver
 * checks that slots filled and emptied only through the hooks or by a copy,
 * and that a slot with CAPF_REMOTE went only with the CNode holding it.
 * Any violation is a __builtin_trap(). fuzz_cap.h says which file does what.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "lib/cap.h"
#include "tests/host/cap_hooks.h"
#include "fuzz_cap.h"

#define OP_BYTES	10
#define SKIPPED		(-1)	/* run_op(): the library was not called */
#define MAPPED		(-2)	/* run_op(): the harness changed a word */

struct cte boot[2];			/* RAM root, root CNode */
static unsigned copies;			/* successful copies and mints */
static int remote_delta;		/* flags set minus flags cleared */

/* ---- The world and the operations ---- */

static void install(capaddr_t a, unsigned type, uint8_t rights, uint64_t base, uint64_t size)
{
	struct cap c = { .type = (uint8_t)type, .rights = rights, .base = base, .size = size };
	struct cte *s;

	ASSERT(cap_lookup_slot(&boot[1].cap, a, &s) == OK);
	cap_install_root(s, &c);
	obj_add(&c);
}

static struct cte *at(capaddr_t a)
{
	struct cte *s;

	ASSERT(cap_lookup_slot(&boot[1].cap, a, &s) == OK);
	return s;
}

static void setup(void)
{
	struct cap ram = { .type = CAP_RAM, .rights = CAP_RIGHTS_ALL,
			   .base = RAM_PA, .size = RAM_BYTES };
	struct cte *l1;

	check_reset();
	memset(boot, 0, sizeof(boot));
	cap_install_root(&boot[0], &ram);
	obj_add(&ram);
	ASSERT(cap_retype(&boot[0], CAP_CNODE, 0, 16 * CTE_SIZE, 1, &boot[1]) == OK);
	l1 = cnode_slots(&boot[1].cap);
	ASSERT(cap_retype(&boot[0], CAP_CNODE, 4096, 64 * CTE_SIZE, 4, l1) == OK);
	ASSERT(cap_retype(&boot[0], CAP_RAM, 64 * 1024, RAM_BYTES - 64 * 1024, 1,
			  at(CADDR(1, 0))) == OK);
	ASSERT(cap_retype(at(CADDR(1, 0)), CAP_FRAME, 0, 4096, 1, at(CADDR(2, 0))) == OK);
	ASSERT(cap_retype(at(CADDR(1, 0)), CAP_ENDPOINT, 4096, 0, 1, at(CADDR(2, 1))) == OK);
	ASSERT(cap_copy(&l1[4], &boot[1]) == OK);	/* L1 slot 4: the root itself */
	install(CADDR(0, 1), CAP_INFO, CAP_RIGHTS_ALL, 0, 0);
	install(CADDR(0, 2), CAP_IRQ, CAP_RIGHTS_ALL, 5, 0);
	install(CADDR(0, 3), CAP_DEVFRAME, CAP_RIGHTS_ALL, 0x100000, 0x2000);
	install(CADDR(0, 5), CAP_IOPORT, CAP_RIGHT_READ, 0x3F8, 8);
	/* Read-only RAM past the fuzzed range: retype must refuse it. */
	install(CADDR(0, 6), CAP_RAM, CAP_RIGHT_READ, RAM_PA + RAM_BYTES, 64 * 1024);
}

struct op {
	uint8_t code, a[OP_BYTES - 1];
};

static capaddr_t addr_of(uint8_t l1, uint8_t l2)
{
	return CADDR(l1 % 20u, l2 % 72u);
}

/* The slot at (l1, l2), or NULL after checking the lookup's error. */
static struct cte *slot_of(uint8_t l1, uint8_t l2)
{
	capaddr_t a = addr_of(l1, l2);
	struct cte *s = NULL, *want = NULL;
	err_t e = cap_lookup_slot(&boot[1].cap, a, &s);

	ASSERT(e == expect_lookup(a, &want));
	ASSERT(e != OK || s == want);
	return e == OK ? s : NULL;
}

static uint64_t decode_offset(uint8_t lo, uint8_t hi)
{
	unsigned v = lo | (unsigned)hi << 8;

	switch (v >> 14) {
	case 0:
		return (uint64_t)(v & 0xFF) * 4096;
	case 1:
		return (uint64_t)(v & 0x3FFF) * 64;
	case 2:
		return v & 0x3FFF;
	default:
		return 0xFFFFFFFFFFFFF000ull - (uint64_t)(v & 0xFF) * 4096;
	}
}

static uint64_t decode_size(uint8_t s)
{
	switch (s >> 6) {
	case 0:
		return (uint64_t)(s & 0x3F) * 4096;
	case 1:
		return 1024ull << (s & 7);
	case 2:
		return (uint64_t)(s & 0x3F) * 64;
	default:
		return s & 1 ? 1ull << (s & 0x3F) : (uint64_t)s * s * 17;
	}
}

static unsigned decode_count(uint8_t c)
{
	static const unsigned odd[] = { 0, 4096, 4097, 0x80000000u, 65, 16 };

	if (c < 200)
		return 1 + c % 8;
	if (c < 250)
		return 1 + c % 64;
	return odd[c % 6];
}

/* dst[0..count) must lie in one CNode, unless count is invalid and so
 * never used; returns false if the operation would break that rule. */
static bool dst_fits(uint8_t l1, uint8_t l2, unsigned count)
{
	struct cte *c;

	if (count == 0 || count > 4096)
		return true;
	if (cnode_slot(&boot[1].cap, addr_of(l1, l2) >> CNODE_L2_BITS, &c) != OK)
		return false;
	return CADDR_L2(addr_of(l1, l2)) + count <= cnode_nslots(&c->cap);
}

static void check_retyped(const struct cte *src, const struct cte *dst, unsigned type,
			  unsigned count)
{
	for (unsigned i = 0; i < count; i++) {
		ASSERT(dst[i].cap.type == type && dst[i].parent == src);
		ASSERT(i + 1 == count ? !dst[i].next : dst[i].next == &dst[i + 1]);
	}
}

static err_t op_retype(const struct op *o)
{
	struct cte *src = slot_of(o->a[0], o->a[1]), *dst = slot_of(o->a[7], o->a[8]);
	unsigned type = o->a[2] % (CAP_TYPE_COUNT + 2), count = decode_count(o->a[6]);
	uint64_t off = decode_offset(o->a[3], o->a[4]), size = decode_size(o->a[5]);
	err_t want, e;

	if (!src || !dst || !dst_fits(o->a[7], o->a[8], count))
		return SKIPPED;
	want = expect_retype(src, type, off, size, count, dst);
	e = cap_retype(src, type, off, size, count, dst);
	ASSERT(e == want);
	if (e == OK)
		check_retyped(src, dst, type, count);
	return e;
}

static void check_copied(const struct cte *dst, const struct cte *src, uint8_t rights)
{
	ASSERT(dst->parent == src && !dst->next && !dst->first_child);
	ASSERT(cap_same_object(&dst->cap, &src->cap));
	ASSERT(dst->cap.rights == (src->cap.rights & rights) && dst->cap.flags == 0);
	if (cap_type_flags(src->cap.type) & CT_MAP)
		ASSERT(dst->cap.word == 0);
}

static err_t op_copy(const struct op *o, bool mint)
{
	struct cte *dst = slot_of(o->a[0], o->a[1]), *src = slot_of(o->a[2], o->a[3]);
	uint8_t rights = mint ? o->a[4] : 0xFF;
	uint64_t badge = o->a[5] % 4, old;
	err_t e, want;

	if (!src || !dst)
		return SKIPPED;
	old = src->cap.word;
	want = mint ? expect_mint(dst, src, badge) : expect_copy(dst, src);
	e = mint ? cap_mint(dst, src, rights, badge) : cap_copy(dst, src);
	ASSERT(e == want);
	if (e)
		return e;
	copies++;
	check_copied(dst, src, rights);
	if (src->cap.type == CAP_ENDPOINT)
		ASSERT(dst->cap.word == (old || !mint ? old : badge));
	return OK;
}

static err_t op_move(const struct op *o)
{
	struct cte *dst = slot_of(o->a[0], o->a[1]), *src = slot_of(o->a[2], o->a[3]);
	struct cap c;
	err_t e;

	if (!src || !dst)
		return SKIPPED;
	c = src->cap;
	e = expect_move(dst, src);
	ASSERT(cap_move(dst, src) == e);
	if (e == OK)
		ASSERT(!memcmp(&dst->cap, &c, sizeof(c)) && (dst == src || cap_is_empty(src)));
	return e;
}

/* A refusal (ERR_CAP_REMOTE) must change nothing, like every error: the
 * driver compares world_hash() before and after. */
static err_t delete_or_revoke(struct cte *c, bool revoke)
{
	err_t want = revoke ? expect_revoke(c) : expect_delete(c);

	if (revoke) {
		ASSERT(cap_revoke(c) == want);
		ASSERT(want == ERR_CAP_REMOTE || cap_is_empty(c) || !c->first_child);
	} else {
		ASSERT(cap_delete(c) == want);
		ASSERT(want == ERR_CAP_REMOTE || cap_is_empty(c));
	}
	return want;
}

static err_t op_delete(const struct op *o, bool revoke)
{
	struct cte *c = slot_of(o->a[0], o->a[1]);

	return c ? delete_or_revoke(c, revoke) : SKIPPED;
}

/* What the kernel does when it maps a capability: record where. */
static err_t op_map(const struct op *o)
{
	struct cte *c = slot_of(o->a[0], o->a[1]);

	if (!c || !(cap_type_flags(c->cap.type) & CT_MAP) || c->cap.word)
		return SKIPPED;
	c->cap.word = maprec_make(RAM_PA + (uint64_t)o->a[2] * 4096, o->a[3] | (o->a[4] & 1) << 8);
	return MAPPED;
}

static err_t op_raw_lookup(const struct op *o)
{
	capaddr_t a = o->a[0] | o->a[1] << 8 | o->a[2] << 16 | (capaddr_t)o->a[3] << 24;
	struct cte *s = NULL, *want = NULL;
	err_t e = cap_lookup_slot(&boot[1].cap, a, &s);

	ASSERT(e == expect_lookup(a, &want) && (e || s == want));
	return e;
}

/* Rarely, and only with a magic byte: the boot slots themselves. */
static err_t op_boot(const struct op *o)
{
	if (o->a[0] != 0xB0)
		return SKIPPED;
	return delete_or_revoke(&boot[o->a[1] & 1], o->a[2] & 1);
}

/* A flag was just set on c: delete refuses c, and revoke refuses every
 * ancestor of c, each changing nothing. Revoke of the RAM at the root
 * walks the whole tree. */
static void probe_refusals(struct cte *c)
{
	uint64_t h = world_hash();

	ASSERT(cap_delete(c) == ERR_CAP_REMOTE);
	for (struct cte *p = c->parent; p; p = p->parent)
		ASSERT(cap_revoke(p) == ERR_CAP_REMOTE);
	ASSERT(world_hash() == h);
}

/* What a monitor does when it sends an object to another core (set
 * CAPF_REMOTE), and when the last remote copy is gone (clear it). Only
 * the flag changes. a[3]: bit 0 set or clear, bit 1 probe after a set. */
static err_t op_remote(const struct op *o)
{
	struct cte *c = slot_of(o->a[1], o->a[2]), want;
	bool on = o->a[3] & 1, was;
	err_t e;

	if (!c)
		return SKIPPED;
	want = *c;
	was = want.cap.flags & CAPF_REMOTE;
	want.cap.flags = (uint16_t)(on ? want.cap.flags | CAPF_REMOTE
				       : want.cap.flags & ~CAPF_REMOTE);
	e = expect_set_remote(c);
	ASSERT(cap_set_remote(c, on) == e);
	if (e)
		return e;
	ASSERT(!memcmp(c, &want, sizeof(want)));
	remote_delta = (int)on - (int)was;
	if (on && (o->a[3] & 2))
		probe_refusals(c);
	return OK;
}

static err_t run_op(const struct op *o)
{
	switch (o->code % 16) {
	case 0: case 1: case 2: case 3:
		return op_retype(o);
	case 4: case 5:
		return op_copy(o, false);
	case 6: case 14:
		return op_copy(o, true);
	case 7: case 8:
		return op_move(o);
	case 9: case 10:
		return op_delete(o, false);
	case 11:
		return op_delete(o, true);
	case 12:
		return op_raw_lookup(o);
	case 13:
		return op_map(o);
	default:
		return o->a[0] == 0xB0 ? op_boot(o) : op_remote(o);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned full;

	setup();
	full = check_world();
	for (size_t at = 0; at + OP_BYTES <= size; at += OP_BYTES) {
		unsigned long deletes = cap_hook_counts.deletes, made = cap_hook_counts.created;
		unsigned copied = copies, remote = remote_slots, after;
		uint64_t h = world_hash();
		struct op o;
		err_t e;

		memcpy(&o, data + at, OP_BYTES);
		remote_delta = 0;
		e = run_op(&o);
		ASSERT(e == SKIPPED || e == MAPPED || (e >= 0 && e < ERR__COUNT));
		if (e != OK && e != MAPPED)
			ASSERT(world_hash() == h);
		after = check_world();
		/* Every slot that filled or emptied went through a hook, or
		 * was a copy. */
		deletes = cap_hook_counts.deletes - deletes;
		made = cap_hook_counts.created - made;
		ASSERT(after + deletes == full + made + (copies - copied));
		/* Flags came and went only through cap_set_remote(), or with
		 * the CNode that held them. */
		ASSERT((int)remote_slots + (int)remote_slots_gone() == (int)remote + remote_delta);
		full = after;
	}
	return 0;
}
