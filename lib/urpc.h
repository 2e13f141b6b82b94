/*
 * URPC channels: messages between cores through shared memory, with no
 * kernel on the path. A channel carries messages one way, from one sender
 * to one receiver, through a ring of N 64-byte slots (N a power of two,
 * 2 <= N <= URPC_SLOTS_MAX) in memory both can map. Its shared part is
 * URPC_CHAN_BYTES(N) bytes, 64-byte aligned:
 *
 *	line 0		struct urpc_ack		written by the receiver only
 *	line 1 + i	struct urpc_slot	written by the sender only
 *
 * A slot is one cache line: up to URPC_MAX_WORDS payload words, then the
 * header word (sequence number, length, type; layout below), which the
 * sender stores last, with release order. The receiver polls the header of
 * the slot it expects next with acquire loads; the slot holds a message
 * when the header's sequence number is the one expected (message m, from
 * 0, carries m + 1), so the receiver never clears or marks a slot: every
 * line has one writer, and a line moves between the two caches once per
 * message, not back and forth.
 *
 * Flow control: the sender may not overwrite a slot the receiver has not
 * read yet. The receiver counts the messages it has consumed and publishes
 * the count in its ack line only every N/2 messages; the sender keeps the
 * last count it saw and reads the ack line again only when that count says
 * the ring is full. So in a steady stream the ack line moves once per N/2
 * messages, and a sender that keeps ahead of the receiver reads it rarely.
 *
 * Trust: each side treats the shared memory as written by an enemy. The
 * ring's size and address live in each side's private state (struct
 * urpc_sender, struct urpc_receiver: core-local, never in the shared
 * memory), every index is masked with it, the header is read once, an
 * impossible length is refused with ERR_BAD_MESSAGE, and an ack count that
 * claims more than was sent is refused the same way. A hostile peer can
 * stall the channel or send garbage payloads; it cannot make this side
 * read or write outside the ring. docs/urpc.md has the whole story.
 *
 * Neither side blocks here: an empty or full ring is ERR_WOULD_BLOCK, and
 * the caller decides whether to poll again, yield or wait for a doorbell.
 * Freestanding (kernel, user programs, host tests); each endpoint is used
 * by one thread at a time.
 */
#ifndef LIB_URPC_H
#define LIB_URPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kpi/errors.h>
#include "lib/trace.h"

#define URPC_LINE		64
#define URPC_MAX_WORDS		7	/* payload words in a slot */
#define URPC_SLOTS_MAX		(1u << 16)	/* a 4 MiB ring; must stay < 2^24 */

/* Bytes of shared memory for one channel of n slots, and for a duplex
 * pair of them (urpc_duplex_init). 16 slots each way fit a 4 KiB frame. */
#define URPC_CHAN_BYTES(n)	(((size_t)(n) + 1) * URPC_LINE)
#define URPC_DUPLEX_BYTES(n)	(2 * URPC_CHAN_BYTES(n))

/*
 * The header word, the last word of a slot:
 *	bits  0..23	sequence number: (message index + 1) mod 2^24
 *	bits 24..31	length: payload words, 0..URPC_MAX_WORDS
 *	bits 32..63	type: the sender's, carried unchanged
 * 24 bits of sequence suffice because the receiver compares for equality
 * only: the stale value in the slot it polls is either zero (never written,
 * only for message indices below N, whose sequence numbers are 1..N) or
 * that of the message N before, and N < 2^24. These functions are the only
 * code that knows the layout.
 */
#define URPC_SEQ_BITS		24
#define URPC_SEQ_MASK		((1u << URPC_SEQ_BITS) - 1)
#define URPC_LEN_SHIFT		24
#define URPC_LEN_MASK		0xFFu
#define URPC_TYPE_SHIFT		32

static inline uint64_t urpc_hdr_make(uint32_t seq, unsigned len, uint32_t type)
{
	return (uint64_t)(seq & URPC_SEQ_MASK) |
	       (uint64_t)(len & URPC_LEN_MASK) << URPC_LEN_SHIFT |
	       (uint64_t)type << URPC_TYPE_SHIFT;
}

static inline uint32_t urpc_hdr_seq(uint64_t h)
{
	return (uint32_t)h & URPC_SEQ_MASK;
}

static inline unsigned urpc_hdr_len(uint64_t h)
{
	return (unsigned)(h >> URPC_LEN_SHIFT) & URPC_LEN_MASK;
}

static inline uint32_t urpc_hdr_type(uint64_t h)
{
	return (uint32_t)(h >> URPC_TYPE_SHIFT);
}

/* One message slot: one cache line, written by the sender only. */
struct urpc_slot {
	uint64_t word[URPC_MAX_WORDS];	/* the first `len` words are the payload */
	uint64_t header;		/* urpc_hdr_make(); stored last (release) */
} __attribute__((aligned(URPC_LINE)));

/* The receiver's line: written by the receiver only, read by the sender
 * only when its cached copy says the ring is full. */
struct urpc_ack {
	uint64_t consumed;		/* messages the receiver is done with */
	uint64_t sleeping;		/* nonzero: wake me (urpc_receiver_sleep) */
	uint64_t unused[6];
} __attribute__((aligned(URPC_LINE)));

/* The sending end: private to the sending thread, never shared. */
struct urpc_sender {
	struct urpc_slot *ring;		/* the shared slots */
	const struct urpc_ack *ack;	/* the receiver's line */
	uint32_t mask;			/* slots - 1 */
	uint64_t sent;			/* messages sent; the next one's index */
	uint64_t acked;			/* the last ack->consumed read */
	uint64_t ack_reads;		/* times ack was read (statistics) */
	struct urpc_trace *trace;	/* where sends are recorded, or NULL */
};

/* The receiving end: private to the receiving thread, never shared. */
struct urpc_receiver {
	const struct urpc_slot *ring;
	struct urpc_ack *ack;
	uint32_t mask;			/* slots - 1 */
	uint32_t batch;			/* publish every `batch` = slots / 2 */
	uint64_t received;		/* messages consumed, refused ones too */
	uint64_t published;		/* the last value written to ack */
	uint64_t ack_writes;		/* times ack was written (statistics) */
	struct urpc_trace *trace;	/* where receives are recorded, or NULL */
};

/*
 * Tracing (lib/trace.h, docs/trace.md): an end given a struct urpc_trace
 * records each message it sends or receives (refused ones too) as
 * TRACE_URPC_SEND / TRACE_URPC_RECV with the message's type, `chan` and
 * its index in the channel. Both ends of a channel name it by the same
 * `chan` (TRACE_FLOW_CHAN), so a send and its receive match. The struct
 * is the owner's and must outlive the end; the ring is the owner's too.
 */
struct urpc_trace {
	struct trace_ring *ring;
	uint32_t core;			/* the core recording */
	uint64_t chan;
};

/*
 * Sets up the shared part of a channel of `nslots` slots at `mem` (all
 * zero: no message, nothing consumed). Done once, by whoever creates the
 * channel, before either end starts. ERR_INVALID_ARG when mem is NULL or
 * not 64-byte aligned, nslots is not a power of two in 2..URPC_SLOTS_MAX,
 * or `bytes` is less than URPC_CHAN_BYTES(nslots).
 */
err_t urpc_chan_init(void *mem, size_t bytes, unsigned nslots);

/* Attach one end to the channel at `mem`, set up by urpc_chan_init with
 * the same nslots (which both ends must learn from their own side, never
 * from the shared memory). They only fill in *s or *r; same errors. */
err_t urpc_sender_init(struct urpc_sender *s, void *mem, size_t bytes, unsigned nslots);
err_t urpc_receiver_init(struct urpc_receiver *r, void *mem, size_t bytes, unsigned nslots);

/*
 * Sends words[0..nwords-1] (nwords <= URPC_MAX_WORDS; words may be NULL
 * when nwords is 0) with `type`. ERR_WOULD_BLOCK when the ring is full
 * (nothing sent: try again later), ERR_INVALID_ARG for more than
 * URPC_MAX_WORDS words (never truncated), ERR_BAD_MESSAGE when the ack
 * line claims more messages consumed than were sent (a broken or hostile
 * receiver; nothing sent).
 */
err_t urpc_send(struct urpc_sender *s, const uint64_t *words, unsigned nwords, uint32_t type);

/*
 * Receives the next message into words[0..URPC_MAX_WORDS-1] (room for all
 * seven), its length into *nwords and its type into *type (type may be
 * NULL). ERR_WOULD_BLOCK when there is none. ERR_BAD_MESSAGE when its
 * header has an impossible length: the message is consumed and dropped,
 * *nwords is 0, and the next call moves on to the next slot. Publishes the
 * consumed count every slots/2 messages.
 */
err_t urpc_recv(struct urpc_receiver *r, uint64_t *words, unsigned *nwords, uint32_t *type);

/* True when urpc_send would not say ERR_WOULD_BLOCK (reads the ack line
 * only when the cached count says the ring is full). */
bool urpc_can_send(struct urpc_sender *s);

/* True when a message (well formed or not) waits for urpc_recv. */
bool urpc_poll(const struct urpc_receiver *r);

/* Publishes the consumed count now, if it changed: for a receiver about to
 * stop polling for a long while. Never needed for progress (a full ring
 * always gets an ack once the receiver has drained half of it). */
void urpc_flush_ack(struct urpc_receiver *r);

/*
 * Sleeping. A receiver that has polled long enough without a message
 * blocks (on an endpoint, say) and wants the sender to wake it (with a
 * doorbell, say); a sender must not pay for a wake-up call on every
 * message. The handshake is a flag in the receiver's ack line:
 *
 *	receiver: urpc_receiver_sleep(r)	sender: urpc_send(s, ...)
 *		  (sets the flag, fence,		  urpc_sender_must_wake(s)
 *		   looks at the ring)			  (fence, reads the flag)
 *		  if it said true: block		  if true: wake the receiver
 *		  urpc_receiver_awake(r) when woken
 *
 * Each side stores, then fences, then loads what the other stored, so at
 * least one sees the other (Dekker): either the receiver finds the message
 * and does not block, or the sender finds the flag and wakes it. A wake-up
 * with nothing to read (the receiver found the message after all) is
 * possible and harmless; a lost one is not. The flag is only a hint: a
 * hostile receiver can make its sender wake it on every message, no more.
 * The sender reads the flag's line on every call; while the receiver
 * does not sleep, that line changes only every nslots/2 messages (acks),
 * so the read is usually a cache hit.
 */
/* True: the ring was empty after the flag was set, so the caller may block
 * until woken. False: a message is there (the flag is cleared again). */
bool urpc_receiver_sleep(struct urpc_receiver *r);
/* Clears the flag: the receiver is polling again. */
void urpc_receiver_awake(struct urpc_receiver *r);
/* After a send: true when the receiver may be asleep and must be woken. */
bool urpc_sender_must_wake(struct urpc_sender *s);

/*
 * A duplex channel: two channels of `nslots` slots each, back to back in
 * URPC_DUPLEX_BYTES(nslots) bytes at `mem`. Side 0 sends on the first and
 * receives on the second, side 1 the other way round, so each side's
 * lines (its slots, its ack line) are written by it alone.
 */
struct urpc_duplex {
	struct urpc_sender tx;
	struct urpc_receiver rx;
};

/* Like urpc_chan_init, for both channels; bytes >= URPC_DUPLEX_BYTES. */
err_t urpc_duplex_init(void *mem, size_t bytes, unsigned nslots);
/* Attaches side 0 or 1 (ERR_INVALID_ARG otherwise). */
err_t urpc_duplex_open(struct urpc_duplex *d, void *mem, size_t bytes, unsigned nslots,
		       unsigned side);

#endif
