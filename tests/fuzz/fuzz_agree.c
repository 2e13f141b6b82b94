/*
 * libFuzzer target for lib/agree.c: the input is a message schedule on
 * the simulated machine of tests/host/agree_sim.h. It picks the machine
 * (2 to 10 cores, nodes, shape, coordinator), the network's loss,
 * duplication and delay, and then, byte by byte, what happens: a
 * submission from some core, ticks, a message in flight lost, doubled or
 * delivered at once (out of order), the coordinator crashing and each
 * survivor hearing of it, and bad messages (another epoch, an unknown
 * type, too long, from a core that is no member, an operation far past
 * any) sent to some core. The judge:
 *	- a bad message is refused (ERR_BAD_MESSAGE) and changes nothing
 *	  but the counters;
 *	- at the end the network heals, the survivors hear of any crash, and
 *	  within a bound everything settles (no replica blocked), and
 *	  sim_check() holds: every live replica the same, each operation
 *	  applied everywhere or nowhere, every origin answered truly;
 *	- after a crash the survivors install the next view and it works.
 */
#include <stdlib.h>
#include "tests/fuzz/fuzz_input.h"
#include "tests/host/agree_sim.h"

static struct sim S;
static struct agree before;

static void judge(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_agree: %s: %s\n", what, S.why);
		abort();
	}
}

/* A message that must be dropped, and must change nothing but counters. */
static void bad_message(struct input *in)
{
	unsigned to = (unsigned)take(in, 1) % S.n, kind = (unsigned)take(in, 1) % 5;
	struct agree_msg m = {
		.type = (uint8_t)(1 + take(in, 1) % (AGREE_NTYPES - 1)),
		.from = (uint8_t)((to + 1) % S.n), .to = (uint8_t)to, .epoch = S.epoch,
		.op = take(in, 1) + 1, .outcome = (uint8_t)(take(in, 1) % 3),
		.origin = (uint32_t)(take(in, 1) % S.n), .tag = (uint32_t)take(in, 1),
	};
	struct agree *a = &S.ag[to];

	switch (kind) {
	case 0:
		m.epoch = S.epoch + 1 + (uint32_t)take(in, 1);
		break;
	case 1:
		m.type = (uint8_t)(AGREE_NTYPES + take(in, 1) % 200);
		break;
	case 2:
		m.len = (uint16_t)(AGREE_PAYLOAD_MAX + 1 + take(in, 1));
		break;
	case 3:
		m.from = (uint8_t)(S.n + take(in, 1) % (64 - S.n));
		break;
	default:	/* an operation no one proposed, far past any */
		m.op = a->hi + AGREE_WINDOW + 1 + take(in, 2);
		if (to == a->coord && m.type != AGREE_DECIDE) {
			m.type = m.type == AGREE_QUERY ? AGREE_QUERY : AGREE_VOTE;
		} else {
			m.type = AGREE_DECIDE;
			m.outcome = AGREE_ABORT;
		}
		if (m.type == AGREE_VOTE && a->tree.first_child[to] >= 0)
			m.from = (uint8_t)a->tree.first_child[to];
		if (m.type == AGREE_DECIDE && a->tree.parent[to] >= 0)
			m.from = (uint8_t)a->tree.parent[to];
		break;
	}
	if (S.crashed[to] || (m.from < S.n && (S.crashed[m.from] || (a->down >> m.from) & 1)))
		return;
	before = *a;
	if (agree_input(a, &m) != ERR_BAD_MESSAGE) {
		snprintf(S.why, sizeof(S.why), "bad message kind %u (type %u op %llu) to core %u taken",
			 kind, m.type, (unsigned long long)m.op, to);
		judge(false, "bad message");
	}
	before.stats = a->stats;
	if (memcmp(&before, a, sizeof(before))) {
		snprintf(S.why, sizeof(S.why), "bad message kind %u to core %u changed its state",
			 kind, to);
		judge(false, "bad message");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	unsigned n = 2 + (unsigned)take(&in, 1) % 9, root;
	bool crashed = false;

	sim_conf = (struct agree_conf){ .vote_ticks = 30, .retry_ticks = 4, .query_ticks = 12,
					.submit_ticks = 120 };
	root = (unsigned)take(&in, 1) % n;
	if (!sim_init(&S, n, 1 + (unsigned)take(&in, 1) % 4,
		      (enum mtree_shape)(take(&in, 1) % MTREE_NSHAPES), root, take(&in, 2)))
		judge(false, "init");
	S.loss = (unsigned)take(&in, 1) % 40;
	S.dup = (unsigned)take(&in, 1) % 40;
	S.delay = (unsigned)take(&in, 1) % 10;
	while (in.n && S.now < 600) {
		unsigned op = (unsigned)take(&in, 1);

		switch (op % 8) {
		case 0:
		case 1:
			sim_submit(&S, (unsigned)take(&in, 1) % n, 1 + (op >> 3) % 2, (op >> 4) % 4);
			break;
		case 2:
		case 3:
			for (unsigned t = 0; t < 1 + (op >> 3) % 8; t++)
				sim_step(&S);
			break;
		case 4:	/* one message in flight: lost, doubled, or delivered now */
			if (S.nnet) {
				unsigned i = (unsigned)take(&in, 2) % S.nnet;

				if ((op >> 3) % 3 == 0)
					S.net[i] = S.net[--S.nnet];
				else if ((op >> 3) % 3 == 1)
					sim_put(&S, &S.net[i].m);
				else
					S.net[i].at = S.now;
			}
			break;
		case 5:
			if (!crashed && (op >> 3) % 4 == 0) {
				sim_crash(&S, root);
				crashed = true;
			} else if (crashed) {
				unsigned c = (unsigned)take(&in, 1) % n;

				if (!S.crashed[c])
					agree_down(&S.ag[c], root);
			}
			break;
		default:
			bad_message(&in);
			break;
		}
	}
	if (crashed)
		sim_report_down(&S, root);
	judge(sim_settle(&S, 5000), "settle");
	judge(sim_check(&S), "check");
	if (crashed) {
		uint64_t live = 0;
		unsigned next = n;

		for (unsigned c = 0; c < n; c++)
			if (!S.crashed[c]) {
				live |= 1ull << c;
				if (next == n)
					next = c;
			}
		judge(sim_view(&S, next, live), "next view");
		for (unsigned c = 0; c < n; c++)
			if (!S.crashed[c])
				sim_submit(&S, c, SIM_ADD, 5);
		judge(sim_settle(&S, 5000), "settle after the view change");
		judge(sim_check(&S), "check after the view change");
	}
	return 0;
}
