/*
 * What a function prints, for the host tests of code that reports by
 * printf (the benchmarks' lines: tests/host/test_bench.c,
 * test_pairbench.c). Define _GNU_SOURCE before including any header.
 */
#ifndef TESTS_HOST_CAPTURE_H
#define TESTS_HOST_CAPTURE_H

#include <stdio.h>
#include <unistd.h>

/* Runs fn(arg) with stdout going to a temporary file, then leaves what it
 * printed in buf (cut to size - 1 bytes, NUL-terminated); fn's value, or
 * -1 with buf empty when no temporary file can be made. */
static inline int captured(char *buf, size_t size, int (*fn)(void *), void *arg)
{
	FILE *f = tmpfile();
	int saved, r;
	size_t got;

	buf[0] = 0;
	if (!f)
		return -1;
	fflush(stdout);
	saved = dup(1);
	dup2(fileno(f), 1);
	r = fn(arg);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	rewind(f);
	got = fread(buf, 1, size - 1, f);
	buf[got] = 0;
	fclose(f);
	return r;
}

#endif
