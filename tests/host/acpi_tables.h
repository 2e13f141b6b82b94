/*
 * Builders of ACPI tables for the host tests of lib/acpi.c (test_acpi.c,
 * test_acpi_s5.c). A 1 MiB buffer plays physical memory [0, 1 MiB), which
 * covers the BIOS areas the RSDP search looks at; the builders write RSDPs
 * and SDTs into it with correct checksums, and the tests then break one
 * thing at a time. Included by one test file each: everything is static.
 */
#ifndef TESTS_HOST_ACPI_TABLES_H
#define TESTS_HOST_ACPI_TABLES_H

#include <stdint.h>
#include <string.h>
#include "lib/acpi.h"

#define PHYS_SIZE	0x100000u
#define RSDP		0xF5A30u
#define RSDT		0x10000u
#define XSDT		0x11000u

static uint8_t phys[PHYS_SIZE];
static unsigned nwarn;
static const char *last_warn;

static inline const void *tmap(void *ctx, uint64_t pa, uint64_t len)
{
	if (pa > PHYS_SIZE || len > PHYS_SIZE - pa)
		return NULL;
	return phys + pa;
}

static inline void twarn(void *ctx, const char *msg, uint64_t value)
{
	nwarn++;
	last_warn = msg;
}

static const struct boot_io io = { tmap, twarn, NULL };

static inline void put(uint64_t pa, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		phys[pa + i] = (uint8_t)(v >> (8 * i));
}

static inline uint8_t sum(uint64_t pa, uint64_t n)
{
	uint8_t s = 0;

	while (n--)
		s += phys[pa++];
	return s;
}

static inline void reset(void)
{
	memset(phys, 0, sizeof(phys));
	nwarn = 0;
	last_warn = "";
}

static inline void make_rsdp(uint64_t pa, int rev, uint32_t rsdt, uint64_t xsdt)
{
	memset(phys + pa, 0, rev >= 2 ? 36 : 20);
	memcpy(phys + pa, "RSD PTR ", 8);
	memcpy(phys + pa + 9, "FLOTIL", 6);
	phys[pa + 15] = (uint8_t)rev;
	put(pa + 16, rsdt, 4);
	phys[pa + 8] = (uint8_t)-sum(pa, 20);
	if (rev >= 2) {
		put(pa + 20, 36, 4);
		put(pa + 24, xsdt, 8);
		phys[pa + 32] = (uint8_t)-sum(pa, 36);
	}
}

/* A table under construction: header written, entries appended at len. */
struct tb {
	uint64_t pa;
	uint32_t len;
};

static inline struct tb tb_start(uint64_t pa, const char *sig, uint32_t fixed)
{
	memcpy(phys + pa, sig, 4);
	phys[pa + 8] = 1;
	memcpy(phys + pa + 10, "FLOTIL", 6);
	return (struct tb){ pa, 36 + fixed };
}

static inline void tb_put(struct tb *t, uint64_t v, int n)
{
	put(t->pa + t->len, v, n);
	t->len += n;
}

static inline void tb_end(struct tb *t)
{
	put(t->pa + 4, t->len, 4);
	phys[t->pa + 9] = 0;
	phys[t->pa + 9] = (uint8_t)-sum(t->pa, t->len);
}

static inline void make_root(uint64_t pa, int xsdt, const uint64_t *tables, int n)
{
	struct tb t = tb_start(pa, xsdt ? "XSDT" : "RSDT", 0);

	for (int i = 0; i < n; i++)
		tb_put(&t, tables[i], xsdt ? 8 : 4);
	tb_end(&t);
}

#endif
