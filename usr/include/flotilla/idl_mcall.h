/*
 * The moncall transport of the interface runtime (lib/idl.h): rpcs from
 * a process to its core's monitor (if/moncall.if) over CPTR_MONITOR,
 * which every process holds but which many processes share with one
 * badge, and with no endpoint of their own for the monitor to send to.
 * So every fragment the process sends is an LMP call, and every fragment
 * the monitor sends is the reply to one (docs/interfaces.md, "moncall"):
 *
 *   process                               monitor
 *   fragment (first: ticket 0)   ----->   ACK | ticket     the message is not whole
 *   fragment | ticket            ----->   ACK | ticket
 *   last fragment | ticket       ----->   reply's first fragment | ticket
 *   PULL | ticket                ----->   reply's next fragment | ticket
 *
 * The ticket names the conversation (the monitor's reassembly state for
 * it), since a badge may be shared (a process and the children its own
 * spawn started; each process a monitor starts has its own, and only
 * the badge that began a conversation may continue it); a conversation ends
 * with the reply's last fragment. A call's capability rides with its last
 * fragment (the transport is cap_last), and a reply's with its first,
 * which answers that same LMP call; the process's side hands it to the
 * runtime with the reply's last fragment, as cap_last wants. So a
 * capability never waits between two LMP calls, where another process
 * that guessed the ticket could take it up. Word 0 of each LMP message: bits 0..31
 * the fragment header (lib/idl.h) or MCALL_PULL/ACK/REFUSED, bits 32..39
 * the payload words (0..3, in words 1..3), bits 40..63 the ticket. A
 * malformed call, or one naming a ticket the monitor does not hold, is
 * answered MCALL_REFUSED with the error in word 1, and the conversation
 * (if any) is forgotten.
 *
 * The first word's low 32 bits tell this apart from the packed requests
 * of flotilla/monitor.h (op | core << 8 | flags << 24, whose top nibble
 * is never 0xA..0xD), which the monitor still serves on the same endpoint.
 */
#ifndef FLOTILLA_IDL_MCALL_H
#define FLOTILLA_IDL_MCALL_H

#include <flotilla/lmp.h>
#include "lib/idl.h"

#define MCALL_PULL		0xB0000000u	/* the process: the reply's next fragment */
#define MCALL_ACK		0xC0000000u	/* the monitor: taken, send the next one */
#define MCALL_REFUSED		0xD0000000u	/* the monitor: refused, w1 = why */
#define MCALL_LEN_SHIFT		32
#define MCALL_LEN_MASK		0xFFu		/* bits 32..39: at most IDL_LMP_FRAG_WORDS */
#define MCALL_TICKET_SHIFT	40
#define MCALL_TICKET_MAX	0xFFFFFFu
/* Conversations a monitor holds at once (a power of two: a ticket's low
 * bits say which); a new one takes the place of the least recently used. */
#define MCALL_CONVS		8

static inline uint64_t mcall_word0(uint32_t low, uint64_t nwords, uint32_t ticket)
{
	return low | nwords << MCALL_LEN_SHIFT | (uint64_t)ticket << MCALL_TICKET_SHIFT;
}

static inline uint32_t mcall_ticket(uint64_t w0)
{
	return (uint32_t)(w0 >> MCALL_TICKET_SHIFT);
}

/* A fragment from word 0..3 (ERR_BAD_MESSAGE: no fragment, or too long);
 * its ticket is the caller's to read. */
static inline err_t mcall_unpack(const uint64_t w[4], struct idl_frag *f)
{
	unsigned n = (unsigned)(w[0] >> MCALL_LEN_SHIFT) & MCALL_LEN_MASK;

	if (!idl_hdr_is_frag((uint32_t)w[0]) || n > IDL_LMP_FRAG_WORDS)
		return ERR_BAD_MESSAGE;
	f->hdr = (uint32_t)w[0];
	f->nwords = n;
	for (unsigned i = 0; i < n; i++)
		f->w[i] = w[1 + i];
	f->cap = IDL_CAP_NONE;
	f->give = false;
	f->cap_err = ERR_UNSUPPORTED;	/* the transport moves none */
	return OK;
}

static inline void mcall_pack(const struct idl_frag *f, uint32_t ticket, uint64_t w[4])
{
	unsigned n = f->nwords < IDL_LMP_FRAG_WORDS ? f->nwords : IDL_LMP_FRAG_WORDS;

	w[0] = mcall_word0(f->hdr, n, ticket);
	for (unsigned i = 0; i < IDL_LMP_FRAG_WORDS; i++)
		w[1 + i] = i < n ? f->w[i] : 0;
}

/* The process's side: one conversation on `ep` (CPTR_MONITOR, or a
 * channel end's control endpoint). */
struct idl_mcall {
	capaddr_t ep;
	capaddr_t slot;				/* where a reply's capability lands
						 * (0: none is taken) */
	bool lend;				/* a call's capability that cannot be
						 * copied is moved, and the reply may
						 * give it back into its slot */
	capaddr_t lent;				/* ... that slot, once it was moved: what
						 * comes back there is the caller's own,
						 * kept whatever else befalls the call */
	uint32_t ticket;			/* 0: none yet */
	uint32_t left;				/* words of the call still to send */
	uint32_t reply_left;			/* words of the reply still to come */
	bool due;				/* the reply brings a capability: it came
						 * with its first fragment, and goes to the
						 * runtime with its last */
	capaddr_t due_cap;			/* ... slot, or IDL_CAP_NONE */
	bool have;				/* a reply fragment waits in `in` */
	struct idl_frag in;
	err_t refused;				/* the monitor's MCALL_REFUSED, or OK */
	err_t cap_err;				/* why a reply's announced capability
						 * did not land (the kernel's), or OK */
};

/* Sends and receives ERR_NO_REPLY once the monitor refused (mc->refused
 * says why) or the conversation is over. */
extern const struct idl_transport idl_mcall_transport;

#endif
