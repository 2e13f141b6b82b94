/*
 * Process start and end, assert. libc_start is called by crt0 with the
 * creator's one argument; `libc_arg` keeps it for programs that want it.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <flotilla/sys.h>

int main(void);
unsigned long libc_arg;

void libc_start(unsigned long arg)
{
	libc_arg = arg;
	exit(main());
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
