/*
 * RAM for a process's own objects: a bump pointer over its largest RAM
 * capability. Every object is retyped at the next 4 KiB boundary; nothing
 * is given back (a memory server that reuses revoked RAM comes later), so
 * this suits processes that build a bounded number of things, like the
 * monitor starting programs.
 */
#include <flotilla/caps.h>
#include <flotilla/spawn.h>

static int ram_slot = -1;
static uint64_t ram_next;

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

err_t ram_retype(capaddr_t cn, unsigned slot, unsigned type, uint64_t size)
{
	err_t err;

	if (ram_slot < 0) {
		uint64_t largest;
		ram_slot = ram_largest(&largest);
	}
	if (ram_slot < 0)
		return ERR_NO_MEMORY;
	if (type < CAP_TYPE_COUNT && cap_type_size(type))
		size = cap_type_size(type);
	for (;;) {
		err = cnode_retype(cn, slot, CADDR(RAM_CN, (unsigned)ram_slot), type, 1, ram_next,
				   size);
		if (err != ERR_RETYPE_OVERLAP)
			break;
		ram_next += 4096;	/* someone else carved here: step past it */
	}
	if (err == ERR_RETYPE_SIZE)
		return ERR_NO_MEMORY;
	if (!err)
		ram_next += (size + 4095) & ~4095ull;
	return err;
}
