/*
 * tfwait: a task force's member that waits long at a barrier, for the
 * heartbeat test of tools/boottest_tforce.py (docs/taskforce.md):
 *
 *	tf run w tfwait on 1-3 hb=1
 *
 * Each member joins its force; the root sleeps TFW_WAIT_NS with tf_pause
 * (beating) while every other member waits for it at a barrier, beating
 * as it waits (usr/lib/tfmember.c); then each says how many met and
 * exits 0. With hb=1 a member that waited without beating would be
 * killed as hung. A program of its own, not a mode of uprog: the task
 * force's library would make uprog too big for usertest to start.
 */
#include <stdio.h>
#include <flotilla/caps.h>
#include <flotilla/sys.h>
#include <flotilla/tforce.h>

#define TFW_WAIT_NS	(3000ull * 1000 * 1000)
#define TFW_SLOTS	CADDR(TASK_CN, 40)

extern unsigned long libc_arg;

int main(void)
{
	static struct tf_member m;
	uint64_t sums[2];
	err_t err;

	if ((err = tf_join(&m, libc_arg, TFW_SLOTS, 30 * 1000000000ull)) ||
	    (m.rank == 0 && (err = tf_pause(&m, TFW_WAIT_NS))) ||
	    (err = tf_barrier(&m, 1, 0, sums))) {
		printf("tfwait: core %u: %s: %s\n", sys_core_id(), err_name(err), err_msg(err));
		return 1;
	}
	printf("tfwait: core %u: %llu members met at the barrier\n", sys_core_id(),
	       (unsigned long long)sums[0]);
	return 0;
}
