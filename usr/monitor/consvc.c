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
 * its process ends (consvc_proc_ending: an exit, a fault, a kill, a
 * stop asked by its supervisor), when it leaves the ring full for CONSVC_STALL_NS,
 * when it writes a tail it could not have (conring_sane), or when the
 * machine powers off and it has not drained the ring in time. Detaching
 * revokes both copies first (a process that still runs faults at its
 * next touch, and init restarts it), then writes out what the ring still
 * holds, then says so; from then on emit writes the port itself.
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
static bool attached, starting;
static unsigned pid;
static const char *note;	/* why it was detached, not yet said */

static void drop_gifts(void)
{
	cnode_revoke(CPTR_TASKCN, CADDR_L2(T_CONRING_GIFT));
	cnode_delete(CPTR_TASKCN, CADDR_L2(T_CONRING_GIFT));
	cnode_revoke(CPTR_TASKCN, CADDR_L2(T_CONPORT_GIFT));
	cnode_delete(CPTR_TASKCN, CADDR_L2(T_CONPORT_GIFT));
}

/* The wire is the monitor's again: the process's copies first, then the
 * bytes it left, in order. An insane tail is taken as the oldest byte the
 * ring can still hold, or as the newest if it ran past it. Why is said
 * later (consvc_report): detach may run in the middle of a line going out,
 * and a line printed now would go out inside it. */
static void detach(const char *why)
{
	const char *p;
	size_t n;

	attached = false;
	drop_gifts();
	if (ring->tail > ring->head)
		ring->tail = ring->head;
	else if (ring->head - ring->tail > CONRING_DATA)
		ring->tail = ring->head - CONRING_DATA;
	while ((n = conring_peek(ring, &p)) > 0) {
		console_wire(p, n);
		conring_took(ring, n);
	}
	note = why;
}

void consvc_report(void)
{
	const char *why = note;

	if (!why)
		return;
	note = NULL;		/* first: the line below comes back through emit */
	printf("console: the console service 0:%u %s; the monitor writes the serial port itself until it is back\n",
	       pid, why);
}

err_t consvc_spawn_opts(struct spawn_opts *o, bool gift)
{
	void *va;
	err_t err;

	if (gift)
		return ERR_INVALID_ARG;
	if (sys_core_id() != 0 || !console_serving())
		return ERR_UNSUPPORTED;		/* only core 0 drives the port */
	if (attached || starting)
		return ERR_NAME_IN_USE;		/* one writer at a time */
	if (!ring) {
		if ((err = ram_retype(CPTR_TASKCN, CADDR_L2(T_CONRING), CAP_FRAME, CONRING_FRAME)))
			return err;
		if ((err = window_map(T_CONRING, CONRING_FRAME / 4096,
				      CAP_RIGHT_READ | CAP_RIGHT_WRITE, &va))) {
			cnode_delete(CPTR_TASKCN, CADDR_L2(T_CONRING));
			return err;
		}
		ring = va;
	}
	conring_reset(ring);
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

size_t consvc_put(const char *s, size_t n)
{
	uint64_t deadline = 0;
	size_t done = 0;

	while (attached && done < n) {
		if (!conring_sane(ring)) {
			detach("wrote a tail its ring cannot have");
			break;
		}
		done += conring_put(ring, s + done, n - done);
		if (done == n)
			break;
		/* Full: the service runs when this core is free. */
		uint64_t now = sys_clock_ns();
		if (!deadline) {
			deadline = now + CONSVC_STALL_NS;
		} else if (now > deadline) {
			detach("left its ring full for a second");
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
	       sys_clock_ns() < deadline)
		sys_yield();
	if (attached && ring->head != ring->tail)
		detach("did not drain its ring in time");
	consvc_report();
}

void consvc_proc_ending(const struct proc *p)
{
	if (attached && p->idx == pid)
		detach("ended");
	consvc_report();
}

bool consvc_attached(unsigned *out_pid)
{
	*out_pid = pid;
	return attached;
}
