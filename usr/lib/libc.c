/*
 * Process start and end, assert. libc_start is called by crt0 with the
 * creator's one argument; `libc_arg` keeps it for programs that want it.
 * A process made by spawn_program also finds its argv at ARGS_VA, above
 * its stack (lib/args.h); a monitor, started by the kernel with its stack
 * right up to USER_STACK_TOP, has none.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include "lib/args.h"

int main(int argc, char **argv);
unsigned long libc_arg;

void libc_start(unsigned long arg)
{
	static const char *argv[ARGS_MAX + 1];
	unsigned argc = 0;

	libc_arg = arg;
	if ((uintptr_t)__builtin_frame_address(0) < ARGS_VA &&
	    args_unpack((const void *)ARGS_VA, &argc, argv) != OK)
		printf("libc: the argument block is malformed; starting with none\n");
	exit(main((int)argc, (char **)argv));
}

void exit(int status)
{
	sys_exit(status);
}

void abort(void)
{
	sys_exit(134);
}

void assert_fail(const char *expr, const char *file, int line, const char *func)
{
	printf("assertion failed: %s (%s:%d, in %s)\n", expr, file, line, func);
	abort();
}
