/*
 * make bench-host's interface lines: what one rpc of one fragment each
 * way costs the interface runtime (lib/idl.c and the stubs that
 * tools/idlgen.py makes of if/test.if's `add`) on this machine's real
 * cores, beside the same request packed by hand. Both go through a
 * loopback in one thread: a fragment sent is put in the other side's
 * inbox, and the client's wait hook runs the server (its receive, decode,
 * handler and reply). So no kernel, no address-space switch and no LMP
 * are in either figure: only what the generated code and the runtime add.
 * Inside Flotilla, make bench's moncall_packed and moncall_idl lines time
 * the whole request to a monitor under QEMU, where each address-space
 * switch empties the emulator's TLB and the rpc's extra code pays for the
 * pages it touches (docs/interfaces.md, "Cost"). Prints BENCH lines in
 * lib/bench.c's format.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "lib/bench.h"
#include "lib/idl.h"
#include "if_test.h"

/* One side's inbox: the fragments the other side sent, in order. */
struct loop {
	struct idl_frag q[8];
	unsigned head, tail;
	struct loop *peer;
};

static err_t loop_send(void *tp, const struct idl_frag *f)
{
	struct loop *peer = ((struct loop *)tp)->peer;

	if (peer->tail - peer->head == 8)
		return ERR_WOULD_BLOCK;
	peer->q[peer->tail++ % 8] = *f;
	return OK;
}

static err_t loop_recv(void *tp, struct idl_frag *f, bool block)
{
	struct loop *l = tp;

	(void)block;
	if (l->head == l->tail)
		return ERR_WOULD_BLOCK;
	*f = l->q[l->head++ % 8];
	return OK;
}

/* Fragments of LMP's size (3 words beside the header), as moncall's. */
static const struct idl_transport loop_transport = {
	.name = "loop", .frag_words = 3, .frag_words_cap = 3,
	.send = loop_send, .recv = loop_recv,
};

static struct if_test_binding client, server;
static struct loop client_in, server_in;

static err_t on_add(struct idl_binding *b, uint64_t a, uint64_t x)
{
	return if_test_add_reply(b, a + x);
}

static const struct if_test_handlers handlers = { .add_call = on_add };

/* The client waits for its reply: the server takes the call now. */
static err_t run_server(struct idl_binding *b, enum idl_wait why)
{
	(void)b;
	(void)why;
	return if_test_poll(&server.b, &handlers);
}

/* The same request packed by hand: an operation word and two arguments
 * in, the status and the sum out, as flotilla/monitor.h's packed form. */
static __attribute__((noinline)) void packed_server(const uint64_t w[4], uint64_t r[4])
{
	r[0] = w[0] == 1 ? OK : (uint64_t)ERR_BAD_MESSAGE;
	r[1] = w[1] + w[2];
}

static __attribute__((noinline)) err_t packed_add(uint64_t a, uint64_t x, uint64_t *sum)
{
	const uint64_t w[4] = { 1, a, x, 0 };
	uint64_t r[4];

	packed_server(w, r);
	*sum = r[1];
	return (err_t)r[0];
}

int main(int argc, char **argv)
{
	char *end = NULL;
	size_t n = argc > 1 ? strtoul(argv[1], &end, 0) : 100000;
	uint64_t *s, sum = 0, i = 0, bad = 0;

	if (argc > 2 || (argc > 1 && (*end || !n))) {
		fprintf(stderr, "usage: idl_bench [N]  (N > 0 timed rpcs, 100000 unless given)\n");
		return 2;
	}
	s = calloc(n, sizeof(*s));
	client_in.peer = &server_in;
	server_in.peer = &client_in;
	if (!s || if_test_init(&client, &loop_transport, &client_in, run_server) ||
	    if_test_init(&server, &loop_transport, &server_in, NULL)) {
		fprintf(stderr, "idl_bench: no memory for %zu samples\n", n);
		return 1;
	}
	TIME_EACH(s, BENCH_WARMUP, n, bad += packed_add(i, 1, &sum) != OK, bad += sum != i++ + 1);
	bench_report("host_packed_call", NULL, s, n, 1);
	i = 0;
	TIME_EACH(s, BENCH_WARMUP, n, bad += if_test_add_call(&client.b, i, 1, &sum) != OK,
		  bad += sum != i++ + 1);
	bench_report("host_idl_rpc", NULL, s, n, 1);
	free(s);
	if (bad || client.b.bad || server.b.bad) {
		fprintf(stderr, "idl_bench: %llu wrong answers\n", (unsigned long long)bad);
		return 1;
	}
	return 0;
}
