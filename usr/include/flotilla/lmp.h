/*
 * Same-core messages from C: the SYS_LMP_* system calls with the register
 * layout of include/kpi/lmp.h. Each call names an endpoint, flags
 * (LMP_SEND_CAP, LMP_GIVE, LMP_RECV_CAP, LMP_NONBLOCK), the capability to
 * send and the slot for one to receive (ignored unless the flags say so).
 */
#ifndef FLOTILLA_LMP_H
#define FLOTILLA_LMP_H

#include <stdbool.h>
#include <stdint.h>
#include <kpi/caps.h>
#include <kpi/errors.h>
#include <kpi/lmp.h>
#include <kpi/syscalls.h>

/* A message as received. */
struct lmp_msg {
	uint64_t w[LMP_WORDS];
	uint64_t badge;		/* of the capability the sender used */
	uint64_t info;		/* LMP_INFO_KIND, LMP_INFO_CAP, LMP_INFO_CAP_ERR */
};

static inline err_t lmp_syscall(unsigned nr, capaddr_t ep, capaddr_t cap, unsigned flags,
				capaddr_t slot, const uint64_t w[LMP_WORDS], struct lmp_msg *out)
{
	static const uint64_t zero[LMP_WORDS];
	const uint64_t *in = w ? w : zero;
	register uint64_t r10 __asm__("r10") = in[1];
	register uint64_t r8 __asm__("r8") = in[2];
	register uint64_t r9 __asm__("r9") = in[3];
	uint64_t rax = nr, rdx = in[0];
	uint64_t rdi = (uint64_t)ep | ((uint64_t)cap << 32);
	uint64_t rsi = (uint64_t)flags | ((uint64_t)slot << 32);

	__asm__ volatile("syscall"
			 : "+a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+r"(r10), "+r"(r8), "+r"(r9)
			 :
			 : "rcx", "r11", "memory");
	if (out) {	/* all zero after an error */
		bool ok = rax == OK;
		out->w[0] = ok ? rdx : 0;
		out->w[1] = ok ? r10 : 0;
		out->w[2] = ok ? r8 : 0;
		out->w[3] = ok ? r9 : 0;
		out->badge = ok ? rsi : 0;
		out->info = ok ? rdi : 0;
	}
	return (err_t)rax;
}

/* Sends w (and the capability `cap` with LMP_SEND_CAP) on ep. */
static inline err_t lmp_send(capaddr_t ep, unsigned flags, capaddr_t cap,
			     const uint64_t w[LMP_WORDS])
{
	return lmp_syscall(SYS_LMP_SEND, ep, cap, flags, 0, w, 0);
}

/* Receives on ep into *m (a capability into `slot` with LMP_RECV_CAP). */
static inline err_t lmp_recv(capaddr_t ep, unsigned flags, capaddr_t slot, struct lmp_msg *m)
{
	return lmp_syscall(SYS_LMP_RECV, ep, 0, flags, slot, 0, m);
}

/* Sends w on ep and waits for the reply, which lands in *reply. */
static inline err_t lmp_call(capaddr_t ep, unsigned flags, capaddr_t cap, capaddr_t slot,
			     const uint64_t w[LMP_WORDS], struct lmp_msg *reply)
{
	return lmp_syscall(SYS_LMP_CALL, ep, cap, flags, slot, w, reply);
}

/* Answers the call this dispatcher received last. */
static inline err_t lmp_reply(unsigned flags, capaddr_t cap, const uint64_t w[LMP_WORDS])
{
	return lmp_syscall(SYS_LMP_REPLY, 0, cap, flags, 0, w, 0);
}

/* Answers, then receives the next message on ep into *m. */
static inline err_t lmp_reply_recv(capaddr_t ep, unsigned flags, capaddr_t cap, capaddr_t slot,
				   const uint64_t w[LMP_WORDS], struct lmp_msg *m)
{
	return lmp_syscall(SYS_LMP_REPLY_RECV, ep, cap, flags, slot, w, m);
}

#endif
