/*
 * Same-core messages (LMP): the register layout of the SYS_LMP_* system
 * calls and of the messages they carry. A message is LMP_WORDS words plus
 * at most one capability; it goes from a sender to a receiver through an
 * Endpoint capability, and only when both are there (a rendezvous): the
 * kernel keeps no message buffers, so it allocates nothing and nothing is
 * lost. The first to arrive waits, in FIFO order, unless it asked not to
 * block (LMP_NONBLOCK: ERR_WOULD_BLOCK).
 *
 * Entry (every SYS_LMP_* call; fields a call does not use are ignored):
 *   rdi  endpoint caddr | (caddr of the capability to send << 32)
 *   rsi  flags (LMP_*) | (caddr of the slot for a received capability << 32)
 *   rdx, r10, r8, r9   the message words w0..w3 to send
 * Exit:
 *   rax  err_t
 *   and after a receive (RECV, CALL's reply, REPLY_RECV):
 *   rdi  info: LMP_INFO_KIND, LMP_INFO_CAP, LMP_INFO_CAP_ERR
 *   rsi  the badge of the capability the sender used (0 for replies)
 *   rdx, r10, r8, r9   the words received
 * Other registers are preserved, except rcx and r11.
 *
 * Rights: sending needs WRITE on the endpoint, receiving READ, sending a
 * capability GRANT. The capability is copied (it must be copyable) or,
 * with LMP_GIVE, moved (RAM can only be given). It is transferred at the
 * rendezvous; if by then it is gone or the receiver offered no empty
 * slot, the words still arrive and LMP_INFO_CAP_ERR says why the
 * capability did not. A CALL that gives a capability may offer the same
 * slot for its reply's (a server that does not take it can give it
 * back): the rendezvous empties it first.
 *
 * Call and reply: a receiver that takes a CALL (or a fault) owes one
 * reply, which SYS_LMP_REPLY or SYS_LMP_REPLY_RECV sends straight to the
 * caller, who is blocked until then. A dispatcher owes at most one reply:
 * taking another call releases the earlier caller with ERR_NO_REPLY, as
 * does the receiver's end. When the caller can run at once the kernel
 * switches to it directly, without the run queue (the fast path).
 */
#ifndef KPI_LMP_H
#define KPI_LMP_H

#define LMP_WORDS	4

/* Flags (rsi, low 32 bits). */
#define LMP_SEND_CAP	0x1u	/* send the capability named in rdi's high half */
#define LMP_GIVE	0x2u	/* ... moving it rather than copying it */
#define LMP_RECV_CAP	0x4u	/* accept a capability into rsi's high-half slot */
#define LMP_NONBLOCK	0x8u	/* do not wait for a partner: ERR_WOULD_BLOCK */
#define LMP_FLAGS_ALL	0xFu

/* The info word (rdi after a receive). */
#define LMP_INFO_KIND(i)	((unsigned)(i) & 0xFF)
#define LMP_INFO_CAP		0x100u	/* a capability is now in the receive slot */
#define LMP_INFO_CAP_ERR(i)	((unsigned)((i) >> 16) & 0xFFFF)	/* err_t, or OK */

enum lmp_kind {
	LMP_KIND_SEND = 0,	/* a one-way message */
	LMP_KIND_CALL = 1,	/* the sender waits for a reply */
	LMP_KIND_FAULT = 2,	/* from the kernel: a dispatcher faulted (below) */
	LMP_KIND_REPLY = 3,	/* the answer to this dispatcher's call */
	LMP_KIND_EXIT = 4,	/* from the kernel: a dispatcher exited (below) */
	LMP_KIND_NOTIFY = 5,	/* from the kernel: doorbells rang (below) */
};

/*
 * A fault message (LMP_KIND_FAULT): the kernel sends it on the faulting
 * dispatcher's exception endpoint (DISP_SET_EXC_EP), with that endpoint
 * capability's badge, and blocks the dispatcher. The words:
 *   w0  vector | error code << 32
 *   w1  the faulting address (page faults; 0 otherwise)
 *   w2  rip    w3  rsp
 * The rest of its registers: DISP_REGS. Replying resumes it where it
 * stopped (after fixing the cause, say, by mapping the page); destroying
 * it ends it. Only the kernel makes fault messages: no process can.
 */

/*
 * An exit message (LMP_KIND_EXIT): when a dispatcher whose exception
 * endpoint was set with DISP_EXC_EXIT exits (SYS_EXIT), the kernel sends
 * w0 = its exit status (sign-extended), w1..w3 = 0, with the endpoint's
 * badge. The dispatcher is stopped at once (DISP_STATUS says so) and the
 * message waits in the endpoint's queue, in the dispatcher itself, until
 * its supervisor receives it: no kernel buffer, nothing lost. Destroying
 * the dispatcher first withdraws it. Only the kernel makes exit messages.
 */

/*
 * A notification (LMP_KIND_NOTIFY): doorbell s of a core (DOORBELL_RING)
 * was rung, and the endpoint bound to it (DOORBELL_BIND) hands the
 * next receiver w0 = the bits (1 << s) of every doorbell rung since the
 * last notification, w1..w3 = 0, badge 0. Rings coalesce: a notification
 * says "look at your channels", not how many messages wait. A ring with no
 * receiver waiting is remembered in the endpoint, so one that comes just
 * before its receiver blocks is never lost.
 */
#define LMP_FAULT_VECTOR(w0)	((unsigned)((w0) & 0xFFFFFFFF))
#define LMP_FAULT_ERROR(w0)	((unsigned)((w0) >> 32))

#include <stdint.h>
/* "#PF page fault" for vector 14; "interrupt" from 32 (lib/errors.c). */
const char *vector_name(uint64_t vector);

#endif
