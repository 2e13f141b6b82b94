/*
 * Unmapping one page of a process that runs on every CPU: a thread on
 * each CPU other than 0 spins in user space (so the address space is live
 * there and the kernel must shoot its TLB entries down), and reads each
 * new page once, so the translation is in that CPU's TLB; CPU 0 then
 * times munmap of the page, which returns only when every CPU has dropped
 * the translation (Linux: a flush IPI to each, and the wait for them).
 * N is every CPU the guest has (its -smp); with one there is nobody to
 * shoot down. Each iteration wakes every CPU, so it runs bench_slow()'s
 * smaller n. Flotilla's side is unmap_ncores (tests/user/uprog/bench.c): a span
 * reads the page on every other core, and mon_unmap shoots it down.
 */
#include "bench/linux/lbench.h"

#include <pthread.h>
#include <string.h>
#include <sys/mman.h>

struct unmap {
	volatile char *volatile page __attribute__((aligned(64)));
	volatile uint64_t gen;		/* a new page to read */
	volatile uint64_t acks __attribute__((aligned(64)));	/* readers done with gen */
	volatile int stop;
	uint64_t sink;
};

struct reader {
	struct unmap *u;
	int cpu;
	uint64_t start;		/* the page generation it starts after */
};

static void *reader(void *arg)
{
	struct reader *r = arg;
	struct unmap *u = r->u;
	uint64_t seen = r->start;

	pin_cpu(r->cpu);
	while (!u->stop) {
		uint64_t g = __atomic_load_n(&u->gen, __ATOMIC_ACQUIRE);
		if (g == seen)
			continue;
		u->sink += u->page[0];
		seen = g;
		__atomic_fetch_add(&u->acks, 1, __ATOMIC_ACQ_REL);
	}
	return NULL;
}

/* Maps a page, has every reader read it, and times its munmap. */
static int one_unmap(struct unmap *u, int nreaders, uint64_t *sample)
{
	uint64_t deadline = now_ns() + BENCH_QUIET_S * 1000000000ull, polls = 0, t0;
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	p[0] = 1;
	u->page = p;
	u->acks = 0;
	__atomic_fetch_add(&u->gen, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&u->acks, __ATOMIC_ACQUIRE) < (uint64_t)nreaders)
		if (spin_expired(&polls, deadline))
			return -1;
	t0 = tsc_fenced();
	if (munmap(p, 4096))
		return -1;
	*sample = tsc_fenced() - t0;
	return 0;
}

int bench_unmap(struct bench *all)
{
	struct bench slow = bench_slow(all), *b = &slow;
	struct unmap u;
	struct reader r[CPU_SETSIZE];
	pthread_t t[CPU_SETSIZE];
	int nreaders = b->ncpus - 1, bad = 0, made = 0;

	memset(&u, 0, sizeof(u));
	while (made < nreaders && !bad) {
		r[made] = (struct reader){ &u, made + 1, 0 };
		if (!(bad = pthread_create(&t[made], NULL, reader, &r[made])))
			made++;
	}
	for (size_t i = 0; i < b->warm + b->n && !bad; i++) {
		uint64_t s = 0;
		bad = one_unmap(&u, made, &s);
		if (i >= b->warm)
			b->s[i - b->warm] = s;
	}
	u.stop = 1;
	for (int k = 0; k < made; k++)
		pthread_join(t[k], NULL);
	if (bad)
		return bench_fail("munmap_ncores", "mmap, munmap or a reader thread failed");
	return bench_report("munmap_ncores", NULL, b->s, b->n, 1);
}

/*
 * munmap cores=N, for N = 2 .. every CPU: the same with readers on CPUs
 * 1 .. N - 1, one more for each N, beside Flotilla's shootdown lines at
 * the same core counts (tests/user/uprog/bench.c's bench_shoot). A reader that
 * joins starts after the page generation of its time: that page is gone.
 */
int bench_unmap_cores(struct bench *all)
{
	struct bench slow = bench_slow(all), *b = &slow;
	struct unmap u;
	struct reader r[CPU_SETSIZE];
	pthread_t t[CPU_SETSIZE];
	int made = 0, bad = 0, failed = 0;

	memset(&u, 0, sizeof(u));
	for (int cores = 2; cores <= b->ncpus && !bad; cores++) {
		r[made] = (struct reader){ &u, made + 1, u.gen };
		if ((bad = pthread_create(&t[made], NULL, reader, &r[made])))
			break;
		made++;
		for (size_t i = 0; i < b->warm + b->n && !bad; i++) {
			uint64_t s = 0;
			bad = one_unmap(&u, made, &s);
			if (i >= b->warm)
				b->s[i - b->warm] = s;
		}
		if (!bad)
			failed |= bench_report_cores("munmap", NULL, (unsigned)cores, b->s, b->n,
						     NULL);
	}
	u.stop = 1;
	for (int k = 0; k < made; k++)
		pthread_join(t[k], NULL);
	if (bad)
		return bench_fail("munmap", "mmap, munmap or a reader thread failed");
	return failed;
}
