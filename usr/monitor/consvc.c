/*
 * The console service's monitor side (docs/console.md, "The console
 * service"): core 0's monitor hands the writing of the serial port to a
 * process that init supervises (usr/console), and takes it back whenever
 * that process is gone, so that no byte is lost either way.
 *
 * MON_SPAWN_CONSOLE (moncall.c) starts it: core 0 only, from a caller
 * that holds T_MONADMIN, one at a time, never with a gift of the
 * caller's. It gets copies of COM1's I/O ports and of the ring's frame
 * (lib/conring.h), each made from a gift slot of this monitor's, so that
 * revoking the slot takes the process's copy, and its mapping, away.
 *
 * While it is attached, console.c's emit puts the bytes for the wire into
 * the ring (consvc_put) instead of writing the port. It is detached when
 * its process ends (consvc_proc_ending: an exit, a fault, a kill; or its
 * dispatcher is seen stopped while the monitor waits for room), when the
 * ring stays full for CONSVC_STALL_NS without its tail moving, when it
 * writes a tail it could not have or moves the head (the monitor keeps
 * its own), or when the machine powers off and it has not drained the
 * ring in time. Detaching revokes both copies first (a process that still
 * runs faults at its next touch), then writes out what the ring still
 * holds, from the monitor's own copies of head and tail; a process that
 * is still alive is killed at the next safe point (consvc_report, between
 * lines), so that init restarts it. Why is said there too; from then on
 * emit writes the port itself.
 *
 * The ring is the monitor's to hand out: no copy of it may leave core 0
 * (consvc_is_ring, which rcap.c asks), or the revoke could not take it
 * back. A revoke that fails all the same retires the ring for good.
 */
#include <stdio.h>
#include <flotilla/caps.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include "lib/conring.h"
#include "usr/monitor/monitor.h"

#define CONSVC_RAM	(64u << 10)	/* its own: the tables that map the ring */
/* The monitor's free RAM below which it keeps the port to itself: the
 * service (its image, CNodes and tables, CONSVC_RAM, the ring) must not
 * take what the shell needs where core 0 is short of memory. */
#define CONSVC_MIN_FREE	(4ull << 20)
#define CONSVC_STALL_NS	(1000ull * 1000 * 1000)	/* a full ring this long: hung */
#define CONSVC_SYNC_NS	(1000ull * 1000 * 1000)	/* to drain before a power-off */

static struct conring *ring;
static uint64_t ring_base;	/* its frame's physical base (consvc_is_ring) */
static bool attached, starting, kill_pending, broken;
static unsigned pid;
static uint64_t head;		/* the monitor's own: the ring's may be written by anyone */
static const char *note;	/* why it was detached, not yet said */

/* The service's copies go with their gift slots; false if they could not. */
static bool drop_gifts(void)
{
	err_t a = cnode_revoke(CPTR_TASKCN, CADDR_L2(T_CONRING_GIFT));
	err_t b = cnode_revoke(CPTR_TASKCN, CADDR_L2(T_CONPORT_GIFT));

	cnode_delete(CPTR_TASKCN, CADDR_L2(T_CONRING_GIFT));
	cnode_delete(CPTR_TASKCN, CADDR_L2(T_CONPORT_GIFT));
	return (a == OK || a == ERR_CAP_EMPTY) && (b == OK || b == ERR_CAP_EMPTY);
}

/* The wire is the monitor's again: the process's copies first, then the
 * bytes it left, in order, from the monitor's head and a tail read once
 * (taken as the oldest byte the ring can still hold if it is insane).
 * Why is said later (consvc_report): detach may run in the middle of a
 * line going out, and a line printed now would go out inside it. */
static void detach(const char *why, bool alive)
{
	uint64_t tail = ring->tail;

	attached = false;
	kill_pending = alive;
	if (!drop_gifts())
		broken = true;		/* a copy stays: the ring is never used again */
	if (tail > head || head - tail > CONRING_DATA)
		tail = head > CONRING_DATA ? head - CONRING_DATA : 0;
	while (tail < head) {
		size_t at = (size_t)(tail % CONRING_DATA), n = (size_t)(head - tail);
		if (n > CONRING_DATA - at)
			n = CONRING_DATA - at;
		console_wire(&ring->data[at], n);
		tail += n;
	}
	note = why;
}

void consvc_report(void)
{
	const char *why = note;
	struct proc p;
	const char *name;

	if (!why)
		return;
	note = NULL;		/* first: the line below comes back through emit */
	printf("console: the console service 0:%u %s; the monitor writes the serial port itself until it is back\n",
	       pid, why);
	if (broken)
		printf("console: a copy of the ring could not be taken back from 0:%u: no console service again\n",
		       pid);
	if (kill_pending && proc_at(pid, &p, &name)) {
		kill_pending = false;
		moncall_kill(pid);	/* its supervisor sees it killed, and restarts it */
	}
}

err_t consvc_spawn_opts(struct spawn_opts *o, bool gift)
{
	void *va;
	err_t err;

	if (gift)
		return ERR_INVALID_ARG;
	if (sys_core_id() != 0 || !console_serving())
		return ERR_UNSUPPORTED;		/* only core 0 drives the port */
	if (broken)
		return ERR_CAP_REMOTE;		/* the last ring could not be taken back */
	if (attached || starting || kill_pending)
		return ERR_NAME_IN_USE;		/* one writer at a time */
	if (!ring) {
		struct cap_info ci;
		if ((err = ram_retype(CPTR_TASKCN, CADDR_L2(T_CONRING), CAP_FRAME, CONRING_FRAME)))
			return err;
		if ((err = cap_identify(T_CONRING, &ci)) ||
		    (err = window_map(T_CONRING, CONRING_FRAME / 4096,
				      CAP_RIGHT_READ | CAP_RIGHT_WRITE, &va))) {
			cnode_delete(CPTR_TASKCN, CADDR_L2(T_CONRING));
			return err;
		}
		ring_base = ci.base;
		ring = va;
	}
	conring_reset(ring);
	head = 0;
	if ((err = cnode_copy(CPTR_TASKCN, CADDR_L2(T_CONPORT_GIFT), CPTR_IOPORT_COM1)) ||
	    (err = cnode_copy(CPTR_TASKCN, CADDR_L2(T_CONRING_GIFT), T_CONRING))) {
		drop_gifts();
		return err;
	}
	o->give[0] = T_CONPORT_GIFT;
	o->give[1] = T_CONRING_GIFT;
	o->ngive = 2;
	o->ram = CONSVC_RAM;
	o->give_bootimg = true;		/* what mapping the ring takes */
	starting = true;
	return OK;
}

bool consvc_room(void)
{
	uint64_t size;

	if (ram_largest(&size) < 0 || size - ram_used_bytes() < CONSVC_MIN_FREE) {
		printf("console: core 0's monitor has %llu KiB of RAM free, less than the %llu KiB a console service takes beside the shell: it writes the serial port itself\n",
		       (unsigned long long)(ram_largest(&size) < 0 ? 0 : (size - ram_used_bytes()) >> 10),
		       (unsigned long long)(CONSVC_MIN_FREE >> 10));
		return false;
	}
	return true;
}

void consvc_spawned(err_t err, unsigned child)
{
	if (!starting)
		return;
	starting = false;
	if (err) {
		drop_gifts();
		return;
	}
	pid = child;
	attached = true;
	printf("console: the console service 0:%u writes the serial port\n", pid);
}

/* Is the service's dispatcher stopped (it faulted or exited, and its end
 * waits in the monitor's queue while the monitor waits here)? */
static bool service_stopped(void)
{
	struct disp_info info;
	struct proc p;
	const char *name;

	return !proc_at(pid, &p, &name) ||
	       (disp_info(p.disp, &info) == OK && info.state == DISP_STATE_STOPPED);
}

size_t consvc_put(const char *s, size_t n)
{
	uint64_t deadline = 0, seen = 0;
	size_t done = 0;

	while (attached && done < n) {
		if (ring->head != head || !conring_sane(ring)) {
			detach(ring->head != head ? "moved the ring's head" :
						    "wrote a tail its ring cannot have", true);
			break;
		}
		done += conring_put(ring, s + done, n - done);
		head = ring->head;
		if (done == n)
			break;
		/* Full: the service runs when this core is free. A stall is a
		 * second without the tail moving. */
		uint64_t now = sys_clock_ns(), tail = ring->tail;
		if (!deadline || tail != seen) {
			deadline = now + CONSVC_STALL_NS;
			seen = tail;
		} else if (service_stopped()) {
			detach("ended", false);
			break;
		} else if (now > deadline) {
			detach("left its ring full for a second", true);
			break;
		}
		sys_yield();
	}
	return done;
}

void consvc_drain(void)
{
	uint64_t deadline = sys_clock_ns() + CONSVC_SYNC_NS;

	while (attached && ring->head != ring->tail && conring_sane(ring) &&
	       !service_stopped() && sys_clock_ns() < deadline)
		sys_yield();
	if (attached && ring->head != ring->tail)
		detach("did not drain its ring in time", !service_stopped());
	consvc_report();
}

void consvc_proc_ending(const struct proc *p)
{
	if (p->idx != pid)
		return;
	if (attached)
		detach("ended", false);
	kill_pending = false;		/* it is ending */
	consvc_report();
}

bool consvc_attached(unsigned *out_pid)
{
	*out_pid = pid;
	return attached;
}

bool consvc_is_ring(uint64_t base)
{
	return ring && base == ring_base;
}
