#ifndef _FLOTILLA_ASSERT_H
#define _FLOTILLA_ASSERT_H

void assert_fail(const char *expr, const char *file, int line, const char *func)
	__attribute__((noreturn));

#ifdef NDEBUG
#define assert(e) ((void)0)
#else
#define assert(e) ((e) ? (void)0 : assert_fail(#e, __FILE__, __LINE__, __func__))
#endif

#endif
