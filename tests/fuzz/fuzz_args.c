/*
 * libFuzzer target for args_unpack(): the input is the argument block a
 * creator wrote (padded with zeros, or cut, to ARGS_SIZE). An accepted
 * block must give argc <= ARGS_MAX strings, each terminated inside the
 * block, argv[argc] == NULL, and pack back into a block that unpacks to
 * the same strings. A refused one must leave no arguments.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "lib/args.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t block[ARGS_SIZE], again[ARGS_SIZE];
	const char *argv[ARGS_MAX + 1], *argv2[ARGS_MAX + 1];
	unsigned argc, argc2;

	memset(block, 0, sizeof(block));
	memcpy(block, data, size < ARGS_SIZE ? size : ARGS_SIZE);
	if (args_unpack(block, &argc, argv) != OK) {
		if (argc != 0 || argv[0] != NULL)
			__builtin_trap();
		return 0;
	}
	if (argc > ARGS_MAX || argv[argc] != NULL)
		__builtin_trap();
	for (unsigned i = 0; i < argc; i++) {
		const char *s = argv[i];
		if (s < (const char *)block + ARGS_HDR || s >= (const char *)block + ARGS_SIZE ||
		    !memchr(s, 0, (size_t)((const char *)block + ARGS_SIZE - s)))
			__builtin_trap();
	}
	if (args_pack(again, argc, argv) != OK || args_unpack(again, &argc2, argv2) != OK ||
	    argc2 != argc)
		__builtin_trap();
	for (unsigned i = 0; i < argc; i++)
		if (strcmp(argv[i], argv2[i]) != 0)
			__builtin_trap();
	return 0;
}
