/*
 * The user-space test runner (run by the monitor on core 0 when the
 * command line says `utest` or `utest=PATTERN`) and the shared fixture:
 * a scratch CNode in level-1 slot SCRATCH_CN and RAM carved from the
 * monitor's first RAM capability. Every test starts with an empty scratch
 * CNode and leaves through revoking what it made.
 */
#include <string.h>
#include <flotilla/caps.h>
#include "usr/monitor/monitor.h"
#include <flotilla/utest.h>

int utest_main(const char *cmdline)
{
	char pattern[64];
	int passed = 0, failed = 0;

	cmdline_get(cmdline, "utest", pattern, sizeof(pattern));	/* "" for all */
	if (scratch_init()) {
		printf("FAIL user/fixture: cannot set up the scratch CNode and RAM\n");
		return 1;
	}
	utest_run("user", pattern, scratch_reset, &passed, &failed);
	printf("user tests: %d passed, %d failed\n", passed, failed);
	return failed;
}
