/*
 * The monitor's half of the event trace (docs/trace.md). Each monitor
 * records what it does (URPC messages on the mesh) in a ring of its own,
 * and reads its kernel's ring through a read-only frame (CPTR_TRACE).
 * Asked through MON_TRACE, it takes a snapshot of both rings (the newest
 * events of each), and later prints the snapshot on the console, one line
 * per event, for tools/trace.py. Snapshot and print are two requests so
 * that the shell can take every core's snapshot before any core prints:
 * printing sends console text over the mesh, and those messages would
 * otherwise fill the rings being read.
 *
 * `trace=off` on the kernel command line: neither the kernel nor the
 * monitors record anything.
 */
#include <stdio.h>
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/monitor.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include "lib/trace.h"
#include "monitor.h"

#define OWN_ORDER	10	/* 1024 events of the monitor's own */

static uint64_t own_mem[TRACE_RING_BYTES(OWN_ORDER) / 8] __attribute__((aligned(64)));
static struct trace_ring *own;		/* NULL: not recording */
static const struct trace_ring *kring;	/* the kernel's, read-only; NULL: none */
static size_t kring_bytes;
static unsigned me;

/* TSC and clock read together, at start and at the snapshot: the tool
 * converts cycles to time with them (no frequency is assumed). */
struct anchor {
	uint64_t tsc, ns;
};
static struct anchor start;

/* The snapshot: its events go in a frame of their own (T_TRACEBUF, 256
 * KiB), made and mapped on the first request, so that a monitor that is
 * never asked, and a small core, do not pay for it. */
#define SNAP_BYTES	(2 * MON_TRACE_MAX * sizeof(struct trace_event))

static struct {
	struct anchor at;
	struct trace_event *ev;		/* 2 * MON_TRACE_MAX, or NULL: not made */
	unsigned n;
	uint64_t lost_kernel, lost_own;
	bool taken;
} snap;

static struct anchor anchor_now(void)
{
	struct anchor a;

	a.tsc = trace_tsc();
	a.ns = sys_clock_ns();
	return a;
}

err_t mtrace_init(unsigned core, const char *cmdline)
{
	char value[8];
	struct cap_info ci;
	void *va;
	err_t err;

	me = core;
	start = anchor_now();
	if (cmdline_find(cmdline, "trace", value, sizeof(value)) == OK && !strcmp(value, "off"))
		return OK;
	if ((err = trace_ring_init(own_mem, sizeof(own_mem))))
		return err;
	own = (struct trace_ring *)own_mem;
	/* The kernel's ring, if it kept one. */
	if (cap_identify(CPTR_TRACE, &ci) != OK)
		return OK;
	if (ci.type != CAP_FRAME)
		return ERR_CAP_WRONG_TYPE;
	if ((err = window_map(CPTR_TRACE, (unsigned)(ci.size / 4096), CAP_RIGHT_READ, &va)))
		return err;
	kring = va;
	kring_bytes = ci.size;
	return OK;
}

struct trace_ring *mtrace_ring(void)
{
	return own;
}

/* The newest `count` events of ring r (at most), oldest first, into out;
 * how many in *n, how many it had lost before those in *lost. */
static err_t newest(const struct trace_ring *r, size_t bytes, unsigned count,
		    struct trace_event *out, unsigned *n, uint64_t *lost)
{
	uint64_t written = __atomic_load_n(&r->written, __ATOMIC_ACQUIRE);
	uint64_t next = written > count ? written - count : 0;
	uint64_t missed = 0;
	long got = trace_read(r, bytes, &next, out, count, &missed);

	if (got < 0)
		return (err_t)-got;
	*n = (unsigned)got;
	*lost = written - (uint64_t)got;	/* everything older was not kept */
	return OK;
}

/* MON_TRACE_SNAP: the newest `count` events of each ring. */
static err_t take(unsigned count, uint64_t *r)
{
	unsigned nk = 0, no = 0;
	err_t err;

	if (!own)
		return ERR_UNSUPPORTED;		/* trace=off */
	if (count == 0 || count > MON_TRACE_MAX)
		return ERR_INVALID_ARG;
	if (!snap.ev) {
		void *va;

		if ((err = ram_retype(CPTR_TASKCN, CADDR_L2(T_TRACEBUF), CAP_FRAME, SNAP_BYTES)) ||
		    (err = window_map(T_TRACEBUF, SNAP_BYTES / 4096, CAP_RIGHT_READ | CAP_RIGHT_WRITE,
				      &va)))
			return err;
		snap.ev = va;
	}
	snap.at = anchor_now();
	snap.lost_kernel = snap.lost_own = 0;
	if (kring && (err = newest(kring, kring_bytes, count, snap.ev, &nk, &snap.lost_kernel)))
		return err;
	if ((err = newest(own, sizeof(own_mem), count, snap.ev + nk, &no, &snap.lost_own)))
		return err;
	snap.n = nk + no;
	snap.taken = true;
	r[1] = snap.n;
	r[2] = snap.lost_kernel + snap.lost_own;
	return OK;
}

/* MON_TRACE_PRINT: the snapshot, a line per event (docs/trace.md has the
 * format). The monitor's own ring is paused meanwhile: the console text
 * this sends would otherwise crowd out what it recorded. */
static err_t print(uint64_t *r)
{
	if (!snap.taken)
		return ERR_NOT_FOUND;
	own->paused = 1;
	printf("trace %u clock %llx %llu %llx %llu\n", me, (unsigned long long)start.tsc,
	       (unsigned long long)start.ns, (unsigned long long)snap.at.tsc,
	       (unsigned long long)snap.at.ns);
	printf("trace %u kept %u lost kernel %llu monitor %llu\n", me, snap.n,
	       (unsigned long long)snap.lost_kernel, (unsigned long long)snap.lost_own);
	for (unsigned i = 0; i < snap.n; i++) {
		const struct trace_event *e = &snap.ev[i];
		const char *kind = trace_kind_name(e->kind);

		if (!kind || e->kind == TRACE_NONE)
			printf("trace %u bad %x\n", me, e->kind);
		else
			printf("trace %u %s %llx %x %llx %llx\n", e->core, kind,
			       (unsigned long long)e->tsc, e->a, (unsigned long long)e->b,
			       (unsigned long long)e->c);
	}
	printf("trace %u end %u\n", me, snap.n);
	own->paused = 0;
	snap.taken = false;
	r[1] = snap.n;
	return OK;
}

err_t mtrace_request(uint64_t op, uint64_t count, uint64_t *r)
{
	switch (op) {
	case MON_TRACE_SNAP:
		return take((unsigned)(count > MON_TRACE_MAX ? 0 : count), r);
	case MON_TRACE_PRINT:
		return own ? print(r) : ERR_UNSUPPORTED;
	}
	return ERR_INVALID_ARG;
}
