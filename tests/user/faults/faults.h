/*
 * make faults' campaign (docs/supervision.md, "The fault-injection
 * campaign"): one program, three roles, chosen by its argument's low
 * four bits.
 *
 *   FLT_SERVICE  the supervised service: it exports FLT_SVC and answers
 *                every request on every channel bound to it. It is a test
 *                program, so it also obeys the injector's commands: it
 *                reads FLT_CMD from the name service at every beat, and a
 *                command addressed to its own instance makes it fault on
 *                purpose (the five kinds of tests/lib/testfault.c) or hang
 *                (spin without beating, so that only its supervisor's
 *                heartbeat bound can find it).
 *   FLT_CLIENT   a client (one per core): a steady stream of requests,
 *                one at a time, each with a unique id, and a report of
 *                how each ended to the driver over FLT_CTL.
 *   FLT_DRIVER   the campaign: the service's supervisor (a tree of
 *                usr/lib/superv.c, specs in init's syntax), the
 *                injector and the books of every request.
 *
 * Ids: an instance of the service is named by its start time (FLT_GEN
 * holds the running one's); a request by (client, seq), seq counting
 * from 1 in each client.
 */
#ifndef TESTS_USER_FAULTS_H
#define TESTS_USER_FAULTS_H

#include <stdint.h>
#include <flotilla/caps.h>

enum flt_role { FLT_SERVICE = 1, FLT_CLIENT = 2, FLT_DRIVER = 3 };
#define FLT_ROLE(arg)		((unsigned)((arg) & 0xF))
/* The driver's argument: role | injections << 4 | seed << 32. */
#define FLT_N(arg)		((unsigned)(((arg) >> 4) & 0xFFFFFFF))
#define FLT_SEED(arg)		((uint32_t)((arg) >> 32))
#define FLT_N_MAX		0x7FFFFFF
#define FLT_SEED_MAX		0x7FFFFFFFu

#define FLT_SVC			"flt.svc"	/* exported by the service */
#define FLT_GEN			"flt.gen"	/* name service: the running instance */
#define FLT_CMD			"flt.cmd"	/* name service: inst << 8 | command */
#define FLT_CTL			"flt.ctl"	/* exported by the driver */

/* What the injector does to an instance; FLT_KILL is MON_KILL, the rest
 * commands (1..5 are fault_on_purpose's kinds). */
enum flt_inject { FLT_KILL = 0, FLT_FAULT_FIRST = 1, FLT_FAULT_LAST = 5, FLT_HANG = 6,
		  FLT_KINDS = 7 };
#define FLT_INST_MASK		0x00FFFFFFFFFFFFFFull

/* Client <-> service message types. */
#define T_HELLO		1	/* () -> (inst) */
#define T_REQ		2	/* (seq, x) -> (seq, flt_answer(seq, x), inst) */
#define T_BYE		6	/* (): the client closes; the service closes its end
				 * too, so that the monitors take the channel back
				 * (they do once both ends have closed) */

/* Client <-> driver message types. */
#define T_END		3	/* client: (seq, enum flt_end, inst) */
#define T_DONE		4	/* client: (last seq sent, retiring) */
#define T_STOP		5	/* driver: finish the request under way, report, exit */

enum flt_end { FLT_ANSWERED = 1, FLT_ERR_RESTART, FLT_ERR_LOST, FLT_WRONG };

/* The right answer: anything a broken service could not guess. */
static inline uint64_t flt_answer(uint64_t seq, uint64_t x)
{
	uint64_t z = x ^ (seq * 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	return z ^ (z >> 31);
}

/* How often the service beats and reads its commands, and how often a
 * waiting client looks whether its instance still runs. */
#define FLT_BEAT_NS		(50ull * 1000 * 1000)
#define FLT_LOOK_NS		(100ull * 1000 * 1000)
/* A request its instance still runs after this long is lost: a deadline
 * far above an answer's milliseconds and the heartbeat bound (a hung
 * instance is replaced within FLT_HB_MS), not a timing. */
#define FLT_LOST_NS		(30ull * 1000 * 1000 * 1000)
#define FLT_HB_MS		2000
/* Channels mapped per process: a client retires (and the driver starts
 * another in its place) before its window of 512 pages runs out. */
#define FLT_REBINDS_MAX		480

int flt_service(void);
int flt_client(unsigned index);
int flt_driver(unsigned n, uint32_t seed);

#endif
