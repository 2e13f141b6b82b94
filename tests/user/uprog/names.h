/*
 * What uprog's races share (names.c): waiting for the go.
 */
#ifndef TESTS_USER_UPROG_NAMES_H
#define TESTS_USER_UPROG_NAMES_H

#include <stdint.h>
#include <kpi/errors.h>

/* Looks name up in this core's replica (no message: spinning costs the
 * mesh nothing) until it is registered: OK, ERR_TIMEOUT past `deadline`
 * (sys_clock_ns), or the lookup's error. */
err_t await_name(const char *name, uint64_t deadline);

#endif
