/*
 * console: the console service's writer (docs/console.md, "The console
 * service"), a process of its own on core 0 that init supervises. Core 0's
 * monitor puts together every core's lines, as before, and puts each into
 * the ring it shares with this process (lib/conring.h); this process
 * writes the ring out to the serial port with the user-level 16550 driver
 * (usr/lib/uart.c) and the copy of COM1's I/O ports the monitor gave it.
 *
 * So a fault in the driver's process is a restart, not a dead monitor:
 * when this process ends (a fault, a kill) or stops draining the ring, the
 * monitor takes the ports and the ring back (it revokes both copies),
 * writes what is left in the ring itself and goes on writing the port
 * until init has started the service again.
 *
 * Started by init (system, permanent) through MON_SPAWN with
 * MON_SPAWN_CONSOLE, which gives it the ports at CPTR_TASK_FIRST_FREE and
 * the ring's frame after them. It prints nothing: what it printed would
 * come back to it through the ring. It calls its monitor for nothing
 * either, not even a heartbeat: the monitor that waits for room in the
 * ring takes no call meanwhile, so a call would stall both (a hang is
 * found by the monitor instead: a ring left full for a second).
 */
#include <flotilla/caps.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/uart.h>
#include "lib/conring.h"

#define PORTS		CPTR_TASK_FIRST_FREE
#define RING		(CPTR_TASK_FIRST_FREE + 1)
#define COM1_BASE	0x3F8
#define CHUNK		16			/* a FIFO's worth: what a kill may repeat */
#define POLL_NS		(1000ull * 1000)	/* a tick, in practice */

int main(void)
{
	struct conring *r;
	struct uart u;

	if (uart_init(&u, PORTS, COM1_BASE) ||
	    window_map(RING, CONRING_FRAME / 4096, CAP_RIGHT_READ | CAP_RIGHT_WRITE, (void **)&r))
		return 1;	/* not started by the monitor's MON_SPAWN_CONSOLE */
	for (;;) {
		const char *p;
		size_t n;

		/* A byte is given back only once it is on the wire: a kill
		 * between the two repeats at most one chunk, loses nothing. */
		while ((n = conring_peek(r, &p)) > 0) {
			if (n > CHUNK)
				n = CHUNK;
			if (uart_write(&u, p, n))
				break;		/* the transmitter timed out: later */
			conring_took(r, n);
		}
		sys_sleep_until(sys_clock_ns() + POLL_NS);
	}
}
