/*
 * The campaign's driver: the service's supervisor, the injector, and
 * the books of every request (faults.h).
 *
 * The supervisor is a tree of usr/lib/superv.c in this process, its
 * child given in init's spec syntax (FLT_SPEC: permanent, heartbeats
 * on), so that the restart count the final line gives is the
 * supervisor's own (svr_row), read beside the injector's count; init's
 * tree cannot tell another process more than 255 restarts.
 *
 * One injection at a time, each at a random moment (seeded: the same
 * seed gives the same choices) once the running instance has answered
 * every client, so that a request a new instance drops is never hidden
 * by the next injection: its client's deadline finds it.
 *
 * The books: each client's reports (T_END) must name its requests in
 * order, one end each. A seq skipped, or never ended by the client's
 * last (T_DONE), is lost; an end for a seq that has already ended is a
 * duplicate; an error must name an instance the injector hit, or the
 * request vanished in a running service and is lost too.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/monitor.h>
#include <flotilla/superv.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/uchan.h>
#include "faults.h"

#define D_EP		CADDR(TASK_CN, 40)
#define D_FRAME(i)	CADDR(TASK_CN, 44 + 2 * (i))
#define D_BELL(i)	CADDR(TASK_CN, 45 + 2 * (i))
#define D_CTL		CADDR(TASK_CN, 41)	/* closing a retired client's channel */
#define D_MAX		64		/* client channels open at once */
#define D_RECENT	256		/* injected instances remembered */
#define D_SAY		5		/* problems printed of each kind */
/* A phase that does not end in this long is a hang, not a slow machine:
 * a restart takes a heartbeat bound (2 s) at most, an answer ms. */
#define D_STUCK_NS	(120ull * 1000 * 1000 * 1000)

struct book {
	bool used;
	struct uchan ch;
	struct mon_binding b;
	unsigned core;
	uint64_t next;		/* the seq whose end comes next */
	uint64_t answered_at;	/* the instance of its last answer */
	bool done;
};

static struct book books[D_MAX];
static unsigned nclients, accepted, retired;
static uint64_t answered, errored, lost, dups, wrong;
static uint64_t recent[D_RECENT];
static unsigned injected, by_kind[FLT_KINDS];
static uint64_t rng;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static bool was_injected(uint64_t inst)
{
	for (unsigned i = 0; i < D_RECENT && i < injected; i++)
		if (recent[i] == inst)
			return true;
	return false;
}

static void problem(uint64_t *count, const char *what, unsigned b, uint64_t seq, uint64_t inst)
{
	if (++*count <= D_SAY)
		printf("faults: client on core %u: request %llu %s (instance %llx)\n", books[b].core,
		       (unsigned long long)seq, what, (unsigned long long)inst);
}

/* One report from client b. */
static void post(unsigned b, const uint64_t *w, unsigned n, uint32_t type)
{
	struct book *k = &books[b];

	if (type == T_DONE && n == 2) {
		if (w[0] >= k->next) {	/* sent, never ended: lost */
			problem(&lost, "and those after it never ended", b, k->next, 0);
			lost += w[0] - k->next;	/* problem() counted one */
		}
		k->done = true;
		retired += w[1] != 0;
		return;
	}
	if (type != T_END || n != 3) {
		printf("faults: client on core %u: a malformed report (type %u, %u words)\n",
		       k->core, type, n);
		wrong++;
		return;
	}
	uint64_t seq = w[0], how = w[1], inst = w[2];
	if (seq < k->next) {
		problem(&dups, "ended twice", b, seq, inst);
		return;
	}
	if (seq > k->next) {
		problem(&lost, "never ended", b, k->next, 0);
		lost += seq - k->next - 1;
	}
	k->next = seq + 1;
	if (how == FLT_ANSWERED) {
		answered++;
		k->answered_at = inst;
	} else if (how == FLT_ERR_RESTART && was_injected(inst)) {
		errored++;
	} else if (how == FLT_ERR_RESTART) {
		problem(&lost, "errored at an instance nobody injected", b, seq, inst);
	} else if (how == FLT_ERR_LOST) {
		problem(&lost, "got no answer from its running instance", b, seq, inst);
	} else {
		problem(&wrong, "got a wrong answer", b, seq, inst);
	}
}

static void start_client(unsigned core)
{
	unsigned pid;
	err_t err = mon_spawn("faults", core, FLT_CLIENT | (uint64_t)nclients << 4, &pid);

	if (err)
		printf("faults: cannot start a client on core %u: %s\n", core, err_name(err));
	else
		nclients++;
}

/* Closes the channel of a client that has finished, so that its slots
 * and both monitors' records of the channel serve the next client (a
 * monitor has few: BINDINGS in usr/monitor/bind.c). */
static void close_book(unsigned i)
{
	if (mon_binding_ctl(&books[i].b, D_EP, D_CTL) == OK)
		mon_unbind(D_CTL);
	cnode_delete(CPTR_TASKCN, CADDR_L2(D_CTL));
	cnode_delete(CPTR_TASKCN, CADDR_L2(D_FRAME(i)));
	cnode_delete(CPTR_TASKCN, CADDR_L2(D_BELL(i)));
	books[i].used = false;
}

/* Takes new clients' channels and every report waiting. */
static void serve(unsigned svc, bool stopping)
{
	uint64_t w[URPC_MAX_WORDS];
	unsigned n;
	uint32_t type;

	for (unsigned i = 0; i < D_MAX; i++) {
		struct book *k = &books[i];
		if (k->used)
			continue;
		if (mon_accept(svc, D_EP, D_FRAME(i), D_BELL(i), &k->b) != OK)
			break;
		if (uchan_open_binding(&k->ch, &k->b, D_FRAME(i), D_EP, D_BELL(i)) == OK) {
			memset(&k->next, 0, sizeof(*k) - offsetof(struct book, next));
			k->used = true;
			k->core = k->b.peer_core;
			k->next = 1;
			accepted++;
			if (stopping)	/* a successor that came late */
				uchan_send(&k->ch, NULL, 0, T_STOP);
		}
	}
	for (unsigned i = 0; i < D_MAX; i++)
		while (books[i].used && !books[i].done &&
		       urpc_recv(&books[i].ch.d.rx, w, &n, &type) == OK) {
			post(i, w, n, type);
			if (!books[i].done || stopping)
				continue;
			/* A client that retires (its window is full) has a
			 * successor on its core. */
			start_client(books[i].core);
			close_book(i);
		}
}

/* Every client's last answer came from instance inst. */
static bool all_answered_by(uint64_t inst)
{
	unsigned live = 0;

	for (unsigned i = 0; i < D_MAX; i++)
		if (books[i].used && !books[i].done && ++live && books[i].answered_at != inst)
			return false;
	return live > 0;
}

static bool service_row(struct svr_row *row)
{
	return svr_row(1, row) == OK && row->has_proc && row->state == SV_C_RUNNING;
}

int flt_driver(unsigned n, uint32_t seed)
{
	static struct sv_spec spec;
	unsigned ncores = 1, svc;
	char spec_text[48], why[128];
	struct svr_row row;
	int node;
	err_t err;

	mon_cores(&ncores);
	rng = seed * 0x9E3779B97F4A7C15ull | 1;
	printf("faults: %u injections, seed %u (replay: faults=%u,%u), %u clients\n", n, seed, n,
	       seed, ncores);
	/* The service on core 1 (0 on one core): the driver's core stays
	 * free for the books. */
	snprintf(spec_text, sizeof(spec_text), "faults:%u@%u/permanent/hb=%u", FLT_SERVICE,
		 ncores > 1, FLT_HB_MS);
	strlcpy(spec.name, "faults", sizeof(spec.name));
	spec.nchildren = 1;
	if (sv_parse_flags("one_for_one:64/1", &spec, why, sizeof(why)) ||
	    sv_parse_child(spec_text, &spec.child[0], why, sizeof(why))) {
		printf("faults: FAIL: bad supervisor spec: %s\n", why);
		return 1;
	}
	strlcpy(spec.child[0].name, "service", sizeof(spec.child[0].name));
	spec.child[0].rt_flags = MON_SPAWN_RAM_1M;
	if ((err = ram_retype(CPTR_TASKCN, CADDR_L2(D_EP), CAP_ENDPOINT, 0)) ||
	    (err = mon_export(FLT_CTL, D_EP, &svc))) {
		printf("faults: FAIL: cannot export '%s': %s\n", FLT_CTL, err_name(err));
		return 1;
	}
	svr_init("faults", 0);
	if ((err = svr_add(&spec, -1, 0, &node))) {
		printf("faults: FAIL: cannot build the tree: %s\n", err_name(err));
		return 1;
	}
	svr_start(sys_clock_ns());
	for (unsigned c = 0; c < ncores; c++)
		start_client(c);

	enum { READY, RESTARTING, STOPPING } phase = READY;
	uint64_t since = sys_clock_ns(), inst = 0, inject_at = 0, poll_at = 0;
	const char *stuck = NULL;
	while (!stuck) {
		uint64_t now = sys_clock_ns();
		struct ns_entry gen;

		if (now >= poll_at) {
			svr_poll(now);
			poll_at = svr_wake_at(now);
		}
		serve(svc, phase == STOPPING);
		bool have_gen = ns_lookup(FLT_GEN, &gen) == OK;
		if (phase == READY && have_gen && service_row(&row) && row.restarts == injected &&
		    all_answered_by(gen.value)) {
			if (injected == n) {
				for (unsigned i = 0; i < D_MAX; i++)
					if (books[i].used && !books[i].done)
						uchan_send(&books[i].ch, NULL, 0, T_STOP);
				phase = STOPPING;
				since = now;
				continue;
			}
			if (!inject_at && injected && injected % 500 == 0)	/* a long run's progress */
				printf("faults: %u injected, restarts %u, requests %llu answered, %llu errored, %llu lost so far\n",
				       injected, row.restarts, (unsigned long long)answered,
				       (unsigned long long)errored, (unsigned long long)lost);
			if (!inject_at)
				inject_at = now + rnd() % 50000000;	/* within 50 ms */
			if (now >= inject_at) {
				unsigned kind = (unsigned)(rnd() % FLT_KINDS);
				inst = gen.value;
				recent[injected++ % D_RECENT] = inst;
				by_kind[kind]++;
				if (kind == FLT_KILL) {
					err = mon_kill(row.core, row.pid);
				} else {
					ns_remove(FLT_CMD);
					err = ns_register(FLT_CMD, inst << 8 | kind);
				}
				if (err)
					printf("faults: injection %u (kind %u) failed: %s\n", injected,
					       kind, err_name(err));
				phase = RESTARTING;
				inject_at = 0;
				since = now;
			}
		} else if (phase == RESTARTING && have_gen && gen.value != inst) {
			phase = READY;
			since = now;
		} else if (phase == STOPPING) {
			bool all = accepted == nclients;	/* successors included */
			for (unsigned i = 0; i < D_MAX; i++)
				all &= !books[i].used || books[i].done;
			if (all)
				break;
		}
		if (service_row(&row) && row.restarts > injected) {
			stuck = "the supervisor restarted the service more often than it was injected";
			break;
		}
		if (now - since > D_STUCK_NS)
			stuck = phase == READY ? "the service never answered every client" :
				phase == RESTARTING ? "the service was never restarted" :
				"the clients never finished";
		sys_sleep_until(now + 1000000);
	}
	/* The restart count is the supervisor's, read before the service
	 * is killed for good (the tree is not polled again). */
	unsigned restarts = svr_row(1, &row) == OK ? row.restarts : 0;
	if (row.has_proc)
		mon_kill(row.core, row.pid);
	printf("faults: by kind: kill %u, #DE %u, #PF %u, #GP %u, #UD %u, #BP %u, hang %u; %u clients (%u retired)\n",
	       by_kind[0], by_kind[1], by_kind[2], by_kind[3], by_kind[4], by_kind[5], by_kind[6],
	       nclients, retired);
	printf("faults: injected %u, restarts %u, requests %llu answered, %llu errored, %llu lost\n",
	       injected, restarts, (unsigned long long)answered, (unsigned long long)errored,
	       (unsigned long long)lost);
	bool ok = !stuck && injected == n && restarts == injected && !lost && !dups && !wrong &&
		  answered > 0;
	if (ok) {
		printf("faults: PASS: every request ended once; one restart per injection\n");
		return 0;
	}
	printf("faults: FAIL:%s%s%s%s%s%s\n", stuck ? " stuck: " : "", stuck ? stuck : "",
	       restarts != injected ? " the supervisor's restarts differ from the injections;" : "",
	       lost ? " requests lost;" : "", dups ? " requests ended twice;" : "",
	       wrong ? " wrong answers or reports;" : "");
	if (dups)
		printf("faults: %llu requests ended twice\n", (unsigned long long)dups);
	return 1;
}
