/*
 * The console service (docs/console.md). One process drives the UART: the
 * monitor on core 0, which alone holds COM1's I/O ports (CPTR_IOPORT_COM1)
 * and runs the user-level driver (usr/lib/uart.c). Every core prints
 * through it:
 *
 *   - what a core prints, its kernel's messages and its processes' writes,
 *     goes into that core's console log in its kernel (kernel/console.c)
 *     once the monitor has taken the console over (CONSOLE_TAKE);
 *     a doorbell tells the monitor, which reads the log (console_pump);
 *   - a monitor on another core sends what it read to core 0 over the
 *     mesh, as text messages of up to 40 bytes (one URPC slot each,
 *     if/intermon.if), in order on its channel;
 *   - core 0 puts each core's bytes together into lines, one buffer per
 *     core, and writes a line only when it is whole: lines from different
 *     cores never interleave.
 *
 * A line that is not finished yet (a prompt, a shell's echo) is written
 * when its core has nothing more to send for now (text's idle flag); if a
 * whole line from another core comes while it stands unfinished on the
 * wire, a newline is written first, so that no line on the screen holds
 * bytes of two cores. A line longer than CONSOLE_LINE_MAX is written in
 * pieces of that size (nothing is cut).
 *
 * Input goes the other way: the bytes typed at the console wait in the
 * UART's FIFO, or the keyboard controller's (kbd.c), until a process asks
 * for them (MON_CONSOLE_READ, moncall.c), and only one process may: the
 * console's input has one owner at a time,
 * so that two readers never split what is typed between them. The first
 * process that reads becomes the owner; another gets ERR_CONSOLE_BUSY,
 * with the owner's core and pid. A process proves who it is by the PML4
 * it sends with the request (its monitor finds the child that has it);
 * core 0 keeps the owner as (core, pid, PML4 base). Ownership passes when
 * the owner ends: its monitor remembers each child that asked, and when
 * one ends (proc_ending) tells core 0 (console_ended, or directly on core
 * 0), which frees the input if that process held it. The next reader owns
 * it then. There is no hand-over by request: nothing needs one yet.
 *
 * Core 0 takes the UART last, once every core has joined (console_serve):
 * a core that has not taken its console over still writes the UART
 * directly under its kernel's lock, and only while no user-level driver
 * writes it can that be safe. Until then core 0 writes what other cores
 * send through its own kernel, still under that lock. console_sync, before
 * the machine is powered off, asks every core to send what it has and
 * waits for the answers, which come after the text on the same channels.
 */
#include <stdio.h>
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/monitor.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/uart.h>
#include "usr/monitor/monitor.h"

#define TEXT_BYTES	40	/* text's bound in if/intermon.if: one URPC slot */
#define COM1_BASE	0x3F8

static unsigned me;
static bool taken;		/* this core's kernel prints into its log */
static bool serving;		/* core 0: the UART driver writes the console */
static bool reading;		/* core 0: the UART driver reads it */
static bool pumping;
static struct uart uart;
static struct {
	char buf[CONSOLE_LINE_MAX];
	size_t n;
} line[MAX_MESH_CORES];
static int unfinished = -1;	/* core whose unfinished line is on the wire */
/* Core 0: the process that owns the console's input. */
static struct {
	bool held;
	unsigned core, pid;
	uint64_t vroot;		/* its PML4's base: what names it */
} owner;
/* Children of this monitor that asked to read the console: when one ends,
 * core 0 hears of it (it may be the owner). */
static bool asked[SPAWN_MAX];

/* Core 0: bytes to the wire, through the driver once it is up. */
void console_wire(const char *s, size_t n)
{
	/* An error of the driver (the transmitter timed out) has nowhere to
	 * be reported: the UART is the console. The next line tries again. */
	if (!serving)
		sys_debug_print(s, n);	/* the kernel's direct path, locked */
	else
		uart_write(&uart, s, n);
}

bool console_serving(void)
{
	return serving;
}

/* Core 0: bytes for the console: to the console service's ring while one
 * is attached (consvc.c), else to the wire; and to the screen. */
static void emit(const char *s, size_t n)
{
	size_t put = serving ? consvc_put(s, n) : 0;

	if (put < n)
		console_wire(s + put, n - put);
	screen_write(s, n);		/* once taken, the kernel draws no more */
}

static void write_out(unsigned core)
{
	if (unfinished >= 0 && (unsigned)unfinished != core)
		emit("\n", 1);
	emit(line[core].buf, line[core].n);
	unfinished = line[core].buf[line[core].n - 1] == '\n' ? -1 : (int)core;
	line[core].n = 0;
}

/* Core 0: bytes from `core`, in order; idle: it has nothing more now. */
static void text_in(unsigned core, const char *s, size_t n, bool idle)
{
	for (size_t i = 0; i < n; i++) {
		line[core].buf[line[core].n++] = s[i];
		if (s[i] == '\n' || line[core].n == CONSOLE_LINE_MAX)
			write_out(core);
	}
	if (idle && line[core].n)
		write_out(core);
	if (!pumping)		/* (a printf while pumping would wait for itself) */
		consvc_report();	/* between lines: why a service was detached */
}

/* Another core: what its log held, to core 0 in text messages. */
static void send_text(const char *s, size_t n, bool idle)
{
	while (n) {
		size_t k = n < TEXT_BYTES ? n : TEXT_BYTES;
		if_intermon_text_send(mesh_to(0), idle && k == n, s, k);
		s += k;
		n -= k;
	}
}

static void pass_on(const char *s, size_t n, bool idle)
{
	if (me == 0)
		text_in(0, s, n, idle);
	else
		send_text(s, n, idle);
}

void console_pump(void)
{
	static char buf[2][CONSOLE_READ_MAX];
	size_t held = 0, n;
	unsigned cur = 0;

	if (!taken || pumping)
		return;
	pumping = true;
	/* One chunk is held back until the next read says whether more
	 * follows, so that the last one goes out marked IDLE. */
	while (kernel_console_read(CPTR_CONSOLE, buf[cur], sizeof(buf[cur]), &n) == OK && n) {
		if (held)
			pass_on(buf[cur ^ 1], held, false);
		held = n;
		cur ^= 1;
	}
	if (held)
		pass_on(buf[cur ^ 1], held, true);
	pumping = false;
	consvc_report();	/* what detaching the console service left to say */
}

/* The C library's hooks (usr/lib/stdio.c): the monitor empties its log
 * itself, and sends its own lines on at once. */
void stdio_log_full(void)
{
	if (pumping)
		sys_yield();
	else
		console_pump();
}

void stdio_written(void)
{
	console_pump();
}

static err_t on_text(struct idl_binding *b, bool idle, const uint8_t *data, size_t len)
{
	if (me != 0)
		return ERR_BAD_MESSAGE;		/* only core 0 writes the console */
	text_in(mesh_peer(b), (const char *)data, len, idle);
	return OK;
}

static err_t on_sync(struct idl_binding *b, uint64_t id)
{
	console_pump();
	return if_intermon_sync_r_send(b, id, OK);
}

static err_t on_sync_r(struct idl_binding *b, uint64_t id, err_t status)
{
	return mesh_answer(b, IF_INTERMON_SYNC_R, id, status) ? OK : ERR_BAD_MESSAGE;
}

/* Core 0: process `vroot` on `core` has ended; if it owned the input, the
 * input is free. */
static void reader_ended(unsigned core, uint64_t vroot)
{
	if (owner.held && owner.core == core && owner.vroot == vroot)
		owner.held = false;
}

static err_t on_console_ended(struct idl_binding *b, uint64_t vroot)
{
	if (me != 0)
		return ERR_BAD_MESSAGE;		/* only core 0 keeps the owner */
	reader_ended(mesh_peer(b), vroot);
	return OK;
}

err_t console_init(unsigned core)
{
	struct cap_info info;

	me = core;
	/* Only core 0's monitor may drive the UART; say so loudly if another
	 * was given the ports (the boot test monitors_up looks for this). */
	if (core != 0 && cap_identify(CPTR_IOPORT_COM1, &info) == OK && info.type == CAP_IOPORT)
		printf("monitor: core %u holds an I/O port capability at CPTR_IOPORT_COM1: only core 0's should\n",
		       core);
	if (core != 0 && cap_identify(CPTR_IOPORT_KBD, &info) == OK && info.type == CAP_IOPORT)
		printf("monitor: core %u holds an I/O port capability at CPTR_IOPORT_KBD: only core 0's should\n",
		       core);
	mesh_handlers.text = on_text;
	mesh_handlers.sync = on_sync;
	mesh_handlers.sync_r = on_sync_r;
	mesh_handlers.console_ended = on_console_ended;
	return OK;
}

err_t console_take(void)
{
	/* The mesh binds the doorbell too, but a lone core has no mesh. */
	err_t err = kernel_notify_bind(CPTR_DOORBELL, T_FAULTEP, MESH_DOORBELL);

	if (!err)
		err = kernel_console_take(CPTR_CONSOLE, MESH_DOORBELL);

	taken = !err;
	console_pump();
	return err;
}

err_t console_listen(void)
{
	err_t err;

	if (me != 0)
		return ERR_INVALID_ARG;
	if (reading)
		return OK;
	/* uart_init only reads the UART's registers when the kernel has set
	 * it up, so kernels that still write it directly are not disturbed. */
	if ((err = uart_init(&uart, CPTR_IOPORT_COM1, COM1_BASE)))
		return err;
	/* No keyboard controller is no error: the UART is input enough. */
	if ((err = kbd_init()) && err != ERR_UNSUPPORTED)
		printf("console: the keyboard is not read (%s): input comes from the serial port only\n",
		       err_name(err));
	reading = true;
	return OK;
}

err_t console_serve(void)
{
	err_t err;

	if ((err = console_listen()))
		return err;
	/* The screen first, with the UART: from here the kernel draws no
	 * more, and every byte emit writes goes to both. */
	if ((err = screen_take()) && err != ERR_UNSUPPORTED)
		printf("console: the screen was not taken over (%s): it shows the boot log only\n",
		       err_name(err));
	serving = true;		/* first: what the take pumps goes to the UART */
	if ((err = console_take()))
		serving = false;
	return err;
}

void console_sync(void)
{
	for (unsigned k = 1; me == 0 && k < mesh_cores(); k++) {
		struct mesh_ask a;
		if (mesh_joined(k) && mesh_ask(&a, k, IF_INTERMON_SYNC_R, NULL) == OK)
			mesh_await(&a, if_intermon_sync_send(mesh_to(k), a.id));
	}
	console_pump();
	for (unsigned k = 0; me == 0 && k < MAX_MESH_CORES; k++)
		if (line[k].n)
			write_out(k);
	if (me == 0)
		consvc_drain();		/* the console service's ring, out */
}

static err_t input(char *buf, size_t size, size_t *n)
{
	err_t err = OK;
	int c;

	*n = 0;
	while (*n < size && (err = uart_getc_nonblock(&uart, &c)) == OK)
		buf[(*n)++] = (char)c;
	if (err != OK && err != ERR_WOULD_BLOCK)
		return err;
	*n += kbd_poll(buf + *n, size - *n);
	return OK;
}

err_t console_reader(capaddr_t cap, uint64_t *vroot, unsigned *pid)
{
	err_t err = monitor_cap_at(cap, CAP_PML4, CAP_RIGHT_WRITE, vroot);

	if (err)
		return err;
	for (unsigned i = 0; i < SPAWN_MAX; i++) {
		struct cap_info ci;
		struct proc p;
		const char *name;
		if (proc_at(i, &p, &name) && cap_identify(PROC_PML4(&p), &ci) == OK &&
		    ci.base == *vroot) {
			*pid = i;
			asked[i] = true;	/* its end goes to core 0 */
			return OK;
		}
	}
	return ERR_CAP_RIGHTS;			/* not a process this monitor started */
}

err_t console_read_for(unsigned core, unsigned pid, uint64_t vroot, unsigned max, uint64_t *r)
{
	char buf[2 * sizeof(r[0])];
	size_t n;
	err_t err;

	if (max == 0 || max > sizeof(buf))
		max = sizeof(buf);

	if (me != 0 || !reading)
		return ERR_UNSUPPORTED;
	if (owner.held && (owner.core != core || owner.vroot != vroot)) {
		r[1] = owner.core;
		r[2] = owner.pid;
		return ERR_CONSOLE_BUSY;
	}
	if (!owner.held)
		owner = (typeof(owner)){ .held = true, .core = core, .pid = pid, .vroot = vroot };
	if ((err = input(buf, max, &n)))	/* no more than the reader takes */
		return err;
	r[1] = n;
	memcpy(&r[2], buf, n);
	return OK;
}

void console_proc_ending(const struct proc *p)
{
	struct cap_info ci;

	if (p->idx >= SPAWN_MAX || !asked[p->idx])
		return;
	asked[p->idx] = false;
	if (cap_identify(PROC_PML4(p), &ci))
		return;				/* never built: it never asked */
	if (me == 0)
		reader_ended(0, ci.base);
	else
		if_intermon_console_ended_send(mesh_to(0), ci.base);
}

bool console_owner(unsigned *core, unsigned *pid)
{
	*core = owner.core;
	*pid = owner.pid;
	return owner.held;
}

/* The kernel writes the console out itself first: a reboot never returns. */
err_t monitor_reboot(void)
{
	console_sync();
	return sys_invoke(CPTR_POWER, POWER_REBOOT, 0, 0, 0, 0, 0).err;
}

err_t monitor_poweroff(unsigned code)
{
	err_t err;

	console_sync();
	/* A verdict leaves through the test kernel's exit device; the
	 * production kernel has no such method (ERR_BAD_METHOD), and a
	 * machine without the device says ERR_UNSUPPORTED: then power off,
	 * which the host reads as no verdict (docs/power.md). */
	if (code) {
		err = sys_invoke(CPTR_POWER, POWER_TEST_EXIT, code, 0, 0, 0, 0).err;
		printf("monitor: no test exit for verdict 0x%x (%s); powering off\n", code,
		       err_name(err));
		console_sync();
	}
	err = sys_invoke(CPTR_POWER, POWER_OFF, 0, 0, 0, 0, 0).err;
	console_pump();		/* the kernel's reason, before the caller's own words */
	return err ? err : ERR_UNSUPPORTED;
}
