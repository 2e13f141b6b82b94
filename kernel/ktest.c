/*
 * The boot-test runner (see ktest.h). It runs on the bootstrap core, walks
 * the .ktests section in link order, and prints for each selected test:
 *	PASS <name>
 *	FAIL <name>: <reason>
 *	SKIP <name>: <reason>
 * then `ktest: P passed, F failed, S skipped` and leaves QEMU through
 * isa-debug-exit (code 0x10 all passed, 0x11 otherwise), so the exit status
 * of QEMU is the verdict. tools/boottest.py adds the host-side timeout.
 */
#include <stdarg.h>
#include "lib/fmt.h"
#include "lib/string.h"
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/core.h"
#include "kernel/kchan.h"
#include "kernel/ktest.h"
#include "kernel/machine.h"

extern const struct ktest __ktests_start[], __ktests_end[];

#define EXIT_PASS	0x10
#define EXIT_FAIL	0x11

static void record(bool skip, const char *fmt, va_list ap)
{
	struct core *c = this_core();

	if (c->test_failed || c->test_skipped)
		return;		/* the first verdict stands */
	if (skip)
		c->test_skipped = true;
	else
		c->test_failed = true;
	fmt_vsnprintf(c->test_msg, sizeof(c->test_msg), fmt, ap);
}

void ktest_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(false, fmt, ap);
	va_end(ap);
}

void ktest_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(true, fmt, ap);
	va_end(ap);
}

err_t ktest_run_here(uint32_t index)
{
	struct core *c = this_core();
	const struct ktest *t = __ktests_start + index;

	c->test_failed = c->test_skipped = false;
	c->test_msg[0] = '\0';
	if (index >= (uint32_t)(__ktests_end - __ktests_start)) {
		strlcpy(c->test_msg, "no such test", sizeof(c->test_msg));
		return ERR_BAD_MESSAGE;
	}
	c->running_test = t;
	t->fn();
	c->running_test = NULL;
	return c->test_failed ? ERR_INVALID_ARG : OK;
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
			ktest_fail("core %u: timer ticked %llu of %u times in %u s", c->id,
				   (unsigned long long)(c->ticks - start), n, timeout_s);
			return ERR_TIMEOUT;
		}
		arch_wait_for_interrupt();
	}
	return OK;
}

enum verdict { V_PASS, V_FAIL, V_SKIP };

/* Runs an each-core test: here first, then on every other online core. */
static enum verdict run_each_core(const struct ktest *t, uint32_t index, char *why, size_t size)
{
	struct core *c = this_core();
	unsigned ran = 0;

	if (ktest_run_here(index) != OK) {
		fmt_snprintf(why, size, "core 0: %s", c->test_msg);
		return V_FAIL;
	}
	ran++;
	for (unsigned i = 1; i < machine.ncores; i++) {
		struct kchan_rep rep;
		if (!c->chan[i] || c->core_halted[i])
			continue;
		err_t err = kchan_call(i, KCHAN_RUN_TEST, index, &rep);
		if (err) {
			fmt_snprintf(why, size, "core %u: %s%s%s", i, err_name(err),
				     rep.msg[0] ? ": " : "", rep.msg);
			return V_FAIL;
		}
		ran++;
	}
	fmt_snprintf(why, size, "%u cores", ran);
	return V_PASS;
}

static bool selected(const char *name, const char *pattern)
{
	char pat[64];
	const char *p = pattern;

	if (!pattern[0] || strcmp(pattern, "all") == 0)
		return true;
	while (*p) {
		unsigned n = 0;
		while (*p && *p != ',' && n + 1 < sizeof(pat))
			pat[n++] = *p++;
		pat[n] = '\0';
		if (*p == ',')
			p++;
		for (const char *s = name; n && *s; s++)
			if (strncmp(s, pat, n) == 0)
				return true;
	}
	return false;
}

void ktest_main(const char *pattern)
{
	struct core *c = this_core();
	unsigned pass = 0, fail = 0, skip = 0;
	char why[160];

	kprintf("ktest: running boot tests matching \"%s\" on %u cores\n",
		pattern[0] ? pattern : "all", ktest_cores_online());
	for (const struct ktest *t = __ktests_start; t < __ktests_end; t++) {
		uint32_t index = (uint32_t)(t - __ktests_start);
		enum verdict v;

		if (!selected(t->name, pattern))
			continue;
		why[0] = '\0';
		if (ktest_cores_online() < t->min_cores) {
			fmt_snprintf(why, sizeof(why), "needs %u cores, %u online",
				     t->min_cores, ktest_cores_online());
			v = V_SKIP;
		} else if (t->kind == KTEST_EACH_CORE) {
			v = run_each_core(t, index, why, sizeof(why));
		} else {
			ktest_run_here(index);
			v = c->test_failed ? V_FAIL : c->test_skipped ? V_SKIP : V_PASS;
			strlcpy(why, c->test_msg, sizeof(why));
		}
		if (v == V_PASS) {
			pass++;
			kprintf("PASS %s%s%s%s\n", t->name, why[0] ? " (" : "", why, why[0] ? ")" : "");
		} else if (v == V_SKIP) {
			skip++;
			kprintf("SKIP %s: %s\n", t->name, why);
		} else {
			fail++;
			kprintf("FAIL %s: %s\n", t->name, why);
		}
	}
	kprintf("ktest: %u passed, %u failed, %u skipped\n", pass, fail, skip);
	arch_exit_qemu(fail ? EXIT_FAIL : EXIT_PASS);
}
