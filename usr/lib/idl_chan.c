/*
 * The interface runtime over a bound channel (flotilla/idl_chan.h): the
 * hooks lib/idl_urpc.c leaves open, filled in for a process.
 */
#include <stddef.h>
#include <flotilla/caps.h>
#include <flotilla/idl_chan.h>
#include <flotilla/lmp.h>
#include <flotilla/sys.h>

/* uchan_send's patience with a full ring: yields, then ticks of sleep. */
#define SEND_YIELDS	100
#define SEND_TICK_NS	1000000ull
/* A wait with a timeout: yields this often before each sleep of a tick. */
#define TIMED_YIELDS		100
#define TIMED_SLEEP_NS		1000000ull	/* rounds up to the next tick */
#define TIMED_GAP_NS		500000000ull	/* longer between waits: a new one */

static struct idl_chan *of(struct idl_binding *b)
{
	return (struct idl_chan *)((char *)b->tp - offsetof(struct idl_chan, u));
}

/* After a whole message, and before waiting for room: the peer may be
 * asleep, with our message (or its room to make) waiting. */
static void ring(void *arg)
{
	struct idl_chan *ch = arg;

	ch->send_waits = 0;
	if (urpc_sender_must_wake(&ch->c.d.tx)) {
		ch->c.rings++;
		notify_ring(ch->c.peer_bell);
	}
}

static err_t put(void *arg, capaddr_t cap, bool give, uint64_t *token)
{
	struct idl_chan *ch = arg;
	err_t err;

	if (give && CADDR_L1(cap) != TASK_CN)
		return ERR_INVALID_ARG;		/* we could not delete it after */
	if ((err = mon_cap_put(ch->ctl, cap, token)))
		return err;
	return give ? cnode_delete(CPTR_TASKCN, CADDR_L2(cap)) : OK;
}

static err_t get(void *arg, uint64_t token, capaddr_t *cap)
{
	struct idl_chan *ch = arg;
	err_t err;

	if (ch->slot == IDL_CAP_NONE)
		return ERR_NO_SLOT;
	if ((err = mon_cap_get(ch->ctl, token, ch->slot)))
		return err;
	*cap = ch->slot;
	ch->slot = ch->next_slot ? ch->next_slot(ch->arg) : IDL_CAP_NONE;
	return OK;
}

static void drop(void *arg, capaddr_t cap)
{
	struct idl_chan *ch = arg;

	if (CADDR_L1(cap) != TASK_CN || cnode_delete(CPTR_TASKCN, CADDR_L2(cap)))
		return;
	if (ch->slot == IDL_CAP_NONE)
		ch->slot = cap;			/* empty again: offer it */
}

err_t idl_chan_open(struct idl_chan *ch, const struct mon_binding *b, capaddr_t frame,
		    capaddr_t ep, capaddr_t bell, capaddr_t ctl, capaddr_t slot)
{
	err_t err;

	*ch = (struct idl_chan){ .ctl = ctl, .slot = slot };
	if ((err = uchan_open_binding(&ch->c, b, frame, ep, bell)) ||
	    (err = idl_urpc_init(&ch->u, &ch->c.d.tx, &ch->c.d.rx)))
		return err;
	ch->caps = (struct idl_urpc_caps){ .put = put, .get = get, .drop = drop, .arg = ch };
	ch->u.caps = ctl == IDL_CAP_NONE ? NULL : &ch->caps;
	ch->u.notify = ring;
	ch->u.arg = ch;
	return OK;
}

/* A wait with a timeout: ERR_TIMEOUT once the peer has shown no
 * progress (a message to take, room made in its ring) for timeout_ns. A
 * wait that comes long after the last one begins anew: the time between
 * calls is not the peer's. */
static err_t wait_timed(struct idl_chan *ch)
{
	uint64_t now = sys_clock_ns();
	uint64_t progress = ch->c.d.rx.received + ch->c.d.tx.acked;

	if (progress != ch->progress || now - ch->last_wait > TIMED_GAP_NS) {
		ch->progress = progress;
		ch->quiet_since = now;
	}
	ch->last_wait = now;
	if (now - ch->quiet_since >= ch->timeout_ns)
		return ERR_TIMEOUT;
	if (++ch->polls < ch->c.polls) {
		__builtin_ia32_pause();
		return OK;
	}
	ch->polls = 0;
	if (++ch->yields < TIMED_YIELDS) {
		sys_yield();
		return OK;
	}
	ch->yields = 0;
	sys_sleep_until(now + TIMED_SLEEP_NS);
	return OK;
}

err_t idl_chan_wait(struct idl_binding *b, enum idl_wait why)
{
	struct idl_chan *ch = of(b);
	struct lmp_msg m;
	err_t err;

	if (ch->timeout_ns)
		return wait_timed(ch);
	if (why == IDL_WAIT_SEND) {
		/* The receiver drains the ring without ringing back. */
		if (++ch->send_waits < SEND_YIELDS)
			sys_yield();
		else
			sys_sleep_until(sys_clock_ns() + SEND_TICK_NS);
		return OK;
	}
	if (++ch->polls < ch->c.polls) {
		__builtin_ia32_pause();
		return OK;
	}
	ch->polls = 0;
	if (!urpc_receiver_sleep(&ch->c.d.rx))
		return OK;			/* it came as we went to sleep */
	ch->c.sleeps++;
	err = lmp_recv(ch->c.ep, 0, 0, &m);	/* the doorbell's notification */
	urpc_receiver_awake(&ch->c.d.rx);
	return err;
}
