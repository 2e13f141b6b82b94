/*
 * The system call dispatcher. syscall_entry (entry.S) saved the caller's
 * registers as a trap frame; arguments come from it and results go back
 * into it (rax: err_t, rdx: value), so that resuming the frame returns them.
 * Unknown numbers get ERR_BAD_SYSCALL, like every other bad input.
 */
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/core.h"
#include "kernel/dispatch.h"
#include "kernel/invoke.h"
#include "kernel/lmp.h"
#include "kernel/vspace.h"

static err_t debug_print(uint64_t uptr, uint64_t len)
{
	char buf[DEBUG_PRINT_MAX];

	if (len > sizeof(buf))
		return ERR_INVALID_ARG;
	err_t err = user_copy_in(buf, uptr, len);
	if (err)
		return err;
	return console_write(buf, len);
}

void syscall_dispatch(struct trap_frame *f)
{
	struct core *c = this_core();
	uint64_t ret = 0;
	err_t err;

	switch (f->rax) {
	case SYS_INVOKE: {
		const uint64_t a[5] = { f->rsi, f->rdx, f->r10, f->r8, f->r9 };
		err = cap_invoke(f->rdi & 0xFFFFFFFF, f->rdi >> 32, a, &ret);
		break;
	}
	case SYS_YIELD:
		f->rax = OK;
		sched_yield(f);
	case SYS_DEBUG_PRINT:
		err = debug_print(f->rdi, f->rsi);
		break;
	case SYS_EXIT:
		sched_save(f);
		lmp_exit((int)f->rdi);	/* tells its supervisor, if it asked to */
	case SYS_LMP_SEND:
	case SYS_LMP_RECV:
	case SYS_LMP_CALL:
	case SYS_LMP_REPLY:
	case SYS_LMP_REPLY_RECV:
		lmp_syscall(f);
	case SYS_CLOCK:
		ret = sched_clock_ns();
		err = OK;
		break;
	case SYS_SLEEP_UNTIL:
		sched_sleep_until(f, f->rdi);
	case SYS_CORE_ID:
		ret = c->id;
		err = OK;
		break;
	default:
		err = ERR_BAD_SYSCALL;
	}
	f->rax = (uint64_t)err;
	f->rdx = ret;
	sched_after_syscall(f);
}
