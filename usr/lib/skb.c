/*
 * A client's end of the System Knowledge Base (flotilla/skb.h).
 */
#include <flotilla/caps.h>
#include <flotilla/skb.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>

#define EP(c)		((c)->slots)
#define FRAME(c)	((c)->slots + 1)
#define BELL(c)		((c)->slots + 2)
#define CTL(c)		((c)->slots + 3)

err_t skb_open(struct skb_client *c, capaddr_t slots, uint64_t wait_ns)
{
	uint64_t end = sys_clock_ns() + wait_ns;
	struct mon_binding b;
	err_t err;

	c->slots = slots;
	c->open = false;
	if (CADDR_L1(slots) != TASK_CN || CADDR_L2(slots) + 3 >= CNODE_L2_SLOTS)
		return ERR_INVALID_ARG;
	if ((err = ram_retype(CPTR_TASKCN, CADDR_L2(EP(c)), CAP_ENDPOINT, 0)))
		return err;
	/* The SKB starts before init; a process that comes first waits. */
	while ((err = mon_bind(SKB_NAME, EP(c), FRAME(c), BELL(c), &b)) == ERR_NOT_FOUND &&
	       sys_clock_ns() < end)
		sys_sleep_until(sys_clock_ns() + 5000000);
	if (err) {
		cnode_delete(CPTR_TASKCN, CADDR_L2(EP(c)));
		return err;
	}
	bool ctl = !(err = mon_binding_ctl(&b, EP(c), CTL(c)));
	if (!err &&
	    !(err = idl_chan_open(&c->ch, &b, FRAME(c), EP(c), BELL(c), IDL_CAP_NONE,
				  IDL_CAP_NONE)) &&
	    !(err = if_skb_init(&c->b, &idl_urpc_transport, &c->ch.u, idl_chan_wait))) {
		c->open = true;
		return OK;
	}
	/* Bound but not usable (no RAM to map the channel, say): undone, so
	 * that the next try finds its slots empty. Without the control
	 * endpoint the monitor keeps the binding until this process ends. */
	if (ctl)
		mon_unbind(CTL(c));
	uchan_close_binding(&c->ch.c, FRAME(c));	/* a mapped channel too */
	for (capaddr_t s = EP(c); s <= CTL(c); s++)
		cnode_delete(CPTR_TASKCN, CADDR_L2(s));
	return err;
}

err_t skb_close(struct skb_client *c)
{
	struct cap_info ep;
	err_t err, e;

	if (!c->open)
		return ERR_INVALID_ARG;
	c->open = false;
	/* All of it undone even if the SKB is gone (its close is not read,
	 * or times out with a timeout): the monitor's end, the page of the
	 * window, and the endpoint's RAM, so that skb_open can run again. */
	err = if_skb_close_send(&c->b.b);
	if ((e = mon_unbind(CTL(c))) && !err)
		err = e;
	if ((e = uchan_close_binding(&c->ch.c, FRAME(c))) && !err)
		err = e;
	cnode_delete(CPTR_TASKCN, CADDR_L2(BELL(c)));
	cnode_delete(CPTR_TASKCN, CADDR_L2(CTL(c)));
	bool have_ep = !cap_identify(EP(c), &ep);
	cnode_delete(CPTR_TASKCN, CADDR_L2(EP(c)));
	if (have_ep)
		ram_release(ep.base);	/* a copy the monitor still holds: ram_retype steps past it */
	return err;
}
