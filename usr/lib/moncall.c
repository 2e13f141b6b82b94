/*
 * Requests to this core's monitor (flotilla/monitor.h): one LMP call each
 * on the endpoint at CPTR_MONITOR.
 */
#include <string.h>
#include <flotilla/lmp.h>
#include <flotilla/monitor.h>

err_t mon_call_raw(const uint64_t w[4], uint64_t reply[4])
{
	struct lmp_msg m;
	err_t err = lmp_call(CPTR_MONITOR, 0, 0, 0, w, &m);

	if (err)
		return err;
	memcpy(reply, m.w, 4 * sizeof(reply[0]));
	return (err_t)m.w[0];
}

static err_t call(unsigned op, unsigned core, uint64_t a1, uint64_t a2, uint64_t a3,
		  uint64_t reply[4])
{
	const uint64_t w[4] = { op | (uint64_t)core << 8, a1, a2, a3 };

	return mon_call_raw(w, reply);
}

err_t mon_cores(unsigned *n)
{
	uint64_t r[4];
	err_t err = call(MON_CORES, 0, 0, 0, 0, r);

	if (!err)
		*n = (unsigned)r[1];
	return err;
}

err_t mon_ping(unsigned core, uint64_t *cycles)
{
	uint64_t r[4];
	err_t err = call(MON_PING, core, 0, 0, 0, r);

	if (!err)
		*cycles = r[1];
	return err;
}

/* A name as two words, NUL-padded. */
static err_t pack(const char *name, uint64_t w[2])
{
	size_t len = strlen(name);

	if (len == 0 || len > NS_NAME_MAX)
		return ERR_INVALID_ARG;
	w[0] = w[1] = 0;
	memcpy(w, name, len);
	return OK;
}

err_t ns_register(const char *name, uint64_t value)
{
	uint64_t n[2], r[4];
	err_t err = pack(name, n);

	return err ? err : call(MON_NS_REGISTER, 0, n[0], n[1], value, r);
}

err_t ns_lookup(const char *name, struct ns_entry *out)
{
	uint64_t n[2], r[4];
	err_t err = pack(name, n);

	if (!err && !(err = call(MON_NS_LOOKUP, 0, n[0], n[1], 0, r))) {
		out->core = (unsigned)r[1];
		out->value = r[2];
	}
	return err;
}

err_t ns_remove(const char *name)
{
	uint64_t n[2], r[4];
	err_t err = pack(name, n);

	return err ? err : call(MON_NS_REMOVE, 0, n[0], n[1], 0, r);
}
