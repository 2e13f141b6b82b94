/*
 * Splitting usable memory into per-core shares. The walk is page-granular: a
 * page belongs to the node of the first affinity range (in numa->aff order)
 * that covers its first byte, and to node 0 if none does; a node without
 * cores hands its pages to its "home", the nearest node with cores (so
 * uncovered memory lands on node 0 when node 0 has cores). One pass counts
 * each home's pages, which fixes every core's quota; a second pass walks
 * memory in address order and fills the quotas of each home's cores in index
 * order. Nothing is allocated: the fill state is per node, and a core's
 * quota follows from its rank among the cores of its node.
 */
#include <stddef.h>
#include "lib/memshare.h"

#define PAGE_MASK	(PAGE_SIZE - 1)
#define LAST_PAGE	(UINT64_MAX & ~PAGE_MASK)	/* no usable page starts here */
#define NO_CORE		0xFFFFFFFFu

struct split {
	const struct memmap *usable;
	struct numa_view nv;
	const uint32_t *core_node;
	unsigned ncores;
	uint32_t home[ACPI_MAX_NODES];		/* node -> node that gets its pages */
	unsigned ncores_of[ACPI_MAX_NODES];
	uint64_t pages[ACPI_MAX_NODES];		/* pages each home node gets */
	/* Fill state of each home node: the core being filled, its rank among
	 * the node's cores and the pages it still needs. */
	unsigned cur[ACPI_MAX_NODES];
	unsigned rank[ACPI_MAX_NODES];
	uint64_t left[ACPI_MAX_NODES];
};

static uint64_t page_up(uint64_t v)
{
	return v > LAST_PAGE ? LAST_PAGE : (v + PAGE_MASK) & ~PAGE_MASK;
}

/* Node of the page at x, and in *run_end where the run of pages that share
 * it ends (at the latest `end`): at the next page-rounded affinity edge. */
static uint32_t page_node(const struct numa_view *nv, uint64_t x, uint64_t end,
			  uint64_t *run_end)
{
	uint32_t node = 0;
	bool found = false;
	unsigned i;

	*run_end = end;
	for (i = 0; i < nv->naff; i++) {
		const struct acpi_memaff *a = &nv->aff[i];
		uint64_t lo = page_up(a->base);
		uint64_t hi = page_up(a->len > UINT64_MAX - a->base ? UINT64_MAX : a->base + a->len);

		if (a->node >= nv->nnodes)
			continue;
		if (!found && lo <= x && x < hi) {
			node = a->node;
			found = true;
		}
		if (lo > x && lo < *run_end)
			*run_end = lo;
		if (hi > x && hi < *run_end)
			*run_end = hi;
	}
	return node;
}

static uint32_t home_of(const struct split *s, uint32_t n)
{
	uint32_t best = NO_CORE, m;

	if (s->ncores_of[n])
		return n;
	for (m = 0; m < s->nv.nnodes; m++) {
		if (!s->ncores_of[m])
			continue;
		if (best == NO_CORE || (s->nv.dist && s->nv.dist[n][m] < s->nv.dist[n][best]))
			best = m;
	}
	return best;
}

static uint64_t quota(const struct split *s, uint32_t h, unsigned rank)
{
	uint64_t c = s->ncores_of[h];

	return s->pages[h] / c + (rank < s->pages[h] % c ? 1 : 0);
}

/* Moves node h's fill state on to its next core (NO_CORE after the last). */
static void next_core(struct split *s, uint32_t h, unsigned from)
{
	unsigned i;

	for (i = from; i < s->ncores; i++) {
		if (s->core_node[i] == h) {
			s->cur[h] = i;
			s->left[h] = quota(s, h, s->rank[h]);
			return;
		}
	}
	s->cur[h] = NO_CORE;
	s->left[h] = 0;
}

static err_t append(struct memshare *sh, uint64_t base, uint64_t len)
{
	struct mem_range *last = sh->n ? &sh->r[sh->n - 1] : NULL;

	sh->total += len;
	if (last && last->base + last->len == base) {
		last->len += len;
		return OK;
	}
	if (sh->n >= SHARE_MAX_RANGES)
		return ERR_TOO_MANY;
	sh->r[sh->n].base = base;
	sh->r[sh->n].len = len;
	sh->r[sh->n].kind = MEM_USABLE;
	sh->n++;
	return OK;
}

/* Hands the pages [x, end) of home node h to its cores in turn. */
static err_t give(struct split *s, uint32_t h, uint64_t x, uint64_t end,
		  struct memshare *out)
{
	while (x < end) {
		uint64_t take = (end - x) / PAGE_SIZE;
		err_t err;

		if (s->cur[h] == NO_CORE)	/* quotas add up to pages[h] */
			return ERR_INVALID_ARG;
		if (take > s->left[h])
			take = s->left[h];
		err = append(&out[s->cur[h]], x, take * PAGE_SIZE);
		if (err)
			return err;
		x += take * PAGE_SIZE;
		s->left[h] -= take;
		if (s->left[h] == 0) {
			s->rank[h]++;
			next_core(s, h, s->cur[h] + 1);
		}
	}
	return OK;
}

/* Walks usable memory in address order, in runs of pages of one node:
 * counting each home's pages, or (fill) giving them out. */
static err_t walk(struct split *s, bool fill, struct memshare *out)
{
	unsigned i;
	err_t err;

	for (i = 0; i < s->usable->n; i++) {
		uint64_t x = s->usable->r[i].base;
		uint64_t end = x + s->usable->r[i].len;

		while (x < end) {
			uint64_t run_end;
			uint32_t h = s->home[page_node(&s->nv, x, end, &run_end)];

			if (!fill) {
				s->pages[h] += (run_end - x) / PAGE_SIZE;
			} else {
				err = give(s, h, x, run_end, out);
				if (err)
					return err;
			}
			x = run_end;
		}
	}
	return OK;
}

/* What the walk relies on: page-aligned, sorted, disjoint, below LAST_PAGE. */
static bool usable_sane(const struct memmap *u)
{
	uint64_t prev_end = 0;
	unsigned i;

	if (u->n > MEMMAP_MAX)
		return false;
	for (i = 0; i < u->n; i++) {
		const struct mem_range *r = &u->r[i];

		if (r->len == 0 || ((r->base | r->len) & PAGE_MASK) ||
		    r->base < prev_end || r->len > LAST_PAGE - r->base)
			return false;
		prev_end = r->base + r->len;
	}
	return true;
}

static err_t split_init(struct split *s, const struct memmap *usable,
			const struct numa_view *numa, const uint32_t *core_node,
			unsigned ncores)
{
	unsigned i;

	s->usable = usable;
	s->nv = numa ? *numa : (struct numa_view){ 1, NULL, 0, NULL };
	if (!s->nv.aff)
		s->nv.naff = 0;
	s->core_node = core_node;
	s->ncores = ncores;
	if (ncores == 0 || s->nv.nnodes == 0 || s->nv.nnodes > ACPI_MAX_NODES ||
	    !usable_sane(usable))
		return ERR_INVALID_ARG;
	for (i = 0; i < ACPI_MAX_NODES; i++) {
		s->ncores_of[i] = 0;
		s->pages[i] = 0;
		s->rank[i] = 0;
	}
	for (i = 0; i < ncores; i++) {
		if (core_node[i] >= s->nv.nnodes)
			return ERR_INVALID_ARG;
		s->ncores_of[core_node[i]]++;
	}
	for (i = 0; i < s->nv.nnodes; i++)
		s->home[i] = home_of(s, i);
	return OK;
}

err_t memshare_split(const struct memmap *usable, const struct numa_view *numa,
		     const uint32_t *core_node, unsigned ncores, struct memshare *out)
{
	struct split s;
	unsigned i;
	err_t err;

	err = split_init(&s, usable, numa, core_node, ncores);
	if (err)
		return err;
	err = walk(&s, false, out);
	if (err)
		return err;
	for (i = 0; i < s.nv.nnodes; i++) {
		if (s.ncores_of[i] && s.pages[i] < s.ncores_of[i])
			return ERR_NO_MEMORY;
		next_core(&s, i, 0);
	}
	for (i = 0; i < ncores; i++) {
		out[i].node = core_node[i];
		out[i].n = 0;
		out[i].total = 0;
	}
	return walk(&s, true, out);
}

/* One share on its own: shape, order and total. */
static err_t check_share(const struct memshare *sh)
{
	uint64_t sum = 0;
	unsigned i;

	if (sh->n == 0 || sh->n > SHARE_MAX_RANGES)
		return ERR_INVALID_ARG;
	for (i = 0; i < sh->n; i++) {
		const struct mem_range *r = &sh->r[i];

		if (r->kind != MEM_USABLE || r->len == 0 ||
		    ((r->base | r->len) & PAGE_MASK) || r->len > UINT64_MAX - r->base)
			return ERR_INVALID_ARG;
		if (i && r->base < sh->r[i - 1].base)
			return ERR_INVALID_ARG;
		if (i && r->base < sh->r[i - 1].base + sh->r[i - 1].len)
			return ERR_OVERLAP;
		sum += r->len;
	}
	return sum == sh->total ? OK : ERR_INVALID_ARG;
}

static bool inside_usable(const struct memmap *u, const struct mem_range *r)
{
	unsigned i;

	for (i = 0; i < u->n && i < MEMMAP_MAX; i++)
		if (r->base >= u->r[i].base && r->len <= u->r[i].len &&
		    r->base - u->r[i].base <= u->r[i].len - r->len)
			return true;
	return false;
}

static bool overlap(const struct mem_range *a, const struct mem_range *b)
{
	return a->base < b->base + b->len && b->base < a->base + a->len;
}

/* Whether range j of share i overlaps any range of a later share. */
static bool overlaps_later(const struct memshare *s, unsigned n, unsigned i, unsigned j)
{
	unsigned k, l;

	for (k = i + 1; k < n; k++)
		for (l = 0; l < s[k].n; l++)
			if (overlap(&s[i].r[j], &s[k].r[l]))
				return true;
	return false;
}

/*
 * Once every range lies inside `usable` and no two overlap, the union equals
 * `usable` exactly when the lengths add up to its total.
 */
err_t memshare_check(const struct memmap *usable, const struct memshare *s, unsigned n)
{
	uint64_t sum = 0;
	unsigned i, j;
	err_t err;

	for (i = 0; i < n; i++) {
		err = check_share(&s[i]);
		if (err)
			return err;
	}
	for (i = 0; i < n; i++) {
		for (j = 0; j < s[i].n; j++) {
			if (!inside_usable(usable, &s[i].r[j]) || overlaps_later(s, n, i, j))
				return ERR_OVERLAP;
			sum += s[i].r[j].len;
		}
	}
	return sum == memmap_total(usable) ? OK : ERR_INVALID_ARG;
}
