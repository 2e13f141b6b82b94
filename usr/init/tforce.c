/*
 * Task forces in init's tree (docs/taskforce.md): the shell's `tf run`,
 * `tf ls` and `tf kill` come here through init's endpoint (lib/tforce.h's
 * requests). A force is a supervisor, one_for_all, added at run time under
 * `forces` (simple_one_for_one whose template is a temporary supervisor),
 * with one transient member per core: an instance of PROG on each.
 *
 * Each force has a frame of its own (TF_FRAME_BYTES, flotilla/tforce.h),
 * made from init's RAM when the force is, and granted to every member at
 * once: the tree gives each member a copy (svr_add_group's gift), on
 * every core (copies on other cores are the monitors': rcap.c). The frame
 * is the force's, not a member's, so it outlives a one_for_all restart;
 * when the force ends, its copies on other cores are revoked and its RAM
 * comes back (release, below).
 *
 * Besides the frames, init keeps nothing of its own about a force: its name, program,
 * argument and cores are its spec's, its members' state the tree's. Every
 * request is checked again here, for the endpoint is not only the
 * shell's to call: a request that names no valid force gets an error,
 * and init serves on.
 */
#include <stdio.h>
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/lmp.h>
#include <flotilla/monitor.h>
#include <flotilla/spawn.h>
#include <flotilla/superv.h>
#include <flotilla/sys.h>
#include "lib/skb.h"
#include "lib/tforce.h"
#include "tforce.h"

/* A force restarts its members at most this often before it gives up. */
#define TF_INTENSITY	3
#define TF_PERIOD_S	60

static int forces = -1;		/* the node of `forces` */
static unsigned last_id;	/* the id the last force got (1..255) */

/* The forces' frames, in init's task slots TF_FRAME_SLOT(0..SVR_MAX_NODES - 1). */
#define TF_FRAME_SLOT(k)	CADDR(TASK_CN, 48 + (k))
static struct { bool used; uint64_t base; char name[TF_NAME_MAX + 1]; } frames[SVR_MAX_NODES];

/* A force's node is given back (svr_on_release): the copies of its frame
 * on other cores are revoked, then the frame goes and its RAM comes back.
 * A revoke that fails leaves the memory pinned (the monitors' rule:
 * never freed under a mapping), and init says so. */
static void release(int node, const struct svr_gift *g)
{
	unsigned k = CADDR_L2(g->cap) - CADDR_L2(TF_FRAME_SLOT(0));
	uint64_t revoked = 0;
	char list[200];
	err_t err = OK;

	(void)node;
	if (k >= SVR_MAX_NODES || !frames[k].used)
		return;
	if (g->cores) {
		err = mon_cap_revoke(g->cap, g->token, &revoked);
		if (err == ERR_NOT_FOUND)	/* revoked already (by whoever held a copy here) */
			err = OK, revoked = g->cores;
		/* revoked: the cores that hold none now, revoked here or given
		 * back when their members ended (rcap.c, rcap_collect). */
		if (!err && (g->cores & ~revoked))
			err = ERR_TIMEOUT;	/* a core did not let its copy go */
	}
	if (err) {
		skb_fmt_cores(g->cores & ~revoked, list, sizeof(list));
		printf("init: task force %s: its frame's copies on cores %s not all revoked (%s); "
		       "its memory stays pinned\n", frames[k].name, list, err_name(err));
		frames[k].used = false;		/* the slot's capability stays: not reused */
		return;
	}
	cnode_delete(CPTR_TASKCN, CADDR_L2(g->cap));
	ram_release(frames[k].base);
	frames[k].used = false;
	skb_fmt_cores(revoked, list, sizeof(list));	/* the SKB's form: 1-3 */
	if (g->cores)
		printf("init: task force %s: its frame given back (its copies on cores %s gone)\n",
		       frames[k].name, list);
	else
		printf("init: task force %s: its frame given back\n", frames[k].name);
}

/* A new force's frame (zeroed: a new object) in a free slot. */
static err_t new_frame(const char *name, capaddr_t *cap)
{
	struct cap_info ci;
	unsigned k;
	err_t err;

	for (k = 0; k < SVR_MAX_NODES; k++)
		if (!frames[k].used && cap_identify(TF_FRAME_SLOT(k), &ci) == ERR_CAP_EMPTY)
			break;
	if (k == SVR_MAX_NODES)
		return ERR_TOO_MANY;
	if ((err = ram_retype(CPTR_TASKCN, CADDR_L2(TF_FRAME_SLOT(k)), CAP_FRAME, TF_FRAME_BYTES)))
		return err;
	if ((err = cap_identify(TF_FRAME_SLOT(k), &ci))) {
		cnode_delete(CPTR_TASKCN, CADDR_L2(TF_FRAME_SLOT(k)));
		return err;
	}
	frames[k].used = true;
	frames[k].base = ci.base;
	strlcpy(frames[k].name, name, sizeof(frames[k].name));
	*cap = TF_FRAME_SLOT(k);
	return OK;
}

void tf_forces_node(int node)
{
	forces = node;
	svr_on_release(release);
}

/* The force called name: its node, or -1. */
static int find(const char *name)
{
	int s;

	for (unsigned k = 0; (s = svr_group(forces, k)) >= 0; k++)
		if (strcmp(svr_spec(s)->name, name) == 0)
			return s;
	return -1;
}

/* An id no running force has: the next after the last, skipping those
 * in use (a force's members carry it in their argument: TF_ID). */
static unsigned new_id(void)
{
	for (unsigned tries = 0; tries < 255; tries++) {
		unsigned id = last_id % 255 + 1;
		bool used = false;
		int s;
		last_id = id;
		for (unsigned k = 0; (s = svr_group(forces, k)) >= 0; k++)
			if (TF_ID(svr_spec(s)->child[0].arg) == id)
				used = true;
		if (!used)
			return id;
	}
	return 0;	/* cannot be: at most SVR_MAX_NODES forces */
}

/* The name service says which cores force `id` runs on (its members look
 * there: flotilla/tforce.h); a force that ended before may have left its
 * id's entry, which goes first. */
static err_t publish(unsigned id, uint64_t cores)
{
	char name[16];

	snprintf(name, sizeof(name), TF_NS_FMT, id);
	ns_remove(name);
	return ns_register(name, cores);
}

static void unpublish(unsigned id)
{
	char name[16];

	snprintf(name, sizeof(name), TF_NS_FMT, id);
	ns_remove(name);
}

static err_t run(const uint64_t w[LMP_WORDS])
{
	struct sv_spec spec = { .strategy = SV_ONE_FOR_ALL, .intensity = TF_INTENSITY,
				.period_s = TF_PERIOD_S };
	struct tf_run r;
	unsigned ncores = 1;
	char why[128];
	int node;
	err_t err;

	if ((err = tf_unpack_run(w, &r)))
		return err;
	mon_cores(&ncores);
	if ((ncores < 64 && (r.cores >> ncores)) || tf_count(r.cores) > TF_MAX_MEMBERS)
		return ERR_INVALID_ARG;
	if (!spawn_has_program(r.prog))
		return ERR_NOT_FOUND;
	if (find(r.name) >= 0)
		return ERR_NAME_IN_USE;
	unsigned id = new_id();
	strlcpy(spec.name, r.name, sizeof(spec.name));
	for (unsigned k = 0; k < tf_count(r.cores); k++) {
		struct sv_child_spec *c = &spec.child[spec.nchildren++];
		c->core = tf_core_of(r.cores, k);
		snprintf(c->name, sizeof(c->name), "%s@%u", r.prog, c->core);
		strlcpy(c->prog, r.prog, sizeof(c->prog));
		c->arg = TF_MEMBER_ARG(r.arg, id, r.hb_s);
		/* transient: a member that ends its work with status 0 is
		 * done, and its end restarts nothing; one that fails or is
		 * killed restarts the whole force (one_for_all). */
		c->restart = SV_TRANSIENT;
		c->rt_flags = MON_SPAWN_RAM_1M;
		/* hb=S: a member that stops beating is hung (supervision.md). */
		c->heartbeat_ns = (uint64_t)r.hb_s * 1000000000ull;
	}
	if ((err = sv_check(&spec, ncores, spawn_has_program, why, sizeof(why)))) {
		printf("init: task force %s refused: %s\n", r.name, why);
		return err;
	}
	if ((err = publish(id, r.cores))) {
		printf("init: task force %s refused: cannot name its cores: %s\n", r.name,
		       err_name(err));
		return err;
	}
	capaddr_t frame;
	if ((err = new_frame(r.name, &frame))) {
		printf("init: task force %s refused: no frame for it: %s\n", r.name, err_name(err));
		unpublish(id);
		return err;
	}
	printf("init: task force %s: %s on %u core%s (id %u), with a frame of %u KiB\n", r.name,
	       r.prog, spec.nchildren, spec.nchildren == 1 ? "" : "s", id, TF_FRAME_BYTES / 1024);
	/* The frame goes with the group: release() frees it when the
	 * group's node is given back, also when no member started. */
	if ((err = svr_add_group(forces, &spec, frame, sys_clock_ns(), &node))) {
		unpublish(id);
		release(-1, &(struct svr_gift){ .cap = frame });	/* if it is still there */
	}
	return err;
}

static err_t end_force(const uint64_t w[LMP_WORDS])
{
	char name[TF_NAME_MAX + 1];
	int s;
	err_t err;

	if ((err = tf_word_name(w[2], name)))
		return err;
	if ((s = find(name)) < 0)
		return ERR_NOT_FOUND;
	unsigned id = TF_ID(svr_spec(s)->child[0].arg);
	if ((err = svr_end_group(s, sys_clock_ns())))
		return err;
	unpublish(id);
	return OK;
}

/* The force's restarts: how often one_for_all restarted it, which is its
 * members' most (each restart starts every member again). */
static unsigned restarts(int s)
{
	struct svr_row row;
	unsigned most = 0;

	for (unsigned i = 0; svr_child_row(s, i, &row) == OK; i++)
		if (row.restarts > most)
			most = row.restarts;
	return most;
}

static err_t force(const uint64_t w[LMP_WORDS], uint64_t r[LMP_WORDS])
{
	int s = w[1] < SVR_MAX_NODES ? svr_group(forces, (unsigned)w[1]) : -1;
	const struct sv_spec *spec;

	if (s < 0)
		return ERR_NOT_FOUND;
	spec = svr_spec(s);
	r[1] = 0;
	for (unsigned i = 0; i < spec->nchildren; i++)
		r[1] |= 1ull << spec->child[i].core;
	r[2] = tf_name_word(spec->name);
	r[3] = tf_name_word(spec->child[0].prog);
	return OK;
}

static err_t member(const uint64_t w[LMP_WORDS], uint64_t r[LMP_WORDS])
{
	int s = (w[1] & 0xFF) < SVR_MAX_NODES ? svr_group(forces, w[1] & 0xFF) : -1;
	struct svr_row row;
	err_t err;

	if (s < 0)
		return ERR_NOT_FOUND;
	if ((err = svr_child_row(s, (unsigned)(w[1] >> 8) & 0xFF, &row)))
		return err;
	r[1] = svr_pack_row(&row);
	r[2] = restarts(s);
	return OK;
}

bool tf_serve(const struct lmp_msg *m)
{
	uint64_t r[LMP_WORDS] = { ERR_BAD_MESSAGE };

	switch (m->w[0] & 0xFF) {
	case TF_REQ_RUN:
		r[0] = forces < 0 ? ERR_UNSUPPORTED : run(m->w);
		break;
	case TF_REQ_KILL:
		r[0] = forces < 0 ? ERR_UNSUPPORTED : end_force(m->w);
		break;
	case TF_REQ_FORCE:
		r[0] = forces < 0 ? ERR_NOT_FOUND : force(m->w, r);
		break;
	case TF_REQ_MEMBER:
		r[0] = forces < 0 ? ERR_NOT_FOUND : member(m->w, r);
		break;
	default:
		return false;
	}
	lmp_reply(0, 0, r);
	return true;
}
