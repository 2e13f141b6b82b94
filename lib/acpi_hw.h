/*
 * Inside lib/acpi*.c only: the tables' fields that name hardware other
 * than cores and memory (lib/acpi_hw.c), read by acpi_parse() from tables
 * it has already validated whole (header, length, checksum).
 */
#ifndef LIB_ACPI_HW_H
#define LIB_ACPI_HW_H

#include <stdint.h>
#include "lib/acpi.h"

/* The FADT's PM timer and reset register (t: the whole FADT, len >= 116). */
void acpi_parse_fadt_hw(const struct boot_io *io, const uint8_t *t, uint32_t len,
			struct acpi_info *out);
/* The HPET table's event timer block. */
void acpi_parse_hpet(const struct boot_io *io, const uint8_t *t, uint32_t len,
		     struct acpi_info *out);

#endif
