/*
 * The boot-test runner (see ktest.h and lib/test.h). It runs on the
 * bootstrap core, walks the "tests" section in link order, and prints for
 * each selected test:
 *	PASS <name>
 *	FAIL <name>: <reason>
 *	SKIP <name>: <reason>
 * then `ktest: P passed, F failed, S skipped` and leaves QEMU through
 * isa-debug-exit (code 0x10 all passed, 0x11 otherwise; tests/boot/test_exit.c),
 * so the exit status of QEMU is the verdict. tools/boottest.py adds the host-side timeout.
 * A test's verdict lives in a page of its own core's memory, which
 * struct core's `ktest` points to (test_state() below): every core runs
 * tests itself, and cores share no writable kernel data. This file is
 * linked only into the test kernel; the production kernel calls it
 * through kernel/testhooks.h's weak symbols, and has none of it.
 */
#include "lib/fmt.h"
#include "lib/string.h"
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/core.h"
#include "kernel/kchan.h"
#include "tests/boot/ktest.h"
#include "kernel/machine.h"

#define EXIT_PASS	0x10
#define EXIT_FAIL	0x11

/* This core's: the test it runs (named in a fault report, trap.c) and
 * its verdict so far. */
struct ktest_core {
	const struct test *running;
	struct test_state state;
};
_Static_assert(sizeof(struct ktest_core) <= 4096, "one page");

/* This core's state, in a page of its own memory taken on first use. */
static struct ktest_core *here(void)
{
	struct core *c = this_core();

	if (!c->ktest) {
		uint64_t pa = pmem_alloc(&c->pmem);
		if (!pa)
			panic("core %u: no memory for the boot tests' state", c->id);
		c->ktest = phys_to_virt(pa);
		memset(c->ktest, 0, sizeof(*c->ktest));
	}
	return c->ktest;
}

struct test_state *test_state(void)
{
	return &here()->state;
}

const char *ktest_running(void)
{
	struct ktest_core *k = this_core()->ktest;

	return k && k->running ? k->running->name : NULL;
}

/* Runs t on the bootstrap core. */
static enum test_verdict run_here(const struct test *t, unsigned online)
{
	enum test_verdict v;

	here()->running = t;
	v = test_run(t, online);
	here()->running = NULL;
	return v;
}

static err_t run_index_here(uint32_t index, bool *skipped, const char **msg)
{
	struct ktest_core *k = here();
	enum test_verdict v;

	*skipped = false;
	*msg = k->state.msg;
	if (index >= (uint32_t)(__stop_tests - __start_tests)) {
		k->state.verdict = TEST_FAIL;
		strlcpy(k->state.msg, "no such test", sizeof(k->state.msg));
		return ERR_BAD_MESSAGE;
	}
	k->running = __start_tests + index;
	v = test_call(k->running);		/* the bootstrap core counted the cores */
	k->running = NULL;
	*skipped = v == TEST_SKIP;
	return v == TEST_FAIL ? ERR_INVALID_ARG : OK;
}

/* Faults raised on purpose by the boot tests. noinline and a frame pointer
 * keep them visible in the backtrace under their own names. */
void ktest_fault_divide(void);
__attribute__((noinline)) void ktest_fault_divide(void)
{
	/* In assembly: the compiler may turn a C division into a compare. */
	__asm__ volatile("xor %%ecx, %%ecx; mov $1, %%eax; cltd; idivl %%ecx"
			 : : : "eax", "ecx", "edx");
}

void ktest_fault_page(void);
__attribute__((noinline)) void ktest_fault_page(void)
{
	/* Lowest user-half page: never mapped in kernel page tables. */
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)0x1000;
	*p = 0xF10711A;
}

void ktest_fault_invalid_opcode(void);
__attribute__((noinline)) void ktest_fault_invalid_opcode(void)
{
	__asm__ volatile("ud2");
}

/* The boot channel's test requests (kernel/testhooks.h). */
void ktest_serve(uint32_t op, uint32_t arg, uint64_t addr, struct ktest_reply *r)
{
	if (op == KCHAN_RUN_TEST) {
		r->value = 0;
		r->status = run_index_here(arg, &r->skipped, &r->msg);
		return;
	}
	if (op != KCHAN_FAULT)
		return;
	if (arg == FAULT_DIVIDE)
		ktest_fault_divide();
	else if (arg == FAULT_PAGE)
		ktest_fault_page();
	else if (arg == FAULT_INVALID_OPCODE)
		ktest_fault_invalid_opcode();
	else if (arg == FAULT_WRITE_AT) {
		/* Writes the word back as it was: if nothing stops the write,
		 * nothing is corrupted, and the caller learns it from the OK. */
		volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)addr;
		*p = *p;
		*r = (struct ktest_reply){ OK, 0, false, "the write went through" };
		return;
	}
	*r = (struct ktest_reply){ ERR_BAD_MESSAGE, arg, false, "unknown fault kind" };
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
			strlcpy(why, test_state()->msg, size);
		else
			fmt_snprintf(why, size, "core 0: %s", test_state()->msg);
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
			strlcpy(why, test_state()->msg, sizeof(why));
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
	/* The verdict as QEMU's status; without the device, a power-off,
	 * which the host reads as no verdict; if even that fails, this core
	 * halts. */
	ktest_qemu_exit(n.failed ? EXIT_FAIL : EXIT_PASS);
	arch_poweroff();
	arch_halt_core();
}
