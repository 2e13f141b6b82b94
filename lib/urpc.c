/*
 * URPC channels (protocol in urpc.h, the why in docs/urpc.md). The shared
 * memory is touched in exactly four places: the sender's payload stores and
 * its release store of the header, the receiver's acquire load of the
 * header and its payload loads, and the ack line (release store by the
 * receiver, acquire load by the sender). Payload words go through relaxed
 * __atomic loads and stores: on x86 they are plain moves, but they forbid
 * the compiler to tear, repeat or invent accesses to memory a peer may be
 * rewriting, and they make the protocol visible to ThreadSanitizer.
 *
 * Counters are 64-bit and never wrap in practice; the sequence number in a
 * header is the low 24 bits of (index + 1). Every slot index is masked
 * with the private `mask`, so no value in the shared memory can steer an
 * access outside the ring.
 */
#include "lib/string.h"
#include "lib/urpc.h"

_Static_assert(sizeof(struct urpc_slot) == URPC_LINE, "a slot is one cache line");
_Static_assert(sizeof(struct urpc_ack) == URPC_LINE, "the ack line is one cache line");
_Static_assert(URPC_SLOTS_MAX < (1u << URPC_SEQ_BITS), "sequence numbers must tell laps apart");

/* The ack line first, then the slots: see urpc.h. */
static struct urpc_ack *chan_ack(void *mem)
{
	return mem;
}

static struct urpc_slot *chan_ring(void *mem)
{
	return (struct urpc_slot *)((char *)mem + URPC_LINE);
}

static err_t check_chan(const void *mem, size_t bytes, unsigned nslots)
{
	if (!mem || ((uintptr_t)mem & (URPC_LINE - 1)))
		return ERR_INVALID_ARG;
	if (nslots < 2 || nslots > URPC_SLOTS_MAX || (nslots & (nslots - 1)))
		return ERR_INVALID_ARG;
	if (bytes < URPC_CHAN_BYTES(nslots))
		return ERR_INVALID_ARG;
	return OK;
}

err_t urpc_chan_init(void *mem, size_t bytes, unsigned nslots)
{
	err_t err = check_chan(mem, bytes, nslots);

	if (err)
		return err;
	memset(mem, 0, URPC_CHAN_BYTES(nslots));
	return OK;
}

err_t urpc_sender_init(struct urpc_sender *s, void *mem, size_t bytes, unsigned nslots)
{
	err_t err = check_chan(mem, bytes, nslots);

	if (err)
		return err;
	if (!s)
		return ERR_INVALID_ARG;
	s->ring = chan_ring(mem);
	s->ack = chan_ack(mem);
	s->mask = nslots - 1;
	s->sent = 0;
	s->acked = 0;
	s->ack_reads = 0;
	s->trace = NULL;
	return OK;
}

err_t urpc_receiver_init(struct urpc_receiver *r, void *mem, size_t bytes, unsigned nslots)
{
	err_t err = check_chan(mem, bytes, nslots);

	if (err)
		return err;
	if (!r)
		return ERR_INVALID_ARG;
	r->ring = chan_ring(mem);
	r->ack = chan_ack(mem);
	r->mask = nslots - 1;
	r->batch = nslots / 2;
	r->received = 0;
	r->published = 0;
	r->ack_writes = 0;
	r->trace = NULL;
	return OK;
}

/*
 * OK when the slot for message s->sent is free. The cached count is
 * trusted first; only when it says "full" is the receiver's line read, and
 * the new count must lie between the old one and s->sent (unsigned
 * differences, so a count that went backwards fails too).
 */
static err_t sender_room(struct urpc_sender *s)
{
	uint64_t in_flight = s->sent - s->acked;
	uint64_t consumed;

	if (in_flight <= s->mask)
		return OK;
	consumed = __atomic_load_n(&s->ack->consumed, __ATOMIC_ACQUIRE);
	s->ack_reads++;
	if (consumed - s->acked > in_flight)
		return ERR_BAD_MESSAGE;
	s->acked = consumed;
	return s->sent - consumed <= s->mask ? OK : ERR_WOULD_BLOCK;
}

err_t urpc_send(struct urpc_sender *s, const uint64_t *words, unsigned nwords, uint32_t type)
{
	struct urpc_slot *slot;
	uint64_t seq = s->sent + 1;	/* message s->sent carries s->sent + 1 */
	err_t err;

	if (nwords > URPC_MAX_WORDS || (nwords && !words))
		return ERR_INVALID_ARG;
	err = sender_room(s);
	if (err)
		return err;
	slot = &s->ring[s->sent & s->mask];
	for (unsigned i = 0; i < nwords; i++)
		__atomic_store_n(&slot->word[i], words[i], __ATOMIC_RELAXED);
	/* Recorded before the header is: once it is stored the receiver may
	 * take the message and record it, and a send stamped after its own
	 * receive would run backwards in the trace. */
	if (s->trace)
		trace_record(s->trace->ring, s->trace->core, TRACE_URPC_SEND, type,
			     s->trace->chan, s->sent);
	/* Last, and release: the receiver that sees this header sees the words. */
	__atomic_store_n(&slot->header, urpc_hdr_make((uint32_t)seq, nwords, type),
			 __ATOMIC_RELEASE);
	s->sent = seq;
	return OK;
}

bool urpc_can_send(struct urpc_sender *s)
{
	return sender_room(s) == OK;
}

/* The header of the next message's slot, and whether it is that message. */
static bool next_header(const struct urpc_receiver *r, uint64_t *header)
{
	const struct urpc_slot *slot = &r->ring[r->received & r->mask];

	*header = __atomic_load_n(&slot->header, __ATOMIC_ACQUIRE);
	return urpc_hdr_seq(*header) == ((uint32_t)(r->received + 1) & URPC_SEQ_MASK);
}

static void publish(struct urpc_receiver *r)
{
	/* Release: our reads of the slots happen before the sender reuses them. */
	__atomic_store_n(&r->ack->consumed, r->received, __ATOMIC_RELEASE);
	r->published = r->received;
	r->ack_writes++;
}

err_t urpc_recv(struct urpc_receiver *r, uint64_t *words, unsigned *nwords, uint32_t *type)
{
	const struct urpc_slot *slot = &r->ring[r->received & r->mask];
	uint64_t header;
	unsigned len;

	if (!words || !nwords)
		return ERR_INVALID_ARG;
	*nwords = 0;
	if (type)
		*type = 0;
	if (!next_header(r, &header))
		return ERR_WOULD_BLOCK;
	/* The header was read once, into a local: a peer rewriting it now
	 * cannot change the length we check and then use. */
	len = urpc_hdr_len(header);
	if (len <= URPC_MAX_WORDS) {
		for (unsigned i = 0; i < len; i++)
			words[i] = __atomic_load_n(&slot->word[i], __ATOMIC_RELAXED);
		*nwords = len;
		if (type)
			*type = urpc_hdr_type(header);
	}
	if (r->trace)
		trace_record(r->trace->ring, r->trace->core, TRACE_URPC_RECV, urpc_hdr_type(header),
			     r->trace->chan, r->received);
	r->received++;
	if ((r->received & (r->batch - 1)) == 0)
		publish(r);
	return len <= URPC_MAX_WORDS ? OK : ERR_BAD_MESSAGE;
}

bool urpc_poll(const struct urpc_receiver *r)
{
	uint64_t header;

	return next_header(r, &header);
}

void urpc_flush_ack(struct urpc_receiver *r)
{
	if (r->received != r->published)
		publish(r);
}

/*
 * A store-load fence (mfence on x86). ThreadSanitizer does not model
 * fences and GCC refuses them under -fsanitize=thread, so that build uses
 * a locked read-modify-write of a private word instead, which x86 also
 * orders as a full barrier; TSan checks the data accesses, not this.
 */
static inline void full_fence(void)
{
#if defined(__SANITIZE_THREAD__)
	static uint64_t dummy;
	__atomic_fetch_add(&dummy, 0, __ATOMIC_SEQ_CST);
#else
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

bool urpc_receiver_sleep(struct urpc_receiver *r)
{
	uint64_t header;

	urpc_flush_ack(r);	/* a sender waiting for room must not wait on us */
	__atomic_store_n(&r->ack->sleeping, 1, __ATOMIC_RELAXED);
	full_fence();	/* our flag store before the header load */
	if (!next_header(r, &header))
		return true;
	urpc_receiver_awake(r);
	return false;
}

void urpc_receiver_awake(struct urpc_receiver *r)
{
	__atomic_store_n(&r->ack->sleeping, 0, __ATOMIC_RELAXED);
}

bool urpc_sender_must_wake(struct urpc_sender *s)
{
	full_fence();	/* our header store before the flag load */
	return __atomic_load_n(&s->ack->sleeping, __ATOMIC_RELAXED) != 0;
}

err_t urpc_duplex_init(void *mem, size_t bytes, unsigned nslots)
{
	err_t err = check_chan(mem, bytes / 2, nslots);

	if (err)
		return err;
	memset(mem, 0, URPC_DUPLEX_BYTES(nslots));
	return OK;
}

err_t urpc_duplex_open(struct urpc_duplex *d, void *mem, size_t bytes, unsigned nslots,
		       unsigned side)
{
	err_t err = check_chan(mem, bytes / 2, nslots);
	char *chan[2];

	if (err)
		return err;
	if (!d || side > 1)
		return ERR_INVALID_ARG;
	chan[0] = mem;
	chan[1] = chan[0] + URPC_CHAN_BYTES(nslots);
	urpc_sender_init(&d->tx, chan[side], URPC_CHAN_BYTES(nslots), nslots);
	urpc_receiver_init(&d->rx, chan[1 - side], URPC_CHAN_BYTES(nslots), nslots);
	return OK;
}
