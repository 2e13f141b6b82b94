/*
 * libFuzzer target for acpi_find_rsdp(), acpi_parse() (with the HPET table
 * and the FADT's clock and reset fields of lib/acpi_hw.c) and acpi_aml_s5().
 * The input (after a first mode byte) is physical memory from 0xE0000,
 * where the RSDP search looks. Random bytes rarely have valid checksums, so
 * when bit 0 of the mode byte is set the harness first repairs them: an
 * RSDP at 0xE0000, the root table it names, each table the root lists, and
 * the DSDT that a FADT (FACP) among them names, if they lie in the input.
 * The same bytes are also scanned as AML for \_S5, as they are, in a
 * buffer of their exact size. The parser must never read outside the input
 * and its output must be consistent.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lib/acpi.h"

#define BASE	0xE0000u

struct phys {
	uint8_t *data;
	size_t size;
};

static const void *fmap(void *ctx, uint64_t pa, uint64_t len)
{
	struct phys *p = ctx;

	if (pa < BASE || pa - BASE > p->size || len > p->size - (pa - BASE))
		return NULL;
	return p->data + (pa - BASE);
}

static uint32_t get32(const uint8_t *b)
{
	return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
}

/* Makes bytes [off, off+len) of the input sum to zero by changing byte fix. */
static void fix_sum(struct phys *p, uint64_t off, uint64_t len, uint64_t fix)
{
	uint8_t s = 0;

	if (off > p->size || len > p->size - off || fix >= len)
		return;
	p->data[off + fix] = 0;
	for (uint64_t i = 0; i < len; i++)
		s += p->data[off + i];
	p->data[off + fix] = (uint8_t)-s;
}

/* Repairs the table at pa and returns its length (0 if outside the input). */
static uint32_t fix_table(struct phys *p, uint64_t pa)
{
	uint32_t len;

	if (pa < BASE || pa - BASE + 36 > p->size)
		return 0;
	len = get32(p->data + (pa - BASE) + 4);
	fix_sum(p, pa - BASE, len, 9);
	return len;
}

/* Repairs the DSDT that the FADT at pa names (X_DSDT if the FADT holds a
 * non-zero one, else DSDT), before the FADT itself is repaired. */
static void fix_dsdt(struct phys *p, uint64_t pa)
{
	const uint8_t *t;
	uint64_t dsdt = 0;
	uint32_t len;

	if (pa < BASE || pa - BASE + 44 > p->size)
		return;
	t = p->data + (pa - BASE);
	if (memcmp(t, "FACP", 4) != 0)
		return;
	len = get32(t + 4);
	if (len >= 148 && pa - BASE + 148 <= p->size)
		dsdt = get32(t + 140) | (uint64_t)get32(t + 144) << 32;
	if (!dsdt)
		dsdt = get32(t + 40);
	fix_table(p, dsdt);
}

static void repair(struct phys *p)
{
	uint64_t root;
	uint32_t len;
	int x;

	if (p->size < 36)
		return;
	fix_sum(p, 0, 20, 8);
	x = p->data[15] >= 2;
	if (x) {
		len = get32(p->data + 20);
		fix_sum(p, 0, len < 36 ? 36 : len, 32);
	}
	root = x ? get32(p->data + 24) | (uint64_t)get32(p->data + 28) << 32 : 0;
	if (!root)
		root = get32(p->data + 16);
	len = fix_table(p, root);
	for (uint64_t off = 36; off + 4 <= len && root - BASE + off + 8 <= p->size;
	     off += x ? 8 : 4) {
		fix_dsdt(p, get32(p->data + (root - BASE) + off));
		fix_table(p, get32(p->data + (root - BASE) + off));
	}
	fix_table(p, root);	/* entries may overlap the root itself */
}

static void check(const struct acpi_info *a)
{
	if (a->ncores > ACPI_MAX_CORES || a->nioapic > ACPI_MAX_IOAPICS ||
	    a->nmemaff > ACPI_MAX_MEMAFF || a->nnodes < 1 || a->nnodes > ACPI_MAX_NODES)
		__builtin_trap();
	for (unsigned i = 0; i < a->ncores; i++)
		if (a->cores[i].node >= a->nnodes)
			__builtin_trap();
	for (unsigned i = 0; i < a->nmemaff; i++)
		if (a->memaff[i].node >= a->nnodes)
			__builtin_trap();
	/* Soft off: usable facts, or a reason; never both, never neither. */
	if (a->s5.err == OK && (a->s5.why || !a->s5.pm1a_cnt || !a->has_fadt ||
				a->s5.slp_typa > 7 || a->s5.slp_typb > 7))
		__builtin_trap();
	if (a->s5.err != OK && !a->s5.why)
		__builtin_trap();
	/* Clocks: a PM timer has a port in I/O space and a width of 24 or 32
	 * bits, and no port has no width. */
	if (a->pm_timer_port ? a->pm_timer_port > 0xFFFC || (a->pm_timer_bits != 24 &&
							       a->pm_timer_bits != 32)
			     : a->pm_timer_bits != 0)
		__builtin_trap();
	/* The reset register: usable with no reason, in a known space. */
	if (a->reset.usable && (a->reset.why || !a->reset.addr ||
				a->reset.space > ACPI_GAS_PCI_CONFIG))
		__builtin_trap();
	if (!a->reset.usable && a->has_fadt && !a->reset.why && a->s5.err != ERR_TRUNCATED)
		__builtin_trap();
}

/* The input as AML: an exact-size copy, so that ASan sees any over-read. */
static void scan_aml(const uint8_t *data, size_t size)
{
	uint8_t *aml = malloc(size ? size : 1), a = 0xEE, b = 0xEE;
	const char *why = NULL;
	err_t err;

	memcpy(aml, data, size);
	err = acpi_aml_s5(aml, (uint32_t)size, &a, &b, &why);
	if (err == OK ? (why || a > 7 || b > 7) : (!why || a != 0xEE || b != 0xEE))
		__builtin_trap();
	free(aml);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct acpi_info info;
	struct phys p;
	struct boot_io io = { fmap, NULL, &p };
	uint64_t rsdp;

	if (size < 1)
		return 0;
	p.size = size - 1;
	p.data = malloc(p.size ? p.size : 1);
	memcpy(p.data, data + 1, p.size);
	if (data[0] & 1)
		repair(&p);
	if (acpi_find_rsdp(&io, &rsdp) == OK) {
		if (acpi_parse(&io, rsdp, &info) == OK)
			check(&info);
	}
	if (acpi_parse(&io, BASE, &info) == OK)
		check(&info);
	scan_aml(data + 1, size - 1);
	free(p.data);
	return 0;
}
