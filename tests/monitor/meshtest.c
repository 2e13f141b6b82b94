/*
 * The monitors' interface (if/intermon.if, mesh.c) against a hostile or
 * buggy peer, tested from core 0 on the last core: malformed fragments
 * (an unknown message number, a length the message cannot have, a string
 * without its NUL or over its bound, non-zero padding, a field out of
 * range, reserved header bits, a later fragment with nothing begun, a
 * message cut short, garbage) and well-formed messages that make no sense
 * (a core joining for another, an answer nobody asked for). The test
 * plays the peer by writing raw URPC messages into the ring (mesh_send),
 * and asks the target after each how many of its messages it dropped
 * (drops), so that each case must be dropped exactly once; the target
 * then still answers a ping and a real request. Both need a second core
 * (TEST_CORES): with one, they are skipped.
 *
 * mesh_inject and mesh_dropped_more are the other tests' helpers too
 * (remotetest.c, rcaptest.c, consoletest.c, bindtest.c).
 */
#include <stdio.h>
#include <string.h>
#include <flotilla/spawn.h>
#include <flotilla/uprog.h>
#include "lib/test.h"
#include "tests/monitor/mtest.h"

err_t mesh_inject(unsigned core, unsigned num, unsigned total, const uint64_t *w, unsigned n)
{
	return mesh_send(core, idl_hdr_first(num, total, false), w, n);
}

bool mesh_dropped_more(unsigned core, uint64_t *count, unsigned more)
{
	uint64_t now = 0;
	err_t err = mesh_drops(core, &now);

	if (err || now != *count + more) {
		printf("meshtest: core %u dropped %llu messages from this core (%s), want %llu\n",
		       core, (unsigned long long)now, err_name(err),
		       (unsigned long long)(*count + more));
		*count = now;
		return false;
	}
	*count = now;
	return true;
}

/* A string's words as they travel, packed by hand so that they can be
 * wrong: the length `len`, then `words` words holding the 8 * words
 * bytes at `bytes` (its characters, NUL and padding). */
static unsigned put_string(uint64_t *w, size_t len, const char *bytes, size_t words)
{
	w[0] = len;
	memcpy(&w[1], bytes, words * 8);
	return 1 + (unsigned)words;
}

TEST_CORES(malformed_intermon_fragments_are_dropped, 2)
{
	unsigned last = mesh_cores() - 1;
	uint64_t w[7] = { 1, 2, 3, 4, 5, 6, 7 }, seen, cycles;
	struct disp_info info;
	struct rproc bad = { .core = last, .pid = SPAWN_MAX };

	CHECK_ERR(mesh_drops(last, &seen), OK);
	/* An unknown message number. */
	CHECK_ERR(mesh_inject(last, IF_INTERMON_NMSGS, 1, w, 1), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	CHECK_ERR(mesh_inject(last, 0xFF, 0, w, 0), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	/* Lengths the message cannot have: ping is one word. */
	CHECK_ERR(mesh_inject(last, IF_INTERMON_PING, 2, w, 2), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	CHECK_ERR(mesh_inject(last, IF_INTERMON_PING, 0, w, 0), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	/* A first fragment with more words than it announces. */
	CHECK_ERR(mesh_inject(last, IF_INTERMON_PING, 1, w, 3), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	/* Reserved header bits, and no fragment marker at all. */
	CHECK_ERR(mesh_send(last, idl_hdr_first(IF_INTERMON_PING, 1, false) | IDL_HDR_RESERVED,
			     w, 1), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	CHECK_ERR(mesh_send(last, 0x7777, w, 7), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	/* A capability announced where no message has one. */
	CHECK_ERR(mesh_send(last, idl_hdr_first(IF_INTERMON_PING, 1, true), w, 2), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	/* A later fragment with nothing begun. */
	CHECK_ERR(mesh_send(last, idl_hdr_next(IF_INTERMON_SPAWN, 1), w, 3), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	/* A message cut short: spawn is two fragments; the next message (the
	 * drops request itself) ends it, refused, and is taken. */
	w[0] = 1;
	put_string(&w[1], 5, "uprog\0\0", 1);
	CHECK_ERR(mesh_inject(last, IF_INTERMON_SPAWN, 9, w, 7), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	/* Garbage: every bit set, a fragment all the same. */
	CHECK_ERR(mesh_send(last, 0xFFFFFFFFu, w, 7), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	CHECK_ERR(mesh_send(last, 0xAFFFFFFFu, w, 7), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));

	/* Well formed, but making no sense: core 0 joining as another core,
	 * an answer to drops that nobody asked for. */
	CHECK_ERR(if_intermon_join_send(mesh_to(last), last), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	CHECK_ERR(if_intermon_drops_r_send(mesh_to(last), 12345, OK, 0), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	/* A core out of range is nobody's binding. */
	CHECK_ERR(if_intermon_ping_send(mesh_to(mesh_cores()), 1), ERR_INVALID_ARG);
	CHECK_ERR(if_intermon_ping_send(mesh_to(0), 1), ERR_INVALID_ARG);	/* this core */
	CHECK_ERR(mesh_send(mesh_cores(), IF_INTERMON_PING, w, 1), ERR_INVALID_ARG);

	/* It goes on serving: a ping, and a real request. */
	CHECK_ERR(mesh_ping(last, &cycles), OK);
	CHECK_ERR(remote_info(&bad, &info), ERR_NOT_FOUND);
	CHECK(mesh_dropped_more(last, &seen, 0));
}

/* spawn's fields after the name, from w[i]: arg, has_frame, frame,
 * has_bell and bell_core in one word (docs/interfaces.md, "Encoding"),
 * bell_slot. Returns the number of words. */
static unsigned spawn_tail(uint64_t *w, unsigned i)
{
	w[i] = UPROG_ARGS;
	memset(&w[i + 1], 0, 4 * sizeof(w[0]));	/* no frame, no doorbell */
	return i + 5;
}

/* Sends `core` the n words of a spawn raw, in two fragments (7 words,
 * then the rest), as a peer that got a field wrong would. */
static err_t inject_spawn(unsigned core, const uint64_t *w, unsigned n)
{
	err_t err = mesh_inject(core, IF_INTERMON_SPAWN, n, w, 7);

	return err ? err : mesh_send(core, idl_hdr_next(IF_INTERMON_SPAWN, 1), &w[7], n - 7);
}

/* Strings and fields out of range in a request that spawns, so that a
 * string the runtime let through would start a program (and its answer,
 * unasked by then, would be dropped here instead of there). */
TEST_CORES(malformed_intermon_fields_are_dropped, 2)
{
	unsigned last = mesh_cores() - 1;
	uint64_t w[12], seen;
	uint64_t mine = mesh_dropped(last);
	unsigned n;

	CHECK_ERR(mesh_drops(last, &seen), OK);
	/* spawn(id, name, arg, has_frame, frame, has_bell, bell_core,
	 * bell_slot) with a name of 5 bytes and 1 word after the length. */
	w[0] = 7;
	/* No NUL: 8 bytes in the word where "uprog" and its NUL should be. */
	n = 1 + put_string(&w[1], 5, "uprog!!!", 1);
	n = spawn_tail(w, n);
	CHECK_ERR(inject_spawn(last, w, n), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	/* Non-zero padding after the NUL. */
	n = 1 + put_string(&w[1], 5, "uprog\0\0x", 1);
	n = spawn_tail(w, n);
	CHECK_ERR(inject_spawn(last, w, n), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	/* Over its bound: 16 characters where 15 may be. */
	n = 1 + put_string(&w[1], 16, "uprog-uprog-upro", 2);
	n = spawn_tail(w, n);
	CHECK_ERR(inject_spawn(last, w, n), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	/* A length that says more than the words hold. */
	n = 1 + put_string(&w[1], 9, "uprog\0\0", 1);
	n = spawn_tail(w, n);
	CHECK_ERR(inject_spawn(last, w, n), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	/* A bool that is 2 (has_frame), then a uint32 above 2^32 (info's pid). */
	n = 1 + put_string(&w[1], 5, "uprog\0\0", 1);
	n = spawn_tail(w, n);
	w[4] = 2;
	CHECK_ERR(inject_spawn(last, w, n), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	/* A bit that no field has, between has_bell and bell_core. */
	w[4] = 0;
	w[6] = 1ull << 8;
	CHECK_ERR(inject_spawn(last, w, n), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	w[1] = 1ull << 32;
	CHECK_ERR(mesh_inject(last, IF_INTERMON_INFO, 2, w, 2), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	/* An err that does not fit an int (an answer's status). */
	w[1] = 1ull << 40;
	CHECK_ERR(mesh_inject(last, IF_INTERMON_KILL_R, 2, w, 2), OK);
	CHECK(mesh_dropped_more(last, &seen, 1));
	/* None of them got as far as an answer: this core dropped nothing. */
	CHECK(mesh_dropped(last) == mine);
}
