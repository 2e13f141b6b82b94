/*
 * err_name/err_msg: every code in errors.def has a distinct name and a
 * message, OK is zero, and codes outside the table get the fallbacks.
 */
#include <string.h>
#include <kpi/errors.h>
#include "lib/test.h"

TEST(ok_is_zero)
{
	CHECK_EQ(OK, 0);
	CHECK_STR(err_name(OK), "OK");
	CHECK_STR(err_msg(OK), "success");
}

TEST(known_codes)
{
	CHECK_STR(err_name(ERR_NO_MEMORY), "ERR_NO_MEMORY");
	CHECK_STR(err_msg(ERR_NO_MEMORY), "not enough memory");
	CHECK_STR(err_name(ERR_INVALID_ARG), "ERR_INVALID_ARG");
	CHECK_STR(err_msg(ERR_INVALID_ARG), "invalid argument");
	CHECK_STR(err_name(ERR_CORE_HALTED), "ERR_CORE_HALTED");
}

TEST(every_code_named)
{
	for (err_t e = 0; e < ERR__COUNT; e++) {
		CHECK(err_name(e) != NULL && err_msg(e) != NULL);
		CHECK(strncmp(err_name(e), e ? "ERR_" : "OK", e ? 4 : 3) == 0);
		CHECK(strcmp(err_name(e), "ERR_UNKNOWN") != 0);
		CHECK(err_msg(e)[0] != '\0');
		for (err_t f = 0; f < e; f++)
			CHECK(strcmp(err_name(e), err_name(f)) != 0);
	}
}

TEST(out_of_range)
{
	static const err_t bad[] = { -1, -1000, ERR__COUNT, ERR__COUNT + 1, 0x7fffffff, (err_t)0x80000000u };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_STR(err_name(bad[i]), "ERR_UNKNOWN");
		CHECK_STR(err_msg(bad[i]), "unknown error code");
	}
}
