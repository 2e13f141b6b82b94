/*
 * tfdemo: a task force's demonstration (docs/taskforce.md). Started by
 *
 *	tf run NAME tfdemo [ARG] on CORES	ARG = K * 1000 + P
 *
 * it counts the primes below K * 1000 (K = 0: 10^6; at most 10^8), and
 * sums them, in parallel over the force's members. The root (the lowest
 * core) multicasts the job over the force's tree; the range is cut into
 * TFD_ROUNDS rounds, and in each round every member sieves its share of
 * that round's slice (a segmented sieve of Eratosthenes) and meets the
 * others at a barrier that sums their counts and sums up the tree. Each
 * member waits P ms before each round's work (0..999; a pause that
 * leaves time to kill a member mid-way, as the boot test does). With
 * hb=S the members beat while they work, pause and wait (tf_beat,
 * tf_pause), so a member that hangs is found and the force restarted.
 *
 * Then the members measure how far apart they ran (tf_skew): each keeps
 * its core busy for TFD_BUSY_NS and brings to the root when it started
 * in each of the last gang windows (the members are co-scheduled), and
 * the root prints the skew between them.
 *
 * At the end the root sieves the whole range again alone, the plain way
 * (a bit per number; below 2 * 10^6), and prints whether the force's
 * answer is the same.
 *
 * The force's frame (m.frame, granted to every member by init) holds the
 * job's progress (struct tfd_frame): after each round's barrier the root
 * writes the round's count and sum there, and then how many rounds are
 * done. Before the first round every member writes its mark in it, and
 * the root checks that all the marks are there: the members share that
 * memory. A member that is killed makes the force's supervisor
 * (one_for_all) kill the others and start them all again; the frame is
 * the force's, so the new members find the rounds already done and go on
 * from the first that is not, and the answer is as right as an
 * unbroken run's.
 */
#include <stdio.h>
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/sys.h>
#include <flotilla/tforce.h>
#include "lib/tfskew.h"

#define TFD_ROUNDS	8
#define TFD_MAX_ROUNDS	64		/* what a member takes from the root */
#define TFD_MAGIC	0x7466646d6f303031ull	/* "tfdmo001": a job's progress is here */
#define TFD_MAX		100000000ull	/* the largest limit */
#define TFD_CHECK_MAX	2000000ull	/* the largest the root checks alone */
#define TFD_WINDOW	32768		/* numbers sieved at once */
#define TFD_SLOTS	CADDR(TASK_CN, 40)
#define TFD_BUSY_NS	500000000ull	/* busy before the skew is measured: 12 windows */

extern unsigned long libc_arg;

static struct tf_member m;

/* The force's frame (see the top). */
struct tfd_frame {
	uint64_t magic, limit, rounds, done;
	uint64_t count[TFD_MAX_ROUNDS], sum[TFD_MAX_ROUNDS];
	uint64_t mark[TF_MAX_MEMBERS];
};
_Static_assert(sizeof(struct tfd_frame) <= TF_FRAME_BYTES, "the progress fits the frame");
static uint32_t small[1300];		/* the primes below 10^4 (1229 of them) */
static unsigned nsmall;
static uint8_t window[TFD_WINDOW];
static uint8_t bits[TFD_CHECK_MAX / 8 + 1];

/* The primes up to sqrt(limit), for the segments. */
static void small_primes(uint64_t limit)
{
	static uint8_t comp[10001];

	for (uint32_t i = 2; (uint64_t)i * i < limit && i <= 10000; i++) {
		if (comp[i])
			continue;
		small[nsmall++] = i;
		for (uint32_t j = i * i; j <= 10000; j += i)
			comp[j] = 1;
	}
}

/* How many primes lie in [lo, hi), and their sum: a segmented sieve. */
static void sieve(uint64_t lo, uint64_t hi, uint64_t *count, uint64_t *sum)
{
	*count = *sum = 0;
	for (uint64_t base = lo; base < hi; base += TFD_WINDOW) {
		uint64_t end = base + TFD_WINDOW < hi ? base + TFD_WINDOW : hi;
		tf_beat(&m);			/* with hb=S: alive between windows */
		memset(window, 0, sizeof(window));
		for (unsigned k = 0; k < nsmall; k++) {
			uint64_t p = small[k], first = (base + p - 1) / p * p;
			if (first < p * p)
				first = p * p;
			for (uint64_t j = first; j < end; j += p)
				window[j - base] = 1;
		}
		for (uint64_t n = base < 2 ? 2 : base; n < end; n++)
			if (!window[n - base]) {
				(*count)++;
				*sum += n;
			}
	}
}

/* The root's check: the plain sieve over [0, limit), a bit per number. */
static void alone(uint64_t limit, uint64_t *count, uint64_t *sum)
{
	*count = *sum = 0;
	for (uint64_t n = 2; n < limit; n++) {
		if (bits[n / 8] & (1u << (n % 8)))
			continue;
		(*count)++;
		*sum += n;
		for (uint64_t j = n * n; j < limit; j += n)
			bits[j / 8] |= (uint8_t)(1u << (j % 8));
	}
}

/* Its supervisor asked it to end (a force stopped in order): it does. */
static int stopped(void)
{
	printf("tfdemo: core %u: asked to stop; stopping\n", m.me);
	return 0;
}

static const char *cores_text(uint64_t cores, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned c = 0; c < 64 && len < size; c++)
		if ((cores >> c) & 1)
			len += (size_t)snprintf(buf + len, size - len, "%s%u", len ? "," : "", c);
	return buf;
}

/* The root: where the job starts, from the force's frame: after the
 * rounds done before a restart if it holds this job's progress, else at
 * 0 with the frame made ready for it. */
static uint64_t resume(volatile struct tfd_frame *f, uint64_t limit, uint64_t *total,
		       uint64_t *total_sum)
{
	*total = *total_sum = 0;
	if (f->magic == TFD_MAGIC && f->limit == limit && f->rounds == TFD_ROUNDS &&
	    f->done <= TFD_ROUNDS) {
		uint64_t done = f->done;
		for (uint64_t r = 0; r < done; r++) {
			*total += f->count[r];
			*total_sum += f->sum[r];
		}
		if (done)
			printf("tfdemo: resuming at round %llu of %u: the force's frame kept the %llu round%s done before the restart\n",
			       (unsigned long long)done + 1, TFD_ROUNDS, (unsigned long long)done,
			       done == 1 ? "" : "s");
		return done;
	}
	f->magic = 0;
	f->limit = limit;
	f->rounds = TFD_ROUNDS;
	f->done = 0;
	__asm__ volatile("" ::: "memory");	/* the magic last: x86 keeps stores in order */
	f->magic = TFD_MAGIC;
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t job[TFG_CAST_WORDS], sums[2], count, sum;
	uint64_t total = 0, total_sum = 0, start = 0;
	char list[200];
	err_t err;

	if ((err = tf_join(&m, libc_arg, TFD_SLOTS, 30 * 1000000000ull))) {
		printf("tfdemo: core %u cannot join its task force: %s: %s\n", sys_core_id(),
		       err_name(err), err_msg(err));
		return 1;
	}
	volatile struct tfd_frame *f = (volatile struct tfd_frame *)m.frame;
	if (m.rank == 0) {
		uint64_t k = m.arg / 1000, limit = k ? k * 1000 : 1000000;
		if (limit > TFD_MAX) {
			printf("tfdemo: %llu is above the largest limit, %llu; counting below %llu\n",
			       (unsigned long long)limit, (unsigned long long)TFD_MAX,
			       (unsigned long long)TFD_MAX);
			limit = TFD_MAX;
		}
		printf("tfdemo: %u members on cores %s, a %s tree from core %u; primes below %llu in %u rounds\n",
		       m.count, cores_text(m.cores, list, sizeof(list)), mtree_shape_name(m.shape),
		       m.me, (unsigned long long)limit, TFD_ROUNDS);
		start = resume(f, limit, &total, &total_sum);
		job[0] = limit;
		job[1] = TFD_ROUNDS;
		job[2] = m.arg % 1000 | start << 16;
		job[3] = sys_clock_ns() | 1;	/* this run's: the members' marks */
		err = tf_bcast(&m, job);
	} else {
		err = tf_recv_cast(&m, job);
	}
	if (err || job[0] < 2 || job[0] > TFD_MAX || job[1] == 0 || job[1] > TFD_MAX_ROUNDS ||
	    (job[2] & 0xFFFF) > 999 || job[2] >> 16 > job[1]) {
		printf("tfdemo: core %u: no job: %s\n", m.me, err ? err_name(err) : "a bad one");
		return 1;
	}
	uint64_t limit = job[0], rounds = job[1], pause_ns = (job[2] & 0xFFFF) * 1000000ull;
	start = job[2] >> 16;
	/* Every member's mark in the force's frame; the root finds them all
	 * there once the barrier says every member has written its own. */
	f->mark[m.rank] = job[3] + m.rank;
	if ((err = tf_barrier(&m, 1, 0, sums)) == ERR_STOPPED)
		return stopped();
	if (err) {
		printf("tfdemo: core %u: the marks' barrier: %s\n", m.me, err_name(err));
		return 1;
	}
	if (m.rank == 0) {
		unsigned seen = 0;
		for (unsigned i = 0; i < m.count; i++)
			seen += f->mark[i] == job[3] + i;
		printf("%s: the force's frame (%u KiB) is shared: %u of %u members' marks are in it\n",
		       seen == m.count && sums[0] == m.count ? "tfdemo" : "tfdemo: WRONG",
		       TF_FRAME_BYTES / 1024, seen, m.count);
		if (seen != m.count || sums[0] != m.count)
			return 2;
	}
	small_primes(limit);
	for (uint64_t r = start; r < rounds; r++) {
		uint64_t lo = limit * r / rounds, hi = limit * (r + 1) / rounds, span = hi - lo;
		if ((err = tf_pause(&m, pause_ns)) == ERR_STOPPED)
			return stopped();
		sieve(lo + span * m.rank / m.count, lo + span * (m.rank + 1) / m.count, &count, &sum);
		if ((err = tf_barrier(&m, count, sum, sums)) == ERR_STOPPED)
			return stopped();
		if (err) {
			printf("tfdemo: core %u: barrier %llu: %s\n", m.me, (unsigned long long)r,
			       err_name(err));
			return 1;
		}
		total += sums[0];
		total_sum += sums[1];
		if (m.rank == 0) {
			/* The round's result, then that it is done: a restart
			 * after this goes on from the next. */
			f->count[r] = sums[0];
			f->sum[r] = sums[1];
			__asm__ volatile("" ::: "memory");
			f->done = r + 1;
		}
		if (m.rank == 0)
			printf("tfdemo: round %llu of %llu: %llu primes so far\n",
			       (unsigned long long)r + 1, (unsigned long long)rounds,
			       (unsigned long long)total);
	}
	/* How far apart the members ran: they are co-scheduled (tf_join). */
	struct tfs_stats s;
	if ((err = tf_skew(&m, TFD_BUSY_NS, &s)) == ERR_STOPPED)
		return stopped();
	if (err) {
		printf("tfdemo: core %u: no skew measured: %s\n", m.me, err_name(err));
		return 1;
	}
	if (m.rank != 0)
		return 0;
	printf("tfdemo: co-scheduled: every member started in %u of the last %u gang windows; skew between members' starts: median %u us, largest %u us; starts after a window opened: median %u us, largest %u us\n",
	       s.full, s.rounds, s.skew_median_us, s.skew_max_us, s.late_median_us, s.late_max_us);
	printf("tfdemo: %llu primes below %llu, their sum %llu (%llu garbage messages dropped at the root)\n",
	       (unsigned long long)total, (unsigned long long)limit, (unsigned long long)total_sum,
	       (unsigned long long)m.g.dropped);
	if (limit > TFD_CHECK_MAX) {
		printf("tfdemo: not checked: the root checks limits up to %llu alone\n",
		       (unsigned long long)TFD_CHECK_MAX);
		return 0;
	}
	alone(limit, &count, &sum);
	if (count == total && sum == total_sum) {
		printf("tfdemo: checked: one core's plain sieve agrees\n");
		return 0;
	}
	printf("tfdemo: WRONG: one core's plain sieve counts %llu, their sum %llu\n",
	       (unsigned long long)count, (unsigned long long)sum);
	return 2;
}
