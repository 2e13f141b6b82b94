/*
 * Program arguments. The creator of a process (usr/lib/spawn.c) packs its
 * argv into one block at the top of the new stack (ARGS_VA); the child's
 * libc_start unpacks it into main(argc, argv). The block is
 *
 *	u32 magic  u32 argc  u32 len  char strings[len]
 *
 * where strings holds argc NUL-terminated strings back to back. Nothing
 * is truncated: arguments that do not fit are refused with
 * ERR_ARGS_TOO_LONG. The unpacker checks everything against the block's
 * size, so a garbled block (a buggy creator) gives an error, not a crash.
 */
#ifndef LIB_ARGS_H
#define LIB_ARGS_H

#include <stddef.h>
#include <stdint.h>
#include <kpi/errors.h>

#define ARGS_SIZE	1024		/* bytes of the block, header included */
#define ARGS_MAX	32		/* arguments, argv[0] included */
#define ARGS_MAGIC	0x53475241u	/* "ARGS" */
#define ARGS_HDR	12

/* Packs argv (argc strings) into block[0..ARGS_SIZE). */
err_t args_pack(void *block, unsigned argc, const char *const *argv);
/* Points argv[0..argc) into the block and sets argv[argc] = NULL; argv
 * has room for ARGS_MAX + 1. A block without the magic is no arguments. */
err_t args_unpack(const void *block, unsigned *argc, const char **argv);

#endif
