/*
 * make bench-host's interface lines: what one rpc of one fragment each
 * way costs the interface runtime (lib/idl.c and the stubs that
 * tools/idlgen.py makes of if/test.if's `add`) on this machine's real
 * cores, beside the same request packed by hand. Both go through the
 * same loopback in one thread: a fragment sent is put in the other
 * side's inbox. For the rpc the client's wait hook runs the server (its
 * receive, decode, handler and reply); the packed request is one
 * fragment of three words each way, built and read by hand. So no
 * kernel, no address-space switch and no LMP are in either figure: only
 * what the generated code and the runtime add.
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

/* The client waits for its reply: the server takes the call now. A
 * wait that brought no reply (the server had nothing, or refused the
 * call) is an error, so a lost reply ends the run instead of hanging. */
static err_t run_server(struct idl_binding *b, enum idl_wait why)
{
	err_t err = if_test_poll(&server.b, &handlers);

	(void)b;
	(void)why;
	if (err)
		return err;
	return client_in.head == client_in.tail ? ERR_TIMEOUT : OK;
}

/* The same request packed by hand through the same loopback: an
 * operation word and two arguments in, the status and the sum out, as
 * flotilla/monitor.h's packed form, one fragment each way. */
static __attribute__((noinline)) void packed_server(void)
{
	struct idl_frag in, out = { .nwords = 2 };

	if (loop_recv(&server_in, &in, false))
		return;
	out.w[0] = in.w[0] == 1 && in.nwords == 3 ? OK : (uint64_t)ERR_BAD_MESSAGE;
	out.w[1] = in.w[1] + in.w[2];
	loop_send(&server_in, &out);
}

static __attribute__((noinline)) err_t packed_add(uint64_t a, uint64_t x, uint64_t *sum)
{
	struct idl_frag f = { .nwords = 3, .w = { 1, a, x } };

	if (loop_send(&client_in, &f))
		return ERR_WOULD_BLOCK;
	packed_server();
	if (loop_recv(&client_in, &f, false) || f.nwords != 2)
		return ERR_NO_REPLY;
	*sum = f.w[1];
	return (err_t)f.w[0];
}

int main(int argc, char **argv)
{
	char *end = NULL;
	size_t n = argc > 1 ? strtoul(argv[1], &end, 0) : 100000;
	uint64_t *s, sum = 0, i = 0, bad = 0;

	if (argc > 2 || (argc > 1 && (*end || !n || argv[1][0] == '-'))) {
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
	if (bad || client.b.bad || server.b.bad || server.b.refused) {
		fprintf(stderr, "idl_bench: %llu wrong answers\n", (unsigned long long)bad);
		return 1;
	}
	return 0;
}
