/*
 * A small program for the tests of spawning (usr/monitor/proctest.c). Its
 * argument says what to do; its exit status is what the test checks.
 *   0  say hello and exit 0
 *   1..5  fault: divide error, page fault, general protection, invalid
 *      opcode, breakpoint (the kernel stops it; exit status -(vector + 1))
 *   6  try the Kernel capability, which an ordinary process does not hold:
 *      exit with the error (ERR_CAP_EMPTY expected)
 *   7  run forever, yielding (to be killed)
 *   8  check its well-known capabilities: exit 0 if all are right
 */
#include <stdio.h>
#include <flotilla/caps.h>
#include <flotilla/sys.h>
#include <flotilla/testfault.h>

extern unsigned long libc_arg;

static int try_kernel_cap(void)
{
	char buf[64];
	err_t a = kernel_cmdline(CPTR_KERNEL, buf, sizeof(buf));
	err_t b = sys_invoke(CPTR_KERNEL, KERNEL_POWEROFF, 0x11, 0, 0, 0, 0).err;

	printf("uprog: Kernel capability: cmdline %s, poweroff %s\n", err_name(a), err_name(b));
	return a == b ? a : 1000;
}

static int check_caps(void)
{
	struct cap_info i;

	if (cap_identify(CPTR_DISPATCHER, &i) || i.type != CAP_DISPATCHER)
		return 1;
	if (cap_identify(CPTR_ROOTCN, &i) || i.type != CAP_CNODE)
		return 2;
	if (cap_identify(CPTR_VROOT, &i) || i.type != CAP_PML4)
		return 3;
	if (cap_identify(CPTR_KERNEL, &i) != ERR_CAP_EMPTY)
		return 4;
	return 0;
}

int main(void)
{
	switch (libc_arg) {
	case 0:
		printf("uprog: hello from core %u\n", sys_core_id());
		return 0;
	case 1: case 2: case 3: case 4: case 5:
		fault_on_purpose((unsigned)libc_arg);
		return 99;	/* not reached */
	case 6:
		return try_kernel_cap();
	case 7:
		for (;;)
			sys_yield();
	case 8:
		return check_caps();
	}
	return 100;
}
