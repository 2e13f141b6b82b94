/*
 * Physical memory maps. A raw map is whatever the boot loader said: unsorted,
 * overlapping, unaligned. memmap_usable() applies one byte-wise rule to it:
 * a byte is usable iff a MEM_USABLE range covers it and no range of another
 * kind, no reserve range and no address below min_addr does; a page is
 * usable iff all of its bytes are. The result is then sorted, merged and
 * page-aligned by construction. Invariant of every stored range: base + len
 * does not overflow (memmap_add clips), so an end is always base + len.
 */
#include "lib/memmap.h"
#include "lib/string.h"

/* End of [base, base+len), clipped so that it stays representable. */
static uint64_t clip_end(uint64_t base, uint64_t len)
{
	return len > UINT64_MAX - base ? UINT64_MAX : base + len;
}

err_t memmap_add(struct memmap *m, uint64_t base, uint64_t len, uint32_t kind)
{
	/* A range ending past 2^64 keeps its start; only [base, 2^64-1) is
	 * representable. With base == 2^64-1 nothing is left to add. */
	len = clip_end(base, len) - base;
	if (len == 0)
		return OK;
	if (m->n >= MEMMAP_MAX) {
		m->dropped++;
		return ERR_TOO_MANY;
	}
	m->r[m->n].base = base;
	m->r[m->n].len = len;
	m->r[m->n].kind = kind;
	m->n++;
	return OK;
}

struct sweep {
	const struct memmap *in;
	unsigned nin;		/* in->n, bounded by MEMMAP_MAX */
	const struct mem_range *res;
	unsigned nres;
	uint64_t min_addr;
};

static void closer(uint64_t v, uint64_t x, uint64_t *best)
{
	if (v > x && v < *best)
		*best = v;
}

/* The smallest range boundary above x: usability is constant on
 * [x, next_boundary(x)). UINT64_MAX when there is none. */
static uint64_t next_boundary(const struct sweep *s, uint64_t x)
{
	uint64_t best = UINT64_MAX;
	unsigned i;

	for (i = 0; i < s->nin; i++) {
		closer(s->in->r[i].base, x, &best);
		closer(clip_end(s->in->r[i].base, s->in->r[i].len), x, &best);
	}
	for (i = 0; i < s->nres; i++) {
		closer(s->res[i].base, x, &best);
		closer(clip_end(s->res[i].base, s->res[i].len), x, &best);
	}
	closer(s->min_addr, x, &best);
	return best;
}

static bool covers(const struct mem_range *r, uint64_t x)
{
	return x >= r->base && x < clip_end(r->base, r->len);
}

/* The rule at the top of the file, for the byte at x. */
static bool byte_usable(const struct sweep *s, uint64_t x)
{
	bool usable = false;
	unsigned i;

	if (x < s->min_addr)
		return false;
	for (i = 0; i < s->nin; i++) {
		if (!covers(&s->in->r[i], x))
			continue;
		if (s->in->r[i].kind != MEM_USABLE)
			return false;
		usable = true;
	}
	for (i = 0; i < s->nres; i++)
		if (covers(&s->res[i], x))
			return false;
	return usable;
}

/* Appends the whole pages of the maximal usable run [a, b). Runs are
 * separated by at least one unusable byte, so their pages never touch. */
static err_t emit(struct memmap *out, uint64_t a, uint64_t b)
{
	uint64_t mask = PAGE_SIZE - 1;

	if (a > UINT64_MAX - mask)
		return OK;
	a = (a + mask) & ~mask;
	b &= ~mask;
	if (a >= b)
		return OK;
	if (out->n >= MEMMAP_MAX) {
		out->dropped++;
		return ERR_TOO_MANY;
	}
	out->r[out->n].base = a;
	out->r[out->n].len = b - a;
	out->r[out->n].kind = MEM_USABLE;
	out->n++;
	return OK;
}

/*
 * Sweeps the address space from 0 upwards, one boundary at a time; each step
 * costs O(ranges), so the whole is quadratic in the (small) number of ranges
 * and needs no sorting or scratch memory. `out` must not alias `in`.
 */
err_t memmap_usable(const struct memmap *in, const struct mem_range *reserve,
		    unsigned nreserve, uint64_t min_addr, struct memmap *out)
{
	struct sweep s = {
		in, in->n < MEMMAP_MAX ? in->n : MEMMAP_MAX,
		reserve, reserve ? nreserve : 0, min_addr,
	};
	uint64_t x = 0, run = 0;
	bool in_run = false;
	err_t err;

	out->n = 0;
	out->dropped = 0;
	for (;;) {
		uint64_t next = next_boundary(&s, x);
		bool usable = byte_usable(&s, x);

		if (usable && !in_run) {
			run = x;
			in_run = true;
		} else if (!usable && in_run) {
			err = emit(out, run, x);
			if (err)
				return err;
			in_run = false;
		}
		if (next == UINT64_MAX)
			break;
		x = next;
	}
	/* No range covers byte 2^64-1, so an open run ends there. */
	return in_run ? emit(out, run, UINT64_MAX) : OK;
}

uint64_t memmap_total(const struct memmap *m)
{
	uint64_t sum = 0;
	unsigned i;

	for (i = 0; i < m->n && i < MEMMAP_MAX; i++)
		sum += m->r[i].len;
	return sum;
}

err_t memmap_take(struct memmap *m, uint64_t len, uint64_t *base)
{
	unsigned n = m->n < MEMMAP_MAX ? m->n : MEMMAP_MAX;
	unsigned i = 0;

	if (len == 0 || len % PAGE_SIZE)
		return ERR_INVALID_ARG;
	while (i < n && m->r[i].len < len)
		i++;
	if (i == n)
		return ERR_NO_MEMORY;
	*base = m->r[i].base;
	m->r[i].base += len;
	m->r[i].len -= len;
	if (m->r[i].len == 0) {
		memmove(&m->r[i], &m->r[i + 1], (n - i - 1) * sizeof(m->r[0]));
		m->n = n - 1;
	}
	return OK;
}
