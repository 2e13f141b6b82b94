/*
 * Same-core messages (LMP). An Endpoint object holds one FIFO queue of
 * waiting dispatchers, all senders or all receivers; a message passes
 * from a sender's saved registers to a receiver's at the moment both are
 * there, so the kernel buffers nothing and allocates nothing. A sender
 * waiting in the queue keeps its message in its own registers; a fault
 * is a message the kernel sends for the faulting dispatcher.
 *
 * Every system call here first saves the caller's registers into its
 * dcb, then works only on dcbs' saved registers, then resumes the caller
 * or switches: a call switches straight to the receiver it met, and a
 * reply-and-receive straight to the caller it answered, which is the
 * fast path of a call/reply round trip (no run queue in between).
 *
 * Decode, then act: every argument is checked before anything changes,
 * so a failed call leaves no trace. Things that can change while a
 * dispatcher waits (the capability it will send, the slot it offered)
 * are looked up again at the rendezvous; if the capability cannot go, the
 * words still do, and the receiver's info word says why (kpi/lmp.h).
 */
#include "kernel/trace.h"
#include <kpi/lmp.h>
#include "kernel/arch.h"
#include "kernel/core.h"
#include "kernel/dispatch.h"
#include "kernel/fault.h"
#include "kernel/lmp.h"

enum { EP_EMPTY, EP_SENDERS, EP_RECEIVERS };

struct endpoint {
	struct dcb *head, *tail;	/* waiting dispatchers, FIFO */
	uint32_t waiting;		/* who they are: EP_* */
	uint32_t notify;		/* doorbells rung with no receiver waiting */
};

_Static_assert(sizeof(struct endpoint) <= 64, "fits in an Endpoint object (kpi/caps.def)");

/* ---- Endpoint queues ---- */

static void ep_push(struct endpoint *ep, struct dcb *d, uint32_t who)
{
	d->ep = ep;
	d->ep_next = NULL;
	if (ep->tail)
		ep->tail->ep_next = d;
	else
		ep->head = d;
	ep->tail = d;
	ep->waiting = who;
	d->state = DCB_BLOCKED;
}

static struct dcb *ep_pop(struct endpoint *ep)
{
	struct dcb *d = ep->head;

	ep->head = d->ep_next;
	if (!ep->head) {
		ep->tail = NULL;
		ep->waiting = EP_EMPTY;
	}
	d->ep = NULL;
	d->ep_next = NULL;
	return d;
}

static void ep_remove(struct dcb *d)
{
	struct endpoint *ep = d->ep;
	struct dcb **pp = &ep->head, *prev = NULL;

	while (*pp && *pp != d) {
		prev = *pp;
		pp = &(*pp)->ep_next;
	}
	if (*pp)
		*pp = d->ep_next;
	if (ep->tail == d)
		ep->tail = prev;
	if (!ep->head)
		ep->waiting = EP_EMPTY;
	d->ep = NULL;
	d->ep_next = NULL;
}

/* ---- Moving a message ---- */

static err_t slot_of(struct dcb *d, uint64_t addr, struct cte **out)
{
	return cap_lookup_slot(&d->cspace.cap, (capaddr_t)addr, out);
}

/* The capability s sends (rdi high half) into the slot r offered (rsi
 * high half): the LMP_INFO bits for r. */
static uint64_t cap_transfer(struct dcb *s, struct dcb *r)
{
	struct cte *src, *dst;
	err_t err = slot_of(s, s->regs.rdi >> 32, &src);

	if (!err && cap_is_empty(src))
		err = ERR_CAP_EMPTY;
	if (!err && !(r->regs.rsi & LMP_RECV_CAP))
		err = ERR_NO_SLOT;
	if (!err)
		err = slot_of(r, r->regs.rsi >> 32, &dst);
	if (!err && !cap_is_empty(dst))
		err = ERR_CAP_SLOT_IN_USE;
	if (!err)
		err = (s->regs.rsi & LMP_GIVE) ? cap_move(dst, src) : cap_copy(dst, src);
	return err ? (uint64_t)err << 16 : LMP_INFO_CAP;
}

/* A message leaves s (kernel/trace.h): numbered, so that its receive,
 * in meet() now or later, names the same flow. */
static void traced_send(struct dcb *s, unsigned kind)
{
	s->trace_flow = ++this_core()->lmp_flows;
	ktrace(TRACE_LMP_SEND, kind, s->trace_flow, trace_name8(s->name));
}

/* Copies s's message into r's registers, as r's system call returns it. */
static void transfer(struct dcb *s, struct dcb *r, unsigned kind, uint64_t badge)
{
	const struct trap_frame *in = &s->regs;
	struct trap_frame *out = &r->regs;
	uint64_t info = kind;

	if (kind == LMP_KIND_FAULT) {
		out->rdx = s->fault_w0;
		out->r10 = s->fault_addr;
		out->r8 = in->rip;
		out->r9 = in->rsp;
	} else if (kind == LMP_KIND_EXIT) {
		out->rdx = (uint64_t)(int64_t)s->exit_status;
		out->r10 = out->r8 = out->r9 = 0;
	} else {
		if (in->rsi & LMP_SEND_CAP)
			info |= cap_transfer(s, r);
		out->rdx = in->rdx;
		out->r10 = in->r10;
		out->r8 = in->r8;
		out->r9 = in->r9;
	}
	out->rdi = info;
	out->rsi = badge;
	out->rax = OK;
}

/* A caller whose server will never reply. A faulting dispatcher has no
 * one else to turn to: the kernel reports the fault and stops it. */
static void release_caller(struct dcb *c, err_t why)
{
	if (c->server)
		c->server->reply_to = NULL;
	c->server = NULL;
	c->ipc = IPC_NONE;
	if (c->fault_msg) {
		c->fault_msg = false;
		fault_unhandled(c, "its fault handler went away");
		return;
	}
	c->regs.rax = why;
	sched_wake(c);
}

/* Sender s (IPC_SEND, IPC_CALL, IPC_FAULT or IPC_EXIT) meets receiver r:
 * r has the message and is runnable. A plain sender is done (runnable,
 * OK), an exited one stays stopped; a caller now waits for r's reply. The
 * caller of this decides who runs. */
static void meet(struct dcb *s, struct dcb *r)
{
	unsigned kind = s->ipc == IPC_FAULT ? LMP_KIND_FAULT :
			s->ipc == IPC_EXIT ? LMP_KIND_EXIT :
			s->ipc == IPC_CALL ? LMP_KIND_CALL : LMP_KIND_SEND;

	transfer(s, r, kind, s->badge);
	ktrace(TRACE_LMP_RECV, kind, s->trace_flow, trace_name8(r->name));
	r->ipc = IPC_NONE;
	r->state = DCB_RUNNABLE;
	if (kind == LMP_KIND_EXIT) {
		s->ipc = IPC_NONE;
		return;
	}
	if (kind == LMP_KIND_SEND) {
		s->ipc = IPC_NONE;
		s->regs.rax = OK;
		s->state = DCB_RUNNABLE;
		return;
	}
	if (r->reply_to)
		release_caller(r->reply_to, ERR_NO_REPLY);
	s->ipc = IPC_REPLY;
	s->fault_msg = kind == LMP_KIND_FAULT;
	s->server = r;
	s->state = DCB_BLOCKED;
	r->reply_to = s;
}

/* ---- Decoding ---- */

static struct endpoint *ep_object(const struct cte *c)
{
	return phys_to_virt(c->cap.base);
}

static err_t find_endpoint(struct dcb *me, uint64_t addr, unsigned right, struct cte **out)
{
	err_t err = slot_of(me, addr & 0xFFFFFFFF, out);

	if (!err && cap_is_empty(*out))
		err = ERR_CAP_EMPTY;
	if (!err && (*out)->cap.type != CAP_ENDPOINT)
		err = ERR_CAP_WRONG_TYPE;
	if (!err && !((*out)->cap.rights & right))
		err = ERR_CAP_RIGHTS;
	return err;
}

/* The capability me sends, if any: there, and copyable unless given. */
static err_t check_send_cap(struct dcb *me, uint32_t flags)
{
	struct cte *c;
	err_t err;

	if (!(flags & LMP_SEND_CAP))
		return (flags & LMP_GIVE) ? ERR_INVALID_ARG : OK;
	if ((err = slot_of(me, me->regs.rdi >> 32, &c)))
		return err;
	if (cap_is_empty(c))
		return ERR_CAP_EMPTY;
	if (!(flags & LMP_GIVE) && !cap_copyable(c))
		return ERR_CAP_NOT_COPYABLE;
	return OK;
}

/* The slot me offers for a capability, if any: there and empty, or the
 * slot of the capability it gives (LMP_GIVE), which the send empties
 * before any reply comes: a refusal can give it back where it was. Were
 * it not emptied (the receiver took no capability), the reply's finds
 * the slot in use and is not delivered (cap_transfer). */
static err_t check_recv_slot(struct dcb *me, uint32_t flags)
{
	struct cte *c;
	err_t err;

	if (!(flags & LMP_RECV_CAP))
		return OK;
	if ((err = slot_of(me, me->regs.rsi >> 32, &c)))
		return err;
	if ((flags & LMP_GIVE) && (uint32_t)(me->regs.rsi >> 32) == (uint32_t)(me->regs.rdi >> 32))
		return OK;
	return cap_is_empty(c) ? OK : ERR_CAP_SLOT_IN_USE;
}

static err_t decode(struct dcb *me, uint64_t nr, struct cte **ep)
{
	uint32_t flags = (uint32_t)me->regs.rsi;
	bool sends = nr != SYS_LMP_RECV, receives = nr != SYS_LMP_SEND && nr != SYS_LMP_REPLY;
	bool on_ep = nr != SYS_LMP_REPLY;
	err_t err;

	if (flags & ~LMP_FLAGS_ALL)
		return ERR_INVALID_ARG;
	if (!sends && (flags & (LMP_SEND_CAP | LMP_GIVE)))
		return ERR_INVALID_ARG;
	if (!receives && (flags & LMP_RECV_CAP))
		return ERR_INVALID_ARG;
	if (on_ep) {
		/* A call needs both: it sends, then receives the reply. */
		unsigned right = nr == SYS_LMP_RECV || nr == SYS_LMP_REPLY_RECV ?
				 CAP_RIGHT_READ : CAP_RIGHT_WRITE;
		if ((err = find_endpoint(me, me->regs.rdi, right, ep)))
			return err;
		if ((flags & LMP_SEND_CAP) && nr != SYS_LMP_REPLY_RECV &&
		    !((*ep)->cap.rights & CAP_RIGHT_GRANT))
			return ERR_CAP_RIGHTS;
	}
	if ((err = check_send_cap(me, flags)) || (err = check_recv_slot(me, flags)))
		return err;
	if ((nr == SYS_LMP_REPLY || nr == SYS_LMP_REPLY_RECV) && !me->reply_to)
		return ERR_NO_CALLER;
	return OK;
}

/* ---- The system calls ---- */

/* Back to me with `err`. Nothing here destroys an object (capabilities
 * are only copied or moved), so there is nothing to reap first. */
static void __attribute__((noreturn)) resume(struct dcb *me, err_t err)
{
	me->regs.rax = (uint64_t)err;
	arch_resume(&me->regs);
}

/* me (current) sends, calls or faults on ep. */
static void __attribute__((noreturn)) send(struct dcb *me, struct endpoint *ep, bool nonblock)
{
	traced_send(me, me->ipc == IPC_FAULT ? LMP_KIND_FAULT :
			me->ipc == IPC_CALL ? LMP_KIND_CALL : LMP_KIND_SEND);
	if (ep->waiting == EP_RECEIVERS) {
		struct dcb *r = ep_pop(ep);
		meet(me, r);
		if (me->state == DCB_RUNNABLE) {
			sched_enqueue(r);
			resume(me, OK);
		}
		sched_switch_to(r);
	}
	if (nonblock) {
		me->ipc = IPC_NONE;
		resume(me, ERR_WOULD_BLOCK);
	}
	ep_push(ep, me, EP_SENDERS);
	sched_run();
}

/* A notification of `bits` into r's registers, as its receive returns it. */
static void notification(struct dcb *r, uint32_t bits)
{
	r->regs.rax = OK;
	r->regs.rdi = LMP_KIND_NOTIFY;
	r->regs.rsi = 0;
	r->regs.rdx = bits;
	r->regs.r10 = r->regs.r8 = r->regs.r9 = 0;
}

/* me (current) receives on ep; `caller`, if any, was just replied to. */
static void __attribute__((noreturn)) receive(struct dcb *me, struct endpoint *ep, bool nonblock,
					      struct dcb *caller)
{
	if (ep->notify) {
		notification(me, ep->notify);
		ep->notify = 0;
		if (caller)
			sched_enqueue(caller);
		arch_resume(&me->regs);
	}
	if (ep->waiting == EP_SENDERS) {
		struct dcb *s = ep_pop(ep);
		meet(s, me);
		if (s->state == DCB_RUNNABLE)
			sched_enqueue(s);
		if (caller)
			sched_enqueue(caller);
		arch_resume(&me->regs);
	}
	if (nonblock) {
		if (caller)
			sched_enqueue(caller);
		resume(me, ERR_WOULD_BLOCK);
	}
	me->ipc = IPC_RECV;
	ep_push(ep, me, EP_RECEIVERS);
	if (caller)
		sched_switch_to(caller);
	sched_run();
}

/* The reply me owes goes to its caller, who becomes runnable (not
 * queued: the caller of this decides). A faulted caller resumes with its
 * registers as they were. */
static struct dcb *reply(struct dcb *me)
{
	struct dcb *c = me->reply_to;

	me->reply_to = NULL;
	c->server = NULL;
	c->ipc = IPC_NONE;
	if (c->fault_msg) {
		c->fault_msg = false;
	} else {
		traced_send(me, LMP_KIND_REPLY);
		transfer(me, c, LMP_KIND_REPLY, 0);
		ktrace(TRACE_LMP_RECV, LMP_KIND_REPLY, me->trace_flow, trace_name8(c->name));
	}
	c->state = DCB_RUNNABLE;
	return c;
}

void lmp_syscall(struct trap_frame *f)
{
	struct dcb *me = this_core()->current;
	uint64_t nr = f->rax;
	bool nonblock = f->rsi & LMP_NONBLOCK;
	struct cte *epc = NULL;
	err_t err;

	sched_save(f);
	if ((err = decode(me, nr, &epc)))
		resume(me, err);
	switch (nr) {
	case SYS_LMP_SEND:
	case SYS_LMP_CALL:
		me->badge = epc->cap.word;
		me->ipc = nr == SYS_LMP_CALL ? IPC_CALL : IPC_SEND;
		send(me, ep_object(epc), nonblock);
	case SYS_LMP_RECV:
		receive(me, ep_object(epc), nonblock, NULL);
	case SYS_LMP_REPLY: {
		struct dcb *c = reply(me);
		sched_enqueue(c);
		resume(me, OK);
	}
	case SYS_LMP_REPLY_RECV: {
		/* The endpoint before the reply: a reply that gives away the
		 * capability it receives on (LMP_GIVE) empties epc's slot, and
		 * the receive goes on with what the call named when decoded. */
		struct endpoint *ep = ep_object(epc);
		receive(me, ep, nonblock, reply(me));
	}
	}
	resume(me, ERR_BAD_SYSCALL);
}

/* ---- Faults and endings ---- */

bool lmp_has_fault_handler(const struct dcb *d)
{
	return !cap_is_empty(&d->exc_ep) && d->exc_ep.cap.type == CAP_ENDPOINT;
}

void lmp_send_fault(uint64_t vector, uint64_t error, uint64_t addr)
{
	struct dcb *me = this_core()->current;

	me->fault_w0 = vector | error << 32;
	me->fault_addr = addr;
	me->badge = me->exc_ep.cap.word;
	me->ipc = IPC_FAULT;
	send(me, ep_object(&me->exc_ep), false);
}

/* The exit message waits in the exited dispatcher itself: it is queued as
 * a sender but stays DCB_STOPPED, so DISP_STATUS tells its status at once
 * and the receiver's meet() leaves it stopped. */
void lmp_exit(int status)
{
	struct dcb *me = this_core()->current;
	struct endpoint *ep;

	sched_stop(me, status);		/* leaves every queue and reply */
	if (!me->exc_exit || !lmp_has_fault_handler(me))
		sched_run();
	ep = ep_object(&me->exc_ep);
	me->badge = me->exc_ep.cap.word;
	me->ipc = IPC_EXIT;
	traced_send(me, LMP_KIND_EXIT);
	if (ep->waiting == EP_RECEIVERS) {
		struct dcb *r = ep_pop(ep);
		meet(me, r);
		sched_switch_to(r);
	}
	ep_push(ep, me, EP_SENDERS);
	me->state = DCB_STOPPED;
	sched_run();
}

void lmp_notify(struct cte *c, uint32_t bits)
{
	struct endpoint *ep = ep_object(c);

	if (ep->waiting != EP_RECEIVERS) {
		ep->notify |= bits;
		return;
	}
	struct dcb *r = ep_pop(ep);
	r->ipc = IPC_NONE;
	notification(r, bits);
	sched_wake(r);
}

void lmp_endpoint_destroyed(uint64_t pa)
{
	struct endpoint *ep = phys_to_virt(pa);

	while (ep->head) {
		struct dcb *d = ep_pop(ep);
		uint32_t was = d->ipc;
		d->ipc = IPC_NONE;
		if (was == IPC_EXIT)
			continue;	/* stopped already; its message is dropped */
		if (was == IPC_FAULT) {
			fault_unhandled(d, "its exception endpoint was destroyed");
			continue;
		}
		d->regs.rax = ERR_EP_GONE;
		sched_wake(d);
	}
}

void lmp_dcb_gone(struct dcb *d)
{
	if (d->ep)
		ep_remove(d);
	if (d->reply_to)
		release_caller(d->reply_to, ERR_NO_REPLY);
	if (d->server) {
		d->server->reply_to = NULL;
		d->server = NULL;
	}
	d->ipc = IPC_NONE;
	d->fault_msg = false;
}
