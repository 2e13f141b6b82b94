/*
 * What bind.c (exports, binds, capabilities over a channel) and
 * bindclose.c (closing a channel, and the ends of a process that dies)
 * share: the records of this core's services and channel ends, and the
 * layout of the BIND CNode. Private to the two (docs/binding.md).
 */
#ifndef USR_MONITOR_BIND_H
#define USR_MONITOR_BIND_H

#include <stdbool.h>
#include <stdint.h>
#include <flotilla/monitor.h>
#include "usr/monitor/monitor.h"

/* The BIND CNode: per binding its frame, its Notify capability for the
 * peer's doorbell and a copy of its owner's endpoint; per service a copy
 * of the exporter's endpoint; per doorbell the endpoint it notifies. The
 * copies of endpoints are how the monitor learns that their process died
 * (they go when its memory is taken back). */
/* Channel ends on this core: enough for a server with a client on every
 * core, its own included (two ends here), and a few more. */
#define BINDINGS		(MAX_MESH_CORES + 4)
#define SERVICES		16
#define B_FRAME(b)		(3 * (b))
#define B_BELL(b)		(3 * (b) + 1)
#define B_EP(b)			(3 * (b) + 2)
#define S_EP(s)			(3 * BINDINGS + (s))
#define BELL_EP(s)		(3 * BINDINGS + SERVICES + (s))
#define GIVE_SLOT		BELL_EP(NOTIFY_SLOTS)	/* what a reply gives, made for it */
#define SLOT(i)			CADDR(BIND_CN, (i))
/* The badge of end b's control endpoint: a tag, its generation, b. */
#define CTL_TAG			0xB1Cull
#define CTL_BADGE(b, gen)	(CTL_TAG << 48 | (uint64_t)(gen) << 8 | (b))
#define CTL_GEN(badge)		((uint32_t)((badge) >> 8))
#define CTL_END(badge)		((unsigned)((badge) & 0xFF))

struct service {
	bool used;
	char name[NS_NAME_MAX + 1];
	uint64_t ep;		/* the exporter's endpoint (its object's address) */
	unsigned bell;
};

struct binding {
	bool used;
	bool server;		/* the server's end, made by a client's BIND */
	bool accepted;		/* the server's end: MON_ACCEPT handed it out */
	unsigned svc;		/* the server's end: its service */
	uint64_t seq;		/* the server's end: arrival order */
	uint64_t ep;		/* the endpoint of the process holding this end */
	unsigned peer;		/* the other end's core */
	uint64_t chan;		/* the channel's frame's base: its name on both cores */
	uint64_t rcap;		/* the client's end, other core: the frame's rcap id */
	bool closed;		/* its process closed it (MON_UNBIND) */
	bool peer_closed;	/* the client's end: the server's end is gone */
	bool told;		/* the other end's core was told it closed */
	unsigned ngrants;
	uint64_t grants[BIND_GRANTS];	/* rcap ids the peer put, not yet fetched */
};

extern struct service services[SERVICES];
extern struct binding bindings[BINDINGS];
extern uint64_t bell_ep[NOTIFY_SLOTS];	/* the endpoint each doorbell notifies */
extern bool bell_used[NOTIFY_SLOTS];

/* bind.c: is the capability in BIND CNode slot i there (its process
 * alive)? Is the BIND CNode made? */
bool bind_alive(unsigned i);
bool bind_ready(void);
/* bindclose.c: MON_UNBIND of end i; the handlers of unbind, unbind_r and
 * end_closed, set by bindclose_init for this core. */
err_t bind_unbind(unsigned i);
void bindclose_init(unsigned core);

#endif
