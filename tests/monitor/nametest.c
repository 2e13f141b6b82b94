/*
 * The name service (names.c) and requests from processes (moncall.c),
 * tested from core 0: every monitor holds a replica; names registered
 * anywhere are found everywhere; a lookup is answered by the asker's own
 * replica and sends no message; registrations of one name raced from a
 * process on every core at once commit exactly once and leave every
 * replica the same; malformed operations are refused by every replica
 * and counted; bad requests get errors and the monitor keeps answering.
 */
#include <stdio.h>
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/monitor.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/uprog.h>
#include "lib/test.h"
#include "usr/monitor/agreeview.h"
#include "tests/monitor/mtest.h"

#define RACE_ROUNDS	3

/* Every core's replica answers `name` with (err, core, value), and its
 * lookup sent no message. */
static bool every_replica(const char *name, err_t want, unsigned core, uint64_t value)
{
	for (unsigned c = 0; c < mesh_cores(); c++) {
		unsigned got_core = ~0u;
		uint64_t got_value = ~0ull, sent = ~0ull;
		err_t err = names_lookup_on(c, name, &got_core, &got_value, &sent);

		if (err != want || sent != 0 ||
		    (want == OK && (got_core != core || got_value != value))) {
			test_fail("core %u's replica: %s: %s, core %u value %llu, %llu messages sent; "
				  "want %s, core %u value %llu, none sent", c, name, err_name(err),
				  got_core, (unsigned long long)got_value,
				  (unsigned long long)sent, err_name(want), core,
				  (unsigned long long)value);
			return false;
		}
	}
	return true;
}

TEST(names_are_found_from_every_core_and_processes_ask_their_monitor)
{
	unsigned last = mesh_cores() - 1, core;
	uint64_t value;
	char svc[16];

	CHECK_ERR(names_register(UPROG_NS_HUB, UPROG_NS_HUB_VALUE), OK);
	CHECK_ERR(names_register(UPROG_NS_HUB, 1), ERR_NAME_IN_USE);
	CHECK_ERR(names_lookup(UPROG_NS_HUB, &core, &value), OK);
	CHECK(core == 0 && value == UPROG_NS_HUB_VALUE);
	CHECK_ERR(names_lookup("", &core, &value), ERR_BAD_MESSAGE);

	/* A process on every other core: its monitor answers from its replica. */
	for (unsigned k = 1; k <= last; k++) {
		struct rproc p;
		int status = -1;
		bool faulted = true;

		CHECK_ERR(remote_spawn(k, "uprog", UPROG_MONITOR_CALLS, NULL, &p), OK);
		CHECK_ERR(remote_wait(&p, &status, &faulted), OK);
		CHECK(!faulted);
		if (status != 0)
			test_fail("uprog on core %u: check %d failed", k, status);
		snprintf(svc, sizeof(svc), "svc%u", k);
		CHECK_ERR(names_lookup(svc, &core, &value), OK);
		CHECK(core == k && value == UPROG_NS_VALUE(k));
		CHECK_ERR(names_remove(svc), ERR_NOT_FOUND);	/* core k's, not ours */
	}
	/* And one on this core, whose requests come to this monitor while
	 * the test serves its endpoint. */
	if (last > 0) {
		struct proc p;
		int status = -1;
		CHECK_ERR(spawn_program("uprog", UPROG_MONITOR_CALLS, &p), OK);
		CHECK_ERR(serve_until_stopped(&p, &status), OK);
		if (status != 0)
			test_fail("uprog on core 0: check %d failed", status);
		CHECK_ERR(proc_kill(&p), OK);
		CHECK_ERR(names_lookup("svc0", &core, &value), OK);
		CHECK(core == 0 && value == UPROG_NS_VALUE(0));
		CHECK_ERR(names_remove("svc0"), OK);
	}
	CHECK_ERR(names_remove(UPROG_NS_HUB), OK);
	CHECK_ERR(names_remove(UPROG_NS_HUB), ERR_NOT_FOUND);
	CHECK_ERR(names_lookup(UPROG_NS_HUB, &core, &value), ERR_NOT_FOUND);
}

/*
 * Counted on the mesh: registering sends messages (the agreement), and a
 * lookup on any core sends none. Each core's replica is read through
 * ns_get, whose answer says how many messages that core sent for the
 * lookup. Every replica has the name by then: core 0 coordinates, and its
 * DECIDE to each core went before the ns_get on the same channel.
 */
TEST(names_are_looked_up_in_the_local_replica_without_a_message)
{
	const char *name = "lookup.local.a-name-longer-than-two-words";
	uint64_t before = mesh_sent();

	CHECK_ERR(names_register(name, 77), OK);
	if (mesh_cores() > 1)
		CHECK(mesh_sent() > before);	/* the counter counts */
	CHECK(every_replica(name, OK, 0, 77));
	CHECK(every_replica("lookup.nobody", ERR_NOT_FOUND, 0, 0));
	CHECK_ERR(names_remove(name), OK);
	CHECK(every_replica(name, ERR_NOT_FOUND, 0, 0));
}

/*
 * A process on every core (this one included) waits for the go, a name
 * that every replica gets at about the same moment, and then registers one
 * name at once; RACE_ROUNDS rounds. Exactly one may get it, the others
 * ERR_NAME_IN_USE, and every replica must then say it is the winner's.
 */
TEST_CORES(names_raced_from_every_core_are_registered_exactly_once, 2)
{
	static struct rproc r[MAX_MESH_CORES];
	unsigned n = mesh_cores();

	for (unsigned round = 0; round < RACE_ROUNDS; round++) {
		char go[NS_NAME_MAX + 1], name[NS_NAME_MAX + 1];
		unsigned winners = 0, winner = 0;
		struct proc p;
		int status;

		snprintf(go, sizeof(go), UPROG_NS_GO_FMT, round);
		snprintf(name, sizeof(name), UPROG_NS_RACE_FMT, round);
		for (unsigned c = 0; c < n; c++)
			CHECK_ERR(uprog_start(c, UPROG_NS_RACE | round << 8, &r[c], &p), OK);
		CHECK_ERR(names_register(go, 0), OK);
		for (unsigned c = 0; c < n; c++) {
			status = -1;
			CHECK_ERR(uprog_finish(c, &r[c], &p, &status), OK);
			if (status == 0) {
				winners++;
				winner = c;
			} else if (status != 1) {
				test_fail("round %u: the racer on core %u ended %d", round, c, status);
			}
		}
		if (winners != 1)
			test_fail("round %u: %u racers got the name, want exactly 1", round, winners);
		CHECK(every_replica(name, OK, winner, UPROG_NS_VALUE(winner)));
		/* The winner's core takes it back: only it may. */
		if (winner != 0)
			CHECK_ERR(names_remove(name), ERR_NOT_FOUND);
		CHECK_ERR(uprog_start(winner, UPROG_NS_RACE | round << 8 | UPROG_NS_REMOVE, &r[winner],
				      &p), OK);
		status = -1;
		CHECK_ERR(uprog_finish(winner, &r[winner], &p, &status), OK);
		CHECK(status == 0);
		CHECK_ERR(names_remove(go), OK);
		CHECK(every_replica(name, ERR_NOT_FOUND, 0, 0));
	}
}

/* A well-formed operation's payload, to be spoilt. */
static struct ns_op good_op(const char *name)
{
	struct ns_op op = { .kind = AGREE_OP_NS_REGISTER, .core = 0, .value = 5 };

	memcpy(op.name, name, strlen(name));
	return op;
}

/*
 * Operations no monitor would submit (an unknown kind, a name too long,
 * empty or with bytes after its NUL, a core that does not exist, padding
 * not zero, a length the operation cannot have), submitted to the
 * agreement as they are: refused as malformed (ERR_BAD_MESSAGE) and
 * counted, applied nowhere; the service then still works.
 */
TEST(names_malformed_operations_are_refused_and_counted)
{
	const char *name = "malformed.op";
	unsigned before = agreeview_malformed();
	struct ns_op op;

	op = good_op(name);
	op.kind = 99;
	CHECK_ERR(agreeview_change(&op, sizeof(op)), ERR_BAD_MESSAGE);
	op = good_op(name);
	memset(op.name, 'x', sizeof(op.name));			/* no NUL */
	CHECK_ERR(agreeview_change(&op, sizeof(op)), ERR_BAD_MESSAGE);
	op = good_op("");
	CHECK_ERR(agreeview_change(&op, sizeof(op)), ERR_BAD_MESSAGE);
	op = good_op(name);
	op.name[NS_NAME_MAX - 1] = 'x';				/* after the NUL */
	CHECK_ERR(agreeview_change(&op, sizeof(op)), ERR_BAD_MESSAGE);
	op = good_op(name);
	op.core = (uint8_t)mesh_cores();
	CHECK_ERR(agreeview_change(&op, sizeof(op)), ERR_BAD_MESSAGE);
	op = good_op(name);
	op.pad[3] = 1;
	CHECK_ERR(agreeview_change(&op, sizeof(op)), ERR_BAD_MESSAGE);
	op = good_op(name);
	CHECK_ERR(agreeview_change(&op, sizeof(op) - 1), ERR_BAD_MESSAGE);
	CHECK_ERR(agreeview_change(&op, 0), ERR_BAD_MESSAGE);
	CHECK_EQ(agreeview_malformed(), before + 8);
	CHECK(every_replica(name, ERR_NOT_FOUND, 0, 0));
	/* Bad names from this monitor itself never reach the agreement. */
	CHECK_ERR(names_register("", 1), ERR_BAD_MESSAGE);
	memset(op.name, 'y', sizeof(op.name));
	op.name[NS_NAME_MAX] = '\0';
	CHECK_ERR(names_register(op.name, 1), OK);		/* the longest */
	op.name[NS_NAME_MAX] = 'y';
	CHECK_ERR(names_register(op.name, 1), ERR_BAD_MESSAGE);	/* one more */
	CHECK_EQ(agreeview_malformed(), before + 8);
	/* The service still works. */
	op.name[NS_NAME_MAX] = '\0';
	CHECK(every_replica(op.name, OK, 0, 1));
	CHECK_ERR(names_remove(op.name), OK);
	CHECK_ERR(names_register(name, 3), OK);
	CHECK(every_replica(name, OK, 0, 3));
	CHECK_ERR(names_remove(name), OK);
}
