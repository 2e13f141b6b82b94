/*
 * The name service: a table from names to (core, value), kept by core 0's
 * monitor. Monitors on other cores ask it over the mesh; core 0's own
 * requests go straight to the table. One table in one place keeps the
 * rule "a name is registered once" trivially true; a replicated table
 * (every monitor answering lookups itself, registrations agreed on by all)
 * is the step that makes lookups local, and these functions are where it
 * would go.
 *
 * Messages (if/intermon.if, to core 0): ns_register -> ns_register_r,
 * ns_lookup -> ns_lookup_r, ns_remove -> ns_remove_r; the name travels as
 * a string. The core a name belongs to is the core the ns_register came
 * from. A request to another core than 0 is refused (mesh.c counts and
 * reports it), as is an answer nobody asked for.
 */
#include <string.h>
#include <flotilla/monitor.h>
#include "usr/monitor/monitor.h"

/* Room for a few names from every core. */
#define NAMES_MAX	(4 * MAX_MESH_CORES)

static struct {
	bool used;
	uint64_t name[2];
	unsigned core;
	uint64_t value;
} table[NAMES_MAX];
static unsigned me;

/* A name as it travels: two words, 1..NS_NAME_MAX characters, NUL-padded. */
bool names_well_formed(const uint64_t name[2])
{
	const char *c = (const char *)name;

	if (!c[0] || c[NS_NAME_MAX])
		return false;
	for (unsigned i = strlen(c); i <= NS_NAME_MAX; i++)
		if (c[i])
			return false;		/* bytes after the NUL */
	return true;
}

static int find(const uint64_t name[2])
{
	for (int i = 0; i < NAMES_MAX; i++)
		if (table[i].used && table[i].name[0] == name[0] && table[i].name[1] == name[1])
			return i;
	return -1;
}

/* ---- The table (core 0) ---- */

static err_t reg(unsigned core, const uint64_t name[2], uint64_t value)
{
	int i;

	if (!names_well_formed(name))
		return ERR_BAD_MESSAGE;
	if (find(name) >= 0)
		return ERR_NAME_IN_USE;
	for (i = 0; i < NAMES_MAX && table[i].used; i++)
		;
	if (i == NAMES_MAX)
		return ERR_TOO_MANY;
	table[i].used = true;
	memcpy(table[i].name, name, sizeof(table[i].name));
	table[i].core = core;
	table[i].value = value;
	return OK;
}

static err_t get(const uint64_t name[2], unsigned *core, uint64_t *value)
{
	int i;

	if (!names_well_formed(name))
		return ERR_BAD_MESSAGE;
	if ((i = find(name)) < 0)
		return ERR_NOT_FOUND;
	*core = table[i].core;
	*value = table[i].value;
	return OK;
}

static err_t del(unsigned core, const uint64_t name[2])
{
	int i;

	if (!names_well_formed(name))
		return ERR_BAD_MESSAGE;
	if ((i = find(name)) < 0 || table[i].core != core)
		return ERR_NOT_FOUND;		/* not there, or another core's */
	table[i].used = false;
	return OK;
}

/* ---- Any core ---- */

/* What ns_lookup_r brings back. */
struct found {
	unsigned core;
	uint64_t value;
};

err_t names_register(const uint64_t name[2], uint64_t value)
{
	struct mesh_ask a;
	err_t err;

	if (me == 0)
		return reg(0, name, value);
	if (!names_well_formed(name))
		return ERR_BAD_MESSAGE;
	if ((err = mesh_ask(&a, 0, IF_INTERMON_NS_REGISTER_R, NULL)))
		return err;
	return mesh_await(&a, if_intermon_ns_register_send(mesh_to(0), a.id, (const char *)name,
							   value));
}

err_t names_lookup(const uint64_t name[2], unsigned *core, uint64_t *value)
{
	struct found f = { 0 };
	struct mesh_ask a;
	err_t err;

	if (me == 0)
		return get(name, core, value);
	if (!names_well_formed(name))
		return ERR_BAD_MESSAGE;
	if ((err = mesh_ask(&a, 0, IF_INTERMON_NS_LOOKUP_R, &f)) ||
	    (err = mesh_await(&a, if_intermon_ns_lookup_send(mesh_to(0), a.id, (const char *)name))))
		return err;
	*core = f.core;
	*value = f.value;
	return OK;
}

err_t names_remove(const uint64_t name[2])
{
	struct mesh_ask a;
	err_t err;

	if (me == 0)
		return del(0, name);
	if (!names_well_formed(name))
		return ERR_BAD_MESSAGE;
	if ((err = mesh_ask(&a, 0, IF_INTERMON_NS_REMOVE_R, NULL)))
		return err;
	return mesh_await(&a, if_intermon_ns_remove_send(mesh_to(0), a.id, (const char *)name));
}

/* ---- Core 0's handlers: a name as it arrived (a string of at most
 * NS_NAME_MAX characters, the runtime made sure) into its two words ---- */

static void two_words(const char *s, uint64_t name[2])
{
	name[0] = name[1] = 0;
	memcpy(name, s, strlen(s));
}

static err_t on_register(struct idl_binding *b, uint64_t id, const char *s, uint64_t value)
{
	uint64_t name[2];

	if (me != 0)
		return ERR_BAD_MESSAGE;		/* the table is core 0's */
	two_words(s, name);
	return if_intermon_ns_register_r_send(b, id, reg(mesh_peer(b), name, value));
}

static err_t on_lookup(struct idl_binding *b, uint64_t id, const char *s)
{
	uint64_t name[2], value = 0;
	unsigned core = 0;
	err_t err;

	if (me != 0)
		return ERR_BAD_MESSAGE;
	two_words(s, name);
	err = get(name, &core, &value);
	return if_intermon_ns_lookup_r_send(b, id, err, core, value);
}

static err_t on_remove(struct idl_binding *b, uint64_t id, const char *s)
{
	uint64_t name[2];

	if (me != 0)
		return ERR_BAD_MESSAGE;
	two_words(s, name);
	return if_intermon_ns_remove_r_send(b, id, del(mesh_peer(b), name));
}

/* ---- The asker's handlers ---- */

static err_t on_register_r(struct idl_binding *b, uint64_t id, err_t status)
{
	return mesh_answer(b, IF_INTERMON_NS_REGISTER_R, id, status) ? OK : ERR_BAD_MESSAGE;
}

static err_t on_lookup_r(struct idl_binding *b, uint64_t id, err_t status, uint32_t core,
			 uint64_t value)
{
	struct mesh_ask *a = mesh_answer(b, IF_INTERMON_NS_LOOKUP_R, id, status);
	struct found *f;

	if (!a)
		return ERR_BAD_MESSAGE;
	f = a->out;
	f->core = core;
	f->value = value;
	return OK;
}

static err_t on_remove_r(struct idl_binding *b, uint64_t id, err_t status)
{
	return mesh_answer(b, IF_INTERMON_NS_REMOVE_R, id, status) ? OK : ERR_BAD_MESSAGE;
}

err_t names_init(unsigned core)
{
	me = core;
	mesh_handlers.ns_register = on_register;
	mesh_handlers.ns_register_r = on_register_r;
	mesh_handlers.ns_lookup = on_lookup;
	mesh_handlers.ns_lookup_r = on_lookup_r;
	mesh_handlers.ns_remove = on_remove;
	mesh_handlers.ns_remove_r = on_remove_r;
	return OK;
}
