/*
 * libFuzzer target for lib/superv.c. Two kinds of input, by the first
 * byte's low bit:
 *
 *  - text (bit 0 clear): the rest, as a string, goes to sv_parse_child
 *    and sv_parse_flags (what the kernel command line's init= and
 *    initsup= become). Each must answer OK with fields in their ranges
 *    and an empty reason, or ERR_INVALID_ARG with a reason.
 *  - a run (bit 0 set): a valid spec made from the next bytes (strategy,
 *    intensity 0..4, period 1..8 s, 1..5 children with random restart
 *    types, shutdown limits and heartbeats), then random events (ends of
 *    running children in every way, time passing, beats, the parent's
 *    stop, instances added, starts that fail, children that ignore a
 *    stop). The fuzzer plays the processes and checks what the state
 *    machine asks of them: it never starts a child that runs, never
 *    stops or kills one that does not, runs a child exactly when it says
 *    so, leaves no start unanswered and no stop past its limit, gives
 *    nothing after its end and ends with no child running,
 *    never keeps more than intensity restarts within a period without
 *    giving up, and always comes to rest (no endless chain of actions).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/superv.h"
#include "tests/fuzz/fuzz_input.h"

#define MS	(1000ull * 1000)

/* A broken rule: say which, then crash (libFuzzer keeps the input). */
#define check(ok) do {							\
		if (!(ok)) {						\
			fprintf(stderr, "fuzz_superv: %s:%d: %s\n", __FILE__, __LINE__, #ok);\
			abort();					\
		}							\
	} while (0)

static void text(const uint8_t *d, size_t n)
{
	char s[128], why[128];
	struct sv_child_spec c;
	struct sv_spec f;
	err_t err;

	if (n >= sizeof(s))
		n = sizeof(s) - 1;
	memcpy(s, d, n);
	s[n] = '\0';
	err = sv_parse_child(s, &c, why, sizeof(why));
	check(err == OK || err == ERR_INVALID_ARG);
	check((err == OK) == (why[0] == '\0'));
	if (!err) {
		size_t len = strlen(c.prog);
		check(len >= 1 && len <= SV_NAME_MAX && strcmp(c.name, c.prog) == 0);
		check((unsigned)c.restart <= SV_TEMPORARY && c.core <= 0xFFFF);
		check(c.heartbeat_ns <= 3600000 * MS && c.shutdown_ns <= 3600000 * MS);
	}
	err = sv_parse_flags(s, &f, why, sizeof(why));
	check(err == OK || err == ERR_INVALID_ARG);
	check((err == OK) == (why[0] == '\0'));
	if (!err)
		check((unsigned)f.strategy <= SV_SIMPLE_ONE_FOR_ONE && f.intensity >= 0 &&
		      f.intensity <= SV_MAX_INTENSITY && f.period_s > 0);
}

static struct {
	struct sv sv;
	bool alive[SV_MAX_CHILDREN], fails[SV_MAX_CHILDREN], deaf[SV_MAX_CHILDREN];
	bool end_seen;
	uint64_t now;
} w;

static bool runs(enum sv_cstate s)
{
	return s == SV_C_RUNNING || s == SV_C_STOPPING || s == SV_C_KILLING;
}

/* Carries out every action, checking each against what runs. */
static void drain(void)
{
	struct sv_action a;
	unsigned steps = 0;

	while (sv_next(&w.sv, &a)) {
		check(++steps < 10000);		/* it comes to rest */
		check(!w.end_seen);		/* nothing after the end */
		switch (a.kind) {
		case SV_ACT_START:
			check(a.child < w.sv.nkids && !w.alive[a.child]);
			w.alive[a.child] = !w.fails[a.child];
			sv_started(&w.sv, a.child, !w.fails[a.child], w.now);
			break;
		case SV_ACT_STOP:
			check(a.child < w.sv.nkids && w.alive[a.child]);
			if (!w.deaf[a.child]) {
				w.alive[a.child] = false;
				sv_exited(&w.sv, a.child, SV_EXIT_SHUTDOWN, w.now);
			}
			break;
		case SV_ACT_KILL:
			check(a.child < w.sv.nkids && w.alive[a.child]);
			w.alive[a.child] = false;
			sv_exited(&w.sv, a.child, SV_EXIT_KILLED, w.now);
			break;
		case SV_ACT_END:
			w.end_seen = true;
			for (unsigned i = 0; i < w.sv.nkids; i++)
				check(!w.alive[i]);
			break;
		}
	}
	struct sv_late l;
	while (sv_decided(&w.sv, &l))
		check(l.child < w.sv.nkids);
	/* What runs is what the machine says runs; no start is left
	 * unanswered; a child still stopping has time left. */
	for (unsigned i = 0; i < w.sv.nkids; i++) {
		check(w.alive[i] == runs(w.sv.kid[i].state));
		check(w.sv.kid[i].state != SV_C_STARTING);
		check(w.sv.kid[i].state != SV_C_STOPPING || w.sv.kid[i].deadline > w.now);
	}
	/* Restarts within the period: at most intensity, unless it gives up. */
	uint64_t period = (uint64_t)w.sv.spec.period_s * SV_NS_PER_S;
	unsigned recent = 0;
	for (unsigned i = 0; i < w.sv.nrestarts; i++)
		recent += w.now < period || w.sv.restart_at[i] >= w.now - period;
	check(recent <= (unsigned)w.sv.spec.intensity || w.sv.end_after || w.sv.ended);
}

static void run(struct input *in)
{
	struct sv_spec s = { .name = "f" };
	unsigned n;

	memset(&w, 0, sizeof(w));
	s.strategy = (enum sv_strategy)(take(in, 1) % 4);
	s.intensity = (int64_t)(take(in, 1) % 5);
	s.period_s = (int64_t)(take(in, 1) % 8) + 1;
	n = s.strategy == SV_SIMPLE_ONE_FOR_ONE ? 1 : (unsigned)(take(in, 1) % 5) + 1;
	s.nchildren = n;
	for (unsigned i = 0; i < n; i++) {
		struct sv_child_spec *c = &s.child[i];
		unsigned b = (unsigned)take(in, 1);
		c->name[0] = (char)('A' + i);
		strcpy(c->prog, "p");
		c->restart = (enum sv_restart)(b % 3);
		c->shutdown_ns = (b >> 2) & 1 ? ((b >> 3) & 3) * 100 * MS : 0;
		c->heartbeat_ns = (b >> 5) & 1 ? (((b >> 6) & 3) + 1) * 300 * MS : 0;
	}
	check(sv_check(&s, 1, NULL, NULL, 0) == OK);
	for (unsigned i = 0; i < SV_MAX_CHILDREN; i++)
		w.fails[i] = take(in, 1) % 8 == 0;
	sv_start(&w.sv, &s, 0);
	drain();
	for (unsigned ev = 0; ev < 200 && in->n; ev++) {
		unsigned op = (unsigned)take(in, 1), i = (unsigned)take(in, 1) % SV_MAX_CHILDREN;
		unsigned child;
		switch (op % 8) {
		case 0: case 1:		/* a running child ends, some way */
			if (i < w.sv.nkids && w.alive[i]) {
				w.alive[i] = false;
				sv_exited(&w.sv, i, (enum sv_exit)((op >> 3) % 4), w.now);
			}
			break;
		case 2: case 3:		/* time passes */
			w.now += (op >> 3) * 50 * MS;
			sv_tick(&w.sv, w.now);
			break;
		case 4:
			sv_beat(&w.sv, i, w.now);
			break;
		case 5:
			if ((op >> 3) == 0)
				sv_stop(&w.sv, w.now);
			else if (sv_add(&w.sv, op, w.now, &child) == OK)
				check(child < w.sv.nkids && !w.alive[child]);
			break;
		case 6:
			w.fails[i] = !w.fails[i];
			break;
		case 7:
			w.deaf[i] = !w.deaf[i];
			break;
		}
		drain();
	}
	/* Time passes past every limit: drain checks each stop was ended. */
	for (unsigned k = 0; k < 3; k++) {
		w.now += 10 * SV_NS_PER_S;
		sv_tick(&w.sv, w.now);
		drain();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct input in = { d + (n ? 1 : 0), n ? n - 1 : 0 };

	if (n && (d[0] & 1))
		run(&in);
	else
		text(in.d, in.n);
	return 0;
}
