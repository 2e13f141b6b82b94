/*
 * Tests for lib/acpi_hw.c: the clocks the ACPI tables name (the HPET
 * table's event timer block, the FADT's PM timer in its 32-bit and X_
 * forms) and the FADT's reset register. Tables are built in the buffer that plays physical memory
 * (acpi_tables.h); each malformed case checks that the field is left 0
 * (not used) and that a warning said so.
 */
#include <stdint.h>
#include <string.h>
#include "lib/test.h"
#include "acpi_tables.h"

#define FADT		0x50000u
#define HPET		0x58000u

struct hw_spec {
	uint32_t fadt_len;		/* 0: no FADT */
	uint32_t pm_tmr;		/* PM_TMR_BLK */
	uint8_t pm_tmr_len;
	uint32_t flags;
	uint64_t x_pm_tmr;		/* X_PM_TMR_BLK's address; 0 = not set */
	uint8_t x_pm_tmr_space;
	uint32_t hpet_len;		/* 0: no HPET table */
	uint8_t hpet_space;
	uint64_t hpet_pa;
	uint8_t reset_space, reset_width, reset_value;
	uint64_t reset_addr;
};

#define RESET_REG_SUP	(1u << 10)

/* QEMU's q35 in essence: a 244-byte FADT with the X_ form set, 24 bits,
 * the reset register at port 0xCF9 (value 6), and an HPET at 0xFED00000. */
static struct hw_spec q35(void)
{
	return (struct hw_spec){ .fadt_len = 244, .pm_tmr = 0x608, .pm_tmr_len = 4,
		.x_pm_tmr = 0x608, .x_pm_tmr_space = 1, .hpet_len = 56, .hpet_pa = 0xFED00000u,
		.flags = RESET_REG_SUP, .reset_space = 1, .reset_width = 8, .reset_value = 6,
		.reset_addr = 0xCF9 };
}

static struct acpi_info info;

static err_t parse(const struct hw_spec *s)
{
	uint64_t tables[2];
	int n = 0;

	reset();
	if (s->fadt_len) {
		struct tb t = tb_start(FADT, "FACP", 0);

		memset(phys + FADT + 36, 0, s->fadt_len - 36);
		put(FADT + 76, s->pm_tmr, 4);
		phys[FADT + 91] = s->pm_tmr_len;
		put(FADT + 112, s->flags, 4);
		if (s->fadt_len > 128) {
			phys[FADT + 116] = s->reset_space;
			phys[FADT + 117] = s->reset_width;
			put(FADT + 120, s->reset_addr, 8);
			phys[FADT + 128] = s->reset_value;
		}
		if (s->fadt_len >= 220 && s->x_pm_tmr) {
			phys[FADT + 208] = s->x_pm_tmr_space;
			phys[FADT + 209] = 32;
			put(FADT + 212, s->x_pm_tmr, 8);
		}
		t.len = s->fadt_len;
		tb_end(&t);
		tables[n++] = FADT;
	}
	if (s->hpet_len) {
		struct tb t = tb_start(HPET, "HPET", 0);

		memset(phys + HPET + 36, 0, s->hpet_len - 36);
		put(HPET + 36, 0x8086A201u, 4);
		phys[HPET + 40] = s->hpet_space;
		phys[HPET + 41] = 64;
		put(HPET + 44, s->hpet_pa, 8);
		t.len = s->hpet_len;
		tb_end(&t);
		tables[n++] = HPET;
	}
	make_root(RSDT, 0, tables, n);
	make_rsdp(RSDP, 0, RSDT, 0);
	return acpi_parse(&io, RSDP, &info);
}

TEST(q35_hpet_and_24_bit_pm_timer)
{
	struct hw_spec s = q35();

	CHECK_ERR(parse(&s), OK);
	CHECK_EQ(info.hpet_pa, 0xFED00000ull);
	CHECK_EQ(info.pm_timer_port, 0x608);
	CHECK_EQ(info.pm_timer_bits, 24);
	CHECK_EQ(nwarn, 0);
}

TEST(pm_timer_32_bits_with_tmr_val_ext)
{
	struct hw_spec s = q35();

	s.flags = 1u << 8;
	CHECK_ERR(parse(&s), OK);
	CHECK_EQ(info.pm_timer_bits, 32);
}

TEST(pm_timer_x_form_wins_and_v1_form_alone_works)
{
	struct hw_spec s = q35();

	s.pm_tmr = 0x408;		/* the X_ form says 0x608 */
	CHECK_ERR(parse(&s), OK);
	CHECK_EQ(info.pm_timer_port, 0x608);
	s = q35();
	s.fadt_len = 116;		/* ACPI 1.0: no X_ fields */
	CHECK_ERR(parse(&s), OK);
	CHECK_EQ(info.pm_timer_port, 0x608);
	CHECK_EQ(info.pm_timer_bits, 24);
}

TEST(no_tables_no_clocks)
{
	struct hw_spec s = { 0 };

	CHECK_ERR(parse(&s), OK);
	CHECK_EQ(info.hpet_pa, 0ull);
	CHECK_EQ(info.pm_timer_port, 0);
	CHECK_EQ(info.pm_timer_bits, 0);
	s = q35();
	s.pm_tmr = 0;
	s.x_pm_tmr = 0;			/* a FADT without a PM timer */
	CHECK_ERR(parse(&s), OK);
	CHECK_EQ(info.pm_timer_port, 0);
	CHECK_EQ(info.pm_timer_bits, 0);
	CHECK_EQ(nwarn, 0);
}

/* A PM timer the parser must refuse, with a warning holding `word`. */
#define PM_BAD(name, change, word)					\
TEST(name)								\
{									\
	struct hw_spec s = q35();					\
									\
	change;								\
	CHECK_ERR(parse(&s), OK);					\
	CHECK_EQ(info.pm_timer_port, 0);				\
	CHECK_EQ(info.pm_timer_bits, 0);				\
	CHECK(nwarn >= 1 && strstr(last_warn, word));			\
	CHECK_EQ(info.hpet_pa, 0xFED00000ull);	/* the rest is read */	\
}

PM_BAD(pm_timer_in_memory_space_not_used, s.x_pm_tmr_space = 0, "system I/O")
PM_BAD(pm_timer_len_not_4_not_used, (s.x_pm_tmr = 0, s.pm_tmr_len = 3), "PM_TMR_LEN")
PM_BAD(pm_timer_port_beyond_io_space_not_used, s.x_pm_tmr = 0xFFFD, "beyond")

/* An HPET table the parser must refuse, with a warning holding `word`. */
#define HPET_BAD(name, change, word)					\
TEST(name)								\
{									\
	struct hw_spec s = q35();					\
									\
	change;								\
	CHECK_ERR(parse(&s), OK);					\
	CHECK_EQ(info.hpet_pa, 0ull);					\
	CHECK(nwarn >= 1 && strstr(last_warn, word));			\
	CHECK_EQ(info.pm_timer_port, 0x608);				\
}

HPET_BAD(hpet_table_too_short_ignored, s.hpet_len = 52, "shorter")
HPET_BAD(hpet_in_io_space_not_used, s.hpet_space = 1, "memory space")
HPET_BAD(hpet_at_address_0_not_used, s.hpet_pa = 0, "memory space, or 0")

TEST(q35_reset_register)
{
	struct hw_spec s = q35();

	CHECK_ERR(parse(&s), OK);
	CHECK(info.reset.usable);
	CHECK(info.reset.why == NULL);
	CHECK_EQ(info.reset.space, ACPI_GAS_SYSTEM_IO);
	CHECK_EQ(info.reset.addr, 0xCF9ull);
	CHECK_EQ(info.reset.value, 6);
}

TEST(reset_register_in_pci_config_space)
{
	struct hw_spec s = q35();

	s.reset_space = 2;
	s.reset_addr = 0x1Full << 32 | 0x0ull << 16 | 0xAC;	/* device 31, function 0 */
	CHECK_ERR(parse(&s), OK);
	CHECK(info.reset.usable);
	CHECK_EQ(info.reset.space, ACPI_GAS_PCI_CONFIG);
	CHECK_EQ(info.reset.addr, 0x1F000000ACull);
}

TEST(no_fadt_no_reset_register_and_no_reason)
{
	struct hw_spec s = q35();

	s.fadt_len = 0;
	CHECK_ERR(parse(&s), OK);
	CHECK(!info.reset.usable);
	CHECK(info.reset.why == NULL);
}

/* A reset register the parser must refuse, with a reason holding `word`. */
#define RESET_BAD(name, change, word)					\
TEST(name)								\
{									\
	struct hw_spec s = q35();					\
									\
	change;								\
	CHECK_ERR(parse(&s), OK);					\
	CHECK(!info.reset.usable);					\
	CHECK(info.reset.why && strstr(info.reset.why, word));		\
	CHECK_EQ(info.pm_timer_port, 0x608);	/* the rest is read */	\
}

RESET_BAD(reset_register_absent_from_acpi_1_fadt, s.fadt_len = 116, "older than ACPI 2.0")
RESET_BAD(reset_register_not_supported_by_flag, s.flags = 0, "RESET_REG_SUP")
RESET_BAD(reset_register_at_address_0, s.reset_addr = 0, "address 0")
RESET_BAD(reset_register_in_unknown_space, s.reset_space = 3, "address space")
RESET_BAD(reset_register_not_8_bits, s.reset_width = 16, "8 bits")
RESET_BAD(reset_register_port_beyond_io_space, s.reset_addr = 0x10000, "beyond")
