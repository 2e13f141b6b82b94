/*
 * The invariants of the invocation fuzzer (fuzz_invoke.h) about what runs
 * and waits on core 1, checked after every operation with the objects and
 * slots that fuzz_invoke_check.c found: the run queue, the sleepers and
 * the reap list; every live dispatcher's state against the queue it must
 * be in (none runnable that will never run, none blocked that nothing will
 * wake); endpoint queues; call/reply pairs; cr3; the spanned roots, the
 * doorbells, the console log, and token sequence numbers that only grow.
 * And the hash of everything a failed call must leave alone.
 */
#include <string.h>
#include "lib/cap.h"
#include "kernel/arch.h"
#include "kernel/core.h"
#include "kernel/dispatch.h"
#include "kernel/machine.h"
#include "kernel/vspace.h"
#include "fuzz_invoke.h"

static uint64_t last_export[MAX_CORES], last_import[MAX_CORES];

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

CHECKER static bool live_dcb(const struct dcb *d)
{
	return d && check_live(CAP_DISPATCHER, pa_of(d));
}

CHECKER void state_reset(void)
{
	memset(last_export, 0, sizeof(last_export));
	memset(last_import, 0, sizeof(last_import));
}

/* ---- Dispatchers and endpoints ---- */

#define IN_RUNQ		1u
#define IN_SLEEP	2u
#define IN_EP		4u

static uint8_t where[OWN_UNITS];	/* IN_* of each dispatcher, this scan */

CHECKER static void check_runq(struct core *c, unsigned ndcb)
{
	struct dcb *prev = NULL;
	unsigned n = 0;

	for (struct dcb *d = c->runq_head; d; prev = d, d = d->next) {
		FI_CHECK(live_dcb(d) && ++n <= ndcb, "the run queue holds no live dispatcher");
		FI_CHECK(d->queued && d->state == DCB_RUNNABLE && d != c->current,
		      "'%s' on the run queue in state %u", d->name, d->state);
		where[unit(pa_of(d))] |= IN_RUNQ;
	}
	FI_CHECK(c->runq_tail == prev, "the run queue's tail");
	n = 0;
	for (struct dcb *d = c->sleepers; d; d = d->sleep_next) {
		FI_CHECK(live_dcb(d) && ++n <= ndcb, "the sleepers hold no live dispatcher");
		FI_CHECK(d->state == DCB_BLOCKED && d->ipc == IPC_SLEEP, "a sleeper that does not sleep");
		where[unit(pa_of(d))] |= IN_SLEEP;
	}
	FI_CHECK(!c->reap, "dispatchers left to reap after a system call");
}

CHECKER static void check_endpoint(uint64_t pa, unsigned ndcb)
{
	struct ep_view v = lmp_ep_view(pa);
	struct dcb *prev = NULL;
	unsigned n = 0;

	FI_CHECK((v.head == NULL) == (v.waiting == 0) && v.waiting <= 2, "endpoint 0x%llx's state",
	      (unsigned long long)pa);
	for (struct dcb *d = v.head; d; prev = d, d = d->ep_next) {
		FI_CHECK(live_dcb(d) && ++n <= ndcb, "endpoint 0x%llx queues no live dispatcher",
		      (unsigned long long)pa);
		FI_CHECK(pa_of(d->ep) == pa, "'%s' queued on another endpoint than it thinks", d->name);
		if (v.waiting == 2)
			FI_CHECK(d->ipc == IPC_RECV && d->state == DCB_BLOCKED, "a receiver that is not");
		else
			FI_CHECK((d->state == DCB_BLOCKED && (d->ipc == IPC_SEND || d->ipc == IPC_CALL ||
							   d->ipc == IPC_FAULT)) ||
			      (d->state == DCB_STOPPED && d->ipc == IPC_EXIT), "a sender that is not");
		where[unit(pa_of(d))] |= IN_EP;
	}
	FI_CHECK(v.tail == prev, "endpoint 0x%llx's tail", (unsigned long long)pa);
}

CHECKER static void check_dcb(struct core *c, struct dcb *d)
{
	uint8_t w = where[unit(pa_of(d))];

	FI_CHECK(d->queued == !!(w & IN_RUNQ), "'%s' queued but not on the run queue", d->name);
	FI_CHECK(!!d->ep == !!(w & IN_EP), "'%s' and its endpoint disagree", d->name);
	if (d->reply_to)
		FI_CHECK(live_dcb(d->reply_to) && d->reply_to->server == d &&
		      d->reply_to->ipc == IPC_REPLY, "'%s' owes a reply to no caller", d->name);
	if (d->server)
		FI_CHECK(live_dcb(d->server) && d->server->reply_to == d, "'%s' waits for no server",
		      d->name);
	switch (d->state) {
	case DCB_NEW:
	case DCB_READY:
		FI_CHECK(!w && d->ipc == IPC_NONE && !d->server && !d->reply_to, "a new '%s' in use", d->name);
		return;
	case DCB_RUNNABLE:
		FI_CHECK(d->ipc == IPC_NONE && !d->ep, "a runnable '%s' in a message operation", d->name);
		FI_CHECK(d == c->current || d->queued, "a runnable '%s' that will never run", d->name);
		return;
	case DCB_BLOCKED:
		FI_CHECK(((w & IN_EP) && d->ipc != IPC_REPLY && d->ipc != IPC_SLEEP) ||
		      (d->ipc == IPC_REPLY && d->server) || ((w & IN_SLEEP) && d->ipc == IPC_SLEEP),
		      "a blocked '%s' (ipc %u) that nothing will wake", d->name, d->ipc);
		return;
	case DCB_STOPPED:
		FI_CHECK(!d->queued && (d->ipc == IPC_NONE || (d->ipc == IPC_EXIT && (w & IN_EP))) &&
		      !d->server, "a stopped '%s' in use", d->name);
		return;
	}
	FI_CHECK(false, "a live dispatcher in state %u", d->state);
}

CHECKER static void check_sched(void)
{
	struct core *c = world_core();
	unsigned ndcb = 0, type;

	for (unsigned i = 0; i < check_nobjs(); i++) {
		where[unit(check_obj(i, &type))] = 0;
		ndcb += type == CAP_DISPATCHER;
	}
	FI_CHECK(!c->current || (live_dcb(c->current) && c->current->state == DCB_RUNNABLE &&
			      !c->current->queued), "the current dispatcher");
	if (c->current)
		FI_CHECK(sim.cr3 == c->current->vspace.cap.base && !empty(&c->current->vspace),
		      "cr3 0x%llx is not the running dispatcher's PML4", (unsigned long long)sim.cr3);
	else
		FI_CHECK(sim.cr3 == c->pml4_pa, "idle, but not on the kernel's own page tables");
	check_runq(c, ndcb);
	for (unsigned i = 0; i < check_nobjs(); i++) {
		uint64_t pa = check_obj(i, &type);
		if (type == CAP_ENDPOINT)
			check_endpoint(pa, ndcb);
	}
	for (unsigned i = 0; i < check_nobjs(); i++) {
		uint64_t pa = check_obj(i, &type);
		if (type == CAP_DISPATCHER)
			check_dcb(c, phys_to_virt(pa));
	}
}

/* ---- The core ---- */

CHECKER static void check_core(void)
{
	struct core *c = world_core();

	for (unsigned i = 0; i < SPANNED_MAX; i++) {
		if (!c->spanned[i])
			continue;
		FI_CHECK(check_live(CAP_PML4, c->spanned[i]), "a spanned root that is no live PML4");
		for (unsigned k = 0; k < i; k++)
			FI_CHECK(c->spanned[k] != c->spanned[i], "a root spanned twice");
	}
	for (unsigned i = 0; i < NOTIFY_SLOTS; i++)
		FI_CHECK(empty(&c->notify_ep[i]) || c->notify_ep[i].cap.type == CAP_ENDPOINT,
		      "doorbell %u bound to a %s", i, cap_type_name(c->notify_ep[i].cap.type));
	FI_CHECK(c->console.tail - c->console.head <= CONSOLE_LOG_BYTES &&
	      (!c->console.taken || c->console.bell < NOTIFY_SLOTS), "the console log");
	for (unsigned i = 0; i < machine.ncores; i++) {
		FI_CHECK(c->export_seq[i] >= last_export[i] && c->import_seen[i] >= last_import[i],
		      "a token sequence number went back");
		last_export[i] = c->export_seq[i];
		last_import[i] = c->import_seen[i];
	}
	FI_CHECK(c->id == ME && c->self == c, "the struct core");
}

CHECKER void check_state(void)
{
	check_sched();
	check_core();
}

/* ---- What a failed call leaves alone ---- */

CHECKER static uint64_t mix(uint64_t h, const void *p, size_t n)
{
	const uint64_t *w = p;

	for (size_t i = 0; i < n / 8; i++)
		h = (h ^ w[i]) * 0x100000001b3ull;
	return h;
}

#define MIX(h, field)	mix(h, &(field), sizeof(field))

/* Over the slots of the last scan (fuzz_invoke_check.c). */
CHECKER uint64_t state_hash(void)
{
	struct core *c = world_core();
	uint64_t h = 0xcbf29ce484222325ull;

	/* check_world() found empty slots and entries all zero: only the
	 * full ones, with where they are. */
	for (uint64_t i = 0; i < check_nslots(); i++) {
		const struct cte *s = check_scanned((unsigned)i);
		if (!empty(s)) {
			h = mix(h, &i, 8);
			h = mix(h, s, sizeof(*s));
		}
	}
	for (unsigned i = 0; i < check_nobjs(); i++) {
		unsigned type;
		uint64_t pa = check_obj(i, &type);
		const uint64_t *e = phys_to_virt(pa);
		int level = vnode_level(type);
		for (uint64_t k = 0; level >= 0 && k < (level == 3 ? 256u : 512u); k++) {
			if (e[k]) {
				h = mix(h, &k, 8);
				h = mix(h, &e[k], 8);
			}
		}
		if (type == CAP_ENDPOINT)
			h = mix(h, e, 64);
		if (type != CAP_DISPATCHER)
			continue;
		const struct dcb *d = phys_to_virt(pa);
		uint64_t w[] = { d->state, d->queued, (uint64_t)d->exit_status, d->exc_exit,
				 (uintptr_t)d->next, d->ipc, (uintptr_t)d->ep, (uintptr_t)d->ep_next,
				 (uintptr_t)d->server, (uintptr_t)d->reply_to, d->upcall_pending,
				 d->wake_ns, (uintptr_t)d->sleep_next };
		h = mix(h, w, sizeof(w));
		h = mix(h, d->name, sizeof(d->name));
		if (d != c->current)	/* a failed message call saves its own */
			h = mix(h, &d->regs, sizeof(d->regs));
	}
	uint64_t w[] = { (uintptr_t)c->runq_head, (uintptr_t)c->runq_tail, (uintptr_t)c->current,
			 (uintptr_t)c->sleepers, c->console.taken, c->console.bell,
			 c->console.head, c->console.tail, sim.cr3 };
	h = mix(h, w, sizeof(w));
	h = MIX(h, c->spanned);
	h = MIX(h, c->export_seq);
	return MIX(h, c->import_seen);
}

