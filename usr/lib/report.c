/*
 * The fault report every supervisor prints (the monitor's default handler,
 * init): one line naming the process and what it did, one with its
 * registers. tools/boottest.py reads these lines, so their shape is fixed.
 */
#include <stdio.h>
#include <flotilla/caps.h>
#include <flotilla/lmp.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>

void proc_report_fault(const char *who, const struct proc *p, const char *name,
		       const struct lmp_msg *m)
{
	unsigned vector = LMP_FAULT_VECTOR(m->w[0]);
	struct disp_regs r;
	err_t err;

	printf("%s: core %u: process '%s' faulted: %s (vector %u, error 0x%x) at rip 0x%llx, address 0x%llx; destroying it\n",
	       who, sys_core_id(), name, vector_name(vector), vector, LMP_FAULT_ERROR(m->w[0]),
	       (unsigned long long)m->w[2], (unsigned long long)m->w[1]);
	if ((err = disp_regs(p->disp, &r)) == OK)
		printf("%s:   rax %llx rbx %llx rcx %llx rdx %llx rsi %llx rdi %llx rbp %llx rsp %llx\n",
		       who, (unsigned long long)r.rax, (unsigned long long)r.rbx,
		       (unsigned long long)r.rcx, (unsigned long long)r.rdx,
		       (unsigned long long)r.rsi, (unsigned long long)r.rdi,
		       (unsigned long long)r.rbp, (unsigned long long)r.rsp);
	else
		printf("%s:   registers unavailable: %s\n", who, err_name(err));
}
