/*
 * Task forces (docs/taskforce.md): the words of the shell's `tf run` and
 * the requests that carry them to init, checked here so that the host
 * tests (tests/host/test_tforce.c) and a fuzzer (tests/fuzz/fuzz_tforce.c)
 * can drive every case. No system calls and no global state.
 *
 *	tf run NAME PROG [ARG] on CORES [hb=S]
 *	CORES	ITEM[,ITEM]...	ITEM = CORE or FIRST-LAST (decimal)
 *		spread:N	N cores over as many NUMA nodes as there are
 *		packed:N	N cores sharing caches and a node as far as
 *				they can (lib/tfplace.c, from the SKB's facts)
 *	hb=S	every member must beat (mon_beat) at least every S seconds,
 *		1..TF_HB_MAX_S; one that misses is killed as hung, and the
 *		force restarts (one_for_all)
 *
 * A set of cores is a 64-bit mask (TOPO_MAX_CORES is 64). Every parser
 * answers OK, or ERR_INVALID_ARG with one line in why[0..why_size) that
 * says what is wrong, and then leaves *out unspecified.
 */
#ifndef LIB_TFORCE_H
#define LIB_TFORCE_H

#include <stdbool.h>
#include <stdint.h>
#include <kpi/errors.h>

#define TF_NAME_MAX	8	/* characters of a force's name: one LMP word */
#define TF_PROG_MAX	8	/* characters of its program's name: one word */
#define TF_MAX_CORES	64
#define TF_MAX_MEMBERS	16	/* = SV_MAX_CHILDREN: one child per member */
#define TF_ARG_MAX	((1ull << 48) - 1)	/* what a member's argument has room for */
#define TF_HB_MAX_S	255			/* hb=S: one byte of the request */
/* The frame every force has, granted to all its members (its copy at
 * their CPTR_TASK_FIRST_FREE: flotilla/tforce.h, TF_FRAME). */
#define TF_FRAME_BYTES	4096u

/* A member's argument (its program's libc_arg): the force's ARG; the
 * force's id in init (1..255) in bits 48..55, under which init registers
 * its cores in the name service (TF_NS_FMT) and its members export their
 * channels (TF_CHAN_FMT, by core); and its hb=S in bits 56..63 (0: no
 * heartbeats), so that a member beats often enough while it waits
 * (usr/lib/tfmember.c). A program that is no member (id 0) gets
 * ERR_INVALID_ARG from tf_join. */
#define TF_MEMBER_ARG(arg, id, hb)	((arg) | (uint64_t)(id) << 48 | (uint64_t)(hb) << 56)
#define TF_USER_ARG(a)		((a) & TF_ARG_MAX)
#define TF_ID(a)		((unsigned)((a) >> 48) & 0xFF)
#define TF_HB_S(a)		((unsigned)((a) >> 56) & 0xFF)
#define TF_NS_FMT		"tf%u"		/* -> the force's cores */
#define TF_CHAN_FMT		"tf%u.%u"	/* id, core: a member's export */

/* How a force's cores are chosen: given, or by the SKB's facts. */
enum tf_place { TF_PLACE_GIVEN, TF_PLACE_SPREAD, TF_PLACE_PACKED };

struct tf_run {
	char name[TF_NAME_MAX + 1];
	char prog[TF_PROG_MAX + 1];
	uint64_t arg;
	uint64_t cores;		/* bit c: a member on core c (0 until placed) */
	enum tf_place place;	/* not GIVEN: tf_place_cores fills `cores` */
	unsigned want;		/* ... with this many (1..TF_MAX_MEMBERS) */
	unsigned hb_s;		/* hb=S: seconds between beats; 0: no heartbeats */
};

/*
 * The machine as a placement sees it (the SKB's facts, docs/skb.md): the
 * present cores, each one's NUMA node, and the present cores that share
 * its last-level cache (itself included; 0 where the SKB knows none).
 */
struct tf_topo {
	unsigned ncores;		/* 1..TF_MAX_CORES */
	uint64_t present;
	uint8_t node[TF_MAX_CORES];
	uint64_t llc[TF_MAX_CORES];
};

/*
 * `want` present cores for placement `place` (SPREAD or PACKED) into *out:
 *	SPREAD	round the nodes in ascending order, taking each time the
 *		lowest free core of the next node that has one: the members
 *		span as many nodes (memory controllers) as they can
 *	PACKED	the largest group of free cores that share a last-level
 *		cache and a node (ties: the one with the lowest core), all of
 *		it, then the next largest, until there are enough: the
 *		members share caches and memory as far as they can
 * ERR_INVALID_ARG, with why, for a placement that is neither, a count
 * outside 1..TF_MAX_MEMBERS, more cores than are present, or a topology
 * that names no present core or a core past ncores.
 */
err_t tf_place_cores(enum tf_place place, unsigned want, const struct tf_topo *t, uint64_t *out,
		     char *why, unsigned why_size);
/* "spread" or "packed". */
const char *tf_place_name(enum tf_place place);

/* CORES, on a machine of ncores cores (1..TF_MAX_CORES): an empty text or
 * item, a core at or past ncores, a core named twice, a range that runs
 * backwards and anything not a decimal number are refused. */
err_t tf_parse_cores(const char *text, unsigned ncores, uint64_t *out, char *why,
		     unsigned why_size);
/* A force's or a program's name: 1..max characters from [A-Za-z0-9_.-]. */
err_t tf_check_name(const char *what, const char *text, unsigned max, char *why,
		    unsigned why_size);
/* The words after "tf run": NAME PROG [ARG] on CORES. The program is not
 * looked for here (the boot image is the caller's); the members are at
 * most TF_MAX_MEMBERS. CORES spread:N or packed:N (N 1..TF_MAX_MEMBERS
 * and at most ncores) leaves `cores` 0, for tf_place_cores. */
err_t tf_parse_run(unsigned nwords, char *const *words, unsigned ncores, struct tf_run *out,
		   char *why, unsigned why_size);
/* The number of members of a set (its bits). */
unsigned tf_count(uint64_t cores);
/* The rank-th member's core (rank < tf_count(cores)). */
unsigned tf_core_of(uint64_t cores, unsigned rank);

/*
 * The requests to init (usr/init/tforce.c), through the endpoint the shell
 * has for `tree` (CPTR_SUPERVISOR). One LMP call of four words; w0's low
 * byte is the request, numbered past the tree's SVR_REQ_ROW:
 *	RUN	w0 = TF_REQ_RUN | ARG << 8 | S << 56, w1 = CORES, w2 = NAME,
 *		w3 = PROG
 *		(names NUL-padded to a word); reply w0 = the error
 *	KILL	w2 = NAME; reply w0 = the error
 *	FORCE	w1 = the index of a force; reply w0 = the error (ERR_NOT_FOUND
 *		past the last), w1 = CORES, w2 = NAME, w3 = PROG
 *	MEMBER	w1 = force index | rank << 8; reply w1 = the member's row
 *		(flotilla/superv.h's packing), w2 = the force's restarts
 */
enum tf_req { TF_REQ_RUN = 0x10, TF_REQ_KILL, TF_REQ_FORCE, TF_REQ_MEMBER };

/* A name into one word, NUL-padded (the name fits: checked before). */
uint64_t tf_name_word(const char *name);
/* A word into a name of up to 8 characters and its NUL: ERR_BAD_MESSAGE
 * unless it is 1..8 characters of a valid name, NUL-padded. */
err_t tf_word_name(uint64_t w, char out[9]);
void tf_pack_run(const struct tf_run *r, uint64_t w[4]);
/* A RUN request as it came: ERR_BAD_MESSAGE if the names are not valid
 * names or no core is named; the cores are the caller's to check. */
err_t tf_unpack_run(const uint64_t w[4], struct tf_run *out);

#endif
