/*
 * Blocking URPC channels between processes (flotilla/uchan.h): the
 * polling-then-sleeping receiver and the sender that rings only a sleeper.
 */
#include <flotilla/caps.h>
#include <flotilla/lmp.h>
#include <flotilla/monitor.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/uchan.h>

err_t uchan_open(struct uchan *c, void *mem, size_t bytes, unsigned nslots, unsigned side,
		 capaddr_t ep, capaddr_t peer_bell)
{
	c->ep = ep;
	c->peer_bell = peer_bell;
	c->sleeps = c->rings = 0;
	c->polls = UCHAN_POLLS;
	c->mem = NULL;			/* not mapped here: nothing to undo */
	return urpc_duplex_open(&c->d, mem, bytes, nslots, side);
}

err_t uchan_open_binding(struct uchan *c, const struct mon_binding *b, capaddr_t frame,
			 capaddr_t ep, capaddr_t bell)
{
	void *mem;
	err_t err = window_map_page(frame, &mem);

	if (err)
		return err;
	if ((err = uchan_open(c, mem, BIND_BYTES, b->nslots, b->side, ep, bell))) {
		window_unmap(frame, mem, BIND_BYTES / 4096);	/* nothing left behind */
		c->mem = NULL;
		return err;
	}
	c->mem = mem;			/* mapped here: uchan_close_binding undoes it */
	return OK;
}

err_t uchan_close_binding(struct uchan *c, capaddr_t frame)
{
	err_t err = OK;

	if (c->mem)
		err = window_unmap(frame, c->mem, BIND_BYTES / 4096);
	c->mem = NULL;
	if (CADDR_L1(frame) == TASK_CN)
		cnode_delete(CPTR_TASKCN, CADDR_L2(frame));
	return err;
}

err_t uchan_send(struct uchan *c, const uint64_t *w, unsigned n, uint32_t type)
{
	unsigned tries = 0;
	err_t err;

	while ((err = urpc_send(&c->d.tx, w, n, type)) == ERR_WOULD_BLOCK) {
		if (++tries < 100)
			sys_yield();
		else
			sys_sleep_until(sys_clock_ns() + 1000000);
	}
	if (err)
		return err;
	if (urpc_sender_must_wake(&c->d.tx)) {
		c->rings++;
		return notify_ring(c->peer_bell);
	}
	return OK;
}

err_t uchan_recv(struct uchan *c, uint64_t *w, unsigned *n, uint32_t *type)
{
	for (;;) {
		for (unsigned i = 0; i < c->polls || i == 0; i++) {	/* once at least */
			err_t err = urpc_recv(&c->d.rx, w, n, type);
			if (err != ERR_WOULD_BLOCK)
				return err;
			__builtin_ia32_pause();
		}
		if (!urpc_receiver_sleep(&c->d.rx))
			continue;		/* it came as we went to sleep */
		c->sleeps++;
		struct lmp_msg m;
		err_t err = lmp_recv(c->ep, 0, 0, &m);	/* the doorbell's notification */
		urpc_receiver_awake(&c->d.rx);
		if (err)
			return err;
	}
}
