/*
 * Tests for where lib/acpi.c takes the RSDP from (acpi_locate_rsdp) and
 * which root table it reads (XSDT before RSDT): the boot loader's copies
 * in Multiboot2's ACPI tags first, then the BIOS-area scan. Each test
 * plants tables in the buffer that plays physical memory (acpi_tables.h):
 * two machines' worth, told apart by their core counts, so a test sees
 * which RSDP and which root table were used, not only that one was.
 */
#include <stdint.h>
#include <string.h>
#include "lib/test.h"
#include "acpi_tables.h"

#define MADT_A		0x20000u	/* 2 cores: reached through RSDT */
#define MADT_B		0x21000u	/* 3 cores: through XSDT */
#define MADT_C		0x22000u	/* 4 cores: through the second RSDT */
#define RSDT_C		0x12000u
#define TAG_NEW		0x30008u	/* where a loader's copies lie */
#define TAG_OLD		0x30108u

static struct acpi_info info;
static struct acpi_rsdp_at at;

/* A MADT with `n` enabled xAPIC cores. */
static void make_madt(uint64_t pa, int n)
{
	struct tb t = tb_start(pa, "APIC", 8);

	put(pa + 36, 0xFEE00000u, 4);
	for (int i = 0; i < n; i++) {
		tb_put(&t, 0, 1);
		tb_put(&t, 8, 1);
		tb_put(&t, i, 1);
		tb_put(&t, i, 1);
		tb_put(&t, 1, 4);
	}
	tb_end(&t);
}

/* Firmware with an RSDT (2 cores) and an XSDT (3 cores), and a second
 * RSDT (4 cores) for a BIOS-area RSDP that must lose to the tags. */
static void plant(void)
{
	uint64_t a[] = { MADT_A }, b[] = { MADT_B }, c[] = { MADT_C };

	reset();
	make_madt(MADT_A, 2);
	make_madt(MADT_B, 3);
	make_madt(MADT_C, 4);
	make_root(RSDT, 0, a, 1);
	make_root(XSDT, 1, b, 1);
	make_root(RSDT_C, 0, c, 1);
	make_rsdp(RSDP, 0, RSDT_C, 0);		/* the BIOS area's */
}

/* Locates and parses; the core count says which tables were read. */
static unsigned cores_via(uint64_t new_pa, uint32_t new_len, uint64_t old_pa, uint32_t old_len)
{
	if (acpi_locate_rsdp(&io, new_pa, new_len, old_pa, old_len, &at) != OK)
		return 0;
	if (acpi_parse_at(&io, &at, &info) != OK)
		return 100;
	return info.ncores;
}

TEST(tag_rsdp_is_used_before_the_bios_area)
{
	plant();
	make_rsdp(TAG_NEW, 2, RSDT, XSDT);
	make_rsdp(TAG_OLD, 0, RSDT, 0);
	CHECK_EQ(cores_via(TAG_NEW, 36, TAG_OLD, 20), 3);	/* new tag, XSDT */
	CHECK_EQ(at.pa, TAG_NEW);
	CHECK_EQ(at.room, 36);
	CHECK(strstr(at.source, "2.0+ tag"));
	CHECK(info.used_xsdt);
	CHECK_EQ(info.revision, 2);
	CHECK_EQ(nwarn, 0);

	CHECK_EQ(cores_via(0, 0, TAG_OLD, 20), 2);		/* old tag only: RSDT */
	CHECK(strstr(at.source, "1.0 tag"));
	CHECK(!info.used_xsdt);

	CHECK_EQ(cores_via(0, 0, 0, 0), 4);			/* no tags: the scan */
	CHECK_EQ(at.pa, RSDP);
	CHECK_EQ(at.room, 0);
	CHECK(strstr(at.source, "BIOS area"));

	memset(phys + RSDP, 0, 20);				/* UEFI: nothing there */
	CHECK_EQ(cores_via(0, 0, 0, 0), 0);
	CHECK_EQ(acpi_locate_rsdp(&io, 0, 0, 0, 0, &at), ERR_NOT_FOUND);
	CHECK_EQ(cores_via(TAG_NEW, 36, 0, 0), 3);
}

/* A copy is checked like the firmware's own: a bad one is said and
 * passed over for the next place. */
TEST(bad_tag_copies_are_passed_over)
{
	plant();
	make_rsdp(TAG_NEW, 2, RSDT, XSDT);
	make_rsdp(TAG_OLD, 0, RSDT, 0);
	phys[TAG_NEW + 30]++;					/* extended checksum */
	CHECK_EQ(cores_via(TAG_NEW, 36, TAG_OLD, 20), 2);
	CHECK_EQ(at.pa, TAG_OLD);
	CHECK_EQ(nwarn, 1);
	CHECK(strstr(last_warn, "bad checksum"));

	phys[TAG_OLD + 12]++;					/* checksum */
	nwarn = 0;
	CHECK_EQ(cores_via(TAG_NEW, 36, TAG_OLD, 20), 4);	/* the scan */
	CHECK_EQ(nwarn, 2);

	make_rsdp(TAG_NEW, 2, RSDT, XSDT);
	memcpy(phys + TAG_NEW, "RSD PTX ", 8);			/* signature */
	nwarn = 0;
	CHECK_EQ(cores_via(TAG_NEW, 36, 0, 0), 4);
	CHECK(strstr(last_warn, "no RSDP signature"));

	/* A tag too short for what its RSDP says it is. */
	make_rsdp(TAG_NEW, 2, RSDT, XSDT);
	put(TAG_NEW + 20, 40, 4);				/* length 40 */
	phys[TAG_NEW + 8] = 0;
	phys[TAG_NEW + 8] = (uint8_t)-sum(TAG_NEW, 20);
	phys[TAG_NEW + 32] = 0;
	phys[TAG_NEW + 32] = (uint8_t)-sum(TAG_NEW, 40);
	nwarn = 0;
	CHECK_EQ(cores_via(TAG_NEW, 36, 0, 0), 4);
	CHECK(strstr(last_warn, "shorter than its length"));
	CHECK_EQ(cores_via(TAG_NEW, 40, 0, 0), 3);		/* room enough: used */
	CHECK_EQ(cores_via(TAG_NEW, 19, 0, 0), 4);		/* not even 1.0's */
}

/* GRUB's ACPI 1.0 tag holds the first 20 bytes of a 2.0 RSDP: revision 2,
 * but no XSDT address inside the copy. It is read as 1.0 (the RSDT),
 * never past the tag into whatever follows it. */
TEST(old_tag_with_a_revision_2_rsdp_reads_the_rsdt)
{
	plant();
	make_rsdp(TAG_OLD, 2, RSDT, XSDT);
	memset(phys + TAG_OLD + 20, 0xAA, 16);			/* the next tag */
	CHECK_EQ(cores_via(0, 0, TAG_OLD, 20), 2);
	CHECK(!info.used_xsdt);
	CHECK_EQ(info.revision, 2);
	CHECK_EQ(nwarn, 0);
}

/* The XSDT wins when it is sound; an unreadable or corrupt one gives way
 * to the RSDT, with a warning, instead of leaving the machine without
 * ACPI (one core, no power-off). */
TEST(xsdt_preferred_rsdt_as_fallback)
{
	plant();
	make_rsdp(TAG_NEW, 2, RSDT, XSDT);
	CHECK_EQ(cores_via(TAG_NEW, 36, 0, 0), 3);
	CHECK(info.used_xsdt);

	phys[XSDT + 9]++;					/* XSDT checksum */
	CHECK_EQ(cores_via(TAG_NEW, 36, 0, 0), 2);
	CHECK(!info.used_xsdt);
	CHECK_EQ(nwarn, 1);
	CHECK(strstr(last_warn, "using the RSDT"));

	make_rsdp(TAG_NEW, 2, RSDT, PHYS_SIZE + 0x1000);	/* beyond memory */
	CHECK_EQ(cores_via(TAG_NEW, 36, 0, 0), 2);

	make_root(XSDT, 0, NULL, 0);				/* says RSDT */
	make_rsdp(TAG_NEW, 2, RSDT, XSDT);
	CHECK_EQ(cores_via(TAG_NEW, 36, 0, 0), 2);

	/* No RSDT to fall back on: the XSDT's error stands. */
	phys[XSDT + 9]++;
	make_rsdp(TAG_NEW, 2, 0, XSDT);
	CHECK_EQ(acpi_locate_rsdp(&io, TAG_NEW, 36, 0, 0, &at), OK);
	CHECK_EQ(acpi_parse_at(&io, &at, &info), ERR_BAD_CHECKSUM);
}
