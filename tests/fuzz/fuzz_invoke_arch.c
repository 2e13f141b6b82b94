/*
 * The fake machine under the kernel files of the invocation fuzzer
 * (fuzz_invoke.h): what kernel/arch.h promises, for one core of four.
 *
 * Physical memory is a memfd of SIM_BYTES, mapped three times:
 *  - the direct map (phys_to_virt, through invoke_host/.../layout.h):
 *    read-only except this core's share, exactly as kernel/memguard.c
 *    makes the real page tables, and followed by a large guard of no
 *    access. A kernel write to another core's memory, to the kernel image
 *    or past the end of memory is a SEGV, which libFuzzer reports;
 *  - the write window (arch_write_window): one page at a time made
 *    writable, and only a page of another core's share, which is all the
 *    kernel may write through it;
 *  - an alias, always writable, for the harness alone (sim_ptr).
 * The shares (core 0 [1, 2) MiB, core 1 [2, 4) MiB, core 2 [4, 5) and
 * [6, 7) MiB, core 3 [7, 8) MiB) leave [0, 1) MiB to the kernel image and
 * [5, 6) MiB to nobody. The kernel here runs as core 1: this_core() reads
 * %gs:0 as in the kernel, with GS pointing at its struct core.
 *
 * The ways out of the kernel that never return (arch_resume, the idle
 * halt, arch_poweroff) longjmp back to sim_enter(), which the driver
 * called; the kernel stack is abandoned, as in the kernel.
 */
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "lib/memshare.h"
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/core.h"
#include "kernel/dispatch.h"
#include "kernel/machine.h"
#include "kernel/memguard.h"
#include "kernel/arch/x86_64/trap.h"
#include <kpi/lmp.h>
#include "fuzz_invoke.h"

/* What the rest of the kernel would define. */
struct machine machine;
uint64_t boot_tsc;
uintptr_t fuzz_physmap;

struct sim sim;

/* The direct map's guard: a wild physical address below this faults. */
#define GUARD_BYTES	(64ull << 30)
#define PAGE		4096ull
#define MAX_DIRTY	64

static uint8_t *alias, *window;
static uint64_t window_page;		/* the open page + 1; 0: closed */
static uint64_t dirty[MAX_DIRTY];	/* pages written through the window */
static unsigned ndirty;
static bool dirty_overflow;
static bool has_core, in_kernel;
static jmp_buf exit_to;

CHECKER void fuzz_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_invoke: invariant broken at %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	__builtin_trap();
}

static void share(unsigned core, uint64_t base, uint64_t len)
{
	struct memshare *s = &machine.share[core];

	s->r[s->n++] = (struct mem_range){ base, len, MEM_USABLE };
	s->total += len;
}

static void *map_or_die(void *at, uint64_t len, int prot, int flags, int fd)
{
	void *p = mmap(at, len, prot, flags, fd, 0);

	if (p == MAP_FAILED) {
		perror("fuzz_invoke: mmap");
		abort();
	}
	return p;
}

void sim_init(void)
{
	static struct core probe;	/* memguard_writable() reads its id */
	struct mem_range w[MEMGUARD_MAX_RANGES];
	int fd = memfd_create("fuzz_invoke_physical_memory", 0);

	if (fd < 0 || ftruncate(fd, SIM_BYTES)) {
		perror("fuzz_invoke: memfd");
		abort();
	}
	machine.ncores = machine.ncores_found = SIM_CORES;
	machine.maxcores = MAX_CORES;
	machine.nnodes = 1;
	share(0, 1 * MiB, 1 * MiB);
	share(1, OWN_BASE, OWN_BYTES);
	share(2, 4 * MiB, 1 * MiB);
	share(2, 6 * MiB, 1 * MiB);
	share(3, 7 * MiB, 1 * MiB);
	machine.phys_top = SIM_BYTES;
	machine.tsc_hz = 1000000000;		/* a cycle is a nanosecond */
	machine.mesh[0] = (struct mem_range){ MESH_PA, 8 * PAGE, MEM_USABLE };	/* 4 cores: 4 * 4 * 2048 bytes */
	machine.nmesh = 1;
	machine.token_key = (struct sipkey){ 0x0706050403020100ull, 0x0F0E0D0C0B0A0908ull };
	strcpy(machine.cmdline, "utest fuzz=invoke");

	uint8_t *d = map_or_die(NULL, GUARD_BYTES, PROT_NONE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1);
	map_or_die(d, SIM_BYTES, PROT_READ, MAP_SHARED | MAP_FIXED, fd);
	probe.id = ME;
	unsigned n = memguard_writable(&probe, true, w);
	for (unsigned i = 0; i < n; i++)
		if (mprotect(d + w[i].base, w[i].len, PROT_READ | PROT_WRITE)) {
			perror("fuzz_invoke: mprotect");
			abort();
		}
	fuzz_physmap = (uintptr_t)d;
	alias = map_or_die(NULL, SIM_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
	window = map_or_die(NULL, SIM_BYTES, PROT_NONE, MAP_SHARED, fd);
	close(fd);
	sim.verbose = getenv("FUZZ_INVOKE_VERBOSE") != NULL;
}

void sim_reset(void)
{
	memset(alias + OWN_BASE, 0, OWN_BYTES);
	if (dirty_overflow) {
		memset(alias, 0, SIM_BYTES);
	} else {
		for (unsigned i = 0; i < ndirty; i++)
			memset(alias + dirty[i], 0, PAGE);
	}
	ndirty = 0;
	dirty_overflow = false;
	has_core = false;
	sim = (struct sim){ 0 };
	sim.verbose = getenv("FUZZ_INVOKE_VERBOSE") != NULL;
	sim.port_lo = 0x3F8;
	sim.port_hi = 0x400;
	boot_tsc = 0;
}

void *sim_ptr(uint64_t pa)
{
	FI_CHECK(pa < SIM_BYTES, "the harness reached past memory: 0x%llx", (unsigned long long)pa);
	return alias + pa;
}

enum left sim_enter(void (*fn)(void *), void *arg)
{
	int how = setjmp(exit_to);

	if (how) {
		in_kernel = false;
		return (enum left)how;
	}
	in_kernel = true;
	fn(arg);
	in_kernel = false;
	return LEFT_RETURNED;
}

static void __attribute__((noreturn)) leave(enum left how)
{
	FI_CHECK(in_kernel, "left the kernel without having entered it");
	longjmp(exit_to, how);
}

/* ---- kernel/arch.h ---- */

void arch_resume(const struct trap_frame *f)
{
	struct core *c = this_core();

	FI_CHECK(c->current && f == &c->current->regs,
	      "arch_resume of a frame that is not the current dispatcher's");
	sim.cpu = *f;
	leave(LEFT_RESUMED);
}

void arch_wait_for_interrupt(void)
{
	leave(LEFT_IDLE);
}

/* The machine goes off: the run ends here (as S5 would). */
err_t arch_poweroff(void)
{
	leave(LEFT_POWEROFF);
}

/* A reboot ends the run the same way (POWER_REBOOT). */
void arch_reboot(void)
{
	leave(LEFT_POWEROFF);
}

/* The fuzzer's host code uses the real registers, so the kernel's FPU
 * hand-over has nothing to save or load here; dispatch.c's bookkeeping
 * (fpu_owner, cleared when a dispatcher dies) still runs. */
void arch_fpu_init_area(void *area)
{
	memset(area, 0, FPU_AREA_BYTES);
}

void arch_fpu_save(void *area)
{
	(void)area;
}

void arch_fpu_restore(const void *area)
{
	(void)area;
}

bool arch_fpu_lazy(void)
{
	return false;
}

void arch_fpu_trap_next(bool trap)
{
	(void)trap;
}

void arch_set_this_core(struct core *c)
{
	if (syscall(SYS_arch_prctl, ARCH_SET_GS, (unsigned long)c)) {
		perror("fuzz_invoke: arch_prctl(ARCH_SET_GS)");
		abort();
	}
	has_core = true;
}

bool arch_has_core(void)
{
	return has_core;
}

uint64_t arch_timestamp(void)
{
	return sim.tsc += 100;	/* time passes in the kernel too */
}

void arch_start_pages(uint64_t *base, uint64_t *len)
{
	*base = *len = 0;		/* core 1 starts no other core */
}

void arch_notify(unsigned core, unsigned slot)
{
	FI_CHECK(core < machine.ncores && slot < NOTIFY_SLOTS, "doorbell %u of core %u", slot, core);
	if (core == ME)
		sim.pending_bells |= 1u << slot;
	else
		sim.remote_bells++;
}

void arch_console_putc(char ch)
{
	if (sim.verbose)
		fputc(ch, stderr);
}

static bool in_other_share(uint64_t pa)
{
	for (unsigned i = 0; i < machine.ncores; i++) {
		const struct memshare *s = &machine.share[i];
		for (unsigned k = 0; i != ME && k < s->n; k++)
			if (pa >= s->r[k].base && pa - s->r[k].base < s->r[k].len)
				return true;
	}
	return false;
}

void *arch_write_window(uint64_t pa)
{
	uint64_t page = pa & ~(PAGE - 1);

	FI_CHECK(!window_page, "a second write window while one is open");
	FI_CHECK(pa < SIM_BYTES && in_other_share(pa),
	      "a write window onto 0x%llx, which is not another core's RAM", (unsigned long long)pa);
	if (mprotect(window + page, PAGE, PROT_READ | PROT_WRITE))
		abort();
	window_page = page + 1;
	if (ndirty < MAX_DIRTY)
		dirty[ndirty++] = page;
	else
		dirty_overflow = true;
	return window + pa;
}

void arch_write_window_close(void)
{
	FI_CHECK(window_page, "closing a write window that is not open");
	if (mprotect(window + window_page - 1, PAGE, PROT_NONE))
		abort();
	window_page = 0;
}

/* ---- The instructions (invoke_host/kernel/arch/x86_64/cpu.h) ---- */

uint32_t fuzz_port_in(uint16_t port, unsigned width)
{
	FI_CHECK(port >= sim.port_lo && port + width <= sim.port_hi,
	      "in from port 0x%x (width %u): no capability grants it", port, width);
	sim.ports++;
	return 0;
}

void fuzz_port_out(uint16_t port, unsigned width, uint32_t v)
{
	FI_CHECK(port >= sim.port_lo && port + width <= sim.port_hi,
	      "out to port 0x%x (width %u): no capability grants it", port, width);
	sim.ports++;
}

uint64_t fuzz_read_cr3(void)
{
	return sim.cr3;
}

/* Every write is a flush; only this core's own tables or a live PML4 may
 * be loaded. */
void fuzz_write_cr3(uint64_t v)
{
	FI_CHECK(v == this_core()->pml4_pa || check_live(CAP_PML4, v),
	      "cr3 loaded with 0x%llx, which is no live PML4", (unsigned long long)v);
	sim.cr3 = v;
	sim.flushes++;
}

/* ---- The rest of the kernel that these files call ---- */

void panic(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_invoke: kernel panic: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	__builtin_trap();
}

const char *trap_name(uint64_t vector)
{
	return vector_name(vector);
}
