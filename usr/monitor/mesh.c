/*
 * The monitors' mesh: one URPC channel (lib/urpc.c) for each ordered pair
 * of cores, laid out in the frames every monitor is given (CPTR_MESH(i),
 * kpi/caps.h), and one doorbell per core (slot MESH_DOORBELL, kernel/
 * notify.c) bound to the monitor's endpoint. A sender writes its message
 * into the ring and rings the receiver's doorbell; the receiver, blocked
 * on its endpoint with its core halted, gets a notification and reads
 * every ring. It looks at the rings once more after binding its doorbell,
 * so a message sent before that is not missed.
 *
 * Monitors speak one interface, if/intermon.if, with one binding per peer
 * core over the two channels to and from it (the URPC transport of
 * lib/idl_urpc.h; notify rings the peer's doorbell). Every file of the
 * monitor that speaks it fills its fields of mesh_handlers in its init,
 * and mesh_poll receives from every peer and dispatches with them. What
 * the runtime refuses (malformed fragments or fields), what no handler
 * takes and what a handler refuses (an answer nobody asked for, a
 * request that makes no sense) is dropped, counted per peer and
 * reported; the monitor goes on serving. Messages that are not
 * fragments (make bench's, meshbench.c) reach the transport's `other`
 * hook and the handler mesh_on gave their types.
 *
 * At boot every monitor but core 0's sends join to core 0, which waits
 * until every core has joined and then pings each one (ping, answered by
 * pong), printing the round trip in cycles: the mesh works both ways and
 * halted cores are woken by messages.
 */
#include <stdio.h>
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/lmp.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include "lib/idl_urpc.h"
#include "lib/urpc.h"
#include "usr/monitor/monitor.h"

#define MESH_SLOTS	16	/* URPC_CHAN_BYTES(16) fits MESH_CHAN_BYTES */

_Static_assert(URPC_CHAN_BYTES(MESH_SLOTS) <= MESH_CHAN_BYTES, "a channel fits its place");
_Static_assert(MESH_MAX_FRAMES <= WINDOW_FRAMES_MAX, "the window maps every frame of the mesh");

static unsigned me, ncores;
static uint8_t *mesh;
static bool up;
static struct urpc_sender tx[MAX_MESH_CORES];
static struct urpc_receiver rx[MAX_MESH_CORES];
static struct urpc_trace ttx[MAX_MESH_CORES], trx[MAX_MESH_CORES];	/* trace.c */
static struct idl_urpc tp[MAX_MESH_CORES];
static struct if_intermon_binding peer[MAX_MESH_CORES];
static bool joined[MAX_MESH_CORES];
static uint64_t pong_seq[MAX_MESH_CORES];
static uint64_t dropped[MAX_MESH_CORES];	/* messages from each core dropped */
static bool rings_only;		/* mesh_rings_only */
static struct {
	uint32_t first, last;
	mesh_handler_t fn;
} handlers[MESH_HANDLERS];
static unsigned nhandlers;

struct if_intermon_handlers mesh_handlers;

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

/*
 * The binding of a core that is not a peer (this one, one out of range,
 * any while the mesh is down): sending on it says ERR_INVALID_ARG, so
 * callers need not check the core before they send.
 */
static err_t nowhere_send(void *unused, const struct idl_frag *f)
{
	return ERR_INVALID_ARG;
}

static err_t nowhere_recv(void *unused, struct idl_frag *f, bool block)
{
	return ERR_INVALID_ARG;
}

static const struct idl_transport nowhere_transport = {
	.name = "nowhere",
	.frag_words = URPC_MAX_WORDS,
	.frag_words_cap = URPC_MAX_WORDS,
	.send = nowhere_send,
	.recv = nowhere_recv,
};
static struct if_intermon_binding nowhere;

struct idl_binding *mesh_to(unsigned core)
{
	return up && core < ncores && core != me ? &peer[core].b : &nowhere.b;
}

unsigned mesh_peer(const struct idl_binding *b)
{
	return (unsigned)(uintptr_t)b->user;
}

uint64_t mesh_dropped(unsigned core)
{
	return core < MAX_MESH_CORES ? dropped[core] : 0;
}

uint64_t mesh_sent(void)
{
	uint64_t n = 0;

	for (unsigned j = 0; up && j < ncores; j++)
		if (j != me)
			n += tx[j].sent;
	return n;
}

static void drop(unsigned from, const char *what, err_t err)
{
	dropped[from]++;
	printf("monitor: core %u: dropped %s from core %u: %s\n", me, what, from, err_name(err));
}

err_t mesh_send(unsigned to, uint32_t type, const uint64_t *w, unsigned n)
{
	err_t err;

	if (!up || to >= ncores || to == me)
		return ERR_INVALID_ARG;
	while ((err = urpc_send(&tx[to], w, n, type)) == ERR_WOULD_BLOCK)
		sys_yield();
	return err ? err : kernel_notify(CPTR_DOORBELL, to, MESH_DOORBELL);
}

err_t mesh_on(uint32_t first, uint32_t last, mesh_handler_t fn)
{
	/* Below the fragments' types, which the transport never hands over. */
	if (first < MESH_USER_TYPES || last < first || !fn ||
	    last >> IDL_HDR_MAGIC_SHIFT >= IDL_HDR_MAGIC)
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

/* The transport's `other` hook: a message from core `from` that is no
 * fragment goes to the handler of its type. */
static void other(void *arg, uint32_t type, const uint64_t *w, unsigned n)
{
	unsigned from = (unsigned)(uintptr_t)arg;
	err_t err = ERR_UNSUPPORTED;

	for (unsigned i = 0; i < nhandlers; i++)
		if (type >= handlers[i].first && type <= handlers[i].last) {
			if ((err = handlers[i].fn(from, type, w, n)) == OK)
				return;
			break;
		}
	dropped[from]++;
	printf("monitor: core %u: dropped a raw message (type %#x, %u words) from core %u: %s\n",
	       me, type, n, from, err_name(err));
}

/*
 * Whether core `core`'s monitor polls its rings (mesh_polling): the last
 * line of the spare bytes of its channel to one other core, which only it
 * writes (meshbench uses the first).
 */
static volatile uint64_t *polling_word(unsigned core)
{
	size_t bytes;
	uint8_t *spare = mesh_spare(core, core == 0 ? 1 : 0, &bytes);

	return spare && bytes >= URPC_LINE ? (volatile uint64_t *)(spare + bytes - URPC_LINE) : NULL;
}

void mesh_polling(bool on)
{
	volatile uint64_t *w = polling_word(me);

	if (w)
		*w = on;
	/* Seen before this core looks at its rings again (see ring). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/*
 * Wakes core j, whose monitor may be blocked on its endpoint, unless it
 * says it polls. The message is in j's ring already; the fence orders that
 * write before the look at j's word, as mesh_polling orders j's clearing
 * of its word before its next look at the rings, so either j sees the
 * message or this sees the word clear and rings (Dekker's argument).
 */
static void ring(void *arg)
{
	unsigned j = (unsigned)(uintptr_t)arg;
	volatile uint64_t *w = polling_word(j);

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (w && *w)
		return;
	kernel_notify(CPTR_DOORBELL, j, MESH_DOORBELL);
}

/*
 * The bindings' wait hook. IDL_WAIT_SEND: the peer's ring is full; it
 * drains it when it runs (`ring` has just woken it), so yield rather
 * than block: room comes with no doorbell here. IDL_WAIT_RECV: only a
 * blocking rpc call waits for a reply, and intermon has none.
 */
static err_t wait_hook(struct idl_binding *b, enum idl_wait why)
{
	if (why != IDL_WAIT_SEND)
		return ERR_UNSUPPORTED;
	sys_yield();
	return OK;
}

static void poll_peer(unsigned j)
{
	struct idl_binding *b = &peer[j].b;
	struct if_intermon_msg m;
	err_t err;

	/* A handler may wait (mesh_ask) and so poll this binding again
	 * inside this loop: each message is received whole and dispatched
	 * before the next, and strings point into the binding's buffer only
	 * until the next receive (the handlers that wait copy them first). */
	while ((err = if_intermon_recv(b, &m)) != ERR_WOULD_BLOCK) {
		if (err == ERR_BAD_MESSAGE) {
			drop(j, "a malformed message", err);
			continue;
		}
		if (err)
			return;			/* not a peer: nothing to read */
		if ((err = if_intermon_dispatch(b, &m, &mesh_handlers))) {
			char what[48];
			snprintf(what, sizeof(what), "message %s",
				 if_intermon_iface.msgs[m.num].name);
			drop(j, what, err);
		}
	}
}

void mesh_poll(void)
{
	for (unsigned j = 0; up && j < ncores; j++)
		if (j != me)
			poll_peer(j);
}

static err_t on_join(struct idl_binding *b, uint32_t core)
{
	if (core != mesh_peer(b))
		return ERR_BAD_MESSAGE;		/* a core joins for itself */
	joined[core] = true;
	return OK;
}

static err_t on_ping(struct idl_binding *b, uint64_t seq)
{
	return if_intermon_pong_send(b, seq);
}

static err_t on_pong(struct idl_binding *b, uint64_t seq)
{
	pong_seq[mesh_peer(b)] = seq;
	return OK;
}

static err_t on_drops(struct idl_binding *b, uint64_t id)
{
	return if_intermon_drops_r_send(b, id, OK, dropped[mesh_peer(b)]);
}

static err_t on_drops_r(struct idl_binding *b, uint64_t id, err_t status, uint64_t count)
{
	struct mesh_ask *a = mesh_answer(b, IF_INTERMON_DROPS_R, id, status);

	if (!a)
		return ERR_BAD_MESSAGE;
	*(uint64_t *)a->out = count;
	return OK;
}

/*
 * Maps the mesh's frames one after another (kpi/caps.h): as many as
 * ncores * ncores channels need, each MESH_FRAME_BYTES but the last. A
 * frame missing or of another size is refused: the channels would not be
 * where the other monitors look for them.
 */
static err_t map_mesh(void)
{
	size_t bytes = (size_t)ncores * ncores * MESH_CHAN_BYTES;
	unsigned n = (unsigned)((bytes + MESH_FRAME_BYTES - 1) / MESH_FRAME_BYTES);
	capaddr_t frames[MESH_MAX_FRAMES];

	for (unsigned i = 0; i < n; i++) {
		size_t want = i + 1 < n ? MESH_FRAME_BYTES :
			      (bytes - (size_t)i * MESH_FRAME_BYTES + 4095) & ~(size_t)4095;
		struct cap_info ci;
		err_t err = cap_identify(CPTR_MESH(i), &ci);
		if (err)
			return err;
		if (ci.type != CAP_FRAME)
			return ERR_CAP_WRONG_TYPE;
		if (ci.size != want)
			return ERR_INVALID_ARG;
		frames[i] = CPTR_MESH(i);
	}
	return window_map_frames(frames, n, (void **)&mesh);
}

/* Binds core j's channels: the rings, then the interface over them. */
static err_t bind_peer(unsigned j)
{
	err_t err;

	if ((err = urpc_sender_init(&tx[j], chan(mesh, me, j), MESH_CHAN_BYTES, MESH_SLOTS)) ||
	    (err = urpc_receiver_init(&rx[j], chan(mesh, j, me), MESH_CHAN_BYTES, MESH_SLOTS)) ||
	    (err = idl_urpc_init(&tp[j], &tx[j], &rx[j])))
		return err;
	if (mtrace_ring()) {	/* each message on the trace, named by its channel */
		ttx[j] = (struct urpc_trace){ mtrace_ring(), me, TRACE_FLOW_CHAN(me, j, 0) };
		trx[j] = (struct urpc_trace){ mtrace_ring(), me, TRACE_FLOW_CHAN(j, me, 0) };
		tx[j].trace = &ttx[j];
		rx[j].trace = &trx[j];
	}
	tp[j].notify = ring;
	tp[j].other = other;
	tp[j].arg = (void *)(uintptr_t)j;
	if ((err = if_intermon_init(&peer[j], &idl_urpc_transport, &tp[j], wait_hook)))
		return err;
	peer[j].b.user = (void *)(uintptr_t)j;
	return OK;
}

err_t mesh_init(unsigned core)
{
	err_t err;

	me = core;
	if ((err = if_intermon_init(&nowhere, &nowhere_transport, NULL, NULL)))
		return err;
	mesh_handlers.join = on_join;
	mesh_handlers.ping = on_ping;
	mesh_handlers.pong = on_pong;
	mesh_handlers.drops = on_drops;
	mesh_handlers.drops_r = on_drops_r;
	ncores = kernel_cores(CPTR_INFO);
	if (ncores < 2)
		return OK;			/* alone: nothing to join */
	if (ncores > MAX_MESH_CORES)
		return ERR_TOO_MANY;
	if ((err = map_mesh()))
		return err;
	for (unsigned j = 0; j < ncores; j++)
		if (j != me && (err = bind_peer(j)))
			return err;
	if ((err = kernel_notify_bind(CPTR_DOORBELL, T_FAULTEP, MESH_DOORBELL)))
		return err;
	up = true;
	mesh_poll();				/* what came before the binding */
	return me == 0 ? OK : if_intermon_join_send(mesh_to(0), me);
}

bool mesh_serve_until(bool (*cond)(unsigned), unsigned arg, uint64_t deadline)
{
	struct lmp_msg m;

	for (;;) {
		while (!rings_only && monitor_recv(LMP_NONBLOCK, &m) == OK)
			supervisor_handle(&m);
		mesh_poll();
		console_pump();
		rcap_collect();			/* what an ended process let go (rcap.c) */
		if (cond(arg))
			return true;
		uint64_t now = sys_clock_ns();
		if (now > deadline)
			return false;
		sys_sleep_until(now + 1000000 < deadline ? now + 1000000 : deadline);
	}
}

/*
 * Requests and their answers (remote.c, rcap.c, names.c, ...): the
 * request carries a fresh id, its answer echoes it. What a monitor does
 * for others while it waits mostly answers, but a handler may ask in
 * turn: a request from one of its own processes (moncall.c) may ask
 * another core while an ask of the monitor's own is outstanding; an
 * owner asked to relay an object (rcap.c) sends the import and waits for
 * its answer; and handlers that end processes or channels (on_kill,
 * on_unbind, on_bind's names) wait for revokes and agreements. So
 * outstanding asks
 * are a small stack, and an answer is matched by its core, its message
 * and its id against all of them.
 */
#define MESH_ASK_DEPTH		4

static uint64_t next_req = 1;
static struct mesh_ask *asks[MESH_ASK_DEPTH];
static unsigned nasks;

struct mesh_ask *mesh_answer(struct idl_binding *b, unsigned answer, uint64_t id, err_t status)
{
	for (unsigned i = 0; i < nasks; i++) {
		struct mesh_ask *a = asks[i];
		if (a->id == id && a->core == mesh_peer(b) && a->answer == answer && !a->answered) {
			a->answered = true;
			a->status = status;
			return a;
		}
	}
	return NULL;				/* no one asked, or asked already */
}

static bool got_answer(unsigned depth)
{
	return asks[depth]->answered;
}

err_t mesh_ask(struct mesh_ask *a, unsigned core, unsigned answer, void *out)
{
	if (!up || core >= ncores || core == me)
		return ERR_INVALID_ARG;
	if (nasks == MESH_ASK_DEPTH)
		return ERR_TOO_MANY;
	*a = (struct mesh_ask){ .id = next_req++, .core = core, .answer = answer, .out = out };
	asks[nasks++] = a;
	return OK;
}

err_t mesh_await(struct mesh_ask *a, err_t sent)
{
	err_t err = sent;

	if (!err && !mesh_serve_until(got_answer, nasks - 1, sys_clock_ns() + MESH_WAIT_NS))
		err = ERR_TIMEOUT;		/* a late answer will be refused */
	nasks--;
	return err ? err : a->status;
}

err_t mesh_drops(unsigned core, uint64_t *count)
{
	struct mesh_ask a;
	err_t err;

	if ((err = mesh_ask(&a, core, IF_INTERMON_DROPS_R, count)))
		return err;
	return mesh_await(&a, if_intermon_drops_send(mesh_to(core), a.id));
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
	if ((err = if_intermon_ping_send(mesh_to(core), want_seq)))
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
