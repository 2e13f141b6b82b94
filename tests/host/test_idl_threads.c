/*
 * The interface stubs (if/test.if) between two threads pinned to two
 * CPUs, over URPC: a stream of every kind of message, and rpcs against a
 * server thread. Each side checks that nothing is lost, duplicated,
 * reordered or corrupted. Fixtures: idl_fixture.h.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/test.h"
#include "cpus.h"
#include "urpc_msgs.h"
#include "lib/idl.h"
#include "if_test.h"
#include "idl_fixture.h"

/* ---- Two threads on two CPUs ---- */

#define STALL_SECONDS	60
#define STREAM_N	20000

struct worker {
	int cpu;
	int *stop;			/* __atomic: set on the first failure */
	double since;			/* when this thread last saw progress */
	unsigned spins;
	char why[200];
};

/* Both sides' wait hook: spin a little, yield now and then (the peer may
 * share our CPU), and give up when the other thread failed or nothing
 * moved for STALL_SECONDS. */
static err_t spin_wait(struct idl_binding *b, enum idl_wait why)
{
	struct worker *w = b->user;

	if (__atomic_load_n(w->stop, __ATOMIC_ACQUIRE))
		return ERR_TIMEOUT;
	if (++w->spins % 64)
		__builtin_ia32_pause();
	else
		sched_yield();
	if (w->spins % 4096 == 0) {
		double t = now_s();
		if (w->since == 0)
			w->since = t;
		else if (t - w->since > STALL_SECONDS) {
			snprintf(w->why, sizeof(w->why), "no progress for %d s", STALL_SECONDS);
			__atomic_store_n(w->stop, 1, __ATOMIC_RELEASE);
			return ERR_TIMEOUT;
		}
	}
	return OK;
}

static void progress(struct worker *w)
{
	w->since = 0;
}

/* Message i of the stream: its kind and contents follow from i. */
static void stream_text(uint64_t i, char *buf, size_t len)
{
	for (size_t j = 0; j < len; j++)
		buf[j] = (char)('a' + mix(i + j) % 26);
	buf[len] = 0;
}

static err_t send_nth(struct idl_binding *b, uint64_t i, uint8_t *scratch)
{
	uint64_t r = mix(i);
	size_t len;

	switch (r % 6) {
	case 0:
		return if_test_empty_send(b);
	case 1:
		return if_test_scalars_send(b, (uint8_t)r, (uint16_t)(r >> 8), (uint32_t)(r >> 16),
					    i, -(int64_t)i, r & 1, (err_t)(r >> 40));
	case 2:
		len = (r >> 8) % 257;
		stream_text(i, (char *)scratch, len);
		return if_test_text_send(b, (char *)scratch);
	case 3:
		len = (r >> 8) % 4097;
		for (size_t j = 0; j < len; j++)
			scratch[j] = (uint8_t)mix(i * 4099 + j);
		return if_test_blob_send(b, scratch, len);
	case 4:
		len = (r >> 8) % 41;
		stream_text(i, (char *)scratch, len);
		return if_test_mixed_send(b, (uint32_t)i, (char *)scratch, scratch, (r >> 20) % 101,
					  true);
	default:
		len = (r >> 8) % 17;
		stream_text(i, (char *)scratch, len);
		return if_test_name_send(b, (char *)scratch);
	}
}

static bool is_nth(const struct if_test_msg *m, uint64_t i, uint8_t *scratch)
{
	uint64_t r = mix(i);
	size_t len;

	switch (r % 6) {
	case 0:
		return m->num == IF_TEST_EMPTY;
	case 1:
		return m->num == IF_TEST_SCALARS && m->scalars.u8 == (uint8_t)r &&
		       m->scalars.u16 == (uint16_t)(r >> 8) &&
		       m->scalars.u32 == (uint32_t)(r >> 16) &&
		       m->scalars.u64 == i && m->scalars.i64 == -(int64_t)i &&
		       m->scalars.flag == (r & 1) && m->scalars.e == (err_t)(r >> 40);
	case 2:
		len = (r >> 8) % 257;
		stream_text(i, (char *)scratch, len);
		return m->num == IF_TEST_TEXT && strcmp(m->text.s, (char *)scratch) == 0;
	case 3:
		len = (r >> 8) % 4097;
		for (size_t j = 0; j < len; j++)
			scratch[j] = (uint8_t)mix(i * 4099 + j);
		return m->num == IF_TEST_BLOB && m->blob.data_len == len &&
		       memcmp(m->blob.data, scratch, len) == 0;
	case 4:
		len = (r >> 8) % 41;
		stream_text(i, (char *)scratch, len);
		return m->num == IF_TEST_MIXED && m->mixed.tag == (uint32_t)i &&
		       strcmp(m->mixed.label, (char *)scratch) == 0 &&
		       m->mixed.data_len == (r >> 20) % 101 &&
		       memcmp(m->mixed.data, scratch, m->mixed.data_len) == 0 && m->mixed.last;
	default:
		len = (r >> 8) % 17;
		stream_text(i, (char *)scratch, len);
		return m->num == IF_TEST_NAME && strcmp(m->name.s, (char *)scratch) == 0;
	}
}

struct duo {
	struct fix *x;
	int stop;
	struct worker w[2];
	uint64_t n;
	unsigned calls;
};

static void fail_worker(struct worker *w, const char *what, uint64_t i, err_t err)
{
	if (!w->why[0])
		snprintf(w->why, sizeof(w->why), "%s at %llu: %s", what, (unsigned long long)i,
			 err_name(err));
	__atomic_store_n(w->stop, 1, __ATOMIC_RELEASE);
}

static void *stream_sender(void *arg)
{
	struct duo *d = arg;
	struct worker *w = &d->w[0];
	uint8_t *scratch = malloc(4097);
	err_t err;

	pin(w->cpu);
	for (uint64_t i = 0; scratch && i < d->n; i++) {
		if ((err = send_nth(&d->x->a, i, scratch))) {
			fail_worker(w, "send", i, err);
			break;
		}
		progress(w);
	}
	free(scratch);
	return NULL;
}

static void *stream_receiver(void *arg)
{
	struct duo *d = arg;
	struct worker *w = &d->w[1];
	uint8_t *scratch = malloc(4097);
	struct if_test_msg m;
	err_t err;

	pin(w->cpu);
	for (uint64_t i = 0; scratch && i < d->n;) {
		err = if_test_recv(&d->x->b, &m);
		if (err == ERR_WOULD_BLOCK) {
			if (spin_wait(&d->x->b, IDL_WAIT_RECV))
				break;
			continue;
		}
		if (err || !is_nth(&m, i, scratch)) {
			fail_worker(w, err ? "receive" : "wrong message", i, err);
			break;
		}
		progress(w);
		i++;
	}
	free(scratch);
	return NULL;
}

static struct duo *duo_new(unsigned slots, uint64_t n)
{
	struct duo *d = calloc(1, sizeof(*d));
	int cpu[2];

	if (!d || !(d->x = fix_urpc(slots, spin_wait))) {
		free(d);
		return NULL;
	}
	pick_cpus(cpu);
	for (int k = 0; k < 2; k++) {
		d->w[k].cpu = cpu[k];
		d->w[k].stop = &d->stop;
	}
	d->x->a.user = &d->w[0];
	d->x->b.user = &d->w[1];
	d->n = n;
	return d;
}

static void duo_free(struct duo *d)
{
	fix_free(d->x);
	free(d);
}

static void duo_run(struct duo *d, void *(*f0)(void *), void *(*f1)(void *))
{
	pthread_t t[2];

	pthread_create(&t[0], NULL, f0, d);
	pthread_create(&t[1], NULL, f1, d);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
}

TEST(a_stream_of_every_kind_between_two_threads)
{
	struct duo *d = duo_new(16, STREAM_N);	/* blob: 74 fragments, 16 slots */

	CHECK(d);
	duo_run(d, stream_sender, stream_receiver);
	if (d->w[0].why[0] || d->w[1].why[0]) {
		test_fail("sender: %s; receiver: %s", d->w[0].why, d->w[1].why);
		duo_free(d);
		return;
	}
	CHECK_EQ(d->x->a.msgs_sent, STREAM_N);
	CHECK_EQ(d->x->b.msgs_received, STREAM_N);
	CHECK_EQ(d->x->b.bad, 0);
	CHECK_EQ(d->x->a.cut, 0);
	duo_free(d);
}

/* The server thread's handlers: its binding's user is its worker. */
static err_t thr_add(struct idl_binding *b, uint64_t x, uint64_t y)
{
	return if_test_add_reply(b, x + y);
}

static err_t thr_echo(struct idl_binding *b, const uint8_t *data, size_t len)
{
	return if_test_echo_reply(b, data, len);
}

static const struct if_test_handlers thread_handlers = {
	.add_call = thr_add,
	.echo_call = thr_echo,
};

static void *rpc_server(void *arg)
{
	struct duo *d = arg;
	struct worker *w = &d->w[1];
	struct idl_binding *b = &d->x->b;
	err_t err;

	pin(w->cpu);
	while (!__atomic_load_n(&d->stop, __ATOMIC_ACQUIRE)) {
		uint64_t before = b->msgs_received;
		if ((err = if_test_poll(b, &thread_handlers))) {
			fail_worker(w, "poll", b->msgs_received, err);
			break;
		}
		if (b->msgs_received != before)
			progress(w);
		else if (spin_wait(b, IDL_WAIT_RECV))
			break;
	}
	return NULL;
}

static void *rpc_client(void *arg)
{
	struct duo *d = arg;
	struct worker *w = &d->w[0];
	struct idl_binding *b = &d->x->a;
	uint8_t *data = malloc(2000);
	const uint8_t *back;
	size_t back_len;
	uint64_t sum;
	err_t err;

	pin(w->cpu);
	for (uint64_t i = 0; data && i < d->n; i++) {
		if (i % 10 == 0) {
			size_t len = mix(i) % 2001;
			for (size_t j = 0; j < len; j++)
				data[j] = (uint8_t)mix(i + j);
			err = if_test_echo_call(b, data, len, &back, &back_len);
			if (!err && (back_len != len || memcmp(back, data, len))) {
				fail_worker(w, "echo came back wrong", i, OK);
				break;
			}
		} else {
			err = if_test_add_call(b, i, mix(i), &sum);
			if (!err && sum != i + mix(i)) {
				fail_worker(w, "wrong sum", i, OK);
				break;
			}
		}
		if (err) {
			fail_worker(w, "call", i, err);
			break;
		}
		d->calls++;
		progress(w);
	}
	free(data);
	__atomic_store_n(&d->stop, 1, __ATOMIC_RELEASE);
	return NULL;
}

TEST(rpcs_between_two_threads)
{
	struct duo *d = duo_new(16, 5000);

	CHECK(d);
	duo_run(d, rpc_client, rpc_server);
	if (d->w[0].why[0] || d->w[1].why[0]) {
		test_fail("client: %s; server: %s", d->w[0].why, d->w[1].why);
		duo_free(d);
		return;
	}
	CHECK_EQ(d->calls, 5000);
	CHECK_EQ(d->x->a.bad + d->x->b.bad, 0);
	CHECK_EQ(d->x->a.dropped, 0);
	duo_free(d);
}
