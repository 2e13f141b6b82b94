/*
 * Asking this core's monitor (usr/lib/moncall.c): every process has, at
 * CPTR_MONITOR, a send-only endpoint (with the right to send
 * capabilities) to the monitor of its core (the
 * monitor mints it, and spawn copies it to every child, so grandchildren
 * have it too). Every operation below is a generated rpc of
 * if/moncall.if over the moncall transport (flotilla/idl_mcall.h;
 * docs/interfaces.md), but mon_call_raw and mon_call_cap: the packed
 * form, which the monitor still serves for every operation (for tests
 * and make bench's comparison). A packed request is one LMP call: w0 the
 * operation and, for
 * those that name one, a core (op | core << 8), w1..w3 its arguments; the
 * reply's w0 is the error and w1..w3 the results. A malformed request
 * (unknown operation, a name without its NUL) gets ERR_BAD_MESSAGE and
 * the monitor goes on serving.
 *
 * The name service maps a name (1..NS_NAME_MAX characters) to the core
 * it was registered from and a 64-bit value the registrant chooses (what
 * its clients need to reach it). Every core's monitor keeps a replica of
 * the table: a lookup is answered there without a message, and
 * registering and removing are agreed by all the monitors (docs/
 * agreement.md), so a name registered on any core is found from every
 * core, and two processes registering one name at once on two cores
 * cannot both succeed (the other gets ERR_NAME_IN_USE).
 *
 * How a name travels in a packed request (4 words; the ns_* functions
 * send it whole in if/moncall.if's rpcs instead): one of at most
 * NS_WORDS_NAME_MAX characters in w1..w2, NUL-padded. A longer one is
 * first put, 16 bytes at a time, with MON_NS_PART calls (part 0..3: w1 the
 * ticket the part-0 call's reply gave, 0 for part 0; w2..w3 bytes part *
 * 16.. of the name with its NUL); then the operation names it by w1 =
 * the ticket with MON_NS_TICKET in its flags (w0 bits 24..31). A monitor
 * holds NS_STAGED such names; the oldest is dropped for a new one, and
 * an operation naming a ticket it no longer holds is ERR_INVALID_ARG.
 */
#ifndef FLOTILLA_MONITOR_H
#define FLOTILLA_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kpi/caps.h>
#include <kpi/errors.h>

enum mon_op {
	MON_CORES = 1,		/* () -> w1 = how many cores the monitors span,
				 * w2 = the membership view's epoch, w3 = its
				 * members (bit i: core i) */
	MON_PING,		/* core: () -> w1 = URPC round trip to its monitor,
				 * in cycles (ERR_INVALID_ARG for this core) */
	MON_NS_REGISTER,	/* (name, name, value) -> ERR_NAME_IN_USE if taken */
	MON_NS_LOOKUP,		/* (name, name) -> w1 = core, w2 = value */
	MON_NS_REMOVE,		/* (name, name): only from the core that registered it */
	MON_CONSOLE_READ,	/* (max: 1..16 bytes, 0: 16) + the caller's PML4 -> w1 = n (0..max), w2..w3
				 * = n bytes typed at the console, oldest first;
				 * never waits. ERR_CONSOLE_BUSY: w1, w2 = the
				 * core and pid of the process that reads it */
	MON_SPAWN,		/* core: (name, name, arg) [+ a gift] -> w1 = its pid
				 * there, w2 its serial, w3 = a gift's id on that
				 * core (when it is not the caller's) */
	MON_KILL,		/* core: (pid): only what a monitor call started */
	MON_PS,			/* core: (index) -> w1 = pid | state << 32, w2..w3 =
				 * name; ERR_NOT_FOUND past the last */
	MON_MEM,		/* core: () -> w1 = free RAM, w2 = all RAM, in bytes,
				 * of that core's monitor */
	MON_POWEROFF,		/* (code 0..127, how): write out the console, power
				 * off (how 0) or reboot (how MON_POWEROFF_REBOOT);
				 * ERR_CAP_RIGHTS but for the shell (below) */
	/* Channels between processes (below): each call brings an endpoint. */
	MON_EXPORT,		/* (name, name) + endpoint -> w1 = service */
	MON_BIND,		/* (name, name) + endpoint -> w1 = binding, w2 = slots,
				 * w3 = the server's core; reply carries the frame */
	MON_ACCEPT,		/* (service) + endpoint -> as MON_BIND, w3 = the
				 * client's core; ERR_WOULD_BLOCK if none waits */
	MON_BIND_CAP,		/* (binding, which) + endpoint -> reply carries the
				 * Notify capability for the peer's doorbell
				 * (which 0) or the end's control endpoint
				 * (which BIND_CAP_CTL) */
	/* Spanning (below): each call brings the caller's PML4. */
	MON_SPAN,		/* core: (entry, stack, arg) + PML4 -> w1 = span */
	MON_SPAN_WAIT,		/* (span) + PML4 -> ERR_WOULD_BLOCK while it runs;
				 * then w1 = exit status, w2 = 1 if it faulted */
	MON_UNMAP,		/* (va, pages, shape) + PML4: unmap a range of a
				 * spanned space, with a TLB shootdown on its
				 * cores -> w1 = msgs | cross_node << 32, w2 =
				 * rounds | shape << 32, w3 = cores that flushed */
	/* Capabilities over a channel (below): sent on the end's control
	 * endpoint, not on CPTR_MONITOR. */
	MON_CAP_PUT,		/* () + Frame -> w1 = token */
	MON_CAP_GET,		/* (token) -> reply carries the Frame */
	MON_CAP_REVOKE,		/* (token) + Frame, on CPTR_MONITOR: the copies
				 * sent under token are deleted on every core */
	MON_UNBIND,		/* (), on an end's control endpoint: close it */
	MON_TRACE,		/* core: (MON_TRACE_SNAP, count) -> w1 = events kept,
				 * w2 = events lost; (MON_TRACE_PRINT) -> the
				 * snapshot on the console, w1 = events (docs/trace.md) */
	/* Supervision (below). */
	MON_WAIT,		/* core: (pid, serial) -> ERR_WOULD_BLOCK while it runs
				 * (w1 = when it last beat, 0: never); then w1 =
				 * exit status, w2 = MON_END_* */
	MON_STOP,		/* core: (pid, serial): its next beat says stop */
	MON_BEAT,		/* () + the caller's PML4 -> w1 = 1 if asked to stop */
	MON_NS_PART,		/* part: (ticket, 16 bytes of a name) -> w1 = ticket */
	MON_RAM_RETYPE,		/* (offset, bytes) + RAM of another core's share
				 * (with the write right) -> reply carries a Frame
				 * of `bytes` at `offset` into it, made by the
				 * RAM's owner core for this one (docs/urpc.md,
				 * "RAM"): ERR_RETYPE_OVERLAP if any core has one
				 * there; ERR_TOO_MANY past 16 of one RAM's at
				 * once; ERR_INVALID_ARG for RAM of this core's
				 * own given by hand (retype it yourself: the
				 * library's copy of it is refused first,
				 * ERR_CAP_NOT_COPYABLE) */
	MON_CONSOLE_OWNER,	/* () -> w1 = core, w2 = pid of the process that
				 * owns the console's input (core 0 keeps it);
				 * ERR_NOT_FOUND when none does */
};

/* MON_SPAWN's flags, in w0 bits 24..31 (the spawn rpc's `flags`; intermon's
 * fwd_spawn carries them):
 * the child's CPTR_MONITOR is the monitor's T_MONADMIN (only a caller
 * that holds that itself may ask); it gets 1 MiB of RAM instead of 256
 * KiB; it gets no RAM and no boot image (the monitors allocate on its
 * behalf); it gets 64 KiB of RAM and the boot image (the shell: enough to
 * bind a channel to the SKB, little where core 0 is short of memory);
 * it is the System Knowledge Base (MON_SPAWN_SKB: core 0's monitor gives
 * it a read-only copy of the facts it gathers, usr/skb/feed.h, at
 * CPTR_TASK_FIRST_FREE, 64 KiB of RAM and the boot image; only a caller
 * that holds T_MONADMIN may ask, only on core 0, and never with a
 * capability of its own: ERR_CAP_RIGHTS, ERR_UNSUPPORTED, ERR_INVALID_ARG);
 * it is the console service (MON_SPAWN_CONSOLE: core 0's monitor gives it
 * COM1's I/O ports at CPTR_TASK_FIRST_FREE and the ring of the bytes for
 * the wire after them, and writes the port through it until it ends,
 * docs/console.md; the same rules as the SKB's, and one at a time:
 * ERR_NAME_IN_USE). A MON_SPAWN that brings a capability gives it to the
 * child at CPTR_TASK_FIRST_FREE (to another core, a Frame only: below). */
/* MON_POWEROFF's `how`: reboot (POWER_REBOOT, docs/power.md). */
#define MON_POWEROFF_REBOOT	1
#define MON_FLAGS(w0)		((unsigned)(((w0) >> 24) & 0xFF))
#define MON_SPAWN_ADMIN		1u
#define MON_SPAWN_RAM_1M	2u
#define MON_SPAWN_BARE		4u
#define MON_SPAWN_RAM_64K	8u
#define MON_SPAWN_SKB		16u
#define MON_SPAWN_CONSOLE	32u
#define MON_SPAWN_FLAGS		(MON_SPAWN_ADMIN | MON_SPAWN_RAM_1M | MON_SPAWN_BARE | \
				 MON_SPAWN_RAM_64K | MON_SPAWN_SKB | MON_SPAWN_CONSOLE)

#define MON_OP(w0)		((unsigned)((w0) & 0xFF))
#define MON_CORE(w0)		((unsigned)(((w0) >> 8) & 0xFFFF))
#define NS_NAME_MAX		63	/* characters of a name, without its NUL */
#define NS_WORDS_NAME_MAX	15	/* a name in two words with its NUL: the
					   short form, exported services */
#define MON_PROG_NAME_MAX	31	/* a program's name, as the boot image's
					   (BOOTIMG_NAME_MAX with its NUL) */
#define NS_PART_BYTES		16	/* of a name, per MON_NS_PART */
#define NS_STAGED		16	/* names put by parts a monitor holds */
#define MON_NS_TICKET		1u	/* MON_FLAGS: w1 is a ticket (above) */

struct ns_entry {
	unsigned core;
	uint64_t value;
};

err_t mon_cores(unsigned *n);
/* The membership view of the caller's monitor: its epoch and members. */
err_t mon_view(uint32_t *epoch, uint64_t *members);
err_t mon_ping(unsigned core, uint64_t *cycles);
/* ERR_INVALID_ARG for an empty name or one longer than NS_NAME_MAX. Each
 * waits for the agreement but ns_lookup, which reads the caller's monitor's
 * replica: a name another core registered is there once the agreement's
 * decision has reached this core (at once, for the core that registered
 * it and for core 0, the coordinator). */
err_t ns_register(const char *name, uint64_t value);
err_t ns_lookup(const char *name, struct ns_entry *out);
err_t ns_remove(const char *name);

/* The console (core 0's monitor drives the UART; docs/console.md). Copies
 * at most `size` bytes typed at the console (8 at most a call) into buf
 * and their number into *n, 0 if none is waiting: it never waits, so a reader polls (the shell
 * looks every CONSOLE_POLL_NS). The input has one reader at a time: the
 * first process that reads owns it until it ends. Any other gets
 * ERR_CONSOLE_BUSY, and the owner's core and pid in *owner (if not NULL).
 * The call brings the caller's PML4 (CPTR_VROOT), by which the monitor
 * knows who asks; only a process a monitor started may read
 * (ERR_CAP_RIGHTS), since its monitor must hear of its end. */
#define CONSOLE_POLL_NS		(20ull * 1000 * 1000)
struct mon_reader {
	unsigned core, pid;
};
err_t mon_console_read(char *buf, size_t size, size_t *n, struct mon_reader *owner);

/* Processes on any core, through the monitors. A process is (core, pid),
 * pid being that core's monitor's index for it. mon_spawn starts
 * boot-image program `prog` (at most NS_WORDS_NAME_MAX characters) on `core`
 * with numeric argument `arg`; that core's monitor supervises it (its
 * faults and exit are reported on the console). mon_kill ends one that a
 * monitor call started (ERR_CAP_RIGHTS for the monitor's own, init, say).
 * mon_ps gives the index-th process (0, 1, ...) `core`'s monitor started:
 * ERR_NOT_FOUND after the last. */
struct mon_proc {
	unsigned pid;
	unsigned state;			/* DISP_STATE_* (kpi/caps.h) */
	char name[MON_PROG_NAME_MAX + 1];	/* NUL-terminated */
};
err_t mon_spawn(const char *prog, unsigned core, uint64_t arg, unsigned *pid);
err_t mon_kill(unsigned core, unsigned pid);
err_t mon_ps(unsigned core, unsigned index, struct mon_proc *out);
/*
 * Supervision through the monitors (docs/supervision.md): a supervisor
 * starts its children with mon_spawn_opts on any core and learns how
 * they end with mon_wait, which looks once: ERR_WOULD_BLOCK while the
 * child runs (and when it last beat, in its core's clock), then how it
 * ended. A process is (core, pid, serial): the serial tells an instance
 * from a later one that got the same pid; a record lasts until its pid
 * is used again (then ERR_NOT_FOUND). mon_stop asks a child to end: the
 * answer to its next mon_beat says so. A child that answers heartbeats
 * calls mon_beat at least as often as its supervisor wants.
 */
enum mon_end { MON_END_EXIT, MON_END_FAULT, MON_END_KILLED };
/*
 * A gift (give) lands in the child's CPTR_TASK_FIRST_FREE. On the
 * caller's core it may be any capability the caller may grant and copy;
 * to another core a Frame or RAM crosses (as rcap.c's copies,
 * docs/urpc.md). RAM of the caller's own core cannot be copied: it is
 * given, and leaves the caller (a refused gift comes back into its slot);
 * the child makes Frames of it with mon_ram_retype.
 * One the caller's core owns: its monitor sends it ahead, and the copy
 * there stays, and pins the memory, until the caller revokes it with
 * mon_cap_revoke and the id that comes back in *token (when token is not
 * NULL; MON_NO_TOKEN if none went) -- even when the spawn itself then
 * failed. One that came from another core: its owner's monitor sends it
 * on (relay), *token is MON_NO_TOKEN, and the copy goes when the owner
 * revokes it; a copy with fewer rights than the one that came gets
 * ERR_CAP_RIGHTS. Another type gets the error that says why
 * (ERR_CAP_CORE_BOUND for a Dispatcher).
 */
struct mon_spawn_opts {
	unsigned flags;		/* MON_SPAWN_* */
	capaddr_t give;		/* 0, or a capability for the child */
	uint64_t *token;	/* where a gift to another core's id goes (or NULL) */
};
#define MON_NO_TOKEN		UINT64_MAX	/* *token: no gift went to another core */
struct mon_ended {
	int status;		/* exit status; -1 for a fault or a kill */
	enum mon_end how;
	uint64_t beat_ns;	/* ERR_WOULD_BLOCK: its last beat, 0 if none */
};
err_t mon_spawn_opts(const char *prog, unsigned core, uint64_t arg,
		     const struct mon_spawn_opts *o, unsigned *pid, uint64_t *serial);
err_t mon_wait(unsigned core, unsigned pid, uint64_t serial, struct mon_ended *out);
err_t mon_stop(unsigned core, unsigned pid, uint64_t serial);
/* This process is alive; *stop: its supervisor asks it to end. Only a
 * process a request started (ERR_CAP_RIGHTS otherwise). */
err_t mon_beat(bool *stop);

/* RAM `core`'s monitor holds: not yet used (*free) and in all (*total). */
err_t mon_mem(unsigned core, uint64_t *free, uint64_t *total);
/* Writes out everything every core has printed, then powers the machine
 * off with `code` (0..127; QEMU exits with code * 2 + 1). Returns only
 * on an error: ERR_CAP_RIGHTS unless the caller's CPTR_MONITOR is the
 * one core 0's monitor gives the shell (a copy with another badge: the
 * monitor cannot tell processes apart otherwise). */
err_t mon_poweroff(unsigned code);
/* Reboots the machine (docs/power.md); returns only on an error (the
 * caller may not ask: ERR_CAP_RIGHTS). */
err_t mon_reboot(void);
/* The event trace (docs/trace.md): mon_trace_snap makes `core`'s monitor
 * keep the newest `count` (1..MON_TRACE_MAX) events of its kernel's ring
 * and of its own; mon_trace_print prints what it kept on the console.
 * ERR_UNSUPPORTED with trace=off; ERR_NOT_FOUND: print before a snapshot. */
#define MON_TRACE_SNAP		0
#define MON_TRACE_PRINT		1
#define MON_TRACE_MAX		4096
err_t mon_trace_snap(unsigned core, unsigned count, uint64_t *kept, uint64_t *lost);
err_t mon_trace_print(unsigned core, uint64_t *printed);
/* Any request as it is, for tests of malformed ones: w[0..3] in, reply
 * words out. */
err_t mon_call_raw(const uint64_t w[4], uint64_t reply[4]);
/* The same with capabilities: sends `cap` (0: none) and offers slot
 * `slot` (0: none) for one in the reply; the reply's LMP_INFO_CAP_ERR,
 * if any, in *cap_err. */
err_t mon_call_cap(const uint64_t w[4], capaddr_t cap, capaddr_t slot, uint64_t reply[4],
		   err_t *cap_err);

/*
 * Channels between processes on any cores, brokered by the monitors
 * (docs/binding.md). A server exports a name with an endpoint it
 * receives on (it needs the right to receive: ERR_CAP_RIGHTS otherwise);
 * its doorbell rings that endpoint whenever a client binds, and the
 * server takes each waiting client with mon_accept (oldest first;
 * ERR_WOULD_BLOCK when none waits). A client binds to the name from any
 * core with an endpoint of its own (ERR_NOT_FOUND: no such name, or its
 * exporter has died; ERR_NOT_EXPORTED: a name ns_register made). Each
 * side gets, in the slots it names, the channel's frame (BIND_BYTES, a
 * duplex channel of BIND_SLOTS slots each way, already empty) and a
 * Notify capability for the other side's doorbell (both slots in the
 * task CNode, empty); the side's own
 * doorbell notifies the endpoint it gave. uchan_open_binding (flotilla/
 * uchan.h) maps the frame and opens the channel. The client is side 0,
 * the server side 1.
 */
#define BIND_BYTES		4096
#define BIND_SLOTS		16	/* a power of two (lib/urpc.h) */
struct mon_binding {
	unsigned id;		/* this core's monitor's handle for this end */
	unsigned side;		/* 0: the client, 1: the server */
	unsigned nslots;
	unsigned peer_core;	/* the core the other end's monitor is on */
};
err_t mon_export(const char *name, capaddr_t ep, unsigned *service);
err_t mon_accept(unsigned service, capaddr_t ep, capaddr_t frame, capaddr_t bell,
		 struct mon_binding *out);
err_t mon_bind(const char *name, capaddr_t ep, capaddr_t frame, capaddr_t bell,
	       struct mon_binding *out);

/*
 * Capabilities over a channel (docs/binding.md). Shared memory cannot
 * carry a capability, so the monitors do: the sender puts it into the
 * channel and gets a token, a 64-bit word it writes into its message;
 * the receiver gets the capability for that token from its monitor. Both
 * ask on the end's control endpoint, a badged copy of the monitor's
 * endpoint that names the end (mon_binding_ctl: the holder of the end's
 * endpoint may fetch it; it is the proof that a request is the end's,
 * since a monitor cannot tell its processes apart). A token is good once
 * and only for the other end of the channel it was put into.
 *
 * Only Frame capabilities move between cores (as rcap.c's copies), and
 * only their owner core sends them: a Frame that itself came from
 * another core is ERR_CAP_NOT_OWNER, and an end whose peer is on the
 * same core is ERR_UNSUPPORTED (on one core, LMP carries capabilities:
 * flotilla/idl_lmp.h). What is put is a copy: the sender's stays, and
 * so does the owner's pin on the memory (its kernel refuses to revoke or
 * delete the memory under it, ERR_CAP_REMOTE) until mon_cap_revoke, by
 * a process holding a copy of the same Frame on the owner core, deletes
 * every copy on every other core. When a process dies, the copies of its
 * memory elsewhere are revoked before its memory is taken back.
 * ERR_TOO_MANY: the other end has BIND_GRANTS tokens it has not fetched.
 */
#define BIND_CAP_CTL		1
#define BIND_GRANTS		16
err_t mon_binding_ctl(const struct mon_binding *b, capaddr_t ep, capaddr_t slot);
err_t mon_cap_put(capaddr_t ctl, capaddr_t frame, uint64_t *token);
err_t mon_cap_get(capaddr_t ctl, uint64_t token, capaddr_t slot);
/* *cores (when not NULL): the cores whose copies were deleted, also when
 * some did not answer (ERR_TIMEOUT) or refused. */
/* mon_cap_revoke's authority: a Frame to the object, or RAM of the
 * caller's that holds its memory (RAM it gave away; it is brought to the
 * monitor and comes back in the reply). */
err_t mon_cap_revoke(capaddr_t frame, uint64_t token, uint64_t *cores);
/* MON_RAM_RETYPE: a Frame of `bytes` at `offset` into RAM `ram` that
 * another core gave this process (its kernel refuses to retype it here:
 * ERR_CAP_NOT_OWNER), made by that core's monitor, into empty slot
 * `slot` (not 0: ERR_INVALID_ARG). */
err_t mon_ram_retype(capaddr_t ram, uint64_t offset, uint64_t bytes, capaddr_t slot);

/*
 * Closing a channel: each end closes its own (mon_unbind on its control
 * endpoint), after which it must not touch the channel, and a request on
 * that control endpoint is ERR_NOT_FOUND. When the second end closes (or
 * the first closes after the other's process died), the monitors take
 * the channel back: every copy of its frame on both cores is deleted,
 * mappings with them, and its memory returns to the client's monitor;
 * both channel ends' records are free for new bindings. The server's
 * copy of the frame goes as soon as the server closes its end; the
 * client's, when the channel is taken back (its core owns the frame, and
 * the server's core holds a copy until then). Tokens not yet fetched at
 * a closed end are forgotten. The doorbell and control endpoint
 * capabilities the process holds stay (they name nothing any more):
 * delete them.
 */
err_t mon_unbind(capaddr_t ctl);

/*
 * Spanning (docs/span.md): a second dispatcher of this process on `core`
 * (any core, this one included), in this address space, running
 * fn(arg) on the stack [stack, stack + stack_bytes) (at least
 * SPAN_STACK_MIN bytes, 16-byte aligned, in memory the caller mapped);
 * fn's return value is its exit status. It shares every global with
 * the process: printf and system calls are safe, malloc and the thread
 * library are not (they belong to the main dispatcher). *id names it to
 * mon_span_wait, which looks once: ERR_WOULD_BLOCK while it runs, then
 * its status (faulted: -1 and *faulted true; its fault is reported by
 * its core's monitor) and the span is forgotten. While a span runs, this
 * process cannot unmap memory or map a new top-level table
 * (ERR_SPANNED); killing the process stops its spans first.
 */
#define SPAN_STACK_MIN		4096
err_t mon_span(unsigned core, int (*fn)(uint64_t), uint64_t arg, void *stack,
	       size_t stack_bytes, unsigned *id);
err_t mon_span_wait(unsigned id, int *status, bool *faulted);
/*
 * Unmaps [va, va + pages * 4 KiB) of this process's spanned address space
 * and returns when no core can reach those pages any more: this core's
 * kernel clears the entries and flushes them, and the monitors have every
 * core that runs a span of the process flush them too, in one run of a
 * TLB shootdown over a multicast tree of `shape` (MON_SHAPE_BEST, what
 * lib/mtree.h's mtree_best picks, or 1 + enum mtree_shape), before the
 * monitor answers. All the pages must be mapped, or none is unmapped.
 * The frames' capabilities keep stale mapping records: delete them (no
 * longer refused) or map copies. *out (may be NULL): what the run counted.
 * ERR_NOT_FOUND: the space is not spanned (unmap it yourself);
 * ERR_NOT_MAPPED: a page of the range is not mapped (nothing changed);
 * ERR_INVALID_ARG: va not page-aligned, pages 0 or more than
 * UNMAP_MAX_PAGES, no such shape; ERR_MAP_RANGE: outside user space;
 * ERR_TIMEOUT: a core did not answer, so the pages must not be reused.
 */
#define MON_SHAPE_BEST		0
struct mon_shootdown {
	unsigned shape;		/* enum mtree_shape the run used */
	unsigned msgs;		/* messages it sent, requests and answers */
	unsigned cross_node;	/* of those, between NUMA nodes */
	unsigned rounds;	/* message latencies on its critical path */
	uint64_t cores;		/* the cores that flushed (bit i: core i) */
};
err_t mon_unmap(const void *va, size_t pages, unsigned shape, struct mon_shootdown *out);

#endif
