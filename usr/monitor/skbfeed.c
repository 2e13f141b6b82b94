/*
 * What the System Knowledge Base is told, and by whom (docs/skb.md). The
 * SKB is a process on core 0 (usr/skb); what it knows, core 0's monitor
 * gathers into a frame the two share (usr/skb/feed.h):
 *
 *   the kernel's record   INFO_TOPOLOGY, at boot (only monitors hold
 *                         the Kernel capability);
 *   each core's CPUID     every monitor asks CPUID on its own core
 *                         (skb_cpuid_read) and sends the leaves to core 0
 *                         as skb_cpu once it has joined; core 0's own go
 *                         in directly;
 *   round trips           core 0's row from the pings of its greeting
 *                         (main.c); then, off the boot's critical path,
 *                         core 0 asks one core at a time (skb_rtt_go) to
 *                         ping every other and send its row back
 *                         (skb_rtt_row), and prints one line when every
 *                         row is in. One core at a time, so that the
 *                         pings do not queue behind each other; under
 *                         TCG with more virtual cores than host cores
 *                         the figures are the emulator's anyway
 *                         (docs/skb.md says what they mean).
 *   the shootdown's facts when every row is in (and again when a core
 *                         joins later), core 0's monitor derives the
 *                         facts from the feed as the SKB does (lib/skb.c)
 *                         and gives the shootdown's trees their part of
 *                         them (shoot.c) on every core: give_facts.
 *
 * A message that makes no sense (leaves of the wrong size, a row nobody
 * asked for, a request to measure sent to core 0 or by a core that is not
 * core 0) is refused, and the mesh drops, counts and reports it.
 */
#include <stdio.h>
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include "usr/monitor/monitor.h"
#include "usr/skb/feed.h"

#define SKB_RAM		(64ull << 10)		/* the SKB's own: its endpoint, the table
						 * that maps the feed and the channels */
/* What core 0's monitor must have free for the SKB (the feed, the SKB's
 * image of some 300 KiB, its CNodes and tables, SKB_RAM) and still leave
 * room for the shell, which init asks for at about the same time (in the
 * 64-core boot in 198 MiB, 1.5 MiB free was not enough for both; with the
 * SKB left out, 316 KiB remain once init and the shell run).
 * Less, and there is no SKB: a core may have as little as 3 MiB
 * (MIN_SHARE_BYTES), and the shell matters more. Starting the SKB as a
 * supervised service after the shell would make this guess unneeded. */
#define SKB_NEEDS_FREE	(2ull << 20)

_Static_assert(sizeof(struct skb_cpuid) == 776, "skb_cpu carries one struct skb_cpuid");
_Static_assert(SKB_MAX_CORES * sizeof(uint64_t) == 512, "skb_rtt_row carries one row");

static unsigned me;
static struct skb_feed *feed;		/* core 0: mapped */
static struct {				/* core 0: the round trips being measured */
	bool running;
	uint64_t seq;
	unsigned core;			/* the core asked last */
	uint64_t cores;			/* the cores that joined */
	unsigned rows, failed;
} rtt;
static bool measuring;			/* another core: a row being measured */
static bool facts_given;		/* core 0: give_facts ran once */

static void give_facts(void);

static void cpuid_insn(void *ctx, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

/* The sequence lock's writer side (usr/skb/feed.h). */
static void write_begin(void)
{
	__atomic_store_n(&feed->seq, feed->seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static void write_end(void)
{
	__atomic_store_n(&feed->seq, feed->seq + 1, __ATOMIC_RELEASE);
}

static err_t on_skb_cpu(struct idl_binding *b, const uint8_t *data, size_t len)
{
	struct skb_cpuid c;
	unsigned core = mesh_peer(b);

	if (me != 0 || len != sizeof(c))
		return ERR_BAD_MESSAGE;
	if (!feed)
		return OK;		/* no SKB on this machine: nobody to tell */
	memcpy(&c, data, sizeof(c));
	if (c.n > SKB_MAX_CPUID)
		return ERR_BAD_MESSAGE;
	write_begin();
	feed->in.core[core].cpuid = c;
	feed->in.core[core].state = SKB_CORE_UP;
	write_end();
	if (facts_given && !rtt.running)
		give_facts();		/* a core that joined after the boot's */
	return OK;
}

/*
 * Core 0: the SKB's facts for the shootdown's trees (shoot.c), to every
 * monitor. They are derived as the SKB derives them, in a frame made for
 * the moment: a struct skb is 110 KiB, which no other core needs, so it
 * is not in the monitor's image. Where it cannot be made the monitors
 * keep the kernel's facts, and the line says so.
 */
static void give_facts(void)
{
	unsigned pages = (unsigned)((sizeof(struct skb) + 4095) / 4096), sent = 0;
	struct shoot_facts f;
	struct cap_info ci;
	struct skb *s;
	err_t err;

	facts_given = true;
	if ((err = ram_retype(CPTR_TASKCN, CADDR_L2(T_SKBWORK), CAP_FRAME, pages * 4096ull)))
		goto out;
	if (!(err = window_map(T_SKBWORK, pages, CAP_RIGHT_READ | CAP_RIGHT_WRITE, (void **)&s))) {
		skb_init(s);
		if (!(err = skb_load(s, &feed->in))) {
			skb_mtree_topo(s, &f.topo);
			if (skb_mtree_timing(s, &f.timing))
				f.timing = mtree_timing_paper;	/* no round trip measured */
		}
		window_unmap(T_SKBWORK, s, pages);
	}
	if (cap_identify(T_SKBWORK, &ci) == OK) {
		cnode_delete(CPTR_TASKCN, CADDR_L2(T_SKBWORK));
		ram_release(ci.base);
	}
	if (err || (err = shoot_set_facts(&f)))
		goto out;
	for (unsigned k = 1; k < mesh_cores(); k++)
		if (mesh_joined(k) && shoot_give_facts(k, &f) == OK)
			sent++;
	printf("skb: shootdown trees from the SKB's facts on %u cores: a message %u cycles "
	       "within a node, %u between nodes\n", sent + 1,
	       f.timing.send[0] + f.timing.recv[0] + f.timing.prop[0],
	       f.timing.send[1] + f.timing.recv[1] + f.timing.prop[1]);
	return;
out:
	printf("skb: shootdown trees stay on the kernel's facts: %s\n", err_name(err));
}

/* Core 0: asks the next core that joined for its row, or says that all
 * are in. */
static void ask_next(void)
{
	unsigned n = mesh_cores();

	for (unsigned k = rtt.core + 1; k < n; k++) {
		if (!(rtt.cores >> k & 1))
			continue;
		rtt.core = k;
		rtt.seq++;
		if (if_intermon_skb_rtt_go_send(mesh_to(k), rtt.seq, rtt.cores) == OK)
			return;
		rtt.failed++;
	}
	rtt.running = false;
	if (rtt.failed)
		printf("skb: round trips measured from %u of %u cores; %u did not answer\n",
		       rtt.rows + 1, n, rtt.failed);
	else
		printf("skb: round trips measured between every pair of %u cores\n", n);
	give_facts();
}

static err_t on_skb_rtt_row(struct idl_binding *b, uint64_t seq, err_t status,
			    const uint8_t *data, size_t len)
{
	unsigned core = mesh_peer(b);
	uint64_t row[SKB_MAX_CORES];

	if (me != 0 || !rtt.running || seq != rtt.seq || core != rtt.core ||
	    len != sizeof(row))
		return ERR_BAD_MESSAGE;			/* nobody asked for it */
	memcpy(row, data, sizeof(row));
	row[core] = 0;
	if (status == OK) {
		write_begin();
		memcpy(feed->in.rtt[core], row, sizeof(row));
		write_end();
		rtt.rows++;
	} else {
		rtt.failed++;
	}
	ask_next();
	return OK;
}

/* Another core: pings each core core 0 named, one after another. */
static err_t on_skb_rtt_go(struct idl_binding *b, uint64_t seq, uint64_t cores)
{
	uint64_t row[SKB_MAX_CORES] = { 0 };

	if (me == 0 || mesh_peer(b) != 0)
		return ERR_BAD_MESSAGE;
	if (measuring)		/* a second request while the first is served */
		return if_intermon_skb_rtt_row_send(b, seq, ERR_WOULD_BLOCK, row, sizeof(row));
	measuring = true;
	for (unsigned j = 0; j < mesh_cores() && j < SKB_MAX_CORES; j++)
		if (j != me && cores >> j & 1 && mesh_ping(j, &row[j]))
			row[j] = 0;		/* no answer: not measured */
	measuring = false;
	return if_intermon_skb_rtt_row_send(b, seq, OK, row, sizeof(row));
}

err_t skbfeed_init(unsigned core)
{
	err_t err;

	me = core;
	mesh_handlers.skb_cpu = on_skb_cpu;
	mesh_handlers.skb_rtt_go = on_skb_rtt_go;
	mesh_handlers.skb_rtt_row = on_skb_rtt_row;
	if (core != 0)
		return OK;
	unsigned count;
	uint64_t free = monitor_ram_bytes(&count) - ram_used_bytes();
	if (free < SKB_NEEDS_FREE) {
		printf("monitor: core 0: %llu KiB of RAM free; the SKB needs %llu KiB: it is left out\n",
		       (unsigned long long)(free >> 10), (unsigned long long)(SKB_NEEDS_FREE >> 10));
		return OK;
	}
	if ((err = ram_retype(CPTR_TASKCN, CADDR_L2(T_SKBFEED), CAP_FRAME, SKB_FEED_BYTES)) ||
	    (err = cnode_mint(CPTR_TASKCN, CADDR_L2(T_SKBFEED_RO), T_SKBFEED, CAP_RIGHT_READ, 0)) ||
	    (err = window_map_page(T_SKBFEED, (void **)&feed)))
		return err;
	/* A new frame is all zeros: no core, no round trip, sequence 0. */
	write_begin();
	err = kernel_topology(CPTR_INFO, &feed->in.topo);
	skb_cpuid_read(&feed->in.core[0].cpuid, cpuid_insn, NULL);
	feed->in.core[0].state = SKB_CORE_UP;
	write_end();
	return err;
}

bool skbfeed_on(void)
{
	return feed != NULL;
}

err_t skbfeed_report(unsigned core)
{
	struct skb_cpuid c;

	if (core == 0)
		return OK;
	skb_cpuid_read(&c, cpuid_insn, NULL);
	return if_intermon_skb_cpu_send(mesh_to(0), (const uint8_t *)&c, sizeof(c));
}

void skbfeed_rtt(unsigned to, uint64_t cycles)
{
	if (me != 0 || !feed || to == 0 || to >= SKB_MAX_CORES)
		return;
	write_begin();
	feed->in.rtt[0][to] = cycles;
	write_end();
}

/* MON_SPAWN_SKB (moncall.c): what the SKB's process gets besides what
 * every child does. Not with a capability of the caller's (it would take
 * the feed's place), and only where the facts are gathered. */
err_t skbfeed_spawn_opts(struct spawn_opts *o, bool gift)
{
	if (gift)
		return ERR_INVALID_ARG;
	if (me != 0)
		return ERR_UNSUPPORTED;
	if (!feed)
		return ERR_NO_MEMORY;		/* skbfeed_init said why */
	o->give[0] = T_SKBFEED_RO;
	o->ngive = 1;
	o->ram = SKB_RAM;
	o->give_bootimg = true;
	return OK;
}

bool skbfeed_measured(unsigned unused)
{
	return !rtt.running;
}

err_t skbfeed_measure(void)
{
	if (me != 0)
		return ERR_INVALID_ARG;
	if (!feed)
		return ERR_NO_MEMORY;		/* skbfeed_init said why */
	/* The other cores' rows, one core at a time, while the boot goes on. */
	rtt = (typeof(rtt)){ .running = true };
	for (unsigned k = 1; k < mesh_cores(); k++)
		if (mesh_joined(k))
			rtt.cores |= 1ull << k;
	rtt.cores |= 1;
	if (mesh_cores() > 1) {
		ask_next();
	} else {
		rtt.running = false;
		give_facts();
	}
	return OK;
}
