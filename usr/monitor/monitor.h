#ifndef USR_MONITOR_H
#define USR_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kpi/caps.h>
#include <kpi/errors.h>
#include "if_intermon.h"
#include <flotilla/monitor.h>	/* enum mon_end */
#include "lib/cmdline.h"	/* the command line's words: cmdline_find, cmdline_has */
#include "lib/mtree.h"	/* the shootdown's trees */
#include "usr/monitor/slots.h"	/* every slot the monitor uses */

struct proc;
/* The event trace (trace.c, docs/trace.md): this monitor's ring (NULL
 * with trace=off), set up before the mesh so that its channels record;
 * MON_TRACE's two operations. */
struct trace_ring;
err_t mtrace_init(unsigned core, const char *cmdline);
struct trace_ring *mtrace_ring(void);
err_t mtrace_request(uint64_t op, uint64_t count, uint64_t *r);
/* Default fault handling for children (supervise.c): make the endpoint;
 * handle one message (true if it was a fault and the process is gone);
 * serve until the endpoint fails. */
err_t supervisor_init(void);
struct lmp_msg;
bool supervisor_handle(const struct lmp_msg *m);
/* The next message on the fault endpoint that is not a notification (those
 * it handles itself: mesh_poll), blocking. */
err_t supervisor_recv(struct lmp_msg *m);
void supervisor_serve(void);
/* fn(pid) is called after a child of this monitor has exited or faulted
 * and has been destroyed (main.c restarts the shell with it). */
void supervisor_on_end(void (*fn)(unsigned pid));
/* A child's state (DISP_STATE_*); yields until it blocks, false if it
 * does not (proctest.c). wait_stopped is in flotilla/spawn.h. */
struct proc;
unsigned proc_state(const struct proc *p);
bool until_blocked(const struct proc *p);
/* init (initstart.c): starts it with the command line's init=SPECS (or
 * default_specs), -w first if `wait`, -skb with `skb` (it supervises the
 * SKB, where core 0 has a feed for one: skbfeed_on). init_wait waits for
 * its exit message, handling the other messages on the fault endpoint
 * meanwhile; returns its status. */
err_t init_start(const char *cmdline, bool wait, const char *default_specs, const char *shell,
		 bool skb, struct proc *out);
int init_wait(const struct proc *init);
/* The monitors' mesh (mesh.c): set up this core's channels and doorbell
 * (and join core 0); read every channel; core 0 only: wait until every
 * core has joined (returns how many are in), ping one (round trip in
 * *cycles). */
#define MAX_MESH_CORES		MESH_MAX_CORES	/* kpi/caps.h: as many as the kernel starts */
#define MESH_DOORBELL		0	/* the monitor's own doorbell slot */
err_t mesh_init(unsigned core);
void mesh_poll(void);
/* While on, this core's monitor says that it polls its rings (mesh_poll in
 * a loop), so that interface messages to it ring no doorbell: a shootdown's
 * root waiting for answers (shoot.c). Turn it off before blocking; a look
 * at the rings afterwards sees every message sent without a doorbell. */
void mesh_polling(bool on);
unsigned mesh_join_all(void);
bool mesh_joined(unsigned core);
err_t mesh_ping(unsigned core, uint64_t *cycles);
/*
 * What monitors say to each other: if/intermon.if, one binding per peer.
 * Each file that speaks it fills its fields of mesh_handlers in its init
 * (console_init before mesh_init, the others after); mesh_poll dispatches
 * with them. A handler learns the peer with mesh_peer(binding) and
 * answers on the binding it was given; it returns OK, or an error when
 * the message makes no sense, which mesh.c counts and reports (as it does
 * what the runtime refuses and what no handler takes). mesh_to(core) is
 * the binding to send to `core` on (one that says ERR_INVALID_ARG for
 * this core or one out of range). mesh_dropped(core) is how many
 * messages from `core` this monitor dropped; mesh_drops asks `core` how
 * many of this monitor's it dropped (tests).
 */
extern struct if_intermon_handlers mesh_handlers;
struct idl_binding *mesh_to(unsigned core);
unsigned mesh_peer(const struct idl_binding *b);
uint64_t mesh_dropped(unsigned core);
/* Messages this monitor has sent on the mesh, to every peer (names.c's
 * proof that a lookup sends none). */
uint64_t mesh_sent(void);
err_t mesh_drops(unsigned core, uint64_t *count);
/*
 * Raw URPC messages beside the interface, for make bench (meshbench.c),
 * which measures raw URPC on purpose, and for tests that play a peer
 * sending garbage. mesh_on routes message types first..last (>=
 * MESH_USER_TYPES and not fragments' (lib/idl.h); ranges may not
 * overlap) to fn, called from mesh_poll; fn returns OK, or an error when
 * the message is malformed, which mesh.c counts and reports. mesh_send
 * sends n words (<= URPC_MAX_WORDS) of any type to core `to` and rings
 * its doorbell. mesh_tx and mesh_rx give the raw channel ends (NULL for
 * this core or one out of range) for code that owns both ends for a
 * while, as make bench does; mesh_spare the unused bytes after channel
 * from->to's ring (shared by both cores, 64-byte aligned), *bytes long.
 */
#define MESH_USER_TYPES		0x100
#define MESH_HANDLERS		2
typedef err_t (*mesh_handler_t)(unsigned from, uint32_t type, const uint64_t *w, unsigned n);
err_t mesh_on(uint32_t first, uint32_t last, mesh_handler_t fn);
err_t mesh_send(unsigned to, uint32_t type, const uint64_t *w, unsigned n);
struct urpc_sender;
struct urpc_receiver;
struct urpc_sender *mesh_tx(unsigned to);
struct urpc_receiver *mesh_rx(unsigned from);
void *mesh_spare(unsigned from, unsigned to, size_t *bytes);
unsigned mesh_cores(void);
/* Serves the endpoint (faults, exits, notifications: mesh_poll) until
 * cond(arg) holds (true) or sys_clock_ns() passes deadline (false). It
 * looks every millisecond rather than blocking, so that it can give up. */
bool mesh_serve_until(bool (*cond)(unsigned), unsigned arg, uint64_t deadline);
/* How long a monitor waits for another core before it gives up: an
 * answer, a pong, every holder's mark_r, a remote process's exited. */
#define MESH_WAIT_NS		(20ull * 1000000000)
/*
 * A request and its answer. mesh_ask begins one to `core` (ERR_INVALID_ARG
 * for this core or one out of range; at most 4 nested: ERR_TOO_MANY):
 * a->id is a fresh id for the request, `answer` the message number of
 * its answer, `out` the asker's, for the answer's handler to fill. Then
 * the asker sends its request with a->id and passes what the send
 * returned to mesh_await, which serves the endpoint until the answer
 * comes (at most MESH_WAIT_NS: ERR_TIMEOUT) and returns the answer's
 * status. Every begun ask is awaited, innermost first. The handler of an
 * answer calls mesh_answer, which returns the ask it answers (the same
 * core, message and id, not answered yet; NULL: nobody asked, and the
 * handler refuses it) with its status set; the handler fills a->out.
 */
struct mesh_ask {
	uint64_t id;
	unsigned core, answer;
	bool answered;
	err_t status;
	void *out;
};
err_t mesh_ask(struct mesh_ask *a, unsigned core, unsigned answer, void *out);
err_t mesh_await(struct mesh_ask *a, err_t sent);
struct mesh_ask *mesh_answer(struct idl_binding *b, unsigned answer, uint64_t id, err_t status);
/* Tests (meshtest.c): mesh_inject sends core `core`, raw, the first
 * fragment of message num announcing `total` words and carrying w[0..n),
 * as a hostile peer might; mesh_dropped_more asks `core` how many of this
 * core's messages it has dropped, says whether that is *count + more, and
 * updates *count. */
err_t mesh_inject(unsigned core, unsigned num, unsigned total, const uint64_t *w, unsigned n);
bool mesh_dropped_more(unsigned core, uint64_t *count, unsigned more);
/* While on, mesh_serve_until reads only the channels, not the endpoint:
 * a monitor answering a process's call (moncall.c) must reply to it
 * before it receives anything else there. */
void mesh_rings_only(bool on);

/* Processes on other cores (remote.c): spawn, info, kill and exited of
 * if/intermon.if. A process is (core, pid); `bell` is the doorbell slot, on its
 * core, of the endpoint it was given. The gifts of a remote spawn, in the
 * child's task CNode from CPTR_TASK_FIRST_FREE: that endpoint; a copy of
 * the requester's Frame capability frame_cap (if frame), sent ahead with
 * rcap_copy and named by rproc.frame (set even if the spawn then fails),
 * which the requester revokes when it is done with it (rcap_revoke); a Notify capability for doorbell
 * bell_slot of bell_core (if bell). */
/* The RAM a monitor gives a program it starts for someone else (remote.c,
 * MON_SPAWN): enough to make endpoints and map channels. */
#define SPAWNED_RAM		(256 << 10)
struct rcap {
	unsigned owner;
	uint64_t id;
};
struct rproc {
	unsigned core, pid, bell;
	struct rcap frame;
};
struct remote_gifts {
	bool frame;
	capaddr_t frame_cap;
	const struct rcap *object;	/* instead of frame_cap: an object this core
					 * anchors already (rcap_send), e.g. RAM it gave */
	bool bell;
	unsigned bell_core, bell_slot;
};
err_t remote_init(void);
err_t remote_spawn(unsigned core, const char *name, uint64_t arg, const struct remote_gifts *g,
		   struct rproc *out);
struct disp_info;
err_t remote_info(const struct rproc *p, struct disp_info *out);
err_t remote_kill(const struct rproc *p);
/* Waits for the exited message of p: its exit status, or that it faulted.
 * remote_ended: has it come (a look, no wait)? */
err_t remote_wait(const struct rproc *p, int *status, bool *faulted);
bool remote_ended(const struct rproc *p);
/* supervise.c: child pid of this monitor ended; if another core started
 * it, tells that core, destroys it (*kill_err) and returns true. */
bool remote_child_ended(unsigned pid, int status, bool faulted, err_t *kill_err);
/*
 * Capabilities across cores (rcap.c): import, has, mark and relay of
 * if/intermon.if. A Frame capability sent to another core is named there by its
 * owner core and an id, and the id names the owner too (RCAP_OWNER), so a
 * process can pass it on alone. rcap_copy sends a copy of the frame at `cap` to
 * core `to` (for a type that cannot cross, cap_type_crosses's error,
 * kpi/caps.h). If `cap` is itself a copy of an import, the owner sends
 * it on (relay; ERR_CAP_RIGHTS if it has fewer rights than the import,
 * ERR_CAP_NOT_OWNER to the owner's own core), and *out names the owner's
 * object; rcap_move does the same and then deletes slot `slot` of CNode `cn`, which is
 * `cap`. rcap_revoke, on the owner, deletes every copy of r's object on
 * every other core, then lets the owner delete and revoke it again
 * (until then its kernel answers ERR_CAP_REMOTE). rcap_probe asks `core`
 * whether it holds r (OK or ERR_NOT_FOUND). rcap_get, on a holder,
 * copies its import of r into slot `slot` of CNode `cn`, if core `from`
 * may name it (the owner, or a core that relayed it here; this core for
 * a name it checked before; else ERR_CAP_RIGHTS).
 * rcap_import_raw sends an IMPORT with token t, and rcap_relay_raw a
 * RELAY, as a confused or hostile peer might (tests).
 */
#define RCAP_OWNER(id)		((unsigned)((id) >> 8 & 0xFF))
err_t rcap_init(unsigned core);
err_t rcap_copy(capaddr_t cap, unsigned to, struct rcap *out);
err_t rcap_move(capaddr_t cn, uint64_t slot, capaddr_t cap, unsigned to, struct rcap *out);
err_t rcap_revoke(const struct rcap *r);
err_t rcap_probe(unsigned core, const struct rcap *r);
err_t rcap_get(const struct rcap *r, unsigned from, capaddr_t cn, uint64_t slot);
/* rcap_offer: OK if this core holds an import of r that core `from` may
 * name (ERR_NOT_FOUND, ERR_CAP_RIGHTS), which is then kept, not given
 * back, until rcap_unoffer (a grant fetched or forgotten: bind.c).
 * rcap_revoke_request serves MON_CAP_REVOKE (w[1] the id; the Frame that
 * proves the right to revoke it at T_MONCAP; r[1]: the cores it was sent
 * to that hold no copy now). rcap_revoke_within revokes
 * every object of this core's sent to others whose memory lies in
 * [base, base + size) (a process's, before it is taken back). */
err_t rcap_offer(const struct rcap *r, unsigned from);
void rcap_unoffer(const struct rcap *r);
err_t rcap_revoke_request(const uint64_t *w, bool has_cap, uint64_t *r);
err_t rcap_revoke_within(uint64_t base, uint64_t size);
err_t rcap_import_raw(unsigned to, uint64_t id, const struct frame_token *t);
/* RAM across cores (rcap.c): rcap_move takes RAM into its anchor (it is
 * given, never copied: rcap_copy of it is ERR_CAP_NOT_COPYABLE), and the
 * holders' kernels refuse to retype their imports (ERR_CAP_NOT_OWNER).
 * rcap_retype, on a holder of RAM r, asks its owner for a Frame of
 * `bytes` at `offset` into it (ERR_RETYPE_OVERLAP if any core has one
 * there already), and puts a copy of its import at slot `slot` of CNode
 * `cn`; *frame names it. rcap_send, on the owner, sends object r, which
 * it anchors, to core `to` (moved RAM leaves no capability to copy). */
err_t rcap_retype(const struct rcap *r, uint64_t offset, uint64_t bytes, capaddr_t cn,
		  uint64_t slot, struct rcap *frame);
err_t rcap_send(const struct rcap *r, unsigned to);
/* rcap_revoke of RAM r that this core's monitor took from slot `slot` of
 * CNode `cn` (a spawn's gift that then failed), which goes back there
 * rather than being deleted: OK, or the revoke's error (ERR_CAP_REMOTE:
 * a Frame made from it is pinned; the RAM stays anchored and r names it). */
err_t rcap_take_back(const struct rcap *r, capaddr_t cn, uint64_t slot);
/* rcap_keep(r, true) keeps r's anchor, on its owner, from going when its
 * holders give it back, until rcap_keep(r, false): what a spawn's gift
 * needs while the spawn may still fail (and the RAM come back). */
void rcap_keep(const struct rcap *r, bool on);
/* RETYPE as it is, unchecked here (tests play a peer that holds nothing):
 * the owner's answer, and the Frame's id in *frame. */
err_t rcap_retype_raw(unsigned owner, uint64_t id, uint64_t offset, uint64_t bytes,
		      uint64_t *frame);
/* MON_RAM_RETYPE (w[1] offset, w[2] bytes; the RAM at T_MONCAP): the
 * Frame is at *give for the reply. */
err_t rcap_retype_request(const uint64_t *w, bool has_cap, capaddr_t *give);
/* Is the capability at `cap` RAM of this core's own (no import's copy)? */
bool rcap_own_ram(capaddr_t cap);
err_t rcap_relay_raw(unsigned owner, uint64_t id, unsigned to);
/* Giving back (rcap.c): rcap_process_ending(true) when a process is
 * about to be destroyed, (false) when proc_ending is done; the next
 * rcap_collect after that (none runs in between) sends UNHELD for each
 * import of which no process here holds a copy any more, and lets go of
 * each anchor no core holds whose object no process here names.
 * rcap_collect_soon: something else may have let go (a failed spawn). */
void rcap_process_ending(bool begins);
void rcap_collect_soon(void);
void rcap_collect(void);
struct rcap rcap_named(uint64_t id);
/* The name service (names.c, docs/agreement.md): a replica in every
 * monitor, changed by agreement (agreeview.c). A name is a string of
 * 1..NS_NAME_MAX characters; another is ERR_BAD_MESSAGE. Register and
 * remove wait for the agreement; a lookup reads this replica and sends
 * nothing. names_lookup_on asks core `on` for its replica's answer, and
 * how many mesh messages that core sent for it (*sent, also with an
 * error the replica answered; ~0 when none answered). */
err_t names_init(unsigned core);
err_t names_register(const char *name, uint64_t value);
err_t names_lookup(const char *name, unsigned *core, uint64_t *value);
err_t names_remove(const char *name);
err_t names_lookup_on(unsigned on, const char *name, unsigned *core, uint64_t *value,
		      uint64_t *sent);
bool names_valid(const char *name);
/* A process's request: MON_NS_REGISTER, _LOOKUP, _REMOVE, _PART. */
err_t names_request(const uint64_t *w, uint64_t *r);
/* One operation of the name service, as the agreement carries it. */
struct ns_op {
	uint8_t kind;		/* AGREE_OP_NS_REGISTER or AGREE_OP_NS_REMOVE */
	uint8_t core;		/* the core that asks: the name's owner */
	uint8_t pad[6];
	uint64_t value;		/* register */
	char name[NS_NAME_MAX + 1];	/* NUL-terminated, zeroes after the NUL */
};
/* The replica's side of the agreement (agreeview.c calls them). */
err_t names_check(const void *op, unsigned len);
void names_apply(const void *op, unsigned len);
/* Two words holding 1..NS_WORDS_NAME_MAX characters, NUL-padded: how
 * requests carry short names (program names, exported services, and
 * the name service's short form). */
bool names_well_formed(const uint64_t name[2]);
/* ... and such a name as a string in out; false if it is not one. */
bool names_from_words(const uint64_t name[2], char out[2 * sizeof(uint64_t)]);
/*
 * The console service (console.c, docs/console.md): text and sync of
 * if/intermon.if. console_init sets their handlers (before
 * mesh_init, so that no early line is dropped); console_take hands this
 * core's console to the monitor (its kernel then prints into its log);
 * console_serve, core 0 only, once every core has taken its own, starts
 * the UART driver and takes core 0's; console_pump sends what the log
 * holds on (called on every doorbell and after every printf of the
 * monitor); console_sync, core 0, writes out everything every core has
 * printed (before a power-off). console_listen, core 0, starts the UART
 * driver for input only, where the kernels still write the console
 * (a core's monitor never joined).
 *
 * Input has one owner at a time (console.c's comment). console_reader,
 * on the requester's core, finds the child whose PML4 a console read
 * brought (at cap; ERR_CAP_RIGHTS: none) and remembers that it asked;
 * console_read_for, core 0, reads (at most max bytes, 0: 16) for process (core, pid) named by its
 * PML4's base: ERR_CONSOLE_BUSY (r[1], r[2]: the owner's core and pid)
 * when another owns the input, ERR_UNSUPPORTED while the UART is not
 * read; console_proc_ending (supervise.c) passes the input on when its
 * owner ends. console_owner, core 0: who owns it (tests).
 */
#define CONSOLE_LINE_MAX	1024
err_t console_init(unsigned core);
err_t console_take(void);
err_t console_listen(void);
err_t console_serve(void);
void console_pump(void);
void console_sync(void);
struct proc;
err_t console_reader(capaddr_t cap, uint64_t *vroot, unsigned *pid);
err_t console_read_for(unsigned core, unsigned pid, uint64_t vroot, unsigned max, uint64_t *r);
/* A console read for the caller whose PML4 is at cap (0: none), of at
 * most max bytes (0: 16): found on this core, read on core 0. */
err_t moncall_console_read(capaddr_t cap, unsigned max, uint64_t r[4]);
/* A spawn of program `name` (1 to MON_PROG_NAME_MAX characters) on core
 * `core` with flags MON_SPAWN_* and argument arg, with the gift at cap
 * (0: none), from a caller with the admin endpoint or not: r[1] pid, r[2]
 * serial, r[3] the gift's id on another core or MON_NO_TOKEN. */
struct mon_spawn_req {
	unsigned core, flags;
	const char *name;
	uint64_t arg;
};
err_t moncall_spawn(const struct mon_spawn_req *q, bool admin, capaddr_t gift, uint64_t r[4]);
/* The index-th process `core`'s monitor started (a child, then a span):
 * its pid, state (DISP_STATE_*) and whole name; ERR_NOT_FOUND past the
 * last. */
err_t moncall_ps(unsigned core, unsigned index, unsigned *pid, unsigned *state,
		 char name[MON_PROG_NAME_MAX + 1]);
void console_proc_ending(const struct proc *p);
/* Core 0: bytes straight to the serial port (the driver, or the kernel's
 * path before console_serve); whether console_serve has run. */
void console_wire(const char *s, size_t n);
bool console_serving(void);

/*
 * The console service (consvc.c, docs/console.md): consvc_spawn_opts
 * fills a MON_SPAWN_CONSOLE spawn's options (ERR_UNSUPPORTED off core 0
 * or before console_serve, ERR_NAME_IN_USE while one is attached or
 * starting, ERR_INVALID_ARG with a gift), consvc_spawned attaches the
 * child (or cleans up after a failed spawn); consvc_put puts what it can
 * of s[0..n) into the ring while one is attached (the rest is the
 * caller's to write); consvc_drain waits, bounded, until the service
 * has written everything out (before a power-off); consvc_proc_ending
 * (supervise.c) takes the wire back when its process ends.
 */
struct spawn_opts;
err_t consvc_spawn_opts(struct spawn_opts *o, bool gift);
void consvc_spawned(err_t err, unsigned pid);
size_t consvc_put(const char *s, size_t n);
void consvc_drain(void);
void consvc_proc_ending(const struct proc *p);
bool consvc_attached(unsigned *pid);
/* Says why the service was detached, if that is not said yet: between
 * lines (console.c's text_in), never in the middle of one. */
void consvc_report(void);
/* Has core 0's monitor the RAM for a console service beside the shell?
 * (It says so when it has not.) Is the Frame at physical base the
 * ring's (which never leaves core 0: rcap_copy refuses it)? */
bool consvc_room(void);
bool consvc_is_ring(uint64_t base);
/* Kills a process a request started, as MON_KILL does (its supervisor
 * sees it killed): the console service that stopped draining its ring. */
err_t moncall_kill(unsigned pid);
bool console_owner(unsigned *core, unsigned *pid);
/*
 * The console's screen and keyboard, core 0 (screen.c, kbd.c): screen_take
 * takes the screen from the kernel (ERR_UNSUPPORTED: there is none) and
 * screen_write draws what the console writes; kbd_init finds the i8042
 * (ERR_UNSUPPORTED: none) and kbd_poll reads what was typed at it, up to
 * size bytes (the bytes a shell reads).
 */
err_t screen_take(void);
void screen_write(const char *s, size_t n);
bool screen_geometry(unsigned *cols, unsigned *rows);
err_t kbd_init(void);
size_t kbd_poll(char *buf, size_t size);
/* console_sync, then with a verdict (code != 0) the test kernel's exit,
 * POWER_TEST_EXIT(code), and then, or with code 0, POWER_OFF
 * (docs/power.md). Returns only if the machine stays on:
 * ERR_UNSUPPORTED, once the kernel's reason is on the console. */
err_t monitor_poweroff(unsigned code);
/* console_sync, then POWER_REBOOT: returns only with an error
 * from the kernel (the kernel itself halts if no way of resetting works). */
err_t monitor_reboot(void);

/*
 * Channels between processes, brokered by the monitors (bind.c,
 * docs/binding.md): bind of if/intermon.if. moncall.c
 * passes bind_request the requests MON_EXPORT, MON_BIND, MON_ACCEPT and
 * MON_BIND_CAP with whether the call brought a capability (it is at
 * T_MONCAP, which the monitor's receives offer as their slot and empty
 * after every message); a capability to send back with the reply is
 * named in *give. Doorbells of this core from FIRST_BELL on are handed
 * out by bell_alloc (-1 when none is free) to remote.c and bind.c.
 */
#define FIRST_BELL		8	/* doorbells 0..7: the monitor's own and tests' */
err_t bind_init(unsigned core);
err_t bind_request(const uint64_t *w, bool has_cap, uint64_t *r, capaddr_t *give);
/* The export and bind rpcs' (mcall.c), a name of 1 to NS_NAME_MAX
 * characters, the endpoint at T_MONCAP if has_cap: as MON_EXPORT's and
 * MON_BIND's answers (flotilla/monitor.h). */
err_t bind_export(const char *name, bool has_cap, uint64_t *r);
err_t bind_connect(const char *name, bool has_cap, uint64_t *r, capaddr_t *give);
/* Requests on a channel end's control endpoint (MON_CAP_PUT,
 * MON_CAP_GET), told by their badge. */
bool bind_is_ctl(uint64_t badge);
/* The two questions one end's monitor asks the other's (also for the
 * tests, which play a peer): file rcap id `rcap` under `core`'s end of
 * channel `chan` (grant); the end here of channel chan closed (unbind:
 * *closed says whether that end is done too). */
err_t bind_ask_grant(unsigned core, uint64_t chan, uint64_t rcap);
err_t bind_ask_unbind(unsigned core, uint64_t chan, bool *closed);
/* Closes the channel ends of a process that is being destroyed, its
 * memory [base, base + size) (supervise.c's proc_ending). */
void bind_proc_ending(uint64_t base, uint64_t size);
err_t bind_ctl_request(uint64_t badge, const uint64_t *w, bool has_cap, uint64_t *r,
		       capaddr_t *give);
/* Is `give` (a reply's capability from bind_request or bind_ctl_request)
 * made for that reply alone, so that the reply moves it? bind_reply_slot
 * empties that slot for another request's reply (rcap.c) and names it:
 * slot *slot of CNode *cn, at *at. */
bool bind_gives_away(capaddr_t give);
err_t bind_reply_slot(capaddr_t *cn, uint64_t *slot, capaddr_t *at);
int bell_alloc(void);
void bell_free(unsigned bell);
/* Receives on the monitor's endpoint (flags: LMP_NONBLOCK or 0), a
 * capability a process sent landing at T_MONCAP (supervise.c). */
err_t monitor_recv(unsigned flags, struct lmp_msg *m);

/*
 * Spanning a process over cores (span.c, docs/span.md): span, span_stop,
 * span_ended, shoot and shot of if/intermon.if. moncall.c passes span_request MON_SPAN,
 * MON_SPAN_WAIT and MON_UNMAP (the PML4 they bring is at T_MONCAP);
 * supervise.c passes
 * every message to span_dispatcher_message first, which takes the exits
 * and faults of the span dispatchers this core runs (true).
 * span_proc_ending stops every span of process p (supervise.c's
 * proc_ending, before proc_kill destroys it); an error keeps p.
 */
err_t span_init(unsigned core);
err_t span_request(const uint64_t *w, bool has_cap, uint64_t *r);
bool span_dispatcher_message(const struct lmp_msg *m);
err_t span_proc_ending(const struct proc *p);
/* Flushes [va, va + pages) from this core's replicas of owner core
 * `owner`'s space vroot (the spans it runs of it), for shoot.c. */
err_t span_flush_replicas(unsigned owner, uint64_t vroot, uint64_t va, uint32_t pages);

/*
 * The TLB shootdown over a multicast tree (shoot.c, docs/span.md):
 * shoot_run has every core of `members` (this one added) flush [va, va +
 * pages) of the space vroot, over the tree of `shape` (enum mtree_shape,
 * or -1: mtree_best's), and says what the run counted. ERR_TIMEOUT: some
 * core did not answer or did not flush. shoot_topo: the facts the trees
 * are built from.
 */
struct shoot_counts {
	unsigned shape, msgs, cross_node, rounds;
	uint64_t reached;	/* the cores that flushed */
};
err_t shoot_init(unsigned core);
err_t shoot_run(uint64_t vroot, uint64_t va, uint32_t pages, uint64_t members, int shape,
		struct shoot_counts *out);
const struct mtree_topo *shoot_topo(void);
/*
 * The SKB's facts for the trees (shoot.c's header says how they travel):
 * core 0's monitor works them out (skbfeed.c), takes them itself with
 * shoot_set_facts (ERR_INVALID_ARG: facts that make no tree, or fewer
 * cores than the kernel knows) and gives them to another core's monitor
 * with shoot_give_facts. shoot_tree_facts: the facts this core's trees
 * over `members` are built from now, and the message costs its best shape
 * is chosen by (*timing NULL: the paper's); the kernel's until the SKB's
 * came.
 */
struct shoot_facts {
	struct mtree_topo topo;
	struct mtree_timing timing;
};
_Static_assert(sizeof(struct shoot_facts) == 416, "if/intermon.if's shoot_facts carries one");
err_t shoot_set_facts(const struct shoot_facts *f);
err_t shoot_give_facts(unsigned core, const struct shoot_facts *f);
const struct mtree_topo *shoot_tree_facts(uint64_t members, const struct mtree_timing **timing);

/* The index-th span dispatcher this core runs (for MON_PS): its pid
 * (SPAN_PID_FIRST + its index here), name ("span OWNER.ID") and state. */
#define SPAN_PID_FIRST		100
bool span_at(unsigned index, unsigned *pid, char *name, size_t size, unsigned *state);

/*
 * What the System Knowledge Base is told (skbfeed.c, docs/skb.md):
 * skb_cpu, skb_rtt_go and skb_rtt_row of if/intermon.if. skbfeed_init,
 * before mesh_init, sets their handlers and, on core 0, makes the frame
 * (if core 0 has the RAM for an SKB: SKB_NEEDS_FREE)
 * the SKB reads (the kernel's record and core 0's CPUID in it);
 * skbfeed_report, after mesh_init, sends this core's CPUID to core 0;
 * skbfeed_rtt records core 0's round trip to core `to`; skbfeed_measure,
 * core 0, has every other core measure its round trips, one core after
 * another, without waiting for them; skbfeed_measured (for
 * mesh_serve_until) is true once they are all in or none is measuring,
 * and then the shootdown's facts have gone to every monitor (shoot.c).
 * The SKB's process is init's to
 * start and restart (usr/init): skbfeed_spawn_opts adds to a MON_SPAWN
 * with MON_SPAWN_SKB (a capability the request brought: `gift`) what
 * the SKB gets.
 */
err_t skbfeed_init(unsigned core);
/* Core 0: is there a feed (and so an SKB to start)? */
bool skbfeed_on(void);
err_t skbfeed_report(unsigned core);
void skbfeed_rtt(unsigned to, uint64_t cycles);
err_t skbfeed_measure(void);
bool skbfeed_measured(unsigned unused);
struct spawn_opts;
err_t skbfeed_spawn_opts(struct spawn_opts *o, bool gift);

/* Requests from this core's processes (moncall.c): mint CPTR_MONITOR;
 * is m one; answer it. Those for another core go there as fwd
 * (if/intermon.if). */
err_t moncall_init(unsigned core);
/* A CNode of task_slot's, of `slots` slots, at level-1 slot `level` of
 * the monitor's CSpace, made once (*ready). */
err_t monitor_cnode(bool *ready, capaddr_t task_slot, unsigned level, unsigned slots);
/* The capability a request brought (at T_MONCAP) must be of `type` with
 * at least `rights`: its object's base in *base; ERR_CAP_EMPTY,
 * ERR_CAP_WRONG_TYPE, ERR_CAP_RIGHTS otherwise. */
err_t monitor_request_cap(bool has_cap, unsigned type, unsigned rights, uint64_t *base);
/* The same for the capability at cap (0: none; mcall.c's conversations
 * keep theirs in slots of their own). */
err_t monitor_cap_at(capaddr_t cap, unsigned type, unsigned rights, uint64_t *base);
/* supervise.c: child pid ended, whoever started it. */
void moncall_child_ended(unsigned pid, int status, bool faulted);
/* What became of the processes requests started (procwait.c): a new one
 * at pid (its serial), is it one, it ended; MON_WAIT, MON_STOP, MON_BEAT. */
uint64_t procwait_started(unsigned pid);
bool procwait_by_request(unsigned pid);
void procwait_ended(unsigned pid, int status, enum mon_end how);
err_t procwait_wait(uint64_t pid, uint64_t serial, uint64_t *r);
err_t procwait_stop(uint64_t pid, uint64_t serial);
err_t procwait_beat(bool has_cap, uint64_t *r);
/* MON_BEAT for the caller whose PML4 is at cap (0: none): *stop. */
err_t procwait_beat_at(capaddr_t cap, bool *stop);
bool moncall_is_request(const struct lmp_msg *m);
/* spawn_program_opts (flotilla/spawn.h), and a CPTR_MONITOR with a badge
 * of the child's own unless o->monitor_ep names one (moncall.c). */
struct spawn_opts;
err_t moncall_spawn_program(const char *name, uint64_t arg, struct spawn_opts *o,
			    struct proc *out);
/* A send-only copy of this monitor's endpoint, with a badge of its own,
 * at (cn, slot): a CPTR_MONITOR for one process or span dispatcher. */
err_t moncall_mint_ep(capaddr_t cn, uint64_t slot);
void moncall_handle(const struct lmp_msg *m);
/* A packed request (flotilla/monitor.h), served as if a process of this
 * core sent it, with the capability at T_MONCAP if has_cap: the
 * operation's error, its results in r[1..3], and in *give a capability
 * for the reply (0: none). */
err_t moncall_serve_words(const uint64_t w[4], bool admin, bool has_cap, uint64_t r[4],
			  capaddr_t *give);

/* if/moncall.if's requests (mcall.c): is w0 the first word of one of the
 * moncall transport's calls (flotilla/idl_mcall.h)? mcall_handle takes
 * such a call and fills in the words of its answer, and in *give the
 * capability that goes with it (0: none). */
bool mcall_is_ours(uint64_t w0);
void mcall_handle(const struct lmp_msg *m, bool admin, uint64_t r[4], capaddr_t *give);
/* boot.c: the RAM this monitor was given, in *count capabilities. */
uint64_t monitor_ram_bytes(unsigned *count);
/* A monitor's bring-up (boot.c), shared by the production main (main.c)
 * and the test image's (tests/monitor/main.c): say that it is up, and
 * read the kernel's command line (an error is printed); then this core's endpoint,
 * trace, console and SKB parts, then with `mesh` its channels to the
 * other monitors, then its services; the first failure is printed and
 * returned. Core 0, then: wait for the others and ping them (with
 * `ping`); start init, which supervises the SKB (where core 0 has room
 * for it) and the shell (given `shell_arg`, unless `noshell`), and have
 * the round trips measured (monitor_skb_measure). */
err_t monitor_hello(unsigned core, char cmdline[KERNEL_CMDLINE_MAX]);
err_t monitor_setup(unsigned core, const char *cmdline, bool mesh);
void monitor_greet(bool ping);
void monitor_skb_measure(void);
void monitor_start_system(const char *cmdline, const char *shell_arg);

#endif
