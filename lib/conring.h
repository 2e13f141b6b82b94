/*
 * The serial line's ring (docs/console.md, "The console service"): the
 * bytes core 0's monitor has for the wire, in a frame it shares with the
 * console service, the process that writes them out. One writer each way:
 * the monitor alone moves `head` (bytes put in, ever), the service alone
 * moves `tail` (bytes written out, ever); each reads the other's. Both
 * run on core 0, so no fence is needed beyond the compiler's.
 *
 * The monitor trusts nothing the service wrote: a tail behind the oldest
 * byte still in the ring or past the newest is the service's fault
 * (conring_sane), and the monitor then takes the wire back. Pure code,
 * host-tested (tests/host/test_conring.c).
 */
#ifndef LIB_CONRING_H
#define LIB_CONRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONRING_FRAME	16384u				/* the frame: 4 pages */
#define CONRING_DATA	(CONRING_FRAME - 128u)		/* bytes it holds */

struct conring {
	volatile uint64_t head;		/* the monitor's */
	uint8_t pad0[56];
	volatile uint64_t tail;		/* the service's */
	uint8_t pad1[56];
	char data[CONRING_DATA];
};
_Static_assert(sizeof(struct conring) == CONRING_FRAME, "the ring fills its frame");

/* Empties the ring (the monitor, before a service is given it). */
void conring_reset(struct conring *r);
/* Is the service's tail one the ring can have? */
bool conring_sane(const struct conring *r);
/* The monitor: how many bytes fit now; puts the first of s[0..n) that
 * fit and returns how many. */
size_t conring_space(const struct conring *r);
size_t conring_put(struct conring *r, const char *s, size_t n);
/* The bytes not yet written out, from the oldest: *p and the count that
 * lie one after another there (the rest wraps to data[0]). 0: none, or
 * an insane tail. */
size_t conring_peek(const struct conring *r, const char **p);
/* The service: the first n bytes conring_peek gave are written out. */
void conring_took(struct conring *r, size_t n);

#endif
