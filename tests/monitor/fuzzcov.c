/*
 * What the system-call fuzzer can call, and what it reached.
 *
 * fz_rows is every method of every capability type (kpi/caps.h) and every
 * system call (kpi/syscalls.h), each with what its arguments mean, so that
 * fuzz.c makes arguments that often make sense and pointers that can never
 * hurt the monitor. A page-table method has one row per level, and a
 * message call one row for its blocking form and one for LMP_NONBLOCK: they
 * take different paths in the kernel.
 *
 * A call counts on the row of (the type of the capability invoked, the
 * method) when that row exists: the method was reached on its own type.
 * Otherwise it counts as `other` on the method's row (the kernel's type
 * check refused it, or there was no capability). A row is reachable unless
 * nothing can make its type here (IRQ; DEVFRAME, which only the screen's
 * hand-over makes, and a fuzz boot has no screen), this run holds none of its type
 * (the authority capabilities outside the `kernel` run, I/O ports outside
 * core 0), or calling it would end the boot (POWER_OFF, called only on
 * other types and only where no authority capability is in the sandbox;
 * POWER_REBOOT likewise). A reachable
 * row that was never reached fails the run: the fuzzer cannot go shallow
 * without a test saying so.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <kpi/lmp.h>
#include <kpi/syscalls.h>
#include "tests/monitor/fuzz.h"

#define ID(t)		{ #t ".IDENTIFY", CAP_##t, SYS_INVOKE, CAP_IDENTIFY, 0, { A_OUT } }
#define M(t, m, f, ...)	{ #m, CAP_##t, SYS_INVOKE, m, f, { __VA_ARGS__ } }
#define VN(t)		{ #t ".VNODE_MAP", CAP_##t, SYS_INVOKE, VNODE_MAP, 0,		\
			  { A_ENTRY, A_C_BELOW, A_RIGHTS } },				\
			{ #t ".VNODE_UNMAP", CAP_##t, SYS_INVOKE, VNODE_UNMAP, 0, { A_C_BELOW } }
#define SYS(n, t, f, ...) { #n, CAP_##t, n, 0, R_SYSCALL | (f), { __VA_ARGS__ } }

const struct fz_row fz_rows[] = {
	ID(RAM), ID(FRAME), ID(CNODE), ID(PML4), ID(PDPT), ID(PDIR), ID(PTABLE), ID(DISPATCHER),
	ID(ENDPOINT), ID(IOPORT), ID(NOTIFY), ID(POWER), ID(INFO), ID(DOORBELL), ID(EXPORT),
	ID(SPAN), ID(CONSOLE),
	{ "DEVFRAME.IDENTIFY", CAP_DEVFRAME, SYS_INVOKE, CAP_IDENTIFY, R_NOT_MADE, { A_OUT } },
	{ "IRQ.IDENTIFY", CAP_IRQ, SYS_INVOKE, CAP_IDENTIFY, R_NOT_MADE, { A_OUT } },
	/* IDENTIFY on an empty slot or an address that names no slot. */
	{ "NOCAP.IDENTIFY", CAP_NULL, SYS_INVOKE, CAP_IDENTIFY, 0, { A_OUT } },
	/* A method number that no type has. */
	{ "NO_SUCH_METHOD", CAP_NULL, SYS_INVOKE, 0xFFFF, 0, { A_0, A_0, A_0, A_0, A_0 } },

	M(CNODE, CNODE_COPY, 0, A_SLOT, A_CAP),
	M(CNODE, CNODE_MINT, 0, A_SLOT, A_CAP, A_RIGHTS, A_WORD),
	M(CNODE, CNODE_DELETE, 0, A_SLOT),
	M(CNODE, CNODE_REVOKE, 0, A_SLOT),
	M(CNODE, CNODE_RETYPE, 0, A_SLOT, A_C_RAM, A_TYPE, A_OFFSET, A_OBJSIZE),
	M(CNODE, CNODE_MOVE, 0, A_SLOT, A_CAP),
	VN(PML4), VN(PDPT), VN(PDIR), VN(PTABLE),
	M(DISPATCHER, DISP_SETUP, 0, A_C_CNODE, A_C_PML4, A_VA, A_VA, A_WORD),
	M(DISPATCHER, DISP_RUN, 0),
	M(DISPATCHER, DISP_SET_NAME, 0, A_NAME, A_LEN),
	M(DISPATCHER, DISP_STATUS, 0),
	M(DISPATCHER, DISP_SET_EXC_EP, 0, A_C_EP, A_FLAGS),
	M(DISPATCHER, DISP_REGS, 0, A_OUT),
	M(DISPATCHER, DISP_SET_UPCALL, 0, A_C_FRAME),
	M(DISPATCHER, DISP_INFO, 0, A_OUT),
	M(DISPATCHER, DISP_SET_GANG, 0, A_VALUE),
	M(POWER, POWER_OFF, R_ENDS_BOOT, A_VALUE),
	M(POWER, POWER_REBOOT, R_ENDS_BOOT, A_VALUE),
	M(POWER, POWER_TEST_EXIT, R_ENDS_BOOT, A_VALUE),
	M(INFO, INFO_CMDLINE, 0, A_OUT, A_LEN),
	M(DOORBELL, DOORBELL_BIND, 0, A_C_EP, A_BELL),
	M(DOORBELL, DOORBELL_RING, 0, A_CORE, A_BELL),
	M(INFO, INFO_CORES, 0),
	M(DOORBELL, DOORBELL_MINT, 0, A_CORE, A_BELL, A_C_CNODE, A_SLOT),
	M(EXPORT, EXPORT_FRAME_IMPORT, 0, A_C_CNODE, A_SLOT, A_IN),
	M(EXPORT, EXPORT_CAP_REMOTE, 0, A_C_FRAME, A_BOOL),
	M(CONSOLE, CONSOLE_TAKE, 0, A_BELL),
	M(CONSOLE, CONSOLE_READ, 0, A_OUT, A_LEN),
	M(CONSOLE, CONSOLE_SCREEN, 0, A_C_CNODE, A_SLOT, A_OUT),
	M(SPAN, SPAN_VROOT, 0, A_C_PML4, A_BOOL, A_OUT),
	M(EXPORT, EXPORT_VROOT_SET, 0, A_C_PML4, A_ENTRY, A_IN),
	M(SPAN, SPAN_UNMAP, 0, A_C_PML4, A_VA, A_WORD),
	M(SPAN, SPAN_TLB_FLUSH, 0, A_C_PML4, A_VA, A_WORD),
	M(EXPORT, EXPORT_FRAME, 0, A_C_FRAME, A_CORE, A_OUT),
	M(EXPORT, EXPORT_VROOT, 0, A_C_PML4, A_ENTRY, A_CORE, A_OUT),
	M(EXPORT, EXPORT_CAP_LAST, 0, A_C_FRAME),
	M(INFO, INFO_TOPOLOGY, 0, A_OUT, A_LEN),
	M(NOTIFY, NOTIFY_RING, 0),
	M(IOPORT, IOPORT_IN, 0, A_PORT, A_WIDTH),
	M(IOPORT, IOPORT_OUT, 0, A_PORT, A_WIDTH, A_VALUE),

	SYS(SYS_YIELD, NULL, 0),
	SYS(SYS_DEBUG_PRINT, NULL, 0, A_IN, A_LEN),
	SYS(SYS_EXIT, NULL, 0, A_VALUE),
	SYS(SYS_CORE_ID, NULL, 0, A_0, A_0, A_0, A_0, A_0),
	SYS(SYS_CLOCK, NULL, 0, A_0, A_0, A_0, A_0, A_0),
	SYS(SYS_SLEEP_UNTIL, NULL, 0, A_NS),
	/* A number past the last system call. */
	{ "SYS_NO_SUCH_CALL", CAP_NULL, SYS_COUNT, 0, R_SYSCALL, { A_0, A_0, A_0, A_0, A_0 } },
	/* Messages: the arguments are made by fuzz.c (kpi/lmp.h's registers). */
	SYS(SYS_LMP_SEND, ENDPOINT, 0),
	SYS(SYS_LMP_SEND, ENDPOINT, R_BLOCK),
	SYS(SYS_LMP_RECV, ENDPOINT, 0),
	SYS(SYS_LMP_RECV, ENDPOINT, R_BLOCK),
	SYS(SYS_LMP_CALL, ENDPOINT, 0),
	SYS(SYS_LMP_CALL, ENDPOINT, R_BLOCK),
	SYS(SYS_LMP_REPLY, NULL, 0),
	SYS(SYS_LMP_REPLY_RECV, ENDPOINT, 0),
	SYS(SYS_LMP_REPLY_RECV, ENDPOINT, R_BLOCK),
};
const unsigned fz_nrows = sizeof(fz_rows) / sizeof(fz_rows[0]);
_Static_assert(sizeof(fz_rows) / sizeof(fz_rows[0]) <= FZ_ROWS_MAX, "counts for every row");

/* The row of a call of `method` (or system call `sys`) on a capability of
 * `type` (CAP_NULL: none), or fz_nrows when no row has that type. */
unsigned fz_row_of(unsigned type, unsigned sys, unsigned method, unsigned flags)
{
	for (unsigned i = 0; i < fz_nrows; i++) {
		const struct fz_row *r = &fz_rows[i];
		if (r->sys == sys && r->type == type && (sys != SYS_INVOKE || r->method == method) &&
		    (r->flags & R_BLOCK) == (flags & R_BLOCK))
			return i;
	}
	return fz_nrows;
}

/* Appends to buf[0..size), *n bytes used; what does not fit is cut. */
static void __attribute__((format(printf, 4, 5)))
append(char *buf, size_t size, size_t *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*n += (size_t)vsnprintf(buf + *n, size - *n, fmt, ap);
	va_end(ap);
	if (*n >= size)
		*n = size - 1;
}

/*
 * Every method of every capability type, as if/kernel.abi describes them
 * (kpi/methods.h: CAP_METHODS and CAP_METHOD_TYPES), and every system
 * call by number (kpi/syscalls.h), so that a method without a row, which
 * the fuzzer would never call, fails the run too. IDENTIFY is every
 * type's; the message calls have a row for each form.
 */
static void methods_without_row(const char *abi, unsigned type, char *miss, size_t size,
				size_t *m, unsigned *n)
{
#define X(M, t, right, early, words)							\
	if ((M) != CAP_IDENTIFY && !strcmp(#t, abi) &&					\
	    fz_row_of(type, SYS_INVOKE, (M), 0) == fz_nrows && ++*n)			\
		append(miss, size, m, "%s%s method %u(no row)", *m ? " " : "",		\
		       cap_type_name(type), (unsigned)(M));
	CAP_METHODS(X)
#undef X
}

static bool has_sys_row(unsigned sys, unsigned flags)
{
	for (unsigned i = 0; i < fz_nrows; i++)
		if (fz_rows[i].sys == sys && (fz_rows[i].flags & R_BLOCK) == flags)
			return true;
	return false;
}

/* Appends what has no row to miss; how many. */
static unsigned without_row(char *miss, size_t size, size_t *m)
{
	unsigned n = 0;

	for (unsigned t = 1; t < CAP_TYPE_COUNT; t++)
		if (fz_row_of(t, SYS_INVOKE, CAP_IDENTIFY, 0) == fz_nrows && ++n)
			append(miss, size, m, "%s%s.IDENTIFY(no row)", *m ? " " : "", cap_type_name(t));
#define Y(t, type)	methods_without_row(#t, type, miss, size, m, &n);
	CAP_METHOD_TYPES(Y)
#undef Y
	for (unsigned k = SYS_INVOKE + 1; k < SYS_COUNT; k++) {
		bool lmp = k >= SYS_LMP_SEND && k <= SYS_LMP_REPLY_RECV && k != SYS_LMP_REPLY;
		if ((!has_sys_row(k, 0) || (lmp && !has_sys_row(k, R_BLOCK))) && ++n)
			append(miss, size, m, "%ssystem call %u(no row)", *m ? " " : "", k);
	}
	return n;
}

bool fz_row_reachable(const struct fz_row *r, const char **why)
{
	*why = NULL;
	if (r->flags & R_NOT_MADE)
		*why = "nothing makes one";
	else if (r->flags & R_ENDS_BOOT)
		*why = "it would end the boot: called on other types only, where no Power capability is";
	else if ((r->type == CAP_INFO || (r->type >= CAP_POWER && r->type <= CAP_CONSOLE)) &&
		 !fz.kernel)
		*why = "no authority capabilities in this run (ufuzz=...,kernel)";
	else if (r->type == CAP_IOPORT && !fz.ioport)
		*why = "no I/O ports on this core";
	return *why == NULL;
}

void fz_bad(unsigned row, err_t err, uint64_t value)
{
	if (fz.nbad < FZ_BAD_MAX)
		fz.bad[fz.nbad] = (typeof(fz.bad[0])){ fz.made, row, err, value };
	fz.nbad++;
}

/* The part of a row's name after its type: "CNODE.CNODE_COPY" -> "CNODE_COPY". */
static const char *short_name(const struct fz_row *r)
{
	const char *dot = strchr(r->name, '.');

	return dot ? dot + 1 : r->name;
}

/* One line per group of rows: "calls on its own type / OK" for each. */
static void detail(unsigned core, const char *group, unsigned type, bool syscalls)
{
	char line[600];		/* below the console's CONSOLE_LINE_MAX */
	size_t n = 0;

	append(line, sizeof(line), &n, "fuzz: core %u:   %s:", core, group);
	for (unsigned i = 0; i < fz_nrows; i++) {
		const struct fz_row *r = &fz_rows[i];
		const char *why;
		if (syscalls ? !(r->flags & R_SYSCALL) : (r->flags & R_SYSCALL) || r->type != type)
			continue;
		if (!fz_row_reachable(r, &why))
			continue;	/* said in a line of its own */
		append(line, sizeof(line), &n, " %s%s %llu/%llu", short_name(r),
		       r->flags & R_BLOCK ? "/block" : "", (unsigned long long)fz.count[i].calls,
		       (unsigned long long)fz.count[i].ok);
		if (fz.count[i].released)
			append(line, sizeof(line), &n, " (%llu released)",
			       (unsigned long long)fz.count[i].released);
	}
	printf("%s\n", line);
}

unsigned fz_coverage(unsigned core, char *miss, unsigned size, unsigned *reached,
		     unsigned *reachable, unsigned *with_ok)
{
	unsigned missing = 0;
	size_t m = 0;

	*reached = *reachable = *with_ok = 0;
	miss[0] = '\0';
	missing = without_row(miss, size, &m);
	for (unsigned i = 0; i < fz_nrows; i++) {
		const struct fz_row *r = &fz_rows[i];
		const char *why;
		if (!fz_row_reachable(r, &why))
			continue;
		(*reachable)++;
		*with_ok += fz.count[i].ok != 0;
		if (fz.count[i].calls) {
			(*reached)++;
			continue;
		}
		missing++;
		append(miss, size, &m, "%s%s%s", m ? " " : "", r->name,
		       r->flags & R_BLOCK ? "/block" : "");
	}
	printf("fuzz: core %u: coverage: %u of %u reachable methods and system calls reached on their own type, %u of them returned OK\n",
	       core, *reached, *reachable, *with_ok);
	/* What could not be reached here, once per reason (the reasons are
	 * literals: one pointer each). */
	for (unsigned i = 0; i < fz_nrows; i++) {
		const char *why, *w;
		bool said = false;
		if (fz_row_reachable(&fz_rows[i], &why))
			continue;
		for (unsigned k = 0; k < i; k++)
			said |= !fz_row_reachable(&fz_rows[k], &w) && w == why;
		if (said)
			continue;
		char names[700];
		size_t n = 0;
		uint64_t other = 0;
		for (unsigned k = i; k < fz_nrows; k++) {
			if (fz_row_reachable(&fz_rows[k], &w) || w != why)
				continue;
			other += fz.count[k].other;
			append(names, sizeof(names), &n, "%s%s", n ? " " : "", fz_rows[k].name);
		}
		printf("fuzz: core %u: not reachable here (%s): %s; %llu calls on other types\n",
		       core, why, names, (unsigned long long)other);
	}
	for (unsigned t = 1; t < CAP_TYPE_COUNT; t++) {
		unsigned id = fz_row_of(t, SYS_INVOKE, CAP_IDENTIFY, 0);
		const char *why;
		if (id < fz_nrows && fz_row_reachable(&fz_rows[id], &why))
			detail(core, cap_type_name(t), t, false);
	}
	detail(core, "NOCAP", CAP_NULL, false);
	detail(core, "SYS", CAP_NULL, true);
	return missing;
}
