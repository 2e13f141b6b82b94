/*
 * Spanning: a second dispatcher of a process on another core, in the same
 * address space (docs/span.md). Cores share no kernel state, so the other
 * core cannot run on the owner's PML4 (its upper half is the owner core's
 * kernel); instead that core's monitor makes a replica PML4 from its own
 * RAM, whose upper half is its own kernel's and whose user entries point
 * at the owner's PDPTs. Everything below the top level is then the same
 * memory on both cores: a page the owner maps later is seen by the span
 * at once. What would not be seen, a new top-level entry or a mapping
 * removed (other TLBs may still hold it), the owner's kernel refuses
 * while the space is marked as spanned (SPAN_VROOT); unmapping is
 * then the monitor's, with a TLB shootdown (MON_UNMAP).
 *
 * The owner side (the process's core) serves MON_SPAN, MON_SPAN_WAIT and
 * MON_UNMAP; the host side (the span's core) makes and ends the
 * dispatcher. Over the mesh (if/intermon.if):
 *
 *   span         owner -> host  id, owner's id, PML4, entry, stack, arg, PDPTs
 *                               (each with the token its kernel minted)
 *   span_r       host -> owner  id, error, the host's index for it
 *   span_stop    owner -> host  id, host index, owner's id: end it now
 *   span_stop_r  host -> owner  id, error
 *   span_ended   host -> owner  owner's id, host index, status, faulted
 *   shoot, shot  the shootdown's tree (shoot.c)
 *
 * The owner stops every span of a process before the process is destroyed
 * (span_proc_ending, from proc_kill's hook in supervise.c), so no core
 * runs in memory that has been given back; if one cannot be stopped, the
 * process is kept.
 */
#include <stdio.h>
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/lmp.h>
#include <flotilla/monitor.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include "lib/mtree.h"
#include "lib/urpc.h"
#include "usr/monitor/monitor.h"

/* Spans this core runs for others, and spans of its processes: a process
 * may span every core. */
#define HOSTED			16
#define OWNED			MAX_MESH_CORES
#define TABLES_MAX		32	/* user PDPTs a spanned space may have */

/* A PDPT as the span message carries it: its base | its user entry, and
 * the sequence number and MAC of its token (kpi/caps.h, TOKEN_TABLE). */
struct table {
	uint64_t at, seq, mac;
};
#define SLOT(i)			CADDR(SPAN_CN, (i))
#define OWNER_VROOT(i)		SLOT(i)			/* the process's PML4 (a copy) */
#define HOST(j, k)		SLOT(OWNED + 5 * (j) + (k))
enum { H_ROOTCN, H_TASKCN, H_VROOT, H_DISP, H_EP };	/* k of HOST(j, k) */
_Static_assert(OWNED + 5 * HOSTED <= 256, "every span's slots fit the span CNode");
#define SPAN_BADGE(j)		(0x5A00u + (j))

/* Owner side: a span of one of this core's processes. */
static struct owned {
	bool used, running, faulted;
	unsigned core, hidx;	/* where it runs, and that core's index for it */
	uint64_t vroot;		/* the PML4's base: which process */
	int status;
} owned[OWNED];

/* Host side: a dispatcher this monitor runs for another core's process. */
static struct hosted {
	bool used;
	unsigned owner, oid;	/* the owner core and its id for it */
	uint64_t vroot, base[4];	/* the owner's PML4; our objects' bases */
} hosted[HOSTED];

static unsigned me;
static bool ready;

static err_t setup(void)
{
	return monitor_cnode(&ready, T_SPANCN, SPAN_CN, 256);
}

static bool alive(capaddr_t cap)
{
	struct cap_info ci;

	return cap_identify(cap, &ci) == OK;
}

/* ---- Host side ---------------------------------------------------------- */

/* Destroys span j's objects (the dispatcher first: it stops at once) and
 * gives their RAM back. */
static void host_end(unsigned j)
{
	static const unsigned order[] = { H_DISP, H_ROOTCN, H_TASKCN, H_VROOT, H_EP };

	for (unsigned i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		capaddr_t c = HOST(j, order[i]);
		cnode_revoke(T_SPANCN, CADDR_L2(c));
		cnode_delete(T_SPANCN, CADDR_L2(c));
	}
	for (unsigned k = 0; k < 4; k++)
		if (hosted[j].base[k])
			ram_release(hosted[j].base[k]);
	memset(&hosted[j], 0, sizeof(hosted[j]));
}

/* A new object for span j at HOST(j, k) from this monitor's RAM. */
static err_t host_object(unsigned j, unsigned k, unsigned type, uint64_t size)
{
	struct cap_info ci;
	err_t err = ram_retype(T_SPANCN, CADDR_L2(HOST(j, k)), type, size);

	if (!err && !(err = cap_identify(HOST(j, k), &ci)))
		hosted[j].base[k] = ci.base;
	return err;
}

/*
 * Makes and starts the dispatcher: a CSpace of its own (a root CNode
 * whose task CNode holds its dispatcher, both CNodes and this monitor's
 * request endpoint), the replica PML4 with the owner's user entries, its
 * faults and exit to this monitor with a badge naming it.
 */
static err_t host_start(unsigned owner, unsigned oid, uint64_t vroot, const struct table *t,
			unsigned nt, uint64_t entry, uint64_t stack, uint64_t arg, unsigned *hidx)
{
	int j = -1;
	err_t err;

	for (int i = HOSTED - 1; i >= 0; i--)
		if (!hosted[i].used)
			j = i;
	if (j < 0)
		return ERR_TOO_MANY;
	if ((err = setup()))
		return err;
	hosted[j] = (struct hosted){ .used = true, .owner = owner, .oid = oid, .vroot = vroot };
	capaddr_t root = HOST(j, H_ROOTCN), task = HOST(j, H_TASKCN);
	capaddr_t vr = HOST(j, H_VROOT), disp = HOST(j, H_DISP);
	char name[32];
	snprintf(name, sizeof(name), "span %u.%u", owner, oid);

	if ((err = host_object((unsigned)j, H_ROOTCN, CAP_CNODE, CNODE_MIN_SLOTS * CTE_SIZE)) ||
	    (err = host_object((unsigned)j, H_TASKCN, CAP_CNODE, CNODE_MIN_SLOTS * CTE_SIZE)) ||
	    (err = host_object((unsigned)j, H_VROOT, CAP_PML4, 0)) ||
	    (err = host_object((unsigned)j, H_DISP, CAP_DISPATCHER, 0)))
		goto fail;
	for (unsigned i = 0; i < nt; i++) {
		const struct frame_token tok = {
			.owner = owner, .dest = me, .base = t[i].at & ~0xFFFull, .size = 4096,
			.kind = TOKEN_TABLE, .seq = t[i].seq, .mac = t[i].mac,
		};
		if ((err = kernel_vroot_set(CPTR_EXPORT, vr, t[i].at & 0xFFF, &tok)))
			goto fail;
	}
	if ((err = cnode_copy(root, TASK_CN, task)) ||
	    (err = cnode_copy(task, CADDR_L2(CPTR_DISPATCHER), disp)) ||
	    (err = cnode_copy(task, CADDR_L2(CPTR_ROOTCN), root)) ||
	    (err = cnode_copy(task, CADDR_L2(CPTR_TASKCN), task)) ||
	    (err = moncall_mint_ep(task, CADDR_L2(CPTR_MONITOR))) ||	/* its own badge */
	    (err = cnode_mint(T_SPANCN, CADDR_L2(HOST(j, H_EP)), T_FAULTEP, CAP_RIGHT_WRITE,
			      SPAN_BADGE(j))) ||
	    (err = disp_set_exc_ep(disp, HOST(j, H_EP), DISP_EXC_EXIT)) ||
	    (err = disp_set_name(disp, name)) ||
	    (err = disp_setup(disp, root, vr, entry, stack, arg)) ||
	    (err = disp_run(disp)))
		goto fail;
	*hidx = (unsigned)j;
	return OK;
fail:
	host_end((unsigned)j);
	return err;
}

static err_t host_stop(unsigned owner, unsigned oid, uint64_t hidx)
{
	if (hidx >= HOSTED || !hosted[hidx].used || hosted[hidx].owner != owner ||
	    hosted[hidx].oid != oid)
		return ERR_NOT_FOUND;	/* ended on its own meanwhile, or never was */
	host_end((unsigned)hidx);
	return OK;
}

static void owner_ended(unsigned from, uint64_t oid, uint64_t hidx, int status, bool faulted);

bool span_dispatcher_message(const struct lmp_msg *m)
{
	unsigned kind = LMP_INFO_KIND(m->info);
	unsigned j = (unsigned)(m->badge - SPAN_BADGE(0));

	if (m->badge < SPAN_BADGE(0) || j >= HOSTED || !hosted[j].used ||
	    (kind != LMP_KIND_EXIT && kind != LMP_KIND_FAULT))
		return false;
	struct hosted h = hosted[j];
	bool faulted = kind == LMP_KIND_FAULT;
	int status = faulted ? -1 : (int)m->w[0];
	char name[32];
	snprintf(name, sizeof(name), "span %u.%u", h.owner, h.oid);
	if (faulted) {
		struct proc p = { .idx = SPAWN_MAX, .disp = HOST(j, H_DISP) };
		proc_report_fault("monitor", &p, name, m);
	}
	host_end(j);
	if (h.owner == me)
		owner_ended(me, h.oid, j, status, faulted);
	else
		if_intermon_span_ended_send(mesh_to(h.owner), h.oid, j, status, faulted);
	return true;
}

bool span_at(unsigned index, unsigned *pid, char *name, size_t size, unsigned *state)
{
	for (unsigned j = 0; j < HOSTED; j++) {
		struct disp_info info;
		if (!hosted[j].used || index--)
			continue;
		*pid = SPAN_PID_FIRST + j;
		*state = disp_info(HOST(j, H_DISP), &info) ? DISP_STATE_NEW : info.state;
		snprintf(name, size, "span %u.%u", hosted[j].owner, hosted[j].oid);
		return true;
	}
	return false;
}

/* ---- Owner side --------------------------------------------------------- */

static bool vroot_spanned_elsewhere(uint64_t vroot, unsigned except)
{
	for (unsigned i = 0; i < OWNED; i++)
		if (i != except && owned[i].used && owned[i].running && owned[i].vroot == vroot)
			return true;
	return false;
}

/* Span i no longer runs: the space is unmarked when it was the last. */
static void owner_stopped(unsigned i)
{
	owned[i].running = false;
	if (!vroot_spanned_elsewhere(owned[i].vroot, i))
		kernel_vroot_span(CPTR_SPAN, OWNER_VROOT(i), false, NULL);
}

static void owner_free(unsigned i)
{
	cnode_delete(T_SPANCN, CADDR_L2(OWNER_VROOT(i)));
	memset(&owned[i], 0, sizeof(owned[i]));
}

static void owner_ended(unsigned from, uint64_t oid, uint64_t hidx, int status, bool faulted)
{
	if (oid >= OWNED || !owned[oid].used || !owned[oid].running || owned[oid].core != from ||
	    owned[oid].hidx != hidx)
		return;
	owned[oid].status = status;
	owned[oid].faulted = faulted;
	owner_stopped((unsigned)oid);
}

/* A free record; an ended one whose process is gone is taken back. */
static int owner_alloc(void)
{
	for (unsigned i = 0; i < OWNED; i++)
		if (!owned[i].used)
			return (int)i;
	for (unsigned i = 0; i < OWNED; i++)
		if (!owned[i].running && !alive(OWNER_VROOT(i))) {
			owner_free(i);
			return (int)i;
		}
	return -1;
}

/* Asks `core` to start span i (w: the request); its index there in *hidx. */
static err_t owner_ask(unsigned core, unsigned i, const struct table *t, unsigned nt,
		       const uint64_t *w, unsigned *hidx)
{
	struct mesh_ask a;
	err_t err;

	if (core == me)
		return host_start(me, i, owned[i].vroot, t, nt, w[1], w[2], w[3], hidx);
	if ((err = mesh_ask(&a, core, IF_INTERMON_SPAN_R, hidx)))
		return err;
	return mesh_await(&a, if_intermon_span_send(mesh_to(core), a.id, i, owned[i].vroot, w[1],
						    w[2], w[3], t, nt * sizeof(t[0])));
}

static err_t span_new(const uint64_t *w, uint64_t vroot, uint64_t *r)
{
	unsigned core = MON_CORE(w[0]), nt = 0;
	uint64_t all[256];
	struct table t[TABLES_MAX];
	struct frame_token tok;
	err_t err;

	if (core >= mesh_cores())
		return ERR_INVALID_ARG;
	int i = owner_alloc();
	if (i < 0)
		return ERR_TOO_MANY;
	if ((err = setup()) ||
	    (err = cnode_copy(T_SPANCN, CADDR_L2(OWNER_VROOT(i)), T_MONCAP)))
		return err;
	owned[i] = (struct owned){ .used = true, .running = true, .core = core, .vroot = vroot };
	/* Marked before its tables are read: none can change from now on. */
	if ((err = kernel_vroot_span(CPTR_SPAN, OWNER_VROOT(i), true, all)))
		goto fail;
	for (unsigned e = 0; e < 256; e++) {
		if (!all[e])
			continue;
		if (nt == TABLES_MAX) {
			err = ERR_TOO_MANY;
			goto fail;
		}
		/* Minted in the order the host will take them. */
		if ((err = kernel_vroot_export(CPTR_EXPORT, OWNER_VROOT(i), e, core, &tok)))
			goto fail;
		t[nt++] = (struct table){ all[e] | e, tok.seq, tok.mac };
	}
	unsigned hidx;
	if ((err = owner_ask(core, (unsigned)i, t, nt, w, &hidx)))
		goto fail;
	owned[i].hidx = hidx;
	r[1] = (unsigned)i;
	return OK;
fail:
	owner_stopped((unsigned)i);
	owner_free((unsigned)i);
	return err;
}

static err_t span_wait(const uint64_t *w, uint64_t vroot, uint64_t *r)
{
	uint64_t i = w[1];

	if (i >= OWNED || !owned[i].used)
		return ERR_NOT_FOUND;
	if (owned[i].vroot != vroot)
		return ERR_CAP_RIGHTS;		/* another process's span */
	if (owned[i].running)
		return ERR_WOULD_BLOCK;
	r[1] = (uint64_t)(int64_t)owned[i].status;
	r[2] = owned[i].faulted;
	owner_free((unsigned)i);
	return OK;
}

/* The cores other than this one that run a span of the space at vroot. */
static uint64_t span_cores_of(uint64_t vroot)
{
	uint64_t set = 0;

	for (unsigned i = 0; i < OWNED; i++)
		if (owned[i].used && owned[i].running && owned[i].vroot == vroot)
			set |= 1ull << owned[i].core;
	return set;
}

err_t span_flush_replicas(unsigned owner, uint64_t vroot, uint64_t va, uint32_t pages)
{
	err_t first = OK;

	for (unsigned j = 0; j < HOSTED; j++) {
		if (!hosted[j].used || hosted[j].owner != owner || hosted[j].vroot != vroot)
			continue;
		err_t err = kernel_tlb_flush(CPTR_SPAN, HOST(j, H_VROOT), va, pages);
		if (err && !first)
			first = err;
	}
	return first;
}

/*
 * MON_UNMAP (va, pages, shape) + PML4: this core's kernel clears the
 * entries and flushes them here; the shootdown (shoot.c) has every other
 * core that runs a span of the space flush them too, and only then is
 * the process answered, with what the run counted.
 */
static err_t span_unmap(const uint64_t *w, bool has_cap, uint64_t *r)
{
	struct shoot_counts k = { 0 };
	uint64_t vroot;
	err_t err = monitor_request_cap(has_cap, CAP_PML4, CAP_RIGHT_WRITE, &vroot);

	if (err)
		return err;
	if (w[2] > UINT32_MAX || w[3] > MTREE_NSHAPES)
		return ERR_INVALID_ARG;
	if ((err = kernel_vroot_unmap(CPTR_SPAN, T_MONCAP, w[1], (uint32_t)w[2])))
		return err;
	err = shoot_run(vroot, w[1], (uint32_t)w[2], span_cores_of(vroot), (int)w[3] - 1, &k);
	r[1] = k.msgs | (uint64_t)k.cross_node << 32;
	r[2] = k.rounds | (uint64_t)k.shape << 32;
	r[3] = k.reached;
	return err;
}

err_t span_request(const uint64_t *w, bool has_cap, uint64_t *r)
{
	uint64_t vroot;		/* a PML4 the caller may change */
	err_t err;

	if (MON_OP(w[0]) == MON_UNMAP)
		return span_unmap(w, has_cap, r);
	if ((err = monitor_request_cap(has_cap, CAP_PML4, CAP_RIGHT_WRITE, &vroot)))
		return err;
	return MON_OP(w[0]) == MON_SPAN ? span_new(w, vroot, r) : span_wait(w, vroot, r);
}

/* Stops span i wherever it runs; OK if it had ended already. */
static err_t owner_stop(unsigned i)
{
	unsigned core = owned[i].core;
	struct mesh_ask a;
	err_t err;

	if (!owned[i].running)
		return OK;
	if (core == me)
		err = host_stop(me, i, owned[i].hidx);
	else if (!(err = mesh_ask(&a, core, IF_INTERMON_SPAN_STOP_R, NULL)))
		err = mesh_await(&a, if_intermon_span_stop_send(mesh_to(core), a.id,
								owned[i].hidx, i));
	if (err && err != ERR_NOT_FOUND)
		return err;
	owner_stopped(i);
	return OK;
}

err_t span_proc_ending(const struct proc *p)
{
	struct cap_info ci;
	struct proc q;
	const char *name = "?";
	err_t first = OK;

	if (cap_identify(PROC_PML4(p), &ci))
		return OK;			/* no address space: no spans */
	proc_at(p->idx, &q, &name);
	for (unsigned i = 0; i < OWNED; i++) {
		if (!owned[i].used || owned[i].vroot != ci.base)
			continue;
		err_t err = owner_stop(i);
		if (err) {
			printf("monitor: core %u: the span of '%s' on core %u did not stop (%s): keeping the process's memory\n",
			       me, name, owned[i].core, err_name(err));
			if (!first)
				first = err;
			continue;
		}
		owner_free(i);
	}
	return first;
}

/* ---- The mesh ----------------------------------------------------------- */

/* Another core's process asks this core to run a span. Its tables are
 * copied first: the receive buffer is the binding's. */
static err_t on_span(struct idl_binding *b, uint64_t id, uint32_t oid, uint64_t vroot,
		     uint64_t entry, uint64_t stack, uint64_t arg, const uint8_t *tables,
		     size_t tables_len)
{
	struct table t[TABLES_MAX];
	unsigned hidx = 0, from = mesh_peer(b);
	err_t err = ERR_BAD_MESSAGE;

	_Static_assert(sizeof(t) == 768, "if/intermon.if: span's tables");
	if (tables_len % sizeof(t[0]) == 0 && tables_len <= sizeof(t) && oid < OWNED) {
		memcpy(t, tables, tables_len);
		err = host_start(from, oid, vroot, t, (unsigned)(tables_len / sizeof(t[0])), entry,
				 stack, arg, &hidx);
	}
	return if_intermon_span_r_send(b, id, err, hidx);
}

static err_t on_span_r(struct idl_binding *b, uint64_t id, err_t status, uint32_t hidx)
{
	struct mesh_ask *a = mesh_answer(b, IF_INTERMON_SPAN_R, id, status);

	if (!a)
		return ERR_BAD_MESSAGE;		/* no one asked, or asked already */
	*(unsigned *)a->out = hidx;
	return OK;
}

static err_t on_span_stop(struct idl_binding *b, uint64_t id, uint32_t hidx, uint32_t oid)
{
	return if_intermon_span_stop_r_send(b, id, host_stop(mesh_peer(b), oid, hidx));
}

static err_t on_span_stop_r(struct idl_binding *b, uint64_t id, err_t status)
{
	return mesh_answer(b, IF_INTERMON_SPAN_STOP_R, id, status) ? OK : ERR_BAD_MESSAGE;
}

/* A late one (the span was stopped meanwhile) is not an error. */
static err_t on_span_ended(struct idl_binding *b, uint32_t oid, uint32_t hidx, int64_t status,
			   bool faulted)
{
	owner_ended(mesh_peer(b), oid, hidx, (int)status, faulted);
	return OK;
}

err_t span_init(unsigned core)
{
	me = core;
	mesh_handlers.span = on_span;
	mesh_handlers.span_r = on_span_r;
	mesh_handlers.span_stop = on_span_stop;
	mesh_handlers.span_stop_r = on_span_stop_r;
	mesh_handlers.span_ended = on_span_ended;
	return shoot_init(core);
}
