/*
 * The kernel command line's words (lib/cmdline.c), for the kernel
 * (kernel/machine.c) and the monitors (usr/monitor), which read the same
 * line: words are separated by spaces, and a word is a bare `key` or
 * `key=VALUE`.
 *
 * Nothing is cut: a VALUE longer than the buffer the caller gives is
 * refused, ERR_TRUNCATED, and the caller refuses what depended on it. A
 * cut value would be another value ("maxcores=12" read as 1, an init=
 * spec that starts another program), and nobody would know.
 */
#ifndef LIB_CMDLINE_H
#define LIB_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <kpi/errors.h>

/* Finds the first word `key` or `key=VALUE` of cmdline. OK: found, and
 * VALUE ("" for a bare key) copied into buf with its NUL unless buf is
 * NULL. ERR_NOT_FOUND: no such word. ERR_TRUNCATED: VALUE has `size`
 * bytes or more; buf holds "" (when size > 0). */
err_t cmdline_find(const char *cmdline, const char *key, char *buf, size_t size);

/* Is word `key` or `key=VALUE` on cmdline? */
bool cmdline_has(const char *cmdline, const char *key);

#endif
