/*
 * RAM for a process's own objects, carved from its largest RAM capability
 * first-fit. The allocator remembers which ranges of that capability it
 * has retyped (the kernel checks the same thing: a retype that overlaps a
 * child of the RAM fails), so a range given back with ram_release() after
 * its objects are destroyed is used again; one given back while another
 * capability still keeps its object is stepped past, and tried again
 * when the rest is used up. spawn.c gives each child one
 * range, a pool of its own, and releases it when the child is killed.
 */
#include <flotilla/caps.h>
#include <flotilla/spawn.h>

#define PAGE		4096ull
#define RAM_EXTENTS	256

static int ram_slot = -1;
static uint64_t ram_base, ram_size;
/* Sorted by off. A foreign extent is a page the kernel said overlaps
 * something this allocator did not make (or made, released, and whose
 * object another capability still keeps: a monitor's copy of a closed
 * channel's endpoint, for a while); it is looked at again when nothing
 * else is left. */
static struct extent { uint64_t off, len; bool foreign; } used[RAM_EXTENTS];
static unsigned nused;

int ram_largest(uint64_t *size)
{
	int best = -1;

	*size = 0;
	for (unsigned i = 0; i < CNODE_L2_SLOTS; i++) {
		struct cap_info info;
		if (!cap_identify(CADDR(RAM_CN, i), &info) && info.type == CAP_RAM &&
		    info.size > *size) {
			*size = info.size;
			best = (int)i;
		}
	}
	return best;
}

static err_t ram_init(void)
{
	struct cap_info info;

	if (ram_slot >= 0)
		return OK;
	ram_slot = ram_largest(&ram_size);
	if (ram_slot < 0 || cap_identify(CADDR(RAM_CN, (unsigned)ram_slot), &info)) {
		ram_slot = -1;
		return ERR_NO_MEMORY;
	}
	ram_base = info.base;
	return OK;
}

/* The lowest page-aligned offset with `len` bytes free, first fit. */
static err_t find_gap(uint64_t len, uint64_t *off)
{
	uint64_t at = 0;

	for (unsigned i = 0; i < nused; i++) {
		if (used[i].off >= at + len)
			break;
		if (used[i].off + used[i].len > at)
			at = used[i].off + used[i].len;
	}
	if (at + len > ram_size || at + len < at)
		return ERR_NO_MEMORY;
	*off = at;
	return OK;
}

static err_t mark_used(uint64_t off, uint64_t len, bool foreign)
{
	unsigned i = 0;

	if (nused == RAM_EXTENTS)
		return ERR_TOO_MANY;
	while (i < nused && used[i].off < off)
		i++;
	for (unsigned j = nused; j > i; j--)
		used[j] = used[j - 1];
	used[i] = (struct extent){ .off = off, .len = len, .foreign = foreign };
	nused++;
	return OK;
}

/* Forgets the foreign extents; false if there were none. */
static bool drop_foreign(void)
{
	unsigned k = 0, before = nused;

	for (unsigned i = 0; i < nused; i++)
		if (!used[i].foreign)
			used[k++] = used[i];
	nused = k;
	return k != before;
}

err_t ram_retype(capaddr_t cn, unsigned slot, unsigned type, uint64_t size)
{
	uint64_t off;
	err_t err;

	if ((err = ram_init()))
		return err;
	if (type < CAP_TYPE_COUNT && cap_type_size(type))
		size = cap_type_size(type);
	uint64_t len = (size + PAGE - 1) & ~(PAGE - 1);
	if (!len)
		return ERR_INVALID_ARG;
	bool again = true;		/* the foreign pages may be free by now */
	for (;;) {
		if (nused == RAM_EXTENTS || (err = find_gap(len, &off))) {
			if (again && drop_foreign()) {
				again = false;
				continue;
			}
			return nused == RAM_EXTENTS ? ERR_TOO_MANY : err;
		}
		err = cnode_retype(cn, slot, CADDR(RAM_CN, (unsigned)ram_slot), type, 1, off, size);
		if (err != ERR_RETYPE_OVERLAP)
			break;
		/* Someone else's object is here: step past the page (with
		 * the table full, the loop's top drops the foreign ones). */
		mark_used(off, PAGE, true);
	}
	if (err == ERR_RETYPE_SIZE)
		return ERR_NO_MEMORY;
	return err ? err : mark_used(off, len, false);
}

err_t ram_release(uint64_t base)
{
	for (unsigned i = 0; i < nused; i++) {
		if (ram_base + used[i].off != base)
			continue;
		for (unsigned j = i; j + 1 < nused; j++)
			used[j] = used[j + 1];
		nused--;
		return OK;
	}
	return ERR_NOT_FOUND;
}

uint64_t ram_used_bytes(void)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < nused; i++)
		sum += used[i].len;
	return sum;
}
