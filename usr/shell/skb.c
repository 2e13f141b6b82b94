/*
 * The shell's `skb` commands: the System Knowledge Base's facts, readable
 * (docs/skb.md). The shell is a client like any other: it binds to the
 * SKB the first time it is asked (flotilla/skb.h), keeps the channel,
 * and prints what the rpcs of if/skb.if answer. The SKB is supervised
 * and may have been restarted since: each command first makes sure the
 * channel's other end answers, and binds again if it does not. Numbers typed
 * are the SKB's to judge: a core or a node it does not have is its error
 * (ERR_NO_SUCH_CORE, ERR_NO_SUCH_NODE), printed like any other.
 */
#include <stdio.h>
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/skb.h>
#include <flotilla/sys.h>
#include "lib/lineedit.h"
#include "lib/mtree.h"
#include "lib/skb.h"
#include "shell.h"

#define SKB_SLOTS	CADDR(TASK_CN, 40)	/* four: the binding's (flotilla/skb.h) */
#define SKB_WAIT_NS	(5ull * 1000 * 1000 * 1000)
/* How long a call may hear nothing from the SKB. */
#define SKB_ANSWER_NS	(3ull * 1000 * 1000 * 1000)
/* Past this many cores the round trips are a line per core, not a matrix. */
#define RTT_MATRIX_MAX	16

static struct skb_client skb;

/* lib/mtree's shape names (mtree_shape_name), here so that the shell does
 * not carry the tree builder to parse one word. */
static const char *const shapes[] = {
	[MTREE_BROADCAST] = "broadcast", [MTREE_UNICAST] = "unicast",
	[MTREE_MULTICAST] = "multicast", [MTREE_NUMA] = "numa",
};
_Static_assert(sizeof(shapes) / sizeof(shapes[0]) == MTREE_NSHAPES, "a name for every shape");

static bool parse_shape(const char *word, enum mtree_shape *out)
{
	for (unsigned s = 0; s < MTREE_NSHAPES; s++)
		if (!strcmp(word, shapes[s])) {
			*out = (enum mtree_shape)s;
			return true;
		}
	return false;
}

/* Is the SKB at the other end of the kept channel still there? A short
 * call answers, or times out (a restarted SKB is another process: the
 * old channel's end is dead, and nothing answers on it). */
static bool still_there(void)
{
	uint32_t gen, ncores, found, nnodes, flags, nconf, rows;
	uint64_t present;
	const char *cpu, *hv;
	err_t err, status;

	err = if_skb_summary_call(&skb.b.b, &status, &gen, &ncores, &present, &found, &nnodes,
				  &flags, &nconf, &rows, &cpu, &hv);
	if (!err)
		return true;
	printf("shell: skb: no answer on the channel to the System Knowledge Base (%s); binding "
	       "to it again\n", err_name(err));
	skb_close(&skb);
	return false;
}

/* The binding, made the first time and kept while the SKB answers; NULL
 * after saying why not. A call that hears nothing from the SKB for
 * SKB_ANSWER_NS ends in ERR_TIMEOUT. */
struct idl_binding *skb_binding(void)
{
	err_t err;

	if (skb.open && still_there())
		return &skb.b.b;
	struct cap_info ram;
	if (cap_identify(CADDR(RAM_CN, 0), &ram)) {
		printf("shell: skb: there is no System Knowledge Base on this machine (core 0 had "
		       "too little memory for it, and gave this shell none to bind with)\n");
		return NULL;
	}
	if ((err = skb_open(&skb, SKB_SLOTS, SKB_WAIT_NS))) {
		shell_error(err, err == ERR_NOT_FOUND ? "the SKB is not running" : NULL,
			    "skb: cannot reach the System Knowledge Base");
		return NULL;
	}
	skb.ch.timeout_ns = SKB_ANSWER_NS;
	return &skb.b.b;
}

static const char *cache_name(unsigned level, unsigned type, char buf[8])
{
	snprintf(buf, 8, "L%u%s", level, type == SKB_CACHE_DATA ? "d" :
					 type == SKB_CACHE_INST ? "i" : "");
	return buf;
}

static void size_text(uint64_t bytes, char *buf, size_t size)
{
	if (bytes >= (1ull << 20) && bytes % (1ull << 20) == 0)
		snprintf(buf, size, "%llu MiB", (unsigned long long)(bytes >> 20));
	else
		snprintf(buf, size, "%llu KiB", (unsigned long long)(bytes >> 10));
}

/* One line per cache (level, type, size) with the groups of present
 * cores that share one: "  L2 4 MiB: 0,1 | 2,3". */
static void print_caches(struct idl_binding *b, unsigned ncores, uint64_t present)
{
	struct { uint8_t level, type; uint64_t size; uint64_t groups[SKB_MAX_CORES];
		 unsigned ngroups; } kind[16];
	unsigned nkinds = 0;

	for (unsigned core = 0; core < ncores; core++) {
		uint32_t ncaches = 0;
		err_t status;
		if (!(present >> core & 1) ||
		    if_skb_core_call(b, core, &status, NULL, NULL, NULL, NULL, NULL, NULL, &ncaches,
				     NULL) || status)
			continue;
		for (unsigned k = 0; k < ncaches; k++) {
			uint8_t level, type;
			uint64_t size, sharers;
			if (if_skb_cache_call(b, core, k, &status, &level, &type, &size, &sharers) ||
			    status)
				continue;
			unsigned i = 0;
			while (i < nkinds && !(kind[i].level == level && kind[i].type == type &&
					       kind[i].size == size))
				i++;
			if (i == nkinds) {
				if (nkinds == 16)
					continue;
				kind[nkinds++] = (typeof(kind[0])){ level, type, size, { 0 }, 0 };
			}
			bool seen = false;
			for (unsigned g = 0; g < kind[i].ngroups; g++)
				seen |= kind[i].groups[g] == sharers;
			if (!seen && kind[i].ngroups < SKB_MAX_CORES)
				kind[i].groups[kind[i].ngroups++] = sharers;
		}
	}
	printf("caches, and the cores that share each:\n");
	if (!nkinds)
		printf("  none described by CPUID\n");
	for (unsigned i = 0; i < nkinds; i++) {
		char name[8], size[24];
		size_text(kind[i].size, size, sizeof(size));
		printf("  %s %s:", cache_name(kind[i].level, kind[i].type, name), size);
		for (unsigned g = 0; g < kind[i].ngroups; g++) {
			char cores[200];
			skb_fmt_cores(kind[i].groups[g], cores, sizeof(cores));
			printf("%s %s", g ? " |" : "", cores);
		}
		printf("\n");
	}
}

static void print_nodes(struct idl_binding *b, unsigned nnodes)
{
	for (unsigned n = 0; n < nnodes; n++) {
		uint32_t domain;
		uint64_t memory, cores;
		char list[200], size[24];
		err_t status;
		if (if_skb_node_call(b, n, &status, &domain, &memory, &cores) || status)
			continue;
		skb_fmt_cores(cores, list, sizeof(list));
		size_text(memory, size, sizeof(size));
		printf("node %u (domain %u): %s, cores %s; distances", n, domain, size, list);
		for (unsigned m = 0; m < nnodes; m++) {
			uint32_t d = 0;
			if_skb_distance_call(b, n, m, &status, &d);
			printf(" %u", d);
		}
		printf("\n");
	}
}

static bool rtt_row(struct idl_binding *b, unsigned from, uint64_t row[SKB_MAX_CORES])
{
	const uint8_t *cycles;
	size_t len;
	err_t status;

	if (if_skb_rtt_call(b, from, &status, &cycles, &len) || status ||
	    len != SKB_MAX_CORES * sizeof(uint64_t))
		return false;
	memcpy(row, cycles, len);
	return true;
}

static unsigned count(uint64_t cores)
{
	unsigned n = 0;

	for (; cores; cores &= cores - 1)
		n++;
	return n;
}

static void print_rtt(struct idl_binding *b, unsigned ncores, uint64_t present, uint32_t flags,
		      unsigned rows)
{
	uint64_t row[SKB_MAX_CORES];

	printf("URPC round trips in cycles, from each core's monitor to each other's; %u of %u rows measured%s\n",
	       rows, count(present),
	       flags & SKB_F_EMULATED ? " (emulated: QEMU's TCG; between cores these are the "
					"emulator's timings, meaningful only with a host core for "
					"every virtual one)" : "");
	if (ncores <= RTT_MATRIX_MAX) {
		printf("  from\\to");
		for (unsigned j = 0; j < ncores; j++)
			printf(" %10u", j);
		printf("\n");
	}
	for (unsigned i = 0; i < ncores; i++) {
		if (!(present >> i & 1) || !rtt_row(b, i, row))
			continue;
		if (ncores <= RTT_MATRIX_MAX) {
			printf("  %7u", i);
			for (unsigned j = 0; j < ncores; j++)
				if (row[j])
					printf(" %10llu", (unsigned long long)row[j]);
				else
					printf(" %10s", "-");
			printf("\n");
			continue;
		}
		uint64_t lo = ~0ull, hi = 0;
		unsigned n = 0, nearest = i;
		for (unsigned j = 0; j < ncores; j++) {
			if (!row[j])
				continue;
			n++;
			if (row[j] < lo)
				lo = row[j], nearest = j;
			hi = row[j] > hi ? row[j] : hi;
		}
		if (n)
			printf("  from %u: %u measured, %llu to %llu (nearest: core %u)\n", i, n,
			       (unsigned long long)lo, (unsigned long long)hi, nearest);
		else
			printf("  from %u: none measured yet\n", i);
	}
}

static void print_conflicts(struct idl_binding *b, unsigned n)
{
	if (!n) {
		printf("conflicts between the sources: none\n");
		return;
	}
	printf("conflicts between the sources: %u\n", n);
	for (unsigned i = 0; i < n; i++) {
		const char *reason;
		uint32_t kind;
		err_t status;
		if (!if_skb_conflict_call(b, i, &status, &kind, &reason) && !status)
			printf("  %s: %s\n", skb_conflict_name(kind), reason);
	}
}

static void show_all(struct idl_binding *b)
{
	uint32_t gen, ncores, found, nnodes, flags, nconflicts, rows;
	const char *cpu, *hv;
	uint64_t present;
	char list[200];
	err_t status, err;

	err = if_skb_summary_call(b, &status, &gen, &ncores, &present, &found, &nnodes, &flags,
				  &nconflicts, &rows, &cpu, &hv);
	if (err || status) {
		shell_error(err ? err : status, NULL, "skb");
		return;
	}
	char cpu_s[13], hv_s[13];		/* the next call reuses the buffer */
	strlcpy(cpu_s, cpu, sizeof(cpu_s));
	strlcpy(hv_s, hv, sizeof(hv_s));
	skb_fmt_cores(present, list, sizeof(list));
	printf("skb: generation %u; cores %s present of %u known (ACPI's MADT lists %u); %u NUMA node%s %s; %s\n",
	       gen, list, ncores, found, nnodes, nnodes == 1 ? "" : "s",
	       flags & SKB_F_NUMA ? "from the SRAT" :
	       flags & SKB_F_ACPI ? "(no SRAT used)" : "(no ACPI)",
	       flags & SKB_F_SLIT ? "distances from the SLIT" : "distances 10 and 20 (no SLIT used)");
	printf("cpu: %s%s%s\n", cpu_s[0] ? cpu_s : "(no vendor)", hv_s[0] ? ", under " : "",
	       hv_s);
	printf("%4s %6s %7s %5s %6s %4s\n", "core", "APIC", "package", "core", "thread", "node");
	for (unsigned i = 0; i < ncores; i++) {
		uint32_t apic, pkg, cid, thread, node;
		bool here;
		if (if_skb_core_call(b, i, &status, &here, &apic, &pkg, &cid, &thread, &node, NULL,
				     NULL) || status)
			continue;
		if (here)
			printf("%4u %6u %7u %5u %6u %4u\n", i, apic, pkg, cid, thread, node);
		else
			printf("%4u %6u %7s %5s %6s %4u  (not present)\n", i, apic, "-", "-", "-",
			       node);
	}
	print_caches(b, ncores, present);
	print_nodes(b, nnodes);
	print_rtt(b, ncores, present, flags, rows);
	print_conflicts(b, nconflicts);
}

static void show_core(struct idl_binding *b, uint32_t core)
{
	uint32_t apic, pkg, cid, thread, node, ncaches, since;
	bool here;
	err_t status, err;

	err = if_skb_core_call(b, core, &status, &here, &apic, &pkg, &cid, &thread, &node,
			       &ncaches, &since);
	if (err || status) {
		shell_error(err ? err : status, NULL, "skb core %u", core);
		return;
	}
	printf("core %u: %s since generation %u; APIC id %u, package %u, core %u, thread %u, node %u\n",
	       core, here ? "present" : "not present", since, apic, pkg, cid, thread, node);
	for (unsigned k = 0; k < ncaches; k++) {
		uint8_t level, type;
		uint64_t size, sharers;
		char name[8], cores[200], bytes[24];
		if (if_skb_cache_call(b, core, k, &status, &level, &type, &size, &sharers) || status)
			continue;
		skb_fmt_cores(sharers, cores, sizeof(cores));
		size_text(size, bytes, sizeof(bytes));
		printf("  %s %s, shared by cores %s\n", cache_name(level, type, name), bytes, cores);
	}
}

static void show_node(struct idl_binding *b, uint32_t node)
{
	uint32_t domain;
	uint64_t memory, cores;
	char list[200], size[24];
	err_t status, err;

	err = if_skb_node_call(b, node, &status, &domain, &memory, &cores);
	if (err || status) {
		shell_error(err ? err : status, NULL, "skb node %u", node);
		return;
	}
	skb_fmt_cores(cores, list, sizeof(list));
	size_text(memory, size, sizeof(size));
	printf("node %u: proximity domain %u, %s, cores %s\n", node, domain, size, list);
}

/* `skb tree ROOT [SHAPE]`: the tree's edges, "A -> B" a line, in the
 * order the root's messages go out (lib/mtree.h: mtree_edges). */
static void show_tree(struct idl_binding *b, uint32_t root, enum mtree_shape shape)
{
	const uint8_t *e;
	size_t len;
	uint32_t bad;
	bool sequential;
	err_t status, err;

	err = if_skb_tree_call(b, shape, root, 0, &status, &bad, &sequential, &e, &len);
	if (err || status) {
		if (!err && status != ERR_INVALID_ARG && bad != root)
			shell_error(status, NULL, "skb tree %u: core %u", root, bad);
		else
			shell_error(err ? err : status, NULL, "skb tree %u", root);
		return;
	}
	if (len == 0)
		printf("core %u is the only core: the tree has no edges\n", root);
	for (size_t i = 0; i + 1 < len; i += 2)
		printf("%u -> %u\n", e[i], e[i + 1]);
}

void shell_skb(const struct command *cmd, unsigned n, char **words)
{
	enum mtree_shape shape = MTREE_NUMA;
	struct idl_binding *b;
	uint64_t v = 0;

	if (n >= 2 && strcmp(words[1], "core") && strcmp(words[1], "node") &&
	    strcmp(words[1], "tree")) {
		shell_usage(cmd, "'%s' is not 'core', 'node' or 'tree'", words[1]);
		return;
	}
	if (n == 2 || (n == 4 && strcmp(words[1], "tree"))) {
		shell_usage(cmd, "'%s' takes one number", words[1]);
		return;
	}
	if (n >= 3 && (lineedit_parse_u64(words[2], &v) || v > 0xFFFFFFFFu)) {
		shell_usage(cmd, "'%s' is not a number", words[2]);
		return;
	}
	if (n == 4 && !parse_shape(words[3], &shape)) {
		shell_usage(cmd, "'%s' is not a shape (broadcast, unicast, multicast, numa)",
			    words[3]);
		return;
	}
	if (!(b = skb_binding()))
		return;
	if (n == 1)
		show_all(b);
	else if (!strcmp(words[1], "core"))
		show_core(b, (uint32_t)v);
	else if (!strcmp(words[1], "node"))
		show_node(b, (uint32_t)v);
	else
		show_tree(b, (uint32_t)v, shape);
}
