/*
 * Kernel symbol lookup for backtraces. tools/gensyms.py turns `nm` output of
 * the linked kernel into a sorted table (a second link embeds it), so a
 * fault report can name functions without a debugger.
 */
#ifndef LIB_KSYMS_H
#define LIB_KSYMS_H

#include <stdint.h>

struct ksym {
	uint64_t addr;
	uint32_t size;		/* 0 = unknown: extends to the next symbol */
	uint32_t name;		/* offset into the names blob */
};

struct ksym_table {
	const struct ksym *syms;	/* sorted by addr, ascending */
	uint32_t n;
	const char *names;		/* NUL-terminated strings */
};

/* The name of the symbol containing `addr` and the offset into it, or NULL
 * if `addr` is before the first symbol or past the end of the one before it
 * (size known) or the table is empty. */
const char *ksym_lookup(const struct ksym_table *t, uint64_t addr, uint64_t *offset);

#endif
