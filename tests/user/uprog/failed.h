/*
 * uprog's checks end it with a status that the test which started it
 * checks (the tests in tests/monitor). FAILED(n) returns n after saying on the
 * console which check it was (file and line) and in which mode, so that
 * a FAIL line's status can be read against the boot log.
 */
#ifndef TESTS_USER_UPROG_FAILED_H
#define TESTS_USER_UPROG_FAILED_H

int uprog_failed(int status, const char *file, int line);
#define FAILED(n)	uprog_failed((n), __FILE__, __LINE__)

#endif
