/*
 * UPROG_IDL_LMP (flotilla/uprog.h): the client half of the LMP transport's
 * boot test (tests/monitor/idltest.c, the server, in the monitor on the same
 * core). It speaks if/test.if: a message, an rpc, a message of many LMP
 * fragments, an rpc fragmented both ways, a capability in a reply and one
 * in a message; then, as a hostile peer, fragments the server must refuse
 * one by one, each sent raw with lmp_send; then a message and an rpc that
 * must still work. Every send blocks until the server receives (LMP is a
 * rendezvous), so the two go in step. Exits 0, or the number of the first
 * check that failed.
 */
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/idl_lmp.h>
#include <flotilla/lmp.h>
#include <flotilla/spawn.h>
#include <flotilla/uprog.h>
#include "failed.h"
#include "if_test.h"

#define TX_EP		(UPROG_EP + 1)		/* the server's endpoint */
#define RX_EP		UPROG_EP		/* ours */
#define CAP_SLOT	(UPROG_EP + 2)		/* where a capability lands */

static struct if_test_binding tb;
static uint8_t data[4096];

/* One raw LMP message, as a peer that does not follow the format might
 * send it: word 0 is `hdr` and a payload length of n, then w[0..3). */
static err_t raw(uint32_t hdr, unsigned n, const uint64_t *w, capaddr_t cap)
{
	uint64_t m[LMP_WORDS] = { hdr | (uint64_t)n << 32 };

	memcpy(&m[1], w, 3 * sizeof(w[0]));
	return lmp_send(TX_EP, cap ? LMP_SEND_CAP : 0, cap, m);
}

/* What the server must refuse, in its order (idltest.c). */
static int hostile(void)
{
	const uint64_t w[3] = { 3, 0x6867666564636261ull /* "abcdefgh" */, 0 };

	if (raw(idl_hdr_first(200, 0, false), 0, w, 0))			/* unknown number */
		return 20;
	if (raw(idl_hdr_first(IF_TEST_TEXT, 2, false) | IDL_HDR_RESERVED, 2, w, 0))
		return FAILED(21);						/* reserved bits */
	if (raw(idl_hdr_next(IF_TEST_BLOB, 1), 3, w, 0))		/* nothing begun */
		return 22;
	if (raw(idl_hdr_first(IF_TEST_NAME, 2, false), 2, w, 0))	/* no NUL */
		return 23;
	if (raw(idl_hdr_first(IF_TEST_SCALARS, 3, false), 3, w, 0))	/* wrong length */
		return 24;
	if (raw(idl_hdr_first(IF_TEST_TEXT, 2, true), 2, w, CAP_SLOT))	/* a capability */
		return 25;						/* where none goes */
	if (raw(0xDEADBEEFu, 0, w, 0))					/* garbage */
		return 26;
	if (raw(idl_hdr_first(IF_TEST_NAME, 2, false), 5, w, 0))	/* 5 words of 3 */
		return 27;
	if (raw(idl_hdr_first(IF_TEST_BLOB, 10, false), 3, w, 0))	/* cut short */
		return 28;
	return 0;
}

int idl_lmp_client(void)
{
	struct idl_lmp l;
	const uint8_t *back;
	size_t len;
	uint64_t sum;
	err_t status;
	uint32_t core;
	capaddr_t frame;
	volatile uint64_t *va;
	int failed;

	if (idl_lmp_init(&l, TX_EP, RX_EP, CAP_SLOT) ||
	    if_test_init(&tb, &idl_lmp_transport, &l, idl_lmp_wait))
		return FAILED(1);
	/* A message; an rpc. */
	if (if_test_text_send(&tb.b, UPROG_IDL_TEXT))
		return FAILED(2);
	if (if_test_add_call(&tb.b, 2, 3, &sum) || sum != 5)
		return FAILED(3);
	/* 4 KiB: 171 fragments of 3 words, put back together there. */
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);
	if (if_test_blob_send(&tb.b, data, sizeof(data)))
		return FAILED(4);
	/* Fragmented both ways: the server answers every byte ^ 0x5A. */
	if (if_test_echo_call(&tb.b, data, 2000, &back, &len) || len != 2000)
		return FAILED(5);
	for (size_t i = 0; i < len; i++)
		if (back[i] != (data[i] ^ 0x5A))
			return FAILED(6);
	/* A capability in a reply: a frame the server wrote its magic into. */
	if (if_test_lookup_call(&tb.b, "frame", &status, &core, &frame) || status != OK ||
	    frame != CAP_SLOT)
		return FAILED(7);
	if (window_map_page(frame, (void **)&va) || va[0] != UPROG_IDL_MAGIC)
		return FAILED(8);
	/* ... and one in a message, back (a copy: ours stays). */
	if (if_test_give_send(&tb.b, frame, 4096))
		return FAILED(9);
	if ((failed = hostile()))
		return failed;
	/* The binding still works both ways. */
	if (if_test_name_send(&tb.b, "still here"))
		return FAILED(30);
	if (if_test_add_call(&tb.b, 40, 2, &sum) || sum != 42)
		return FAILED(31);
	return 0;
}
