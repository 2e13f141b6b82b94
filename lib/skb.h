/*
 * The System Knowledge Base's store (docs/skb.md): the facts of the
 * machine, where each comes from, checked against each other, and the
 * queries on them. Freestanding and pure: the SKB service (usr/skb) runs
 * it inside Flotilla, the host tests and the fuzzer run it on Linux.
 *
 * Facts come in three kinds, as raw as their sources give them
 * (struct skb_input):
 *
 *   the kernel's  what the kernel found at boot (INFO_TOPOLOGY, struct
 *                 kpi_topo): the cores it started and their APIC ids, and
 *                 the ACPI tables as read: MADT, SRAT (cores and memory of
 *                 each node), SLIT (distances between nodes);
 *   each core's   what CPUID says on that core (struct skb_cpuid: the raw
 *                 registers of the leaves skb_cpuid_read asks): its APIC
 *                 id, vendor, the widths of the thread and core fields of
 *                 the APIC id (leaf 0xB/0x1F, AMD 0x8000001E), and its
 *                 caches with how many APIC ids share each (leaf 4, AMD
 *                 0x8000001D);
 *   measured      the URPC round trip between every pair of cores, in
 *                 cycles, as the monitors measured it.
 *
 * From them skb_load derives what clients ask for: each core's package,
 * core and thread ids and NUMA node, which cores share each cache, each
 * node's memory, cores and distances. Where sources disagree (struct
 * skb_conflict) the derivation says so, with the reason and what it did
 * instead, and trusts a core about itself (CPUID) over the tables:
 *
 *   APIC id: CPUID's, where it differs from the kernel's (the MADT's);
 *   a core that sent no CPUID facts is not present (its ACPI facts stay);
 *   an SRAT entry naming an APIC id no core has is ignored;
 *   a core the SRAT does not place makes every core one node: the SKB
 *   does not guess a node;
 *   a SLIT that does not cover the SRAT's domains, or whose diagonal is
 *   not 10, or that is not symmetric, or has a remote distance of 10 or
 *   less, is not used: distances are 10 within a node, 20 between.
 *
 * Facts are kept per core id with whether the core is present now, and
 * every change (a core up or down, new round trips, new tables) is one
 * generation: a core that goes keeps its facts, marked absent, and a
 * core that comes back is checked again like any other. Nothing derived
 * is kept across a change: skb_load derives everything from the inputs
 * each time, so no fact can go stale.
 */
#ifndef LIB_SKB_H
#define LIB_SKB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kpi/errors.h>
#include <kpi/topology.h>
#include "lib/mtree.h"

#define SKB_MAX_CORES		TOPO_MAX_CORES	/* 64: core ids 0..63, masks are uint64_t */
#define SKB_MAX_NODES		TOPO_MAX_NODES
#define SKB_MAX_CPUID		32	/* CPUID leaves kept per core (a monitor
					 * sends them in one message: 776 bytes) */
#define SKB_MAX_CACHES		8	/* caches per core */
#define SKB_MAX_CONFLICTS	32
#define SKB_REASON_MAX		120	/* a conflict's sentence, its NUL included */

/* ---- What each core says about itself ---- */

struct skb_cpuid_leaf {
	uint32_t leaf, subleaf;
	uint32_t eax, ebx, ecx, edx;
};

/* The leaves skb_cpuid_read asked, in order; a leaf that is not here reads
 * as all zeros (as CPUID answers past its maximum leaf on most CPUs). */
struct skb_cpuid {
	uint32_t n;
	uint32_t reserved;
	struct skb_cpuid_leaf l[SKB_MAX_CPUID];
};

/* The CPUID instruction (or, in the tests, a CPU made up): r = eax, ebx,
 * ecx, edx for leaf `leaf`, subleaf `sub`. */
typedef void (*skb_cpuid_fn)(void *ctx, uint32_t leaf, uint32_t sub, uint32_t r[4]);

/*
 * Asks the leaves the SKB reads, on the calling core: 0 and 1; the
 * hypervisor's 0x40000000 where leaf 1 says there is one; every subleaf
 * of 4 up to the first of type 0; of 0xB and 0x1F (where the maximum leaf
 * reaches them) up to the first invalid level; 0x80000000, 0x80000001,
 * 0x80000008; and on AMD (and Hygon) every subleaf of 0x8000001D and
 * 0x8000001E. Subleaf lists stop at 8 entries, the whole at SKB_MAX_CPUID
 * (the leaves after that are not asked; 18 to 25 on the CPUs seen).
 */
void skb_cpuid_read(struct skb_cpuid *out, skb_cpuid_fn cpuid, void *ctx);

/* What skb_cpuid_decode makes of one core's leaves. */
#define SKB_CACHE_DATA		1
#define SKB_CACHE_INST		2
#define SKB_CACHE_UNIFIED	3
struct skb_cache {
	uint8_t level;		/* 1, 2, 3, ... */
	uint8_t type;		/* SKB_CACHE_* */
	uint8_t shift;		/* APIC ids that agree above this many low bits share it */
	uint8_t reserved;
	uint32_t sharing;	/* how many APIC ids CPUID says share it */
	uint64_t size;		/* bytes */
};

/* Where the APIC id fields came from. */
enum skb_topo_source {
	SKB_TOPO_NONE,		/* nothing: one thread, one core per package */
	SKB_TOPO_LEGACY,	/* leaf 1 (logical count) and leaf 4 / 0x80000008 */
	SKB_TOPO_AMD,		/* 0x8000001E (threads per compute unit) and 0x80000008 */
	SKB_TOPO_LEAF_B,	/* leaf 0xB */
	SKB_TOPO_LEAF_1F,	/* leaf 0x1F */
};

struct skb_cpu {
	char vendor[13];	/* "GenuineIntel", "AuthenticAMD", ... */
	char hypervisor[13];	/* leaf 0x40000000's signature: "TCGTCGTCGTCG", "KVMKVMKVM"; "" */
	uint32_t apic_id;	/* x2APIC id (leaf 0xB/0x1F) if there is one, else leaf 1's 8 bits */
	bool x2apic_id;		/* apic_id is the 32-bit x2APIC id */
	uint8_t topo;		/* enum skb_topo_source */
	uint8_t smt_shift;	/* APIC id bits of the thread within its core */
	uint8_t pkg_shift;	/* bits of thread and core within the package */
	uint8_t ncaches;
	struct skb_cache cache[SKB_MAX_CACHES];
	const char *bad;	/* NULL, or why some of the leaves made no sense
				 * (what was dropped is said in the sentence) */
};

/* Decodes one core's leaves. ERR_INVALID_ARG if c->n is above
 * SKB_MAX_CPUID; anything inside that makes no sense is dropped and said
 * in out->bad, never trusted. */
err_t skb_cpuid_decode(const struct skb_cpuid *c, struct skb_cpu *out);
/* The leaf (leaf, subleaf) of c, or NULL. */
const struct skb_cpuid_leaf *skb_cpuid_find(const struct skb_cpuid *c, uint32_t leaf,
					    uint32_t subleaf);

/* ---- The inputs ---- */

#define SKB_CORE_NONE		0	/* nothing heard from it */
#define SKB_CORE_UP		1	/* its monitor sent its CPUID facts: present */
#define SKB_CORE_GONE		2	/* it was up and has been taken away */

struct skb_input {
	struct kpi_topo topo;	/* the kernel's (all zero: nothing known yet) */
	struct {
		uint32_t state;	/* SKB_CORE_* */
		uint32_t reserved;
		struct skb_cpuid cpuid;
	} core[SKB_MAX_CORES];
	/* rtt[a][b]: URPC round trip from core a's monitor to core b's, in
	 * cycles of core a's TSC; 0: not measured. */
	uint64_t rtt[SKB_MAX_CORES][SKB_MAX_CORES];
};

/* ---- The derived facts ---- */

struct skb_core {
	bool known;		/* the kernel started it, or it reported */
	bool present;		/* it is up now (reported, not gone, not left out) */
	bool reported;		/* its CPUID facts are here (cpu below) */
	uint32_t since;		/* generation in which `present` last changed */
	uint32_t apic_id;	/* CPUID's if reported, else the kernel's */
	uint32_t package, core, thread;	/* from the APIC id (reported cores) */
	uint32_t node;
	struct skb_cpu cpu;
	uint64_t sharers[SKB_MAX_CACHES];	/* present cores sharing cpu.cache[k] */
	int llc;		/* index in cpu.cache of its last-level cache; -1 */
};

struct skb_node {
	uint32_t domain;	/* ACPI proximity domain (0 without a SRAT) */
	uint64_t memory;	/* bytes */
	uint32_t nranges;	/* SRAT memory entries (0 without a SRAT) */
	uint64_t cores;		/* present cores */
};

enum skb_conflict_kind {
	SKB_C_APIC_MISMATCH,	/* CPUID's APIC id is not the kernel's for that core */
	SKB_C_NOT_IN_MADT,	/* a core's APIC id is not in the MADT */
	SKB_C_NO_CPUID,		/* the kernel started it; it sent no CPUID facts */
	SKB_C_DUPLICATE_APIC,	/* two cores say the same APIC id */
	SKB_C_CPUID,		/* a core's CPUID leaves make no sense */
	SKB_C_SRAT_UNKNOWN_APIC,/* the SRAT names an APIC id no core has */
	SKB_C_SRAT_DUPLICATE,	/* the SRAT puts one APIC id in two nodes */
	SKB_C_SRAT_MISSING_CORE,/* a core is in no SRAT entry */
	SKB_C_SLIT_SIZE,	/* the SLIT's size is not the SRAT's domains' */
	SKB_C_SLIT_DIAGONAL,	/* a node's distance to itself is not 10 */
	SKB_C_SLIT_ASYMMETRIC,	/* distance a->b is not b->a */
	SKB_C_SLIT_RANGE,	/* a distance between two nodes is 10 or less */
	SKB_C_NKINDS
};

struct skb_conflict {
	uint32_t kind;		/* enum skb_conflict_kind */
	char reason[SKB_REASON_MAX];	/* what disagrees, then "; " and what the SKB did */
};

/* flags */
#define SKB_F_ACPI		0x1u	/* the kernel had ACPI tables (TOPO_ACPI) */
#define SKB_F_NUMA		0x2u	/* nodes are the SRAT's (else one node) */
#define SKB_F_SLIT		0x4u	/* distances are the SLIT's (else 10 / 20) */
#define SKB_F_EMULATED		0x8u	/* core 0 runs under QEMU's TCG: cross-core
					 * timings are the emulator's */

struct skb {
	struct skb_input in;
	uint32_t generation;	/* changes with every change of the inputs */
	uint32_t ncores;	/* core ids 0..ncores-1 are known (some may be absent) */
	uint32_t nnodes;	/* >= 1 once anything is known */
	uint32_t flags;		/* SKB_F_* */
	struct skb_core core[SKB_MAX_CORES];
	struct skb_node node[SKB_MAX_NODES];
	uint8_t dist[SKB_MAX_NODES][SKB_MAX_NODES];
	uint32_t nconflicts;	/* in conflict[] */
	uint32_t conflicts_dropped;	/* more than SKB_MAX_CONFLICTS */
	struct skb_conflict conflict[SKB_MAX_CONFLICTS];
};

/* ---- Changing the facts ---- */

/* An empty store: generation 0, no core known. */
void skb_init(struct skb *s);
/*
 * Takes `in` whole, checks it and derives every fact from it. Input that
 * is malformed (counts beyond their arrays, a node index beyond the
 * nodes, a core state that is none of SKB_CORE_*, a round trip to itself)
 * is ERR_INVALID_ARG, and the store keeps what it had. The generation
 * goes up by one if anything changed.
 */
err_t skb_load(struct skb *s, const struct skb_input *in);
/* The same for one kind of input at a time, as a later issue's hot-plug
 * will: the kernel's record; core `core` up with its CPUID leaves (its
 * round trips, which were measured before it went, are forgotten); core
 * `core` gone (ERR_NO_SUCH_CORE unless it is known); n round trips from
 * core `from` (to cores 0..n-1). */
err_t skb_set_topology(struct skb *s, const struct kpi_topo *t);
err_t skb_core_up(struct skb *s, unsigned core, const struct skb_cpuid *c);
err_t skb_core_down(struct skb *s, unsigned core);
err_t skb_set_rtt(struct skb *s, unsigned from, const uint64_t *cycles, unsigned n);

/* ---- Queries ---- */

/*
 * Errors: ERR_NO_SUCH_CORE for a core id that is not known (never started,
 * never reported, or 64 and above); ERR_CORE_ABSENT where the answer needs
 * a present core; ERR_NO_SUCH_NODE for a node at or above nnodes.
 */
err_t skb_core(const struct skb *s, unsigned core, const struct skb_core **out);
err_t skb_node_of(const struct skb *s, unsigned core, unsigned *node);
err_t skb_node(const struct skb *s, unsigned node, const struct skb_node **out);
err_t skb_node_cores(const struct skb *s, unsigned node, uint64_t *cores);
err_t skb_distance(const struct skb *s, unsigned from, unsigned to, unsigned *distance);
/* The present cores that share core's cache of `level` (its data or
 * unified cache there; level 0: its last-level cache), core included.
 * ERR_NOT_FOUND: CPUID describes no such cache. */
err_t skb_cache_sharers(const struct skb *s, unsigned core, unsigned level, uint64_t *cores);
/* Round trips from `from` to every core, row[0..SKB_MAX_CORES) (0: not
 * measured, or itself); ERR_CORE_ABSENT for a core not present. */
err_t skb_rtt_row(const struct skb *s, unsigned from, uint64_t row[SKB_MAX_CORES]);
/* The cores present now. */
uint64_t skb_present(const struct skb *s);
/* OK if every core of `cores` is present: else ERR_NO_SUCH_CORE or
 * ERR_CORE_ABSENT for the lowest that is not (in *bad). */
err_t skb_check_cores(const struct skb *s, uint64_t cores, unsigned *bad);

/* ---- Multicast trees (lib/skb_tree.c) ---- */

/* The facts as lib/mtree wants them: cores 0..ncores-1 with their nodes
 * and last-level cache groups (the lowest core sharing the cache; a core
 * of its own where CPUID names none, or the core is absent), and the
 * distances between the nodes. */
void skb_mtree_topo(const struct skb *s, struct mtree_topo *t);
/*
 * What one message costs on this machine, for mtree_best (the shootdown's
 * choice of shape): the Multikernel paper's figures (mtree_timing_paper)
 * scaled to the round trips the monitors measured between present cores.
 * A round trip is two messages, each a send, a receive and a flight, so
 * half the median round trip within a node stands for the paper's
 * send + recv + prop within a node, and the same between nodes; each of
 * the three parts, and the flush, keeps the paper's share of it (the
 * flush the local one's). A class with no measurement takes the other's
 * scale. ERR_NOT_FOUND, *out left alone, when nothing was measured.
 * Under TCG the figures are the emulator's (SKB_F_EMULATED): the shape
 * they pick is the one that is best on the emulator.
 */
err_t skb_mtree_timing(const struct skb *s, struct mtree_timing *out);
/*
 * The tree of `shape` (enum mtree_shape) from `root` over `members` (0:
 * every present core), for present cores only: ERR_NO_SUCH_CORE or
 * ERR_CORE_ABSENT for the root, or else the lowest member that is not
 * (in *bad); ERR_INVALID_ARG for an unknown shape or members without
 * the root; otherwise what mtree_build answers.
 */
err_t skb_tree(const struct skb *s, unsigned shape, unsigned root, uint64_t members,
	       struct mtree *out, unsigned *bad);

/* "0-2,5,7-8" for a mask of cores, "none" for 0; snprintf's result. */
int skb_fmt_cores(uint64_t cores, char *buf, size_t size);
/* "conflict kind" names ("srat_unknown_apic", ...) for tests and logs. */
const char *skb_conflict_name(unsigned kind);

#endif
