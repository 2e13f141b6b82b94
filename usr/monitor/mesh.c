/*
 * The monitors' mesh: one URPC channel (lib/urpc.c) for each ordered pair
 * of cores, laid out in the frame every monitor is given (CPTR_MESH,
 * kpi/caps.h), and one doorbell per core (slot MESH_DOORBELL, kernel/
 * notify.c) bound to the monitor's endpoint. A sender writes its message
 * into the ring and rings the receiver's doorbell; the receiver, blocked
 * on its endpoint with its core halted, gets a notification and reads
 * every ring. It looks at the rings once more after binding its doorbell,
 * so a message sent before that is not missed.
 *
 * At boot every monitor but core 0's sends JOIN to core 0, which waits
 * until every core has joined and then pings each one (PING, answered by
 * PONG), printing the round trip in cycles: the mesh works both ways and
 * halted cores are woken by messages. Messages of a type the receiver does
 * not know, or malformed ones, are counted and dropped; the monitor goes
 * on serving.
 */
#include <stdio.h>
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/lmp.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include "lib/urpc.h"
#include "usr/monitor/monitor.h"

#define MESH_SLOTS	16	/* URPC_CHAN_BYTES(16) fits MESH_CHAN_BYTES */

enum { MSG_JOIN = 1, MSG_PING, MSG_PONG };

_Static_assert(URPC_CHAN_BYTES(MESH_SLOTS) <= MESH_CHAN_BYTES, "a channel fits its place");

static unsigned me, ncores;
static uint8_t *mesh;
static bool up;
static struct urpc_sender tx[MAX_MESH_CORES];
static struct urpc_receiver rx[MAX_MESH_CORES];
static bool joined[MAX_MESH_CORES];
static uint64_t pong_seq[MAX_MESH_CORES];
static unsigned dropped;
static bool rings_only;		/* mesh_rings_only */
static struct {
	uint32_t first, last;
	mesh_handler_t fn;
} handlers[MESH_HANDLERS];
static unsigned nhandlers;

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static void *chan(uint8_t *mesh, unsigned from, unsigned to)
{
	return mesh + ((size_t)from * ncores + to) * MESH_CHAN_BYTES;
}

err_t mesh_send(unsigned to, uint32_t type, const uint64_t *w, unsigned n)
{
	err_t err;

	if (!up || to >= ncores || to == me)
		return ERR_INVALID_ARG;
	while ((err = urpc_send(&tx[to], w, n, type)) == ERR_WOULD_BLOCK)
		sys_yield();
	return err ? err : kernel_notify(CPTR_KERNEL, to, MESH_DOORBELL);
}

static err_t send(unsigned to, uint32_t type, uint64_t w0)
{
	return mesh_send(to, type, &w0, 1);
}

err_t mesh_on(uint32_t first, uint32_t last, mesh_handler_t fn)
{
	if (first < MESH_USER_TYPES || last < first || !fn)
		return ERR_INVALID_ARG;
	for (unsigned i = 0; i < nhandlers; i++)
		if (first <= handlers[i].last && handlers[i].first <= last)
			return ERR_OVERLAP;
	if (nhandlers == MESH_HANDLERS)
		return ERR_TOO_MANY;
	handlers[nhandlers++] = (typeof(handlers[0])){ first, last, fn };
	return OK;
}

struct urpc_sender *mesh_tx(unsigned to)
{
	return up && to < ncores && to != me ? &tx[to] : NULL;
}

struct urpc_receiver *mesh_rx(unsigned from)
{
	return up && from < ncores && from != me ? &rx[from] : NULL;
}

void *mesh_spare(unsigned from, unsigned to, size_t *bytes)
{
	*bytes = MESH_CHAN_BYTES - URPC_CHAN_BYTES(MESH_SLOTS);
	return up && from < ncores && to < ncores && from != to ?
	       (uint8_t *)chan(mesh, from, to) + URPC_CHAN_BYTES(MESH_SLOTS) : NULL;
}

unsigned mesh_cores(void)
{
	return up ? ncores : 1;
}

static void handle(unsigned from, uint32_t type, const uint64_t *w, unsigned n)
{
	for (unsigned i = 0; i < nhandlers; i++)
		if (type >= handlers[i].first && type <= handlers[i].last) {
			if (handlers[i].fn(from, type, w, n) == OK)
				return;
			goto bad;
		}
	switch (type) {
	case MSG_JOIN:
		joined[from] = true;
		return;
	case MSG_PING:
		if (n == 1) {
			send(from, MSG_PONG, w[0]);
			return;
		}
		break;
	case MSG_PONG:
		if (n == 1) {
			pong_seq[from] = w[0];
			return;
		}
		break;
	}
bad:
	dropped++;
	printf("monitor: core %u: dropped a malformed message (type %u, %u words) from core %u\n",
	       me, type, n, from);
}

void mesh_poll(void)
{
	for (unsigned j = 0; up && j < ncores; j++) {
		uint64_t w[URPC_MAX_WORDS];
		unsigned n;
		uint32_t type;
		err_t err;

		if (j == me)
			continue;
		while ((err = urpc_recv(&rx[j], w, &n, &type)) != ERR_WOULD_BLOCK) {
			if (err == OK)
				handle(j, type, w, n);
			else
				dropped++;
		}
	}
}

err_t mesh_init(unsigned core)
{
	err_t err;

	me = core;
	ncores = kernel_cores(CPTR_KERNEL);
	if (ncores < 2)
		return OK;			/* alone: nothing to join */
	if (ncores > MAX_MESH_CORES)
		return ERR_TOO_MANY;
	if ((err = window_map_frame(CPTR_MESH, (void **)&mesh)))
		return err;
	for (unsigned j = 0; j < ncores; j++) {
		if (j == me)
			continue;
		if ((err = urpc_sender_init(&tx[j], chan(mesh, me, j), MESH_CHAN_BYTES, MESH_SLOTS)) ||
		    (err = urpc_receiver_init(&rx[j], chan(mesh, j, me), MESH_CHAN_BYTES, MESH_SLOTS)))
			return err;
	}
	if ((err = kernel_notify_bind(CPTR_KERNEL, T_FAULTEP, MESH_DOORBELL)))
		return err;
	up = true;
	mesh_poll();				/* what came before the binding */
	return me == 0 ? OK : send(0, MSG_JOIN, me);
}

bool mesh_serve_until(bool (*cond)(unsigned), unsigned arg, uint64_t deadline)
{
	struct lmp_msg m;

	for (;;) {
		while (!rings_only && monitor_recv(LMP_NONBLOCK, &m) == OK)
			supervisor_handle(&m);
		mesh_poll();
		console_pump();
		if (cond(arg))
			return true;
		uint64_t now = sys_clock_ns();
		if (now > deadline)
			return false;
		sys_sleep_until(now + 1000000 < deadline ? now + 1000000 : deadline);
	}
}

/*
 * Requests and their answers (remote.c, rcap.c, names.c): w[0] of both is
 * the request's id, w[1] of the answer its error. What a monitor does for
 * others while it waits only ever answers, with one exception: a request
 * from one of its own processes (moncall.c) may ask another core while an
 * ask of the monitor's own is outstanding. So outstanding asks are a
 * small stack, and an answer is matched by id against all of them.
 */
#define MESH_ASK_DEPTH		4

static uint64_t next_req = 1;
static struct ask {
	uint64_t id;
	uint64_t *answer;
	bool answered;
} *asks[MESH_ASK_DEPTH];
static unsigned nasks;

err_t mesh_answer(const uint64_t *w, unsigned n)
{
	if (n < 2)
		return ERR_BAD_MESSAGE;
	for (unsigned i = 0; i < nasks; i++)
		if (asks[i]->id == w[0] && !asks[i]->answered) {
			memcpy(asks[i]->answer, w, n * sizeof(w[0]));
			asks[i]->answered = true;
			return OK;
		}
	return ERR_BAD_MESSAGE;			/* no one asked, or asked already */
}

static bool got_answer(unsigned depth)
{
	return asks[depth]->answered;
}

err_t mesh_ask(unsigned core, uint32_t type, uint64_t *w, unsigned n, uint64_t *answer)
{
	struct ask a = { .id = next_req++, .answer = answer };
	err_t err;

	if (nasks == MESH_ASK_DEPTH)
		return ERR_TOO_MANY;
	w[0] = a.id;
	asks[nasks++] = &a;
	err = mesh_send(core, type, w, n);
	if (!err && !mesh_serve_until(got_answer, nasks - 1, sys_clock_ns() + MESH_WAIT_NS))
		err = ERR_TIMEOUT;		/* a late answer will be refused */
	nasks--;
	return err ? err : (err_t)answer[1];
}

void mesh_rings_only(bool on)
{
	rings_only = on;
}

static unsigned count_joined(void)
{
	unsigned n = 1;

	for (unsigned j = 1; j < ncores; j++)
		n += joined[j];
	return n;
}

#define MESH_PING_SPIN_NS	(100ull * 1000000)

static uint64_t want_seq;
static bool ponged(unsigned core)
{
	mesh_poll();
	return pong_seq[core] == want_seq;
}

err_t mesh_ping(unsigned core, uint64_t *cycles)
{
	err_t err;

	if (!up || core >= ncores || core == me)
		return ERR_INVALID_ARG;
	want_seq++;
	uint64_t t0 = rdtsc();
	if ((err = send(core, MSG_PING, want_seq)))
		return err;
	/* Poll for the answer first, so that the figure is the round trip and
	 * not the tick mesh_serve_until sleeps between looks. */
	uint64_t spin_end = sys_clock_ns() + MESH_PING_SPIN_NS;
	while (!ponged(core) && sys_clock_ns() < spin_end)
		__builtin_ia32_pause();
	if (!ponged(core) && !mesh_serve_until(ponged, core, sys_clock_ns() + MESH_WAIT_NS))
		return ERR_TIMEOUT;
	*cycles = rdtsc() - t0;
	return OK;
}

/* A core whose kernel did not start, or whose monitor died first, never
 * joins: core 0 waits for joins (sleeping a tick between looks, not
 * blocking, so that the wait can end) at most MESH_JOIN_WAIT_NS. */
#define MESH_JOIN_WAIT_NS	(30ull * 1000000000)

static bool all_joined(unsigned unused)
{
	return count_joined() == ncores;
}

unsigned mesh_join_all(void)
{
	if (!up)
		return 1;
	mesh_serve_until(all_joined, 0, sys_clock_ns() + MESH_JOIN_WAIT_NS);
	for (unsigned j = 1; j < ncores; j++)
		if (!joined[j])
			printf("monitor: core %u did not join within %llu s\n", j,
			       (unsigned long long)(MESH_JOIN_WAIT_NS / 1000000000));
	return count_joined();
}

bool mesh_joined(unsigned core)
{
	return core < ncores && (core == me || joined[core]);
}
