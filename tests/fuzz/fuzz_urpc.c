/*
 * libFuzzer target for lib/urpc.c against a hostile peer: the input is the
 * whole shared part of a 16-slot channel (ack line and slots) as the peer
 * left it. The receiver reads until the ring says empty (at most 64
 * messages) and every message it accepts has at most URPC_MAX_WORDS words;
 * the sender then tries to send against the garbage ack line and gets
 * OK, ERR_WOULD_BLOCK or ERR_BAD_MESSAGE. AddressSanitizer catches any
 * access outside the channel: the buffer is exactly its size.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lib/urpc.h"

#define SLOTS	16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const size_t bytes = URPC_CHAN_BYTES(SLOTS);
	uint8_t *mem = aligned_alloc(URPC_LINE, bytes);
	struct urpc_receiver r;
	struct urpc_sender s;
	uint64_t w[URPC_MAX_WORDS] = { 1, 2, 3, 4, 5, 6, 7 };
	unsigned n;
	uint32_t type;
	err_t err;

	memset(mem, 0, bytes);
	memcpy(mem, data, size < bytes ? size : bytes);
	if (urpc_receiver_init(&r, mem, bytes, SLOTS) || urpc_sender_init(&s, mem, bytes, SLOTS))
		__builtin_trap();
	for (int i = 0; i < 64; i++) {
		err = urpc_recv(&r, w, &n, &type);
		if (err == ERR_WOULD_BLOCK)
			break;
		if ((err == OK && n > URPC_MAX_WORDS) || (err != OK && err != ERR_BAD_MESSAGE))
			__builtin_trap();
	}
	for (int i = 0; i < 2 * SLOTS; i++) {
		err = urpc_send(&s, w, (unsigned)i % (URPC_MAX_WORDS + 1), (uint32_t)i);
		if (err != OK && err != ERR_WOULD_BLOCK && err != ERR_BAD_MESSAGE)
			__builtin_trap();
	}
	free(mem);
	return 0;
}
