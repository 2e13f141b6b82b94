/*
 * The boot-test runner (see ktest.h and lib/test.h). It runs on the
 * bootstrap core, walks the "tests" section in link order, and prints for
 * each selected test:
 *	PASS <name>
 *	FAIL <name>: <reason>
 *	SKIP <name>: <reason>
 * then `ktest: P passed, F failed, S skipped` and leaves QEMU through
 * isa-debug-exit (code 0x10 all passed, 0x11 otherwise; the test kernel's
 * tests/boot/test_exit.c), so the exit status of QEMU is the verdict. tools/boottest.py adds the host-side timeout.
 * A test's verdict lives in its core's struct core (test_state() below):
 * every core runs tests itself, and cores share no writable kernel data.
 */
#include "lib/fmt.h"
#include "lib/string.h"
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/core.h"
#include "kernel/kchan.h"
#include "kernel/ktest.h"
#include "kernel/machine.h"

#define EXIT_PASS	0x10
#define EXIT_FAIL	0x11

struct test_state *test_state(void)
{
	return &this_core()->test;
}

/* Runs t on the bootstrap core, named in a fault report while it runs
 * (trap.c). */
static enum test_verdict run_here(const struct test *t, unsigned online)
{
	struct core *c = this_core();
	enum test_verdict v;

	c->running_test = t;
	v = test_run(t, online);
	c->running_test = NULL;
	return v;
}

err_t ktest_run_here(uint32_t index)
{
	struct core *c = this_core();
	enum test_verdict v;

	if (index >= (uint32_t)(__stop_tests - __start_tests)) {
		c->test.verdict = TEST_FAIL;
		strlcpy(c->test.msg, "no such test", sizeof(c->test.msg));
		return ERR_BAD_MESSAGE;
	}
	c->running_test = __start_tests + index;
	v = test_call(c->running_test);		/* the bootstrap core counted the cores */
	c->running_test = NULL;
	return v == TEST_FAIL ? ERR_INVALID_ARG : OK;
}

unsigned ktest_cores_online(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < machine.ncores; i++)
		if (i == 0 || (this_core()->chan[i] && !this_core()->core_halted[i]))
			n++;
	return n;
}

err_t ktest_wait_ticks(unsigned n, unsigned timeout_s)
{
	struct core *c = this_core();
	uint64_t start = c->ticks;
	uint64_t deadline = arch_timestamp() + arch_timestamp_hz() * timeout_s;

	while (c->ticks - start < n) {
		if (arch_timestamp() > deadline) {
			test_fail("core %u: timer ticked %llu of %u times in %u s",
				  c->id, (unsigned long long)(c->ticks - start), n, timeout_s);
			return ERR_TIMEOUT;
		}
		arch_wait_for_interrupt();
	}
	return OK;
}

/* Runs an each-core test: here first (which decides whether there are
 * cores enough), then on every other online core. */
static enum test_verdict run_each_core(const struct test *t, char *why, size_t size)
{
	struct core *c = this_core();
	uint32_t index = (uint32_t)(t - __start_tests);
	unsigned online = ktest_cores_online(), ran = 1;
	enum test_verdict v = run_here(t, online);

	if (v != TEST_PASS) {
		/* Too few cores: it ran nowhere, and the reason says so. */
		if (online < t->min_cores)
			strlcpy(why, c->test.msg, size);
		else
			fmt_snprintf(why, size, "core 0: %s", c->test.msg);
		return v;
	}
	for (unsigned i = 1; i < machine.ncores; i++) {
		struct kchan_rep rep;
		if (!c->chan[i] || c->core_halted[i])
			continue;
		err_t err = kchan_call(i, KCHAN_RUN_TEST, index, &rep);
		if (err) {
			fmt_snprintf(why, size, "core %u: %s%s%s", i, err_name(err),
				     rep.msg[0] ? ": " : "", rep.msg);
			return TEST_FAIL;
		}
		if (rep.flags & KCHAN_REP_SKIPPED) {
			fmt_snprintf(why, size, "core %u: %s", i, rep.msg);
			return TEST_SKIP;
		}
		ran++;
	}
	fmt_snprintf(why, size, "%u cores", ran);
	return TEST_PASS;
}

void ktest_main(const char *pattern)
{
	struct core *c = this_core();
	struct test_counts n = { 0 };
	char why[TEST_MSG_MAX];

	kprintf("ktest: running boot tests matching \"%s\" on %u cores\n",
		pattern[0] ? pattern : "all", ktest_cores_online());
	for (const struct test *t = __start_tests; t < __stop_tests; t++) {
		enum test_verdict v;

		if (!test_selected(t->name, pattern))
			continue;
		why[0] = '\0';
		if (t->each_core) {
			v = run_each_core(t, why, sizeof(why));
		} else {
			v = run_here(t, ktest_cores_online());
			strlcpy(why, c->test.msg, sizeof(why));
		}
		if (v == TEST_PASS) {
			n.passed++;
			kprintf("PASS %s%s%s%s\n", t->name, why[0] ? " (" : "", why, why[0] ? ")" : "");
		} else if (v == TEST_SKIP) {
			n.skipped++;
			kprintf("SKIP %s: %s\n", t->name, why);
		} else {
			n.failed++;
			kprintf("FAIL %s: %s\n", t->name, why);
		}
	}
	kprintf("ktest: %d passed, %d failed, %d skipped\n", n.passed, n.failed, n.skipped);
	/* The verdict as QEMU's status where the test exit is linked in;
	 * else, or without the device, a power-off, which the host reads as
	 * no verdict; if even that fails, this core halts. */
	if (ktest_qemu_exit)
		ktest_qemu_exit(n.failed ? EXIT_FAIL : EXIT_PASS);
	arch_poweroff();
	arch_halt_core();
}
