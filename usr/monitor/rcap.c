/*
 * Capabilities across cores: copy, move and revoke of Frame and RAM
 * capabilities between monitors (docs/urpc.md, "Capabilities across
 * cores"). Which
 * types may cross is one table, cap_type_crosses (lib/captypes.c): the
 * others are refused with the error that says why (ERR_CAP_CORE_BOUND,
 * ERR_UNSUPPORTED).
 *
 * Every object has one owner: the core whose capability tree holds the
 * RAM it was made from. Only the owner sends an object to other cores and
 * only the owner revokes the copies there, so the owner's monitor orders
 * every operation on it, and the mesh's channels, first in first out,
 * carry them in that order.
 *
 * Copy. The owner's monitor copies the capability into its RCAP CNode (the
 * anchor) and marks the anchor with EXPORT_CAP_REMOTE: from then on its
 * kernel refuses to delete the anchor or revoke anything above it
 * (ERR_CAP_REMOTE), so neither the object nor the RAM under it can be
 * reused, whatever the processes on the owner's core do with their own
 * copies. Its kernel mints an export token for the anchor and the other
 * core (EXPORT_FRAME, lib/token.h), which it sends in IMPORT to the
 * other core, whose monitor makes a capability to the same memory with
 * EXPORT_FRAME_IMPORT (the import) and answers. That kernel takes the
 * token once, and only from the core that minted it for it: a monitor
 * cannot import memory no kernel exported to it, nor an export twice. A process there gets a
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
 * anchor's index, the owner and a generation, so a stale id never names
 * a reused anchor and the id alone says whose it is.
 *
 * Relay. A holder does not send its import on: it asks the owner to
 * (relay), which exports the anchor to the third core, naming the
 * relayer as a core that may name it there (`via`; the holder checks
 * every name it is given against these, so no peer can hand on what it
 * was never given). Not back to the owner's core: a copy there would
 * come from the anchor, and carry the owner's right to revoke.
 *
 * Giving back. An import that a process got a copy of (rcap_get) and no
 * process holds any more, nor a grant offers, goes back (rcap_collect,
 * after a process is destroyed): unheld to the owner, which answers
 * drop; the holder deletes it if its kernel says it is still alone
 * (EXPORT_CAP_LAST). An anchor that no core holds and no process here
 * names goes too: the last copy anywhere is gone, and the object with it.
 * docs/urpc.md explains why the order of the channels makes this safe.
 *
 * RAM. RAM is never copied (the kernel checks a retype only against the
 * children of the capability it is asked of), so the owner takes it as
 * its anchor (rcap_move), and the holders' imports (CAPF_IMPORT) may be
 * copied but not retyped. A holder asks the owner (retype), which
 * retypes its anchor into a Frame, anchors that and sends it to the
 * asker: the owner's one tree orders every retype of that memory. The
 * RAM's revoke takes every Frame made from it, and its anchor stays while
 * one lives (made_from).
 *
 * Messages (if/intermon.if): import -> import_r, has -> has_r (OK if
 * held), mark -> mark_r (the copies deleted), relay -> relay_r, unheld ->
 * drop -> drop_r, retype -> retype_r. Malformed ones are refused
 * by the interface's runtime, and answers nobody waits for (an unasked
 * import_r, a mark_r for an object not being revoked or from a core that
 * does not hold it) by the handlers; mesh.c counts and reports them, and
 * the monitor goes on serving.
 */
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include "usr/monitor/monitor.h"

/* The RCAP CNode: anchors in its first half, imports in its second. */
#define ANCHORS			128
#define IMPORTS			128
#define ANCHOR_SLOT(i)		(i)
#define IMPORT_SLOT(i)		(ANCHORS + (i))
#define ID(i, gen)		((uint64_t)(gen) << 16 | (uint64_t)me << 8 | (i))
#define ID_INDEX(id)		((unsigned)((id) & 0xFF))
/* Frames one holder may have made from one RAM at once (retype_for). */
#define RETYPES_PER_HOLDER	16

_Static_assert(ANCHORS <= 256 && MAX_MESH_CORES <= 64, "ids and holder masks fit");

static struct anchor {
	bool used, revoking;
	bool retyped;		/* a Frame made for a holder from RAM anchor `parent` */
	uint32_t gen;
	unsigned type;		/* CAP_FRAME or CAP_RAM */
	uint64_t base, size;
	unsigned rights;
	uint64_t parent;	/* retyped: the RAM's id */
	unsigned kept;		/* operations in flight that need it (rcap_keep) */
	uint64_t holders;	/* cores that took an import of it */
	uint64_t ever;		/* cores it was ever sent to (MON_CAP_REVOKE's answer) */
	uint64_t pending;	/* revoking: holders yet to delete their copies */
	uint64_t failed;	/* revoking: holders that answered with an error */
	uint64_t dropping;	/* holders asked to give their import back (drop) */
	uint64_t resent;	/* dropping, and sent an import again since */
	uint16_t landed[MAX_MESH_CORES];	/* imports each core took, counted */
} anchors[ANCHORS];

static struct import {
	bool used;
	unsigned type;		/* CAP_FRAME or CAP_RAM */
	unsigned owner;
	uint64_t id;
	uint64_t base, size;
	unsigned rights;
	uint64_t namers;	/* cores that may name it here: the owner, relayers */
	unsigned offers;	/* grants offering it, not yet fetched (bind.c) */
	bool given;		/* a copy went to a process (rcap_get) */
	bool fresh;		/* sent again, for a gift or grant not here yet */
	bool asked;		/* unheld sent; the owner's drop not yet here */
} imports[IMPORTS];

static unsigned me;
static bool ready;
static bool collect_due;	/* a process ended: see what it let go (rcap_collect) */
static unsigned ending;		/* processes being destroyed now (proc_ending) */

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

static void release_if_unheld(struct anchor *a);

/* Does a Frame made from RAM anchor `id` (on_retype) still live? Then the
 * RAM's anchor stays, and its id still revokes that Frame (its kernel
 * would count the RAM alone: cap_is_last does not count RAM's children). */
static bool made_from(uint64_t id)
{
	for (unsigned i = 0; i < ANCHORS; i++)
		if (anchors[i].used && anchors[i].retyped && anchors[i].parent == id)
			return true;
	return false;
}

/* Clears the anchor's mark and deletes it: the object is the owner's
 * alone again. A Frame made from RAM lets its RAM's anchor go, if nothing
 * else holds that. */
static void release(struct anchor *a)
{
	unsigned i = (unsigned)(a - anchors);
	bool retyped = a->retyped;
	uint64_t parent = a->parent;

	kernel_cap_remote(CPTR_EXPORT, CADDR(RCAP_CN, ANCHOR_SLOT(i)), false);
	cnode_delete(T_RCAPCN, ANCHOR_SLOT(i));
	a->used = a->revoking = a->retyped = false;
	a->gen++;
	if (retyped && (a = anchor_of(parent)))
		release_if_unheld(a);
}

/* Undoes the anchor made at `i` for a copy that did not go: RAM it took
 * goes back to slot `slot` of CNode `cn`. */
static void unmake(unsigned i, bool took, capaddr_t cn, uint64_t slot)
{
	kernel_cap_remote(CPTR_EXPORT, CADDR(RCAP_CN, ANCHOR_SLOT(i)), false);
	if (took)
		cnode_move(cn, slot, CADDR(RCAP_CN, ANCHOR_SLOT(i)));
	else
		cnode_delete(T_RCAPCN, ANCHOR_SLOT(i));
}

/* The anchor for the object at `cap` (made and marked if there is none:
 * *made). RAM is taken, not copied (`take`: it is at slot `slot` of
 * CNode `cn`): a copy of it would be a second tree's say over its
 * retypes (lib/cap.c looks at one capability's children). */
static err_t anchor_for(bool take, capaddr_t cn, uint64_t slot, capaddr_t cap,
			const struct cap_info *f, struct anchor **out, bool *made)
{
	unsigned i, free = ANCHORS;
	err_t err;

	for (i = 0; i < ANCHORS; i++) {
		struct anchor *a = &anchors[i];
		if (a->used && a->type == f->type && a->base == f->base && a->size == f->size &&
		    a->rights == f->rights) {
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
	if (f->type == CAP_RAM && !take)
		return ERR_CAP_NOT_COPYABLE;	/* given, not copied: rcap_move */
	err = f->type == CAP_RAM ? cnode_move(T_RCAPCN, ANCHOR_SLOT(free), cap)
				 : cnode_copy(T_RCAPCN, ANCHOR_SLOT(free), cap);
	if (err)
		return err;
	if ((err = kernel_cap_remote(CPTR_EXPORT, CADDR(RCAP_CN, ANCHOR_SLOT(free)), true))) {
		unmake(free, f->type == CAP_RAM, cn, slot);
		return err;
	}
	*out = &anchors[free];
	**out = (struct anchor){ .used = true, .gen = anchors[free].gen, .type = f->type,
				 .base = f->base, .size = f->size, .rights = f->rights };
	*made = true;
	return OK;
}

/* The import a capability here was copied from, if it is one (its
 * owner sends it on: relay): one with the same rights if there is one. */
static struct import *import_for(const struct cap_info *f)
{
	struct import *found = NULL;

	for (unsigned i = 0; i < IMPORTS; i++) {
		struct import *im = &imports[i];
		if (!im->used || im->type != f->type || im->base != f->base || im->size != f->size)
			continue;
		if (im->rights == f->rights)
			return im;
		found = found ? found : im;
	}
	return found;
}

static err_t import_via(unsigned to, uint64_t id, const struct frame_token *t, unsigned via)
{
	struct mesh_ask a;
	err_t err;

	if ((err = mesh_ask(&a, to, IF_INTERMON_IMPORT_R, NULL)))
		return err;
	return mesh_await(&a, if_intermon_import_send(mesh_to(to), a.id, id, t->base, t->size,
						      t->rights, t->seq, t->mac, via, t->kind));
}

err_t rcap_import_raw(unsigned to, uint64_t id, const struct frame_token *t)
{
	return import_via(to, id, t, me);
}

/*
 * The owner's half of a copy: anchor a's object goes to core `to`, for
 * core `via` to name there (this core, or the holder that relayed it).
 * The import is sent even to a core that holds one: its answer says the
 * holder has it now, whatever drop is on its way (the holder's import
 * forgets that it was given: a later drop is refused until a process
 * gets a copy again). The holder's bit is set before the import goes:
 * should the anchor be revoked while this waits, MARK still reaches `to`
 * (a core that never took the import answers it with nothing deleted).
 * An import sent while a drop is on its way keeps `to` a holder whatever
 * the drop's answer (resent): the channel brings it after the drop.
 */
static err_t send_from_anchor(struct anchor *a, unsigned to, unsigned via)
{
	unsigned i = (unsigned)(a - anchors);
	uint64_t id = ID(i, a->gen), bit = 1ull << to;
	uint64_t was = a->holders & bit, was_resent = a->resent & bit;
	uint16_t landed = a->landed[to];
	struct frame_token t;
	err_t err;

	if (a->dropping & bit)
		a->resent |= bit;
	a->holders |= bit;
	if ((err = kernel_frame_export(CPTR_EXPORT, CADDR(RCAP_CN, ANCHOR_SLOT(i)), to, &t)) ||
	    (err = import_via(to, id, &t, via))) {
		/* Refused, or never sent: as it was, unless another send
		 * to `to` landed meanwhile (a relay while this waited). A
		 * timeout may still bring the import there: it stays. */
		if (anchor_of(id) == a && err != ERR_TIMEOUT && a->landed[to] == landed) {
			a->holders = (a->holders & ~bit) | was;
			a->resent = (a->resent & ~bit) | was_resent;
		}
		if (err == ERR_TIMEOUT && anchor_of(id) == a)
			a->ever |= bit;
		return err;
	}
	if (anchor_of(id) == a) {
		a->landed[to]++;
		a->ever |= bit;
	}
	return OK;
}

/* A holder's copy (`cap`, as f) goes on to core `to` through the
 * object's owner (RELAY), which alone exports it: the holder proves
 * nothing to `to`'s kernel, the owner's kernel does. Not to the owner's
 * core: a copy there would come from the anchor and carry its owner's
 * right to revoke. Not with fewer rights than the import: the owner
 * would hand on the import's. */
static err_t relay(const struct import *im, const struct cap_info *f, unsigned to,
		   struct rcap *out)
{
	if (to == im->owner)
		return ERR_CAP_NOT_OWNER;	/* its owner's processes get it there */
	if (f->rights != im->rights)
		return ERR_CAP_RIGHTS;
	*out = (struct rcap){ .owner = im->owner, .id = im->id };
	return rcap_relay_raw(im->owner, im->id, to);
}

/* rcap_copy, and rcap_move (`take`: RAM is taken from slot `slot` of
 * CNode `cn`; a copy of RAM of this core's own cannot be made). */
static err_t send_copy(bool take, capaddr_t cn, uint64_t slot, capaddr_t cap, unsigned to,
		       struct rcap *out)
{
	struct cap_info f;
	struct import *im;
	struct anchor *a;
	err_t err;

	if (to >= mesh_cores() || to == me)
		return ERR_INVALID_ARG;
	if ((err = cap_identify(cap, &f)))
		return err;
	/* One rule per type (lib/captypes.c): what cannot cross says why. */
	if ((err = cap_type_crosses(f.type)))
		return err;
	if ((im = import_for(&f)))	/* not ours: its owner sends it on */
		return relay(im, &f, to, out);
	if (consvc_is_ring(f.base))
		return ERR_CAP_RIGHTS;		/* the console's ring stays on core 0 (consvc.c) */
	bool made = false;
	if ((err = setup()) || (err = anchor_for(take, cn, slot, cap, &f, &a, &made)))
		return err;
	uint64_t id = ID((unsigned)(a - anchors), a->gen);
	if ((err = send_from_anchor(a, to, me))) {
		if (made && anchor_of(id) == a && !a->holders) {	/* made for this copy alone */
			unmake((unsigned)(a - anchors), f.type == CAP_RAM, cn, slot);
			a->used = false;
			a->gen++;
		} else if (err == ERR_TIMEOUT && anchor_of(id) == a) {
			*out = (struct rcap){ .owner = me, .id = id };	/* it may land: revoke it */
		}
		return err;
	}
	if (anchor_of(id) != a)
		return ERR_CAP_REMOTE;		/* revoked while it went */
	*out = (struct rcap){ .owner = me, .id = id };
	return OK;
}

err_t rcap_copy(capaddr_t cap, unsigned to, struct rcap *out)
{
	return send_copy(false, 0, 0, cap, to, out);
}

/* RAM of this core's own is taken into the anchor (nothing is left to
 * delete); anything else is copied, and the sender's copy deleted. */
err_t rcap_move(capaddr_t cn, uint64_t slot, capaddr_t cap, unsigned to, struct rcap *out)
{
	struct cap_info f;
	err_t err = send_copy(true, cn, slot, cap, to, out);

	if (err || cap_identify(cap, &f) == ERR_CAP_EMPTY)
		return err;
	return cnode_delete(cn, slot);
}

/* The owner sends object r, which it anchors, to core `to` (as a relay
 * does for a holder): how its monitor hands one object to several cores
 * when no capability of its own is left to copy from (moved RAM). */
err_t rcap_send(const struct rcap *r, unsigned to)
{
	struct anchor *a;

	if (r->owner != me)
		return ERR_CAP_NOT_OWNER;
	if (to >= mesh_cores() || to == me)
		return ERR_INVALID_ARG;
	if (!(a = anchor_of(r->id)))
		return ERR_NOT_FOUND;
	if (a->revoking)
		return ERR_CAP_REMOTE;
	return send_from_anchor(a, to, me);
}

err_t rcap_probe(unsigned core, const struct rcap *r)
{
	struct mesh_ask a;
	err_t err;

	if (r->owner != me)
		return ERR_CAP_NOT_OWNER;
	if ((err = mesh_ask(&a, core, IF_INTERMON_HAS_R, NULL)))
		return err;
	return mesh_await(&a, if_intermon_has_send(mesh_to(core), a.id, r->id));
}

static err_t mark_err;		/* the first error a holder answered MARK with */

/* Is anchor a one of the object `o` names (one anchor per rights), or a
 * Frame made from it for a holder (on_retype)? */
static bool of_object(const struct anchor *a, const struct anchor *o, uint64_t id)
{
	if (!a->used)
		return false;
	return (a->type == o->type && a->base == o->base && a->size == o->size) ||
	       (a->retyped && a->parent == id);
}

static bool all_marked(unsigned unused)
{
	for (unsigned i = 0; i < ANCHORS; i++)
		if (anchors[i].revoking && anchors[i].pending & ~anchors[i].failed)
			return false;
	return true;
}

/* rcap_revoke; `take`: the named anchor's capability goes back to slot
 * `slot` of CNode `cn` rather than being deleted (RAM a spawn took for a
 * gift that then failed: rcap_take_back). */
static err_t revoke(const struct rcap *r, bool take, capaddr_t cn, uint64_t slot)
{
	struct anchor *a, o;
	err_t err = OK;

	if (r->owner != me)
		return ERR_CAP_NOT_OWNER;
	if (!(a = anchor_of(r->id)) || a->revoking)
		return ERR_NOT_FOUND;
	o = *a;
	/* Mark: every anchor of this object (one per rights), every Frame
	 * made from it (RAM: on_retype), every holder of each. */
	for (unsigned i = 0; i < ANCHORS; i++) {
		a = &anchors[i];
		if (!of_object(a, &o, r->id) || a->revoking)
			continue;
		a->revoking = true;
		a->pending = a->holders;
		a->failed = 0;
		for (unsigned c = 0; c < mesh_cores(); c++) {
			if (a->pending >> c & 1 &&
			    if_intermon_mark_send(mesh_to(c), ID(i, a->gen)))
				a->pending &= ~(1ull << c);	/* no such core any more */
		}
	}
	mark_err = OK;
	if (!mesh_serve_until(all_marked, 0, sys_clock_ns() + MESH_WAIT_NS))
		err = ERR_TIMEOUT;
	else
		err = mark_err;
	/* Commit: the anchors every holder has answered for go; the Frames
	 * made from RAM first, and a RAM with one of them still pinned stays
	 * (its id is the only name left for that Frame). */
	for (unsigned pass = 0; pass < 2; pass++) {
		for (unsigned i = 0; i < ANCHORS; i++) {
			a = &anchors[i];
			if (!a->revoking || (pass == 0) == (a->type == CAP_RAM))
				continue;
			if (a->pending || made_from(ID(i, a->gen))) {	/* try again later */
				a->holders = a->pending;
				a->revoking = false;
			} else if (take && i == ID_INDEX(r->id)) {
				unmake(i, true, cn, slot);
				a->used = a->revoking = false;
				a->gen++;
			} else {
				release(a);
			}
		}
	}
	return err;
}

err_t rcap_revoke(const struct rcap *r)
{
	return revoke(r, false, 0, 0);
}

void rcap_keep(const struct rcap *r, bool on)
{
	struct anchor *a = r->owner == me ? anchor_of(r->id) : NULL;

	if (!a)
		return;
	if (on) {
		a->kept++;
	} else if (a->kept && !--a->kept) {
		release_if_unheld(a);
	}
}

err_t rcap_take_back(const struct rcap *r, capaddr_t cn, uint64_t slot)
{
	const struct anchor *a = r->owner == me ? anchor_of(r->id) : NULL;
	err_t err;

	if (!a || a->type != CAP_RAM)
		return ERR_NOT_FOUND;
	if ((err = revoke(r, true, cn, slot)))
		return err;
	return anchor_of(r->id) ? ERR_CAP_REMOTE : OK;	/* a Frame made from it is pinned */
}

/* MON_CAP_REVOKE: a process proves its authority over the object with a
 * capability at T_MONCAP that is not itself an import: a Frame to it, or
 * RAM that holds its memory (what a local revoke of that RAM would take:
 * a RAM gift it gave away, and what it made in that memory).
 * r[1]: the cores it was sent to that hold no copy now, whether this
 * revoke deleted it or the core gave it back before (rcap_collect). */
err_t rcap_revoke_request(const uint64_t *w, bool has_cap, uint64_t *out)
{
	const struct rcap r = { .owner = me, .id = w[1] };
	struct cap_info f;
	struct anchor *a;
	err_t err;

	if (!has_cap)
		return ERR_CAP_EMPTY;
	if ((err = cap_identify(T_MONCAP, &f)))
		return err;
	if (f.type != CAP_FRAME && f.type != CAP_RAM)
		return ERR_CAP_WRONG_TYPE;
	if (!(a = anchor_of(r.id)))
		return ERR_NOT_FOUND;
	if (import_for(&f))
		return ERR_CAP_RIGHTS;		/* a copy of another core's */
	if (f.type == CAP_FRAME ? a->type != CAP_FRAME || a->base != f.base || a->size != f.size
				: a->base < f.base || a->base - f.base >= f.size ||
				  a->size > f.size - (a->base - f.base))
		return ERR_CAP_RIGHTS;		/* not a capability to (or around) that object */
	const struct anchor o = *a;
	uint64_t held = 0;
	for (unsigned i = 0; i < ANCHORS; i++)	/* every anchor of the object (rcap_revoke) */
		if (of_object(&anchors[i], &o, r.id))
			held |= anchors[i].ever;
	err = rcap_revoke(&r);
	for (unsigned i = 0; i < ANCHORS; i++)	/* those still pinned did not answer */
		if (of_object(&anchors[i], &o, r.id))
			held &= ~anchors[i].holders;
	out[1] = held;
	return err;
}

err_t rcap_revoke_within(uint64_t base, uint64_t size)
{
	err_t first = OK;

	for (unsigned i = 0; i < ANCHORS; i++) {
		const struct anchor *a = &anchors[i];
		if (!a->used || a->revoking || a->base < base || a->base - base >= size)
			continue;
		const struct rcap r = { .owner = me, .id = ID(i, a->gen) };
		err_t err = rcap_revoke(&r);
		if (err && !first)
			first = err;
	}
	return first;
}

static err_t on_mark_r(struct idl_binding *b, uint64_t rcap, err_t status, uint64_t deleted)
{
	unsigned from = mesh_peer(b);
	struct anchor *a = anchor_of(rcap);

	if (!a || !a->revoking || !(a->pending >> from & 1))
		return ERR_BAD_MESSAGE;		/* nothing asked of that core */
	if (status != OK) {		/* its copies may still be there */
		a->failed |= 1ull << from;
		if (!mark_err)
			mark_err = status;
		return OK;
	}
	a->pending &= ~(1ull << from);
	a->holders &= ~(1ull << from);
	return OK;
}

static err_t on_import_r(struct idl_binding *b, uint64_t id, err_t status)
{
	return mesh_answer(b, IF_INTERMON_IMPORT_R, id, status) ? OK : ERR_BAD_MESSAGE;
}

static err_t on_has_r(struct idl_binding *b, uint64_t id, err_t status)
{
	return mesh_answer(b, IF_INTERMON_HAS_R, id, status) ? OK : ERR_BAD_MESSAGE;
}

/* ---- The holder's side ---- */

static struct import *import_of(unsigned owner, uint64_t id)
{
	for (unsigned i = 0; i < IMPORTS; i++)
		if (imports[i].used && imports[i].owner == owner && imports[i].id == id)
			return &imports[i];
	return NULL;
}

/* IMPORT: an import, or, of one this core has, an update: `via` may
 * name it too, and a drop on its way is refused (it was not given since). */
static err_t do_import(unsigned from, uint64_t id, const struct frame_token *t, unsigned via)
{
	struct import *im;
	unsigned i;
	err_t err;

	if (RCAP_OWNER(id) != from)
		return ERR_CAP_NOT_OWNER;	/* an id names its owner: no other sends it */
	if (via >= mesh_cores())
		return ERR_INVALID_ARG;
	if ((im = import_of(from, id))) {
		im->namers |= 1ull << via;
		im->fresh = true;		/* a drop now is refused: a gift comes */
		return OK;
	}
	if ((err = setup()))
		return err;
	for (i = 0; i < IMPORTS && imports[i].used; i++)
		;
	if (i == IMPORTS)
		return ERR_TOO_MANY;
	if ((err = kernel_frame_import(CPTR_EXPORT, T_RCAPCN, IMPORT_SLOT(i), t)))
		return err;
	imports[i] = (struct import){ .used = true, .owner = from, .id = id,
				      .type = t->kind == TOKEN_RAM ? CAP_RAM : CAP_FRAME, .base = t->base,
				      .size = t->size, .rights = t->rights,
				      .namers = 1ull << from | 1ull << via };
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

static err_t on_import(struct idl_binding *b, uint64_t id, uint64_t rcap, uint64_t base,
			 uint64_t size, uint32_t rights, uint64_t seq, uint64_t mac, uint32_t via,
			 uint32_t kind)
{
	const struct frame_token t = { .owner = mesh_peer(b), .dest = me, .base = base,
				       .size = size, .rights = rights, .kind = kind, .seq = seq,
				       .mac = mac };

	return if_intermon_import_r_send(b, id, do_import(mesh_peer(b), rcap, &t, via));
}

static err_t on_has(struct idl_binding *b, uint64_t id, uint64_t rcap)
{
	return if_intermon_has_r_send(b, id, import_of(mesh_peer(b), rcap) ? OK : ERR_NOT_FOUND);
}

static err_t on_mark(struct idl_binding *b, uint64_t rcap)
{
	uint64_t deleted;
	err_t err = do_mark(mesh_peer(b), rcap, &deleted);

	return if_intermon_mark_r_send(b, rcap, err, deleted);
}

/* This core's import of r, if core `from` may name it (from == this
 * core: a name this monitor checked before, a grant's). */
static err_t named_import(const struct rcap *r, unsigned from, struct import **out)
{
	struct import *im = r->owner == me ? NULL : import_of(r->owner, r->id);

	if (!im)
		return ERR_NOT_FOUND;
	if (from != me && !(im->namers >> from & 1))
		return ERR_CAP_RIGHTS;		/* neither its owner nor a relayer */
	*out = im;
	return OK;
}

err_t rcap_offer(const struct rcap *r, unsigned from)
{
	struct import *im;
	err_t err = named_import(r, from, &im);

	if (!err) {
		im->offers++;			/* kept until the grant is fetched */
		im->fresh = false;
	}
	return err;
}

void rcap_unoffer(const struct rcap *r)
{
	struct import *im;

	if (!named_import(r, me, &im) && im->offers) {
		im->offers--;
		collect_due = true;		/* not fetched: it may go back */
	}
}

err_t rcap_get(const struct rcap *r, unsigned from, capaddr_t cn, uint64_t slot)
{
	struct import *im;
	err_t err = named_import(r, from, &im);

	if (!err && !(err = cnode_copy(cn, slot, CADDR(RCAP_CN, IMPORT_SLOT((unsigned)(im - imports)))))) {
		im->given = true;	/* once it has none again, it goes back */
		im->fresh = false;
	}
	return err;
}

struct rcap rcap_named(uint64_t id)
{
	return (struct rcap){ .owner = RCAP_OWNER(id), .id = id };
}

/* RELAY, on the owner: a holder asks for its copy to go on to core `to`.
 * Only a core the owner sent the object to may ask. */
static err_t on_relay(struct idl_binding *b, uint64_t id, uint64_t rcap, uint32_t to)
{
	unsigned from = mesh_peer(b);
	struct anchor *a = anchor_of(rcap);
	err_t err;

	if (!a)
		err = ERR_NOT_FOUND;
	else if (a->revoking)
		err = ERR_CAP_REMOTE;		/* being revoked: no new copies */
	else if (!(a->holders >> from & 1))
		err = ERR_CAP_RIGHTS;		/* it holds no copy to pass on */
	else if (to == me)
		err = ERR_CAP_NOT_OWNER;	/* not back home: relay() says why */
	else if (to >= mesh_cores() || to == from)
		err = ERR_INVALID_ARG;
	else				/* a wait inside a handler: mesh.c's exception */
		err = send_from_anchor(a, to, from);
	return if_intermon_relay_r_send(b, id, err);
}

static err_t on_relay_r(struct idl_binding *b, uint64_t id, err_t status)
{
	return mesh_answer(b, IF_INTERMON_RELAY_R, id, status) ? OK : ERR_BAD_MESSAGE;
}

err_t rcap_relay_raw(unsigned owner, uint64_t id, unsigned to)
{
	struct mesh_ask a;
	err_t err;

	if ((err = mesh_ask(&a, owner, IF_INTERMON_RELAY_R, NULL)))
		return err;
	return mesh_await(&a, if_intermon_relay_send(mesh_to(owner), a.id, id, to));
}

/* ---- RAM: the owner retypes it for its holders ---- */

/* RETYPE, on the owner: holder `from` asks for a Frame of `bytes` at
 * `offset` into RAM it holds. The owner makes it from its anchor, so its
 * kernel's check against the anchor's children (lib/cap.c) orders every
 * retype of that memory on every core: of two asking at once for the
 * same memory, the second gets ERR_RETYPE_OVERLAP. The Frame gets an
 * anchor of its own, which the RAM's revoke takes too (of_object), and
 * goes to the asker (a wait inside a handler: mesh.c's exception) before
 * the answer names it. A Frame the asker then gives back goes, and its
 * memory can be retyped again. */
static err_t retype_for(unsigned from, uint64_t rcap, uint64_t offset, uint64_t bytes,
			uint64_t *frame)
{
	struct anchor *a = anchor_of(rcap), *fa;
	unsigned j;
	err_t err;

	if (!a)
		return ERR_NOT_FOUND;
	if (a->revoking)
		return ERR_CAP_REMOTE;		/* being revoked: nothing new from it */
	if (a->type != CAP_RAM)
		return ERR_CAP_WRONG_TYPE;
	if (!(a->holders >> from & 1))
		return ERR_CAP_RIGHTS;		/* it holds no copy of it */
	if (!(a->rights & CAP_RIGHT_WRITE))
		return ERR_CAP_RIGHTS;		/* as the kernel's retype */
	/* Each Frame takes an anchor of the owner's (shared by every object
	 * it sends): a holder may keep only so many of one RAM's at once. */
	unsigned made = 0;
	for (j = 0; j < ANCHORS; j++)
		made += anchors[j].used && anchors[j].retyped && anchors[j].parent == rcap &&
			(anchors[j].holders >> from & 1);
	if (made >= RETYPES_PER_HOLDER)
		return ERR_TOO_MANY;
	for (j = 0; j < ANCHORS && anchors[j].used; j++)
		;
	if (j == ANCHORS)
		return ERR_TOO_MANY;
	if ((err = cnode_retype(T_RCAPCN, ANCHOR_SLOT(j), CADDR(RCAP_CN, ANCHOR_SLOT(a - anchors)),
				CAP_FRAME, 1, offset, bytes)))
		return err;			/* ERR_RETYPE_OVERLAP: made for another */
	if ((err = kernel_cap_remote(CPTR_EXPORT, CADDR(RCAP_CN, ANCHOR_SLOT(j)), true))) {
		cnode_delete(T_RCAPCN, ANCHOR_SLOT(j));
		return err;
	}
	fa = &anchors[j];
	*fa = (struct anchor){ .used = true, .retyped = true, .gen = fa->gen, .type = CAP_FRAME,
			       .base = a->base + offset, .size = bytes, .rights = CAP_RIGHTS_ALL,
			       .parent = rcap };
	uint64_t id = ID(j, fa->gen);
	if ((err = send_from_anchor(fa, from, me))) {
		if (anchor_of(id) == fa && !fa->holders)
			release(fa);		/* made for this answer alone */
		return err;
	}
	if (anchor_of(id) != fa)
		return ERR_CAP_REMOTE;		/* revoked while it went */
	*frame = id;
	return OK;
}

static err_t on_retype(struct idl_binding *b, uint64_t id, uint64_t rcap, uint64_t offset,
		       uint64_t bytes)
{
	uint64_t frame = 0;
	err_t err = retype_for(mesh_peer(b), rcap, offset, bytes, &frame);

	return if_intermon_retype_r_send(b, id, err, frame);
}

static err_t on_retype_r(struct idl_binding *b, uint64_t id, err_t status, uint64_t frame)
{
	struct mesh_ask *a = mesh_answer(b, IF_INTERMON_RETYPE_R, id, status);

	if (!a)
		return ERR_BAD_MESSAGE;
	*(uint64_t *)a->out = frame;
	return OK;
}

err_t rcap_retype(const struct rcap *r, uint64_t offset, uint64_t bytes, capaddr_t cn,
		  uint64_t slot, struct rcap *frame)
{
	struct import *im;
	uint64_t id = 0;
	err_t err;

	if (r->owner == me)
		return ERR_INVALID_ARG;		/* the owner's processes retype their own */
	if ((err = named_import(r, me, &im)))
		return err;
	if (im->type != CAP_RAM)
		return ERR_CAP_WRONG_TYPE;
	if ((err = rcap_retype_raw(r->owner, r->id, offset, bytes, &id)))
		return err;
	*frame = rcap_named(id);
	return rcap_get(frame, me, cn, slot);
}

err_t rcap_retype_raw(unsigned owner, uint64_t id, uint64_t offset, uint64_t bytes,
		      uint64_t *frame)
{
	struct mesh_ask a;
	err_t err;

	if ((err = mesh_ask(&a, owner, IF_INTERMON_RETYPE_R, frame)))
		return err;
	return mesh_await(&a, if_intermon_retype_send(mesh_to(owner), a.id, id, offset, bytes));
}

bool rcap_own_ram(capaddr_t cap)
{
	struct cap_info f;

	return cap_identify(cap, &f) == OK && f.type == CAP_RAM && !import_for(&f);
}

/* MON_RAM_RETYPE: the process's RAM is a copy of an import here. */
err_t rcap_retype_request(const uint64_t *w, bool has_cap, capaddr_t *give)
{
	struct cap_info f;
	struct import *im;
	struct rcap frame;
	capaddr_t cn, at;
	uint64_t slot, base;
	err_t err;

	if ((err = monitor_request_cap(has_cap, CAP_RAM, CAP_RIGHT_WRITE, &base)) ||
	    (err = cap_identify(T_MONCAP, &f)))
		return err;
	if (!(im = import_for(&f)))
		return ERR_INVALID_ARG;		/* this core's own: the caller retypes it */
	const struct rcap ram = { .owner = im->owner, .id = im->id };
	if ((err = bind_reply_slot(&cn, &slot, &at)) ||
	    (err = rcap_retype(&ram, w[1], w[2], cn, slot, &frame)))
		return err;
	*give = at;
	return OK;
}

/* ---- Giving back: the last copy anywhere going ---- */

/* Is the capability at RCAP CNode slot `slot` the only one on this core
 * that names its object? Only this core's kernel knows (EXPORT_CAP_LAST):
 * copies sit in processes' CNodes. */
static bool alone(unsigned slot)
{
	bool last = false;

	return kernel_cap_last(CPTR_EXPORT, CADDR(RCAP_CN, slot), &last) == OK && last;
}

/* An anchor no other core holds, whose object this core's processes let
 * go too: the object goes (release deletes the last capability to it). */
static void release_if_unheld(struct anchor *a)
{
	unsigned i = (unsigned)(a - anchors);

	if (!a->holders && !a->revoking && !a->dropping && !a->kept && !made_from(ID(i, a->gen)) &&
	    alone(ANCHOR_SLOT(i)))
		release(a);
}

void rcap_process_ending(bool begins)
{
	if (begins) {
		ending++;
		collect_due = true;
	} else if (ending) {
		ending--;
	}
}

void rcap_collect_soon(void)
{
	collect_due = true;
}

void rcap_collect(void)
{
	/* Not while a process is being destroyed: what it holds still
	 * counts, and the look it is due would be spent too early. */
	if (!collect_due || !ready || ending)
		return;
	collect_due = false;
	for (unsigned i = 0; i < IMPORTS; i++) {
		struct import *im = &imports[i];
		if (!im->used || !im->given || im->fresh || im->offers || im->asked ||
		    !alone(IMPORT_SLOT(i)))
			continue;
		if (if_intermon_unheld_send(mesh_to(im->owner), im->id))
			collect_due = true;	/* try again at the next look */
		else
			im->asked = true;
	}
	for (unsigned i = 0; i < ANCHORS; i++)
		if (anchors[i].used)
			release_if_unheld(&anchors[i]);
}

/* UNHELD, on the owner: a hint, so it is not trusted. The owner asks the
 * holder to drop its import, which the holder's kernel confirms. One for
 * an object being revoked, or not held there, changes nothing (MARK
 * deletes the import anyway); one while a drop is on its way is answered
 * by that drop. */
static err_t on_unheld(struct idl_binding *b, uint64_t rcap)
{
	uint64_t bit = 1ull << mesh_peer(b);
	struct anchor *a = anchor_of(rcap);

	if (!a || a->revoking || !(a->holders & bit) || (a->dropping & bit))
		return OK;
	if (if_intermon_drop_send(b, rcap))
		return OK;			/* no such peer */
	a->dropping |= bit;
	a->resent &= ~bit;
	return OK;
}

/* DROP, on a holder: the import goes if no process here has a copy (the
 * owner's channel brought every import it sent before this, so what is
 * deleted is all the owner thinks is here). */
static err_t on_drop(struct idl_binding *b, uint64_t rcap)
{
	struct import *im = import_of(mesh_peer(b), rcap);
	err_t err = OK;

	if (im) {
		unsigned slot = IMPORT_SLOT((unsigned)(im - imports));
		im->asked = false;
		if (!im->given || im->fresh || im->offers || !alone(slot))
			err = ERR_CAP_REMOTE;	/* a copy made, sent again or offered since */
		else if (!(err = cnode_delete(T_RCAPCN, slot)))
			im->used = false;
	}
	return if_intermon_drop_r_send(b, rcap, err);
}

static err_t on_drop_r(struct idl_binding *b, uint64_t rcap, err_t status)
{
	uint64_t bit = 1ull << mesh_peer(b);
	struct anchor *a = anchor_of(rcap);

	if (!a)
		return OK;			/* revoked meanwhile: nothing to do */
	if (!(a->dropping & bit))
		return ERR_BAD_MESSAGE;		/* nothing asked of that core */
	a->dropping &= ~bit;
	if (status == OK && !(a->resent & bit))
		a->holders &= ~bit;		/* its import went, and no newer one */
	a->resent &= ~bit;
	release_if_unheld(a);
	return OK;
}

err_t rcap_init(unsigned core)
{
	me = core;
	mesh_handlers.import = on_import;
	mesh_handlers.import_r = on_import_r;
	mesh_handlers.has = on_has;
	mesh_handlers.has_r = on_has_r;
	mesh_handlers.mark = on_mark;
	mesh_handlers.mark_r = on_mark_r;
	mesh_handlers.relay = on_relay;
	mesh_handlers.relay_r = on_relay_r;
	mesh_handlers.unheld = on_unheld;
	mesh_handlers.drop = on_drop;
	mesh_handlers.drop_r = on_drop_r;
	mesh_handlers.retype = on_retype;
	mesh_handlers.retype_r = on_retype_r;
	return OK;
}
