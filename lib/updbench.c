/*
 * Shared memory beside messages for updating shared state (the
 * Multikernel paper's Figure 3), one source for every system
 * (lib/updbench.h says who calls it and what it prints).
 *
 * Jobs. Core 0 drives: it writes a job (kind, k, N, the server) into the
 * shared struct and bumps `gen`; every other worker, which has been
 * waiting for a new gen, copies the job, runs its part if it has one,
 * leaves its result and counts itself in `done`. Core 0 posts the next
 * job only once every worker has counted itself, so nobody ever reads a
 * job while core 0 writes the next. The workers that take part meet at a
 * barrier before the first update, so all N update at once from the start.
 *
 * The lock is a test-and-test-and-set spinlock with one rule: with more
 * than one core updating, no core takes it twice in a row (the holder
 * leaves its number in `last`; a core that finds its own there waits for
 * someone else's update first). So every update at N >= 2 finds the lock
 * and the lines last written by another core, as the paper's contended
 * shared state does, and core 0's figures are those of contention:
 * without the rule the core that had just released the lock took it
 * again before the other core's read of the line arrived, and core 0 ran
 * nearly alone (its medians at N = 2 were those of N = 1, on the host).
 * A ticket lock keeps an order too, but hands the lock to one chosen
 * core, and under TCG with more vCPUs than host cores that core's vCPU
 * is often not running: at 4 vCPUs on a 2-core host a k = 1 update took
 * 100 million cycles (median) and the runs at 4 cores minutes. Here any
 * other running core may take the lock next.
 *
 * An update writes all eight words of each of its k lines (word 0 the
 * count, the others a copy of it): each line must come to the updating
 * core exclusively, as a real update of a shared record would make it.
 */
#include <stdbool.h>
#include <stdio.h>
#include "lib/bench.h"
#include "lib/stats.h"
#include "lib/string.h"
#include "lib/updbench.h"

/* ---- waiting ---- */

/* A poll that gives up after UB_QUIET_NS, reading the clock only every
 * UB_SPIN_CHECK polls (lib/pairbench.c's, which says why no pause), and
 * calling the system's relax, if it has one, every UB_RELAX_EVERY. */
struct wait {
	const struct ub_sys *sys;
	unsigned polls;
	uint64_t deadline;
};

static bool given_up(struct wait *w)
{
	w->polls++;
	if (w->sys->relax && !(w->polls % UB_RELAX_EVERY))
		w->sys->relax();
	if (w->polls % UB_SPIN_CHECK)
		return false;
	uint64_t now = w->sys->clock_ns();
	if (!w->deadline)
		w->deadline = now + UB_QUIET_NS;
	return now > w->deadline;
}

/* Waits until *word is at least `want`. */
static err_t wait_for(const struct ub_sys *sys, const uint64_t *word, uint64_t want)
{
	struct wait w = { sys, 0, 0 };

	while (__atomic_load_n(word, __ATOMIC_ACQUIRE) < want)
		if (given_up(&w))
			return ERR_TIMEOUT;
	return OK;
}

static err_t send_spin(const struct ub_sys *sys, struct urpc_sender *tx, uint32_t type,
		       const uint64_t *w, unsigned n)
{
	struct wait wt = { sys, 0, 0 };
	err_t err;

	while ((err = urpc_send(tx, w, n, type)) == ERR_WOULD_BLOCK)
		if (given_up(&wt))
			return ERR_TIMEOUT;
	return err;
}

static err_t recv_spin(const struct ub_sys *sys, struct urpc_receiver *rx, uint64_t *w,
		       unsigned *n, uint32_t *type)
{
	struct wait wt = { sys, 0, 0 };
	err_t err;

	while ((err = urpc_recv(rx, w, n, type)) == ERR_WOULD_BLOCK)
		if (given_up(&wt))
			return ERR_TIMEOUT;
	return err;
}

/* ---- one update ---- */

/* The k lines updated: each line's count goes up by one and every word
 * of it is written. */
static void apply(struct ub_line *v, unsigned k)
{
	for (unsigned l = 0; l < k; l++) {
		uint64_t c = v[l].w[0] + 1;
		for (unsigned i = 0; i < 8; i++)
			v[l].w[i] = c;
	}
}

/* May worker tag `tag` take the lock now? It must look free, and not
 * have been last taken by the same worker unless that one updates alone. */
static bool lock_free(const struct ub_shared *sh, uint64_t tag, bool alone)
{
	return !__atomic_load_n(&sh->lock, __ATOMIC_RELAXED) &&
	       (alone || __atomic_load_n(&sh->last, __ATOMIC_RELAXED) != tag);
}

/*
 * One update by worker `me` of the N = n_cores updating: the lock, the k
 * lines, the lock released. A worker other than 0 gives up waiting once
 * core 0 is done (ERR_WOULD_BLOCK: nothing updated), since the update it
 * waits for (someone else's) may never come then.
 */
static err_t shm_update(const struct ub_sys *sys, struct ub_shared *sh, unsigned k, unsigned me,
			unsigned n_cores)
{
	struct wait w = { sys, 0, 0 };
	const uint64_t tag = me + 1;	/* `last` is 0 before the first */

	while (!lock_free(sh, tag, n_cores == 1) ||
	       __atomic_exchange_n(&sh->lock, 1, __ATOMIC_ACQUIRE)) {
		if (me && __atomic_load_n(&sh->stop, __ATOMIC_ACQUIRE))
			return ERR_WOULD_BLOCK;
		if (given_up(&w))
			return ERR_TIMEOUT;	/* the lock is lost: the run fails */
	}
	apply(sh->array, k);
	__atomic_store_n(&sh->last, tag, __ATOMIC_RELAXED);
	__atomic_store_n(&sh->lock, 0, __ATOMIC_RELEASE);
	return OK;
}

/* A request for update number `seq` of k lines, and its answer. */
static err_t msg_update(const struct ub_sys *sys, struct urpc_duplex *d, uint64_t seq, unsigned k)
{
	uint64_t w[URPC_MAX_WORDS] = { seq, k };
	unsigned len;
	uint32_t type;
	err_t err = send_spin(sys, &d->tx, UB_UPDATE, w, 2);

	if (!err)
		err = recv_spin(sys, &d->rx, w, &len, &type);
	return err ? err : type != UB_APPLIED || len != 2 || w[0] != seq ? ERR_BAD_MESSAGE : OK;
}

/* ---- a worker's part of a run ---- */

/* A copy of the job, taken when it is seen. */
struct job {
	uint32_t kind, k, n_cores, server;
	uint64_t warm, n;
};

static bool takes_part(const struct job *j, unsigned me)
{
	return me < j->n_cores || (j->kind == UB_MSG && me == j->server);
}

static unsigned parts(const struct job *j)
{
	return j->n_cores + (j->kind == UB_MSG);
}

/* Arrives at the start barrier and waits for the others. */
static err_t barrier(const struct ub_sys *sys, const struct job *j)
{
	__atomic_fetch_add(&sys->sh->ready, 1, __ATOMIC_ACQ_REL);
	return wait_for(sys, &sys->sh->ready, parts(j));
}

/* A worker other than 0 updating until core 0 is done. */
static err_t contend(const struct ub_sys *sys, const struct job *j, unsigned me, uint64_t *count)
{
	struct ub_shared *sh = sys->sh;
	err_t err = OK;

	while (!err && !__atomic_load_n(&sh->stop, __ATOMIC_ACQUIRE)) {
		err = j->kind == UB_SHM ? shm_update(sys, sh, j->k, me, j->n_cores) :
		      msg_update(sys, &sh->client_end[me], *count, j->k);
		*count += !err;
	}
	return err == ERR_WOULD_BLOCK ? OK : err;	/* stopped while waiting */
}

/* The server: applies every request of the N clients to its own copy
 * and answers it, until each client has said UB_BYE. A message of
 * another type, length or k, or one after a client's UB_BYE, is
 * ERR_BAD_MESSAGE and ends the run. */
static err_t serve(const struct ub_sys *sys, const struct job *j, uint64_t *applied)
{
	struct ub_shared *sh = sys->sh;
	bool bye[UB_MAX_CORES] = { false };
	unsigned byes = 0;
	struct wait wt = { sys, 0, 0 };

	while (byes < j->n_cores) {
		bool got = false;
		for (unsigned c = 0; c < j->n_cores; c++) {
			struct urpc_duplex *d = &sh->server_end[c];
			uint64_t w[URPC_MAX_WORDS];
			unsigned len;
			uint32_t type;
			err_t err = urpc_recv(&d->rx, w, &len, &type);

			if (err == ERR_WOULD_BLOCK)
				continue;
			if (err || bye[c])
				return err ? err : ERR_BAD_MESSAGE;
			got = true;
			if (type == UB_BYE && len == 0) {
				bye[c] = true;
				byes++;
				continue;
			}
			if (type != UB_UPDATE || len != 2 || w[1] != j->k)
				return ERR_BAD_MESSAGE;
			apply(sh->copy, j->k);
			w[1] = ++*applied;
			if ((err = send_spin(sys, &d->tx, UB_APPLIED, w, 2)))
				return err;
		}
		if (got)
			wt = (struct wait){ sys, 0, 0 };
		else if (given_up(&wt))
			return ERR_TIMEOUT;
	}
	return OK;
}

/* Opens this worker's end of its channel (a client's, or every one the
 * server serves). */
static err_t open_ends(struct ub_shared *sh, const struct job *j, unsigned me)
{
	const size_t bytes = URPC_DUPLEX_BYTES(UB_SLOTS);
	err_t err = OK;

	if (me == j->server)
		for (unsigned c = 0; c < j->n_cores && !err; c++)
			err = urpc_duplex_open(&sh->server_end[c], sh->chan[c], bytes, UB_SLOTS, 1);
	else
		err = urpc_duplex_open(&sh->client_end[me], sh->chan[me], bytes, UB_SLOTS, 0);
	return err;
}

/* Worker me's part of job j (me != 0), into its result line. */
static void run_part(const struct ub_sys *sys, const struct job *j, unsigned me)
{
	struct ub_shared *sh = sys->sh;
	struct ub_result *r = &sh->result[me];
	uint64_t count = 0, applied = 0;
	err_t err = OK;

	if (j->kind == UB_MSG)
		err = open_ends(sh, j, me);
	if (!err)
		err = barrier(sys, j);
	if (!err && j->kind == UB_MSG && me == j->server)
		err = serve(sys, j, &applied);
	else if (!err) {
		err = contend(sys, j, me, &count);
		if (j->kind == UB_MSG) {
			err_t bye = send_spin(sys, &sh->client_end[me].tx, UB_BYE, NULL, 0);
			err = err ? err : bye;
		}
	}
	r->updates = count;
	r->applied = applied;
	r->err = err;
}

void ub_worker(const struct ub_sys *sys, unsigned me)
{
	struct ub_shared *sh = sys->sh;
	uint64_t seen = 0, g;

	for (;;) {
		while ((g = __atomic_load_n(&sh->gen, __ATOMIC_ACQUIRE)) == seen)
			sys->idle();
		seen = g;
		struct job j = { sh->kind, sh->k, sh->n_cores, sh->server, sh->warm, sh->n };
		if (j.kind == UB_QUIT)
			return;
		if (takes_part(&j, me))
			run_part(sys, &j, me);
		__atomic_fetch_add(&sh->done, 1, __ATOMIC_ACQ_REL);
	}
}

/* ---- core 0: the runs ---- */

static const char *const names[] = { [UB_SHM] = "shm_update", [UB_MSG] = "msg_update" };

static int fail(const struct job *j, const char *what, err_t err)
{
	printf("BENCH error name=%s reason=\"k=%u cores=%u: %s: %s: %s\"\n",
	       j->kind == UB_MSG ? names[UB_MSG] : names[UB_SHM], j->k, j->n_cores, what,
	       err_name(err), err_msg(err));
	return 1;
}

/* Posts job j: a fresh array, copy, lock and channels, then the job. */
static err_t post(const struct ub_sys *sys, const struct job *j)
{
	struct ub_shared *sh = sys->sh;

	memset(sh->array, 0, sizeof(sh->array));
	memset(sh->copy, 0, sizeof(sh->copy));
	memset(sh->result, 0, sizeof(sh->result));
	sh->lock = sh->last = sh->ready = sh->done = sh->stop = 0;
	for (unsigned c = 0; j->kind == UB_MSG && c < j->n_cores; c++) {
		err_t err = urpc_duplex_init(sh->chan[c], sizeof(sh->chan[c]), UB_SLOTS);
		if (err)
			return err;
	}
	sh->kind = j->kind;
	sh->k = j->k;
	sh->n_cores = j->n_cores;
	sh->server = j->server;
	sh->warm = j->warm;
	sh->n = j->n;
	__atomic_store_n(&sh->gen, sh->gen + 1, __ATOMIC_RELEASE);
	return OK;
}

/* Core 0's own updates, n of them timed after warm; then the others are
 * told to stop. */
static err_t timed(const struct ub_sys *sys, const struct job *j, uint64_t *s)
{
	struct ub_shared *sh = sys->sh;
	err_t err = OK, bad = OK;

	if (j->kind == UB_MSG && (err = open_ends(sh, j, 0)))
		return err;
	if ((err = barrier(sys, j)))
		return err;
	if (j->kind == UB_SHM)
		TIME_EACH(s, j->warm, j->n, err = bad ? bad : shm_update(sys, sh, j->k, 0, j->n_cores),
			  bad = bad ? bad : err);
	else
		TIME_EACH(s, j->warm, j->n,
			  err = bad ? bad : msg_update(sys, &sh->client_end[0], i_, j->k),
			  bad = bad ? bad : err);
	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELEASE);
	sh->result[0].updates = j->warm + j->n;
	if (j->kind == UB_MSG) {
		err = send_spin(sys, &sh->client_end[0].tx, UB_BYE, NULL, 0);
		bad = bad ? bad : err;
	}
	return bad;
}

/* What the lines hold against what the workers counted: each of the k
 * lines (every word) `updates`, the lines past k untouched. */
static bool lines_hold(const struct ub_line *v, unsigned k, uint64_t updates)
{
	for (unsigned l = 0; l < UB_MAX_K; l++)
		for (unsigned i = 0; i < 8; i++)
			if (v[l].w[i] != (l < k ? updates : 0))
				return false;
	return true;
}

/* One run, start to line. */
static int one_run(const struct ub_sys *sys, const struct job *j, uint64_t *s)
{
	struct ub_shared *sh = sys->sh;
	uint64_t updates = 0, applied;
	char extra[96];
	err_t err = post(sys, j), others;

	if (err)
		return fail(j, "the channels", err);
	err = timed(sys, j, s);
	/* Every worker counts itself in done, taking part or not. */
	others = wait_for(sys, &sh->done, sys->cores - 1);
	if (err)
		return fail(j, "core 0's updates", err);
	if (others)
		return fail(j, "waiting for the other workers", others);
	for (unsigned c = 0; c < sys->cores; c++) {
		if (sh->result[c].err) {
			char what[32];
			snprintf(what, sizeof(what), "core %u", c);
			return fail(j, what, sh->result[c].err);
		}
		if (c < j->n_cores)
			updates += sh->result[c].updates;
	}
	const struct ub_line *v = j->kind == UB_SHM ? sh->array : sh->copy;
	applied = v[0].w[0];
	if (!lines_hold(v, j->k, updates) ||
	    (j->kind == UB_MSG && sh->result[j->server].applied != updates)) {
		printf("BENCH error name=%s reason=\"k=%u cores=%u: the workers counted %llu updates, "
		       "the lines hold %llu (the server applied %llu)\"\n", names[j->kind], j->k,
		       j->n_cores, (unsigned long long)updates, (unsigned long long)applied,
		       (unsigned long long)sh->result[j->server].applied);
		return 1;
	}
	if (j->kind == UB_MSG)
		snprintf(extra, sizeof(extra), "updates=%llu applied=%llu server=%u",
			 (unsigned long long)updates, (unsigned long long)applied, j->server);
	else
		snprintf(extra, sizeof(extra), "updates=%llu applied=%llu",
			 (unsigned long long)updates, (unsigned long long)applied);
	struct stats st;
	if ((err = stats_compute(s, j->n, &st)))
		return fail(j, "no statistics", err);
	printf("BENCH name=%s k=%u cores=%u unit=cycles n=%zu min=%llu median=%llu p99=%llu "
	       "max=%llu %s\n", names[j->kind], j->k, j->n_cores, st.n, (unsigned long long)st.min,
	       (unsigned long long)st.median, (unsigned long long)st.p99,
	       (unsigned long long)st.max, extra);
	return 0;
}

int ub_run(const struct ub_sys *sys, size_t warm, size_t n, uint64_t *s)
{
	static const unsigned ks[] = UB_KS;
	int failed = 0;

	if (!sys || !sys->sh || !sys->cores || sys->cores > UB_MAX_CORES || !n || !s) {
		printf("BENCH error name=shm_update reason=\"ub_run wants 1 to %u cores, n >= 1 and "
		       "room for the samples\"\n", UB_MAX_CORES);
		return 1;
	}
	if (sys->cores == 1)
		printf("BENCH name=msg_update n/a reason=\"one core: no server beside a client\"\n");
	for (unsigned kind = UB_SHM; kind <= UB_MSG && !failed; kind++)
		for (size_t ki = 0; ki < sizeof(ks) / sizeof(ks[0]) && !failed; ki++) {
			unsigned most = kind == UB_SHM ? sys->cores : sys->cores - 1;
			for (unsigned c = 1; c <= most && !failed; c++) {
				struct job j = { kind, ks[ki], c, sys->cores - 1, warm, n };
				failed = one_run(sys, &j, s);
			}
		}
	ub_stop(sys);
	return failed;
}

void ub_stop(const struct ub_sys *sys)
{
	const struct job quit = { UB_QUIT, 0, 0, 0, 0, 0 };

	post(sys, &quit);		/* no channel to set up: it cannot fail */
}
