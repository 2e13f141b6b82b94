/*
 * Starting the other cores (x86-64). The bootstrap core copies the
 * trampoline below 1 MiB, fills in the hand-off block (boot page tables,
 * stack, entry point, core id) and sends INIT, then two STARTUP IPIs, as
 * Intel's MultiProcessor start-up algorithm prescribes. The new core runs
 * ap_entry() (kernel/main.c), builds its own state and checks in by writing
 * `checked_in` and the address of its boot channel; the bootstrap core
 * waits for that, with a deadline, before starting the next core. The same
 * sequence restarts a core that halted: INIT resets it completely. What the
 * kernel records about a started core is kernel/smp.c's business.
 */
#include <stdint.h>
#include "lib/string.h"
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/core.h"
#include "kernel/machine.h"
#include "kernel/smp.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/lapic.h"

extern const char tramp_start[], tramp_end[];
extern uint64_t boot_pml4[512];
extern void ap_entry(unsigned core_id);

/* Lives in the trampoline page, at TRAMPOLINE_PA + 0xF00; the offsets are
 * used by trampoline.S. */
struct tramp_handoff {
	uint64_t cr3;		/* +0  boot page tables (physical, < 4 GiB) */
	uint64_t stack;		/* +8  initial stack (identity-mapped) */
	uint64_t entry;		/* +16 ap_entry */
	uint64_t core_id;	/* +24 */
	volatile uint64_t checked_in;	/* written by the new core: core_id + 1 */
	volatile uint64_t chan_pa;	/* its boot channel's reply line */
	uint64_t req_pa;		/* +48 the bootstrap core's request line to it */
};

#define HANDOFF_OFF	0xF00
#define AP_STACK_TOP	(TRAMPOLINE_PA + 0x2000)	/* the page after the trampoline */

static struct tramp_handoff *handoff(void)
{
	return phys_to_virt(TRAMPOLINE_PA + HANDOFF_OFF);
}

static void delay_us(uint64_t us)
{
	uint64_t end = rdtsc() + machine.tsc_hz / 1000000 * us;

	while (rdtsc() < end)
		cpu_relax();
}

err_t arch_start_core(unsigned id, uint64_t req_pa, uint64_t *chan_pa)
{
	struct tramp_handoff *h = handoff();
	uint32_t apic = machine.cores[id].apic_id;
	uint64_t deadline;

	memcpy(phys_to_virt(TRAMPOLINE_PA), tramp_start, (size_t)(tramp_end - tramp_start));
	h->cr3 = kernel_virt_to_phys(boot_pml4);
	h->stack = AP_STACK_TOP;
	h->entry = (uint64_t)(uintptr_t)ap_entry;
	h->core_id = id;
	h->chan_pa = 0;
	h->req_pa = req_pa;
	__atomic_store_n(&h->checked_in, 0, __ATOMIC_RELEASE);

	lapic_send_ipi(apic, 0x00004500);		/* INIT, assert */
	delay_us(10000);
	for (int i = 0; i < 2; i++) {
		lapic_send_ipi(apic, 0x00004600 | (TRAMPOLINE_PA >> 12));	/* STARTUP */
		delay_us(200);
		if (__atomic_load_n(&h->checked_in, __ATOMIC_ACQUIRE))
			break;
	}
	deadline = rdtsc() + machine.tsc_hz / 1000 * AP_START_TIMEOUT_MS;
	while (__atomic_load_n(&h->checked_in, __ATOMIC_ACQUIRE) != id + 1) {
		if (rdtsc() > deadline)
			return ERR_TIMEOUT;
		cpu_relax();
	}
	*chan_pa = h->chan_pa;
	return OK;
}

void arch_start_pages(uint64_t *base, uint64_t *len)
{
	*base = TRAMPOLINE_PA;
	*len = AP_STACK_TOP - TRAMPOLINE_PA;	/* the trampoline page, the stack page */
}

uint64_t arch_start_request_line(void)
{
	return handoff()->req_pa;
}

/* Called by the new core once it runs on its own stack and tables. */
void smp_check_in(unsigned id, uint64_t chan_pa)
{
	struct tramp_handoff *h = handoff();

	h->chan_pa = chan_pa;
	__atomic_store_n(&h->checked_in, id + 1, __ATOMIC_RELEASE);
}
