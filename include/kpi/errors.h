/*
 * Error codes shared by the kernel, the libraries and (later) user space.
 * Every fallible function returns an `err_t`; OK is zero, so callers write
 * `if (err) return err;`. err_name() and err_msg() (lib/errors.c) turn a
 * code into text: "ERR_NO_MEMORY: not enough memory".
 */
#ifndef KPI_ERRORS_H
#define KPI_ERRORS_H

enum err_code {
#define ERR(name, msg) name,
#include <kpi/errors.def>
#undef ERR
	ERR__COUNT
};

typedef int err_t;

const char *err_name(err_t e);	/* "ERR_NO_MEMORY"; "ERR_UNKNOWN" if out of range */
const char *err_msg(err_t e);	/* "not enough memory" */

#endif
