/*
 * libFuzzer target for the kernel's decoding of system calls and
 * invocations (fuzz_invoke.h says which file does what). Every input starts
 * from a freshly booted core 1 whose monitor runs (fuzz_invoke_world.c) and
 * is a list of 16-byte operations, each a system call made by whichever
 * dispatcher runs, an interrupt, or something a process does to its own
 * memory:
 *
 *   byte 0      kind % 16: 0-6 and 15 SYS_INVOKE, 7-8 a SYS_LMP_* call,
 *               9 another system call, 10 a timer interrupt, 11 a doorbell,
 *               12 a user fault, 13 an export token from another core's
 *               kernel arrives in user memory, 14 a store to user memory
 *   bytes 1, 2  a capability address: byte 1 < 128 names level-1 slot
 *               byte1 % 4, else slot byte1 - 128 (past the root CNode from
 *               64 on); byte 2 the level-2 slot
 *   byte 3      the method (an index into methods[]) or the call's flags
 *   bytes 4-15  six little-endian 16-bit arguments, decoded by arg():
 *               the top 4 bits say what kind of value, the rest which one
 *
 * tests/fuzz/fuzz_invoke_seeds.py writes the seeds in this format.
 *
 * After each operation: the result of a call is OK or an error code; a
 * call that failed on the caller left no trace in the kernel (a hash of
 * every slot, table, endpoint, dispatcher and core field is unchanged:
 * "decode, then act"); a call made through a capability without the rights
 * its method needs failed (the rights model below, written from
 * kpi/caps.h and kpi/lmp.h, not from the kernel); and every invariant of
 * fuzz_invoke_check.c holds. The fake machine traps on any kernel access
 * that the real MMU would fault on.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <kpi/lmp.h>
#include "lib/cap.h"
#include "kernel/arch.h"
#include "kernel/core.h"
#include "kernel/dispatch.h"
#include "kernel/fault.h"
#include "kernel/invoke.h"
#include "kernel/machine.h"
#include "kernel/notify.h"
#include "kernel/vspace.h"
#include "fuzz_invoke.h"
#include "tests/include/abi_types.h"

void syscall_dispatch(struct trap_frame *f);	/* kernel/syscall.c, from entry.S */

#define OP_BYTES	16
#define NONE		0xFFu	/* rights(): the method needs none */

struct op {
	uint8_t kind, l1, l2, m;
	uint16_t arg[6];
};

/* Every method if/kernel.abi describes, in number order (CAP_METHODS;
 * POWER_TEST_EXIT is the test kernel's alone, so no method here), then
 * numbers no type has. tests/fuzz/fuzz_invoke_seeds.py lists them the
 * same way, from the same description. */
static const uint64_t methods[] = {
#define X(M, t, right, early, words)	M,
	CAP_METHODS(X)
#undef X
	/* No methods. */
	1, 15, CNODE_MOVE + 1, VNODE_UNMAP + 1, DISP_INFO + 1, EXPORT_VROOT + 1,
	NOTIFY_RING + 1, IOPORT_OUT + 1, INFO_TOPOLOGY - 1, EXPORT_CAP_LAST + 1, 0xFFFFFFFFull,
};
#define NMETHODS	(sizeof(methods) / sizeof(methods[0]))
#define EDGE_LMP	NMETHODS		/* + SYS_LMP_* - SYS_LMP_SEND */
#define EDGE_MINTED	(NMETHODS + 5)		/* + the type */
_Static_assert(EDGE_MINTED + CAP_TYPE_COUNT <= 96, "rights_edge() has an edge for each");

/* Other core's memory that their kernels export (world_token). */
static const struct { unsigned core; uint64_t base; } exports[] = {
	{ 0, 1 * MiB + 768 * KiB }, { 2, 6 * MiB }, { 3, 7 * MiB + 768 * KiB },
	{ ME, OWN_BASE + OWN_BYTES / 2 }, { 9, 6 * MiB },
};
static uint64_t tokens[SIM_CORES];	/* the last token each core minted for ME */

static capaddr_t caddr(uint8_t l1, uint8_t l2)
{
	return CADDR(l1 < 128 ? l1 % 4u : l1 - 128u, l2);
}

/* A user address: somewhere the world maps, or somewhere it does not. */
static uint64_t uaddr(unsigned x)
{
	uint64_t off = (x & 511) * 8ull;

	switch (x >> 9) {
	case 0: return UVA_CODE + off;
	case 1: return UVA_MESH + off * 8;
	case 2: return UVA_BOOTIMG + off;
	case 3: return UVA_STACK + off * 8;
	case 4: return UVA_CODE + (x & 511) * PAGE_SIZE;	/* where the fuzzer may map */
	case 5: return (uint64_t)(x & 255) << 39 | off;		/* a replica's entry */
	case 6: return PHYSMAP_BASE + OWN_BASE + off;		/* the kernel's */
	default: return USER_TOP - PAGE_SIZE + off * 2;		/* across the end */
	}
}

/* A physical address: this core's, core 0's replica PDPT, nobody's... */
static uint64_t paddr(unsigned x)
{
	uint64_t off = (x & 511) * PAGE_SIZE;

	switch (x >> 9) {
	case 0: return OWN_BASE + off;
	case 1: return REMOTE_PDPT_PA;
	case 2: return HOLE_PA + off;
	case 3: return 4 * MiB + off;
	case 4: return REMOTE_PDPT_PA + 8;
	case 5: return SIM_BYTES + off;
	case 6: return MESH_PA + off;
	default: return 0;
	}
}

static uint64_t arg(uint16_t v)
{
	unsigned x = v & 0xFFF;

	switch (v >> 12) {
	case 0: return x;					/* slots, entries, lengths */
	case 1: return CADDR(x >> 8, x & 0xFF);			/* a capability address */
	case 2: return UVA_BUF + x * 4;				/* the buffer, to its end */
	case 3: return uaddr(x);
	case 4: return x * PAGE_SIZE;				/* offsets and sizes */
	case 5: return (x & 0x1F) | (uint64_t)(x >> 5) << 16;	/* retype: type | count */
	case 6: return x & 0x3F;				/* rights, flags */
	case 7: return paddr(x);
	case 8: return 1ull << (x & 63);
	case 9: return ~(uint64_t)x;
	case 10: return (uint64_t)x << 32 | x;
	case 11: return x & 0x800 ? (1 + (x & 0xFF)) * PAGE_SIZE : CTE_SIZE * (16ull << (x & 7));
	case 12: return sched_clock_ns() + x * 100000ull;	/* a time */
	case 13: return USER_STACK_TOP - 8 - x;
	case 14: return x * 0x9E3779B97F4A7C15ull;
	default: return 0;
	}
}

/* ---- The rights model: kpi/caps.h ("methods that change something
 * need WRITE on the capability invoked"), kpi/lmp.h ---- */

static struct cte *look(struct dcb *d, uint64_t a)
{
	struct cte *s;

	if (a > UINT32_MAX || cap_lookup_slot(&d->cspace.cap, (capaddr_t)a, &s) || cap_is_empty(s))
		return NULL;
	return s;
}

/*
 * The rights the invoked capability of `type` needs for method m, NONE if
 * none, 0 if m is not one of its type's methods: if/kernel.abi's, whether
 * the kernel checks them before decoding or as it decodes. The kernel
 * takes the same description (CAP_METHODS) and its own tables, which
 * check_tables() below holds to it; so this model is the specification
 * the kernel must follow, not a second reading of the kernel.
 */
static unsigned rights(unsigned type, uint64_t m)
{
#define X(M, t, right, early, words)						\
	if (m == (M) && (M) != CAP_IDENTIFY && (M) != POWER_TEST_EXIT && abi_type_is(#t, type)) \
		return (right) ? (unsigned)(right) : NONE;
	CAP_METHODS(X)
#undef X
	return 0;
}

/*
 * The production kernel's tables against if/kernel.abi: every method
 * described (but CAP_IDENTIFY, which every type answers, and the test
 * kernel's POWER_TEST_EXIT) is in exactly one table, that of its type,
 * and each table takes exactly the capability types the description
 * gives its type. Stops the fuzzer at once, saying what differs.
 */
static void check_tables(void)
{
	static const struct invoke_table *const t[] = {
		&invoke_cnode_table, &invoke_vnode_table, &invoke_disp_table,
		&invoke_power_table, &invoke_info_table, &invoke_doorbell_table,
		&invoke_export_table, &invoke_span_table, &invoke_console_table,
		&invoke_notify_table, &invoke_ioport_table,
	};
	const uint64_t described[] = {
#define X(M, ty, right, early, words)	M,
		CAP_METHODS(X)
#undef X
	};

	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		for (unsigned c = 0; c < CAP_TYPE_COUNT; c++)
			if (t[i]->accepts(c) != abi_type_is(t[i]->abi, c))
				goto differ;
		for (unsigned r = 0; r < t[i]->n; r++) {
			uint64_t m = t[i]->methods[r].method;
			const char *abi = NULL;
#define X(M, ty, right, early, words)	if (m == (M)) abi = #ty;
			CAP_METHODS(X)
#undef X
			if (!abi || strcmp(abi, t[i]->abi))
				goto differ;
		}
	}
	for (unsigned k = 0; k < sizeof(described) / sizeof(described[0]); k++) {
		unsigned rows = 0;

		for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++)
			for (unsigned r = 0; r < t[i]->n; r++)
				rows += t[i]->methods[r].method == described[k];
		if (rows != (described[k] != CAP_IDENTIFY && described[k] != POWER_TEST_EXIT)) {
			fprintf(stderr, "fuzz_invoke: method %llu of if/kernel.abi is in %u rows of "
				"the kernel's tables\n", (unsigned long long)described[k], rows);
			__builtin_trap();
		}
	}
	return;
differ:
	fprintf(stderr, "fuzz_invoke: a kernel table (kernel/invoke_*.c) differs from "
		"if/kernel.abi in its types or methods\n");
	__builtin_trap();
}

/* Is m a method of some type (rights(), above)? The production kernel,
 * which this fuzzer builds, has no other: POWER_TEST_EXIT is the test
 * kernel's alone (tests/boot/test_exit.c). */
static bool is_method(uint64_t m)
{
	for (unsigned t = 0; t < CAP_TYPE_COUNT; t++)
		if (rights(t, m))
			return true;
	return m == CAP_IDENTIFY;
}

static bool lacks(struct cte *c, unsigned need)
{
	return c && need && need != NONE && (c->cap.rights & need) != need;
}

/* Must this invocation fail for want of a right? */
static bool invoke_lacks_rights(struct dcb *d, uint64_t addr, uint64_t m, const uint64_t a[5])
{
	struct cte *c = look(d, addr);

	if (!c)
		return false;
	if (lacks(c, rights(c->cap.type, m)))
		return true;
	if (c->cap.type == CAP_CNODE && m == CNODE_RETYPE)
		return lacks(look(d, a[1]), CAP_RIGHT_WRITE);
	if (c->cap.type == CAP_DISPATCHER && m == DISP_SET_EXC_EP)
		return lacks(look(d, a[0]), CAP_RIGHT_WRITE);
	if (c->cap.type == CAP_DISPATCHER && m == DISP_SET_UPCALL)
		return lacks(look(d, a[0]), CAP_RIGHT_READ | CAP_RIGHT_WRITE);
	if (c->cap.type == CAP_DOORBELL && m == DOORBELL_MINT)
		return lacks(look(d, a[2]), CAP_RIGHT_WRITE);
	if (c->cap.type == CAP_EXPORT && m == EXPORT_FRAME_IMPORT)
		return lacks(look(d, a[0]), CAP_RIGHT_WRITE);
	if (vnode_level(c->cap.type) == 0 && m == VNODE_MAP) {
		struct cte *f = look(d, a[1]);
		return f && f->cap.type == CAP_FRAME && (a[2] & ~(uint64_t)f->cap.rights);
	}
	return false;
}

static bool lmp_lacks_rights(struct dcb *d, uint64_t nr, uint64_t rdi, uint64_t rsi)
{
	struct cte *ep = look(d, rdi & 0xFFFFFFFF);

	if (nr == SYS_LMP_REPLY || !ep || ep->cap.type != CAP_ENDPOINT)
		return false;
	if (nr == SYS_LMP_RECV || nr == SYS_LMP_REPLY_RECV)
		return lacks(ep, CAP_RIGHT_READ);
	return lacks(ep, CAP_RIGHT_WRITE | ((rsi & LMP_SEND_CAP) ? CAP_RIGHT_GRANT : 0));
}

static bool in_a_share(uint64_t pa)
{
	for (unsigned i = 0; i < machine.ncores; i++)
		for (unsigned k = 0; k < machine.share[i].n; k++)
			if (pa - machine.share[i].r[k].base < machine.share[i].r[k].len)
				return true;
	return false;
}

/*
 * A refused right is one early return in the kernel, which every method
 * shares, and a copy with fewer rights takes the same path as any copy, so
 * coverage alone would not keep an input that reaches either: this gives
 * each method refused for want of rights, and each type of which a copy
 * with fewer rights was minted, an edge of its own. Such inputs stay in
 * the corpus, and their calls get mutated until one could succeed, which
 * the rights model then catches. Each case has its own block: the
 * immediate keeps the compiler from merging them.
 */
#define EDGE(i)		case i: __asm__ volatile("" : : "i"(i)); break
#define EDGE8(i)	EDGE(i); EDGE(i + 1); EDGE(i + 2); EDGE(i + 3); \
			EDGE(i + 4); EDGE(i + 5); EDGE(i + 6); EDGE(i + 7)

static void __attribute__((noinline)) rights_edge(unsigned i)
{
	switch (i) {
	EDGE8(0); EDGE8(8); EDGE8(16); EDGE8(24); EDGE8(32); EDGE8(40); EDGE8(48); EDGE8(56);
	EDGE8(64); EDGE8(72); EDGE8(80); EDGE8(88);
	}
}

/* After a CNODE_MINT that succeeded: a copy with fewer rights is an edge. */
static void minted(struct dcb *d, uint64_t addr, const uint64_t a[5])
{
	struct cte *cn = look(d, addr), *dst, *src = look(d, a[1]);

	if (cn && src && cnode_slot(&cn->cap, a[0], &dst) == OK && !cap_is_empty(dst) &&
	    dst->cap.rights != src->cap.rights)
		rights_edge(EDGE_MINTED + dst->cap.type);
}

/* ---- Entering the kernel ---- */

static void enter_syscall(void *unused)
{
	syscall_dispatch(&sim.cpu);
}

static unsigned irq_vector;

/* kernel/arch/x86_64/trap.c's trap_dispatch() for an interrupt, from
 * user mode when a dispatcher runs, else from the idle loop, which then
 * goes on (sched_run). */
static void enter_irq(void *unused)
{
	struct core *c = world_core();
	bool user = c->current != NULL;

	if (irq_vector == VEC_TIMER) {
		c->ticks++;
		sched_timer();
		if (user)
			sched_tick(&sim.cpu);
	} else {
		notify_arrived(irq_vector - VEC_NOTIFY_BASE);
	}
	if (!user)
		sched_run();
}

static uint64_t fault_addr;

static void enter_fault(void *unused)
{
	user_fault(&sim.cpu, fault_addr);
}

static enum left interrupt(unsigned vector)
{
	irq_vector = vector;
	return sim_enter(enter_irq, NULL);
}

/* Self-IPIs are taken as soon as the kernel is left. */
static enum left take_doorbells(void)
{
	enum left how = LEFT_RETURNED;

	while (sim.pending_bells && how != LEFT_POWEROFF) {
		unsigned slot = (unsigned)__builtin_ctz(sim.pending_bells);
		sim.pending_bells &= sim.pending_bells - 1;
		how = interrupt(VEC_NOTIFY_BASE + slot);
		check_world();
	}
	return how;
}

/* ---- What a process does to its own memory ---- */

/* The physical address behind user address va, if writable, else 0. */
static uint64_t user_pa(struct dcb *d, uint64_t va, size_t len)
{
	uint64_t pa;

	if ((va & (PAGE_SIZE - 1)) + len > PAGE_SIZE ||
	    arch_user_translate(d->vspace.cap.base, va, true, &pa))
		return 0;
	return pa;
}

static void user_store(struct dcb *d, uint64_t va, const void *src, size_t len)
{
	uint64_t pa = user_pa(d, va, len);

	if (pa)
		memcpy(sim_ptr(pa), src, len);
}

/* Another core's kernel minted a token for this core, which its monitor
 * sent over a channel: valid, replayed, forged, misaligned, or naming
 * memory in no share (what a leaked key could do); for a Frame, or for
 * RAM (m & 0x80: imported RAM, copied but never retyped here). */
static void token_arrives(struct dcb *d, const struct op *o)
{
	unsigned e = o->l1 % (sizeof(exports) / sizeof(exports[0]));
	unsigned owner = exports[e].core, dest = o->l2 & 1 ? ME : o->l2 % 4u;
	uint64_t base = exports[e].base + (o->arg[1] & 63) * PAGE_SIZE;
	uint64_t size = (1 + (o->arg[2] & 7)) * PAGE_SIZE, seq;
	struct frame_token t;

	if (o->m & 0x20)
		base += 0x800;
	if (o->m & 0x40)
		base = HOLE_PA + (o->arg[1] & 63) * PAGE_SIZE;
	if (owner < SIM_CORES) {
		seq = (uint64_t[]){ tokens[owner] + 1, tokens[owner], 0, tokens[owner] + 100 }[o->m & 3];
		if (seq > tokens[owner])
			tokens[owner] = seq;
	} else {
		seq = 1;
	}
	t = world_token(owner, dest, base, size, o->arg[3] & 0x1F, seq,
			o->m & 0x80 ? TOKEN_RAM : TOKEN_FRAME);
	if (o->m & 0x10)
		t.mac ^= 1ull << (o->arg[4] & 63);
	user_store(d, arg(o->arg[0]), &t, sizeof(t));
}

/* ---- One operation ---- */

/* A system call that changed nothing may fail; one that failed must have
 * changed nothing. */
struct call {
	struct dcb *me;
	uint64_t hash, switches;
	bool must_fail;
	bool no_method;		/* a capability, but no type has the method */
	bool may_change;	/* ERR_WOULD_BLOCK after a reply (SYS_LMP_REPLY_RECV) */
};

static enum left make_call(struct call *k, uint64_t nr, uint64_t rdi, uint64_t rsi, uint64_t rdx,
			 uint64_t r10, uint64_t r8, uint64_t r9)
{
	struct core *c = world_core();

	k->me = c->current;
	k->hash = check_last_hash();	/* nothing changed the kernel since */
	k->switches = c->switches;
	sim.cpu.rax = nr;
	sim.cpu.rdi = rdi;
	sim.cpu.rsi = rsi;
	sim.cpu.rdx = rdx;
	sim.cpu.r10 = r10;
	sim.cpu.r8 = r8;
	sim.cpu.r9 = r9;
	sim.cpu.vector = TRAP_SYSCALL;
	return sim_enter(enter_syscall, NULL);
}

static void check_result(const struct call *k, enum left how)
{
	struct core *c = world_core();

	if (how == LEFT_POWEROFF || !c->current)
		return;
	FI_CHECK(sim.cpu.rax < ERR__COUNT, "a system call returned %llu, no error code",
	      (unsigned long long)sim.cpu.rax);
	if (!k->me || c->current != k->me || c->switches != k->switches)
		return;		/* it blocked, or another ran: its result comes later */
	err_t err = (err_t)sim.cpu.rax;
	FI_CHECK(!k->must_fail || err != OK, "a call without the rights its method needs succeeded");
	FI_CHECK(!k->no_method || err == ERR_BAD_METHOD, "a number no type has as a method (the "
		 "test kernel's POWER_TEST_EXIT among them) returned %s, not ERR_BAD_METHOD",
		 err_name(err));
	if (err != OK && !(err == ERR_WOULD_BLOCK && k->may_change))
		FI_CHECK(check_hash() == k->hash, "a call failed with %s but changed the kernel",
		      err_name(err));
}

/* FUZZ_INVOKE_VERBOSE=1: what each operation did, with the console. */
static void trace(const struct op *o, enum left how)
{
	struct core *c = world_core();
	static const char *const left[] = { "?", "returned", "resumed", "idle", "powered off" };

	if (!sim.verbose)
		return;
	fprintf(stderr, "op kind %2u l1 %3u l2 %3u m %3u: %s", o->kind % 16, o->l1, o->l2, o->m,
		left[how]);
	if (o->kind % 16 <= 6 || o->kind % 16 == 15)
		fprintf(stderr, " (method %llu)", (unsigned long long)methods[o->m % NMETHODS]);
	if (c->current && how != LEFT_POWEROFF)
		fprintf(stderr, ", '%s' runs: rax %s, rdx 0x%llx", c->current->name,
			err_name((err_t)sim.cpu.rax), (unsigned long long)sim.cpu.rdx);
	fputc('\n', stderr);
}

static enum left run_op(const struct op *o)
{
	struct core *c = world_core();
	struct dcb *d = c->current;
	unsigned kind = o->kind % 16;
	struct call k = { 0 };
	enum left how = LEFT_RETURNED;
	uint64_t a[6];

	for (unsigned i = 0; i < 6; i++)
		a[i] = arg(o->arg[i]);
	if (!d && kind != 10 && kind != 11) {
		trace(o, LEFT_IDLE);
		return LEFT_IDLE;	/* nothing runs: only interrupts happen */
	}
	switch (kind) {
	case 7:
	case 8: {
		uint64_t nr = SYS_LMP_SEND + (o->m & 7) % 5;
		uint64_t flags = (o->m >> 3 & 0xF) | (o->m & 0x80 ? 0x10 : 0);
		uint64_t rdi = caddr(o->l1, o->l2) | (uint64_t)(uint32_t)a[0] << 32;
		uint64_t rsi = flags | (uint64_t)(uint32_t)a[1] << 32;
		k.must_fail = lmp_lacks_rights(d, nr, rdi, rsi);
		if (k.must_fail)
			rights_edge(EDGE_LMP + (unsigned)(nr - SYS_LMP_SEND));
		k.may_change = nr == SYS_LMP_REPLY_RECV;
		how = make_call(&k, nr, rdi, rsi, a[2], a[3], a[4], a[5]);
		break;
	}
	case 9: {
		static const uint64_t nrs[] = { SYS_YIELD, SYS_DEBUG_PRINT, SYS_EXIT, SYS_CORE_ID,
						SYS_CLOCK, SYS_SLEEP_UNTIL, SYS_COUNT, 0xFFFFFFFFull };
		how = make_call(&k, nrs[o->m % 8], a[0], a[1], a[2], a[3], a[4], a[5]);
		break;
	}
	case 10:
		sim.tsc += (o->arg[0] & 0xFFF) * 1000000ull;
		how = interrupt(VEC_TIMER);
		break;
	case 11:
		how = interrupt(VEC_NOTIFY_BASE + o->m % NOTIFY_SLOTS);
		break;
	case 12:
		sim.cpu.vector = o->m % 32;
		sim.cpu.error = o->arg[0];
		fault_addr = a[1];
		how = sim_enter(enter_fault, NULL);
		break;
	case 13:
		token_arrives(d, o);
		break;
	case 14:
		user_store(d, a[0], &a[1], sizeof(a[1]));
		break;
	default: {
		uint64_t addr = caddr(o->l1, o->l2), m = methods[o->m % NMETHODS];
		/* The monitor's contract: a replica's entry points at a PDPT
		 * that another core's monitor read with SPAN_VROOT
		 * (here core 0's, REMOTE_PDPT_PA). What the kernel refuses
		 * (memory in no share, a misaligned base) is fuzzed; pointing
		 * a replica at other RAM, which the kernel trusts its monitor
		 * not to do, is not. */
		if (m == EXPORT_VROOT_SET && a[2] != REMOTE_PDPT_PA && in_a_share(a[2]))
			break;
		k.must_fail = invoke_lacks_rights(d, addr, m, a);
		k.no_method = !is_method(m) && look(d, addr);
		if (k.must_fail)
			rights_edge(o->m % NMETHODS);
		how = make_call(&k, SYS_INVOKE, addr | m << 32, a[0], a[1], a[2], a[3], a[4]);
		if (m == CNODE_MINT && sim.cpu.rax == OK && c->current == d)
			minted(d, addr, a);
	}
	}
	if (how != LEFT_POWEROFF)
		check_world();
	check_result(&k, how);
	trace(o, how);
	return how;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	check_tables();
	sim_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sim_reset();
	check_reset();
	memset(tokens, 0, sizeof(tokens));
	world_boot();
	check_world();
	for (size_t at = 0; at + OP_BYTES <= size; at += OP_BYTES) {
		struct op o;

		memcpy(&o, data + at, OP_BYTES);
		if (take_doorbells() == LEFT_POWEROFF || run_op(&o) == LEFT_POWEROFF)
			break;
	}
	return 0;
}
