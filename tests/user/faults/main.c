/*
 * The campaign's program (faults.h says what each role does) and the
 * service itself: a stateless computation (flt_answer) served on every
 * channel bound to FLT_SVC, polled, with a beat every FLT_BEAT_NS.
 */
#include <stdio.h>
#include <flotilla/caps.h>
#include <flotilla/monitor.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/testfault.h>
#include <flotilla/uchan.h>
#include "faults.h"

extern unsigned long libc_arg;

#define S_EP		CADDR(TASK_CN, 40)
#define S_FRAME(i)	CADDR(TASK_CN, 44 + 2 * (i))
#define S_BELL(i)	CADDR(TASK_CN, 45 + 2 * (i))
#define S_MAX		64		/* channels an instance serves */
#define S_CTL(i)	CADDR(TASK_CN, 180 + (i))	/* to close channel i */

/* Takes the name over from a dead instance (its entry stays behind it). */
static err_t publish_gen(uint64_t inst)
{
	ns_remove(FLT_GEN);
	return ns_register(FLT_GEN, inst);
}

/* A command for this instance, if the injector left one. */
static void obey(uint64_t inst)
{
	struct ns_entry e;

	if (ns_lookup(FLT_CMD, &e) || (e.value >> 8) != inst)
		return;
	unsigned kind = (unsigned)(e.value & 0xFF);
	if (kind >= FLT_FAULT_FIRST && kind <= FLT_FAULT_LAST) {
		fault_on_purpose(kind);
		printf("faults: service: fault %u did not fault\n", kind);
		sys_exit(90);
	}
	if (kind == FLT_HANG)
		for (;;)
			__builtin_ia32_pause();	/* beats no more: found by its bound */
}

int flt_service(void)
{
	static struct uchan ch[S_MAX];
	static bool closed[S_MAX];
	uint64_t inst = sys_clock_ns() & FLT_INST_MASK, w[URPC_MAX_WORDS];
	unsigned open = 0, svc, n;
	err_t err;

	if ((err = ram_retype(CPTR_TASKCN, CADDR_L2(S_EP), CAP_ENDPOINT, 0)))
		return 10;
	/* The name is free once the monitors know the last instance died. */
	while ((err = mon_export(FLT_SVC, S_EP, &svc)) == ERR_NAME_IN_USE)
		sys_sleep_until(sys_clock_ns() + 10000000);
	if (err || publish_gen(inst)) {
		printf("faults: service: cannot export '%s': %s\n", FLT_SVC, err_name(err));
		return 11;
	}
	uint64_t next_beat = 0;
	for (;;) {
		uint64_t now = sys_clock_ns();
		bool busy = false, stop;
		struct mon_binding b;
		uint32_t type;

		if (now >= next_beat) {
			if (mon_beat(&stop) == OK && stop)
				return 0;
			obey(inst);
			next_beat = now + FLT_BEAT_NS;
		}
		while (open < S_MAX &&
		       mon_accept(svc, S_EP, S_FRAME(open), S_BELL(open), &b) == OK)
			if (mon_binding_ctl(&b, S_EP, S_CTL(open)) == OK &&
			    uchan_open_binding(&ch[open], &b, S_FRAME(open), S_EP, S_BELL(open)) == OK)
				open++;
		for (unsigned i = 0; i < open; i++) {
			while (!closed[i] && (err = urpc_recv(&ch[i].d.rx, w, &n, &type)) != ERR_WOULD_BLOCK) {
				busy = true;
				if (err)
					break;		/* a malformed message: consumed */
				if (type == T_HELLO) {
					w[0] = inst;
					n = 1;
				} else if (type == T_REQ && n == 2) {
					w[1] = flt_answer(w[0], w[1]);
					w[2] = inst;
					n = 3;
				} else if (type == T_BYE) {
					mon_unbind(S_CTL(i));
					closed[i] = true;
					continue;
				} else {
					continue;	/* not ours to answer */
				}
				/* Never wait for room: a client that gave up on
				 * this channel reads it no more. */
				if (urpc_send(&ch[i].d.tx, w, n, type) == OK &&
				    urpc_sender_must_wake(&ch[i].d.tx))
					notify_ring(ch[i].peer_bell);
			}
		}
		if (!busy)
			sys_sleep_until(sys_clock_ns() + 1000000);	/* the next tick */
	}
}

int main(void)
{
	uint64_t arg = libc_arg;

	switch (FLT_ROLE(arg)) {
	case FLT_SERVICE:
		return flt_service();
	case FLT_CLIENT:
		return flt_client((unsigned)(arg >> 4));
	case FLT_DRIVER:
		return flt_driver(FLT_N(arg), FLT_SEED(arg));
	}
	printf("faults: unknown role %u (argument 0x%llx)\n", FLT_ROLE(arg),
	       (unsigned long long)arg);
	return 1;
}
