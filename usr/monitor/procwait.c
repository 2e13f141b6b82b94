/*
 * What became of the processes that requests started (MON_SPAWN), for
 * their supervisors (flotilla/monitor.h, docs/supervision.md). Every such
 * process gets a serial from this monitor's counter, so that (pid,
 * serial) names one instance even after its pid is used again. The
 * record of a pid stays after the process ends (how it ended: exit
 * status, fault, or killed by request), and the last PAST records that
 * a new process at their pid pushed out are kept too, so a supervisor
 * that looks later still learns how it ended.
 *
 * A supervisor polls (MON_WAIT) rather than being told: the monitor
 * cannot send to a process without blocking on it (LMP is a rendezvous),
 * and it must never block on a process. Heartbeats come the same way: a
 * child that answers them calls MON_BEAT, which the monitor answers at
 * once with whether its supervisor asked it to stop (MON_STOP), and
 * MON_WAIT tells the supervisor when it last did. A beat is known by the
 * PML4 the call brings, as a console read is (console.c).
 */
#include <flotilla/caps.h>
#include <flotilla/monitor.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include "usr/monitor/monitor.h"

struct record {
	bool by_request;	/* a request started the process at this pid */
	bool ended, stop;
	uint64_t serial;
	int status;
	enum mon_end how;
	uint64_t beat_ns;
};
static struct record rec[SPAWN_MAX];
/* The ends of the last PAST processes whose pid was taken again, so that
 * a supervisor that looks after a quick end and a quick reuse (a child
 * that faults at once, and the next spawn) still learns how it ended. */
#define PAST		32
static struct record past[PAST];
static unsigned npast;
static uint64_t serials;

uint64_t procwait_started(unsigned pid)
{
	if (rec[pid].by_request && rec[pid].ended)
		past[npast++ % PAST] = rec[pid];
	rec[pid] = (struct record){ .by_request = true, .serial = ++serials };
	return rec[pid].serial;
}

bool procwait_by_request(unsigned pid)
{
	return pid < SPAWN_MAX && rec[pid].by_request && !rec[pid].ended;
}

void procwait_ended(unsigned pid, int status, enum mon_end how)
{
	if (!procwait_by_request(pid))
		return;
	rec[pid].ended = true;
	rec[pid].status = status;
	rec[pid].how = how;
}

static bool named(uint64_t pid, uint64_t serial)
{
	return pid < SPAWN_MAX && rec[pid].by_request && rec[pid].serial == serial;
}

err_t procwait_wait(uint64_t pid, uint64_t serial, uint64_t *r)
{
	const struct record *e = named(pid, serial) ? &rec[pid] : NULL;

	for (unsigned i = 0; !e && i < PAST && i < npast; i++)
		if (past[i].serial == serial)
			e = &past[i];
	if (!e)
		return ERR_NOT_FOUND;
	if (!e->ended) {
		r[1] = e->beat_ns;
		return ERR_WOULD_BLOCK;
	}
	r[1] = (uint64_t)(int64_t)e->status;
	r[2] = e->how;
	return OK;
}

err_t procwait_stop(uint64_t pid, uint64_t serial)
{
	if (!named(pid, serial) || rec[pid].ended)
		return ERR_NOT_FOUND;
	rec[pid].stop = true;
	return OK;
}

err_t procwait_beat(bool has_cap, uint64_t *r)
{
	bool stop = false;
	err_t err = procwait_beat_at(has_cap ? T_MONCAP : 0, &stop);

	r[1] = stop;
	return err;
}

err_t procwait_beat_at(capaddr_t cap, bool *stop)
{
	uint64_t vroot;
	err_t err = monitor_cap_at(cap, CAP_PML4, CAP_RIGHT_WRITE, &vroot);

	if (err)
		return err;
	for (unsigned pid = 0; pid < SPAWN_MAX; pid++) {
		struct cap_info ci;
		struct proc p;
		const char *name;
		if (proc_at(pid, &p, &name) && cap_identify(PROC_PML4(&p), &ci) == OK &&
		    ci.base == vroot) {
			if (!procwait_by_request(pid))
				return ERR_CAP_RIGHTS;	/* nobody waits for its beats */
			rec[pid].beat_ns = sys_clock_ns();
			*stop = rec[pid].stop;
			return OK;
		}
	}
	return ERR_CAP_RIGHTS;		/* not a process this monitor started */
}
