/*
 * Boot tests: the multikernel invariant holds in hardware
 * (kernel/memguard.h). Each core's page tables map writable only what the
 * core owns, checked entry by entry against the rule stated here again,
 * independently of kernel/memguard.c; and a kernel that writes where it
 * must not (another core's share, the boot hand-off, its own image through
 * the direct map, the start-up pages) takes a page fault on its own core,
 * which reports it and halts, while the core it aimed at runs on. A write
 * into the core's own memory goes through (the control: the writes that
 * fault are refused for where they go, not for how they are made).
 *
 * tools/boottest.py boots a kernel built with tests/check/
 * planted_unguarded.c instead of kernel/memguard.c, whose direct map is
 * writable everywhere, and wants every test here to fail there.
 */
#include "lib/fmt.h"
#include "lib/string.h"
#include "kernel/arch.h"
#include "kernel/core.h"
#include "kernel/kchan.h"
#include "tests/boot/ktest.h"
#include "kernel/machine.h"
#include "tests/boot/faulting.h"
#include "kernel/arch/x86_64/paging.h"

extern char __shared_rw_start[], __shared_rw_end[];

#define LARGE	(2ull << 20)

struct audit {
	const struct core *c;
	uint64_t direct_bytes;		/* of the direct map, mapped */
	uint64_t own_writable;		/* of the core's share, writable */
	bool failed;
};

static bool inside(uint64_t pa, uint64_t len, uint64_t base, uint64_t size)
{
	return pa >= base && len <= size && pa - base <= size - len;
}

static bool in_own_share(const struct core *c, uint64_t pa, uint64_t len)
{
	const struct memshare *s = &machine.share[c->id];

	for (unsigned i = 0; i < s->n; i++)
		if (inside(pa, len, s->r[i].base, s->r[i].len))
			return true;
	return false;
}

static uint64_t direct_top(void)
{
	return (machine.phys_top + LARGE - 1) & ~(LARGE - 1);
}

/* One present leaf: `size` bytes at `va`, writable or not. */
static void leaf(struct audit *a, uint64_t va, uint64_t pa, uint64_t size, bool w)
{
	bool allowed = false;

	if (va >= PHYSMAP_BASE && va - PHYSMAP_BASE < direct_top()) {
		uint64_t start, len;
		arch_start_pages(&start, &len);
		a->direct_bytes += size;
		if (pa != va - PHYSMAP_BASE && !a->failed) {
			test_fail("core %u: direct map 0x%llx leads to 0x%llx", a->c->id,
				  (unsigned long long)va, (unsigned long long)pa);
			a->failed = true;
		}
		if (w && in_own_share(a->c, pa, size))
			a->own_writable += size;
		allowed = in_own_share(a->c, pa, size) ||
			  (a->c->id == 0 && inside(pa, size, start, len));
	} else if (va >= (uintptr_t)__shared_rw_start && va < (uintptr_t)__shared_rw_end) {
		allowed = true;		/* the console lock, the panic path */
	} else if (va == LAPIC_VA) {
		allowed = true;		/* a device */
	} else if (va == HPET_VA && a->c->id == 0 && machine.acpi &&
		   pa == (machine.acpi->hpet_pa & ~0xFFFull)) {
		allowed = true;		/* the HPET, for the clocks (clocks.c) */
	}
	if (w && !allowed && !a->failed) {
		test_fail("core %u: 0x%llx (physical 0x%llx, %llu KiB) is writable", a->c->id,
			  (unsigned long long)va, (unsigned long long)pa,
			  (unsigned long long)(size >> 10));
		a->failed = true;
	}
}

static uint64_t canonical(uint64_t va)
{
	return va & (1ull << 47) ? va | 0xFFFF000000000000ull : va;
}

/* Walks the kernel half of the core's own tables. A page is writable only
 * if every level on its way says so. */
static void walk(struct audit *a, uint64_t table, int level, uint64_t va, bool w)
{
	const uint64_t *e = phys_to_virt(table);

	for (unsigned i = level == 3 ? 256 : 0; i < 512; i++) {
		if (!(e[i] & PTE_P))
			continue;
		uint64_t at = canonical(va | (uint64_t)i << (12 + 9 * level));
		bool ww = w && (e[i] & PTE_W);
		if (level == 0 || (level < 3 && (e[i] & PTE_PS)))
			leaf(a, at, e[i] & PTE_ADDR & ~((1ull << (12 + 9 * level)) - 1),
			     1ull << (12 + 9 * level), ww);
		else
			walk(a, e[i] & PTE_ADDR, level - 1, at, ww);
	}
}

TEST_EACH_CORE(kernel_maps_writable_only_what_its_core_owns, 1)
{
	struct core *c = this_core();
	struct audit a = { .c = c };

	walk(&a, c->pml4_pa, 3, 0, true);
	if (a.failed)
		return;
	if (a.direct_bytes != direct_top())
		test_fail("core %u: the direct map holds %llu of %llu bytes", c->id,
			  (unsigned long long)a.direct_bytes, (unsigned long long)direct_top());
	else if (a.own_writable != machine.share[c->id].total)
		test_fail("core %u: %llu of its %llu bytes are writable", c->id,
			  (unsigned long long)a.own_writable,
			  (unsigned long long)machine.share[c->id].total);
}

/* Has the victim write the word at `va`; wants a page fault there. */
static void write_faults(uint64_t va, const char *what)
{
	unsigned victim = faulting_victim();
	struct kchan_rep rep;
	char at[32];

	if (victim == 0)
		SKIP("needs 2 cores, 1 online");
	/* The control: its own memory, which it may write. */
	uint64_t own = (uint64_t)(uintptr_t)phys_to_virt(machine.share[victim].r[0].base);
	err_t err = kchan_call_addr(victim, KCHAN_FAULT, FAULT_WRITE_AT, own, &rep);
	if (err)
		FAIL("core %u could not write its own memory at 0x%llx: %s: %s", victim,
		     (unsigned long long)own, err_name(err), rep.msg);
	if (!fault_and_recover(victim, FAULT_WRITE_AT, va, 14, &rep))
		return;		/* e.g. "got OK (...: the write went through)" */
	fmt_snprintf(at, sizeof(at), " at 0x%llx,", (unsigned long long)va);
	bool named = false;
	for (const char *p = rep.msg; *p && !named; p++)
		named = strncmp(p, at, strlen(at)) == 0;
	if (!named)
		test_fail("the report of the write to %s, '%s', does not name 0x%llx", what,
			  rep.msg, (unsigned long long)va);
}

TEST_CORES(kernel_write_to_another_cores_share_faults_only_there, 2)
{
	/* The struct core of the core before the victim: the first page of
	 * its share. */
	unsigned target = faulting_victim() - 1;

	write_faults((uint64_t)(uintptr_t)phys_to_virt(machine.share[target].r[0].base),
		     "another core's struct core");
}

TEST_CORES(kernel_write_to_the_boot_handoff_after_boot_faults, 2)
{
	write_faults((uint64_t)(uintptr_t)&machine.phys_top, "the boot hand-off");
}

TEST_CORES(kernel_write_to_its_image_through_the_direct_map_faults, 2)
{
	write_faults((uint64_t)(uintptr_t)phys_to_virt(kernel_virt_to_phys(&machine.phys_top)),
		     "the kernel image");
}

TEST_CORES(kernel_write_to_the_start_pages_after_check_in_faults, 2)
{
	uint64_t base, len;

	arch_start_pages(&base, &len);
	write_faults((uint64_t)(uintptr_t)phys_to_virt(base), "the start-up pages");
}
