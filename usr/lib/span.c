/*
 * Spanning this process over cores (flotilla/monitor.h, docs/span.md):
 * the requests to this core's monitor, and where a span dispatcher
 * starts. The monitor starts it with rsp at the top of its stack and rdi
 * pointing at a struct span_boot the caller left there, so that any
 * function with any argument can run on another core. Each request
 * brings this process's PML4, which names it: span, span_wait and unmap
 * are rpcs of if/moncall.if.
 */
#include <flotilla/caps.h>
#include <flotilla/lmp.h>
#include <flotilla/monitor.h>
#include <flotilla/sys.h>
#include "usr/lib/mcall.h"

struct span_boot {
	int (*fn)(uint64_t);
	uint64_t arg;
};

/* A span's first instruction: nothing called it, so the stack is aligned
 * here, and it must never return. */
__attribute__((noreturn, force_align_arg_pointer)) static void span_start(struct span_boot *b)
{
	sys_exit(b->fn(b->arg));
}

err_t mon_span(unsigned core, int (*fn)(uint64_t), uint64_t arg, void *stack,
	       size_t stack_bytes, unsigned *id)
{
	uintptr_t top = (uintptr_t)stack + stack_bytes;
	struct mcall c;
	uint32_t span_id = 0;
	err_t status = OK, err;

	if (!fn || !stack || stack_bytes < SPAN_STACK_MIN || (uintptr_t)stack & 15 ||
	    top < (uintptr_t)stack || core > 0xFFFF)
		return ERR_INVALID_ARG;
	struct span_boot *b = (struct span_boot *)(top - sizeof(*b));
	*b = (struct span_boot){ fn, arg };
	err = if_moncall_span_call(mcall_open(&c), core, (uintptr_t)span_start, (uintptr_t)b - 16,
				   (uintptr_t)b, CPTR_VROOT, &status, &span_id);
	if (!(err = mcall_done(&c, err, status)))
		*id = span_id;
	return err;
}

err_t mon_unmap(const void *va, size_t pages, unsigned shape, struct mon_shootdown *out)
{
	struct mcall c;
	err_t status = OK, err;
	uint8_t used = 0;
	uint16_t rounds = 0;
	uint32_t msgs = 0, cross = 0;
	uint64_t cores = 0;

	err = if_moncall_unmap_call(mcall_open(&c), (uintptr_t)va, pages, shape, CPTR_VROOT,
				    &status, &used, &rounds, &msgs, &cross, &cores);
	if (out)
		*out = (struct mon_shootdown){ .shape = used, .msgs = msgs, .cross_node = cross,
					       .rounds = rounds, .cores = cores };
	return mcall_done(&c, err, status);
}

err_t mon_span_wait(unsigned id, int *status, bool *faulted)
{
	struct mcall c;
	int64_t code = 0;
	bool f = false;
	err_t st = OK, err;

	err = if_moncall_span_wait_call(mcall_open(&c), id, CPTR_VROOT, &st, &code, &f);
	if (!(err = mcall_done(&c, err, st))) {
		*status = (int)code;
		*faulted = f;
	}
	return err;
}
