/*
 * A client of the campaign: requests one at a time, each with the next
 * seq, to whichever instance of the service runs, and to the driver a
 * report of every end it sees (T_END): the answer (checked), an error it
 * can see because its instance was replaced (FLT_ERR_RESTART: FLT_GEN
 * names another instance, or none), or, if its instance still runs
 * FLT_LOST_NS after the request, FLT_ERR_LOST. After an error it closes
 * the channel, so that a late answer is never read, and binds again.
 *
 * It reports every answer it reads, also one for a request that has
 * already ended: the driver's books, not the client, decide what is a
 * duplicate.
 */
#include <stdio.h>
#include <flotilla/caps.h>
#include <flotilla/monitor.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/uchan.h>
#include "faults.h"

#define C_EP		CADDR(TASK_CN, 40)	/* both channels' doorbells ring it */
#define C_DFRAME	CADDR(TASK_CN, 41)	/* the channel to the driver */
#define C_DBELL		CADDR(TASK_CN, 42)
#define C_FRAME		CADDR(TASK_CN, 43)	/* the channel to the service */
#define C_BELL		CADDR(TASK_CN, 44)
#define C_CTL		CADDR(TASK_CN, 45)
#define C_DCTL		CADDR(TASK_CN, 46)	/* to close the driver's channel */

static struct uchan drv, svc;
static bool bound, stopping;
static uint64_t inst;			/* the instance svc is bound to */
static unsigned rebinds;

static void report(uint64_t seq, enum flt_end how, uint64_t at)
{
	const uint64_t w[3] = { seq, how, at };

	uchan_send(&drv, w, 3, T_END);
}

/* A T_STOP from the driver, if one came. */
static void look_for_stop(void)
{
	uint64_t w[URPC_MAX_WORDS];
	unsigned n;
	uint32_t type;

	while (urpc_recv(&drv.d.rx, w, &n, &type) != ERR_WOULD_BLOCK)
		if (type == T_STOP)
			stopping = true;
}

/* Is the instance this channel is bound to still the running one? */
static bool instance_runs(uint64_t which)
{
	struct ns_entry e;

	return ns_lookup(FLT_GEN, &e) == OK && e.value == which;
}

/* A channel is taken back once both ends have closed it, or one has
 * after the other's process died (docs/binding.md): bye asks a running
 * instance to close its end too. */
static void unbind(bool bye)
{
	if (!bound)
		return;
	if (bye)
		uchan_send(&svc, NULL, 0, T_BYE);
	mon_unbind(C_CTL);
	cnode_delete(CPTR_TASKCN, CADDR_L2(C_CTL));
	cnode_delete(CPTR_TASKCN, CADDR_L2(C_BELL));
	cnode_delete(CPTR_TASKCN, CADDR_L2(C_FRAME));
	bound = false;
}

/* Binds to the running instance and learns its id (T_HELLO); tries
 * until it has one. */
static void bind_service(void)
{
	for (;;) {
		struct mon_binding b;
		struct ns_entry e;
		uint64_t w[URPC_MAX_WORDS];
		unsigned n;
		uint32_t type;

		unbind(false);		/* its instance has gone */
		look_for_stop();
		err_t err = ns_lookup(FLT_GEN, &e);
		if (!err && (err = mon_bind(FLT_SVC, C_EP, C_FRAME, C_BELL, &b))) {
			/* Not exported between two instances; anything else is
			 * said, once, and tried again. */
			static bool said;
			if (err != ERR_NOT_FOUND && !said)
				printf("faults: a client on core %u cannot bind: %s\n", sys_core_id(),
				       err_name(err));
			said |= err != ERR_NOT_FOUND;
		}
		if (err) {
			sys_sleep_until(sys_clock_ns() + 10000000);
			continue;
		}
		rebinds++;
		if (mon_binding_ctl(&b, C_EP, C_CTL) ||
		    uchan_open_binding(&svc, &b, C_FRAME, C_EP, C_BELL)) {
			bound = true;	/* undone at the top */
			continue;
		}
		bound = true;
		if (uchan_send(&svc, NULL, 0, T_HELLO))
			continue;
		/* Until it answers, or the instance we looked up is gone. */
		uint64_t look = sys_clock_ns() + FLT_LOOK_NS;
		for (;;) {
			if (urpc_recv(&svc.d.rx, w, &n, &type) == OK && type == T_HELLO && n == 1) {
				inst = w[0];
				return;
			}
			if (sys_clock_ns() >= look) {
				if (!instance_runs(e.value))
					break;
				look = sys_clock_ns() + FLT_LOOK_NS;
			}
			sys_sleep_until(sys_clock_ns() + 1000000);
		}
	}
}

/* One request, to its end; false if the channel must be bound again. */
static bool request(uint64_t seq, uint64_t x)
{
	const uint64_t req[2] = { seq, x };
	uint64_t w[URPC_MAX_WORDS], sent = sys_clock_ns(), look = sent + FLT_LOOK_NS;
	unsigned n;
	uint32_t type;

	if (uchan_send(&svc, req, 2, T_REQ)) {
		report(seq, FLT_ERR_RESTART, inst);
		return false;
	}
	for (;;) {
		err_t err = urpc_recv(&svc.d.rx, w, &n, &type);
		if (err == OK && type == T_REQ && n == 3) {
			if (w[0] != seq) {
				/* An answer to a request that has ended. */
				report(w[0], FLT_ANSWERED, w[2]);
				continue;
			}
			bool right = w[1] == flt_answer(seq, x) && w[2] == inst;
			report(seq, right ? FLT_ANSWERED : FLT_WRONG, w[2]);
			return true;
		}
		if (err != ERR_WOULD_BLOCK && err != OK)
			continue;		/* malformed: the driver sees the request end otherwise */
		uint64_t now = sys_clock_ns();
		if (now >= look) {
			if (!instance_runs(inst)) {
				report(seq, FLT_ERR_RESTART, inst);
				return false;
			}
			if (now - sent >= FLT_LOST_NS) {
				report(seq, FLT_ERR_LOST, inst);
				return false;
			}
			look = now + FLT_LOOK_NS;
		}
		sys_sleep_until(now + 1000000);
	}
}

int flt_client(unsigned index)
{
	struct mon_binding b;
	uint64_t seq = 0, x = 0x2545F4914F6CDD1Dull * (index + 1);
	err_t err;

	if ((err = ram_retype(CPTR_TASKCN, CADDR_L2(C_EP), CAP_ENDPOINT, 0)))
		return 10;
	while ((err = mon_bind(FLT_CTL, C_EP, C_DFRAME, C_DBELL, &b)) == ERR_NOT_FOUND)
		sys_sleep_until(sys_clock_ns() + 10000000);
	if (err || (err = mon_binding_ctl(&b, C_EP, C_DCTL)) ||
	    (err = uchan_open_binding(&drv, &b, C_DFRAME, C_EP, C_DBELL))) {
		printf("faults: client %u: cannot reach the driver: %s\n", index, err_name(err));
		return 11;
	}
	bind_service();
	while (!stopping && rebinds < FLT_REBINDS_MAX) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (!request(++seq, x))
			bind_service();
		look_for_stop();
	}
	unbind(true);
	const uint64_t done[2] = { seq, !stopping };
	uchan_send(&drv, done, 2, T_DONE);
	mon_unbind(C_DCTL);	/* the driver closes its end on T_DONE */
	return 0;
}
