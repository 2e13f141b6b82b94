/*
 * Capabilities across cores: copy, move and revoke of Frame capabilities
 * between monitors (docs/urpc.md, "Capabilities across cores").
 *
 * Every object has one owner: the core whose capability tree holds the
 * RAM it was made from. Only the owner sends an object to other cores and
 * only the owner revokes the copies there, so the owner's monitor orders
 * every operation on it, and the mesh's channels, first in first out,
 * carry them in that order.
 *
 * Copy. The owner's monitor copies the capability into its RCAP CNode (the
 * anchor) and marks the anchor with KERNEL_CAP_REMOTE: from then on its
 * kernel refuses to delete the anchor or revoke anything above it
 * (ERR_CAP_REMOTE), so neither the object nor the RAM under it can be
 * reused, whatever the processes on the owner's core do with their own
 * copies. Then it sends IMPORT (address, size, rights) to the other core,
 * whose monitor makes a capability to the same memory with
 * KERNEL_FRAME_IMPORT (the import) and answers. A process there gets a
 * copy of the import, so the import is the root of every copy that core
 * holds. A move is a copy and then the deletion of the sender's
 * capability; the anchor stays, so the owner stays the owner.
 *
 * Revoke, in two phases over every core that holds a copy. Mark: the owner
 * sends MARK to each holder, which revokes its import (every copy on that
 * core goes, and with them their mappings) and deletes it, then answers.
 * Commit: when every holder has answered, the owner clears the anchor's
 * flag and deletes it; only now can the memory be reused, so no core can
 * still reach memory that has become something else. A holder that does
 * not answer in time leaves the anchor marked (ERR_TIMEOUT): the memory
 * stays pinned, which is safe, rather than freed under a mapping.
 *
 * An object is named across cores by (owner core, id): the id is the
 * anchor's index and a generation, so a stale id never names a reused
 * anchor. Imports are kept until their owner revokes them.
 *
 * Messages (types RCAP_FIRST..):
 *	IMPORT	req, id, base, size, rights	-> IMPORTED req, err
 *	HAS	req, id				-> HAS_R req, err (OK if held)
 *	MARK	id				-> MARKED id, err, copies deleted
 * Malformed ones are refused like any other bad message (mesh.c counts
 * and reports them); the monitor goes on serving.
 */
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include "lib/urpc.h"
#include "usr/monitor/monitor.h"

enum {
	MSG_IMPORT = RCAP_FIRST, MSG_IMPORTED, MSG_HAS, MSG_HAS_R, MSG_MARK, MSG_MARKED,
	MSG_LAST = MSG_MARKED
};

/* The RCAP CNode: anchors in its first half, imports in its second. */
#define RCAP_CN			11
#define T_RCAPCN		CADDR(TASK_CN, 28)
#define ANCHORS			128
#define IMPORTS			128
#define ANCHOR_SLOT(i)		(i)
#define IMPORT_SLOT(i)		(ANCHORS + (i))
#define ID(i, gen)		((uint64_t)(gen) << 8 | (i))
#define ID_INDEX(id)		((unsigned)((id) & 0xFF))

_Static_assert(ANCHORS <= 256 && MAX_MESH_CORES <= 64, "ids and holder masks fit");

static struct anchor {
	bool used, revoking;
	uint32_t gen;
	uint64_t base, size;
	unsigned rights;
	uint64_t holders;	/* cores that took an import of it */
	uint64_t pending;	/* revoking: holders yet to delete their copies */
	uint64_t failed;	/* revoking: holders that answered with an error */
} anchors[ANCHORS];

static struct import {
	bool used;
	unsigned owner;
	uint64_t id;
	uint64_t base, size;
} imports[IMPORTS];

static unsigned me;
static bool ready;
static uint64_t answer[URPC_MAX_WORDS];

static err_t setup(void)
{
	err_t err;

	if (ready)
		return OK;
	if ((err = ram_retype(CPTR_TASKCN, CADDR_L2(T_RCAPCN), CAP_CNODE,
			      (ANCHORS + IMPORTS) * CTE_SIZE)) ||
	    (err = cnode_copy(CPTR_ROOTCN, RCAP_CN, T_RCAPCN)))
		return err;
	ready = true;
	return OK;
}

/* ---- The owner's side ---- */

static struct anchor *anchor_of(uint64_t id)
{
	struct anchor *a = &anchors[ID_INDEX(id)];

	return a->used && ID(ID_INDEX(id), a->gen) == id ? a : NULL;
}

/* Clears the anchor's mark and deletes it: the object is the owner's
 * alone again. */
static void release(struct anchor *a)
{
	unsigned i = (unsigned)(a - anchors);

	kernel_cap_remote(CPTR_KERNEL, CADDR(RCAP_CN, ANCHOR_SLOT(i)), false);
	cnode_delete(T_RCAPCN, ANCHOR_SLOT(i));
	a->used = a->revoking = false;
	a->gen++;
}

/* The anchor for the frame at `cap` (made and marked if there is none). */
static err_t anchor_for(capaddr_t cap, const struct cap_info *f, struct anchor **out)
{
	unsigned i, free = ANCHORS;
	err_t err;

	for (i = 0; i < ANCHORS; i++) {
		struct anchor *a = &anchors[i];
		if (a->used && a->base == f->base && a->size == f->size && a->rights == f->rights) {
			if (a->revoking)
				return ERR_CAP_REMOTE;	/* being revoked: no new copies */
			*out = a;
			return OK;
		}
		if (!a->used && free == ANCHORS)
			free = i;
	}
	if (free == ANCHORS)
		return ERR_TOO_MANY;
	if ((err = cnode_copy(T_RCAPCN, ANCHOR_SLOT(free), cap)))
		return err;
	if ((err = kernel_cap_remote(CPTR_KERNEL, CADDR(RCAP_CN, ANCHOR_SLOT(free)), true))) {
		cnode_delete(T_RCAPCN, ANCHOR_SLOT(free));
		return err;
	}
	*out = &anchors[free];
	**out = (struct anchor){ .used = true, .gen = anchors[free].gen, .base = f->base,
				 .size = f->size, .rights = f->rights };
	return OK;
}

static bool is_import(const struct cap_info *f)
{
	for (unsigned i = 0; i < IMPORTS; i++)
		if (imports[i].used && imports[i].base == f->base && imports[i].size == f->size)
			return true;
	return false;
}

err_t rcap_import_raw(unsigned to, uint64_t id, uint64_t base, uint64_t size, unsigned rights)
{
	uint64_t w[5] = { 0, id, base, size, rights };

	return mesh_ask(to, MSG_IMPORT, w, 5, answer);
}

err_t rcap_copy(capaddr_t cap, unsigned to, struct rcap *out)
{
	struct cap_info f;
	struct anchor *a;
	err_t err;

	if (to >= mesh_cores() || to == me)
		return ERR_INVALID_ARG;
	if ((err = cap_identify(cap, &f)))
		return err;
	if (f.type != CAP_FRAME)
		return ERR_CAP_WRONG_TYPE;
	if (is_import(&f))
		return ERR_CAP_NOT_OWNER;	/* its owner sends it, not us */
	if ((err = setup()) || (err = anchor_for(cap, &f, &a)))
		return err;
	unsigned i = (unsigned)(a - anchors);
	err = rcap_import_raw(to, ID(i, a->gen), f.base, f.size, f.rights);
	if (err) {
		if (!a->holders)
			release(a);
		return err;
	}
	a->holders |= 1ull << to;
	*out = (struct rcap){ .owner = me, .id = ID(i, a->gen) };
	return OK;
}

err_t rcap_move(capaddr_t cn, uint64_t slot, capaddr_t cap, unsigned to, struct rcap *out)
{
	err_t err = rcap_copy(cap, to, out);

	return err ? err : cnode_delete(cn, slot);
}

err_t rcap_probe(unsigned core, const struct rcap *r)
{
	uint64_t w[2] = { 0, r->id };

	if (r->owner != me)
		return ERR_CAP_NOT_OWNER;
	return mesh_ask(core, MSG_HAS, w, 2, answer);
}

static err_t mark_err;		/* the first error a holder answered MARK with */

static bool all_marked(unsigned unused)
{
	for (unsigned i = 0; i < ANCHORS; i++)
		if (anchors[i].revoking && anchors[i].pending & ~anchors[i].failed)
			return false;
	return true;
}

err_t rcap_revoke(const struct rcap *r)
{
	struct anchor *a;
	uint64_t base, size;
	err_t err = OK;

	if (r->owner != me)
		return ERR_CAP_NOT_OWNER;
	if (!(a = anchor_of(r->id)) || a->revoking)
		return ERR_NOT_FOUND;
	base = a->base;
	size = a->size;
	/* Mark: every anchor of this object (one per rights), every holder. */
	for (unsigned i = 0; i < ANCHORS; i++) {
		a = &anchors[i];
		if (!a->used || a->base != base || a->size != size)
			continue;
		a->revoking = true;
		a->pending = a->holders;
		a->failed = 0;
		for (unsigned c = 0; c < mesh_cores(); c++) {
			uint64_t id = ID(i, a->gen);
			if (a->pending >> c & 1 && mesh_send(c, MSG_MARK, &id, 1))
				a->pending &= ~(1ull << c);	/* no such core any more */
		}
	}
	mark_err = OK;
	if (!mesh_serve_until(all_marked, 0, sys_clock_ns() + MESH_WAIT_NS))
		err = ERR_TIMEOUT;
	else
		err = mark_err;
	/* Commit: the anchors every holder has answered for go. */
	for (unsigned i = 0; i < ANCHORS; i++) {
		a = &anchors[i];
		if (!a->revoking)
			continue;
		if (a->pending) {		/* still pinned; try again later */
			a->holders = a->pending;
			a->revoking = false;
		} else {
			release(a);
		}
	}
	return err;
}

static err_t owner_side(unsigned from, uint32_t type, const uint64_t *w, unsigned n)
{
	struct anchor *a;

	if (type != MSG_MARKED)
		return mesh_answer(w, n);	/* IMPORTED, HAS_R */
	if (n != 3 || !(a = anchor_of(w[0])) || !a->revoking || !(a->pending >> from & 1))
		return ERR_BAD_MESSAGE;
	if (w[1] != OK) {		/* its copies may still be there */
		a->failed |= 1ull << from;
		if (!mark_err)
			mark_err = (err_t)w[1];
		return OK;
	}
	a->pending &= ~(1ull << from);
	a->holders &= ~(1ull << from);
	return OK;
}

/* ---- The holder's side ---- */

static struct import *import_of(unsigned owner, uint64_t id)
{
	for (unsigned i = 0; i < IMPORTS; i++)
		if (imports[i].used && imports[i].owner == owner && imports[i].id == id)
			return &imports[i];
	return NULL;
}

static err_t do_import(unsigned from, const uint64_t *w)
{
	unsigned i;
	err_t err;

	if (import_of(from, w[1]))
		return OK;			/* it has one already */
	if ((err = setup()))
		return err;
	for (i = 0; i < IMPORTS && imports[i].used; i++)
		;
	if (i == IMPORTS)
		return ERR_TOO_MANY;
	if ((err = kernel_frame_import(CPTR_KERNEL, T_RCAPCN, IMPORT_SLOT(i), w[2], w[3],
				       (unsigned)w[4])))
		return err;
	imports[i] = (struct import){ .used = true, .owner = from, .id = w[1],
				      .base = w[2], .size = w[3] };
	return OK;
}

/* MARK: every copy of the import on this core goes, then the import. */
static err_t do_mark(unsigned from, uint64_t id, uint64_t *deleted)
{
	struct import *im = import_of(from, id);
	err_t err;

	*deleted = 0;
	if (!im)
		return OK;			/* never took it, or gone already */
	unsigned slot = IMPORT_SLOT((unsigned)(im - imports));
	if ((err = cnode_revoke(T_RCAPCN, slot)) || (err = cnode_delete(T_RCAPCN, slot)))
		return err;
	im->used = false;
	*deleted = 1;
	return OK;
}

static err_t holder_side(unsigned from, uint32_t type, const uint64_t *w, unsigned n)
{
	uint64_t r[3] = { w[0] };

	switch (type) {
	case MSG_IMPORT:
		if (n != 5)
			return ERR_BAD_MESSAGE;
		r[1] = do_import(from, w);
		return mesh_send(from, MSG_IMPORTED, r, 2);
	case MSG_HAS:
		if (n != 2)
			return ERR_BAD_MESSAGE;
		r[1] = import_of(from, w[1]) ? OK : ERR_NOT_FOUND;
		return mesh_send(from, MSG_HAS_R, r, 2);
	case MSG_MARK:
		if (n != 1)
			return ERR_BAD_MESSAGE;
		r[1] = do_mark(from, w[0], &r[2]);
		return mesh_send(from, MSG_MARKED, r, 3);
	}
	return ERR_BAD_MESSAGE;
}

err_t rcap_get(const struct rcap *r, capaddr_t cn, uint64_t slot)
{
	struct import *im = import_of(r->owner, r->id);

	if (!im)
		return ERR_NOT_FOUND;
	return cnode_copy(cn, slot, CADDR(RCAP_CN, IMPORT_SLOT((unsigned)(im - imports))));
}

static err_t on_message(unsigned from, uint32_t type, const uint64_t *w, unsigned n)
{
	if (type == MSG_IMPORT || type == MSG_HAS || type == MSG_MARK)
		return holder_side(from, type, w, n);
	return owner_side(from, type, w, n);
}

err_t rcap_init(unsigned core)
{
	me = core;
	return mesh_on(RCAP_FIRST, MSG_LAST, on_message);
}
