/*
 * The fixtures of the capability tests (test_cap.c, test_cap_retype.c,
 * test_cap_cnode.c, test_cap_remote.c): a 16 MiB RAM capability in
 * boot[0] over a zeroed arena, scratch slots outside any CNode, a hash of
 * everything a failed operation must leave alone, and checks of the tree's
 * links (cap_fixture.c). The hooks are tests/host/cap_hooks.c.
 *
 * Like cap_hooks.h: a file that includes this header and lib/cap.h must
 * not include <stdlib.h> or <sys/types.h>.
 */
#ifndef TESTS_HOST_CAP_FIXTURE_H
#define TESTS_HOST_CAP_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/cap.h"

#define KiB 1024ull
#define MiB (1024ull * KiB)
#define PG 4096ull
#define RAM_BASE (1 * MiB)
#define RAM_SIZE (16 * MiB)
#define NSLOTS 12000

extern struct cte boot[8];		/* slots outside any CNode */
extern struct cte S[NSLOTS];		/* a scratch "CNode" outside the arena */

struct cap mkcap(unsigned type, uint8_t rights, uint64_t base, uint64_t size);
/* Zeroed arena and slots, and RAM [RAM_BASE, +RAM_SIZE) in boot[0]. */
struct cte *setup(void);
/* setup(), then the tree the revoke tests use:
 * ram -> [S0 -> [S1 -> [S3, S4 (read-only mint) -> [S5]], S2], S6]
 * (S0 and S6 frames of one page each); false if an operation failed. */
bool setup_revoke_tree(void);
/* Everything a failed operation must leave alone: boot[], S[], the hook
 * counters and the RAM's bytes. */
uint64_t world_hash(void);
unsigned nchildren(const struct cte *p);
/* Local consistency of c's links: the invariant of lib/cap.h. */
bool links_ok(const struct cte *c);
/* links_ok() of every slot of S[] and boot[]. */
bool all_links_ok(void);
/* Are the len bytes at physical address pa all zero? */
bool zeroed(uint64_t pa, uint64_t len);

#endif
