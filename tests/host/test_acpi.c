/*
 * Tests for lib/acpi.c's topology tables: the RSDP search, the root
 * tables, MADT, SRAT and SLIT. The tables are built in a buffer that plays
 * physical memory (acpi_tables.h); each test breaks one thing at a time.
 */
#include <stdint.h>
#include <string.h>
#include "lib/test.h"
#include "acpi_tables.h"

#define MADT		0x20000u
#define SRAT		0x30000u
#define SLIT		0x40000u

static void madt_lapic(struct tb *t, uint8_t uid, uint8_t id, uint32_t flags)
{
	tb_put(t, 0, 1);
	tb_put(t, 8, 1);
	tb_put(t, uid, 1);
	tb_put(t, id, 1);
	tb_put(t, flags, 4);
}

static void madt_x2apic(struct tb *t, uint32_t id, uint32_t flags, uint32_t uid)
{
	tb_put(t, 9, 1);
	tb_put(t, 16, 1);
	tb_put(t, 0, 2);
	tb_put(t, id, 4);
	tb_put(t, flags, 4);
	tb_put(t, uid, 4);
}

static void madt_ioapic(struct tb *t, uint8_t id, uint32_t pa, uint32_t gsi)
{
	tb_put(t, 1, 1);
	tb_put(t, 12, 1);
	tb_put(t, id, 1);
	tb_put(t, 0, 1);
	tb_put(t, pa, 4);
	tb_put(t, gsi, 4);
}

/* A MADT with `n` enabled xAPIC cores, APIC ids 0..n-1. */
static void make_madt(uint64_t pa, int n)
{
	struct tb t = tb_start(pa, "APIC", 8);

	put(pa + 36, 0xFEE00000u, 4);
	put(pa + 40, 1, 4);
	for (int i = 0; i < n; i++)
		madt_lapic(&t, (uint8_t)i, (uint8_t)i, 1);
	madt_ioapic(&t, 8, 0xFEC00000u, 0);
	tb_end(&t);
}

static void srat_cpu(struct tb *t, uint32_t domain, uint8_t apic, uint32_t flags)
{
	tb_put(t, 0, 1);
	tb_put(t, 16, 1);
	tb_put(t, domain & 0xFF, 1);
	tb_put(t, apic, 1);
	tb_put(t, flags, 4);
	tb_put(t, 0, 1);
	tb_put(t, domain >> 8, 3);
	tb_put(t, 0, 4);
}

static void srat_mem(struct tb *t, uint32_t domain, uint64_t base, uint64_t len, uint32_t flags)
{
	tb_put(t, 1, 1);
	tb_put(t, 40, 1);
	tb_put(t, domain, 4);
	tb_put(t, 0, 2);
	tb_put(t, base, 8);
	tb_put(t, len, 8);
	tb_put(t, 0, 4);
	tb_put(t, flags, 4);
	tb_put(t, 0, 8);
}

static void srat_x2apic(struct tb *t, uint32_t domain, uint32_t id, uint32_t flags)
{
	tb_put(t, 2, 1);
	tb_put(t, 24, 1);
	tb_put(t, 0, 2);
	tb_put(t, domain, 4);
	tb_put(t, id, 4);
	tb_put(t, flags, 4);
	tb_put(t, 0, 8);
}

static struct acpi_info info;

/* Boots with one RSDT listing `tables` (rev 0 RSDP at RSDP). */
static void boot_rsdt(const uint64_t *tables, int n)
{
	make_root(RSDT, 0, tables, n);
	make_rsdp(RSDP, 0, RSDT, 0);
}

TEST(find_rsdp_in_bios_area)
{
	uint64_t pa = 0;

	reset();
	CHECK_EQ(acpi_find_rsdp(&io, &pa), ERR_NOT_FOUND);
	make_rsdp(RSDP, 0, RSDT, 0);
	CHECK_EQ(acpi_find_rsdp(&io, &pa), OK);
	CHECK_EQ(pa, RSDP);
}

TEST(find_rsdp_prefers_ebda)
{
	uint64_t pa = 0;

	reset();
	make_rsdp(RSDP, 0, RSDT, 0);
	put(0x40E, 0x9FC0, 2);
	make_rsdp(0x9FC00 + 0x60, 2, RSDT, XSDT);
	CHECK_EQ(acpi_find_rsdp(&io, &pa), OK);
	CHECK_EQ(pa, 0x9FC00 + 0x60);
	/* Beyond the first KiB of the EBDA it is not looked for. */
	memset(phys + 0x9FC00, 0, 0x400);
	make_rsdp(0x9FC00 + 0x400, 0, RSDT, 0);
	CHECK_EQ(acpi_find_rsdp(&io, &pa), OK);
	CHECK_EQ(pa, RSDP);
}

TEST(find_rsdp_skips_bad_candidates)
{
	uint64_t pa = 0;

	reset();
	make_rsdp(0xE0008, 0, RSDT, 0);		/* not on a 16-byte boundary */
	make_rsdp(0xE0100, 0, RSDT, 0);
	phys[0xE0100 + 16] ^= 1;		/* checksum broken */
	make_rsdp(0xE0200, 2, RSDT, XSDT);
	phys[0xE0200 + 30] ^= 1;		/* extended checksum broken */
	CHECK_EQ(acpi_find_rsdp(&io, &pa), ERR_NOT_FOUND);
	make_rsdp(0xFFFE0, 0, RSDT, 0);		/* the last slot that fits */
	CHECK_EQ(acpi_find_rsdp(&io, &pa), OK);
	CHECK_EQ(pa, 0xFFFE0);
}

TEST(rsdp_errors)
{
	reset();
	CHECK_EQ(acpi_parse(&io, PHYS_SIZE - 10, &info), ERR_TRUNCATED);
	CHECK_EQ(acpi_parse(&io, RSDP, &info), ERR_BAD_SIGNATURE);
	make_rsdp(RSDP, 0, RSDT, 0);
	phys[RSDP + 8]++;
	CHECK_EQ(acpi_parse(&io, RSDP, &info), ERR_BAD_CHECKSUM);
	make_rsdp(RSDP, 2, RSDT, XSDT);
	phys[RSDP + 33]++;
	CHECK_EQ(acpi_parse(&io, RSDP, &info), ERR_BAD_CHECKSUM);
	/* Revision 2, but only the first 20 bytes exist. */
	memcpy(phys + PHYS_SIZE - 20, "RSD PTR ", 8);
	phys[PHYS_SIZE - 20 + 15] = 2;
	phys[PHYS_SIZE - 20 + 8] = (uint8_t)-sum(PHYS_SIZE - 20, 20);
	CHECK_EQ(acpi_parse(&io, PHYS_SIZE - 20, &info), ERR_TRUNCATED);
	/* Root table missing, then broken. */
	make_rsdp(RSDP, 0, PHYS_SIZE - 20, 0);
	CHECK_EQ(acpi_parse(&io, RSDP, &info), ERR_TRUNCATED);
	make_rsdp(RSDP, 0, RSDT, 0);
	make_root(RSDT, 0, NULL, 0);
	phys[RSDT + 20]++;
	CHECK_EQ(acpi_parse(&io, RSDP, &info), ERR_BAD_CHECKSUM);
	make_root(RSDT, 1, NULL, 0);		/* says XSDT, RSDP wants RSDT */
	CHECK_EQ(acpi_parse(&io, RSDP, &info), ERR_BAD_SIGNATURE);
	make_root(RSDT, 0, NULL, 0);
	CHECK_EQ(acpi_parse(&io, RSDP, &info), OK);
	CHECK(!info.has_madt);
	CHECK_EQ(info.ncores, 0);
}

TEST(rev0_rsdt_madt)
{
	uint64_t tables[] = { 0x50000, MADT };
	struct tb t;

	reset();
	t = tb_start(0x50000, "MCFG", 0);	/* not ours: ignored (the HPET is read now) */
	tb_end(&t);
	t = tb_start(MADT, "APIC", 8);
	put(MADT + 36, 0xFEE00000u, 4);
	madt_lapic(&t, 0, 0, 1);
	madt_lapic(&t, 1, 2, 1);
	madt_lapic(&t, 2, 4, 0);		/* disabled */
	madt_lapic(&t, 3, 6, 2);		/* online capable, not enabled */
	madt_ioapic(&t, 9, 0xFEC00000u, 0);
	madt_ioapic(&t, 10, 0xFEC01000u, 24);
	madt_lapic(&t, 4, 8, 3);
	tb_end(&t);
	boot_rsdt(tables, 2);

	CHECK_EQ(acpi_parse(&io, RSDP, &info), OK);
	CHECK_EQ(nwarn, 0);
	CHECK_EQ(info.rsdp_pa, RSDP);
	CHECK_EQ(info.revision, 0);
	CHECK(!info.used_xsdt);
	CHECK(info.has_madt);
	CHECK_EQ(info.lapic_pa, 0xFEE00000u);
	CHECK_EQ(info.ncores, 3);
	CHECK_EQ(info.ncores_disabled, 2);
	CHECK_EQ(info.ncores_dropped, 0);
	CHECK_EQ(info.cores[1].apic_id, 2);
	CHECK_EQ(info.cores[1].uid, 1);
	CHECK_EQ(info.cores[2].apic_id, 8);
	CHECK(!info.cores[2].x2apic);
	CHECK_EQ(info.nioapic, 2);
	CHECK_EQ(info.ioapic[1].id, 10);
	CHECK_EQ(info.ioapic[1].pa, 0xFEC01000u);
	CHECK_EQ(info.ioapic[1].gsi_base, 24);
	/* No SRAT, no SLIT: the defaults. */
	CHECK(!info.has_srat);
	CHECK(!info.has_slit);
	CHECK_EQ(info.nnodes, 1);
	CHECK_EQ(info.cores[2].node, 0);
	CHECK_EQ(info.dist[0][0], 10);
	CHECK_EQ(info.dist[0][1], 20);
	CHECK_EQ(info.dist[3][3], 10);
}

TEST(rev2_prefers_xsdt)
{
	uint64_t rtab[] = { MADT }, xtab[] = { MADT + 0x1000 };

	reset();
	make_madt(MADT, 2);
	make_madt(MADT + 0x1000, 3);
	make_root(RSDT, 0, rtab, 1);
	make_root(XSDT, 1, xtab, 1);
	make_rsdp(RSDP, 2, RSDT, XSDT);
	CHECK_EQ(acpi_parse(&io, RSDP, &info), OK);
	CHECK_EQ(info.revision, 2);
	CHECK(info.used_xsdt);
	CHECK_EQ(info.ncores, 3);

	make_rsdp(RSDP, 2, RSDT, 0);		/* no XSDT after all */
	CHECK_EQ(acpi_parse(&io, RSDP, &info), OK);
	CHECK(!info.used_xsdt);
	CHECK_EQ(info.ncores, 2);

	make_rsdp(RSDP, 0, RSDT, 0);		/* rev 0 never looks at +24 */
	put(RSDP + 24, XSDT, 8);
	CHECK_EQ(acpi_parse(&io, RSDP, &info), OK);
	CHECK(!info.used_xsdt);
	CHECK_EQ(info.ncores, 2);
}

TEST(bad_tables_are_skipped)
{
	uint64_t tables[] = { MADT, MADT + 0x1000 };

	reset();
	make_madt(MADT, 2);
	phys[MADT + 40]++;			/* bad checksum */
	make_madt(MADT + 0x1000, 4);
	boot_rsdt(tables, 2);
	CHECK_EQ(acpi_parse(&io, RSDP, &info), OK);
	CHECK_EQ(nwarn, 1);
	CHECK(strstr(last_warn, "checksum"));
	CHECK_EQ(info.ncores, 4);		/* the second, sound one */

	make_madt(MADT + 0x1000, 4);
	put(MADT + 0x1000 + 4, PHYS_SIZE, 4);	/* length past memory */
	CHECK_EQ(acpi_parse(&io, RSDP, &info), OK);
	CHECK(!info.has_madt);
	CHECK_EQ(nwarn, 3);
}

TEST(madt_entry_length_zero_stops)
{
	uint64_t tables[] = { MADT };
	struct tb t;

	reset();
	t = tb_start(MADT, "APIC", 8);
	madt_lapic(&t, 0, 0, 1);
	madt_lapic(&t, 1, 1, 1);
	tb_put(&t, 0, 1);			/* type 0, length 0 */
	tb_put(&t, 0, 1);
	madt_lapic(&t, 2, 2, 1);
	tb_end(&t);
	boot_rsdt(tables, 1);
	CHECK_EQ(acpi_parse(&io, RSDP, &info), OK);
	CHECK_EQ(info.ncores, 2);
	CHECK_EQ(nwarn, 1);

	/* An entry that runs past the table. */
	reset();
	t = tb_start(MADT, "APIC", 8);
	madt_lapic(&t, 0, 0, 1);
	madt_x2apic(&t, 5, 1, 5);
	t.len -= 4;
	tb_end(&t);
	boot_rsdt(tables, 1);
	CHECK_EQ(acpi_parse(&io, RSDP, &info), OK);
	CHECK_EQ(info.ncores, 1);
	CHECK_EQ(nwarn, 1);

	/* Too short for its type: skipped, the walk goes on. */
	reset();
	t = tb_start(MADT, "APIC", 8);
	tb_put(&t, 0, 1);
	tb_put(&t, 4, 1);
	tb_put(&t, 0x0101, 2);
	madt_lapic(&t, 2, 2, 1);
	tb_end(&t);
	boot_rsdt(tables, 1);
	CHECK_EQ(acpi_parse(&io, RSDP, &info), OK);
	CHECK_EQ(info.ncores, 1);
	CHECK_EQ(info.cores[0].apic_id, 2);
	CHECK_EQ(nwarn, 1);
}

TEST(madt_too_many_cores_and_duplicates)
{
	uint64_t tables[] = { MADT };
	struct tb t;

	reset();
	t = tb_start(MADT, "APIC", 8);
	madt_x2apic(&t, 0, 1, 0);
	madt_x2apic(&t, 0, 1, 99);		/* duplicate id */
	for (uint32_t i = 1; i < 300; i++)
		madt_x2apic(&t, i, 1, i);
	madt_x2apic(&t, 1000, 0, 1000);		/* disabled */
	tb_end(&t);
	boot_rsdt(tables, 1);
	CHECK_EQ(acpi_parse(&io, RSDP, &info), OK);
	CHECK_EQ(info.ncores, ACPI_MAX_CORES);
	CHECK_EQ(info.ncores_dropped, 300 - ACPI_MAX_CORES);
	CHECK_EQ(info.ncores_disabled, 1);
	CHECK_EQ(info.cores[0].uid, 0);
	CHECK_EQ(info.cores[255].apic_id, 255);
	CHECK_EQ(nwarn, 2);			/* the duplicate, the drop */
}

TEST(madt_x2apic_and_override)
{
	uint64_t tables[] = { MADT };
	struct tb t;

	reset();
	t = tb_start(MADT, "APIC", 8);
	put(MADT + 36, 0xFEE00000u, 4);
	tb_put(&t, 5, 1);			/* local APIC address override */
	tb_put(&t, 12, 1);
	tb_put(&t, 0, 2);
	tb_put(&t, 0x1FEE00000ull, 8);
	madt_lapic(&t, 0, 0, 1);
	madt_x2apic(&t, 0x1234, 1, 77);
	madt_x2apic(&t, 0x1235, 2, 78);		/* online capable only */
	tb_end(&t);
	boot_rsdt(tables, 1);
	CHECK_EQ(acpi_parse(&io, RSDP, &info), OK);
	CHECK_EQ(info.lapic_pa, 0x1FEE00000ull);
	CHECK_EQ(info.ncores, 2);
	CHECK_EQ(info.ncores_disabled, 1);
	CHECK_EQ(info.cores[1].apic_id, 0x1234);
	CHECK_EQ(info.cores[1].uid, 77);
	CHECK(info.cores[1].x2apic);
	CHECK(!info.cores[0].x2apic);
}

/* Two nodes whose domains (7, 3) are neither dense nor in order, the SLIT
 * and SRAT listed before the MADT. */
static void make_two_nodes(void)
{
	uint64_t tables[] = { SLIT, SRAT, MADT };
	struct tb t;

	make_madt(MADT, 4);
	t = tb_start(SRAT, "SRAT", 12);
	srat_cpu(&t, 7, 0, 1);
	srat_cpu(&t, 7, 1, 1);
	srat_cpu(&t, 3, 2, 1);
	srat_x2apic(&t, 3, 3, 1);
	srat_cpu(&t, 9, 5, 0);			/* disabled: no node */
	srat_mem(&t, 7, 0, 0xA0000, 1);
	srat_mem(&t, 7, 0x100000, 0x7FF00000, 1);
	srat_mem(&t, 3, 0x80000000, 0x80000000, 3);
	srat_mem(&t, 11, 0x200000000ull, 0x1000, 0);	/* disabled */
	tb_end(&t);
	t = tb_start(SLIT, "SLIT", 8);
	put(SLIT + 36, 8, 8);
	for (int i = 0; i < 8; i++)
		for (int j = 0; j < 8; j++)
			tb_put(&t, i == j ? 10 : 30 + i * 8 + j, 1);
	tb_end(&t);
	boot_rsdt(tables, 3);
}

TEST(srat_two_nodes_and_slit)
{
	reset();
	make_two_nodes();
	CHECK_EQ(acpi_parse(&io, RSDP, &info), OK);
	CHECK_EQ(nwarn, 0);
	CHECK(info.has_srat);
	CHECK(info.has_slit);
	CHECK_EQ(info.nnodes, 2);
	CHECK_EQ(info.node_domain[0], 7);
	CHECK_EQ(info.node_domain[1], 3);
	CHECK_EQ(info.cores[0].node, 0);
	CHECK_EQ(info.cores[1].node, 0);
	CHECK_EQ(info.cores[2].node, 1);
	CHECK_EQ(info.cores[3].node, 1);
	CHECK_EQ(info.nmemaff, 3);
	CHECK_EQ(info.memaff[2].base, 0x80000000u);
	CHECK_EQ(info.memaff[2].node, 1);
	CHECK(info.memaff[2].hotplug);
	CHECK(!info.memaff[1].hotplug);
	CHECK_EQ(info.dist[0][0], 10);
	CHECK_EQ(info.dist[1][1], 10);
	CHECK_EQ(info.dist[0][1], 30 + 7 * 8 + 3);
	CHECK_EQ(info.dist[1][0], 30 + 3 * 8 + 7);
	CHECK_EQ(info.dist[2][2], 10);		/* unused rows keep defaults */
	/* What the SKB checks the tables with: every enabled processor
	 * entry as written, and the SLIT's own size. */
	CHECK_EQ(info.nsrat_cpus, 4);
	CHECK_EQ(info.srat_cpus[3].apic_id, 3);
	CHECK_EQ(info.srat_cpus[3].node, 1);
	CHECK_EQ(info.slit_localities, 8);
}

/* A SRAT entry for an APIC id the MADT does not list changes no core,
 * but is kept, so that lib/skb.c can report it. */
TEST(srat_entry_for_an_unknown_apic_id_is_kept)
{
	uint64_t tables[] = { MADT, SRAT };
	struct tb t;

	reset();
	make_madt(MADT, 2);
	t = tb_start(SRAT, "SRAT", 12);
	srat_cpu(&t, 0, 0, 1);
	srat_cpu(&t, 1, 1, 1);
	srat_cpu(&t, 1, 77, 1);			/* no such core */
	srat_x2apic(&t, 0, 0x300, 1);		/* nor this one */
	tb_end(&t);
	boot_rsdt(tables, 2);
	CHECK_EQ(acpi_parse(&io, RSDP, &info), OK);
	CHECK_EQ(info.ncores, 2);
	CHECK_EQ(info.cores[1].node, 1);
	CHECK_EQ(info.nsrat_cpus, 4);
	CHECK_EQ(info.srat_cpus[2].apic_id, 77);
	CHECK_EQ(info.srat_cpus[2].node, 1);
	CHECK_EQ(info.srat_cpus[3].apic_id, 0x300);
	CHECK_EQ(info.srat_cpus[3].node, 0);
	CHECK_EQ(info.slit_localities, 0);
}

TEST(slit_too_small_or_without_srat)
{
	uint64_t tables[] = { MADT, SLIT };

	reset();
	make_two_nodes();
	put(SLIT + 36, 9, 8);			/* 81 bytes claimed, 64 there */
	phys[SLIT + 9] = 0;
	phys[SLIT + 9] = (uint8_t)-sum(SLIT, 36 + 8 + 64);
	CHECK_EQ(acpi_parse(&io, RSDP, &info), OK);
	CHECK(!info.has_slit);
	CHECK_EQ(info.dist[0][1], 20);
	CHECK_EQ(nwarn, 1);

	put(SLIT + 36, 8, 8);
	phys[SLIT + 9] = 0;
	phys[SLIT + 9] = (uint8_t)-sum(SLIT, 36 + 8 + 64);
	boot_rsdt(tables, 2);
	CHECK_EQ(acpi_parse(&io, RSDP, &info), OK);
	CHECK(!info.has_slit);
	CHECK_EQ(nwarn, 2);
}

TEST(srat_node_without_cores)
{
	uint64_t tables[] = { MADT, SRAT };
	struct tb t;

	reset();
	make_madt(MADT, 2);
	t = tb_start(SRAT, "SRAT", 12);
	srat_mem(&t, 0, 0, 0x80000000, 1);
	srat_mem(&t, 2, 0x80000000, 0x40000000, 1);	/* memory only */
	srat_cpu(&t, 1, 1, 1);
	srat_cpu(&t, 0, 0, 1);
	tb_end(&t);
	boot_rsdt(tables, 2);
	CHECK_EQ(acpi_parse(&io, RSDP, &info), OK);
	CHECK_EQ(info.nnodes, 3);
	CHECK_EQ(info.node_domain[1], 2);
	CHECK_EQ(info.cores[0].node, 0);
	CHECK_EQ(info.cores[1].node, 2);
	CHECK(!info.has_slit);
	CHECK_EQ(info.dist[1][2], 20);
}

TEST(srat_too_many_domains)
{
	uint64_t tables[] = { MADT, SRAT };
	struct tb t;

	reset();
	make_madt(MADT, 2);
	t = tb_start(SRAT, "SRAT", 12);
	for (uint32_t d = 0; d < ACPI_MAX_NODES + 2; d++)
		srat_mem(&t, 100 + d, d * 0x10000000ull, 0x10000000, 1);
	srat_cpu(&t, 100 + ACPI_MAX_NODES + 1, 1, 1);	/* an extra domain */
	srat_cpu(&t, 100 + 5, 0, 1);
	tb_end(&t);
	boot_rsdt(tables, 2);
	CHECK_EQ(acpi_parse(&io, RSDP, &info), OK);
	CHECK_EQ(info.nnodes, ACPI_MAX_NODES);
	CHECK_EQ(info.memaff[ACPI_MAX_NODES].node, 0);
	CHECK_EQ(info.memaff[ACPI_MAX_NODES + 1].node, 0);
	CHECK_EQ(info.cores[1].node, 0);
	CHECK_EQ(info.cores[0].node, 5);
	CHECK_EQ(nwarn, 3);
}

TEST(srat_without_enabled_entries)
{
	uint64_t tables[] = { SRAT, MADT };
	struct tb t;

	reset();
	make_madt(MADT, 2);
	t = tb_start(SRAT, "SRAT", 12);
	srat_cpu(&t, 4, 0, 0);
	srat_mem(&t, 4, 0, 0x10000000, 0);
	tb_end(&t);
	boot_rsdt(tables, 2);
	CHECK_EQ(acpi_parse(&io, RSDP, &info), OK);
	CHECK(info.has_srat);
	CHECK_EQ(info.nnodes, 1);
	CHECK_EQ(info.nmemaff, 0);
}

TEST(srat_wide_proximity_domains)
{
	uint64_t tables[] = { MADT, SRAT };
	struct tb t;

	reset();
	make_madt(MADT, 3);
	t = tb_start(SRAT, "SRAT", 12);
	srat_mem(&t, 0x01020304, 0, 0x10000000, 1);
	srat_mem(&t, 0x04, 0x10000000, 0x10000000, 1);
	srat_cpu(&t, 0x04, 0, 1);
	srat_cpu(&t, 0x01020304, 1, 1);		/* low byte +2, rest +9..+11 */
	srat_x2apic(&t, 0x01020304, 2, 1);
	tb_end(&t);
	boot_rsdt(tables, 2);
	CHECK_EQ(acpi_parse(&io, RSDP, &info), OK);
	CHECK_EQ(info.nnodes, 2);
	CHECK_EQ(info.node_domain[0], 0x01020304);
	CHECK_EQ(info.cores[0].node, 1);
	CHECK_EQ(info.cores[1].node, 0);
	CHECK_EQ(info.cores[2].node, 0);
}
