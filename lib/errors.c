/*
 * Names and messages for the error table in include/kpi/errors.def.
 * Both tables are generated from the same X-macro list, so a code can
 * never lack a name or a message.
 */
#include <kpi/errors.h>

static const char *const names[] = {
#define ERR(name, msg) #name,
#include <kpi/errors.def>
#undef ERR
};

static const char *const msgs[] = {
#define ERR(name, msg) msg,
#include <kpi/errors.def>
#undef ERR
};

const char *err_name(err_t e)
{
	return (e >= 0 && e < ERR__COUNT) ? names[e] : "ERR_UNKNOWN";
}

const char *err_msg(err_t e)
{
	return (e >= 0 && e < ERR__COUNT) ? msgs[e] : "unknown error code";
}
