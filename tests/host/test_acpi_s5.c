/*
 * Tests for what lib/acpi.c reads for soft off (S5): the FADT's PM1
 * control ports, SMI_CMD and DSDT address (32-bit and X_ forms), and the
 * \_S5 package in the DSDT's AML (acpi_aml_s5). Whole tables are built in
 * the buffer that plays physical memory (acpi_tables.h); AML alone is
 * copied into a heap buffer of its exact size, so that AddressSanitizer
 * catches any read past its end. Each malformed case checks the error and
 * a word of the reason.
 */
#include <stdint.h>
#include <stdlib.h>
#include "lib/test.h"
#include "acpi_tables.h"

#define FADT		0x50000u
#define DSDT		0x60000u
#define DSDT2		0x70000u

/* The bytes of an AML fragment, and how many: AML(0x08, ...). */
#define AML(...)	(const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })

/* Name(_S5, Package(4){5, 6, 0, 0}) with BytePrefix elements. */
#define S5_BYTES	0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04, 0x0A, 0x05, 0x0A, 0x06, 0x00, 0x00

struct fadt_spec {
	uint32_t len;
	uint32_t dsdt;
	uint64_t x_dsdt;
	uint32_t smi_cmd;
	uint8_t acpi_enable;
	uint32_t pm1a, pm1b;	/* 32-bit PM1x_CNT_BLK */
	uint8_t pm1_cnt_len;
	uint32_t flags;
	uint64_t x_pm1a;	/* X_PM1a_CNT_BLK address; 0 = not set */
	uint8_t x_space, x_width;
	uint64_t x_pm1b;
};

/* QEMU's q35 FADT, in essence: ACPI 2.0+ length, X_ forms set. */
static struct fadt_spec qemu_like(void)
{
	return (struct fadt_spec){ .len = 244, .dsdt = DSDT, .x_dsdt = DSDT, .smi_cmd = 0xB2,
		.acpi_enable = 2, .pm1a = 0x604, .pm1_cnt_len = 2, .x_pm1a = 0x604,
		.x_space = 1, .x_width = 16 };
}

static void make_fadt(uint64_t pa, const struct fadt_spec *f)
{
	struct tb t = tb_start(pa, "FACP", 0);

	memset(phys + pa + 36, 0, f->len - 36);
	put(pa + 40, f->dsdt, 4);
	put(pa + 48, f->smi_cmd, 4);
	phys[pa + 52] = f->acpi_enable;
	put(pa + 64, f->pm1a, 4);
	put(pa + 68, f->pm1b, 4);
	phys[pa + 89] = f->pm1_cnt_len;
	put(pa + 112, f->flags, 4);
	if (f->len >= 148)
		put(pa + 140, f->x_dsdt, 8);
	if (f->len >= 184 && f->x_pm1a) {
		phys[pa + 172] = f->x_space;
		phys[pa + 173] = f->x_width;
		put(pa + 176, f->x_pm1a, 8);
	}
	if (f->len >= 196 && f->x_pm1b) {
		phys[pa + 184] = 1;
		phys[pa + 185] = 16;
		put(pa + 188, f->x_pm1b, 8);
	}
	t.len = f->len;
	tb_end(&t);
}

static void make_dsdt(uint64_t pa, const uint8_t *aml, uint32_t n)
{
	struct tb t = tb_start(pa, "DSDT", 0);

	memcpy(phys + pa + 36, aml, n);
	t.len = 36 + n;
	tb_end(&t);
}

static struct acpi_info info;

/* An RSDT that lists only the FADT at FADT; then parses. */
static err_t parse_with_fadt(const struct fadt_spec *f)
{
	uint64_t tables[] = { FADT };

	make_fadt(FADT, f);
	make_root(RSDT, 0, tables, 1);
	make_rsdp(RSDP, 0, RSDT, 0);
	return acpi_parse(&io, RSDP, &info);
}

static const char *why;
static uint8_t typa, typb;

/* acpi_aml_s5 on an exact-size heap copy of the bytes. */
static err_t s5_of(const uint8_t *aml, uint32_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	err_t err;

	if (len)
		memcpy(copy, aml, len);
	typa = typb = 0xEE;
	why = NULL;
	err = acpi_aml_s5(copy, len, &typa, &typb, &why);
	free(copy);
	return err;
}

/* *why holds `word` (only errors set it). */
static int why_has(const char *word)
{
	return why && strstr(why, word);
}

TEST(fadt_v1_gives_ports_and_s5)
{
	struct fadt_spec f = { .len = 116, .dsdt = DSDT, .smi_cmd = 0xB2, .acpi_enable = 0xF0,
			       .pm1a = 0x1804, .pm1b = 0x1884, .pm1_cnt_len = 2 };
	/* Other AML first: a reference to \_S5 that declares nothing. */
	const uint8_t aml[] = { 0x10, 0x05, '_', 'S', 'B', '_', 0x70, '_', 'S', '5', '_', S5_BYTES };

	reset();
	make_dsdt(DSDT, aml, sizeof(aml));
	CHECK_EQ(parse_with_fadt(&f), OK);
	CHECK(info.has_fadt);
	CHECK_EQ(info.s5.err, OK);
	CHECK(info.s5.why == NULL);
	CHECK_EQ(info.s5.pm1a_cnt, 0x1804);
	CHECK_EQ(info.s5.pm1b_cnt, 0x1884);
	CHECK_EQ(info.s5.smi_cmd, 0xB2);
	CHECK_EQ(info.s5.acpi_enable, 0xF0);
	CHECK_EQ(info.s5.slp_typa, 5);
	CHECK_EQ(info.s5.slp_typb, 6);
	CHECK_EQ(info.s5.dsdt_pa, DSDT);
	CHECK_EQ(nwarn, 0);
}

TEST(fadt_x_fields_win_when_set)
{
	struct fadt_spec f = qemu_like();
	const uint8_t wrong[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x01, 0x01, 0x01, 0x01 };
	const uint8_t right[] = { S5_BYTES };

	reset();
	make_dsdt(DSDT, wrong, sizeof(wrong));	/* what the 32-bit field names */
	make_dsdt(DSDT2, right, sizeof(right));
	f.x_dsdt = DSDT2;
	f.pm1a = 0x1111;
	f.x_pm1a = 0x604;
	f.pm1b = 0x2222;
	f.x_pm1b = 0x608;
	CHECK_EQ(parse_with_fadt(&f), OK);
	CHECK_EQ(info.s5.err, OK);
	CHECK_EQ(info.s5.dsdt_pa, DSDT2);
	CHECK_EQ(info.s5.slp_typa, 5);
	CHECK_EQ(info.s5.pm1a_cnt, 0x604);
	CHECK_EQ(info.s5.pm1b_cnt, 0x608);
	/* X_ fields that are zero leave the 32-bit ones in force. */
	f.x_dsdt = 0;
	f.x_pm1a = 0;
	f.x_pm1b = 0;
	CHECK_EQ(parse_with_fadt(&f), OK);
	CHECK_EQ(info.s5.err, OK);
	CHECK_EQ(info.s5.dsdt_pa, DSDT);
	CHECK_EQ(info.s5.slp_typa, 1);
	CHECK_EQ(info.s5.pm1a_cnt, 0x1111);
	CHECK_EQ(info.s5.pm1b_cnt, 0x2222);
	/* A table too short to hold the X_ fields: they are not read. */
	f = qemu_like();
	f.len = 160;			/* X_DSDT yes, X_PM1a_CNT_BLK no */
	f.x_dsdt = DSDT2;
	f.pm1a = 0x404;
	make_fadt(FADT, &f);
	phys[FADT + 172] = 1;		/* a GAS just past the table's end */
	phys[FADT + 173] = 16;
	put(FADT + 176, 0x999, 8);
	CHECK_EQ(acpi_parse(&io, RSDP, &info), OK);
	CHECK_EQ(info.s5.err, OK);
	CHECK_EQ(info.s5.dsdt_pa, DSDT2);
	CHECK_EQ(info.s5.pm1a_cnt, 0x404);
}

TEST(no_fadt_is_a_reason)
{
	reset();
	make_root(RSDT, 0, NULL, 0);
	make_rsdp(RSDP, 0, RSDT, 0);
	CHECK_EQ(acpi_parse(&io, RSDP, &info), OK);
	CHECK(!info.has_fadt);
	CHECK_EQ(info.s5.err, ERR_NOT_FOUND);
	CHECK(strstr(info.s5.why, "FADT"));
}

TEST(fadt_with_bad_checksum_is_skipped)
{
	struct fadt_spec f = qemu_like();
	const uint8_t aml[] = { S5_BYTES };

	reset();
	make_dsdt(DSDT, aml, sizeof(aml));
	CHECK_EQ(parse_with_fadt(&f), OK);
	CHECK_EQ(info.s5.err, OK);
	phys[FADT + 100]++;
	CHECK_EQ(acpi_parse(&io, RSDP, &info), OK);
	CHECK(!info.has_fadt);
	CHECK_EQ(info.s5.err, ERR_NOT_FOUND);
	CHECK_EQ(nwarn, 1);
}

/* One FADT defect: parse, want err and a word of the reason. */
#define FADT_BAD(name, change, want, word)				\
TEST(name)								\
{									\
	struct fadt_spec f = qemu_like();				\
	const uint8_t aml[] = { S5_BYTES };				\
									\
	reset();							\
	make_dsdt(DSDT, aml, sizeof(aml));				\
	change;								\
	CHECK_EQ(parse_with_fadt(&f), OK);				\
	CHECK(info.has_fadt);						\
	CHECK_EQ(info.s5.err, want);					\
	CHECK(strstr(info.s5.why, word));				\
}

FADT_BAD(fadt_shorter_than_v1, f.len = 100, ERR_TRUNCATED, "116")
FADT_BAD(fadt_hardware_reduced, f.flags = 1u << 20, ERR_UNSUPPORTED, "hardware-reduced")
FADT_BAD(fadt_pm1a_in_memory_space, f.x_space = 0, ERR_UNSUPPORTED, "memory space")
FADT_BAD(fadt_pm1a_narrower_than_16_bits, f.x_width = 8, ERR_UNSUPPORTED, "narrower")
FADT_BAD(fadt_pm1_cnt_len_below_2, (f.x_pm1a = 0, f.pm1_cnt_len = 1), ERR_UNSUPPORTED,
	 "PM1_CNT_LEN")
FADT_BAD(fadt_pm1a_port_beyond_io_space, f.x_pm1a = 0x10000, ERR_UNSUPPORTED, "64 KiB")
FADT_BAD(fadt_pm1b_port_beyond_io_space, (f.x_pm1b = 0, f.pm1b = 0xFFFF), ERR_UNSUPPORTED,
	 "64 KiB")
FADT_BAD(fadt_without_pm1a, (f.x_pm1a = 0, f.pm1a = 0), ERR_NOT_FOUND, "PM1a")
FADT_BAD(fadt_without_dsdt, (f.x_dsdt = 0, f.dsdt = 0), ERR_NOT_FOUND, "no DSDT")
FADT_BAD(dsdt_past_memory, f.x_dsdt = PHYS_SIZE - 20, ERR_TRUNCATED, "runs past")
FADT_BAD(dsdt_bad_checksum, phys[DSDT + 40]++, ERR_BAD_CHECKSUM, "checksum")
FADT_BAD(dsdt_wrong_signature, f.x_dsdt = RSDT, ERR_BAD_SIGNATURE, "no DSDT")
FADT_BAD(dsdt_without_s5, make_dsdt(DSDT, (const uint8_t[]){ 0x10, 0x00 }, 2), ERR_NOT_FOUND,
	 "no \\_S5")

TEST(fadt_unusable_smi_cmd_is_a_warning)
{
	struct fadt_spec f = qemu_like();
	const uint8_t aml[] = { S5_BYTES };

	reset();
	make_dsdt(DSDT, aml, sizeof(aml));
	f.smi_cmd = 0x10000;
	CHECK_EQ(parse_with_fadt(&f), OK);
	CHECK_EQ(info.s5.err, OK);
	CHECK_EQ(info.s5.smi_cmd, 0);
	CHECK_EQ(nwarn, 1);
	CHECK(strstr(last_warn, "SMI_CMD"));
	/* ACPI_ENABLE 0 means there is nothing to write either. */
	f.smi_cmd = 0xB2;
	f.acpi_enable = 0;
	CHECK_EQ(parse_with_fadt(&f), OK);
	CHECK_EQ(info.s5.smi_cmd, 0);
	CHECK_EQ(nwarn, 2);
}

TEST(aml_s5_integer_encodings)
{
	/* QEMU's form: Zero constants. */
	CHECK_EQ(s5_of(AML(0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00)), OK);
	CHECK_EQ(typa, 0);
	CHECK_EQ(typb, 0);
	CHECK(why == NULL);
	/* One, and a root prefix on the name. */
	CHECK_EQ(s5_of(AML(0x08, '\\', '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x01, 0x00)), OK);
	CHECK_EQ(typa, 1);
	CHECK_EQ(typb, 0);
	/* Word and DWord prefixes, parent prefixes on the name. */
	CHECK_EQ(s5_of(AML(0x08, '^', '^', '_', 'S', '5', '_', 0x12, 0x0A, 0x02,
			   0x0B, 0x07, 0x00, 0x0C, 0x03, 0x00, 0x00, 0x00)), OK);
	CHECK_EQ(typa, 7);
	CHECK_EQ(typb, 3);
	/* A PkgLength of two bytes: 0x41 0x04 is 0x41 (low nibble 1, then 4 << 4). */
	{
		uint8_t aml[6 + 0x41];

		memset(aml, 0, sizeof(aml));
		memcpy(aml, (const uint8_t[]){ 0x08, '_', 'S', '5', '_', 0x12, 0x41, 0x04, 0x20,
					       0x0A, 0x02, 0x0A, 0x04 }, 13);
		CHECK_EQ(s5_of(aml, sizeof(aml)), OK);
		CHECK_EQ(typa, 2);
		CHECK_EQ(typb, 4);
		CHECK_EQ(s5_of(aml, sizeof(aml) - 1), ERR_TRUNCATED);	/* one byte short */
		CHECK(why_has("length runs past"));
	}
}

TEST(aml_s5_not_declared)
{
	CHECK_EQ(s5_of(AML(0x00)), ERR_NOT_FOUND);
	CHECK(why_has("no \\_S5"));
	CHECK_EQ(s5_of(NULL, 0), ERR_NOT_FOUND);
	/* Only referred to (Store, Return), never a NameOp before it. */
	CHECK_EQ(s5_of(AML(0x70, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x00, 0x00)), ERR_NOT_FOUND);
	CHECK_EQ(s5_of(AML('_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x00, 0x00)), ERR_NOT_FOUND);
	/* Cut inside the name. */
	CHECK_EQ(s5_of(AML(0x08, '_', 'S', '5')), ERR_NOT_FOUND);
	CHECK(typa == 0xEE && typb == 0xEE);	/* nothing written on an error */
}

TEST(aml_s5_not_a_package)
{
	CHECK_EQ(s5_of(AML(0x08, '_', 'S', '5', '_', 0x0A, 0x05)), ERR_UNSUPPORTED);
	CHECK(why_has("not a Package"));
	CHECK_EQ(s5_of(AML(0x08, '_', 'S', '5', '_')), ERR_UNSUPPORTED);	/* ends at the name */
	CHECK(why_has("not a Package"));
}

TEST(aml_s5_package_length_runs_past)
{
	/* PkgLength 0x10, but only 6 bytes follow it. */
	CHECK_EQ(s5_of(AML(0x08, '_', 'S', '5', '_', 0x12, 0x10, 0x02, 0x0A, 0x05, 0x0A, 0x05)),
		 ERR_TRUNCATED);
	CHECK(why_has("length runs past"));
	/* Ends right after PackageOp, and right after a PkgLength byte. */
	CHECK_EQ(s5_of(AML(0x08, '_', 'S', '5', '_', 0x12)), ERR_TRUNCATED);
	CHECK_EQ(s5_of(AML(0x08, '_', 'S', '5', '_', 0x12, 0x02)), ERR_TRUNCATED);
	/* A PkgLength whose extra bytes are cut off. */
	CHECK_EQ(s5_of(AML(0x08, '_', 'S', '5', '_', 0x12, 0xC1, 0x00)), ERR_TRUNCATED);
	/* A PkgLength too small to hold itself and NumElements. */
	CHECK_EQ(s5_of(AML(0x08, '_', 'S', '5', '_', 0x12, 0x01, 0x02, 0x00, 0x00)), ERR_TRUNCATED);
	CHECK(why_has("length runs past"));
	CHECK(typa == 0xEE && typb == 0xEE);
}

TEST(aml_s5_fewer_than_two_elements)
{
	CHECK_EQ(s5_of(AML(0x08, '_', 'S', '5', '_', 0x12, 0x03, 0x01, 0x00)), ERR_INVALID_ARG);
	CHECK(why_has("fewer than two"));
	/* NumElements says 2, but the package holds one. */
	CHECK_EQ(s5_of(AML(0x08, '_', 'S', '5', '_', 0x12, 0x03, 0x02, 0x00, 0x00)), ERR_TRUNCATED);
	CHECK(why_has("before its second"));
}

TEST(aml_s5_element_not_an_integer)
{
	/* A String ("a") as the first element. */
	CHECK_EQ(s5_of(AML(0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0D, 'a', 0x00, 0x00)),
		 ERR_UNSUPPORTED);
	CHECK(why_has("not an integer"));
	/* An opcode below the prefixes' that is none of them (AliasOp). */
	CHECK_EQ(s5_of(AML(0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x06, 0x00)), ERR_UNSUPPORTED);
	CHECK(why_has("not an integer"));
	/* Ones (0xFF) is an integer, but no sleep type. */
	CHECK_EQ(s5_of(AML(0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x00, 0xFF)), ERR_UNSUPPORTED);
	CHECK(why_has("not an integer"));
}

TEST(aml_s5_element_runs_past_its_package)
{
	/* A DWord with two of its bytes outside the package (but in the AML). */
	CHECK_EQ(s5_of(AML(0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x00, 0x0C, 0x01, 0x00,
			   0x00, 0x00)), ERR_TRUNCATED);
	CHECK(why_has("runs past the end of its package"));
}

TEST(aml_s5_sleep_type_above_7)
{
	CHECK_EQ(s5_of(AML(0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0A, 0x08, 0x00)),
		 ERR_INVALID_ARG);
	CHECK(why_has("above 7"));
	CHECK_EQ(s5_of(AML(0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x00, 0x0B, 0x00, 0x01)),
		 ERR_INVALID_ARG);
	CHECK(typa == 0xEE && typb == 0xEE);
}
