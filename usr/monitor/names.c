/*
 * The name service: a table from names to (core, value), replicated in
 * every monitor (issue 19, item 2; docs/agreement.md, "The name
 * service"). A lookup reads this monitor's replica and sends no message.
 * Registering and removing are operations of the monitors' agreement
 * (agreeview.c runs it, lib/agree.h is the protocol): the monitor that
 * wants one submits it, every member checks it against its own replica
 * (a name taken: ERR_NAME_IN_USE; a name to remove that is not there or
 * is another core's: ERR_NOT_FOUND; the table full: ERR_TOO_MANY) and
 * applies it when it commits, every replica in the one order the
 * coordinator gives. So two cores registering one name at once cannot
 * both succeed: the second to be ordered is checked against a replica
 * that holds the first. The core a name belongs to is the core whose
 * monitor submitted it; only that core removes it.
 *
 * A name is a string of 1..NS_NAME_MAX characters. It travels in the
 * operation's payload (struct ns_op) with its NUL and zeroes after it, so
 * equal names are equal bytes; a payload of the wrong length, an unknown
 * kind, a name empty, too long (no NUL in its bytes) or with garbage
 * after its NUL, or a core that does not exist is malformed: every
 * replica refuses it (ERR_BAD_MESSAGE) and the agreement counts it.
 *
 * A replica applies a commit when the DECIDE reaches it, so a lookup on
 * one core may not yet see what another core's register just committed
 * (the origin and the coordinator have applied it when the register
 * returns). ns_get asks a core for its replica's answer (the tests), with
 * how many mesh messages its lookup sent (none).
 */
#include <stddef.h>
#include <string.h>
#include <flotilla/monitor.h>
#include "usr/monitor/agreeview.h"
#include "usr/monitor/monitor.h"

/* Room for a few names from every core. */
#define NAMES_MAX	(4 * MAX_MESH_CORES)

_Static_assert(sizeof(struct ns_op) <= AGREE_PAYLOAD_MAX, "an operation fits the agreement");

static struct {
	bool used;
	char name[NS_NAME_MAX + 1];
	unsigned core;
	uint64_t value;
} table[NAMES_MAX];
static unsigned me;

bool names_valid(const char *s)
{
	size_t n = strnlen(s, NS_NAME_MAX + 1);

	return n > 0 && n <= NS_NAME_MAX;
}

/* A name as two words: 1..NS_WORDS_NAME_MAX characters, NUL-padded. */
bool names_well_formed(const uint64_t name[2])
{
	const char *c = (const char *)name;

	if (!c[0] || c[NS_WORDS_NAME_MAX])
		return false;
	for (unsigned i = strlen(c); i <= NS_WORDS_NAME_MAX; i++)
		if (c[i])
			return false;		/* bytes after the NUL */
	return true;
}

bool names_from_words(const uint64_t name[2], char out[2 * sizeof(uint64_t)])
{
	if (!names_well_formed(name))
		return false;
	memcpy(out, name, 2 * sizeof(uint64_t));	/* NUL-terminated, as well formed */
	return true;
}

static int find(const char *name)
{
	for (int i = 0; i < NAMES_MAX; i++)
		if (table[i].used && !strcmp(table[i].name, name))
			return i;
	return -1;
}

static int free_entry(void)
{
	for (int i = 0; i < NAMES_MAX; i++)
		if (!table[i].used)
			return i;
	return -1;
}

/* ---- The replica: what the agreement asks of it ---- */

static bool op_well_formed(const struct ns_op *op)
{
	static const uint8_t zero[sizeof(op->pad)];
	size_t n = strnlen(op->name, sizeof(op->name));

	if (n == 0 || n == sizeof(op->name) || op->core >= mesh_cores() ||
	    memcmp(op->pad, zero, sizeof(zero)))
		return false;
	for (size_t i = n; i < sizeof(op->name); i++)
		if (op->name[i])
			return false;		/* garbage after the NUL */
	return true;
}

/* Only for AGREE_OP_NS_REGISTER and AGREE_OP_NS_REMOVE (agreeview.c's
 * check refuses other kinds). */
err_t names_check(const void *p, unsigned len)
{
	struct ns_op op;
	int i;

	if (len != sizeof(op))
		return ERR_BAD_MESSAGE;
	memcpy(&op, p, sizeof(op));
	if (!op_well_formed(&op))
		return ERR_BAD_MESSAGE;
	i = find(op.name);
	if (op.kind == AGREE_OP_NS_REGISTER)
		return i >= 0 ? ERR_NAME_IN_USE : free_entry() < 0 ? ERR_TOO_MANY : OK;
	return i < 0 || table[i].core != op.core ? ERR_NOT_FOUND : OK;
}

/* Only what names_check said yes to, on every replica in the same order,
 * so the same checks hold here. */
void names_apply(const void *p, unsigned len)
{
	struct ns_op op;
	int i;

	if (names_check(p, len))
		return;		/* cannot happen: every replica voted yes */
	memcpy(&op, p, sizeof(op));
	if (op.kind == AGREE_OP_NS_REMOVE) {
		table[find(op.name)].used = false;
		return;
	}
	i = free_entry();
	table[i].used = true;
	memcpy(table[i].name, op.name, sizeof(op.name));
	table[i].core = op.core;
	table[i].value = op.value;
}

/* ---- This core's requests ---- */

static err_t change(unsigned kind, const char *name, uint64_t value)
{
	struct ns_op op = { .kind = (uint8_t)kind, .core = (uint8_t)me, .value = value };

	if (!names_valid(name))
		return ERR_BAD_MESSAGE;
	memcpy(op.name, name, strlen(name));
	return agreeview_change(&op, sizeof(op));
}

err_t names_register(const char *name, uint64_t value)
{
	return change(AGREE_OP_NS_REGISTER, name, value);
}

err_t names_remove(const char *name)
{
	return change(AGREE_OP_NS_REMOVE, name, 0);
}

err_t names_lookup(const char *name, unsigned *core, uint64_t *value)
{
	int i;

	if (!names_valid(name))
		return ERR_BAD_MESSAGE;
	if ((i = find(name)) < 0)
		return ERR_NOT_FOUND;
	*core = table[i].core;
	*value = table[i].value;
	return OK;
}

/* ---- Requests from processes (moncall.c; flotilla/monitor.h, "How a
 * name travels") ---- */

/* Names put by parts: a ticket names one. A process cannot be told from
 * another on its core by its requests, so the ticket is a handle, not a
 * right: what a process could do with another's staged name it can do
 * by putting the same name itself. */
static struct {
	uint64_t ticket;	/* 0: free */
	char name[NS_NAME_MAX + 1 + NS_PART_BYTES];
} staged[NS_STAGED];
static uint64_t last_ticket;

static err_t put_part(unsigned part, uint64_t ticket, const uint64_t bytes[2], uint64_t *r)
{
	unsigned i, oldest = 0;

	if (part * NS_PART_BYTES > NS_NAME_MAX)
		return ERR_INVALID_ARG;
	if (part == 0) {		/* a new name: a free place, else the oldest */
		for (i = 0; i < NS_STAGED && staged[i].ticket; i++)
			if (staged[i].ticket < staged[oldest].ticket)
				oldest = i;
		i = i < NS_STAGED ? i : oldest;
		memset(staged[i].name, 0, sizeof(staged[i].name));
		staged[i].ticket = ++last_ticket;
	} else {
		for (i = 0; i < NS_STAGED && (!ticket || staged[i].ticket != ticket); i++)
			;
		if (i == NS_STAGED)
			return ERR_INVALID_ARG;
	}
	memcpy(staged[i].name + part * NS_PART_BYTES, bytes, NS_PART_BYTES);
	r[1] = staged[i].ticket;
	return OK;
}

/* The name a request carries, into name[] (NUL-terminated; the
 * names_ functions check its length). */
static err_t request_name(const uint64_t *w, char name[NS_NAME_MAX + 2])
{
	memset(name, 0, NS_NAME_MAX + 2);
	if (!(MON_FLAGS(w[0]) & MON_NS_TICKET)) {
		if (MON_FLAGS(w[0]) || !names_well_formed(&w[1]))
			return ERR_BAD_MESSAGE;
		memcpy(name, &w[1], 2 * sizeof(w[1]));
		return OK;
	}
	for (unsigned i = 0; i < NS_STAGED; i++)
		if (w[1] && staged[i].ticket == w[1]) {
			memcpy(name, staged[i].name, NS_NAME_MAX + 1);
			staged[i].ticket = 0;	/* used once */
			return OK;
		}
	return ERR_INVALID_ARG;
}

err_t names_request(const uint64_t *w, uint64_t *r)
{
	char name[NS_NAME_MAX + 2];
	unsigned core = 0;
	err_t err = OK;

	if (MON_OP(w[0]) == MON_NS_PART)
		return put_part(MON_CORE(w[0]), w[1], &w[2], r);
	if ((MON_FLAGS(w[0]) & ~MON_NS_TICKET) || (err = request_name(w, name)))
		return err ? err : ERR_BAD_MESSAGE;
	switch (MON_OP(w[0])) {
	case MON_NS_REGISTER:
		return names_register(name, w[3]);
	case MON_NS_LOOKUP:
		err = names_lookup(name, &core, &r[2]);
		r[1] = core;
		return err;
	case MON_NS_REMOVE:
		return names_remove(name);
	}
	return ERR_BAD_MESSAGE;
}

/* ---- Another core's replica (ns_get) ---- */

struct got {
	unsigned core;
	uint64_t value, sent;
};

static err_t on_get(struct idl_binding *b, uint64_t id, const char *s)
{
	uint64_t value = 0, before = mesh_sent();
	unsigned core = 0;
	err_t err = names_lookup(s, &core, &value);

	return if_intermon_ns_get_r_send(b, id, err, core, value, mesh_sent() - before);
}

static err_t on_get_r(struct idl_binding *b, uint64_t id, err_t status, uint32_t core,
		      uint64_t value, uint64_t sent)
{
	struct mesh_ask *a = mesh_answer(b, IF_INTERMON_NS_GET_R, id, status);
	struct got *g;

	if (!a)
		return ERR_BAD_MESSAGE;
	g = a->out;
	g->core = core;
	g->value = value;
	g->sent = sent;
	return OK;
}

err_t names_lookup_on(unsigned on, const char *name, unsigned *core, uint64_t *value,
		      uint64_t *sent)
{
	struct got g = { .sent = ~0ull };	/* no answer: not "none sent" */
	struct mesh_ask a;
	err_t err;

	if (on == me) {
		uint64_t before = mesh_sent();

		err = names_lookup(name, core, value);
		*sent = mesh_sent() - before;
		return err;
	}
	if (!names_valid(name))
		return ERR_BAD_MESSAGE;
	if ((err = mesh_ask(&a, on, IF_INTERMON_NS_GET_R, &g)))
		return err;
	err = mesh_await(&a, if_intermon_ns_get_send(mesh_to(on), a.id, name));
	*sent = g.sent;		/* the answer's, whatever its status */
	if (!err) {
		*core = g.core;
		*value = g.value;
	}
	return err;
}

err_t names_init(unsigned core)
{
	me = core;
	mesh_handlers.ns_get = on_get;
	mesh_handlers.ns_get_r = on_get_r;
	return OK;
}
