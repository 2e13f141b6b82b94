/*
 * The test image's shell: the production shell (usr/shell) with this
 * start hook, for the boot test of the shell's restart (`shellfault`):
 * with SHELL_ARG_FAULT the shell faults at once, the first time in a
 * boot; the name service remembers that it has (its name stays), so the
 * shell init starts again does not fault again.
 */
#include <stdio.h>
#include <flotilla/monitor.h>
#include <flotilla/testfault.h>
#include "usr/shell/shell.h"

void shell_start_hook(unsigned long arg);

void shell_start_hook(unsigned long arg)
{
	if (arg == SHELL_ARG_FAULT && ns_register("shell.faulted", 1) == OK) {
		printf("shell: faulting on purpose (shellfault)\n");
		fault_on_purpose(2);		/* a page fault */
	}
}
