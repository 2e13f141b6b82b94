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

err_t mon_console_read(char *buf, size_t size, size_t *n)
{
	uint64_t r[4];
	err_t err = call(MON_CONSOLE_READ, 0, 0, 0, 0, r);

	*n = 0;
	if (err)
		return err;
	if (r[1] > 2 * sizeof(r[0]) || r[1] > size)
		return ERR_BAD_MESSAGE;
	memcpy(buf, &r[2], r[1]);
	*n = r[1];
	return OK;
}

err_t mon_spawn(const char *prog, unsigned core, uint64_t arg, unsigned *pid)
{
	uint64_t n[2], r[4];
	err_t err = pack(prog, n);

	if (!err && !(err = call(MON_SPAWN, core, n[0], n[1], arg, r)))
		*pid = (unsigned)r[1];
	return err;
}

err_t mon_kill(unsigned core, unsigned pid)
{
	uint64_t r[4];

	return call(MON_KILL, core, pid, 0, 0, r);
}

err_t mon_ps(unsigned core, unsigned index, struct mon_proc *out)
{
	uint64_t r[4];
	err_t err = call(MON_PS, core, index, 0, 0, r);

	if (!err) {
		out->pid = (unsigned)r[1];
		out->state = (unsigned)(r[1] >> 32);
		memcpy(out->name, &r[2], 2 * sizeof(r[0]));
		out->name[NS_NAME_MAX + 1] = '\0';
	}
	return err;
}

err_t mon_mem(unsigned core, uint64_t *free, uint64_t *total)
{
	uint64_t r[4];
	err_t err = call(MON_MEM, core, 0, 0, 0, r);

	if (!err) {
		*free = r[1];
		*total = r[2];
	}
	return err;
}

err_t mon_poweroff(unsigned code)
{
	uint64_t r[4];

	return call(MON_POWEROFF, 0, code, 0, 0, r);
}
