/*
 * Names and messages for the error table in include/kpi/errors.def, and
 * the names of the x86-64 exception vectors that fault reports use.
 * Both tables are generated from the same X-macro list, so a code can
 * never lack a name or a message.
 */
#include <kpi/errors.h>
#include <kpi/lmp.h>

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

static const char *const vector_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM device not available",
	"#DF double fault", "coprocessor overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault", "#GP general protection",
	"#PF page fault", "reserved 15", "#MF x87 error", "#AC alignment check",
	"#MC machine check", "#XM SIMD error", "#VE virtualization",
	"#CP control protection", "reserved 22", "reserved 23", "reserved 24",
	"reserved 25", "reserved 26", "reserved 27", "#HV hypervisor injection",
	"#VC VMM communication", "#SX security", "reserved 31",
};

const char *vector_name(uint64_t vector)
{
	return vector < 32 ? vector_names[vector] : "interrupt";
}
