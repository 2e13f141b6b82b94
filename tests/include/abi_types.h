/*
 * For the tests that hold the kernel to if/kernel.abi (the host system-
 * call fuzzer, tests/fuzz/fuzz_invoke.c, and the authority test,
 * tests/monitor/authtest.c): does the description's type `abi` (a name
 * such as "cnode", as CAP_METHODS gives it) hold capabilities of `type`
 * (CAP_METHOD_TYPES)?
 */
#ifndef TESTS_INCLUDE_ABI_TYPES_H
#define TESTS_INCLUDE_ABI_TYPES_H

#include <stdbool.h>
#include <string.h>
#include <kpi/caps.h>

static inline bool abi_type_is(const char *abi, unsigned type)
{
#define Y(t, c)	if (type == (c) && !strcmp(#t, abi)) return true;
	CAP_METHOD_TYPES(Y)
#undef Y
	return false;
}

#endif
