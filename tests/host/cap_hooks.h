/*
 * Host stand-ins for the hooks of lib/cap.c, linked into every host test
 * and fuzzer: physical address pa is byte pa of a 64 MiB arena, and the
 * hooks count their calls and forward them to optional callbacks, so tests
 * can see what was deleted, destroyed or created.
 *
 * This header does not include lib/cap.h: glibc's <stdlib.h> (through
 * <sys/types.h>) has its own capaddr_t, which clashes with kpi/caps.h, and
 * cap_hooks.c needs <stdlib.h>. Files that include both must not include
 * <stdlib.h> or <sys/types.h>.
 */
#ifndef TESTS_HOST_CAP_HOOKS_H
#define TESTS_HOST_CAP_HOOKS_H

#include <stdbool.h>
#include <stdint.h>

struct cte;

#define CAP_ARENA_SIZE	(64ull << 20)

struct cap_hook_counts {
	unsigned long deletes;		/* every cap_hook_delete() call */
	unsigned long last_deletes;	/* those with last == true */
	unsigned long created;		/* cap_hook_created() calls */
};

extern struct cap_hook_counts cap_hook_counts;
/* Called from the hooks when set; cleared by cap_hooks_reset(). */
extern void (*cap_hook_delete_fn)(struct cte *c, bool last);
extern void (*cap_hook_created_fn)(struct cte *c);

/* The hooks, as lib/cap.h declares them. */
void *cap_phys_to_ptr(uint64_t pa);
void cap_hook_delete(struct cte *c, bool last);
void cap_hook_created(struct cte *c);

/* The arena (allocated on first use), 4 KiB aligned. */
uint8_t *cap_arena(void);
/* The physical address of a pointer into the arena. */
uint64_t cap_ptr_to_phys(const void *p);
/* Zeroes the counters and the callbacks. */
void cap_hooks_reset(void);
/* cap_hooks_reset(), and zeroes the whole arena. */
void cap_arena_reset(void);

#endif
