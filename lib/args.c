/*
 * Program arguments (format in args.h). The packer measures before it
 * writes anything; the unpacker reads only inside the block and insists
 * that the strings fill `len` exactly, so no argument runs past its end.
 */
#include "lib/args.h"
#include "lib/string.h"

err_t args_pack(void *block, unsigned argc, const char *const *argv)
{
	uint8_t *b = block;
	size_t len = 0;

	if (argc > ARGS_MAX)
		return ERR_ARGS_TOO_LONG;
	for (unsigned i = 0; i < argc; i++) {
		if (!argv[i])
			return ERR_INVALID_ARG;
		len += strlen(argv[i]) + 1;
		if (len > ARGS_SIZE - ARGS_HDR)
			return ERR_ARGS_TOO_LONG;
	}
	const uint32_t hdr[3] = { ARGS_MAGIC, argc, (uint32_t)len };
	memset(b, 0, ARGS_SIZE);
	memcpy(b, hdr, sizeof(hdr));
	b += ARGS_HDR;
	for (unsigned i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]) + 1;
		memcpy(b, argv[i], n);
		b += n;
	}
	return OK;
}

err_t args_unpack(const void *block, unsigned *argc, const char **argv)
{
	const char *s = (const char *)block + ARGS_HDR;
	uint32_t hdr[3];
	size_t at = 0;

	*argc = 0;
	argv[0] = NULL;
	memcpy(hdr, block, sizeof(hdr));
	if (hdr[0] != ARGS_MAGIC)
		return OK;			/* started without arguments */
	if (hdr[1] > ARGS_MAX || hdr[2] > ARGS_SIZE - ARGS_HDR)
		return ERR_BAD_MESSAGE;
	for (unsigned i = 0; i < hdr[1]; i++) {
		size_t n = strnlen(s + at, hdr[2] - at);
		if (at + n >= hdr[2]) {
			argv[0] = NULL;
			return ERR_BAD_MESSAGE;	/* no NUL inside len */
		}
		argv[i] = s + at;
		at += n + 1;
	}
	if (at != hdr[2]) {
		argv[0] = NULL;
		return ERR_BAD_MESSAGE;		/* bytes after the last string */
	}
	argv[hdr[1]] = NULL;
	*argc = hdr[1];
	return OK;
}
