/*
 * Boot channels (see kchan.h for the protocol). The bootstrap core is the
 * only client; every other core serves its own channel from its idle loop.
 * A request that the server does not understand gets ERR_BAD_MESSAGE and the
 * server keeps serving.
 */
#include "lib/fmt.h"
#include "lib/string.h"
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/core.h"
#include "kernel/kchan.h"
#include "kernel/testhooks.h"
#include "kernel/machine.h"

/* How long the bootstrap core waits for an answer. Generous: under TCG
 * with more virtual cores than host cores a core may be descheduled for
 * a long while, and a boot test runs at most a few seconds. */
#define KCHAN_TIMEOUT_S	60

err_t kchan_call_addr(unsigned core, uint32_t op, uint32_t arg, uint64_t addr,
		      struct kchan_rep *out)
{
	struct core *self = this_core();
	const struct kchan_rep *rep = core < machine.ncores ? self->chan[core] : NULL;
	struct kchan_req *req;
	uint64_t seq, deadline;

	memset(out, 0, sizeof(*out));
	if (!rep || !self->kreq)
		return ERR_INVALID_ARG;
	if (self->core_halted[core])
		return ERR_CORE_HALTED;
	req = &self->kreq[core];
	seq = req->seq + 1;
	req->op = op;
	req->arg = arg;
	req->addr = addr;
	__atomic_store_n(&req->seq, seq, __ATOMIC_RELEASE);
	arch_doorbell(core);

	deadline = arch_timestamp() + arch_timestamp_hz() * KCHAN_TIMEOUT_S;
	while (__atomic_load_n(&rep->seq, __ATOMIC_ACQUIRE) != seq) {
		if (arch_timestamp() > deadline)
			return ERR_TIMEOUT;
		arch_wait_for_interrupt();	/* the reply rings our doorbell */
	}
	*out = *rep;
	if (out->status == ERR_CORE_HALTED)
		self->core_halted[core] = true;
	return out->status;
}

err_t kchan_call(unsigned core, uint32_t op, uint32_t arg, struct kchan_rep *out)
{
	return kchan_call_addr(core, op, arg, 0, out);
}

const char *kchan_op_name(uint32_t op)
{
	switch (op) {
	case KCHAN_PING: return "PING";
	case KCHAN_RUN_TEST: return "RUN_TEST";
	case KCHAN_FAULT: return "FAULT";
	default: return "unknown";
	}
}

uint64_t kchan_request_line(unsigned core)
{
	struct core *c = this_core();

	_Static_assert(MAX_CORES * sizeof(struct kchan_req) <= PAGE_SIZE, "one page of lines");
	if (!c->kreq) {
		uint64_t pa = pmem_alloc(&c->pmem);
		if (!pa)
			panic("core %u: no memory for its boot channels", c->id);
		c->kreq = phys_to_virt(pa);
	}
	return (uint64_t)(uintptr_t)&c->kreq[core] - PHYSMAP_BASE;
}

uint64_t kchan_create(uint64_t req_pa)
{
	struct core *c = this_core();
	uint64_t pa = pmem_alloc(&c->pmem);

	if (!pa)
		panic("core %u: no memory for its boot channel", c->id);
	c->to_bsp = phys_to_virt(pa);
	c->from_bsp = phys_to_virt(req_pa);
	/* A restarted core finds the line as its last life left it: the
	 * request it faulted on was answered then (ERR_CORE_HALTED). */
	c->served = __atomic_load_n(&c->from_bsp->seq, __ATOMIC_ACQUIRE);
	return pa;
}

static void reply(struct kchan_rep *rep, uint64_t seq, err_t status, uint64_t value,
		  uint32_t flags, const char *msg)
{
	rep->status = status;
	rep->value = value;
	rep->flags = flags;
	strlcpy(rep->msg, msg ? msg : "", sizeof(rep->msg));
	__atomic_store_n(&rep->seq, seq, __ATOMIC_RELEASE);
	arch_doorbell(0);
}

static void serve_one(struct core *c, struct kchan_rep *ch, const struct kchan_req *req,
		      uint64_t seq)
{
	uint32_t op = req->op, arg = req->arg;

	c->serving_seq = seq;
	c->serving_op = op;
	switch (op) {
	case KCHAN_PING:
		reply(ch, seq, OK, c->ticks, 0, NULL);
		break;
	default: {
		/* The test kernel's requests: run a test, fault on purpose. */
		struct ktest_reply r = { ERR_BAD_MESSAGE, op, 0, "unknown request" };
		if (ktest_serve)
			ktest_serve(op, arg, req->addr, &r);
		reply(ch, seq, r.status, r.value, r.skipped ? KCHAN_REP_SKIPPED : 0, r.msg);
		break;
	}
	}
	c->serving_seq = 0;
}

void kchan_serve(void)
{
	struct core *c = this_core();

	for (;;) {
		uint64_t seq = __atomic_load_n(&c->from_bsp->seq, __ATOMIC_ACQUIRE);
		if (seq != c->served) {
			serve_one(c, c->to_bsp, c->from_bsp, seq);
			c->served = seq;
			continue;
		}
		arch_wait_for_interrupt();	/* doorbell or timer tick */
	}
}

void kchan_report_fault(uint64_t vector, const char *what, uint64_t addr, uint64_t rip)
{
	struct core *c = arch_has_core() ? this_core() : NULL;
	char msg[KCHAN_MSG_MAX];

	if (!c || !c->to_bsp || !c->serving_seq)
		return;
	if (addr)
		fmt_snprintf(msg, sizeof(msg), "core %u: %s at 0x%llx, rip 0x%llx", c->id, what,
			     (unsigned long long)addr, (unsigned long long)rip);
	else
		fmt_snprintf(msg, sizeof(msg), "core %u: %s at rip 0x%llx", c->id, what,
			     (unsigned long long)rip);
	reply(c->to_bsp, c->serving_seq, ERR_CORE_HALTED, vector, 0, msg);
}
