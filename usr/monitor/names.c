/*
 * The name service: a table from names to (core, value), kept by core 0's
 * monitor. Monitors on other cores ask it over the mesh; core 0's own
 * requests go straight to the table. One table in one place keeps the
 * rule "a name is registered once" trivially true; a replicated table
 * (every monitor answering lookups itself, registrations agreed on by all)
 * is the step that makes lookups local, and these functions are where it
 * would go.
 *
 * Messages (types NAMES_FIRST.., to core 0; the answer's w1 the error):
 *	REG	req, name (2 words), value	-> REG_R req, err
 *	GET	req, name (2 words)		-> GET_R req, err, core, value
 *	DEL	req, name (2 words)		-> DEL_R req, err
 * The core a name belongs to is the core the REG came from.
 */
#include <string.h>
#include <flotilla/monitor.h>
#include "lib/urpc.h"
#include "usr/monitor/monitor.h"

enum {
	MSG_REG = NAMES_FIRST, MSG_REG_R, MSG_GET, MSG_GET_R, MSG_DEL, MSG_DEL_R,
	MSG_LAST = MSG_DEL_R
};

#define NAMES_MAX	64

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

err_t names_register(const uint64_t name[2], uint64_t value)
{
	uint64_t w[4] = { 0, name[0], name[1], value }, a[URPC_MAX_WORDS];

	return me == 0 ? reg(0, name, value) : mesh_ask(0, MSG_REG, w, 4, a);
}

err_t names_lookup(const uint64_t name[2], unsigned *core, uint64_t *value)
{
	uint64_t w[3] = { 0, name[0], name[1] }, a[URPC_MAX_WORDS];
	err_t err;

	if (me == 0)
		return get(name, core, value);
	if ((err = mesh_ask(0, MSG_GET, w, 3, a)))
		return err;
	*core = (unsigned)a[2];
	*value = a[3];
	return OK;
}

err_t names_remove(const uint64_t name[2])
{
	uint64_t w[3] = { 0, name[0], name[1] }, a[URPC_MAX_WORDS];

	return me == 0 ? del(0, name) : mesh_ask(0, MSG_DEL, w, 3, a);
}

static err_t on_message(unsigned from, uint32_t type, const uint64_t *w, unsigned n)
{
	uint64_t r[4] = { n ? w[0] : 0 };
	unsigned core = 0;

	if (type == MSG_REG_R || type == MSG_GET_R || type == MSG_DEL_R)
		return mesh_answer(w, n);
	if (me != 0 || n != (type == MSG_REG ? 4u : 3u))
		return ERR_BAD_MESSAGE;
	switch (type) {
	case MSG_REG:
		r[1] = reg(from, &w[1], w[3]);
		return mesh_send(from, MSG_REG_R, r, 2);
	case MSG_GET:
		r[1] = get(&w[1], &core, &r[3]);
		r[2] = core;
		return mesh_send(from, MSG_GET_R, r, 4);
	case MSG_DEL:
		r[1] = del(from, &w[1]);
		return mesh_send(from, MSG_DEL_R, r, 2);
	}
	return ERR_BAD_MESSAGE;
}

err_t names_init(unsigned core)
{
	me = core;
	return mesh_on(NAMES_FIRST, MSG_LAST, on_message);
}
