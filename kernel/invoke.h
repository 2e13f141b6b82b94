/*
 * SYS_INVOKE, decoded then performed by table (docs/capabilities.md).
 *
 * Each method of each capability type is one row: its number, a decode
 * step and a perform step. What the method takes is if/kernel.abi's: the
 * right it needs on the capability invoked (cap_invoke checks it, or
 * decode does where the description says `later`) and its argument
 * words, which cap_invoke checks against their kinds
 * (kernel/invoke_words.h) before decode runs. decode reads the words as
 * the description names them (<method>_args(a)), looks up the
 * capabilities they name, checks types, rights, ranges and user memory,
 * and fills a typed struct of union invoke_args; it changes nothing, and every error a caller can
 * cause comes from it. perform then does the work and cannot fail: it
 * returns the method's value. A few methods keep a perform_late, which
 * may return an error; each says at its definition why that error is not
 * a decode error (the subsystem it calls checks state only it can read,
 * or a user buffer faults only as it is written).
 *
 * The tables live beside the methods: invoke_cnode.c (CNode and page
 * tables), invoke_disp.c (Dispatcher), invoke_auth.c (the monitor's
 * authority: Power, Info, Doorbell, Export, Span, Console; Notify; I/O
 * ports). invoke.c finds the row.
 */
#ifndef KERNEL_INVOKE_H
#define KERNEL_INVOKE_H

#include <stdint.h>
#include <kpi/caps.h>
#include <kpi/errors.h>
#include "lib/cap.h"

/* SYS_INVOKE: method `method` on the capability at `addr` of the current
 * dispatcher's CSpace, with arguments a[0..4]; *ret is the returned value. */
err_t cap_invoke(uint64_t addr, uint64_t method, const uint64_t a[5], uint64_t *ret);

/* ---- What the method files share ---- */

/* What decode hands perform: one struct per method (or per group of
 * methods with the same arguments). */
struct slot_src_args { struct cte *dst, *src; };			/* CNODE_COPY, _MOVE */
struct mint_args { struct cte *dst, *src; uint8_t rights; uint64_t badge; };
struct slot_args { struct cte *slot; };					/* DELETE, REVOKE */
struct retype_args {
	struct cte *src, *dst;
	unsigned type, count;
	uint64_t offset, objsize;
};
struct map_args { uint64_t entry; struct cte *cap; uint64_t rights; };
struct unmap_args { struct cte *cap; };
struct setup_args { struct cte *cspace, *vspace; uint64_t entry, stack, arg; };
struct name_args { char name[32]; };
struct exc_ep_args { struct cte *ep; bool exit; };
struct upcall_args { struct cte *frame; };
struct uptr_args { uint64_t uptr, size; };				/* copy-outs */
struct value_args { uint64_t v[3]; };					/* plain numbers */
struct cap_value_args { struct cte *c; uint64_t v[3]; };		/* caddr, numbers */
struct mint_notify_args { uint64_t core, slot; struct cte *dst; };
struct import_args { struct cte *dst; uint64_t token; };
struct ioport_args { uint16_t port; uint8_t width; uint32_t value; };

union invoke_args {
	struct slot_src_args slot_src;
	struct mint_args mint;
	struct slot_args slot;
	struct retype_args retype;
	struct map_args map;
	struct unmap_args unmap;
	struct setup_args setup;
	struct name_args name;
	struct exc_ep_args exc_ep;
	struct upcall_args upcall;
	struct uptr_args uptr;
	struct value_args value;
	struct cap_value_args cap_value;
	struct mint_notify_args mint_notify;
	struct import_args import;
	struct ioport_args ioport;
};

/*
 * One method. The right it needs on the capability invoked is
 * if/kernel.abi's (CAP_METHODS: cap_invoke checks it before decode, or
 * decode does, after its lookups). Exactly one of perform and
 * perform_late is set.
 */
struct invoke_method {
	uint64_t method;
	err_t (*decode)(struct cte *c, const uint64_t a[5], union invoke_args *x);
	uint64_t (*perform)(struct cte *c, const union invoke_args *x);
	err_t (*perform_late)(struct cte *c, const union invoke_args *x, uint64_t *ret);
};

/* One capability type's methods; `accepts` says whether a capability of
 * `type` is one (page tables: four types share one table); `abi` is its
 * type's name in if/kernel.abi, whose every method it must hold (the
 * fuzzer checks: tests/fuzz/fuzz_invoke.c). */
struct invoke_table {
	const char *name;
	const char *abi;
	bool (*accepts)(unsigned type);
	const struct invoke_method *methods;
	unsigned n;
};

#define INVOKE_TABLE(nm, type, acc, rows) \
	{ .name = (nm), .abi = #type, .accepts = (acc), .methods = (rows), \
	  .n = sizeof(rows) / sizeof((rows)[0]) }

/* The test kernel's Power row, POWER_TEST_EXIT (tests/boot/test_exit.c);
 * absent (a NULL address) in the production kernel. */
extern const struct invoke_table invoke_test_table __attribute__((weak));
extern const struct invoke_table invoke_cnode_table, invoke_vnode_table, invoke_disp_table,
	invoke_power_table, invoke_info_table, invoke_doorbell_table, invoke_export_table,
	invoke_span_table, invoke_console_table, invoke_notify_table, invoke_ioport_table;

/* A non-empty slot in the current dispatcher's CSpace. */
err_t invoke_lookup(uint64_t addr, struct cte **out);
/* An empty slot `slot` of the CNode at caddr `cn` (WRITE on it). */
err_t invoke_dest_slot(uint64_t cn, uint64_t slot, struct cte **out);
/* A perform step calls a subsystem whose own checks its decode step
 * already made: an error here is a kernel bug (a decode that missed a
 * check), never the caller's, and stops the kernel with the method's
 * name rather than pass for a refusal after a partial change. */
void invoke_must(err_t err, const char *what);

#endif
