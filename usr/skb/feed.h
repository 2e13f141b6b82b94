/*
 * How the System Knowledge Base hears of the machine (docs/skb.md): core
 * 0's monitor keeps the SKB's inputs (struct skb_input, lib/skb.h) in a
 * frame it shares, read-only, with the SKB's process on the same core. It
 * writes the kernel's record at boot, each core's CPUID leaves as its
 * monitor sends them, and each row of round trips as it is measured
 * (usr/monitor/skbfeed.c); the SKB reads the whole when it answers a
 * query and the sequence number has moved (usr/skb/main.c), and derives
 * its facts from that copy. A sequence lock: `seq` is odd while the
 * monitor writes, and a copy taken while it changed is taken again.
 */
#ifndef USR_SKB_FEED_H
#define USR_SKB_FEED_H

#include <stdint.h>
#include "lib/skb.h"

struct skb_feed {
	uint64_t seq;
	uint64_t reserved;
	struct skb_input in;
};

#define SKB_FEED_BYTES	((sizeof(struct skb_feed) + 4095) & ~(size_t)4095)
/* Where the SKB finds the frame: the first slot spawn gives. */
#define SKB_FEED_SLOT	CPTR_TASK_FIRST_FREE

#endif
