/*
 * usertest: the tests that must run as an ordinary process, started by
 * init (usr/init) as a child like any other. It holds only what init gave
 * it: no Kernel capability, RAM of its own (INIT_CHILD_RAM bytes in RAM_CN
 * slot 0), the boot image and its argv. With those it builds objects and
 * starts programs of its own, and it is their supervisor: their faults and
 * exits come to its endpoint. Verdicts are `PASS init/usertest/<name>`; the
 * exit status is the number that failed, which init reports to the monitor.
 * The number of cores online, which tests that need several are checked
 * against, comes from its monitor (MON_CORES).
 */
#include <stdio.h>
#include <string.h>
#include <flotilla/caps.h>
#include <flotilla/lmp.h>
#include <flotilla/monitor.h>
#include <flotilla/spawn.h>
#include <flotilla/sys.h>
#include <flotilla/uprog.h>
#include "lib/test.h"

#define T_EP		CADDR(TASK_CN, 40)	/* its children's faults and exits */
#define T_TMP		CADDR(TASK_CN, 41)	/* per test, deleted after each */
#define OWN_RAM		(1ull << 20)		/* what init gives (INIT_CHILD_RAM) */

static int my_argc;
static char **my_argv;

/* What each test made in T_TMP goes, and its RAM comes back. */
static void after(void)
{
	struct cap_info i;

	if (cap_identify(T_TMP, &i) == OK) {
		cnode_delete(CPTR_TASKCN, CADDR_L2(T_TMP));
		ram_release(i.base);
	}
}

TEST(holds_only_what_init_gave)
{
	struct cap_info i;

	for (unsigned k = 0; k < AUTH_COUNT; k++)	/* no authority at all */
		CHECK_ERR(cap_identify(CADDR(AUTH_CN, k), &i), ERR_CAP_EMPTY);
	CHECK_ERR(cap_identify(CADDR(RAM_CN, 0), &i), OK);
	CHECK(i.type == CAP_RAM && i.size == OWN_RAM);
	CHECK_ERR(cap_identify(CADDR(RAM_CN, 1), &i), ERR_CAP_EMPTY);
	CHECK_ERR(cap_identify(CPTR_BOOTIMG, &i), OK);
	CHECK(i.type == CAP_FRAME);
	CHECK_ERR(cap_identify(CPTR_DISPATCHER, &i), OK);
	CHECK(i.type == CAP_DISPATCHER);
	/* A level-1 slot init left empty: nothing there to reach. */
	CHECK(cap_identify(CADDR(9, 0), &i) != OK);
}

TEST(argv_comes_from_init)
{
	CHECK(my_argc >= 1);
	CHECK(strcmp(my_argv[0], "usertest") == 0);
	CHECK(my_argv[my_argc] == NULL);
}

TEST(builds_from_its_own_ram)
{
	uint64_t before = ram_used_bytes();
	volatile uint64_t *page;
	struct cap_info ram;

	CHECK_ERR(ram_retype(CPTR_TASKCN, CADDR_L2(T_TMP), CAP_FRAME, 4096), OK);
	CHECK(ram_used_bytes() == before + 4096);
	CHECK_ERR(window_map_page(T_TMP, (void **)&page), OK);
	for (unsigned i = 0; i < 512; i++)
		page[i] = 0xF10A7000u + i;
	for (unsigned i = 0; i < 512; i++)
		CHECK(page[i] == 0xF10A7000u + i);
	/* More than it was given: refused by its allocator and the kernel. */
	CHECK_ERR(cap_identify(CADDR(RAM_CN, 0), &ram), OK);
	CHECK_ERR(ram_retype(CPTR_TASKCN, 42, CAP_FRAME, 2 * OWN_RAM), ERR_NO_MEMORY);
	CHECK_ERR(cnode_retype(CPTR_TASKCN, 42, CADDR(RAM_CN, 0), CAP_FRAME, 1, 0, 2 * OWN_RAM),
		  ERR_RETYPE_SIZE);
}

/* Receives one message on T_EP; its kind must be `kind` and its badge
 * the child's. */
static err_t recv_about(const struct proc *p, unsigned kind, struct lmp_msg *m)
{
	err_t err = lmp_recv(T_EP, 0, 0, m);

	if (err)
		return err;
	if (LMP_INFO_KIND(m->info) != kind || m->badge != SPAWN_BADGE(p->idx))
		return ERR_BAD_MESSAGE;
	return OK;
}

TEST(starts_a_program_and_hears_its_exit)
{
	const char *argv[] = { "uprog", "from", "usertest" };
	struct spawn_opts o = { .notify_exit = true, .argc = 3, .argv = argv };
	uint64_t before = ram_used_bytes(), st;
	struct lmp_msg m;
	struct proc p;

	CHECK_ERR(spawn_program_opts("uprog", UPROG_ARGS, &o, &p), OK);
	CHECK_ERR(recv_about(&p, LMP_KIND_EXIT, &m), OK);
	CHECK(m.w[0] == 3 * 100 + 8);			/* argc 3, "usertest" */
	CHECK_ERR(proc_status(&p, &st), OK);
	CHECK((st & 0xFFFFFFFF) == DISP_STATE_STOPPED && (int)(st >> 32) == 308);
	CHECK_ERR(proc_kill(&p), OK);
	CHECK(ram_used_bytes() == before);
}

TEST(a_fault_of_its_child_comes_to_it)
{
	struct spawn_opts o = { .notify_exit = true };
	struct lmp_msg m;
	struct proc p;

	CHECK_ERR(spawn_program_opts("uprog", 2, &o, &p), OK);	/* page fault at 0x10 */
	CHECK_ERR(recv_about(&p, LMP_KIND_FAULT, &m), OK);
	CHECK(LMP_FAULT_VECTOR(m.w[0]) == 14 && m.w[1] == 0x10);
	CHECK_ERR(proc_kill(&p), OK);
}

TEST(an_exit_message_waits_and_is_withdrawn_with_its_process)
{
	struct spawn_opts o = { .notify_exit = true };
	struct lmp_msg m;
	struct proc p;
	err_t err;

	/* It exits while nobody receives: stopped at once, message kept. */
	CHECK_ERR(spawn_program_opts("uprog", UPROG_HELLO, &o, &p), OK);
	wait_stopped(&p, &err);
	CHECK_ERR(err, OK);
	CHECK_ERR(recv_about(&p, LMP_KIND_EXIT, &m), OK);
	CHECK(m.w[0] == 0);
	CHECK_ERR(proc_kill(&p), OK);
	/* Destroyed before its message is received: the message goes too. */
	CHECK_ERR(spawn_program_opts("uprog", UPROG_HELLO, &o, &p), OK);
	wait_stopped(&p, &err);
	CHECK_ERR(err, OK);
	CHECK_ERR(proc_kill(&p), OK);
	CHECK_ERR(lmp_recv(T_EP, LMP_NONBLOCK, 0, &m), ERR_WOULD_BLOCK);
}

TEST(without_the_flag_an_exit_sends_nothing)
{
	struct lmp_msg m;
	struct proc p;
	err_t err;

	CHECK_ERR(spawn_program("uprog", UPROG_HELLO, &p), OK);
	wait_stopped(&p, &err);
	CHECK_ERR(err, OK);
	CHECK_ERR(lmp_recv(T_EP, LMP_NONBLOCK, 0, &m), ERR_WOULD_BLOCK);
	CHECK_ERR(proc_kill(&p), OK);
}

TEST(bad_requests_get_clear_errors_and_cost_nothing)
{
	static char longarg[1100];
	const char *argv[] = { "uprog", longarg };
	struct spawn_opts o = { .argc = 2, .argv = argv };
	struct proc p;

	memset(longarg, 'a', sizeof(longarg) - 1);
	/* The first spawn sets up this process's window, once: count after. */
	CHECK_ERR(spawn_program("no-such-program", 0, &p), ERR_NOT_FOUND);
	uint64_t before = ram_used_bytes();
	CHECK_ERR(spawn_program("no-such-program", 0, &p), ERR_NOT_FOUND);
	CHECK_ERR(spawn_program_opts("uprog", 0, &o, &p), ERR_ARGS_TOO_LONG);
	o.argc = 0;
	o.ram = 64ull << 20;				/* more than it has */
	CHECK_ERR(spawn_program_opts("uprog", 0, &o, &p), ERR_NO_MEMORY);
	CHECK(ram_used_bytes() == before);
	CHECK_ERR(disp_set_exc_ep(CPTR_DISPATCHER, T_EP, 0x80), ERR_INVALID_ARG);
	CHECK_ERR(disp_set_exc_ep(CPTR_DISPATCHER, CADDR(RAM_CN, 0), 0), ERR_CAP_WRONG_TYPE);
}

int main(int argc, char **argv)
{
	struct test_counts c = { 0 };
	unsigned cores;
	err_t err;

	my_argc = argc;
	my_argv = argv;
	if ((err = ram_retype(CPTR_TASKCN, CADDR_L2(T_EP), CAP_ENDPOINT, 0))) {
		printf("FAIL init/usertest/setup: no endpoint: %s\n", err_name(err));
		return 1;
	}
	if ((err = mon_cores(&cores))) {
		printf("FAIL init/usertest/setup: its monitor does not say how many cores: %s\n",
		       err_name(err));
		return 1;
	}
	spawn_set_fault_ep(T_EP);
	utest_run("init/usertest", argc > 1 ? argv[1] : "", cores, after, &c);
	printf("usertest: %d passed, %d failed, %d skipped\n", c.passed, c.failed, c.skipped);
	return c.failed;
}
