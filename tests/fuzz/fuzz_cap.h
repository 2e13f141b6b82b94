/*
 * The libFuzzer target for lib/cap.c, in three files:
 *   fuzz_cap.c        the world (a small CSpace), the operations decoded
 *                     from the input, and the driver that checks each one
 *   fuzz_cap_model.c  the reference model: what each operation must return
 *   fuzz_cap_check.c  the hooks (which objects and CNodes are alive) and
 *                     the invariants of lib/cap.h over every live slot
 * Any violation is a __builtin_trap().
 *
 * Like tests/host/cap_hooks.h: no <stdlib.h> or <sys/types.h> here.
 */
#ifndef TESTS_FUZZ_FUZZ_CAP_H
#define TESTS_FUZZ_FUZZ_CAP_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/cap.h"

#define ASSERT(c)	do { if (!(c)) __builtin_trap(); } while (0)
/* The checks run after every operation and would dominate the run time if
 * instrumented; coverage of lib/cap.c is what should guide the fuzzer. */
#define CHECKER		__attribute__((no_sanitize("coverage")))

#define RAM_PA		0x200000ull
#define RAM_BYTES	(512 * 1024ull)

/* ---- The world (fuzz_cap.c) ---- */

extern struct cte boot[2];		/* RAM root, root CNode */

/* ---- The checker (fuzz_cap_check.c) ---- */

/* A new world: no live objects, CNodes or memory; the hooks are the
 * checker's. */
void check_reset(void);
/* An object made outside retype (cap_install_root) is alive. */
void obj_add(const struct cap *c);
/* Checks every slot of every live CNode; returns the number of full ones.
 * Sets remote_slots to the number of them with CAPF_REMOTE. */
unsigned check_world(void);
extern unsigned remote_slots;
/* Every slot of every live CNode, and the hooks' counters, in one hash. */
uint64_t world_hash(void);
/* Does a descendant of c have CAPF_REMOTE? By walking up from every
 * flagged slot of the last check_world() or world_hash(). */
bool remote_below_by_scan(const struct cte *c);
/*
 * The flagged slots deleted since the last call, each of which the delete
 * hook saw being emptied out of a live CNode: checks that each of those
 * CNodes has been destroyed since, and returns their number.
 */
unsigned remote_slots_gone(void);

/* ---- The reference model (fuzz_cap_model.c) ---- */

err_t expect_copy(const struct cte *dst, const struct cte *src);
err_t expect_mint(const struct cte *dst, const struct cte *src, uint64_t badge);
err_t expect_move(const struct cte *dst, const struct cte *src);
err_t expect_retype(const struct cte *src, unsigned type, uint64_t off,
		    uint64_t objsize, unsigned count, const struct cte *dst);
err_t expect_lookup(capaddr_t a, struct cte **out);
err_t expect_delete(const struct cte *c);
err_t expect_revoke(const struct cte *c);
err_t expect_set_remote(const struct cte *c);

#endif
