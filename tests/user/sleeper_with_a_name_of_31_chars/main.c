/*
 * A program whose name is as long as a boot image's may be (31
 * characters, MON_PROG_NAME_MAX): it sleeps until it is killed. uprog's
 * process calls start it on another core and find it by its whole name
 * in that core's ps (tests/user/uprog/main.c, long_names_travel_whole),
 * which a name cut to the old two-word form would not match.
 */
#include <flotilla/sys.h>

int main(void)
{
	for (;;)
		sys_sleep_until(sys_clock_ns() + 1000ull * 1000 * 1000);
}
