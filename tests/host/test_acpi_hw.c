/*
 * Tests for lib/acpi_hw.c: the clocks the ACPI tables name (the HPET
 * table's event timer block, the FADT's PM timer in its 32-bit and X_
 * forms). Tables are built in the buffer that plays physical memory
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
};

/* QEMU's q35 in essence: a 244-byte FADT with the X_ form set, 24 bits,
 * and an HPET at 0xFED00000. */
static struct hw_spec q35(void)
{
	return (struct hw_spec){ .fadt_len = 244, .pm_tmr = 0x608, .pm_tmr_len = 4,
		.x_pm_tmr = 0x608, .x_pm_tmr_space = 1, .hpet_len = 56, .hpet_pa = 0xFED00000u };
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
